import { join, resolve } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { serve } from "@hono/node-server";
import type { LatestPriceStore, ObjectStore } from "@market-data/core";
import { keys, objectIdOf } from "@market-data/core";
import { FolderObjectStore } from "../adapters/folder-object-store.js";
import type { AlertConsole } from "../adapters/local-notifier.js";
import { openLatestPriceStore } from "../adapters/pglite-latest-prices.js";
import { createApp } from "../api/app.js";
import type { FreshnessCheckResult } from "../freshness/check.js";
import { providerAlertsTo, providerRecoveriesTo } from "../ingest/notify-alerts.js";
import { type StartTransformResult, startTransform } from "../transform/start-transform.js";
import { createValidateHandler } from "../validate/handler.js";
import type { ObjectOutcome } from "../validate/validate-object.js";
import { startFreshnessSchedule } from "./freshness-schedule.js";
import { startIngestSchedule } from "./ingest-schedule.js";
import { type OfflineAlerts, startOfflineAlerts } from "./offline-notifier.js";
import { startOfflineWarehouse } from "./offline-warehouse.js";
import { LocalQueue } from "./queue.js";
import { type RawFileSeen, RawWatcher } from "./raw-watcher.js";
import { s3NotificationFor } from "./s3-event-record.js";
import { type GlueJobStateChange, SparkJobRunner } from "./spark-job-runner.js";

export interface LocalRuntimeOptions {
  /** Everything offline lives here: `bucket/`, `pglite/`, `dlq/`. Default `.local`. */
  root?: string;
  /** API port; 0 picks a free one. Default 0. */
  port?: number;
  host?: string;
  apiKey?: string;
  /** Powertools log level of the handlers (`INFO` shows the QUALITY=PASS|FAIL lines). */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  pollMs?: number;
  /** Retry backoff base (tests shorten it). */
  retryBaseMs?: number;
  onObject?: (outcome: ObjectOutcome) => void;
  /** The `.venv`'s python (scripts/python-env.mjs): enables the Spark transform. Without it, no transform runs. */
  python?: string;
  /** Repository root, where the Glue script lives. Default: the current directory. */
  repoRoot?: string;
  /** How often the transform schedule ticks; 0 = only when asked (`runTransform()`). Default 60 s. */
  transformEveryMs?: number;
  /** How often the provider ingest schedule ticks (when `INGEST_*_SYMBOLS` are set); 0 = never. Default 1 h. */
  ingestEveryMs?: number;
  /**
   * How often the freshness check runs (`FRESHNESS_SYMBOLS`, `FRESHNESS_GRACE_MINUTES`, as the stack's cron); 0 =
   * only when asked (`checkFreshness()`). Default 30 min, the stack's rate.
   */
  freshnessEveryMs?: number;
  /** Told of every "Glue Job State Change" event the offline job runner emits. */
  onJobEvent?: (event: GlueJobStateChange) => void;
  /** Where alerts are printed (default `console`); they also go to Slack or `<root>/alerts.jsonl`. */
  alertConsole?: AlertConsole;
  /** Read for `SLACK_BOT_TOKEN`, `SLACK_CHANNEL`, `SLACK_API_URL` and `FRESHNESS_*` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface LocalRuntime {
  readonly url: string;
  readonly root: string;
  readonly objects: ObjectStore;
  readonly prices: LatestPriceStore;
  readonly queue: LocalQueue;
  /** Objects processed since start, in order. */
  readonly outcomes: ObjectOutcome[];
  /** Job state events emitted so far. */
  readonly jobEvents: GlueJobStateChange[];
  /** Alerts published since start, where they go, the open incidents. */
  readonly alerts: Pick<OfflineAlerts, "where" | "published" | "incidents">;
  /** Resolves when every file under raw/ has been announced and its message processed or dead-lettered. */
  settle(): Promise<void>;
  /**
   * One transform tick now, waiting for the run it starts to end and settling it (its markers consumed or
   * released). Undefined when the runtime has no python (no transform).
   */
  runTransform(): Promise<{ tick: StartTransformResult; event?: GlueJobStateChange } | undefined>;
  /** One freshness check now: stale symbols alerted once per stale set, resolved when fresh again. */
  checkFreshness(): Promise<FreshnessCheckResult>;
  stop(): Promise<void>;
}

const BUCKET = "local-bucket";
/** Receives before a message is dead-lettered (the stacks' MAX_RECEIVES); the DLQ alert fires on the last one. */
const MAX_RECEIVES = 5;

/**
 * The offline stand-in for S3 notifications + SQS + Lambda + API Gateway: watches `<root>/bucket/raw/`, delivers
 * S3-shaped events in SQS-like batches to the same validate handler the cloud runs, and serves the same API.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const root = resolve(options.root ?? ".local");
  const objects = new FolderObjectStore(join(root, "bucket"));
  // This process is the bucket's only writer: half-written temp files are leftovers of a crash.
  await objects.removeAbandonedTempFiles();
  const prices = await openLatestPriceStore(join(root, "pglite"));
  const logger = new Logger({ serviceName: "validate", logLevel: options.logLevel ?? "INFO" });
  const outcomes: ObjectOutcome[] = [];
  const alerts = startOfflineAlerts({
    root,
    objects,
    ...(options.env ? { env: options.env } : {}),
    ...(options.alertConsole ? { out: options.alertConsole } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });

  const queue = new LocalQueue({
    dlqDir: join(root, "dlq"),
    maxReceives: MAX_RECEIVES,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });
  const handler = createValidateHandler(
    { objects, prices },
    {
      logger,
      alerting: { publisher: alerts.publisher, place: { kind: "local", bucketRoot: join(root, "bucket") } },
      onRecordFailure: (record, error) => {
        queue.noteError(record.messageId, error);
        alerts.onReceiveFailed(record, error, MAX_RECEIVES);
      },
      onObject: (outcome) => {
        outcomes.push(outcome);
        options.onObject?.(outcome);
      },
    },
  );
  const consuming = queue.run(async (event) => (await handler(event, lambdaContext(), () => {})) ?? undefined);

  const enqueue = async (file: RawFileSeen) => {
    const info = await objects.head(file.key);
    if (info === undefined) return;
    const notification = s3NotificationFor(BUCKET, { ...file, etag: info.etag, eventTime: file.mtime });
    queue.send(JSON.stringify(notification));
  };
  const watcher = new RawWatcher({
    root: join(root, "bucket"),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    onFile: enqueue,
    // After a crash, whatever has no report yet is delivered again; processing is idempotent, so a half-done
    // object is simply redone.
    needsProcessing: async (file) => {
      const info = await objects.head(file.key);
      if (info === undefined) return false;
      const report = keys.report(info.lastModified.toISOString().slice(0, 10), objectIdOf(file.key, info.etag));
      return (await objects.head(report)) === undefined;
    },
  });
  await watcher.start();

  // Provider pulls (Alpha Vantage, CoinGecko) write raw payloads, which the watcher then validates like any drop.
  const ingestLogger = new Logger({ serviceName: "ingest", logLevel: options.logLevel ?? "INFO" });
  const ingest =
    (options.ingestEveryMs ?? 3_600_000) > 0
      ? startIngestSchedule({
          objects,
          everyMs: options.ingestEveryMs ?? 3_600_000,
          logger: ingestLogger,
          onProviderAlert: providerAlertsTo(alerts.notifier, ingestLogger),
          onProviderRecovered: providerRecoveriesTo(alerts.notifier, ingestLogger),
        })
      : undefined;

  // Stale data: the latest prices against the market calendar, alerted through the same notifier.
  const freshnessLogger = new Logger({ serviceName: "freshness", logLevel: options.logLevel ?? "INFO" });
  const freshness = startFreshnessSchedule({
    deps: { prices, incidents: alerts.incidents, publisher: alerts.publisher, logger: freshnessLogger },
    everyMs: options.freshnessEveryMs ?? 30 * 60_000,
    ...(options.env ? { env: options.env } : {}),
    logger: freshnessLogger,
  });

  // The warehouse (PGlite under <root>/warehouse, or DATABASE_URL): each SUCCEEDED job event is merged into it.
  const warehouse = await startOfflineWarehouse({
    root,
    objects,
    logLevel: options.logLevel ?? "INFO",
    notifier: alerts.notifier,
    incidents: alerts.incidents,
  });

  const jobEvents: GlueJobStateChange[] = [];
  const transformLogger = new Logger({ serviceName: "start-transform", logLevel: options.logLevel ?? "INFO" });
  const jobs = options.python
    ? new SparkJobRunner({
        bucketRoot: join(root, "bucket"),
        repoRoot: resolve(options.repoRoot ?? "."),
        python: options.python,
        logDir: join(root, "logs", "transform"),
        onStateChange: (event) => {
          jobEvents.push(event);
          void warehouse.onJobEvent(event);
          transformLogger[event.detail.state === "SUCCEEDED" ? "info" : "error"]("Glue Job State Change", {
            detail: event.detail,
          });
          options.onJobEvent?.(event);
        },
      })
    : undefined;
  const tick = async (): Promise<StartTransformResult | undefined> =>
    jobs ? startTransform({ objects, jobs, logger: transformLogger }) : undefined;
  let ticking: Promise<unknown> = Promise.resolve();
  const everyMs = options.transformEveryMs ?? 60_000;
  const schedule =
    jobs && everyMs > 0
      ? setInterval(() => {
          ticking = ticking
            .then(tick)
            .catch((error: unknown) => transformLogger.error("transform tick failed", { error }));
        }, everyMs)
      : undefined;

  const app = createApp({
    prices,
    objects,
    warehouse: warehouse.warehouse,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
  });
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolveServer(started));
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;

  return {
    url: `http://${host}:${port}`,
    root,
    objects,
    prices,
    queue,
    outcomes,
    jobEvents,
    alerts,
    async runTransform() {
      if (!jobs) return undefined;
      await ticking;
      const before = jobEvents.length;
      const result = await tick();
      if (result?.status !== "started") return result && { tick: result };
      await jobs.idle();
      await warehouse.idle(); // the merge of a SUCCEEDED run
      await tick(); // settles the run: a success consumes its markers, a failure releases them
      return { tick: result, event: jobEvents[before] };
    },
    checkFreshness: () => freshness.check(),
    async settle() {
      // Two polls: a file is announced once its size held still between polls.
      for (let round = 0; round < 100; round++) {
        const before = outcomes.length + queue.deadLetters.length;
        await watcher.poll();
        await watcher.poll();
        await queue.idle();
        if (queue.depth === 0 && outcomes.length + queue.deadLetters.length === before) return;
      }
    },
    async stop() {
      if (schedule) clearInterval(schedule);
      await ticking;
      await jobs?.idle();
      await ingest?.stop();
      await freshness.stop();
      watcher.stop();
      queue.stop();
      await consuming;
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await warehouse.idle();
      await warehouse.close();
      await prices.close?.();
    },
  };
}

function lambdaContext() {
  const deadline = Date.now() + 15 * 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "validate-local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:validate-local",
    memoryLimitInMB: "1024",
    awsRequestId: `local-${Date.now()}`,
    logGroupName: "/local/validate",
    logStreamName: "local",
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

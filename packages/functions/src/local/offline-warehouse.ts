import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import type { IncidentReader, Notifier, ObjectStore } from "@market-data/core/ports";
import { type AlertConsole, LocalNotifier } from "../adapters/local-notifier.js";
import { createMergeHandler, type MergeResult } from "../merge/handler.js";
import { localRunIdOf } from "../merge/run-id.js";
import { openOfflineWarehouse } from "../warehouse/open-offline.js";
import type { PostgresWarehouse } from "../warehouse/postgres-warehouse.js";
import type { GlueJobStateChange } from "./spark-job-runner.js";

export interface OfflineWarehouseOptions {
  /** The offline root (`.local`): the database in `<root>/warehouse`, alerts in `<root>/alerts.jsonl`. */
  root: string;
  /** The offline bucket, where the run manifests and deltas are. */
  objects: ObjectStore;
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  /** A PostgreSQL server instead of the embedded database. Default: `DATABASE_URL`, when set. */
  databaseUrl?: string;
  /** Where alerts are printed besides `<root>/alerts.jsonl` (default `console`). */
  alertConsole?: AlertConsole;
  /** The runtime's notifier and open incidents (default: a LocalNotifier on `<root>/alerts.jsonl`, none). */
  notifier?: Notifier;
  incidents?: IncidentReader;
}

/** The warehouse slice of the offline runtime: the database, and the merge handler on the job's events. */
export interface OfflineWarehouse {
  /** For the API: `createApp({ …, warehouse: offline.warehouse })`. */
  readonly warehouse: PostgresWarehouse;
  /** Where the database is (a folder, or `postgres://host:port`). */
  readonly where: string;
  /**
   * Hands a "Glue Job State Change" event to the merge handler, as EventBridge would. Merges run one at a time
   * in event order. Never rejects: a failure has been alerted (`<root>/alerts.jsonl`) and logged, and resolves
   * undefined — offline there is no EventBridge retry; the next event of the run, or a re-run, merges it.
   */
  onJobEvent(event: GlueJobStateChange): Promise<MergeResult | undefined>;
  /** Resolves when every event handed over so far has been handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and migrates) the offline warehouse and its merge handler. */
export async function startOfflineWarehouse(options: OfflineWarehouseOptions): Promise<OfflineWarehouse> {
  const { warehouse, client, where } = await openOfflineWarehouse({
    objects: options.objects,
    root: options.root,
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  });
  const logger = new Logger({ serviceName: "merge", logLevel: options.logLevel ?? "INFO" });
  const merge = createMergeHandler({
    objects: options.objects,
    warehouse,
    notifier: options.notifier ?? new LocalNotifier(join(options.root, "alerts.jsonl"), options.alertConsole),
    ...(options.incidents === undefined ? {} : { incidents: options.incidents }),
    place: { kind: "local", bucketRoot: join(options.root, "bucket"), logDir: join(options.root, "logs", "transform") },
    runIdOf: localRunIdOf,
    logger,
  });
  let queue: Promise<unknown> = Promise.resolve();
  return {
    warehouse,
    where,
    onJobEvent(event) {
      const handled = queue.then(() => merge(event)).catch(() => undefined);
      queue = handled;
      return handled;
    },
    async idle() {
      await queue;
    },
    async close() {
      await queue;
      await client.close();
    },
  };
}

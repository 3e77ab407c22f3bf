import { relative } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { ObjectInfo } from "@market-data/core/ports";
import type { ProviderId } from "@market-data/core/providers/types";
import type { IngestProvider } from "../../packages/functions/src/ingest/tick.ts";
import { providersFromEnv } from "../../packages/functions/src/providers/from-env.ts";
import type { ProviderLogger } from "../../packages/functions/src/providers/types.ts";
import type { BackfillArgs } from "./args.ts";
import { listExisting, openDestination } from "./destination.ts";
import { planFiles } from "./files.ts";
import { emptyCounts, mb, ProgressLine } from "./progress.ts";
import { pullProviders } from "./pull.ts";
import { reportsOf, writeManifest } from "./summary.ts";
import { uploadFiles } from "./upload.ts";

export interface BackfillIo {
  /** Progress and warnings. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** The summary. */
  stdout: NodeJS.WritableStream;
  env?: Readonly<Record<string, string | undefined>>;
  /** An S3 client to use for --bucket / --stage (tests, the bench); default one from the default chain. */
  s3?: S3Client;
  /** Provider clients (tests); default from the environment. */
  providers?: ReadonlyMap<ProviderId, IngestProvider>;
  /** Aborting stops starting new uploads; what is in flight finishes, and the summary says how to resume. */
  signal?: AbortSignal;
  now?: () => number;
}

export interface BackfillOutcome {
  exitCode: number;
  uploaded: number;
  skipped: number;
  failed: number;
  bytes: number;
  seconds: number;
  manifest?: string;
}

/** The backfill command without process concerns (argv, signals, exit): what `scripts/backfill.ts` runs. */
export async function runBackfill(args: BackfillArgs, io: BackfillIo): Promise<BackfillOutcome> {
  const started = Date.now();
  const now = io.now ?? Date.now;
  const signal = io.signal ?? new AbortController().signal;
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const destination = await openDestination(args, io.env ?? process.env, io.s3);
  try {
    const paths = args.targets.flatMap((t) => (t.kind === "path" ? [t.path] : []));
    const pulls = args.targets.flatMap((t) => (t.kind === "provider" ? [t] : []));
    const plan = await planFiles(paths, args.prefix);
    for (const { path, why } of plan.ignored.slice(0, 5)) io.stderr.write(`backfill: ignoring ${path} (${why})\n`);
    if (plan.ignored.length > 5) io.stderr.write(`backfill: … and ${plan.ignored.length - 5} more ignored files\n`);

    const existing = await listExisting(destination.store, plan.prefixes);
    const bytesTotal = plan.files.reduce((sum, f) => sum + f.size, 0);
    const counts = emptyCounts(plan.files.length, bytesTotal);
    const progress = new ProgressLine(io.stderr, counts, {
      label: args.dryRun ? "backfill (dry run)" : "backfill",
      everyMs: args.progressMs,
    });
    const concurrency = args.concurrency ?? (destination.kind === "s3" ? 16 : 8);
    const fileResults = await uploadFiles(plan.files, {
      store: destination.store,
      existing,
      concurrency,
      counts,
      progress,
      signal,
      dryRun: args.dryRun,
    });
    const pullResults =
      pulls.length === 0
        ? []
        : await pullProviders(pulls, {
            providers: io.providers ?? providersFromEnv(io.env ?? process.env, { logger: stderrLogger(io.stderr) }),
            store: destination.store,
            interval: args.interval,
            range: args.from === undefined && args.to === undefined ? undefined : { from: args.from, to: args.to },
            concurrency,
            counts,
            progress,
            signal,
            dryRun: args.dryRun,
            now: now(),
          });
    progress.done();

    const failures = [
      ...fileResults.filter((r) => r.status === "failed").map((r) => `${r.file.path}: ${r.error}`),
      ...pullResults.filter((r) => r.status === "failed").map((r) => `${r.provider}:${r.symbol}: ${r.error}`),
    ];
    for (const failure of failures.slice(0, 20)) io.stderr.write(`backfill: failed ${failure}\n`);
    if (failures.length > 20) io.stderr.write(`backfill: … and ${failures.length - 20} more failures\n`);

    const seconds = (Date.now() - started) / 1000;
    const outcome: BackfillOutcome = {
      exitCode: signal.aborted ? 130 : failures.length > 0 ? 1 : 0,
      uploaded: counts.uploaded,
      skipped: counts.skipped,
      failed: counts.failed,
      bytes: counts.bytesUploaded,
      seconds,
    };
    const perSecond = (n: number) => n / Math.max(seconds, 0.001);
    const rate = `${Math.round(perSecond(counts.uploaded))} files/s, ${mb(perSecond(counts.bytesUploaded))} MB/s uploaded`;
    if (args.dryRun) {
      say(
        `backfill (dry run): would upload ${counts.uploaded} object(s) (${mb(counts.bytesDone)} MB) to ${destination.label}; ` +
          `${counts.skipped} already there, ${counts.failed} failed to plan; nothing written`,
      );
      return outcome;
    }
    say(
      `backfill: ${counts.total} object(s) → ${destination.label}: ${counts.uploaded} uploaded, ${counts.skipped} already there, ` +
        `${counts.failed} failed, ${mb(counts.bytesUploaded)} MB sent in ${seconds.toFixed(1)} s (${rate})`,
    );
    if (signal.aborted)
      say("backfill: interrupted — run the same command again to upload the rest (what is there is skipped)");

    // Where each object's report will be, from the object as the destination now has it (its ETag and landing day).
    const landedKeys = new Set([
      ...fileResults.filter((r) => r.status !== "failed").map((r) => r.file.key),
      ...pullResults.flatMap((r) => (r.status !== "failed" && r.key ? [r.key] : [])),
    ]);
    const after = await listExisting(destination.store, plan.prefixes);
    const infos: ObjectInfo[] = [];
    for (const key of landedKeys) {
      const info = after.get(key) ?? (await destination.store.head(key));
      if (info) infos.push(info);
    }
    const reports = await reportsOf(destination.store, infos);
    const manifestDir = `${args.root}/backfill`;
    const manifest = await writeManifest(manifestDir, reports.lines, now());
    for (const [date, count] of reports.byDate) {
      say(`reports: ${count} object(s) → reports/validation/date=${date}/<object-id>.json`);
    }
    say(
      `reports: ${reports.validated} of ${reports.lines.length} exist already; the rest appear as the pipeline validates them ` +
        `(${destination.kind === "folder" ? "`npm start` validates the offline bucket" : "the bucket notifies the ingest queue"})`,
    );
    const shown = relative(process.cwd(), manifest);
    say(`manifest: ${shown.startsWith("..") ? manifest : shown} (key, etag, object id and report key of each object)`);
    return { ...outcome, manifest };
  } finally {
    destination.close();
  }
}

/** Provider warnings and errors on stderr, one line each (the progress line stays readable). */
function stderrLogger(err: NodeJS.WritableStream): ProviderLogger {
  const line =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      const fields = Object.assign({}, ...extra) as Record<string, unknown>;
      const reason = typeof fields.reason === "string" ? `: ${fields.reason}` : "";
      err.write(
        `\nbackfill: ${level} ${message} (${String(fields.provider ?? "")} ${String(fields.symbol ?? "")})${reason}\n`,
      );
    };
  return { debug() {}, info() {}, warn: line("warning:"), error: line("error:") };
}

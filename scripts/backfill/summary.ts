import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { objectIdOf } from "@market-data/core/ids";
import { keys as bucketKeys } from "@market-data/core/keys";
import type { ObjectInfo, ObjectStore } from "@market-data/core/ports";
import { compactStamp } from "@market-data/core/providers/raw-key";

/** One raw object of the run and where its validation report is (or will be). */
export interface ManifestLine {
  key: string;
  size: number;
  etag: string;
  objectId: string;
  report: string;
  /** The report exists already (validated before this run ended, e.g. by an earlier run). */
  validated: boolean;
}

export interface ReportSummary {
  lines: ManifestLine[];
  /** Report prefixes by day: `reports/validation/date=2024-07-01/` → objects of that day. */
  byDate: Map<string, number>;
  validated: number;
}

/**
 * Where the report of each raw object is: `reports/validation/date=<day it landed>/<object-id>.json`, the object
 * id derived from the key and the ETag the destination gives it (objectIdOf), exactly as the validate function
 * names it. `infos` are the objects as the destination lists them after the run.
 */
export async function reportsOf(store: ObjectStore, infos: readonly ObjectInfo[]): Promise<ReportSummary> {
  const lines: ManifestLine[] = [];
  const byDate = new Map<string, number>();
  for (const info of infos) {
    const objectId = objectIdOf(info.key, info.etag);
    const date = info.lastModified.toISOString().slice(0, 10);
    const report = bucketKeys.report(date, objectId);
    lines.push({ key: info.key, size: info.size, etag: info.etag, objectId, report, validated: false });
    byDate.set(date, (byDate.get(date) ?? 0) + 1);
  }
  // One listing per day rather than one HEAD per object.
  const present = new Set<string>();
  for (const date of byDate.keys()) {
    for await (const report of store.list(bucketKeys.reportsOfDate(date))) present.add(report.key);
  }
  let validated = 0;
  for (const line of lines) {
    line.validated = present.has(line.report);
    if (line.validated) validated++;
  }
  return { lines, byDate, validated };
}

/** Writes the manifest (one JSON line per object) under `<dir>/backfill-<stamp>.jsonl`; returns its path. */
export async function writeManifest(dir: string, lines: readonly ManifestLine[], now: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `backfill-${compactStamp(now)}.jsonl`);
  await writeFile(path, lines.map((line) => JSON.stringify(line)).join("\n") + (lines.length > 0 ? "\n" : ""));
  return path;
}

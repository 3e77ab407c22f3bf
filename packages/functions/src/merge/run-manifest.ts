import { controlKeys } from "@market-data/core/keys";
import type { MergeRequest, ObjectStore } from "@market-data/core/ports";
import { RUN_ID_PATTERN } from "@market-data/core/warehouse/sql";
import * as v from "valibot";

/**
 * The fields of `_control/runs/<run-id>.json` (packages/glue/README.md "Manifest") the merge reads. Loose:
 * a newer job's extra fields pass.
 */
export const RunManifestSchema = v.looseObject({
  run_id: v.pipe(v.string(), v.regex(RUN_ID_PATTERN)),
  status: v.picklist(["SUCCEEDED", "FAILED"]),
  started_at: v.string(),
  finished_at: v.string(),
  rows: v.optional(v.looseObject({ changed: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) })),
  delta_files: v.optional(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]+\.parquet$/)))),
  error: v.optional(v.string()),
});
export type RunManifest = v.InferOutput<typeof RunManifestSchema>;

/** Thrown when a manifest exists but is not the documented shape (a job/merge version mismatch). */
export class RunManifestError extends Error {
  readonly code = "RUN_MANIFEST_INVALID";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = "RunManifestError";
  }
}

/** The run's manifest, or undefined when the job wrote none (yet). */
export async function readRunManifest(objects: ObjectStore, runId: string): Promise<RunManifest | undefined> {
  const key = controlKeys.runManifest(runId);
  const bytes = await objects.getBytes(key);
  if (bytes === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new RunManifestError(key, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = v.safeParse(RunManifestSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new RunManifestError(key, `${v.getDotPath(issue) ?? "manifest"}: ${issue.message}`);
  }
  if (parsed.output.run_id !== runId) throw new RunManifestError(key, `names run ${parsed.output.run_id}`);
  return parsed.output;
}

/** What the warehouse merges for a SUCCEEDED manifest. A run that changed nothing has no delta files. */
export function mergeRequestOf(manifest: RunManifest): MergeRequest {
  return {
    runId: manifest.run_id,
    deltaPrefix: controlKeys.deltaPrefix(manifest.run_id),
    deltaFiles: manifest.delta_files ?? [],
    expectedRows: manifest.rows?.changed ?? 0,
  };
}

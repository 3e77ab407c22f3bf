import type { Logger } from "@aws-lambda-powertools/logger";
import {
  type ClaimedRunStatus,
  controlKeys,
  type DirtyMarker,
  type JobRunner,
  type JobRunState,
  keys,
  type MarkerClaim,
  type ObjectStore,
  PREFIX,
  planTransform,
  runIdFor,
  type WorkList,
} from "@market-data/core";

export interface StartTransformDeps {
  objects: ObjectStore;
  jobs: JobRunner;
  logger: Logger;
  now?: () => number;
  /** Most markers one run takes (a backfill of thousands of objects is split over ticks). */
  maxMarkersPerRun?: number;
}

export type StartTransformResult =
  | { status: "idle" }
  | { status: "in-flight"; runs: string[] }
  | { status: "busy"; markers: number }
  | { status: "started"; runId: string; jobRunId: string; markers: number };

/** A claim whose job never got a run id this long after it was written belongs to a tick that died. */
const ORPHAN_CLAIM_MS = 10 * 60_000;

/**
 * One tick of the transform schedule: settles the claims of earlier runs (a succeeded run consumes its
 * markers, a failed one releases them), then starts one run on the markers nobody holds. At most one run is
 * in flight (the job allows one concurrent run); "busy" from the job service means "try next tick".
 */
export async function startTransform(deps: StartTransformDeps): Promise<StartTransformResult> {
  const { objects, jobs, logger } = deps;
  const now = deps.now ?? Date.now;
  const markerIds = await idsUnder(objects, PREFIX.dirty);
  const claims = await readAll<MarkerClaim>(objects, await keysUnder(objects, controlKeys.claims));

  const statuses = new Map<string, ClaimedRunStatus>();
  for (const claim of claims) {
    if (statuses.has(claim.run_id)) continue;
    statuses.set(claim.run_id, await runStatus(deps, claim, now()));
  }
  const plan = planTransform(markerIds, claims, (claim) => statuses.get(claim.run_id) ?? { state: "UNKNOWN" });

  for (const claim of plan.consumed) {
    // Marker first: a crash in between leaves a claim without a marker, which the next tick consumes again.
    await objects.delete(keys.dirty(claim.object_id));
    await objects.delete(controlKeys.claim(claim.object_id));
  }
  for (const claim of plan.released) await objects.delete(controlKeys.claim(claim.object_id));
  if (plan.consumed.length + plan.released.length > 0) {
    logger.info("settled earlier runs", { consumed: plan.consumed.length, released: plan.released.length });
  }
  if (plan.inFlight.length > 0) {
    const runs = [...new Set(plan.inFlight.map((claim) => claim.run_id))];
    logger.info("a transform run is still in flight", { runs });
    return { status: "in-flight", runs };
  }
  if (plan.available.length === 0) return { status: "idle" };

  const taken = plan.available.slice(0, deps.maxMarkersPerRun ?? 1000);
  const markers = (await readAll<DirtyMarker>(objects, taken.map(keys.dirty))).filter(
    (marker) => marker.curated.length > 0,
  );
  const startedAt = new Date(now());
  const runId = runIdFor(startedAt, taken);
  const workList: WorkList = { run_id: runId, markers };
  const workListKey = controlKeys.workList(runId);
  await objects.put(workListKey, JSON.stringify(workList), { contentType: "application/json" });
  // Claims go down before the start, so a tick that dies in between leaves orphans that expire, not a double run.
  const claimOf = (objectId: string, jobRunId: string | null): MarkerClaim => ({
    object_id: objectId,
    run_id: runId,
    job_run_id: jobRunId,
    claimed_at: startedAt.toISOString(),
  });
  await Promise.all(taken.map((id) => putJson(objects, controlKeys.claim(id), claimOf(id, null))));

  const started = await jobs.start({ runId, workListKey });
  if (!started.started) {
    await Promise.all(taken.map((id) => objects.delete(controlKeys.claim(id))));
    logger.info("the transform job is busy; the markers wait for the next tick", { markers: taken.length });
    return { status: "busy", markers: taken.length };
  }
  await Promise.all(taken.map((id) => putJson(objects, controlKeys.claim(id), claimOf(id, started.jobRunId))));
  logger.info("started a transform run", { runId, jobRunId: started.jobRunId, markers: taken.length });
  return { status: "started", runId, jobRunId: started.jobRunId, markers: taken.length };
}

async function runStatus(deps: StartTransformDeps, claim: MarkerClaim, now: number): Promise<ClaimedRunStatus> {
  const manifest = await readJson<{ status?: string }>(deps.objects, controlKeys.runManifest(claim.run_id));
  if (manifest?.status === "SUCCEEDED" || manifest?.status === "FAILED") return { manifest: manifest.status };
  if (claim.job_run_id !== null) return { state: await deps.jobs.state(claim.job_run_id) };
  const orphaned = now - Date.parse(claim.claimed_at) > ORPHAN_CLAIM_MS;
  return { state: (orphaned ? "UNKNOWN" : "STARTING") satisfies JobRunState };
}

async function keysUnder(objects: ObjectStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const info of objects.list(prefix)) if (info.key.endsWith(".json")) found.push(info.key);
  return found;
}

async function idsUnder(objects: ObjectStore, prefix: string): Promise<string[]> {
  return (await keysUnder(objects, prefix)).map((key) => key.slice(prefix.length, -".json".length));
}

async function readJson<T>(objects: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await objects.getBytes(key);
  return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString("utf8")) as T);
}

async function readAll<T>(objects: ObjectStore, keyList: readonly string[]): Promise<T[]> {
  const values = await Promise.all(keyList.map((key) => readJson<T>(objects, key)));
  return values.filter((value): value is Awaited<T> => value !== undefined) as T[];
}

function putJson(objects: ObjectStore, key: string, value: unknown): Promise<void> {
  return objects.put(key, JSON.stringify(value), { contentType: "application/json" });
}

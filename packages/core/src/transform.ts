import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Interval } from "./bar.js";

/** What one (symbol, interval) of an object changed: the transform redoes the symbol from `earliest_ts`. */
export interface DirtyEntry {
  symbol: string;
  interval: Interval;
  earliest_ts: string;
  latest_ts: string;
  rows: number;
}

/** `_control/dirty/<object-id>.json`: the work a validated object leaves for the transform. */
export interface DirtyMarker {
  object_id: string;
  raw_key: string;
  etag: string;
  ingested_at: string;
  curated: string[];
  entries: DirtyEntry[];
}

/** `_control/claims/<object-id>.json`: the marker is being transformed by this run. */
export interface MarkerClaim {
  object_id: string;
  run_id: string;
  /** The job service's id of the run (Glue `JobRunId`), once started. */
  job_run_id: string | null;
  claimed_at: string;
}

/** The work list file a run reads (`--work_list`): the markers by content, so a run is a pure function of it. */
export interface WorkList {
  run_id: string;
  markers: DirtyMarker[];
}

/** Glue's job run states, plus UNKNOWN for a run the job service no longer knows (e.g. offline, after a restart). */
export const JOB_RUN_STATES = [
  "STARTING",
  "RUNNING",
  "STOPPING",
  "WAITING",
  "SUCCEEDED",
  "FAILED",
  "TIMEOUT",
  "STOPPED",
  "ERROR",
  "EXPIRED",
  "UNKNOWN",
] as const;
export type JobRunState = (typeof JOB_RUN_STATES)[number];

/** States after which a run will never write anything again. */
const FINISHED_UNSUCCESSFULLY: ReadonlySet<JobRunState> = new Set([
  "FAILED",
  "TIMEOUT",
  "STOPPED",
  "ERROR",
  "EXPIRED",
  "UNKNOWN",
]);

/** How a claimed run stands: its manifest status when it wrote one, else what the job service says. */
export type ClaimedRunStatus = { manifest: "SUCCEEDED" | "FAILED" } | { state: JobRunState };

/** What the start-transform tick must do with the markers and claims it found. */
export interface TransformPlan {
  /** Markers whose run succeeded: delete the marker, then its claim. */
  consumed: MarkerClaim[];
  /** Claims of runs that failed or vanished: delete them, so the markers are taken again. */
  released: MarkerClaim[];
  /** Claims of runs still going: leave them. */
  inFlight: MarkerClaim[];
  /** Markers no run holds: the next run takes them (sorted by object id). */
  available: string[];
}

/**
 * Decides, from the dirty markers, their claims and how each claimed run stands, which markers are done,
 * which claims to release and what the next run takes. Pure: the handler does the I/O.
 * e.g. a claim whose run FAILED is released, and its marker is available again in the same tick.
 */
export function planTransform(
  markerIds: readonly string[],
  claims: readonly MarkerClaim[],
  statusOf: (claim: MarkerClaim) => ClaimedRunStatus,
): TransformPlan {
  const plan: TransformPlan = { consumed: [], released: [], inFlight: [], available: [] };
  const held = new Set<string>();
  for (const claim of claims) {
    const status = statusOf(claim);
    if ("manifest" in status ? status.manifest === "SUCCEEDED" : status.state === "SUCCEEDED") {
      plan.consumed.push(claim);
      held.add(claim.object_id);
    } else if ("manifest" in status || FINISHED_UNSUCCESSFULLY.has(status.state)) {
      plan.released.push(claim);
    } else {
      plan.inFlight.push(claim);
      held.add(claim.object_id);
    }
  }
  plan.available = [...new Set(markerIds)].filter((id) => !held.has(id)).sort();
  return plan;
}

/**
 * A run id that sorts by start time and names its work: `20240701T090000Z-3f9a1c0d`. It is a path segment
 * (`run_id=<r>`) and a Glue argument, so it keeps to `[A-Za-z0-9_.=-]`.
 */
export function runIdFor(startedAt: Date, objectIds: readonly string[]): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const digest = bytesToHex(sha256(utf8ToBytes([...objectIds].sort().join("\n")))).slice(0, 8);
  return `${stamp}-${digest}`;
}

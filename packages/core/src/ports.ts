import type { AlertMessage } from "./alerts/model.js";
import type { AssetClass, Interval, Source } from "./bar.js";
import type { JobRunState } from "./transform.js";
import type { SeriesReadQuery } from "./warehouse/read-sql.js";

/** What a store knows about one object without reading it. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Unquoted ETag (S3) or content MD5 (offline folder). */
  etag: string;
  lastModified: Date;
}

export type ObjectBody = Uint8Array | string | AsyncIterable<Uint8Array>;

/** The bucket: S3 in AWS, a folder offline. Keys are the same in both. */
export interface ObjectStore {
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Streams the object; throws `ObjectNotFoundError` when it does not exist. */
  getStream(key: string): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> }>;
  /** Whole small object (reports, manifests), or undefined when absent. */
  getBytes(key: string): Promise<Uint8Array | undefined>;
  /** Writes atomically: readers see the old object or the new one, never a part. */
  put(key: string, body: ObjectBody, options?: { contentType?: string }): Promise<void>;
  /**
   * Creates the object only if the key is free, atomically like `put`: true when this call created it, false when
   * an object was already there or a concurrent create of the key won (its body stays). Of racing callers at most
   * one gets true, so a write-once zone (raw/) gets one object and one ObjectCreated event per key.
   * e.g. `if (!(await objects.putIfAbsent(key, body))) skipped++`. Small bodies only (held in memory).
   */
  putIfAbsent(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every object under a prefix, in key order, paginating as needed. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
}

/** The last known price of a symbol. `as_of` = bar start + interval: the instant the close was observed. */
export interface LatestPrice {
  symbol: string;
  interval: Interval;
  ts: string;
  as_of: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  currency: string | null;
  asset_class: AssetClass;
  source: Source;
  source_key: string;
  ingested_at: string;
}

/** Latest prices: DynamoDB in AWS, embedded Postgres offline. */
export interface LatestPriceStore {
  /**
   * Monotonic upsert: a price replaces the stored one only when its `as_of` is later, or equal with an
   * `ingested_at` at least as late. An older bar never moves the latest price backwards.
   */
  upsert(prices: readonly LatestPrice[]): Promise<void>;
  /** Stored prices of the given symbols (absent symbols are simply missing from the result). */
  get(symbols: readonly string[]): Promise<LatestPrice[]>;
  /** Every stored price, symbol order (for summaries and the dashboard). */
  all(): Promise<LatestPrice[]>;
}

/** Thrown by `ObjectStore.getStream` for a missing key. */
export class ObjectNotFoundError extends Error {
  readonly code = "OBJECT_NOT_FOUND";
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = "ObjectNotFoundError";
  }
}

/** Starting a transform run: Glue `StartJobRun` in AWS, the `.venv`'s Spark offline. */
export interface JobRunner {
  /** Starts one run on a work list; `busy` when the job already runs at its concurrency limit (try next tick). */
  start(run: {
    runId: string;
    workListKey: string;
  }): Promise<{ started: true; jobRunId: string } | { started: false; reason: "busy" }>;
  /** How a started run stands (`UNKNOWN` when the service no longer knows it). */
  state(jobRunId: string): Promise<JobRunState>;
}

/** A transform run's delta, as the merge needs it (from the run manifest `_control/runs/<r>.json`). */
export interface MergeRequest {
  runId: string;
  /** `parquet/delta/run_id=<r>/`: every Parquet file under it is the run's changed rows. */
  deltaPrefix: string;
  /** The delta's file names under `deltaPrefix`, as the manifest lists them. */
  deltaFiles: readonly string[];
  /** Rows the manifest says the delta holds (`rows.changed`). */
  expectedRows: number;
}

/** What a merge did to `fct_bars`: stage rows before de-duplication, and what the unique ones became. */
export interface MergeCounts {
  staged: number;
  inserted: number;
  updated: number;
  /** Equal to the stored row: left alone, so it keeps the run id and load time it had. */
  unchanged: number;
}

export type MergeOutcome =
  | { status: "merged"; runId: string; counts: MergeCounts }
  /** The run was already recorded as merged; `counts` are that merge's. */
  | { status: "skipped"; runId: string; reason: "already-merged"; counts: MergeCounts };

/** The warehouse's write side: Redshift in AWS, PostgreSQL (PGlite or a server) offline. */
export interface Warehouse {
  /** Applies pending schema migrations; idempotent, and safe when two callers race. Returns what it applied. */
  migrate(): Promise<{ applied: number[] }>;
  /**
   * Lands a run's delta in `market_data.fct_bars` exactly once in effect, in one transaction: stage, de-duplicate,
   * merge, record the run. A run already recorded as merged is skipped. Throws `MergeFailedError` (nothing
   * changed, the run not recorded as merged) with the database's message.
   */
  merge(request: MergeRequest): Promise<MergeOutcome>;
}

/** A row of a series read: `ts` and the requested columns, instants as canonical UTC text. */
export type SeriesRow = Record<string, string | number | boolean | null>;

/** The warehouse's read side, for the API. Queries are built by `seriesReadSql` (bound parameters only). */
export interface WarehouseReader {
  readSeries(query: SeriesReadQuery): Promise<SeriesRow[]>;
}

/** Thrown by `Warehouse.merge` when the transaction failed and was rolled back. */
export class MergeFailedError extends Error {
  readonly code = "MERGE_FAILED";
  constructor(
    readonly runId: string,
    /** The database's own message (for Redshift, the failed sub-statement's error). */
    readonly databaseMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`merge of run ${runId} failed and was rolled back: ${databaseMessage}`, options);
    this.name = "MergeFailedError";
  }
}

// The alert model lives in ./alerts (kinds, incident keys, builders); the port is here with the others.
export type {
  Alert,
  AlertKind,
  AlertMessage,
  AlertResolution,
  AlertSeverity,
  IncidentLedger,
  IncidentReader,
  IncidentRecord,
} from "./alerts/index.js";
export { ALERT_SEVERITIES } from "./alerts/model.js";

/**
 * Alerts and their resolutions: SNS (→ the slack function) in AWS; offline, Slack directly when a token is set,
 * else console + `.local/alerts.jsonl`. Throws when the message could not be handed over.
 */
export interface Notifier {
  publish(message: AlertMessage): Promise<void>;
}

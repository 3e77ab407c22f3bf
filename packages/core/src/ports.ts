import type { AssetClass, Interval, Source } from "./bar.js";
import type { JobRunState } from "./transform.js";

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

import {
  type Bar,
  type BarParser,
  type CandidateBar,
  createBarSerializer,
  createQualityRun,
  DEFAULT_QUALITY_CONFIG,
  type FileMeta,
  type FileReject,
  INTERVAL_MS,
  type Interval,
  keys,
  type LatestPrice,
  type LatestPriceStore,
  normalizeEtag,
  type ObjectContext,
  type ObjectStore,
  openParser,
  type QualityConfig,
  type QualityRun,
  toUtcTs,
} from "@market-data/core";
import { decodeText, splitHead, UndecodableObjectError } from "./decode.js";
import { JsonlGzipWriter } from "./jsonl-gzip-writer.js";

export interface ValidateDeps {
  objects: ObjectStore;
  prices: LatestPriceStore;
  config?: QualityConfig;
  /** Clock for `ts.not_future` and report times (tests pin it). */
  now?: () => number;
}

/** What one (symbol, interval) of an object changed: the transform redoes the symbol from `earliest_ts`. */
export interface DirtyEntry {
  symbol: string;
  interval: Interval;
  earliest_ts: string;
  latest_ts: string;
  rows: number;
}

/** `_control/dirty/<object-id>.json`: the work an object leaves for the transform. */
export interface DirtyMarker {
  object_id: string;
  raw_key: string;
  etag: string;
  ingested_at: string;
  curated: string[];
  entries: DirtyEntry[];
}

/** Everything one pass over an object produced. */
interface PassResult {
  meta: FileMeta | undefined;
  run: QualityRun | undefined;
  curated: Map<Interval, JsonlGzipWriter>;
  quarantine: Map<string, JsonlGzipWriter>;
  /** Newest bar per symbol, with its end instant. */
  latest: Map<string, { bar: Bar; endMs: number }>;
  dirty: Map<string, DirtyEntry>;
}

type PassOutcome = { kind: "done"; pass: PassResult } | { kind: "file-reject"; reject: FileReject; meta?: FileMeta };

/** One streaming pass: decode → parse → gate → write curated / quarantine records as they come. */
export async function runPass(
  deps: ValidateDeps,
  ctx: ObjectContext,
  date: string,
  objectId: string,
  excludeKeys?: ReadonlySet<string>,
): Promise<PassOutcome> {
  const config = deps.config ?? DEFAULT_QUALITY_CONFIG;
  const pass: PassResult = {
    meta: undefined,
    run: undefined,
    curated: new Map(),
    quarantine: new Map(),
    latest: new Map(),
    dirty: new Map(),
  };
  const abortAll = () => {
    for (const writer of [...pass.curated.values(), ...pass.quarantine.values()]) writer.abort();
  };
  try {
    const { body } = await deps.objects.getStream(ctx.key);
    const { head, rest } = await splitHead(decodeText(body, ctx.key));
    const parser = openParser(head, ctx.key);
    if (!isParser(parser)) {
      await rest.return(undefined); // releases the object's stream
      return { kind: "file-reject", reject: parser };
    }
    let serialize: ((bar: Bar) => string) | undefined;
    const consume = async (records: CandidateBar[] | FileReject): Promise<FileReject | undefined> => {
      if (!Array.isArray(records)) return records;
      if (records.length === 0) return undefined;
      // Parsers settle their metadata (e.g. an inferred interval) by the time they return records.
      pass.meta ??= parser.meta;
      pass.run ??= createQualityRun(parser.meta, ctx, config, excludeKeys ? { excludeKeys } : undefined);
      serialize ??= createBarSerializer({
        source: parser.meta.source,
        source_key: ctx.key,
        source_etag: normalizeEtag(ctx.etag),
        ingested_at: ctx.ingestedAt,
      });
      await routeRecords(deps.objects, pass, pass.run, serialize, records, date, objectId);
      return undefined;
    };
    let reject = await consume(parser.push(head));
    for await (const text of rest) {
      if (reject) break;
      reject = await consume(parser.push(text));
    }
    reject ??= await consume(parser.end());
    if (reject) {
      abortAll();
      return { kind: "file-reject", reject, meta: pass.meta ?? parser.meta };
    }
    pass.meta ??= parser.meta;
    await Promise.all([...pass.curated.values(), ...pass.quarantine.values()].map((writer) => writer.close()));
    return { kind: "done", pass };
  } catch (error) {
    abortAll();
    if (error instanceof UndecodableObjectError) return { kind: "file-reject", reject: error.reject };
    throw error;
  }
}

function isParser(value: BarParser | FileReject): value is BarParser {
  return "push" in value;
}

async function routeRecords(
  objects: ObjectStore,
  pass: PassResult,
  run: QualityRun,
  serialize: (bar: Bar) => string,
  records: CandidateBar[],
  date: string,
  objectId: string,
): Promise<void> {
  const fileInterval = run.meta.interval;
  for (const candidate of records) {
    const verdict = run.evaluate(candidate);
    if (verdict.kind === "pass") {
      const bar = verdict.bar;
      let writer = pass.curated.get(bar.interval);
      if (writer === undefined) {
        writer = new JsonlGzipWriter(objects, keys.curated(bar.interval, date, objectId));
        pass.curated.set(bar.interval, writer);
      }
      if (writer.write(serialize(bar))) await writer.flush();
      track(pass, bar, candidate.tsMs);
    } else if (verdict.kind === "reject") {
      const interval = candidate.interval ?? fileInterval;
      let writer = pass.quarantine.get(interval);
      if (writer === undefined) {
        writer = new JsonlGzipWriter(objects, keys.quarantineRecords(interval, date, objectId));
        pass.quarantine.set(interval, writer);
      }
      const line = JSON.stringify({ row: candidate.row, reasons: verdict.violations, input: candidate.input });
      if (writer.write(line)) await writer.flush();
    }
  }
}

/** Keeps the newest bar per symbol (for the latest-price store) and the changed range per symbol and interval. */
function track(pass: PassResult, bar: Bar, tsMs: number): void {
  // Compared as epoch ms (bar end): formatting a timestamp per record would cost more than the rest of this.
  const endMs = tsMs + INTERVAL_MS[bar.interval];
  const current = pass.latest.get(bar.symbol);
  if (current === undefined || endMs > current.endMs) pass.latest.set(bar.symbol, { bar, endMs });
  const dirtyKey = `${bar.symbol}|${bar.interval}`;
  const entry = pass.dirty.get(dirtyKey);
  if (entry === undefined) {
    pass.dirty.set(dirtyKey, {
      symbol: bar.symbol,
      interval: bar.interval,
      earliest_ts: bar.ts,
      latest_ts: bar.ts,
      rows: 1,
    });
  } else {
    if (bar.ts < entry.earliest_ts) entry.earliest_ts = bar.ts;
    if (bar.ts > entry.latest_ts) entry.latest_ts = bar.ts;
    entry.rows++;
  }
}

/** The latest-price record of a symbol's newest bar: `as_of` is the bar's end, when its close was observed. */
export function latestPriceOf({ bar, endMs }: { bar: Bar; endMs: number }): LatestPrice {
  return {
    symbol: bar.symbol,
    interval: bar.interval,
    ts: bar.ts,
    as_of: toUtcTs(endMs),
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    currency: bar.currency,
    asset_class: bar.asset_class,
    source: bar.source,
    source_key: bar.source_key,
    ingested_at: bar.ingested_at,
  };
}

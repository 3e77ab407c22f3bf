import {
  type Bar,
  type BarParser,
  type CandidateBar,
  CuratedLineEncoder,
  createQualityRun,
  DEFAULT_QUALITY_CONFIG,
  type FileMeta,
  type FileReject,
  INTERVAL_MS,
  type Interval,
  keys,
  type LatestPrice,
  type LatestPriceStore,
  type ObjectContext,
  type ObjectStore,
  openParser,
  type QualityConfig,
  type QualityRun,
  toUtcTs,
} from "@market-data/core";
import type { DirtyEntry } from "@market-data/core/transform";
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

/**
 * The newest passed record of a symbol and its end instant. The record's fields are copied into a record of the
 * tracker's own (its bar is built once, at the end): keeping the parser's record would keep its `input`, and
 * with it the whole chunk of text that input was cut from, for every symbol of the object.
 */
interface Newest {
  candidate: CandidateBar;
  endMs: number;
}

/** Copies what the bar of a record is made of (see `curatedBar`) into `to`. */
function copyBarFields(to: CandidateBar, from: CandidateBar): void {
  to.symbol = from.symbol;
  to.interval = from.interval;
  to.tsMs = from.tsMs;
  to.tradeDate = from.tradeDate;
  to.open = from.open;
  to.high = from.high;
  to.low = from.low;
  to.close = from.close;
  to.adjClose = from.adjClose;
  to.volume = from.volume;
  to.currency = from.currency;
  to.assetClass = from.assetClass;
}

/**
 * A record of the tracker's own. Written out field by field, not as `{ ...c }`: a spread copy kept its numbers
 * as tagged values, so each `copyBarFields` into it boxed every price afresh (~90 MB of heap numbers on a sorted
 * 1M-row CSV, whose newest record changes on every row); a literal's number fields are updated in place.
 */
function snapshot(c: CandidateBar): CandidateBar {
  return {
    row: c.row,
    symbol: c.symbol,
    interval: c.interval,
    tsMs: c.tsMs,
    tsError: undefined,
    tradeDate: c.tradeDate,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    adjClose: c.adjClose,
    volume: c.volume,
    assetClass: c.assetClass,
    currency: c.currency,
    input: null,
  };
}

/** The range of one (symbol, interval) written so far, in epoch ms (formatted once, at the end). */
interface Range {
  symbol: string;
  interval: Interval;
  earliestMs: number;
  latestMs: number;
  rows: number;
}

/** What the pass tracks per passed record, kept as numbers and candidates while records stream. */
class Tracker {
  readonly newest = new Map<string, Newest>();
  readonly ranges = new Map<string, Range>();
  private lastSymbol = "";
  private lastInterval: Interval | undefined;
  private lastNewest: Newest | undefined;
  private lastRange: Range | undefined;

  /** Keeps the newest record per symbol (for the latest-price store) and the changed range per symbol and interval. */
  add(c: CandidateBar, interval: Interval): void {
    // Compared as epoch ms (bar end): formatting a timestamp per record would cost more than the rest of this.
    const tsMs = c.tsMs;
    const endMs = tsMs + INTERVAL_MS[interval];
    const symbol = c.symbol;
    if (symbol !== this.lastSymbol || interval !== this.lastInterval || this.lastRange === undefined) {
      this.select(symbol, interval, c, tsMs, endMs);
      return;
    }
    const newest = this.lastNewest as Newest;
    if (endMs > newest.endMs) {
      copyBarFields(newest.candidate, c);
      newest.endMs = endMs;
    }
    const range = this.lastRange;
    if (tsMs < range.earliestMs) range.earliestMs = tsMs;
    if (tsMs > range.latestMs) range.latestMs = tsMs;
    range.rows++;
  }

  /** `add` for a record of another symbol or interval than the last one (files are mostly runs of one). */
  private select(symbol: string, interval: Interval, c: CandidateBar, tsMs: number, endMs: number): void {
    let newest = this.newest.get(symbol);
    if (newest === undefined) {
      newest = { candidate: snapshot(c), endMs };
      this.newest.set(symbol, newest);
    } else if (endMs > newest.endMs) {
      copyBarFields(newest.candidate, c);
      newest.endMs = endMs;
    }
    const rangeKey = `${symbol}|${interval}`;
    let range = this.ranges.get(rangeKey);
    if (range === undefined) {
      range = { symbol, interval, earliestMs: tsMs, latestMs: tsMs, rows: 1 };
      this.ranges.set(rangeKey, range);
    } else {
      if (tsMs < range.earliestMs) range.earliestMs = tsMs;
      if (tsMs > range.latestMs) range.latestMs = tsMs;
      range.rows++;
    }
    this.lastSymbol = symbol;
    this.lastInterval = interval;
    this.lastNewest = newest;
    this.lastRange = range;
  }
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
    let encoder: CuratedLineEncoder | undefined;
    const tracker = new Tracker();
    const consume = async (records: CandidateBar[] | FileReject): Promise<FileReject | undefined> => {
      if (!Array.isArray(records)) return records;
      if (records.length === 0) return undefined;
      // Parsers settle their metadata (e.g. an inferred interval) by the time they return records.
      pass.meta ??= parser.meta;
      pass.run ??= createQualityRun(parser.meta, ctx, config, excludeKeys ? { excludeKeys } : undefined);
      encoder ??= new CuratedLineEncoder(parser.meta, pass.run.lineage);
      await routeRecords(deps.objects, pass, pass.run, encoder, tracker, records, date, objectId);
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
    if (pass.run !== undefined) settle(pass, pass.run, tracker);
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
  encoder: CuratedLineEncoder,
  tracker: Tracker,
  records: CandidateBar[],
  date: string,
  objectId: string,
): Promise<void> {
  const fileInterval = run.meta.interval;
  let curated: JsonlGzipWriter | undefined;
  let curatedInterval: Interval | undefined;
  for (const candidate of records) {
    const kind = run.classify(candidate);
    if (kind === "pass") {
      const interval = candidate.interval as Interval; // a passed record has a known interval
      if (interval !== curatedInterval || curated === undefined) {
        curatedInterval = interval;
        curated = pass.curated.get(interval);
        if (curated === undefined) {
          curated = new JsonlGzipWriter(objects, keys.curated(interval, date, objectId));
          pass.curated.set(interval, curated);
        }
      }
      encoder.write(candidate, curated);
      tracker.add(candidate, interval);
    } else if (kind === "reject") {
      const interval = candidate.interval ?? fileInterval;
      let writer = pass.quarantine.get(interval);
      if (writer === undefined) {
        writer = new JsonlGzipWriter(objects, keys.quarantineRecords(interval, date, objectId));
        pass.quarantine.set(interval, writer);
      }
      const reasons = run.lastFindings();
      writer.writeLine(JSON.stringify({ row: candidate.row, reasons, input: candidate.input }));
      if (writer.mustFlush) await writer.flush();
    }
    // Waiting as soon as gzip has a full chunk lets it compress the chunk while the chunk is still in the cache.
    if (curated?.mustFlush) await curated.flush();
  }
}

/** Turns what the tracker kept into the pass's bars and dirty entries, in first-seen order as before. */
function settle(pass: PassResult, run: QualityRun, tracker: Tracker): void {
  for (const [symbol, { candidate, endMs }] of tracker.newest)
    pass.latest.set(symbol, { bar: run.barOf(candidate), endMs });
  for (const [rangeKey, range] of tracker.ranges) {
    pass.dirty.set(rangeKey, {
      symbol: range.symbol,
      interval: range.interval,
      earliest_ts: toUtcTs(range.earliestMs),
      latest_ts: toUtcTs(range.latestMs),
      rows: range.rows,
    });
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

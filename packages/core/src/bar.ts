import * as v from "valibot";

/** Symbol pattern of DESIGN.md: upper case, 1–24 of `A-Z 0-9 . - ^ = / :`. e.g. `BRK.B`, `BTC-USD`, `^GSPC`. */
export const SYMBOL_PATTERN = /^[A-Z0-9.\-^=/:]{1,24}$/;

/** Bar intervals the pipeline accepts, shortest last. */
export const INTERVALS = ["1d", "1h", "30m", "15m", "5m", "1m"] as const;
export type Interval = (typeof INTERVALS)[number];

/** Length of one bar of each interval in milliseconds. */
export const INTERVAL_MS = {
  "1d": 86_400_000,
  "1h": 3_600_000,
  "30m": 1_800_000,
  "15m": 900_000,
  "5m": 300_000,
  "1m": 60_000,
} as const satisfies Record<Interval, number>;

export const ASSET_CLASSES = ["equity", "crypto", "fx", "index"] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

/** Where a bar came from (lineage `source`). */
export const SOURCES = ["alphavantage", "coingecko", "csv", "jsonl", "simulator"] as const;
export type Source = (typeof SOURCES)[number];

/** UTC instant with second precision, the only `ts` form curated data uses: `2024-01-05T14:30:00Z`. */
export const UTC_TS_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const positivePrice = v.pipe(v.number(), v.finite(), v.gtValue(0));

/**
 * The canonical (curated) bar. Unique key: (symbol, interval, ts); the latest `ingested_at` wins.
 * Daily bars have `ts` = the trade date at 00:00:00Z; intraday bars the UTC instant the bar starts.
 */
export const BarSchema = v.object({
  symbol: v.pipe(v.string(), v.regex(SYMBOL_PATTERN)),
  interval: v.picklist(INTERVALS),
  ts: v.pipe(v.string(), v.regex(UTC_TS_PATTERN)),
  trade_date: v.pipe(v.string(), v.regex(DATE_PATTERN)),
  open: positivePrice,
  high: positivePrice,
  low: positivePrice,
  close: positivePrice,
  adj_close: v.nullable(positivePrice),
  volume: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  currency: v.nullable(v.pipe(v.string(), v.regex(/^[A-Z]{3,5}$/))),
  asset_class: v.picklist(ASSET_CLASSES),
  source: v.picklist(SOURCES),
  source_key: v.string(),
  source_etag: v.string(),
  ingested_at: v.pipe(v.string(), v.regex(UTC_TS_PATTERN)),
});
export type Bar = v.InferOutput<typeof BarSchema>;

/** Column order of a curated JSONL line and of every downstream table that mirrors it. */
export const BAR_COLUMNS = [
  "symbol",
  "interval",
  "ts",
  "trade_date",
  "open",
  "high",
  "low",
  "close",
  "adj_close",
  "volume",
  "currency",
  "asset_class",
  "source",
  "source_key",
  "source_etag",
  "ingested_at",
] as const satisfies readonly (keyof Bar)[];

/** Formats an epoch-millisecond instant as the canonical `YYYY-MM-DDTHH:MM:SSZ`. */
export function toUtcTs(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

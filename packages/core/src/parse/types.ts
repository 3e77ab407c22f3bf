import type { AssetClass, Interval, Source } from "../bar.js";

/** Formats recognised by content. */
export const FORMATS = [
  "alphavantage.daily",
  "alphavantage.daily_adjusted",
  "alphavantage.intraday",
  "coingecko.ohlc",
  "coingecko.market_chart",
  "csv",
  "jsonl",
] as const;
export type FormatId = (typeof FORMATS)[number];

/** File-level rule ids of QUALITY_RULES.md. */
export type FileRuleId =
  | "file.decodable"
  | "file.format_known"
  | "file.not_provider_error"
  | "file.columns_present"
  | "file.symbol_resolved"
  | "file.row_count"
  | "file.rejection_rate";

/** A whole-object rejection: data, not an exception. */
export interface FileReject {
  ok: false;
  rule: FileRuleId;
  reason: string;
}

/** What the parser learned about the whole object. */
export interface FileMeta {
  format: FormatId;
  source: Source;
  interval: Interval;
  assetClass: AssetClass;
  currency: string | null;
  /** IANA zone exchange-local timestamps were read in (`UTC` when they carried an offset or were epoch). */
  timeZone: string;
}

/**
 * One record as read from a raw object, before the quality rules. Numbers are `NaN` when the input is
 * missing or not numeric (and `±Infinity` when it says so); the rules, not the parser, decide.
 */
export interface CandidateBar {
  /** 1-based record number in the object (a CSV header is not a record). */
  row: number;
  /** Trimmed and upper-cased; "" when the record has none. */
  symbol: string;
  /**
   * The record's own interval when the format states one per record (canonical JSONL), else the file's
   * (`meta.interval`). `null` when the record names an interval the pipeline does not support (rule `interval.known`).
   */
  interval: Interval | null;
  /** Bar start, epoch ms UTC; NaN when the timestamp does not parse (then `tsError` says why). */
  tsMs: number;
  tsError?: string;
  /** Exchange-local date of the bar, `YYYY-MM-DD`; "" when `tsMs` is NaN. */
  tradeDate: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** null when the format has no adjusted close or the cell is empty. */
  adjClose: number | null;
  volume: number;
  /**
   * The record's own asset class when the format states one per record (a JSONL field, a CSV `asset_class`
   * column, or a CSV symbol column whose symbols differ in kind); undefined means `meta.assetClass`.
   */
  assetClass?: AssetClass;
  /** The record's own currency when the format states one per record (JSONL, a CSV column); undefined means `meta.currency`. */
  currency?: string | null;
  /** The input as given (a CSV line, a JSON entry), kept for quarantine records and report examples. */
  input: unknown;
}

/** Streaming parser for one object: push decoded text as it arrives, then end. */
export interface BarParser {
  readonly meta: FileMeta;
  /** Records completed by this chunk, in file order. */
  push(text: string): CandidateBar[] | FileReject;
  /** Records still buffered, or a file-level rejection discovered at the end (e.g. truncated JSON). */
  end(): CandidateBar[] | FileReject;
}

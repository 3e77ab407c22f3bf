import { reject } from "./common.js";
import type { FileReject } from "./types.js";

/** Column positions of a recognised CSV header; -1 when the file has no such column. */
export interface CsvColumns {
  /** The date or timestamp column. */
  time: number;
  /** A separate time-of-day column next to a `date` column (`Date,Time,Open,…`), else -1. */
  clock: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  adjClose: number;
  symbol: number;
  interval: number;
  assetClass: number;
  currency: number;
  tz: number;
  /** Number of header fields. */
  count: number;
}

type Role = Exclude<keyof CsvColumns, "count" | "clock">;

/** Header names (lower case, `_`/`-`/spaces collapsed to one space) → column role. */
const NAMES: ReadonlyMap<string, Role> = new Map<string, Role>([
  ["date", "time"],
  ["timestamp", "time"],
  ["datetime", "time"],
  ["date time", "time"],
  ["time", "time"],
  ["ts", "time"],
  ["open", "open"],
  ["high", "high"],
  ["low", "low"],
  ["close", "close"],
  ["volume", "volume"],
  ["adj close", "adjClose"],
  ["adjclose", "adjClose"],
  ["adjusted close", "adjClose"],
  ["symbol", "symbol"],
  ["ticker", "symbol"],
  ["interval", "interval"],
  ["asset class", "assetClass"],
  ["assetclass", "assetClass"],
  ["currency", "currency"],
  ["tz", "tz"],
  ["timezone", "tz"],
  ["time zone", "tz"],
]);

const REQUIRED: readonly Role[] = ["time", "open", "high", "low", "close", "volume"];

/** The header variants, for reasons. */
export const ACCEPTED_HEADERS =
  "`Date,Open,High,Low,Close,Adj Close,Volume`, `symbol,date,open,high,low,close,volume` (or `ticker`), " +
  "`timestamp,open,high,low,close,volume` (or `datetime`, `time`); case-insensitive, in any order, optionally with " +
  "`adj_close`, `symbol`, `interval`, `asset_class`, `currency` and `tz` columns";

function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
}

/**
 * Recognises a CSV header. Unknown extra columns (`Dividends`, `Stock Splits`) are ignored. Fewer than two
 * known columns → `file.format_known`; some but not all required ones → `file.columns_present` naming them.
 * e.g. `readHeader(["Date","Open","High","Low","Close","Adj Close","Volume"])` → `{ time: 0, …, adjClose: 5 }`.
 */
export function readHeader(names: readonly string[]): CsvColumns | FileReject {
  const cols: CsvColumns = {
    time: -1,
    clock: -1,
    open: -1,
    high: -1,
    low: -1,
    close: -1,
    volume: -1,
    adjClose: -1,
    symbol: -1,
    interval: -1,
    assetClass: -1,
    currency: -1,
    tz: -1,
    count: names.length,
  };
  let known = 0;
  names.forEach((raw, i) => {
    const name = normalizeName(raw);
    const role = NAMES.get(name);
    if (role === undefined) return;
    known++;
    if (role === "time" && cols.time >= 0) {
      // `Date,Time,…`: the date in one column, the time of day in the next.
      if (name === "time" && cols.clock < 0 && normalizeName(names[cols.time] ?? "") === "date") cols.clock = i;
      return;
    }
    if (cols[role] < 0) cols[role] = i;
  });
  const shown = names.join(",").slice(0, 120);
  if (known < 2) {
    const other = names.length === 1 ? otherSeparator(names[0] ?? "") : "";
    return reject(
      "file.format_known",
      `the first line "${shown}" is not a known CSV header${other}; expected ${ACCEPTED_HEADERS}`,
    );
  }
  const missing = REQUIRED.filter((role) => cols[role] < 0).map((role) => (role === "time" ? "date/timestamp" : role));
  if (missing.length > 0) {
    return reject(
      "file.columns_present",
      `the CSV header "${shown}" lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; add ${missing.length > 1 ? "them" : "it"} (accepted headers: ${ACCEPTED_HEADERS})`,
    );
  }
  return cols;
}

function otherSeparator(line: string): string {
  if (line.includes(";")) return " (its fields are separated by `;`: save it comma-separated)";
  if (line.includes("\t")) return " (its fields are separated by tabs: save it comma-separated)";
  return "";
}

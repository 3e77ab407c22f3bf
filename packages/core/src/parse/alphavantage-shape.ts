/** What Alpha Vantage bodies look like: series keys, provider messages, and the usual entry. */
import { quote } from "./common.js";
import { normalizeInterval } from "./interval.js";

const W = "[ \\t\\r\\n]*";
const STR = '"([^"\\\\\\u0000-\\u001f]*)"';
const field = (name: string, last: boolean) => `"${name.replace(".", "\\.")}"${W}:${W}${STR}${W}${last ? "" : `,${W}`}`;
/**
 * The usual entry, whole: timestamp key, the five fields in order, the `,` or `}` after it and the whitespace
 * after that (the indentation before the next key, which `skipWs` would otherwise take in one more regex call per
 * entry). The regex engine runs native code: ~3x faster here than walking the ~200 characters of a
 * pretty-printed entry token by token in JS. Only JSON whitespace is allowed between tokens and strings hold no
 * escapes or control characters, so a match is valid JSON.
 */
export const ENTRY = new RegExp(
  `${STR}${W}:${W}\\{${W}${field("1. open", false)}${field("2. high", false)}${field("3. low", false)}` +
    `${field("4. close", false)}${field("5. volume", true)}\\}${W}([,}])${W}`,
  "y",
);

/** `Time Series (5min)` → `5min`; `Weekly Time Series`, `Monthly Adjusted Time Series` are matched apart. */
export const SERIES_KEY = /^Time Series \((.+)\)$/;
const UNSUPPORTED_SERIES = /^(Weekly|Monthly)( Adjusted)? Time Series$/;
export const PROVIDER_KEYS = ["Error Message", "Note", "Information"];

/** The provider's own error or throttle message in a parsed body, if that is what it is. */
export function alphaVantageMessage(entries: ReadonlyMap<string, unknown>): string | null {
  for (const key of PROVIDER_KEYS) {
    const value = entries.get(key);
    if (typeof value === "string") return `Alpha Vantage answered with a ${key} instead of data: ${quote(value)}`;
  }
  return null;
}

/** True when a top-level key names an Alpha Vantage series, supported or not. */
export function isAlphaVantageSeriesKey(key: string): boolean {
  return SERIES_KEY.test(key) || UNSUPPORTED_SERIES.test(key);
}

/** A reason for series the pipeline does not take (weekly, monthly, unknown intervals), or null. */
export function unsupportedSeries(key: string): string | null {
  const m = SERIES_KEY.exec(key);
  if (m && (m[1] === "Daily" || normalizeInterval(m[1] ?? "") !== null)) return null;
  return `the Alpha Vantage series "${key}" is not supported: the pipeline takes daily (TIME_SERIES_DAILY, TIME_SERIES_DAILY_ADJUSTED) and intraday 1/5/15/30/60min (TIME_SERIES_INTRADAY) series`;
}

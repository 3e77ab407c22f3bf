/**
 * Format detection by content: what the head of an object is, before any parser is opened.
 * JSON objects are told apart by their top-level keys; anything that is not JSON is tried as CSV.
 */
import { openAlphaVantage } from "./alphavantage.js";
import { alphaVantageMessage, isAlphaVantageSeriesKey, unsupportedSeries } from "./alphavantage-shape.js";
import { coinGeckoMessage, openCoinGecko } from "./coingecko.js";
import { reject } from "./common.js";
import type { ParseHints } from "./hints.js";
import { scanTopLevel, skipWs, tryParse } from "./json-scan.js";
import { openJsonl } from "./jsonl.js";
import type { BarParser, FileReject } from "./types.js";

/** Detection sees at least this much decoded text (or the whole object when it is smaller). */
export const HEAD_CHARS = 64 * 1024;

const KNOWN = "Alpha Vantage TIME_SERIES_* JSON, CoinGecko ohlc / market_chart JSON, canonical JSONL, or CSV";

/** Why a head is not text (NUL bytes, control characters, an archive), or null when it looks like text. */
export function binaryReason(text: string): string | null {
  const c0 = text.charCodeAt(0);
  const c1 = text.charCodeAt(1);
  if (c0 === 0x1f && (c1 === 0x8b || c1 === 0xfffd)) {
    return "the object is gzip-compressed but was not decompressed: give it a .gz name";
  }
  if (text.startsWith("PK\u0003\u0004")) {
    return "the object is a ZIP archive (an Excel .xlsx workbook?): export the sheet as CSV";
  }
  const n = Math.min(text.length, 4096);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return "the object holds NUL bytes: it is binary data, not text";
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) odd++;
  }
  return odd > n / 100 ? "the object is binary data, not text (CSV, JSON or JSONL)" : null;
}

/** Detects the JSON flavour of a head starting (after whitespace) at `start` with `{` or `[`. */
export function openJson(text: string, start: number, hints: ParseHints, maxChars: number): BarParser | FileReject {
  if (text.charCodeAt(start) === 91) {
    const next = skipWs(text, start + 1);
    const c = text.charCodeAt(next);
    if (next >= text.length || c === 91 || c === 93) return openCoinGecko("ohlc", hints, maxChars);
    return reject(
      "file.format_known",
      "a JSON array of anything but CoinGecko candles ([[ms, open, high, low, close], …]) is not a known format; for bars as objects, write one object per line (canonical JSONL)",
    );
  }
  const nl = text.indexOf("\n", start);
  const first = tryParse(text.slice(start, nl < 0 ? text.length : nl));
  if (first.ok && typeof first.value === "object" && first.value !== null) {
    const fields = first.value as Record<string, unknown>;
    if ("symbol" in fields && "ts" in fields && "open" in fields) return openJsonl();
    const rest = nl < 0 ? "" : text.slice(skipWs(text, nl));
    if (rest.startsWith("{")) {
      return reject(
        "file.format_known",
        `JSON lines whose first line lacks the canonical fields symbol, ts and open are not a known format (first line keys: ${Object.keys(fields).slice(0, 8).join(", ")})`,
      );
    }
  }
  const top = scanTopLevel(text.slice(start));
  if (top.error !== undefined) return reject("file.decodable", `the object is not valid JSON (${top.error})`);
  const keys = [...top.entries.keys()];
  const series = keys.find(isAlphaVantageSeriesKey);
  if (series !== undefined) {
    const why = unsupportedSeries(series);
    return why ? reject("file.format_known", why) : openAlphaVantage(hints, maxChars);
  }
  const avMessage = alphaVantageMessage(top.entries);
  if (avMessage) return reject("file.not_provider_error", avMessage);
  const cgMessage = coinGeckoMessage(Object.fromEntries(top.entries));
  if (cgMessage) return reject("file.not_provider_error", cgMessage);
  if (top.entries.has("Meta Data")) return openAlphaVantage(hints, maxChars);
  if (top.entries.has("prices")) return openCoinGecko("market_chart", hints, maxChars);
  if (!top.complete && text.length < HEAD_CHARS && keys.length <= 1) {
    return reject(
      "file.decodable",
      "the JSON ends before it is complete: the download was probably cut off; fetch it again",
    );
  }
  return reject(
    "file.format_known",
    `a JSON object with the keys ${keys.slice(0, 8).join(", ") || "(none)"} is not a known format; expected ${KNOWN}`,
  );
}

/**
 * Parsers of raw objects: detect the format from the first decoded text, then stream records.
 *
 * ```ts
 * const parser = openParser(head, key);            // head: ≥ 64 KiB of decoded text, or the whole object
 * if (isFileReject(parser)) quarantine(parser);
 * else for (const text of [head, ...rest]) handle(parser.push(text)); then handle(parser.end());
 * ```
 * `parser.meta` is final once `push()` or `end()` first returns records (a CSV may buffer up to 1000 records
 * to infer its interval first).
 */
import { reject, stripBom } from "./common.js";
import { openCsv } from "./csv.js";
import { binaryReason, openJson } from "./detect.js";
import { parseHints } from "./hints.js";
import { skipWs } from "./json-scan.js";
import type { BarParser, FileReject } from "./types.js";

export { isFileReject } from "./common.js";
export { HEAD_CHARS } from "./detect.js";
export type { BarParser, CandidateBar, FileMeta, FileReject, FormatId } from "./types.js";

/** Default cap on JSON held in memory at once (a whole CoinGecko body, one Alpha Vantage top-level value). */
export const DEFAULT_MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Options of {@link openParser}. */
export interface OpenParserOptions {
  /** Largest JSON text buffered whole (CoinGecko bodies); beyond it the object is rejected (`file.decodable`). */
  maxJsonBytes?: number;
}

/**
 * Opens the parser for a raw object, detecting its format from `head` (the first decoded chunk; it is not
 * consumed: push it first) and the key's hints, or rejects the whole object with a reason saying what to fix.
 * e.g. `openParser("Date,Open,High,Low,Close,Adj Close,Volume\n…", "raw/csv/AAPL.csv")` → a CSV parser for AAPL.
 */
export function openParser(head: string, key: string, options: OpenParserOptions = {}): BarParser | FileReject {
  const text = stripBom(head);
  const start = skipWs(text, 0);
  if (start >= text.length) {
    return reject(
      "file.format_known",
      text.length === 0 ? "the object is empty" : "the object holds only whitespace (an empty object)",
    );
  }
  const binary = binaryReason(text);
  if (binary) return reject("file.decodable", binary);
  const hints = parseHints(key);
  const first = text.charCodeAt(start);
  // maxJsonBytes counts UTF-8 bytes; characters are a close, cheaper bound (never more than the bytes).
  const maxChars = options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  if (first === 123 || first === 91) return openJson(text, start, hints, maxChars);
  if (first === 60) {
    return reject(
      "file.format_known",
      "the object is HTML or XML (an error page saved instead of data?); expected CSV, JSON or JSONL",
    );
  }
  return openCsv(text, hints);
}

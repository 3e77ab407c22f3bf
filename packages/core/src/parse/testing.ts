import { isFileReject } from "./common.js";
import { HEAD_CHARS } from "./detect.js";
import { type OpenParserOptions, openParser } from "./index.js";
import type { CandidateBar, FileMeta, FileReject } from "./types.js";

/** Test factories for the parsers (shared by their tests and by callers' tests). */

/** What a whole object parsed to: the final meta and every record, in order. */
export interface Parsed {
  meta: FileMeta;
  records: CandidateBar[];
}

/**
 * Parses `text` as the caller does: detect on the head, push the text in chunks of `size` characters
 * (`Infinity`: one chunk), then end. e.g. `parseText("Date,Open,…", "raw/csv/AAPL.csv", 7)`.
 */
export function parseText(
  text: string,
  key: string,
  size = Number.POSITIVE_INFINITY,
  options?: OpenParserOptions,
): Parsed | FileReject {
  const parser = openParser(text.slice(0, HEAD_CHARS), key, options);
  if (isFileReject(parser)) return parser;
  const records: CandidateBar[] = [];
  const step = Number.isFinite(size) ? size : Math.max(text.length, 1);
  for (let i = 0; i < text.length; i += step) {
    const out = parser.push(text.slice(i, i + step));
    if (isFileReject(out)) return out;
    records.push(...out);
  }
  const last = parser.end();
  if (isFileReject(last)) return last;
  records.push(...last);
  return { meta: { ...parser.meta }, records };
}

/** {@link parseText} that must succeed. */
export function parseOk(text: string, key: string, size?: number, options?: OpenParserOptions): Parsed {
  const result = parseText(text, key, size, options);
  if (isFileReject(result)) throw new Error(`expected records, got ${result.rule}: ${result.reason}`);
  return result;
}

/** {@link parseText} that must reject the whole object. */
export function parseReject(text: string, key: string, size?: number, options?: OpenParserOptions): FileReject {
  const result = parseText(text, key, size, options);
  if (!isFileReject(result)) throw new Error(`expected a file reject, got ${result.records.length} records`);
  return result;
}

/** The chunk sizes every format must be indifferent to: 1 character, 7 characters, all at once. */
export const CHUNK_SIZES = [1, 7, Number.POSITIVE_INFINITY] as const;

/** `Date.UTC` of an ISO-8601 instant, for readable expectations. */
export function utc(iso: string): number {
  return Date.parse(iso);
}

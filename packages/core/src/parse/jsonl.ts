/**
 * Canonical JSONL: one bar per line with the curated field names (symbol, interval, ts, open, high, low, close,
 * adj_close, volume, currency, asset_class, trade_date). Each record carries its own interval, asset class and
 * currency; `meta` holds the first line's as the file's defaults. A line that is not JSON becomes a record of
 * NaNs (rejected on its own by the quality rules), not a file rejection.
 */
import { DATE_PATTERN } from "../bar.js";
import { blankCandidate, reject } from "./common.js";
import { inferAssetClass, normalizeAssetClass, normalizeSymbol } from "./hints.js";
import { normalizeInterval } from "./interval.js";
import { tryParse } from "./json-scan.js";
import { jsonNumber } from "./numbers.js";
import { newStamp, parseStamp, type Resolution, resolveStamp } from "./time.js";
import type { BarParser, CandidateBar, FileMeta, FileReject } from "./types.js";

/** Longest line accepted. */
const MAX_LINE_CHARS = 1 << 20;

const NAIVE = "the ts has no time zone; canonical JSONL timestamps are UTC ISO-8601 such as 2024-01-05T14:30:00Z";
const DAILY: Resolution = { zone: null, zoneError: NAIVE, daily: true };
const INTRADAY: Resolution = { zone: null, zoneError: NAIVE, daily: false };

/** Opens a canonical-JSONL parser. */
export function openJsonl(): BarParser {
  return new JsonlParser();
}

class JsonlParser implements BarParser {
  readonly meta: FileMeta = {
    format: "jsonl",
    source: "jsonl",
    interval: "1d",
    assetClass: "equity",
    currency: null,
    timeZone: "UTC",
  };
  private carry = "";
  private started = false;
  private row = 0;
  private parsed = 0;
  private failure: FileReject | null = null;
  private readonly stamp = newStamp();

  push(text: string): CandidateBar[] | FileReject {
    if (this.failure) return this.failure;
    let s = this.carry + text;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    const out: CandidateBar[] = [];
    let pos = 0;
    for (let nl = s.indexOf("\n"); nl >= 0; nl = s.indexOf("\n", pos)) {
      this.line(s.slice(pos, nl), out);
      pos = nl + 1;
    }
    this.carry = s.slice(pos);
    if (this.carry.length > MAX_LINE_CHARS) {
      this.failure = reject(
        "file.decodable",
        `a JSONL line is longer than ${MAX_LINE_CHARS} characters; one bar per line`,
      );
      return this.failure;
    }
    return out;
  }

  end(): CandidateBar[] | FileReject {
    if (this.failure) return this.failure;
    const out: CandidateBar[] = [];
    this.line(this.carry, out);
    this.carry = "";
    if (this.row > 0 && this.parsed === 0) {
      return reject("file.decodable", "no line of this JSONL file is valid JSON");
    }
    return out;
  }

  private line(raw: string, out: CandidateBar[]): void {
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    const rec = blankCandidate(++this.row, line);
    out.push(rec);
    const parsed = tryParse(line);
    if (!parsed.ok) {
      rec.tsError = `the line is not valid JSON (${parsed.error})`;
      return;
    }
    this.parsed++;
    const o = parsed.value;
    if (typeof o !== "object" || o === null || Array.isArray(o)) {
      rec.tsError = "the line is not a JSON object";
      return;
    }
    const f = o as Record<string, unknown>;
    const symbol = f.symbol;
    rec.symbol = typeof symbol === "string" || typeof symbol === "number" ? normalizeSymbol(String(symbol)) : "";
    rec.interval = typeof f.interval === "string" ? normalizeInterval(f.interval) : null;
    rec.open = jsonNumber(f.open);
    rec.high = jsonNumber(f.high);
    rec.low = jsonNumber(f.low);
    rec.close = jsonNumber(f.close);
    rec.volume = jsonNumber(f.volume);
    rec.adjClose =
      f.adj_close === undefined || f.adj_close === null || f.adj_close === "" ? null : jsonNumber(f.adj_close);
    if (typeof f.currency === "string") rec.currency = normalizeSymbol(f.currency) || null;
    else if (f.currency === null) rec.currency = null;
    const assetClass = typeof f.asset_class === "string" ? normalizeAssetClass(f.asset_class) : null;
    rec.assetClass = assetClass ?? inferAssetClass(rec.symbol);
    const ts = typeof f.ts === "string" ? f.ts : typeof f.ts === "number" ? String(f.ts) : "";
    parseStamp(ts, 0, ts.length, this.stamp);
    resolveStamp(this.stamp, rec.interval === "1d" ? DAILY : INTRADAY, rec);
    const tradeDate = typeof f.trade_date === "string" ? f.trade_date.trim() : "";
    if (DATE_PATTERN.test(tradeDate) && !Number.isNaN(rec.tsMs)) rec.tradeDate = tradeDate;
    if (this.parsed === 1) {
      if (rec.interval) this.meta.interval = rec.interval;
      this.meta.assetClass = rec.assetClass;
      if (rec.currency !== undefined) this.meta.currency = rec.currency;
    }
  }
}

/**
 * Alpha Vantage time-series JSON (fixtures/alphavantage/README.md), read incrementally: a 1M-row payload is
 * ~200 MB, and `JSON.parse` of the whole of it took ~3 s and ~550 MB here. The top level is walked token by
 * token; each time-series entry (`"2024-01-05": {"1. open": "…", …}`) is matched whole by one strict sticky regex
 * (alphavantage-shape.ts), and anything it does not match is delimited and `JSON.parse`d, so invalid or
 * truncated JSON is still rejected. Other top-level values (`Meta Data`) are delimited and `JSON.parse`d too.
 */
import type { Interval } from "../bar.js";
import {
  alphaVantageMessage,
  ENTRY,
  isAlphaVantageSeriesKey,
  PROVIDER_KEYS,
  SERIES_KEY,
  unsupportedSeries,
} from "./alphavantage-shape.js";
import { blankCandidate, reject } from "./common.js";
import { inferAssetClass, keySymbol, normalizeAssetClass, normalizeSymbol, type ParseHints } from "./hints.js";
import { normalizeInterval } from "./interval.js";
import { INCOMPLETE, INVALID, skipWs, tryParse, valueEnd } from "./json-scan.js";
import { jsonNumber, numberAt } from "./numbers.js";
import { newStamp, parseStamp, type Resolution, resolveStamp } from "./time.js";
import type { BarParser, CandidateBar, FileMeta, FileReject } from "./types.js";
import { resolveZone } from "./zone.js";

/** Characters of a new chunk read together with the end of the last one (a usual entry is ~100–250). */
const CARRY_LOOKAHEAD = 4096;

const STATE = { start: 0, rootFirst: 1, rootKey: 2, rootNext: 3, seriesFirst: 4, seriesKey: 5, seriesNext: 6, done: 7 };

/** Opens an incremental Alpha Vantage parser. */
export function openAlphaVantage(hints: ParseHints, maxValueChars: number): BarParser {
  return new AlphaVantageParser(hints, maxValueChars);
}

class AlphaVantageParser implements BarParser {
  readonly meta: FileMeta = {
    format: "alphavantage.daily",
    source: "alphavantage",
    interval: "1d",
    assetClass: "equity",
    currency: null,
    timeZone: "America/New_York",
  };
  private buf = "";
  private consumed = 0;
  private state = STATE.start;
  private failure: FileReject | null = null;
  private out: CandidateBar[] = [];
  private row = 0;
  private info = "";
  private metaSymbol: string | null = null;
  private metaZone: string | null = null;
  private providerMessage: string | null = null;
  private seriesSeen = false;
  private symbol = "";
  private interval: Interval = "1d";
  private resolution: Resolution = { zone: null, zoneError: "", daily: true };
  private readonly stamp = newStamp();

  constructor(
    private readonly hints: ParseHints,
    private readonly maxValueChars: number,
  ) {}

  push(text: string): CandidateBar[] | FileReject {
    if (this.failure) return this.failure;
    const carry = this.buf;
    let s = text;
    let pos = 0;
    if (carry.length > 0) {
      // Finish the value the last chunk cut on a small string, then walk `text` itself: reading `carry + text`
      // would take every character of the chunk through the concatenation. When the value runs past the
      // lookahead, walk the concatenation instead (a prefix gives the same steps as the whole, or waits).
      const head = carry + text.slice(0, CARRY_LOOKAHEAD);
      pos = this.walk(head, 0, carry.length);
      if (pos >= carry.length) {
        this.consumed += carry.length;
        pos -= carry.length;
      } else {
        s = carry + text;
      }
    } else if (this.consumed === 0 && s.charCodeAt(0) === 0xfeff) {
      s = s.slice(1);
    }
    pos = this.walk(s, pos, s.length + 1);
    this.consumed += pos;
    this.buf = s.slice(pos);
    if (!this.failure && this.buf.length > this.maxValueChars) {
      this.failure = reject(
        "file.decodable",
        `a single JSON value is longer than ${this.maxValueChars} characters; split the file or raise maxJsonBytes`,
      );
    }
    const out = this.out;
    this.out = [];
    return this.failure ?? out;
  }

  /** Steps through `s` from `pos` until a step reaches `stopAt` or waits for more text; returns where it stopped. */
  private walk(s: string, pos: number, stopAt: number): number {
    let at = pos;
    while (!this.failure && at < stopAt) {
      const next = this.step(s, at);
      if (next < 0) break;
      at = next;
    }
    return at;
  }

  end(): CandidateBar[] | FileReject {
    if (this.failure) return this.failure;
    if (this.state !== STATE.done) {
      if (!this.seriesSeen && this.providerMessage) return reject("file.not_provider_error", this.providerMessage);
      const where = this.state >= STATE.seriesFirst && this.state <= STATE.seriesNext ? "inside the time series" : "";
      return reject(
        "file.decodable",
        `the JSON ends before it is complete (after ${this.consumed + this.buf.length} characters${where ? `, ${where}` : ""}): the download was probably cut off; fetch it again`,
      );
    }
    if (!this.seriesSeen) {
      if (this.providerMessage) return reject("file.not_provider_error", this.providerMessage);
      return reject("file.format_known", "the Alpha Vantage response holds no time series");
    }
    return [];
  }

  /** One step of the walk from `pos`: the new position, or INCOMPLETE to wait for more text. */
  private step(s: string, pos: number): number {
    const i = skipWs(s, pos);
    if (i >= s.length) return INCOMPLETE;
    const c = s.charCodeAt(i);
    switch (this.state) {
      case STATE.start:
        if (c !== 123) return this.invalid(i, "expected { at the start");
        this.state = STATE.rootFirst;
        return i + 1;
      case STATE.rootFirst:
      case STATE.rootKey:
        if (c === 125 && this.state === STATE.rootFirst) {
          this.state = STATE.done;
          return i + 1;
        }
        return this.rootMember(s, i);
      case STATE.rootNext:
      case STATE.seriesNext:
        if (c === 44) {
          this.state = this.state === STATE.rootNext ? STATE.rootKey : STATE.seriesKey;
          return i + 1;
        }
        if (c !== 125) return this.invalid(i, "expected , or }");
        this.state = this.state === STATE.rootNext ? STATE.done : STATE.rootNext;
        return i + 1;
      case STATE.seriesFirst:
      case STATE.seriesKey:
        if (c === 125 && this.state === STATE.seriesFirst) {
          this.state = STATE.rootNext;
          return i + 1;
        }
        return this.entry(s, i);
      default:
        return this.invalid(i, "unexpected content after the end of the JSON document");
    }
  }

  private invalid(i: number, what: string): number {
    this.failure = reject("file.decodable", `invalid JSON at character ${this.consumed + i}: ${what}`);
    return INVALID;
  }

  /** A top-level `"key": value`: the series opens, anything else is parsed whole. */
  private rootMember(s: string, i: number): number {
    if (s.charCodeAt(i) !== 34) return this.invalid(i, "expected a key");
    const keyEnd = valueEnd(s, i);
    if (keyEnd < 0) return INCOMPLETE;
    const key = tryParse(s.slice(i, keyEnd));
    if (!key.ok) return this.invalid(i, key.error);
    const name = String(key.value);
    let j = skipWs(s, keyEnd);
    if (j >= s.length) return INCOMPLETE;
    if (s.charCodeAt(j) !== 58) return this.invalid(j, "expected :");
    j = skipWs(s, j + 1);
    if (j >= s.length) return INCOMPLETE;
    if (isAlphaVantageSeriesKey(name)) {
      if (s.charCodeAt(j) !== 123) return this.invalid(j, `expected { after "${name}"`);
      this.beginSeries(name);
      this.state = STATE.seriesFirst;
      return j + 1;
    }
    const end = valueEnd(s, j);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (end === INVALID) return this.invalid(j, "expected a value");
    const value = tryParse(s.slice(j, end));
    if (!value.ok) return this.invalid(j, value.error);
    if (name === "Meta Data") this.metaData(value.value);
    else if (PROVIDER_KEYS.includes(name) && typeof value.value === "string") {
      this.providerMessage ??= alphaVantageMessage(new Map([[name, value.value]]));
    }
    this.state = STATE.rootNext;
    return end;
  }

  private metaData(value: unknown): void {
    if (typeof value !== "object" || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (typeof v !== "string") continue;
      if (key.endsWith("Information")) this.info = v;
      else if (key.endsWith("Symbol")) this.metaSymbol = normalizeSymbol(v);
      else if (key.endsWith("Time Zone")) this.metaZone = v.trim();
    }
  }

  private beginSeries(name: string): void {
    const why = unsupportedSeries(name);
    if (why) {
      this.failure = reject("file.format_known", why);
      return;
    }
    const inner = SERIES_KEY.exec(name)?.[1] ?? "Daily";
    const intraday = inner === "Daily" ? null : normalizeInterval(inner);
    const symbol = this.metaSymbol || keySymbol(this.hints);
    if (!symbol) {
      this.failure = reject(
        "file.symbol_resolved",
        "the Alpha Vantage response has no `2. Symbol` in its Meta Data and the key names no symbol: put the file under …/symbol=IBM/… or name it IBM.json",
      );
      return;
    }
    const zoneName = this.metaZone || "US/Eastern"; // Alpha Vantage's documented zone for US equities
    const zone = resolveZone(zoneName);
    this.seriesSeen = true;
    this.symbol = symbol;
    this.interval = intraday ?? "1d";
    this.resolution = {
      zone: typeof zone === "string" ? null : zone,
      zoneError: typeof zone === "string" ? zone : "",
      daily: intraday === null,
    };
    this.meta.format = intraday
      ? "alphavantage.intraday"
      : /adjusted|split/i.test(this.info)
        ? "alphavantage.daily_adjusted"
        : "alphavantage.daily";
    this.meta.interval = this.interval;
    this.meta.timeZone = typeof zone === "string" ? zoneName : zone.name;
    const keyAsset = this.hints.assetClass === undefined ? null : normalizeAssetClass(this.hints.assetClass);
    this.meta.assetClass = keyAsset ?? inferAssetClass(symbol);
  }

  /**
   * One series entry `"ts": { "1. open": "…", … }` at the key's quote, and the usual entries right after it. The
   * usual five-field entry is matched by one sticky regex (the regex engine runs native code: ~3x faster than
   * walking tokens in JS) that also takes the `,` and whitespace after it, so the next entry starts where the
   * match ends and the loop goes on without a trip through `step`. Anything else — other fields, escapes,
   * numbers, an entry cut by the chunk end — goes to {@link slowEntry} (the first) or back to `step` (the rest).
   */
  private entry(s: string, i: number): number {
    ENTRY.lastIndex = i;
    let m = ENTRY.exec(s);
    if (m === null) return this.slowEntry(s, i);
    for (;;) {
      // Indexed reads, not array destructuring (which goes through the iterator protocol): this runs per row.
      const ts = m[1] ?? "";
      const open = m[2] ?? "";
      const high = m[3] ?? "";
      const low = m[4] ?? "";
      const close = m[5] ?? "";
      const volume = m[6] ?? "";
      const at = m.index + 1; // the key's text starts after its quote
      const rec = this.candidate(s, at, at + ts.length, {
        ts,
        "1. open": open,
        "2. high": high,
        "3. low": low,
        "4. close": close,
        "5. volume": volume,
      });
      rec.open = numberAt(open, 0, open.length);
      rec.high = numberAt(high, 0, high.length);
      rec.low = numberAt(low, 0, low.length);
      rec.close = numberAt(close, 0, close.length);
      rec.volume = numberAt(volume, 0, volume.length);
      this.out.push(rec);
      const end = ENTRY.lastIndex;
      if (m[7] !== ",") {
        this.state = STATE.rootNext;
        return end;
      }
      this.state = STATE.seriesKey;
      m = ENTRY.exec(s); // sticky: from `end`, where the next key's quote is when the layout is the usual one
      if (m === null) return end;
    }
  }

  /** Any other entry: delimited by bracket counting and `JSON.parse`d, so invalid JSON is still caught. */
  private slowEntry(s: string, i: number): number {
    const keyEnd = valueEnd(s, i);
    if (keyEnd < 0) return INCOMPLETE;
    const key = tryParse(s.slice(i, keyEnd));
    if (!key.ok) return this.invalid(i, key.error);
    let j = skipWs(s, keyEnd);
    if (j >= s.length) return INCOMPLETE;
    if (s.charCodeAt(j) !== 58) return this.invalid(j, "expected :");
    j = skipWs(s, j + 1);
    const end = valueEnd(s, j);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (end === INVALID) return this.invalid(j, "expected a value");
    const value = tryParse(s.slice(j, end));
    if (!value.ok) return this.invalid(j, value.error);
    const ts = String(key.value);
    const fields =
      typeof value.value === "object" && value.value !== null ? (value.value as Record<string, unknown>) : {};
    const rec = this.candidate(ts, 0, ts.length, { ts, ...fields });
    rec.open = jsonNumber(fields["1. open"]);
    rec.high = jsonNumber(fields["2. high"]);
    rec.low = jsonNumber(fields["3. low"]);
    rec.close = jsonNumber(fields["4. close"]);
    rec.volume = jsonNumber(fields["6. volume"] ?? fields["5. volume"]);
    if ("5. adjusted close" in fields) {
      rec.adjClose = jsonNumber(fields["5. adjusted close"]);
      if (this.meta.format === "alphavantage.daily") this.meta.format = "alphavantage.daily_adjusted";
    }
    this.out.push(rec);
    this.state = STATE.seriesNext;
    return end;
  }

  /** A record whose timestamp is `text[start, end)` (read in place: no substring, which reads slower). */
  private candidate(text: string, start: number, end: number, input: unknown): CandidateBar {
    const rec = blankCandidate(++this.row, input);
    rec.symbol = this.symbol;
    rec.interval = this.interval;
    parseStamp(text, start, end, this.stamp);
    resolveStamp(this.stamp, this.resolution, rec);
    return rec;
  }
}

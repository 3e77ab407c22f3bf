import type { AssetClass, Interval } from "@market-data/core/bar";
import { dateOfDay, dayOf } from "@market-data/core/calendar";
import { OptionsError } from "./errors.ts";
import { FORMAT_INFO, type FormatName } from "./formats.ts";
import { barsPerSession, isSessionDay } from "./sessions.ts";
import { coinIdOf, parseSymbolSpec, type SymbolSpec } from "./symbols.ts";

/** One symbol's run of bars inside a file. */
export interface Segment {
  spec: SymbolSpec;
  /** Session days (day numbers), oldest first. */
  sessions: number[];
  /** Bars to emit: all of them, or fewer when a `rows` file cuts the last symbol short. */
  take: number;
}

/** One file to write: its key under the output root, format and symbols. */
export interface FileJob {
  key: string;
  format: FormatName;
  interval: Interval;
  segments: Segment[];
  windows: boolean;
}

/** Options after defaults, as `buildJobs` needs them. */
export interface JobOptions {
  symbols: readonly string[];
  format: FormatName | "mixed";
  days: number;
  intradayDays: number;
  end: string;
  interval: Interval | undefined;
  rows: number | undefined;
}

const EARLIEST = dayOf("1971-01-01");
const LATEST = dayOf("2099-12-31");

/**
 * Which files the options describe. Throws OptionsError for combinations no provider produces (an Alpha Vantage
 * file of a crypto pair, a daily-only format with a 5m interval…), so a mistake is reported, not silently skipped.
 */
export function buildJobs(o: JobOptions): FileJob[] {
  const endDay = dayOf(o.end);
  if (Number.isNaN(endDay) || endDay < EARLIEST || endDay > LATEST) {
    throw new OptionsError(`bad end date "${o.end}": expected YYYY-MM-DD between 1971-01-01 and 2099-12-31`);
  }
  const specs = o.symbols.map(parseSymbolSpec);
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.symbol)) throw new OptionsError(`symbol ${s.symbol} given twice`);
    seen.add(s.symbol);
  }
  const sessions = sessionFinder(endDay);
  if (o.format === "mixed") {
    if (o.rows !== undefined) throw new OptionsError("--rows makes one file: choose a --format other than mixed");
    return mixedJobs(specs, o, sessions);
  }
  const info = FORMAT_INFO[o.format];
  const interval = o.interval ?? (info.intervals === "intraday" ? "5m" : "1d");
  if (info.intervals === "daily" && interval !== "1d") {
    throw new OptionsError(
      `format ${o.format} holds daily bars only; use csv-intraday, av-intraday or jsonl for ${interval}`,
    );
  }
  if (info.intervals === "intraday" && interval === "1d") {
    throw new OptionsError(`format ${o.format} holds intraday bars: give --interval 1h, 30m, 15m, 5m or 1m`);
  }
  for (const s of specs) {
    if (!(info.assetClasses as readonly AssetClass[]).includes(s.assetClass)) {
      throw new OptionsError(
        `format ${o.format} exists for ${info.assetClasses.join("/")} only, not ${s.symbol} (${s.assetClass})`,
      );
    }
  }
  const tag = o.rows === undefined ? o.end : `rows-${o.rows}`;
  if (o.format === "csv" || o.format === "jsonl") {
    const segments =
      o.rows === undefined
        ? specs.map((spec) => segment(spec, sessions(spec.assetClass, o.days), interval))
        : rowsSegments(specs, o.rows, o.days, interval, sessions);
    const key = o.format === "csv" ? `csv/bars-${tag}.csv` : `jsonl/bars-${interval}-${tag}.jsonl`;
    return [{ key, format: o.format, interval, segments, windows: false }];
  }
  if (o.rows !== undefined) {
    const [spec, ...more] = specs;
    if (!spec || more.length > 0)
      throw new OptionsError(`--rows with ${o.format} makes one file: give exactly one symbol`);
    const per = barsPerSession(spec.assetClass, interval);
    const seg = segment(spec, sessions(spec.assetClass, Math.ceil(o.rows / per)), interval);
    return [job(o.format, { ...seg, take: o.rows }, interval, o.end)];
  }
  const format = o.format;
  return specs.map((spec) => job(format, segment(spec, sessions(spec.assetClass, o.days), interval), interval, o.end));
}

type Sessions = (assetClass: AssetClass, count: number) => number[];

/** Session lists per asset class and length, checked against the earliest date the quality gate finds plausible. */
function sessionFinder(endDay: number): Sessions {
  const cache = new Map<string, number[]>();
  return (assetClass, count) => {
    const id = `${assetClass}|${count}`;
    const hit = cache.get(id);
    if (hit) return hit;
    // Equities and indices share the NYSE calendar; walk back until `count` open days are found.
    const found: number[] = [];
    for (let day = endDay; found.length < count; day--) {
      if (day < EARLIEST) {
        throw new OptionsError(
          `${count} ${assetClass} sessions up to ${dateOfDay(endDay)} would start before 1971: ask for fewer days or rows`,
        );
      }
      if (isSessionDay(assetClass, day)) found.push(day);
    }
    found.reverse();
    cache.set(id, found);
    return found;
  };
}

function segment(spec: SymbolSpec, sessions: number[], interval: Interval): Segment {
  return { spec, sessions, take: sessions.length * barsPerSession(spec.assetClass, interval) };
}

/** Exactly `rows` records: the given symbols first, then synthetic equities SIM0001… until the count is reached. */
function rowsSegments(
  specs: SymbolSpec[],
  rows: number,
  days: number,
  interval: Interval,
  sessions: Sessions,
): Segment[] {
  const out: Segment[] = [];
  let left = rows;
  for (let i = 0; left > 0; i++) {
    const spec = specs[i] ?? parseSymbolSpec(`SIM${String(i - specs.length + 1).padStart(4, "0")}`);
    const seg = segment(spec, sessions(spec.assetClass, days), interval);
    seg.take = Math.min(seg.take, left);
    left -= seg.take;
    out.push(seg);
  }
  return out;
}

/** Formats with one file per symbol; the symbol is in the key or the payload's metadata. */
type PerSymbolFormat = Exclude<FormatName, "csv" | "jsonl">;

function job(format: PerSymbolFormat, seg: Segment, interval: Interval, tag: string): FileJob {
  const symbol = seg.spec.symbol;
  if (/[/:]/.test(symbol)) throw new OptionsError(`symbol ${symbol} cannot name a file; use csv or jsonl for it`);
  const keys: Record<PerSymbolFormat, string> = {
    "csv-yahoo": `csv/${symbol}.csv`,
    "csv-intraday": `csv/intraday/interval=${interval}/${symbol}.csv`,
    "av-daily": `alphavantage/daily/${symbol}-${tag}.json`,
    "av-daily-adjusted": `alphavantage/daily_adjusted/${symbol}-${tag}.json`,
    "av-intraday": `alphavantage/intraday/interval=${interval}/${symbol}-${tag}.json`,
    "coingecko-ohlc": `coingecko/${coinIdOf(symbol)}/ohlc-${seg.sessions.length}d-${tag}.json`,
  };
  return { key: keys[format], format, interval, segments: [seg], windows: false };
}

/** Daily format rotations of the demo mix, per asset class; multi-symbol formats gather their symbols in one file. */
const MIX: Record<AssetClass, readonly FormatName[]> = {
  equity: ["csv-yahoo", "csv", "av-daily", "av-daily-adjusted", "jsonl"],
  crypto: ["coingecko-ohlc", "jsonl", "csv"],
  index: ["csv-yahoo", "csv", "jsonl"],
  fx: ["csv-yahoo", "csv", "jsonl"],
};

/**
 * A realistic drop folder: each symbol's daily history in one provider format (rotating through them), the two
 * multi-symbol files (the CSV as a Windows export with BOM and CRLF), and a few intraday files: the first equity as
 * CSV, the second as Alpha Vantage, the first crypto pair as CSV.
 */
function mixedJobs(specs: SymbolSpec[], o: JobOptions, sessions: Sessions): FileJob[] {
  const jobs: FileJob[] = [];
  // Multi-symbol files are gathered per asset class: the gate gives a file one asset class, so crypto weekend bars
  // inside an equity file would raise calendar.weekend_equity warnings no one injected.
  const gathered = new Map<string, { format: "csv" | "jsonl"; assetClass: AssetClass; segments: Segment[] }>();
  const turn: Record<AssetClass, number> = { equity: 0, crypto: 0, index: 0, fx: 0 };
  for (const spec of specs) {
    const rotation = MIX[spec.assetClass];
    const format = rotation[turn[spec.assetClass]++ % rotation.length] ?? "jsonl";
    const seg = segment(spec, sessions(spec.assetClass, o.days), "1d");
    if (format === "csv" || format === "jsonl") {
      const id = `${format}|${spec.assetClass}`;
      const group = gathered.get(id) ?? { format, assetClass: spec.assetClass, segments: [] };
      group.segments.push(seg);
      gathered.set(id, group);
    } else jobs.push(job(format, seg, "1d", o.end));
  }
  for (const { format, assetClass, segments } of gathered.values()) {
    const suffix = assetClass === "equity" ? "" : `-${assetClass}`;
    const key = format === "csv" ? `csv/bars-${o.end}${suffix}.csv` : `jsonl/bars-1d-${o.end}${suffix}.jsonl`;
    // The CSV comes as a Windows export (BOM, CRLF), a variant users drop.
    jobs.push({ key, format, interval: "1d", segments, windows: format === "csv" });
  }
  const interval = o.interval !== undefined && o.interval !== "1d" ? o.interval : "5m";
  const equities = specs.filter((s) => s.assetClass === "equity");
  const crypto = specs.find((s) => s.assetClass === "crypto");
  const intraday: [PerSymbolFormat, SymbolSpec | undefined][] = [
    ["csv-intraday", equities[0]],
    ["av-intraday", equities[1]],
    ["csv-intraday", crypto],
  ];
  for (const [format, spec] of intraday) {
    if (spec)
      jobs.push(job(format, segment(spec, sessions(spec.assetClass, o.intradayDays), interval), interval, o.end));
  }
  return jobs;
}

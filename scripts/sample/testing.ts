// Test support (imported by *.test.ts only): reads generated files back into records and applies a small reference
// version of the quality rules, so tests can check that every manifest defect breaks exactly its rule and that
// clean rows break none. Deliberately independent of the pipeline's parsers, which are built elsewhere.
import { INTERVAL_MS, type Interval, SYMBOL_PATTERN } from "@market-data/core/bar";
import { dayOf } from "@market-data/core/calendar";
import { easternToUtc } from "./sessions.ts";

export interface ReadRecord {
  row: number;
  symbol: string;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** NaN when the format has no volume. */
  volume: number;
  hasVolume: boolean;
}

const num = (v: unknown): number => {
  if (typeof v === "number") return v;
  if (typeof v !== "string" || v.trim() === "") return Number.NaN;
  return Number(v);
};

/** Minimal RFC 4180 split of one line (quoted fields with doubled quotes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(field);
      field = "";
    } else field += ch;
  }
  out.push(field);
  return out;
}

const isoMs = (date: string): number => Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date);

function easternMs(local: string): number {
  const [date = "", time = ""] = local.split(" ");
  const [h = 0, m = 0] = time.split(":").map(Number);
  return easternToUtc(dayOf(date), h * 60 + m);
}

/** The records of a generated file in file order, rows numbered from 1 (a CSV header is not a record). */
export function readBack(format: string, text: string, fileSymbol: string): ReadRecord[] {
  const body = text.replace(/^\uFEFF/, "");
  if (format.startsWith("csv")) {
    const [header = "", ...lines] = body.split(/\r?\n/).filter((l) => l !== "");
    const cols = splitCsvLine(header);
    return lines.map((line, i) => {
      const cells = splitCsvLine(line);
      const get = (name: string) => cells[cols.indexOf(name)] ?? "";
      const has = (name: string) => cols.includes(name);
      const stamp = has("Date") ? get("Date") : has("date") ? get("date") : get("timestamp");
      const lc = (name: string) => (has(name) ? get(name) : get(name[0]?.toUpperCase() + name.slice(1)));
      return {
        row: i + 1,
        symbol: has("symbol") ? get("symbol") : fileSymbol,
        ts: isoMs(stamp),
        open: num(lc("open")),
        high: num(lc("high")),
        low: num(lc("low")),
        close: num(lc("close")),
        volume: num(lc("volume")),
        hasVolume: true,
      };
    });
  }
  if (format.startsWith("av-")) {
    const json = JSON.parse(body) as Record<string, Record<string, Record<string, string>>>;
    const seriesKey = Object.keys(json).find((k) => k.startsWith("Time Series")) ?? "";
    return Object.entries(json[seriesKey] ?? {}).map(([stamp, bar], i) => ({
      row: i + 1,
      symbol: fileSymbol,
      ts: stamp.includes(" ") ? easternMs(stamp) : isoMs(stamp),
      open: num(bar["1. open"]),
      high: num(bar["2. high"]),
      low: num(bar["3. low"]),
      close: num(bar["4. close"]),
      volume: num(bar["5. volume"] ?? bar["6. volume"]),
      hasVolume: true,
    }));
  }
  if (format === "coingecko-ohlc") {
    const json = JSON.parse(body) as unknown[][];
    return json.map(([ts, o, h, l, c], i) => ({
      row: i + 1,
      symbol: fileSymbol,
      ts: num(ts),
      open: num(o),
      high: num(h),
      low: num(l),
      close: num(c),
      volume: Number.NaN,
      hasVolume: false,
    }));
  }
  return body
    .split("\n")
    .filter((l) => l !== "")
    .map((line, i) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      return {
        row: i + 1,
        symbol: String(r.symbol),
        ts: isoMs(String(r.ts)),
        open: num(r.open),
        high: num(r.high),
        low: num(r.low),
        close: num(r.close),
        volume: num(r.volume),
        hasVolume: true,
      };
    });
}

/** `row|rule` for every error-or-warn rule a record breaks, in the spirit of QUALITY_RULES.md. */
export function referenceViolations(records: readonly ReadRecord[], interval: Interval, now: number): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, ReadRecord[]>();
  const prices = (r: ReadRecord) => [r.open, r.high, r.low, r.close];
  for (const r of records) {
    const hit = (rule: string) => out.add(`${r.row}|${rule}`);
    if (!SYMBOL_PATTERN.test(r.symbol.toUpperCase())) hit("symbol.format");
    if (r.ts > now + INTERVAL_MS[interval]) hit("ts.not_future");
    if (r.ts < 0) hit("ts.plausible");
    const present = prices(r).every(Number.isFinite);
    if (!present) hit("price.present");
    else {
      if (prices(r).some((p) => p <= 0)) hit("price.positive");
      if (r.high < Math.max(r.open, r.close, r.low)) hit("ohlc.high_bounds");
      if (r.low > Math.min(r.open, r.close)) hit("ohlc.low_bounds");
    }
    if (r.hasVolume && !(Number.isInteger(r.volume) && r.volume >= 0)) hit("volume.valid");
    const key = `${r.symbol}|${r.ts}`;
    const same = seen.get(key) ?? [];
    const values = (x: ReadRecord) => JSON.stringify([...prices(x), x.volume]);
    for (const earlier of same) {
      if (values(earlier) === values(r)) hit("key.unique_exact");
      else {
        hit("key.unique_conflict");
        out.add(`${earlier.row}|key.unique_conflict`);
      }
    }
    seen.set(key, [...same, r]);
  }
  return out;
}

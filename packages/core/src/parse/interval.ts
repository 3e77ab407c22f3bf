import { INTERVAL_MS, INTERVALS, type Interval } from "../bar.js";

/** Spellings of the supported intervals seen in files and keys (Alpha Vantage's `60min`, pandas' `1H`, …). */
const ALIASES: ReadonlyMap<string, Interval> = new Map<string, Interval>([
  ["1d", "1d"],
  ["d", "1d"],
  ["1day", "1d"],
  ["day", "1d"],
  ["daily", "1d"],
  ["24h", "1d"],
  ["1h", "1h"],
  ["h", "1h"],
  ["60m", "1h"],
  ["60min", "1h"],
  ["1hour", "1h"],
  ["hourly", "1h"],
  ["30m", "30m"],
  ["30min", "30m"],
  ["15m", "15m"],
  ["15min", "15m"],
  ["5m", "5m"],
  ["5min", "5m"],
  ["1m", "1m"],
  ["1min", "1m"],
  ["1minute", "1m"],
  ["minute", "1m"],
]);

/**
 * The supported interval a text names, or null. Case-insensitive, except that `1M` (a month in many
 * conventions) is not taken for a minute. e.g. `normalizeInterval("60min")` → `"1h"`.
 */
export function normalizeInterval(text: string): Interval | null {
  const t = text.trim();
  if (t === "1M" || t === "") return null;
  return ALIASES.get(t.toLowerCase().replace(/\s+/g, "")) ?? null;
}

/** The interval whose bars are exactly `ms` long, or null. e.g. `intervalOfSpacing(300_000)` → `"5m"`. */
export function intervalOfSpacing(ms: number): Interval | null {
  for (const interval of INTERVALS) if (INTERVAL_MS[interval] === ms) return interval;
  return null;
}

/** A spacing in words for reasons: `14400000` → `"4 hours"`. */
export function describeSpacing(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms === size ? "" : "s"}`;
  }
  return `${ms} ms`;
}

/** The supported intervals, listed for reasons. */
export const INTERVAL_LIST = INTERVALS.join(", ");

/** Where provider payloads and the schedule's memory of providers live in the bucket. */
import { INTERVAL_MS, type Interval } from "../bar.js";
import { utcDay } from "./budget.js";
import type { ProviderId, ProviderSlice } from "./types.js";

/** Symbols a provider pull may name: the canonical pattern minus `/` and `:`, which cannot sit in a key segment. */
export const PULL_SYMBOL_PATTERN = /^[A-Z0-9.\-^=]{1,24}$/;

/** Start of the period an instant belongs to, periods aligned on the UTC epoch (days start at 00:00Z). */
export function periodStart(ms: number, period: Interval): number {
  const size = INTERVAL_MS[period];
  return Math.floor(ms / size) * size;
}

/** An instant as a key-friendly stamp: `20240628T153000Z`. */
export function compactStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/**
 * The raw key of one slice's payload. A `latest` slice is named after the schedule period it was pulled in, a
 * history slice after the period it covers, never after the wall clock: pulling the same thing twice names the
 * same object, which is what makes a re-run tick or a resumed backfill write no duplicate.
 * e.g. a daily pull of IBM in the period starting 2024-06-28T00:00Z →
 * `raw/alphavantage/daily/symbol=IBM/date=2024-06-28/IBM-20240628T000000Z.json`.
 */
export function providerRawKey(slice: ProviderSlice, periodStartMs: number): string {
  const latest = slice.period === "latest";
  const label = latest ? compactStamp(periodStartMs) : slice.period;
  const date = latest ? utcDay(periodStartMs) : firstDayOf(slice.period);
  const folders = [slice.provider, ...slice.keySegments, `symbol=${slice.symbol}`, `date=${date}`];
  return `raw/${folders.join("/")}/${slice.symbol}-${label}.json`;
}

/** First day of a period label: `2024-03` → `2024-03-01`, `2020-01-01_2024-06-28` → `2020-01-01`. */
function firstDayOf(period: string): string {
  if (/^\d{4}-\d{2}$/.test(period)) return `${period}-01`;
  const day = /^\d{4}-\d{2}-\d{2}/.exec(period)?.[0];
  return day ?? "undated";
}

/** The schedule's memory of providers, under `_control/providers/`. */
export const providerControlKeys = {
  /** One symbol's standing: consecutive failures, alerted or not, unknown to the provider. */
  symbol: (provider: ProviderId, symbol: string) => `_control/providers/${provider}/symbols/${symbol}.json`,
  symbols: (provider: ProviderId) => `_control/providers/${provider}/symbols/`,
  /** Calls spent on a UTC day, so the daily budget holds across Lambda invocations. */
  usage: (provider: ProviderId, day: string) => `_control/providers/${provider}/usage/${day}.json`,
} as const;

export { utcDay };

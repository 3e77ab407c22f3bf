import type { AssetClass } from "../bar.js";
import { DAY_MS, dateOfDay, isWeekend, lastClosedNyseSession } from "../calendar.js";
import type { LatestPrice } from "../ports.js";
import { incidentKeys } from "./incident.js";
import type { Alert, AlertReason, AlertResolution } from "./model.js";

/** The session a symbol must have a bar for by now. */
export interface ExpectedSession {
  /** `YYYY-MM-DD`: NYSE's local date for equities and indices, the UTC day for crypto and FX. */
  date: string;
  /** Start of the session's trading day at 00:00Z: a daily bar of the session has this `ts`. */
  dayStartMs: number;
  /** The session's first instant: an intraday bar of the session starts at or after it. */
  openMs: number;
  closeMs: number;
}

/**
 * The last completed session of an asset class whose bars are due by `nowMs`: a session is due once its close plus
 * `graceMs` (the providers' publishing delay) has passed. Equities and indices follow the NYSE calendar (weekends,
 * holidays, 13:00 half days, US/Eastern DST); crypto trades 24/7 in UTC days; FX 24 hours on weekdays (UTC days).
 */
export function expectedSession(assetClass: AssetClass, nowMs: number, graceMs: number): ExpectedSession {
  const due = nowMs - graceMs;
  if (assetClass === "equity" || assetClass === "index") {
    const session = lastClosedNyseSession(due);
    return {
      date: session.date,
      dayStartMs: session.day * DAY_MS,
      openMs: session.openMs,
      closeMs: session.closeMs,
    };
  }
  // A UTC day is complete at the next midnight.
  let day = Math.floor(due / DAY_MS) - 1;
  while (assetClass === "fx" && isWeekend(day)) day--;
  return { date: dateOfDay(day), dayStartMs: day * DAY_MS, openMs: day * DAY_MS, closeMs: (day + 1) * DAY_MS };
}

export type SymbolFreshness =
  | { symbol: string; status: "fresh"; latestTs: string; expected: string }
  | { symbol: string; status: "stale"; latestTs: string; interval: string; expected: string }
  /** Tracked, but no price was ever stored. */
  | { symbol: string; status: "missing" };

/**
 * Whether a symbol's latest bar belongs to (or is newer than) its last completed session: a daily bar dated that
 * session, or an intraday bar that started within it.
 */
export function symbolFreshness(price: LatestPrice, nowMs: number, graceMs: number): SymbolFreshness {
  const session = expectedSession(price.asset_class, nowMs, graceMs);
  const ts = Date.parse(price.ts);
  const fresh = price.interval === "1d" ? ts >= session.dayStartMs : ts >= session.openMs;
  return fresh
    ? { symbol: price.symbol, status: "fresh", latestTs: price.ts, expected: session.date }
    : { symbol: price.symbol, status: "stale", latestTs: price.ts, interval: price.interval, expected: session.date };
}

/**
 * Freshness of the tracked symbols: `tracked` when given (a tracked symbol without any price is `missing`), else
 * every symbol that has a price. Sorted by symbol.
 */
export function checkFreshness(input: {
  prices: readonly LatestPrice[];
  tracked?: readonly string[];
  nowMs: number;
  graceMs: number;
}): SymbolFreshness[] {
  const bySymbol = new Map(input.prices.map((price) => [price.symbol, price]));
  const symbols = input.tracked ?? [...bySymbol.keys()];
  return [...new Set(symbols)].sort().map((symbol) => {
    const price = bySymbol.get(symbol);
    return price === undefined ? { symbol, status: "missing" } : symbolFreshness(price, input.nowMs, input.graceMs);
  });
}

function reasonOf(entry: Exclude<SymbolFreshness, { status: "fresh" }>): AlertReason {
  return entry.status === "missing"
    ? { label: entry.symbol, text: "no price stored at all", examples: [] }
    : {
        label: entry.symbol,
        text: `latest ${entry.interval} bar starts ${entry.latestTs}; expected a bar of the ${entry.expected} session`,
        examples: [],
      };
}

/** The symbols that are stale or missing. */
export function staleOf(results: readonly SymbolFreshness[]): Exclude<SymbolFreshness, { status: "fresh" }>[] {
  return results.filter((r): r is Exclude<SymbolFreshness, { status: "fresh" }> => r.status !== "fresh");
}

/**
 * The alert for a set of stale symbols, or undefined when none is. The incident key is the sorted set: the same
 * set tick after tick is one incident, a changed set a new one.
 */
export function dataStaleAlert(results: readonly SymbolFreshness[], at: string): Alert | undefined {
  const stale = staleOf(results);
  if (stale.length === 0) return undefined;
  const symbols = stale.map((entry) => entry.symbol);
  const shown = symbols.slice(0, 10).join(", ");
  return {
    type: "alert",
    kind: "data_stale",
    severity: "warning",
    incidentKey: incidentKeys.stale(symbols),
    source: "freshness",
    summary: `${stale.length} of ${results.length} tracked symbols have no bar for their last completed session`,
    detail: `Stale: ${shown}${symbols.length > 10 ? ` and ${symbols.length - 10} more` : ""}`,
    facts: [
      { label: "Stale", value: String(stale.length) },
      { label: "Tracked", value: String(results.length) },
    ],
    reasons: stale.map(reasonOf),
    links: [],
    at,
  };
}

/** An earlier stale set is over: its symbols are fresh again, or the stale set changed (a new incident). */
export function dataStaleResolution(incidentKey: string, stillStale: readonly string[], at: string): AlertResolution {
  return {
    type: "resolved",
    kind: "data_stale",
    incidentKey,
    source: "freshness",
    summary:
      stillStale.length === 0
        ? "Every tracked symbol has a bar for its last completed session again"
        : `The stale set changed; now stale: ${stillStale.slice(0, 10).join(", ")}${stillStale.length > 10 ? " …" : ""}`,
    facts: [{ label: "Still stale", value: String(stillStale.length) }],
    links: [],
    at,
  };
}

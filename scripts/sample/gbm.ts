import type { Interval } from "@market-data/core/bar";
import { rngFor } from "./prng.ts";
import { barStart, barsPerSession, tradeDateOf, usesExchangeSessions } from "./sessions.ts";
import type { SymbolSpec } from "./symbols.ts";

/** One simulated bar, prices rounded to 4 decimals (what every format prints). */
export interface SimBar {
  /** Bar start, epoch ms UTC. */
  ts: number;
  tradeDate: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Dividend-adjusted close for daily equity bars; null elsewhere. */
  adjClose: number | null;
  /** Cash dividend going ex on this bar (0 on most days); Alpha Vantage's `7. dividend amount`. */
  dividend: number;
  volume: number;
}

/** Sessions per year the annual μ and σ are spread over. */
const PERIODS_PER_YEAR = { equity: 252, index: 252, crypto: 365, fx: 260 } as const;
/** Brownian-bridge points inside a bar, to find a high and low the open–close path plausibly touched. */
const SUB_STEPS = 12;
/** Gap noise relative to one bar's volatility: overnight gaps are larger than bar-to-bar ones. */
const OVERNIGHT_GAP = 0.3;
const INTRABAR_GAP = 0.05;
/** Sessions between ex-dividend dates: quarterly. */
const DIVIDEND_EVERY = 63;

export const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * Geometric Brownian motion bars for one symbol over the given session days (day numbers, oldest first).
 * Close-to-close log returns are exactly N((μ − σ²/2)·dt, σ²·dt) with dt = bar length in years; the open is the
 * previous close times a small gap; high and low are the extremes of a Brownian bridge from open to close, so
 * high ≥ max(open, close), low ≤ min(open, close) and low > 0 hold by construction. `take` stops early
 * (benchmark files cut the last symbol short). A generator, so million-row files never sit in memory.
 */
export function* generateBars(
  spec: SymbolSpec,
  sessions: readonly number[],
  interval: Interval,
  seed: number,
  take = Number.POSITIVE_INFINITY,
): Generator<SimBar> {
  const rng = rngFor(seed, "gbm", spec.symbol, interval);
  const perSession = barsPerSession(spec.assetClass, interval);
  const dt = 1 / PERIODS_PER_YEAR[spec.assetClass] / perSession;
  const drift = (spec.mu - (spec.sigma * spec.sigma) / 2) * dt;
  const barVol = spec.sigma * Math.sqrt(dt);
  const subVol = barVol / Math.sqrt(SUB_STEPS);
  // Volume: a per-session lognormal level times an intraday U shape (busy open and close) for exchange sessions.
  const shape = volumeShape(perSession, usesExchangeSessions(spec.assetClass));
  const dividends = dividendSchedule(spec, sessions.length, interval, rng.int(DIVIDEND_EVERY));
  const path = new Float64Array(SUB_STEPS + 1);

  let prevClose = spec.start;
  let emitted = 0;
  for (let s = 0; s < sessions.length; s++) {
    const day = sessions[s] ?? 0;
    const sessionVolume = spec.volume * Math.exp(0.35 * rng.normal() - 0.06);
    for (let k = 0; k < perSession; k++) {
      if (emitted >= take) return;
      const gap = (k === 0 ? OVERNIGHT_GAP : INTRABAR_GAP) * barVol * rng.normal();
      const logOpen = Math.log(prevClose) + gap;
      const logClose = Math.log(prevClose) + drift + barVol * rng.normal();
      // Brownian bridge pinned at both ends: a random walk minus its straight-line drift to the end point.
      let walk = 0;
      for (let j = 1; j <= SUB_STEPS; j++) {
        walk += subVol * rng.normal();
        path[j] = walk;
      }
      let hi = Math.max(logOpen, logClose);
      let lo = Math.min(logOpen, logClose);
      for (let j = 1; j < SUB_STEPS; j++) {
        const f = j / SUB_STEPS;
        const x = logOpen + f * (logClose - logOpen) + (path[j] ?? 0) - f * walk;
        if (x > hi) hi = x;
        if (x < lo) lo = x;
      }
      // The path between sampled points goes further than the samples: a small extra wick past the extremes, so
      // high and low rarely sit exactly on the open or the close (real bars seldom do).
      hi += Math.abs(rng.normal()) * subVol * 0.5;
      lo -= Math.abs(rng.normal()) * subVol * 0.5;
      // Rounding is monotonic, so the rounded bar keeps high ≥ max(open, close) ≥ min(open, close) ≥ low.
      const close = round4(Math.exp(logClose));
      const ts = barStart(spec.assetClass, interval, day, k);
      const volumeNoise = perSession === 1 ? 1 : Math.exp(0.5 * rng.normal() - 0.125);
      const dividend = dividends.exDividend(s) ? round4(prevClose * dividends.perPayment) : 0;
      yield {
        ts,
        tradeDate: tradeDateOf(spec.assetClass, interval, ts),
        open: round4(Math.exp(logOpen)),
        high: round4(Math.exp(hi)),
        low: Math.max(round4(Math.exp(lo)), 0.0001),
        close,
        adjClose: dividends.enabled ? round4(close * dividends.adjustment(s)) : null,
        dividend,
        volume: Math.max(1, Math.round((sessionVolume / perSession) * (shape[k] ?? 1) * volumeNoise)),
      };
      prevClose = close;
      emitted++;
    }
  }
}

/** Relative volume of each bar in a session, mean 1: a U shape for exchange sessions, flat around the clock. */
function volumeShape(perSession: number, uShaped: boolean): Float64Array {
  const w = new Float64Array(perSession).fill(1);
  if (!uShaped || perSession < 3) return w;
  let sum = 0;
  for (let k = 0; k < perSession; k++) {
    const x = (2 * k) / (perSession - 1) - 1;
    w[k] = 1 + 2 * x * x;
    sum += w[k] ?? 1;
  }
  for (let k = 0; k < perSession; k++) w[k] = ((w[k] ?? 1) * perSession) / sum;
  return w;
}

/**
 * Quarterly dividends of daily equity bars, paid as a fixed fraction of the price, so the back-adjustment factor
 * of a bar is known up front: (1 − yield/4) per ex-date after it. That keeps generation one forward pass.
 */
function dividendSchedule(spec: SymbolSpec, sessions: number, interval: Interval, phase: number) {
  const enabled = interval === "1d" && spec.assetClass === "equity";
  const perPayment = spec.dividendYield / 4;
  const exDividend = (s: number): boolean =>
    enabled && perPayment > 0 && s > 0 && s < sessions && (s + phase) % DIVIDEND_EVERY === 0;
  // Ex-dates strictly after session s, counted once per symbol.
  const after = new Int32Array(sessions + 1);
  for (let s = sessions - 1; s >= 0; s--) after[s] = (after[s + 1] ?? 0) + (exDividend(s + 1) ? 1 : 0);
  return {
    enabled,
    perPayment,
    exDividend,
    adjustment: (s: number): number => (1 - perPayment) ** (after[s] ?? 0),
  };
}

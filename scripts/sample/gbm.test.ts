import { dayOf, isNyseTradingDay, sessionsEnding } from "@market-data/core/calendar";
import { describe, expect, it } from "vitest";
import { generateBars, type SimBar } from "./gbm.ts";
import { isSessionDay } from "./sessions.ts";
import { parseSymbolSpec } from "./symbols.ts";

const end = dayOf("2024-06-28");
const equityDays = (n: number) => sessionsEnding(end, n, isNyseTradingDay);
const cryptoDays = (n: number) => sessionsEnding(end, n, (d) => isSessionDay("crypto", d));

function expectConsistent(bars: readonly SimBar[]) {
  for (const b of bars) {
    expect(b.low).toBeGreaterThan(0);
    expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
    expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
    expect(Number.isSafeInteger(b.volume) && b.volume > 0).toBe(true);
    if (b.adjClose !== null) expect(b.adjClose).toBeGreaterThan(0);
  }
}

/** Sample mean and standard deviation of close-to-close log returns. */
function logReturnStats(bars: readonly SimBar[]) {
  const r: number[] = [];
  for (let i = 1; i < bars.length; i++) r.push(Math.log((bars[i]?.close ?? 1) / (bars[i - 1]?.close ?? 1)));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
  return { mean, sd, n: r.length };
}

describe("generateBars", () => {
  it("keeps every daily and intraday bar consistent and positive, even at high volatility", () => {
    for (const arg of ["AAPL", "BTC-USD", "PENNY:0:1.5:0.5"]) {
      const spec = parseSymbolSpec(arg);
      const days = spec.assetClass === "crypto" ? cryptoDays(400) : equityDays(400);
      expectConsistent([...generateBars(spec, days, "1d", 7)]);
      expectConsistent([...generateBars(spec, days.slice(-10), "5m", 7)]);
    }
  });

  it("rarely puts the high exactly on the open or close", () => {
    const bars = [...generateBars(parseSymbolSpec("MSFT"), equityDays(500), "1d", 3)];
    const onEdge = bars.filter((b) => b.high === Math.max(b.open, b.close)).length;
    expect(onEdge / bars.length).toBeLessThan(0.1);
  });

  it("opens near the previous close", () => {
    const bars = [...generateBars(parseSymbolSpec("IBM"), equityDays(300), "1d", 5)];
    for (let i = 1; i < bars.length; i++) {
      const gap = Math.abs(Math.log((bars[i]?.open ?? 0) / (bars[i - 1]?.close ?? 1)));
      expect(gap).toBeLessThan(0.05);
    }
  });

  it("is deterministic per seed and differs between seeds", () => {
    const spec = parseSymbolSpec("AAPL");
    const a = [...generateBars(spec, equityDays(50), "1d", 1)];
    expect([...generateBars(spec, equityDays(50), "1d", 1)]).toEqual(a);
    expect([...generateBars(spec, equityDays(50), "1d", 2)]).not.toEqual(a);
  });

  it("has close-to-close log returns with the requested drift and volatility", () => {
    // 40 symbols × 2,000 days ≈ 220 years of daily crypto returns: σ is estimated within ~1 %, the drift within ~0.05.
    const mu = 0.3;
    const sigma = 0.6;
    const dt = 1 / 365;
    const days = cryptoDays(2000);
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let s = 0; s < 40; s++) {
      const stats = logReturnStats([...generateBars(parseSymbolSpec(`C${s}-USD:${mu}:${sigma}:100`), days, "1d", 11)]);
      sum += stats.mean * stats.n;
      sumSq += stats.sd ** 2 * (stats.n - 1);
      n += stats.n;
    }
    const annualDrift = sum / n / dt + (sigma * sigma) / 2;
    const annualVol = Math.sqrt(sumSq / n / dt);
    expect(annualVol).toBeGreaterThan(sigma * 0.95);
    expect(annualVol).toBeLessThan(sigma * 1.05);
    expect(Math.abs(annualDrift - mu)).toBeLessThan(0.12);
  });

  it("spreads the daily variance over intraday bars", () => {
    const bars = [...generateBars(parseSymbolSpec("X:0:0.3:100"), equityDays(200), "5m", 4)];
    const { sd } = logReturnStats(bars);
    // Per-bar σ = 0.3 / √(252 × 78): a few per-session gaps add little.
    expect(sd / (0.3 / Math.sqrt(252 * 78))).toBeGreaterThan(0.9);
    expect(sd / (0.3 / Math.sqrt(252 * 78))).toBeLessThan(1.15);
  });

  it("adjusts closes before an ex-dividend date and leaves later ones as they are", () => {
    const bars = [...generateBars(parseSymbolSpec("IBM"), equityDays(252), "1d", 9)];
    const exDates = bars.filter((b) => b.dividend > 0);
    expect(exDates.length).toBeGreaterThanOrEqual(3);
    const last = bars[bars.length - 1];
    expect(last?.adjClose).toBe(last?.close);
    expect((bars[0]?.adjClose ?? 0) / (bars[0]?.close ?? 1)).toBeLessThan(0.97);
  });
});

import { describe, expect, it } from "vitest";
import type { FileMeta } from "../parse/types.js";
import { createQualityRun } from "./run.js";
import { DEFAULT_QUALITY_CONFIG } from "./suite.js";
import { CONTEXT, candidate, EQUITY_DAILY, numbered, onDay, rulesOf, validateObject } from "./testing.js";

const CRYPTO_DAILY: FileMeta = { ...EQUITY_DAILY, format: "coingecko.ohlc", source: "coingecko", assetClass: "crypto" };

function bar(day: number, close: number) {
  return onDay(day, { open: close, high: close * 1.01, low: close * 0.99, close });
}

describe("return.outlier", () => {
  it("warns when the close jumps more than the daily threshold from the previous bar", () => {
    const { verdicts, outcome } = validateObject(numbered([bar(1, 100), bar(2, 170)]));
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(["pass", "pass"]);
    expect(verdicts[1]?.kind === "pass" && verdicts[1].warnings).toEqual([
      {
        rule: "return.outlier",
        reason: "close 170 after previous close 100: |log return| 0.531 exceeds 0.5 for 1d bars",
      },
    ]);
    expect(outcome.statistics).toMatchObject({ passed: 2, rejected: 0, warned: 1 });
  });

  it("warns in a file sorted newest first just the same", () => {
    const { verdicts } = validateObject(numbered([bar(2, 170), bar(1, 100)]));
    expect(verdicts.map(rulesOf)).toEqual([[], ["return.outlier"]]);
  });

  it("warns on a fall as on a rise", () => {
    const { verdicts } = validateObject(numbered([bar(1, 100), bar(2, 55)]));
    expect(verdicts.map(rulesOf)).toEqual([[], ["return.outlier"]]);
  });

  it("does not warn on a move under the threshold", () => {
    const { verdicts } = validateObject(numbered([bar(1, 100), bar(2, 160)]));
    expect(verdicts.map(rulesOf)).toEqual([[], []]);
  });

  it("compares with the previous passing bar of the same symbol, skipping rejects and other symbols", () => {
    const candidates = numbered([
      bar(1, 100),
      { ...bar(2, 500), symbol: "MSFT" },
      { ...bar(3, 900), volume: -1 },
      bar(4, 101),
    ]);
    const { verdicts } = validateObject(candidates);
    expect(verdicts.map(rulesOf)).toEqual([[], [], ["volume.valid"], []]);
  });

  it("uses the interval's own threshold for intraday bars", () => {
    const minute = (m: number, close: number) =>
      candidate({ interval: "1m", tsMs: Date.UTC(2024, 0, 5, 15, m), open: close, high: close, low: close, close });
    const { verdicts } = validateObject(numbered([minute(0, 100), minute(1, 112), minute(2, 140)]));
    // ln(1.12) ≈ 0.113 < 0.15; ln(140/112) ≈ 0.223 > 0.15
    expect(verdicts.map(rulesOf)).toEqual([[], [], ["return.outlier"]]);
  });
});

describe("volume.zero_equity", () => {
  it("warns on an equity daily bar with zero volume", () => {
    expect(
      rulesOf(createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG).evaluate(candidate({ volume: 0 }))),
    ).toEqual(["volume.zero_equity"]);
  });

  it("does not warn on a crypto or intraday bar with zero volume", () => {
    const crypto = createQualityRun(CRYPTO_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    expect(rulesOf(crypto.evaluate(candidate({ volume: 0 })))).toEqual([]);
    const intraday = createQualityRun({ ...EQUITY_DAILY, interval: "5m" }, CONTEXT, DEFAULT_QUALITY_CONFIG);
    expect(
      rulesOf(intraday.evaluate(candidate({ volume: 0, interval: "5m", tsMs: Date.UTC(2024, 0, 5, 15) }))),
    ).toEqual([]);
  });
});

describe("bar.stale", () => {
  it("warns when OHLCV repeat the previous bar", () => {
    const { verdicts } = validateObject(numbered([onDay(1), onDay(2), onDay(3, { volume: 999 })]));
    expect(verdicts.map(rulesOf)).toEqual([[], ["bar.stale"], []]);
    expect(verdicts[1]?.kind === "pass" && verdicts[1].warnings[0]?.reason).toBe(
      "open 100, high 101, low 99, close 100.5, volume 1000000 repeat the previous bar",
    );
  });

  it("does not treat the first bar of a symbol as stale", () => {
    const { verdicts } = validateObject(numbered([onDay(1), onDay(1, { symbol: "MSFT" })]));
    expect(verdicts.map(rulesOf)).toEqual([[], []]);
  });
});

describe("calendar.weekend_equity", () => {
  it("warns on an equity daily bar dated on a Saturday", () => {
    const saturday = onDay(5); // 2024-01-06
    const verdict = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG).evaluate(saturday);
    expect(verdict.kind === "pass" && verdict.warnings).toEqual([
      { rule: "calendar.weekend_equity", reason: "equity daily bar dated 2024-01-06, a Saturday" },
    ]);
  });

  it("warns on a Sunday and not on a Friday or Monday", () => {
    const run = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    const rules = [4, 6, 7].map((day) => rulesOf(run.evaluate(onDay(day, { close: 100 + day / 100 }))));
    expect(rules).toEqual([[], ["calendar.weekend_equity"], []]);
  });

  it("does not warn on a crypto bar dated on a weekend", () => {
    const run = createQualityRun(CRYPTO_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    expect(rulesOf(run.evaluate(onDay(5, { symbol: "BTC-USD" })))).toEqual([]);
    expect(rulesOf(run.evaluate(onDay(6, { symbol: "BTC-USD", close: 100.6 })))).toEqual([]);
  });

  it("judges the weekend by the trade date, not the UTC instant", () => {
    // The ts says Friday 2024-01-05 00:00Z; the exchange-local trade date says Saturday: the trade date decides.
    const run = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    expect(rulesOf(run.evaluate(onDay(4, { tradeDate: "2024-01-06" })))).toEqual(["calendar.weekend_equity"]);
  });
});

describe("warnings together", () => {
  it("counts a record with several warnings once in warned", () => {
    const saturday = onDay(5, { open: 300, high: 301, low: 299, close: 300, volume: 0 });
    const { verdicts, outcome } = validateObject(numbered([onDay(4), saturday]));
    expect(verdicts.map(rulesOf)[1]).toEqual(["return.outlier", "volume.zero_equity", "calendar.weekend_equity"]);
    expect(outcome.statistics.warned).toBe(1);
  });
});

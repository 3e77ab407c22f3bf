import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { BarSchema } from "../bar.js";
import type { CandidateBar } from "../parse/types.js";
import { createQualityRun } from "./run.js";
import { DEFAULT_QUALITY_CONFIG } from "./suite.js";
import { CONTEXT, candidate, EQUITY_DAILY, rulesOf } from "./testing.js";
import type { RecordVerdict, Violation } from "./types.js";

function judge(overrides: Partial<CandidateBar>, meta = EQUITY_DAILY): RecordVerdict {
  return createQualityRun(meta, CONTEXT, DEFAULT_QUALITY_CONFIG).evaluate(candidate(overrides));
}

function violations(overrides: Partial<CandidateBar>, meta = EQUITY_DAILY): readonly Violation[] {
  const verdict = judge(overrides, meta);
  if (verdict.kind !== "reject") throw new Error(`expected a reject, got ${verdict.kind}`);
  return verdict.violations;
}

function reasonOf(overrides: Partial<CandidateBar>, rule: string): string | undefined {
  return violations(overrides).find((violation) => violation.rule === rule)?.reason;
}

describe("a clean record", () => {
  it("passes as a canonical bar with lineage from the object", () => {
    const verdict = judge({});
    expect(verdict).toEqual({
      kind: "pass",
      warnings: [],
      bar: {
        symbol: "AAPL",
        interval: "1d",
        ts: "2024-01-05T00:00:00Z",
        trade_date: "2024-01-05",
        open: 100,
        high: 101,
        low: 99,
        close: 100.5,
        adj_close: null,
        volume: 1_000_000,
        currency: "USD",
        asset_class: "equity",
        source: "csv",
        source_key: "raw/csv/AAPL.csv",
        source_etag: "0123abcd",
        ingested_at: "2024-06-03T11:59:00Z",
      },
    });
    if (verdict.kind === "pass") expect(v.is(BarSchema, verdict.bar)).toBe(true);
  });

  it("keeps an intraday bar's instant and the record's own interval", () => {
    const tsMs = Date.UTC(2024, 0, 5, 14, 35);
    const verdict = judge({ interval: "5m", tsMs, adjClose: 100.4, volume: -0 });
    expect(verdict.kind).toBe("pass");
    if (verdict.kind !== "pass") return;
    expect(verdict.bar).toMatchObject({ interval: "5m", ts: "2024-01-05T14:35:00Z", adj_close: 100.4, volume: 0 });
    expect(Object.is(verdict.bar.volume, -0)).toBe(false);
  });
});

describe("symbol.format", () => {
  it.each(["BRK.B", "BTC-USD", "^GSPC", "EUR/USD", "ES=F", "X:BTCUSD", "A", "ABCDEFGHIJKLMNOPQRSTUVWX"])(
    "accepts %s",
    (symbol) => expect(judge({ symbol }).kind).toBe("pass"),
  );

  it.each([
    "AAPL'; DROP TABLE x;--",
    "<script>alert(1)</script>",
    "aapl",
    "AAPL US",
    "ABCDEFGHIJKLMNOPQRSTUVWXY",
    "AAPL|1d",
  ])("rejects the symbol %s", (symbol) => {
    expect(rulesOf(judge({ symbol }))).toEqual(["symbol.format"]);
    expect(reasonOf({ symbol }, "symbol.format")).toContain(JSON.stringify(symbol));
  });

  it("rejects a record without a symbol", () => {
    expect(reasonOf({ symbol: "" }, "symbol.format")).toBe("symbol is missing");
  });

  it("shortens a long hostile symbol in the reason", () => {
    const reason = reasonOf({ symbol: "X".repeat(5000) }, "symbol.format") ?? "";
    expect(reason.length).toBeLessThan(150);
  });
});

describe("interval.known", () => {
  it("rejects a record whose interval the pipeline does not support", () => {
    expect(rulesOf(judge({ interval: null }))).toEqual(["interval.known"]);
  });
});

describe("ts rules", () => {
  it("rejects a timestamp that does not parse, with the parser's reason", () => {
    const found = violations({ tsMs: Number.NaN, tsError: '"2024-13-45" is not a date', tradeDate: "" });
    expect(found).toEqual([{ rule: "ts.parseable", reason: 'ts does not parse: "2024-13-45" is not a date' }]);
  });

  it("rejects an infinite timestamp as unparseable", () => {
    expect(rulesOf(judge({ tsMs: Number.POSITIVE_INFINITY }))).toEqual(["ts.parseable"]);
  });

  it("rejects a trade date that is not a date", () => {
    expect(reasonOf({ tradeDate: "05/01/2024" }, "ts.parseable")).toBe(
      'trade_date "05/01/2024" is not a YYYY-MM-DD date',
    );
  });

  it("rejects a bar that starts in the future", () => {
    const tsMs = Date.UTC(2031, 0, 1);
    expect(violations({ tsMs, tradeDate: "2031-01-01" })).toEqual([
      { rule: "ts.not_future", reason: "ts 2031-01-01T00:00:00Z is in the future" },
    ]);
  });

  it("allows a bar up to one interval after now, not beyond", () => {
    const now = CONTEXT.now; // 2024-06-03T12:00Z
    const today = Date.UTC(2024, 5, 3);
    expect(judge({ tsMs: today + 86_400_000, tradeDate: "2024-06-04" }).kind).toBe("pass");
    expect(rulesOf(judge({ tsMs: today + 2 * 86_400_000, tradeDate: "2024-06-05" }))).toEqual(["ts.not_future"]);
    expect(judge({ interval: "1m", tsMs: now + 60_000 }).kind).toBe("pass");
    expect(rulesOf(judge({ interval: "1m", tsMs: now + 120_000 }))).toEqual(["ts.not_future"]);
  });

  it("rejects a timestamp beyond what a Date can hold without throwing", () => {
    expect(reasonOf({ tsMs: 9e15 }, "ts.not_future")).toBe("ts 9000000000000000 is in the future");
  });

  it("rejects a bar from before 1970", () => {
    expect(violations({ tsMs: Date.UTC(1969, 11, 31), tradeDate: "1969-12-31" })).toEqual([
      { rule: "ts.plausible", reason: "ts 1969-12-31T00:00:00Z is before 1970-01-01" },
    ]);
  });

  it("accepts the first day of 1970", () => {
    expect(judge({ tsMs: 0, tradeDate: "1970-01-01" }).kind).toBe("pass");
  });

  it("rejects a daily bar that is not at midnight UTC", () => {
    expect(reasonOf({ tsMs: Date.UTC(2024, 0, 5, 5) }, "ts.aligned")).toBe(
      "ts 2024-01-05T05:00:00Z is not midnight UTC (daily bars start at 00:00:00Z of their date)",
    );
  });

  it.each([
    ["1m", Date.UTC(2024, 0, 5, 14, 30, 30)],
    ["5m", Date.UTC(2024, 0, 5, 14, 32)],
    ["15m", Date.UTC(2024, 0, 5, 14, 35)],
    ["30m", Date.UTC(2024, 0, 5, 14, 45)],
    ["1h", Date.UTC(2024, 0, 5, 14, 30)],
  ] as const)("rejects a %s bar off its boundary", (interval, tsMs) => {
    expect(rulesOf(judge({ interval, tsMs }))).toEqual(["ts.aligned"]);
    expect(reasonOf({ interval, tsMs }, "ts.aligned")).toContain(`is not on a ${interval} boundary`);
  });

  it("rejects a timestamp with stray milliseconds", () => {
    expect(rulesOf(judge({ interval: "1m", tsMs: Date.UTC(2024, 0, 5, 14, 30) + 1 }))).toEqual(["ts.aligned"]);
  });

  it.each([
    ["1m", Date.UTC(2024, 0, 5, 14, 31)],
    ["5m", Date.UTC(2024, 0, 5, 14, 35)],
    ["15m", Date.UTC(2024, 0, 5, 14, 45)],
    ["30m", Date.UTC(2024, 0, 5, 14, 30)],
    ["1h", Date.UTC(2024, 0, 5, 14)],
  ] as const)("accepts a %s bar on its boundary", (interval, tsMs) => {
    expect(judge({ interval, tsMs }).kind).toBe("pass");
  });
});

describe("price.present", () => {
  it.each([
    ["close", Number.NaN, "close is empty or not a number"],
    ["open", Number.POSITIVE_INFINITY, "open is Infinity, not finite"],
    ["low", Number.NEGATIVE_INFINITY, "low is -Infinity, not finite"],
  ] as const)("rejects a bar whose %s is %s", (field, value, reason) => {
    expect(violations({ [field]: value })).toEqual([{ rule: "price.present", reason }]);
  });

  it("names every missing price once and shows the input as the example", () => {
    const run = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    const verdict = run.evaluate(candidate({ open: Number.NaN, close: Number.NaN, input: "2024-01-05,,101,99,,100" }));
    expect(verdict).toEqual({
      kind: "reject",
      violations: [{ rule: "price.present", reason: "open is empty or not a number; close is empty or not a number" }],
    });
    const result = run.finish().results.find((r) => r.rule === "price.present");
    expect(result?.examples).toEqual([{ row: 1, value: "2024-01-05,,101,99,,100" }]);
  });

  it("does not add bound violations on top of a missing price", () => {
    expect(rulesOf(judge({ high: Number.NaN, low: 120 }))).toEqual(["price.present"]);
  });
});

describe("price.positive", () => {
  it("rejects a bar with a negative price", () => {
    expect(violations({ low: -1 })).toEqual([{ rule: "price.positive", reason: "low -1 is not greater than 0" }]);
  });

  it("rejects a bar with zero prices, naming each", () => {
    expect(violations({ open: 0, low: 0, close: 0 })).toEqual([
      { rule: "price.positive", reason: "open 0, low 0, close 0 are not greater than 0" },
    ]);
  });

  it("reports missing and non-positive prices together", () => {
    expect(rulesOf(judge({ open: Number.NaN, low: -5 }))).toEqual(["price.present", "price.positive"]);
  });
});

describe("ohlc bounds", () => {
  it("rejects a bar whose high is below its low", () => {
    const found = violations({ open: 10, high: 9.5, low: 10.1, close: 10.2 });
    expect(found).toContainEqual({ rule: "ohlc.high_bounds", reason: "high 9.5 is below low 10.1" });
  });

  it("rejects a bar whose high is below its close", () => {
    expect(violations({ high: 100.2, close: 100.5 })).toEqual([
      { rule: "ohlc.high_bounds", reason: "high 100.2 is below close 100.5" },
    ]);
  });

  it("rejects a bar whose high is below its open", () => {
    expect(reasonOf({ open: 102 }, "ohlc.high_bounds")).toBe("high 101 is below open 102");
  });

  it("rejects a bar whose low is above its open", () => {
    expect(violations({ open: 98.5 })).toEqual([{ rule: "ohlc.low_bounds", reason: "low 99 is above open 98.5" }]);
  });

  it("rejects a bar whose low is above its close", () => {
    expect(reasonOf({ close: 98 }, "ohlc.low_bounds")).toBe("low 99 is above close 98");
  });

  it("accepts a flat bar where all four prices are equal", () => {
    expect(judge({ open: 5, high: 5, low: 5, close: 5 }).kind).toBe("pass");
  });
});

describe("volume.valid", () => {
  it.each([
    [-5, "volume -5 is negative"],
    [1.5, "volume 1.5 is not a whole number"],
    [Number.NaN, "volume is empty or not a number"],
    [Number.POSITIVE_INFINITY, "volume is Infinity, not finite"],
    [2 ** 60, `volume ${2 ** 60} is too large to be stored exactly`],
  ])("rejects the volume %s", (volume, reason) => {
    expect(violations({ volume })).toEqual([{ rule: "volume.valid", reason }]);
  });

  it("accepts a zero volume", () => {
    expect(judge({ volume: 0 }).kind).toBe("pass");
  });
});

describe("adj_close.positive", () => {
  it.each([
    [0, "adj_close 0 is not greater than 0"],
    [-3, "adj_close -3 is not greater than 0"],
    [Number.NaN, "adj_close is empty or not a number"],
    [Number.POSITIVE_INFINITY, "adj_close is Infinity, not finite"],
  ])("rejects the adjusted close %s", (adjClose, reason) => {
    expect(violations({ adjClose })).toEqual([{ rule: "adj_close.positive", reason }]);
  });

  it("accepts a missing adjusted close as null", () => {
    const verdict = judge({ adjClose: null });
    expect(verdict.kind === "pass" && verdict.bar.adj_close).toBeNull();
  });
});

describe("several problems at once", () => {
  it("collects every error of the record, in rule order", () => {
    const found = violations({
      symbol: "<script>",
      tsMs: Date.UTC(2024, 0, 5, 3),
      open: Number.NaN,
      volume: -1,
      adjClose: 0,
    });
    expect(found.map((violation) => violation.rule)).toEqual([
      "symbol.format",
      "ts.aligned",
      "price.present",
      "volume.valid",
      "adj_close.positive",
    ]);
  });

  it("judges an unknown interval's timestamp for the future but not for alignment", () => {
    expect(rulesOf(judge({ interval: null, tsMs: Date.UTC(2031, 0, 1, 3, 7), tradeDate: "2031-01-01" }))).toEqual([
      "interval.known",
      "ts.not_future",
    ]);
  });
});

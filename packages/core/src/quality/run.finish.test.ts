import { describe, expect, it } from "vitest";
import { createQualityRun } from "./run.js";
import { DEFAULT_QUALITY_CONFIG, QUALITY_SUITE } from "./suite.js";
import { MAX_EXAMPLES } from "./tally.js";
import { CONTEXT, cleanDays, EQUITY_DAILY, numbered, onDay, validateObject } from "./testing.js";

/** `total` clean records of which the first `bad` have a negative volume. */
function withRejects(total: number, bad: number) {
  return cleanDays(total).map((c, index) => (index < bad ? { ...c, volume: -1 } : c));
}

describe("file.row_count", () => {
  it("rejects an object with no records (a header-only CSV)", () => {
    const outcome = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG).finish();
    expect(outcome.success).toBe(false);
    expect(outcome.fileReject).toEqual({ ok: false, rule: "file.row_count", reason: "the object holds no records" });
    expect(outcome.statistics).toEqual({
      evaluated: 0,
      passed: 0,
      rejected: 0,
      warned: 0,
      deduplicated: 0,
      rejection_rate: 0,
    });
    expect(outcome.results.find((r) => r.rule === "file.row_count")).toMatchObject({
      success: false,
      unexpected_count: 1,
      unexpected_percent: 100,
      examples: [{ row: 0, value: 0 }],
    });
  });

  it("rejects an object with more records than the maximum, and accepts one at the maximum", () => {
    const config = { ...DEFAULT_QUALITY_CONFIG, maxRows: 3 };
    expect(validateObject(cleanDays(3), EQUITY_DAILY, config).outcome.success).toBe(true);
    const { outcome } = validateObject(cleanDays(4), EQUITY_DAILY, config);
    expect(outcome.fileReject).toEqual({
      ok: false,
      rule: "file.row_count",
      reason: "the object holds 4 records, more than the maximum of 3",
    });
  });
});

describe("file.rejection_rate", () => {
  it("passes an object with a rejection rate just under 5 %", () => {
    const { outcome } = validateObject(withRejects(100, 4));
    expect(outcome.success).toBe(true);
    expect(outcome.statistics.rejection_rate).toBe(0.04);
  });

  it("passes an object at exactly 5 %: the limit is inclusive", () => {
    expect(validateObject(withRejects(100, 5)).outcome.success).toBe(true);
  });

  it("rejects an object just over 5 %, giving the rate, the threshold and the top reasons", () => {
    const candidates = withRejects(100, 6);
    candidates[10] = { ...(candidates[10] ?? onDay(0)), close: Number.NaN };
    const { outcome } = validateObject(candidates);
    expect(outcome.success).toBe(false);
    expect(outcome.fileReject).toEqual({
      ok: false,
      rule: "file.rejection_rate",
      reason:
        "7% of records were rejected (7 of 100), above the 5% threshold; top reasons: volume.valid (6), price.present (1)",
    });
    expect(outcome.results.find((r) => r.rule === "file.rejection_rate")).toMatchObject({
      success: false,
      examples: [{ row: 0, value: 0.07 }],
    });
  });

  it("honours a configured threshold", () => {
    const config = { ...DEFAULT_QUALITY_CONFIG, maxRejectionRate: 0.01 };
    expect(validateObject(withRejects(100, 2), EQUITY_DAILY, config).outcome.fileReject?.rule).toBe(
      "file.rejection_rate",
    );
  });
});

describe("statistics and results", () => {
  it("adds up on a mixed object: evaluated = passed + rejected, curated = passed − deduplicated", () => {
    const days = cleanDays(40);
    const candidates = numbered([
      ...days,
      { ...(days[3] ?? onDay(0)) }, // exact duplicate
      { ...(days[4] ?? onDay(0)) }, // exact duplicate
      { ...(days[5] ?? onDay(0)), close: 99.99 }, // conflict: rejects this and days[5]
      onDay(60, { high: 1 }), // high below open, close, low
      onDay(61, { symbol: "<script>" }),
      onDay(62, { volume: 0 }), // warned, kept
    ]);
    const { verdicts, outcome } = validateObject(candidates, EQUITY_DAILY, {
      ...DEFAULT_QUALITY_CONFIG,
      maxRejectionRate: 0.2,
    });
    const kinds = (kind: string) => verdicts.filter((verdict) => verdict.kind === kind).length;
    const { statistics } = outcome;
    expect(statistics.evaluated).toBe(candidates.length);
    expect(statistics.evaluated).toBe(statistics.passed + statistics.rejected);
    expect(statistics.passed - statistics.deduplicated).toBe(kinds("pass"));
    expect(statistics.deduplicated).toBe(kinds("duplicate"));
    expect(statistics.rejected).toBe(kinds("reject"));
    expect(statistics).toMatchObject({ evaluated: 46, passed: 42, rejected: 4, deduplicated: 2, warned: 3 });
    expect(outcome.success).toBe(true);
  });

  it("reports one result per suite rule, in suite order, with percentages of evaluated", () => {
    const { outcome } = validateObject(withRejects(50, 2));
    expect(outcome.results.map((r) => r.rule)).toEqual(QUALITY_SUITE.rules.map((rule) => rule.id));
    expect(outcome.results.find((r) => r.rule === "volume.valid")).toMatchObject({
      severity: "error",
      success: false,
      unexpected_count: 2,
      unexpected_percent: 4,
      examples: [
        { row: 1, value: -1 },
        { row: 2, value: -1 },
      ],
    });
    expect(outcome.results.filter((r) => !r.success).map((r) => r.rule)).toEqual(["volume.valid"]);
  });

  it(`keeps at most ${MAX_EXAMPLES} examples per rule while counting all`, () => {
    const { outcome } = validateObject(withRejects(100, 30), EQUITY_DAILY, {
      ...DEFAULT_QUALITY_CONFIG,
      maxRejectionRate: 1,
    });
    const result = outcome.results.find((r) => r.rule === "volume.valid");
    expect(result?.unexpected_count).toBe(30);
    expect(result?.examples).toHaveLength(20);
    expect(result?.examples.at(-1)).toEqual({ row: 20, value: -1 });
  });

  it("shortens a huge input in examples", () => {
    const run = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    run.evaluate(onDay(1, { close: Number.NaN, input: "x".repeat(10_000) }));
    const example = run.finish().results.find((r) => r.rule === "price.present")?.examples[0];
    expect(String(example?.value).length).toBeLessThanOrEqual(501);
  });

  it("stops remembering keys past the row limit, and still rejects the object", () => {
    const config = { ...DEFAULT_QUALITY_CONFIG, maxRows: 2 };
    const days = cleanDays(2);
    const { verdicts, outcome } = validateObject(numbered([...days, ...days]), EQUITY_DAILY, config);
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(["pass", "pass", "pass", "pass"]);
    expect(outcome.fileReject?.rule).toBe("file.row_count");
  });
});

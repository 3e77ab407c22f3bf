import { describe, expect, it } from "vitest";
import { createQualityRun } from "./run.js";
import { DEFAULT_QUALITY_CONFIG } from "./suite.js";
import { CONTEXT, cleanDays, EQUITY_DAILY, numbered, onDay, rulesOf, validateObject } from "./testing.js";

const KEY = "AAPL|1d|2024-01-03T00:00:00Z";

describe("key.unique_exact", () => {
  it("keeps an exact duplicate once: counted as passed, written once", () => {
    const [a, b, c] = cleanDays(3);
    if (a === undefined || b === undefined || c === undefined) throw new Error("fixture");
    const { verdicts, outcome, runs } = validateObject(numbered([a, b, { ...b }, c]));
    expect(runs).toBe(1);
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(["pass", "pass", "duplicate", "pass"]);
    expect(verdicts[2]).toEqual({
      kind: "duplicate",
      warnings: [
        {
          rule: "key.unique_exact",
          reason: "exact duplicate of an earlier record for AAPL 1d 2024-01-02T00:00:00Z: kept once",
        },
      ],
    });
    expect(outcome.statistics).toMatchObject({ evaluated: 4, passed: 4, rejected: 0, deduplicated: 1, warned: 1 });
    expect(outcome.success).toBe(true);
  });

  it("tells duplicates apart per interval: the same ts in 1d and 1h is two keys", () => {
    const run = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    expect(run.evaluate(onDay(2)).kind).toBe("pass");
    expect(run.evaluate(onDay(2, { interval: "1h" })).kind).toBe("pass");
    expect(run.evaluate(onDay(2, { symbol: "MSFT" })).kind).toBe("pass");
  });

  it("does not count a rejected record as the first of its key", () => {
    const { verdicts } = validateObject(numbered([onDay(2, { volume: -1 }), onDay(2), onDay(2)]));
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(["reject", "pass", "duplicate"]);
    expect(verdicts.map(rulesOf)[0]).toEqual(["volume.valid"]);
  });
});

describe("key.unique_conflict", () => {
  it("rejects both records of a key seen with different values, after the second run", () => {
    const candidates = numbered([onDay(1), onDay(2), onDay(3), onDay(2, { close: 100.7, high: 101 })]);
    const first = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    const firstVerdicts = candidates.map((c) => first.evaluate(c));
    // The first run cannot take back what it passed: it names the key for the caller to redo the object.
    expect(firstVerdicts.map((verdict) => verdict.kind)).toEqual(["pass", "pass", "pass", "reject"]);
    expect([...first.conflictingKeys()]).toEqual([KEY]);

    const { verdicts, outcome, runs } = validateObject(candidates);
    expect(runs).toBe(2);
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(["pass", "reject", "pass", "reject"]);
    const reason = "2 records share AAPL 1d 2024-01-03T00:00:00Z with different values";
    expect(verdicts[1]).toEqual({ kind: "reject", violations: [{ rule: "key.unique_conflict", reason }] });
    expect(verdicts[3]).toEqual(verdicts[1]);
    expect(outcome.statistics).toMatchObject({ evaluated: 4, passed: 2, rejected: 2, deduplicated: 0 });
    const result = outcome.results.find((r) => r.rule === "key.unique_conflict");
    expect(result).toMatchObject({ success: false, unexpected_count: 2, unexpected_percent: 50 });
    expect(result?.examples).toEqual([
      { row: 2, value: KEY },
      { row: 4, value: KEY },
    ]);
  });

  it("counts exact twins of a conflicting key among the records that share it", () => {
    const candidates = numbered([onDay(2), onDay(2), onDay(2, { volume: 5 }), onDay(2)]);
    const { verdicts, outcome } = validateObject(candidates);
    expect(verdicts.every((verdict) => verdict.kind === "reject")).toBe(true);
    expect(verdicts[0]).toEqual({
      kind: "reject",
      violations: [
        { rule: "key.unique_conflict", reason: `4 records share AAPL 1d 2024-01-03T00:00:00Z with different values` },
      ],
    });
    expect(outcome.statistics).toMatchObject({ evaluated: 4, passed: 0, rejected: 4, deduplicated: 0, warned: 0 });
  });

  it("leaves a conflicting record's other errors as they are in the second run", () => {
    const candidates = numbered([onDay(2), onDay(2, { close: 100.9 }), onDay(2, { close: Number.NaN })]);
    const { verdicts } = validateObject(candidates);
    expect(verdicts.map(rulesOf)).toEqual([["key.unique_conflict"], ["key.unique_conflict"], ["price.present"]]);
  });

  it("finds no new conflicts in the second run", () => {
    const candidates = numbered([onDay(2), onDay(2, { close: 100.9 })]);
    const first = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    for (const c of candidates) first.evaluate(c);
    const second = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG, {
      excludeKeys: first.conflictingKeys(),
    });
    for (const c of candidates) second.evaluate(c);
    expect(second.conflictingKeys().size).toBe(0);
  });

  it("keeps the statistics of both runs consistent: same evaluated, conflicts only move passed to rejected", () => {
    const candidates = numbered([...cleanDays(10), onDay(2, { close: 99.5 })]);
    const first = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG);
    for (const c of candidates) first.evaluate(c);
    const one = first.finish().statistics;
    const { outcome } = validateObject(candidates);
    const two = outcome.statistics;
    expect(two.evaluated).toBe(one.evaluated);
    expect(one).toMatchObject({ passed: 10, rejected: 1 });
    expect(two).toMatchObject({ passed: 9, rejected: 2 });
    expect(two.passed + two.rejected).toBe(two.evaluated);
  });

  it("accepts keys from elsewhere, saying only that several records share them", () => {
    const run = createQualityRun(EQUITY_DAILY, CONTEXT, DEFAULT_QUALITY_CONFIG, {
      excludeKeys: new Set([KEY, "garbage", "AAPL|2d|2024-01-03T00:00:00Z", "AAPL|1d|not-a-date"]),
    });
    expect(run.evaluate(onDay(2))).toEqual({
      kind: "reject",
      violations: [
        {
          rule: "key.unique_conflict",
          reason: "several records share AAPL 1d 2024-01-03T00:00:00Z with different values",
        },
      ],
    });
    expect(run.evaluate(onDay(3)).kind).toBe("pass");
  });

  it("remembers keys across sort orders: descending and shuffled files find their duplicates", () => {
    const days = cleanDays(50);
    const shuffled = [...days].sort((a, b) => ((a.row * 7919) % 50) - ((b.row * 7919) % 50));
    for (const order of [[...days].reverse(), shuffled]) {
      const { outcome } = validateObject(numbered([...order, ...order]));
      expect(outcome.statistics).toMatchObject({ evaluated: 100, passed: 100, deduplicated: 50 });
    }
  });
});

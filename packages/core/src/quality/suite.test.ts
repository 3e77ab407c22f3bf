import { describe, expect, it } from "vitest";
import { INTERVALS } from "../bar.js";
import { DEFAULT_QUALITY_CONFIG, QUALITY_SUITE, RULE_IDS, ruleById, SUITE_ID } from "./suite.js";

describe("QUALITY_SUITE", () => {
  it("is named and versioned", () => {
    expect(SUITE_ID).toBe("market-bars@1.0.0");
    expect(QUALITY_SUITE.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("lists each rule once, file rules first, each with a reason", () => {
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    expect(RULE_IDS).toHaveLength(25);
    const levels = QUALITY_SUITE.rules.map((rule) => rule.level);
    expect(levels.lastIndexOf("file")).toBeLessThan(levels.indexOf("record"));
    for (const rule of QUALITY_SUITE.rules) {
      expect(rule.reason.length).toBeGreaterThan(10);
      expect(rule.id.startsWith("file.")).toBe(rule.level === "file");
    }
  });

  it("warns, never rejects, on the rules QUALITY_RULES.md marks warn", () => {
    const warn = QUALITY_SUITE.rules.filter((rule) => rule.severity === "warn").map((rule) => rule.id);
    expect(warn).toEqual([
      "key.unique_exact",
      "return.outlier",
      "volume.zero_equity",
      "bar.stale",
      "calendar.weekend_equity",
    ]);
  });

  it("looks rules up by id", () => {
    expect(ruleById("ohlc.high_bounds")).toMatchObject({ level: "record", severity: "error" });
    expect(ruleById("file.rejection_rate").level).toBe("file");
  });
});

describe("DEFAULT_QUALITY_CONFIG", () => {
  it("rejects objects above 5 % rejected records and flags daily moves above 0.5", () => {
    expect(DEFAULT_QUALITY_CONFIG.maxRejectionRate).toBe(0.05);
    expect(DEFAULT_QUALITY_CONFIG.outlierThreshold["1d"]).toBe(0.5);
    expect(DEFAULT_QUALITY_CONFIG.maxRows).toBeGreaterThanOrEqual(1_000_000);
  });

  it("has a smaller, never larger, threshold for shorter intervals", () => {
    const thresholds = INTERVALS.map((interval) => DEFAULT_QUALITY_CONFIG.outlierThreshold[interval]);
    for (let i = 1; i < thresholds.length; i++) {
      expect(thresholds[i]).toBeLessThanOrEqual(thresholds[i - 1] ?? 0);
      expect(thresholds[i]).toBeGreaterThan(0);
    }
  });
});

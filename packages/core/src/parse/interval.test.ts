import { describe, expect, it } from "vitest";
import { describeSpacing, intervalOfSpacing, normalizeInterval } from "./interval.js";

describe("intervals", () => {
  it("reads the spellings files and keys use", () => {
    expect(normalizeInterval("60min")).toBe("1h");
    expect(normalizeInterval("1H")).toBe("1h");
    expect(normalizeInterval(" Daily ")).toBe("1d");
    expect(normalizeInterval("5min")).toBe("5m");
    expect(normalizeInterval("1m")).toBe("1m");
  });

  it("does not take 1M (a month) or unknown text for an interval", () => {
    for (const text of ["1M", "4h", "", "weekly", "constructor"]) expect(normalizeInterval(text)).toBeNull();
  });

  it("maps exact bar lengths to intervals and describes others", () => {
    expect(intervalOfSpacing(300_000)).toBe("5m");
    expect(intervalOfSpacing(86_400_000)).toBe("1d");
    expect(intervalOfSpacing(14_400_000)).toBeNull();
    expect(describeSpacing(14_400_000)).toBe("4 hours");
    expect(describeSpacing(60_000)).toBe("1 minute");
    expect(describeSpacing(1500)).toBe("1500 ms");
  });
});

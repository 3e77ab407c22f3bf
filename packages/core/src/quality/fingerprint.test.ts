import { describe, expect, it } from "vitest";
import { barFingerprint } from "./fingerprint.js";

describe("barFingerprint", () => {
  const base = [100, 101, 99, 100.5, null, 1000] as const;

  it("is the same for the same values and an int32", () => {
    expect(barFingerprint(...base)).toBe(barFingerprint(...base));
    expect(barFingerprint(...base) | 0).toBe(barFingerprint(...base));
  });

  it("changes with any value, including a tiny price difference and adj_close presence", () => {
    const seen = new Set([
      barFingerprint(...base),
      barFingerprint(100.0000001, 101, 99, 100.5, null, 1000),
      barFingerprint(100, 101, 99, 100.5, 100.5, 1000),
      barFingerprint(100, 101, 99, 100.5, null, 1001),
      barFingerprint(101, 100, 99, 100.5, null, 1000),
      barFingerprint(100, 101, 100.5, 99, null, 1000),
    ]);
    expect(seen.size).toBe(6);
  });

  it("treats a volume of -0 as 0", () => {
    expect(barFingerprint(100, 101, 99, 100.5, null, -0)).toBe(barFingerprint(100, 101, 99, 100.5, null, 0));
  });
});

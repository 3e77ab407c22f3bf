import { describe, expect, it } from "vitest";
import { fullJitterDelay } from "./backoff.js";
import { CallLog, nextUtcMidnight } from "./budget.js";

const T0 = Date.parse("2024-07-01T23:58:00Z");

describe("CallLog", () => {
  it("allows perMinute calls in any 60 s window", () => {
    const log = new CallLog({ perMinute: 2 });
    log.record(T0);
    expect(log.nextAllowed(T0 + 1)).toBe(T0 + 1);
    log.record(T0 + 10_000);
    expect(log.nextAllowed(T0 + 20_000)).toBe(T0 + 60_000);
    log.record(T0 + 60_000);
    expect(log.nextAllowed(T0 + 60_000)).toBe(T0 + 70_000);
  });

  it("resets the daily budget at UTC midnight, counting calls spent by an earlier run", () => {
    const log = new CallLog({ perDay: 3 }, { day: "2024-07-01", count: 2 });
    expect(log.nextAllowed(T0)).toBe(T0);
    log.record(T0);
    expect(log.nextAllowed(T0)).toBe(Date.parse("2024-07-02T00:00:00Z"));
    expect(log.spent(T0)).toEqual({ day: "2024-07-01", count: 3 });
    log.record(Date.parse("2024-07-02T00:00:00Z"));
    expect(log.spent(Date.parse("2024-07-02T01:00:00Z"))).toEqual({ day: "2024-07-02", count: 1 });
  });

  it("holds every call during a pause", () => {
    const log = new CallLog({});
    log.pauseUntil(T0 + 5_000);
    log.pauseUntil(T0 + 1_000); // a shorter pause never shortens a longer one
    expect(log.nextAllowed(T0)).toBe(T0 + 5_000);
    expect(nextUtcMidnight(T0)).toBe(Date.parse("2024-07-02T00:00:00Z"));
  });
});

describe("fullJitterDelay", () => {
  it("draws from [0, min(cap, base·2^(n−1)))", () => {
    const policy = { baseMs: 1_000, capMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => fullJitterDelay(n, policy, () => 0.999))).toEqual([999, 1998, 3996, 7992, 9990]);
    expect(fullJitterDelay(3, policy, () => 0)).toBe(0);
  });
});

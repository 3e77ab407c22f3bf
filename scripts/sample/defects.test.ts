import { isoDate } from "@market-data/core/calendar";
import { describe, expect, it } from "vitest";
import {
  applicableKinds,
  applyDefect,
  type Cells,
  DEFECT_KINDS,
  DEFECT_RULES,
  emitWithDefects,
  isDefectRow,
  planDefects,
  shiftsFor,
} from "./defects.ts";
import { rngFor } from "./prng.ts";
import { type ReadRecord, referenceViolations } from "./testing.ts";

const clean: Cells = {
  symbol: "AAPL",
  assetClass: "equity",
  currency: "USD",
  ts: Date.parse("2024-01-05T00:00:00Z"),
  tradeDate: "2024-01-05",
  open: 100,
  high: 102,
  low: 99,
  close: 101,
  adjClose: 100.5,
  volume: 1_000,
  dividend: 0,
};

const asRead = (c: Cells, row: number): ReadRecord => {
  const n = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : Number.NaN);
  return {
    row,
    symbol: c.symbol,
    ts: c.ts,
    open: n(c.open),
    high: n(c.high),
    low: n(c.low),
    close: n(c.close),
    volume: n(c.volume),
    hasVolume: true,
  };
};

describe("planDefects", () => {
  it("breaks round(rate × records) distinct records, never the last one of a symbol", () => {
    const segments = [250, 250, 3];
    const plan = planDefects(rngFor(1, "t"), segments, DEFECT_KINDS, 0.04);
    expect(plan.size).toBe(Math.round(0.04 * 503));
    for (const index of plan.keys()) expect([249, 499, 502]).not.toContain(index);
    expect(Math.max(...plan.keys())).toBeLessThan(503);
  });

  it("deals every requested kind once there are enough defects", () => {
    const plan = planDefects(rngFor(2, "t"), [1000], DEFECT_KINDS, 0.02);
    expect(new Set([...plan.values()].map((d) => d.kind))).toEqual(new Set(DEFECT_KINDS));
  });

  it("injects nothing at rate 0 or with no applicable kind", () => {
    expect(planDefects(rngFor(3, "t"), [100], DEFECT_KINDS, 0).size).toBe(0);
    expect(planDefects(rngFor(3, "t"), [100], [], 0.1).size).toBe(0);
  });

  it("offers symbol and duplicate defects only where the format can hold them", () => {
    const av = applicableKinds(DEFECT_KINDS, { symbolColumn: false, duplicates: false, volume: true });
    expect(av).not.toContain("bad-symbol");
    expect(av).not.toContain("duplicate-conflict");
    const coingecko = applicableKinds(DEFECT_KINDS, { symbolColumn: false, duplicates: true, volume: false });
    expect(coingecko).not.toContain("bad-volume");
    expect(coingecko).toContain("duplicate-exact");
  });
});

describe("emitWithDefects", () => {
  it("puts a conflicting copy right after its original and an exact copy after the next record", () => {
    const plan = new Map([
      [1, { kind: "duplicate-conflict" as const, variant: 0 }],
      [3, { kind: "duplicate-exact" as const, variant: 0 }],
    ]);
    const out = [...emitWithDefects(["a", "b", "c", "d", "e"], plan)];
    expect(out.map((e) => `${e.item}${e.copy ? "*" : ""}`)).toEqual(["a", "b", "b*", "c", "d", "e", "d*"]);
    expect(out.map((e) => e.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(out.filter(isDefectRow).map((e) => e.row)).toEqual([2, 3, 7]);
  });
});

describe("applyDefect", () => {
  const shifts = shiftsFor(clean.ts, clean.ts);
  it.each(DEFECT_KINDS.filter((k) => !k.startsWith("duplicate")))("makes %s break exactly its rule", (kind) => {
    for (let variant = 0; variant < 24; variant++) {
      const broken = applyDefect(clean, { kind, variant }, false, shifts, isoDate);
      const found = referenceViolations([asRead(broken, 1)], "1d", Date.parse("2026-01-01T00:00:00Z"));
      expect([...found]).toEqual([`1|${DEFECT_RULES[kind]}`]);
    }
  });

  it("makes a conflicting copy differ and an exact copy equal, each breaking only its key rule", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const conflict = applyDefect(clean, { kind: "duplicate-conflict", variant: 0 }, true, shifts, isoDate);
    expect(applyDefect(clean, { kind: "duplicate-conflict", variant: 0 }, false, shifts, isoDate)).toEqual(clean);
    expect([...referenceViolations([asRead(clean, 1), asRead(conflict, 2)], "1d", now)].sort()).toEqual([
      "1|key.unique_conflict",
      "2|key.unique_conflict",
    ]);
    const exact = applyDefect(clean, { kind: "duplicate-exact", variant: 0 }, true, shifts, isoDate);
    expect([...referenceViolations([asRead(clean, 1), asRead(exact, 2)], "1d", now)]).toEqual(["2|key.unique_exact"]);
  });

  it("moves timestamps by whole weeks, past 2100 or before 1970, keeping the weekday", () => {
    const future = applyDefect(clean, { kind: "future-ts", variant: 0 }, false, shifts, isoDate);
    const past = applyDefect(clean, { kind: "pre-1970-ts", variant: 0 }, false, shifts, isoDate);
    expect(new Date(future.ts).getUTCFullYear()).toBeGreaterThanOrEqual(2100);
    expect(past.ts).toBeLessThan(0);
    expect(new Date(future.ts).getUTCDay()).toBe(new Date(clean.ts).getUTCDay());
    expect(new Date(past.ts).getUTCDay()).toBe(new Date(clean.ts).getUTCDay());
    expect(past.tradeDate).toBe(isoDate(past.ts));
  });
});

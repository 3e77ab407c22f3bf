import { describe, expect, it } from "vitest";
import { blankCandidate } from "./common.js";
import { daysFromCivil, formatDate, newStamp, parseStamp, type Resolution, resolveStamp, STAMP } from "./time.js";
import { resolveZone, type Zone } from "./zone.js";

function stamp(text: string) {
  const out = newStamp();
  parseStamp(text, 0, text.length, out);
  return out;
}

function resolve(text: string, res: Partial<Resolution> = {}) {
  const rec = blankCandidate(1, text);
  resolveStamp(stamp(text), { zone: null, zoneError: "no zone", daily: false, ...res }, rec);
  return { tsMs: rec.tsMs, tradeDate: rec.tradeDate, tsError: rec.tsError };
}

const NEW_YORK = resolveZone("America/New_York") as Zone;

describe("parseStamp", () => {
  it("reads a date as a daily bar at 00:00:00Z", () => {
    expect(stamp("2024-01-05")).toMatchObject({ kind: STAMP.date, wall: Date.UTC(2024, 0, 5), date: "2024-01-05" });
    expect(stamp(" 2024/01/05 ")).toMatchObject({ kind: STAMP.date, date: "2024-01-05" });
  });

  it("reads naive date-times as exchange-local wall time", () => {
    expect(stamp("2024-01-05 14:30:15")).toMatchObject({
      kind: STAMP.local,
      wall: Date.UTC(2024, 0, 5, 14, 30, 15),
      date: "2024-01-05",
      midnight: false,
    });
    expect(stamp("2024-01-05T14:30")).toMatchObject({ kind: STAMP.local, wall: Date.UTC(2024, 0, 5, 14, 30) });
    expect(stamp("2024-01-05 00:00:00")).toMatchObject({ kind: STAMP.local, midnight: true });
  });

  it("reads Z, UTC and offsets as exact instants", () => {
    expect(stamp("2024-01-05T14:30:00Z")).toMatchObject({ kind: STAMP.instant, ms: Date.UTC(2024, 0, 5, 14, 30) });
    expect(stamp("2024-01-05T09:30:00-05:00").ms).toBe(Date.UTC(2024, 0, 5, 14, 30));
    expect(stamp("2024-01-05 20:00:00+0530").ms).toBe(Date.UTC(2024, 0, 5, 14, 30));
    expect(stamp("2024-01-05 14:30:00 UTC").ms).toBe(Date.UTC(2024, 0, 5, 14, 30));
    expect(stamp("2024-01-05T14:30:00.250Z").ms).toBe(Date.UTC(2024, 0, 5, 14, 30, 0, 250));
    expect(stamp("2024-01-05T09:30:00-05:00")).toMatchObject({ date: "2024-01-05" });
  });

  it("reads epoch seconds and milliseconds", () => {
    expect(stamp("1704465000")).toMatchObject({ kind: STAMP.instant, ms: 1704465000000, date: "2024-01-05" });
    expect(stamp("1704465000000").ms).toBe(1704465000000);
  });

  it("explains what it cannot read", () => {
    for (const text of [
      "",
      "05/01/2024",
      "2024-02-30",
      "2024-13-01",
      "20x4-01-05",
      "2024-01-05 25:00",
      "2024-01-05T14:30:00+bad",
      "20240105",
    ]) {
      const s = stamp(text);
      expect(s.kind, text).toBe(STAMP.error);
      expect(s.error).toContain("YYYY-MM-DD");
    }
  });

  it("knows leap years", () => {
    expect(stamp("2024-02-29").kind).toBe(STAMP.date);
    expect(stamp("2023-02-29").kind).toBe(STAMP.error);
    expect(stamp("2000-02-29").kind).toBe(STAMP.date);
    expect(stamp("1900-02-29").kind).toBe(STAMP.error);
  });
});

describe("resolveStamp", () => {
  it("converts local times with the zone and keeps the local trade date", () => {
    expect(resolve("2024-01-05 19:30:00", { zone: NEW_YORK })).toEqual({
      tsMs: Date.UTC(2024, 0, 6, 0, 30),
      tradeDate: "2024-01-05",
      tsError: undefined,
    });
  });

  it("gives local times without a zone NaN and the reason", () => {
    expect(resolve("2024-01-05 14:30:00")).toEqual({ tsMs: Number.NaN, tradeDate: "", tsError: "no zone" });
  });

  it("takes the trade date of an instant in the zone, else as written", () => {
    expect(resolve("2024-01-06T00:30:00Z", { zone: NEW_YORK }).tradeDate).toBe("2024-01-05");
    expect(resolve("2024-01-06T00:30:00Z").tradeDate).toBe("2024-01-06");
  });

  it("reads a written midnight of a daily bar as its date, whatever the offset", () => {
    expect(resolve("2024-01-05T00:00:00-05:00", { daily: true })).toMatchObject({
      tsMs: Date.UTC(2024, 0, 5),
      tradeDate: "2024-01-05",
    });
    expect(resolve("2024-01-05 00:00:00", { daily: true })).toMatchObject({
      tsMs: Date.UTC(2024, 0, 5),
      tradeDate: "2024-01-05",
    });
  });
});

describe("calendar helpers", () => {
  it("counts days like Date.UTC", () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [2024, 12, 31],
      [1969, 12, 31],
      [1600, 3, 1],
    ] as const) {
      expect(daysFromCivil(y, m, d) * 86_400_000).toBe(Date.UTC(y, m - 1, d));
    }
  });

  it("formats UTC dates", () => {
    expect(formatDate(Date.UTC(2024, 0, 5, 23, 59))).toBe("2024-01-05");
    expect(formatDate(Date.UTC(2024, 0, 6))).toBe("2024-01-06");
    expect(formatDate(Number.NaN)).toBe("");
  });
});

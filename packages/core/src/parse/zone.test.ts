import { describe, expect, it } from "vitest";
import { resolveZone, type Zone } from "./zone.js";

function zone(name: string): Zone {
  const z = resolveZone(name);
  if (typeof z === "string") throw new Error(z);
  return z;
}

const wall = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

describe("resolveZone", () => {
  it("maps legacy US names to their IANA zone", () => {
    expect(zone("US/Eastern").name).toBe("America/New_York");
    expect(zone("US/Central").name).toBe("America/Chicago");
    expect(zone("US/Pacific").name).toBe("America/Los_Angeles");
  });

  it("reads UTC spellings as UTC", () => {
    for (const name of ["UTC", "utc", "Etc/UTC", "GMT", "Z"]) expect(zone(name).name).toBe("UTC");
    expect(zone("UTC").toUtc(1234)).toBe(1234);
  });

  it("explains an unknown zone", () => {
    expect(resolveZone("Mars/Olympus_Mons")).toMatch(
      /unknown time zone "Mars\/Olympus_Mons".*IANA name such as America\/New_York/,
    );
  });
});

describe("US/Eastern across DST", () => {
  const ny = zone("US/Eastern");

  it("converts winter (EST, −5 h) and summer (EDT, −4 h) times", () => {
    expect(ny.toUtc(wall(2024, 1, 5, 9, 30))).toBe(Date.UTC(2024, 0, 5, 14, 30));
    expect(ny.toUtc(wall(2024, 7, 5, 9, 30))).toBe(Date.UTC(2024, 6, 5, 13, 30));
  });

  it("moves a spring-forward time that does not exist forward by the gap (2024-03-10 02:30 → 03:30 EDT)", () => {
    expect(ny.toUtc(wall(2024, 3, 10, 1, 59))).toBe(Date.UTC(2024, 2, 10, 6, 59));
    expect(ny.toUtc(wall(2024, 3, 10, 2, 0))).toBe(Date.UTC(2024, 2, 10, 7, 0));
    expect(ny.toUtc(wall(2024, 3, 10, 2, 30))).toBe(Date.UTC(2024, 2, 10, 7, 30));
    expect(ny.toUtc(wall(2024, 3, 10, 3, 0))).toBe(Date.UTC(2024, 2, 10, 7, 0));
    expect(ny.toUtc(wall(2024, 3, 10, 3, 30))).toBe(Date.UTC(2024, 2, 10, 7, 30));
  });

  it("takes the earlier (EDT) instant for a fall-back time that occurs twice (2024-11-03 01:30 → 05:30Z)", () => {
    expect(ny.toUtc(wall(2024, 11, 3, 0, 59))).toBe(Date.UTC(2024, 10, 3, 4, 59));
    expect(ny.toUtc(wall(2024, 11, 3, 1, 0))).toBe(Date.UTC(2024, 10, 3, 5, 0));
    expect(ny.toUtc(wall(2024, 11, 3, 1, 30))).toBe(Date.UTC(2024, 10, 3, 5, 30));
    expect(ny.toUtc(wall(2024, 11, 3, 2, 0))).toBe(Date.UTC(2024, 10, 3, 7, 0));
  });

  it("converts UTC instants to wall time on both sides of each change", () => {
    expect(ny.toWall(Date.UTC(2024, 2, 10, 6, 59))).toBe(wall(2024, 3, 10, 1, 59));
    expect(ny.toWall(Date.UTC(2024, 2, 10, 7, 0))).toBe(wall(2024, 3, 10, 3, 0));
    expect(ny.toWall(Date.UTC(2024, 10, 3, 5, 59))).toBe(wall(2024, 11, 3, 1, 59));
    expect(ny.toWall(Date.UTC(2024, 10, 3, 6, 0))).toBe(wall(2024, 11, 3, 1, 0));
  });
});

/** Wall time in `timeZone` straight from one uncached Intl formatter: the reference the cached zone must match. */
function referenceWall(timeZone: string): (utc: number) => number {
  const format = new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    hourCycle: "h23",
    dateStyle: "short",
    timeStyle: "medium",
  });
  return (utc) => Date.parse(`${format.format(utc).replace(" ", "T")}Z`);
}

describe("cached conversions", () => {
  it("match Intl and round-trip every 15 minutes of 2024 in zones with odd offsets and DST rules", () => {
    const wrong: string[] = [];
    for (const name of [
      "America/New_York",
      "Europe/London",
      "Australia/Lord_Howe",
      "America/St_Johns",
      "Asia/Kolkata",
    ]) {
      const z = zone(name);
      const reference = referenceWall(name);
      for (let utc = Date.UTC(2024, 0, 1); utc < Date.UTC(2025, 0, 1); utc += 900_000) {
        const w = z.toWall(utc);
        const back = z.toUtc(w);
        // Ambiguous wall times map back to the earlier instant; every other one round-trips.
        const ok = w === reference(utc) && (back === utc || (back < utc && z.toWall(back) === w));
        if (!ok) wrong.push(`${name} ${new Date(utc).toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

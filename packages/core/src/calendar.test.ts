import { describe, expect, it } from "vitest";
import {
  dateOfDay,
  dayOf,
  easterSunday,
  isNyseTradingDay,
  isWeekend,
  lastClosedNyseSession,
  nyseEarlyCloses,
  nyseHolidayName,
  nyseHolidays,
  nyseSession,
  sessionsEnding,
} from "./calendar.js";

const closed = (date: string) => !isNyseTradingDay(dayOf(date));
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("NYSE calendar", () => {
  it("closes on Good Friday, found by the Easter computus", () => {
    expect(nyseHolidayName(dayOf("2024-03-29"))).toBe("Good Friday");
    expect(dateOfDay(easterSunday(2024))).toBe("2024-03-31");
    expect(dateOfDay(easterSunday(2025))).toBe("2025-04-20");
    expect(dateOfDay(easterSunday(2019))).toBe("2019-04-21");
    expect(dateOfDay(easterSunday(2038))).toBe("2038-04-25");
  });

  it("closes on Juneteenth from 2022 only", () => {
    expect(closed("2024-06-19")).toBe(true);
    expect(closed("2022-06-20")).toBe(true); // June 19 2022 was a Sunday
    expect(closed("2021-06-18")).toBe(false);
  });

  it("observes a Saturday July 4th on the Friday before", () => {
    expect(nyseHolidayName(dayOf("2026-07-03"))).toBe("Independence Day");
    expect(closed("2026-07-03")).toBe(true);
  });

  it("stays open on Dec 31 when New Year's Day is a Saturday, and observes a Sunday one on Monday", () => {
    expect(closed("2021-12-31")).toBe(false);
    expect(closed("2023-01-02")).toBe(true);
  });

  it("lists the ten holidays of 2024 on the exchange's published dates", () => {
    const dates = [...nyseHolidays(2024).keys()].map(dateOfDay).sort();
    expect(dates).toEqual([
      "2024-01-01",
      "2024-01-15",
      "2024-02-19",
      "2024-03-29",
      "2024-05-27",
      "2024-06-19",
      "2024-07-04",
      "2024-09-02",
      "2024-11-28",
      "2024-12-25",
    ]);
  });

  // NYSE Group's 2025–2027 calendar (published 2024-11-08): the current and the next years.
  it.each([
    [
      2025,
      ["2025-01-01", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01"],
      ["2025-11-27", "2025-12-25"],
      ["2025-07-03", "2025-11-28", "2025-12-24"],
    ],
    [
      2026,
      ["2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07"],
      ["2026-11-26", "2026-12-25"],
      ["2026-11-27", "2026-12-24"],
    ],
    [
      2027,
      ["2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26", "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06"],
      ["2027-11-25", "2027-12-24"],
      ["2027-11-26"],
    ],
  ])("matches the exchange's published holidays and early closes of %i", (year, first, last, early) => {
    expect([...nyseHolidays(year).keys()].map(dateOfDay).sort()).toEqual([...first, ...last]);
    expect([...nyseEarlyCloses(year).keys()].map(dateOfDay).sort()).toEqual(early);
  });

  it("moves Christmas on a Saturday to Friday and on a Sunday to Monday", () => {
    expect(closed("2021-12-24")).toBe(true);
    expect(closed("2022-12-26")).toBe(true);
  });

  it("never opens on a weekend", () => {
    const days = sessionsEnding(dayOf("2024-12-31"), 500, isNyseTradingDay);
    expect(days).toHaveLength(500);
    expect(days.some(isWeekend)).toBe(false);
    expect(days.map(dateOfDay)).not.toContain("2024-03-29");
    expect(days.map(dateOfDay)).not.toContain("2024-06-19");
    // 2024 had 252 NYSE sessions.
    expect(days.filter((d) => dateOfDay(d).startsWith("2024"))).toHaveLength(252);
  });

  it("rejects impossible dates", () => {
    expect(dayOf("2024-02-30")).toBeNaN();
    expect(dayOf("2024-2-3")).toBeNaN();
  });
});

describe("NYSE sessions in UTC", () => {
  it("closes at 16:00 US/Eastern: 21:00Z in winter, 20:00Z once daylight saving time starts", () => {
    // DST began Sunday 2024-03-10.
    expect(iso(nyseSession(dayOf("2024-03-08"))?.closeMs)).toBe("2024-03-08T21:00:00.000Z");
    expect(iso(nyseSession(dayOf("2024-03-11"))?.openMs)).toBe("2024-03-11T13:30:00.000Z");
    expect(iso(nyseSession(dayOf("2024-03-11"))?.closeMs)).toBe("2024-03-11T20:00:00.000Z");
    // and ended Sunday 2024-11-03.
    expect(iso(nyseSession(dayOf("2024-11-01"))?.closeMs)).toBe("2024-11-01T20:00:00.000Z");
    expect(iso(nyseSession(dayOf("2024-11-04"))?.closeMs)).toBe("2024-11-04T21:00:00.000Z");
  });

  it("closes at 13:00 US/Eastern on half days, and has no session on holidays and weekends", () => {
    expect(nyseSession(dayOf("2024-07-03"))).toMatchObject({ earlyClose: true, date: "2024-07-03" });
    expect(iso(nyseSession(dayOf("2024-07-03"))?.closeMs)).toBe("2024-07-03T17:00:00.000Z");
    expect(iso(nyseSession(dayOf("2024-11-29"))?.closeMs)).toBe("2024-11-29T18:00:00.000Z"); // EST
    expect(nyseSession(dayOf("2024-07-04"))).toBeUndefined();
    expect(nyseSession(dayOf("2024-07-06"))).toBeUndefined();
  });

  it("finds the last closed session across a weekend, a holiday and the day's own close", () => {
    const last = (at: string) => lastClosedNyseSession(Date.parse(at)).date;
    expect(last("2024-06-29T12:00:00Z")).toBe("2024-06-28"); // Saturday
    expect(last("2024-07-01T19:59:59Z")).toBe("2024-06-28"); // Monday before its close (20:00Z)
    expect(last("2024-07-01T20:00:00Z")).toBe("2024-07-01");
    expect(last("2024-07-05T14:00:00Z")).toBe("2024-07-03"); // after Independence Day, a half day before it
    expect(last("2024-03-11T20:30:00Z")).toBe("2024-03-11"); // EDT: closed at 20:00Z
    expect(last("2024-03-08T20:30:00Z")).toBe("2024-03-07"); // EST: closes at 21:00Z
    // Late evening in New York is already the next UTC day: the session is still New York's.
    expect(last("2024-07-02T02:00:00Z")).toBe("2024-07-01");
  });
});

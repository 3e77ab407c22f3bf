import { describe, expect, it } from "vitest";
import {
  dateOfDay,
  dayOf,
  easterSunday,
  isNyseTradingDay,
  isWeekend,
  nyseHolidayName,
  nyseHolidays,
  sessionsEnding,
} from "./calendar.ts";

const closed = (date: string) => !isNyseTradingDay(dayOf(date));

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

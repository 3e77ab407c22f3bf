import { toUtcTs } from "@market-data/core/bar";
import { dayOf } from "@market-data/core/calendar";
import { describe, expect, it } from "vitest";
import { barStart, barsPerSession, easternToUtc, formatEastern, tradeDateOf } from "./sessions.ts";

const open = (date: string) => toUtcTs(easternToUtc(dayOf(date), 9 * 60 + 30));

describe("US/Eastern sessions", () => {
  it("opens at 14:30Z in winter (EST) and 13:30Z in summer (EDT)", () => {
    expect(open("2024-01-05")).toBe("2024-01-05T14:30:00Z");
    expect(open("2024-07-05")).toBe("2024-07-05T13:30:00Z");
  });

  it("switches on the DST transition days", () => {
    expect(open("2024-03-08")).toBe("2024-03-08T14:30:00Z"); // Friday before the switch
    expect(open("2024-03-11")).toBe("2024-03-11T13:30:00Z"); // Monday after
    expect(open("2024-11-01")).toBe("2024-11-01T13:30:00Z");
    expect(open("2024-11-04")).toBe("2024-11-04T14:30:00Z");
    // Before 2007 DST ran from April to October.
    expect(open("2005-03-15")).toBe("2005-03-15T14:30:00Z");
    expect(open("2005-10-28")).toBe("2005-10-28T13:30:00Z");
  });

  it("formats instants as Alpha Vantage's Eastern local time", () => {
    expect(formatEastern(Date.parse("2024-01-05T20:55:00Z"))).toBe("2024-01-05 15:55:00");
    expect(formatEastern(Date.parse("2024-07-05T19:55:00Z"))).toBe("2024-07-05 15:55:00");
  });

  it("splits a 6.5-hour session into intraday bars and a crypto day into 24 hours of them", () => {
    expect(barsPerSession("equity", "5m")).toBe(78);
    // 60-minute bars on whole hours, 10:00–16:00, so none starts at 09:30 off its interval boundary.
    expect(barsPerSession("equity", "1h")).toBe(6);
    expect(toUtcTs(barStart("equity", "1h", dayOf("2024-01-05"), 0))).toBe("2024-01-05T15:00:00Z");
    expect(barsPerSession("equity", "30m")).toBe(13);
    expect(barsPerSession("crypto", "5m")).toBe(288);
    expect(barsPerSession("equity", "1d")).toBe(1);
    const last = barStart("equity", "5m", dayOf("2024-01-05"), 77);
    expect(toUtcTs(last)).toBe("2024-01-05T20:55:00Z");
    expect(toUtcTs(barStart("crypto", "5m", dayOf("2024-01-06"), 0))).toBe("2024-01-06T00:00:00Z");
  });

  it("dates an intraday equity bar by its Eastern day and a crypto bar by its UTC day", () => {
    const late = Date.parse("2024-01-06T01:00:00Z");
    expect(tradeDateOf("equity", "5m", late)).toBe("2024-01-05");
    expect(tradeDateOf("crypto", "5m", late)).toBe("2024-01-06");
  });
});

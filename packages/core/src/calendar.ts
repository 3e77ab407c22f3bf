/**
 * Dates as day numbers (days since 1970-01-01, UTC) and the NYSE trading calendar: full-day holidays, the 13:00
 * early closes, and each session's open and close as UTC instants (US/Eastern, DST-correct through the platform's
 * time-zone database). Used by the sample generator (bars never fall on a closed day) and the freshness check
 * (which session must have a bar by now).
 *
 * Rule-based (NYSE Rule 7.2 and the exchange's published calendars, e.g. the 2025–2027 calendar of 2024-11-08), so
 * it holds for the current and the next year and any other. Not modelled: one-off closures (2001-09-11…14,
 * Hurricane Sandy 2012-10-29/30, national days of mourning such as 2018-12-05 and 2025-01-09).
 */
import { resolveZone, type Zone } from "./parse/zone.js";

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Day number of a `YYYY-MM-DD` date; NaN when it is not a real calendar date. e.g. `dayOf("1970-01-02")` → 1. */
export function dayOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2024-02-30 over into March: a round trip catches impossible dates.
  return isoDate(ms) === date ? ms / DAY_MS : Number.NaN;
}

/** Day number of a year, month (1–12) and day. e.g. `dayFromYmd(1970, 1, 2)` → 1. */
export function dayFromYmd(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** `YYYY-MM-DD` (UTC) of an epoch-millisecond instant. Handles years before 1970 and after 2099. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of a day number. e.g. `dateOfDay(0)` → `1970-01-01`. */
export function dateOfDay(day: number): string {
  return isoDate(day * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday (4). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

/** Easter Sunday (Gregorian): the anonymous "Meeus/Jones/Butcher" computus. e.g. 2024 → day of 2024-03-31. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayFromYmd(year, month, day);
}

/** The n-th (1-based) given weekday of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, wd: number, n: number): number {
  if (n > 0) {
    const first = dayFromYmd(year, month, 1);
    return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = dayFromYmd(year, month + 1, 0);
  return last - ((weekday(last) - wd + 7) % 7);
}

/** A fixed-date holiday moved off the weekend: Saturday → Friday, Sunday → Monday. */
function observed(day: number): number {
  const w = weekday(day);
  return w === 6 ? day - 1 : w === 0 ? day + 1 : day;
}

const MONDAY = 1;
const THURSDAY = 4;
const FRIDAY = 5;

/** NYSE full-day holidays of one year, as day numbers, with a name for messages and tests. */
export function nyseHolidays(year: number): Map<number, string> {
  const out = new Map<number, string>();
  // New Year's Day on a Saturday is not moved to Friday Dec 31: NYSE stays open (Rule 7.2 exception).
  const newYear = dayFromYmd(year, 1, 1);
  if (weekday(newYear) !== 6) out.set(observed(newYear), "New Year's Day");
  if (year >= 1998) out.set(nthWeekday(year, 1, MONDAY, 3), "Martin Luther King Jr. Day");
  out.set(nthWeekday(year, 2, MONDAY, 3), "Washington's Birthday");
  out.set(easterSunday(year) - 2, "Good Friday");
  out.set(nthWeekday(year, 5, MONDAY, -1), "Memorial Day");
  if (year >= 2022) out.set(observed(dayFromYmd(year, 6, 19)), "Juneteenth");
  out.set(observed(dayFromYmd(year, 7, 4)), "Independence Day");
  out.set(nthWeekday(year, 9, MONDAY, 1), "Labor Day");
  out.set(nthWeekday(year, 11, THURSDAY, 4), "Thanksgiving Day");
  out.set(observed(dayFromYmd(year, 12, 25)), "Christmas Day");
  return out;
}

const holidayCache = new Map<number, Map<number, string>>();

/** The holiday's name when the day is an NYSE full-day holiday, else undefined. */
export function nyseHolidayName(day: number): string | undefined {
  const year = new Date(day * DAY_MS).getUTCFullYear();
  let holidays = holidayCache.get(year);
  if (!holidays) {
    holidays = nyseHolidays(year);
    holidayCache.set(year, holidays);
  }
  return holidays.get(day);
}

export function isNyseTradingDay(day: number): boolean {
  return !isWeekend(day) && nyseHolidayName(day) === undefined;
}

/**
 * NYSE 13:00 early closes of one year: the day after Thanksgiving, and July 3 and December 24 when they are
 * Monday–Thursday. When July 4 or Christmas falls on a Saturday, the Friday before is the (observed) holiday and
 * no early close precedes it (NYSE's calendars list none: 2015, 2020, 2021, 2026, 2027).
 */
export function nyseEarlyCloses(year: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const [day, name] of [
    [dayFromYmd(year, 7, 3), "Day before Independence Day"],
    [dayFromYmd(year, 12, 24), "Christmas Eve"],
  ] as const) {
    const w = weekday(day);
    if (w >= MONDAY && w <= THURSDAY) out.set(day, name);
  }
  const thanksgiving = nthWeekday(year, 11, THURSDAY, 4);
  if (weekday(thanksgiving + 1) === FRIDAY) out.set(thanksgiving + 1, "Day after Thanksgiving");
  return out;
}

/** The time zone NYSE sessions are defined in. */
export const NYSE_ZONE = "America/New_York";
const OPEN_MINUTE = 9 * 60 + 30;
const CLOSE_MINUTE = 16 * 60;
const EARLY_CLOSE_MINUTE = 13 * 60;

let nyseZone: Zone | undefined;
function eastern(): Zone {
  if (nyseZone === undefined) {
    const zone = resolveZone(NYSE_ZONE);
    if (typeof zone === "string") throw new Error(zone); // every ICU build knows America/New_York
    nyseZone = zone;
  }
  return nyseZone;
}

/** One NYSE trading session: its date and its open and close as UTC epoch milliseconds. */
export interface TradingSession {
  /** The exchange-local date, `YYYY-MM-DD`. */
  date: string;
  day: number;
  openMs: number;
  closeMs: number;
  /** The 13:00 close of a half day. */
  earlyClose: boolean;
}

/**
 * The NYSE session on a day, or undefined when the exchange is closed. Times are 09:30 and 16:00 (13:00 on early
 * closes) US/Eastern, so the UTC close moves with daylight saving time.
 * e.g. `nyseSession(dayOf("2024-03-11"))?.closeMs` → `2024-03-11T20:00:00Z` (EDT), a week earlier 21:00Z (EST).
 */
export function nyseSession(day: number): TradingSession | undefined {
  if (!isNyseTradingDay(day)) return undefined;
  const year = new Date(day * DAY_MS).getUTCFullYear();
  const earlyClose = nyseEarlyCloses(year).has(day);
  const zone = eastern();
  const wall = (minute: number) => zone.toUtc(day * DAY_MS + minute * MINUTE_MS);
  return {
    date: dateOfDay(day),
    day,
    openMs: wall(OPEN_MINUTE),
    closeMs: wall(earlyClose ? EARLY_CLOSE_MINUTE : CLOSE_MINUTE),
    earlyClose,
  };
}

/** The exchange-local (US/Eastern) day number of an instant. */
export function nyseDayOf(ms: number): number {
  return Math.floor(eastern().toWall(ms) / DAY_MS);
}

/**
 * The latest NYSE session that had closed by `ms` (its close ≤ `ms`).
 * e.g. on Saturday 2024-06-29 → Friday 2024-06-28's session; on 2024-07-05 at 10:00 ET → 2024-07-03 (a half day).
 */
export function lastClosedNyseSession(ms: number): TradingSession {
  for (let day = nyseDayOf(ms); ; day--) {
    const session = nyseSession(day);
    if (session !== undefined && session.closeMs <= ms) return session;
  }
}

/** The last `count` days up to and including `endDay` that satisfy `isOpen`, oldest first. */
export function sessionsEnding(endDay: number, count: number, isOpen: (day: number) => boolean): number[] {
  const days: number[] = [];
  for (let day = endDay; days.length < count; day--) if (isOpen(day)) days.push(day);
  return days.reverse();
}

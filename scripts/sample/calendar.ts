/**
 * Dates as day numbers (days since 1970-01-01, UTC) and the NYSE trading calendar, so generated equity bars never
 * fall on a weekend or a full-day exchange holiday.
 *
 * The holiday list is rule-based (NYSE Rule 7.2 and its history). Not modelled: one-off closures (2001-09-11…14,
 * Hurricane Sandy 2012-10-29/30, national days of mourning such as 2018-12-05 and 2025-01-09) and the 13:00 early
 * closes; the generator only needs a plausible calendar, and a plain rule list stays verifiable.
 */

export const DAY_MS = 86_400_000;

/** Day number of a `YYYY-MM-DD` date; NaN when it is not a real calendar date. */
export function dayOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2024-02-30 over into March: a round trip catches impossible dates.
  return isoDate(ms) === date ? ms / DAY_MS : Number.NaN;
}

export function dayFromYmd(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** `YYYY-MM-DD` (UTC) of an epoch-millisecond instant. Handles years before 1970 and after 2099. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

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

/** Easter Sunday (Gregorian): the anonymous "Meeus/Jones/Butcher" computus. */
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

/** The last `count` days up to and including `endDay` that satisfy `isOpen`, oldest first. */
export function sessionsEnding(endDay: number, count: number, isOpen: (day: number) => boolean): number[] {
  const days: number[] = [];
  for (let day = endDay; days.length < count; day--) if (isOpen(day)) days.push(day);
  return days.reverse();
}

import { toUtcTs } from "../bar.js";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const MAX_DATE_MS = 8.64e15;

let minuteSuffixes: readonly string[] | undefined;

/** `HH:MM:00Z` for every minute of a day, built once: an aligned ts is a day prefix plus one of these. */
function suffixes(): readonly string[] {
  if (minuteSuffixes === undefined) {
    const list: string[] = [];
    for (let minute = 0; minute < 1440; minute++) list.push(toUtcTs(minute * MINUTE_MS).slice(10));
    minuteSuffixes = list;
  }
  return minuteSuffixes;
}

/**
 * Formats whole-minute instants like `toUtcTs` without a `Date` per record: one cached `YYYY-MM-DD` prefix per
 * day and a shared table of minute suffixes. e.g. `new TsFormatter().format(0) === "1970-01-01T00:00:00Z"`.
 */
export class TsFormatter {
  private readonly days = new Map<number, string>();
  private readonly minutes = suffixes();

  /** `tsMs` must be ≥ 0, in `Date`'s range and a whole minute (what `ts.plausible` and `ts.aligned` guarantee). */
  format(tsMs: number): string {
    const day = Math.floor(tsMs / DAY_MS);
    let prefix = this.days.get(day);
    if (prefix === undefined) {
      prefix = toUtcTs(day * DAY_MS).slice(0, 10);
      this.days.set(day, prefix);
    }
    return prefix + (this.minutes[(tsMs - day * DAY_MS) / MINUTE_MS] as string);
  }
}

/** Any epoch-ms value as text for a reason: the canonical ts when `Date` can represent it, else the number. */
export function describeTs(tsMs: number): string {
  return Number.isFinite(tsMs) && Math.abs(tsMs) <= MAX_DATE_MS ? toUtcTs(tsMs) : String(tsMs);
}

function digit(text: string, at: number): number {
  const code = text.charCodeAt(at) - 48;
  return code >= 0 && code <= 9 ? code : Number.NaN;
}

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` date, NaN when it is not one (checked by character, no regex, no
 * `Date`: this runs once per record). e.g. `daysOfDate("1970-01-02") === 1`.
 */
export function daysOfDate(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return Number.NaN;
  const year = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
  const month = digit(date, 5) * 10 + digit(date, 6);
  const day = digit(date, 8) * 10 + digit(date, 9);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31)) return Number.NaN;
  // Howard Hinnant's days_from_civil: proleptic Gregorian calendar, March-based year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Day of the week of a day number from `daysOfDate`, 0 = Sunday … 6 = Saturday. e.g. `weekdayOf(0) === 4`. */
export function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

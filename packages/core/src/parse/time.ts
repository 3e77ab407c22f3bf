/**
 * Timestamp reading shared by the parsers. A cell is read into a {@link Stamp} first and resolved to a UTC
 * instant later ({@link resolveStamp}), because resolving needs the interval and the zone, which a CSV may
 * only reveal after its first records.
 */
import type { CandidateBar } from "./types.js";
import type { Zone } from "./zone.js";

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** What a timestamp cell said. */
export const STAMP = {
  /** Not a timestamp: `error` says why. */
  error: 0,
  /** `YYYY-MM-DD`: a trade date. */
  date: 1,
  /** `YYYY-MM-DD HH:MM[:SS]` with no zone: exchange-local wall time. */
  local: 2,
  /** An exact instant: ISO-8601 with `Z` or an offset, or epoch seconds / milliseconds. */
  instant: 3,
} as const;
export type StampKind = (typeof STAMP)[keyof typeof STAMP];

/** A read timestamp. Mutable and reused per record to keep the hot path free of allocations. */
export interface Stamp {
  kind: StampKind;
  /** The wall time as written, read as if it were UTC (for `date`: the date at 00:00:00Z). */
  wall: number;
  /** The instant (for `instant` only). */
  ms: number;
  /** The date as written, `YYYY-MM-DD`. */
  date: string;
  /** The written time of day is 00:00:00. */
  midnight: boolean;
  error: string;
}

/** A fresh, empty {@link Stamp}. */
export function newStamp(): Stamp {
  return { kind: STAMP.error, wall: Number.NaN, ms: Number.NaN, date: "", midnight: false, error: "" };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

let lastDay = Number.NaN;
let lastDayText = "";

/** `YYYY-MM-DD` of the UTC day holding `ms`, memoised for runs of records on the same day. */
export function formatDate(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day === lastDay) return lastDayText;
  if (!Number.isFinite(day) || Math.abs(ms) > 8.64e15) return "";
  lastDay = day;
  lastDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
  return lastDayText;
}

/** Two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The last valid calendar date {@link parseStamp} read: its parts, its day and its `YYYY-MM-DD` text. */
let lastY = -1;
let lastM = -1;
let lastD = -1;
let lastDayMs = 0;
let lastDate = "";

const HINT = "use YYYY-MM-DD, ISO-8601 such as 2024-01-05T14:30:00Z, or epoch seconds";
const EPOCH = /^\d{9,14}(\.\d+)?$/;
const TAIL = /^(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

function fail(out: Stamp, text: string, why: string): void {
  out.kind = STAMP.error;
  out.error = `timestamp "${text.slice(0, 40)}" ${why}; ${HINT}`;
}

/**
 * Reads the timestamp in `s[start, end)` into `out`. Accepts `YYYY-MM-DD` (or `YYYY/MM/DD`), the same followed
 * by `T` or a space and `HH:MM[:SS[.fff]]` and optionally `Z`, `UTC` or an offset (`-05:00`, `+0530`, `+05`),
 * and epoch seconds (9–11 digits) or milliseconds (12–14 digits).
 */
export function parseStamp(s: string, start: number, end: number, out: Stamp): void {
  let a = start;
  let b = end;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  const len = b - a;
  out.midnight = false;
  const sep = s.charCodeAt(a + 4);
  if (len < 10 || (sep !== 45 && sep !== 47) || s.charCodeAt(a + 7) !== sep) {
    const text = s.slice(a, b);
    if (!EPOCH.test(text)) {
      fail(out, text, len === 0 ? "is empty" : "is not a timestamp");
      return;
    }
    const n = Number(text);
    const ms = Math.floor(n < 1e11 ? n * 1000 : n);
    out.kind = STAMP.instant;
    out.ms = ms;
    out.wall = ms;
    out.date = formatDate(ms);
    out.midnight = ms % DAY_MS === 0;
    return;
  }
  const century = two(s, a);
  const y = century * 100 + two(s, a + 2);
  const m = two(s, a + 5);
  const d = two(s, a + 8);
  let dayMs: number;
  if (century >= 0 && y >= century * 100 && y === lastY && m === lastM && d === lastD) {
    // Records come in runs of one date (intraday bars): reuse its day and text instead of recomputing them.
    dayMs = lastDayMs;
    out.date = lastDate;
  } else {
    if (century < 0 || y < century * 100 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
      fail(out, s.slice(a, b), "is not a valid calendar date");
      return;
    }
    dayMs = daysFromCivil(y, m, d) * DAY_MS;
    out.date =
      sep === 45 ? s.slice(a, a + 10) : `${s.slice(a, a + 4)}-${s.slice(a + 5, a + 7)}-${s.slice(a + 8, a + 10)}`;
    lastY = y;
    lastM = m;
    lastD = d;
    lastDayMs = dayMs;
    lastDate = out.date;
  }
  if (len === 10) {
    out.kind = STAMP.date;
    out.wall = dayMs;
    out.midnight = true;
    return;
  }
  const t = s.charCodeAt(a + 10);
  const hh = two(s, a + 11);
  const mi = two(s, a + 14);
  if ((t !== 84 && t !== 32 && t !== 116) || s.charCodeAt(a + 13) !== 58 || hh < 0 || hh > 23 || mi < 0 || mi > 59) {
    fail(out, s.slice(a, b), "has no valid HH:MM time");
    return;
  }
  let wall = dayMs + hh * HOUR_MS + mi * MINUTE_MS;
  let zoneText: string | undefined;
  if (len === 19 && s.charCodeAt(a + 16) === 58) {
    // The common exchange-local form `YYYY-MM-DD HH:MM:SS`, without a regex.
    const ss = two(s, a + 17);
    if (ss < 0 || ss > 59) {
      fail(out, s.slice(a, b), "has invalid seconds");
      return;
    }
    wall += ss * 1000;
  } else {
    const tail = TAIL.exec(s.slice(a + 16, b));
    const ss = Number(tail?.[1] ?? "0");
    if (!tail || ss > 59) {
      fail(out, s.slice(a, b), "has an unreadable time or offset");
      return;
    }
    wall += ss * 1000 + Number((tail[2] ?? "").padEnd(3, "0").slice(0, 3));
    zoneText = tail[3];
  }
  out.wall = wall;
  out.midnight = wall === dayMs;
  if (zoneText === undefined) {
    out.kind = STAMP.local;
    return;
  }
  out.kind = STAMP.instant;
  out.ms = wall - offsetMs(zoneText);
}

/** `Z` / `UTC` / `GMT` → 0, `-05:00` / `-0500` / `-05` → −5 h. */
function offsetMs(text: string): number {
  const sign = text.charCodeAt(0);
  if (sign !== 43 && sign !== 45) return 0;
  const digits = text.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0");
  return (sign === 45 ? -minutes : minutes) * MINUTE_MS;
}

/** How a stamp becomes a UTC instant: the zone of exchange-local times, and whether the bar is daily. */
export interface Resolution {
  zone: Zone | null;
  /** Why there is no zone (an unknown zone name, or none stated): the record's tsError for local times. */
  zoneError: string;
  daily: boolean;
}

/**
 * Sets `tsMs`, `tradeDate` and `tsError` of `rec` from `stamp`. Dates are daily bars at 00:00:00Z. For daily
 * bars a written midnight (`2024-01-05 00:00:00`, `…T00:00:00-05:00`) is read as that date, whatever the zone,
 * because exporters such as pandas write dates that way. Local times need a zone; instants keep their value
 * and take their trade date in the zone when there is one, else as written (UTC for `Z` and epoch values).
 */
export function resolveStamp(stamp: Stamp, res: Resolution, rec: CandidateBar): void {
  if (stamp.kind === STAMP.error) {
    rec.tsMs = Number.NaN;
    rec.tradeDate = "";
    rec.tsError = stamp.error;
  } else if (stamp.kind === STAMP.date || (res.daily && stamp.midnight)) {
    rec.tsMs = stamp.wall;
    rec.tradeDate = stamp.date;
  } else if (stamp.kind === STAMP.local) {
    if (res.zone) {
      rec.tsMs = res.zone.toUtc(stamp.wall);
      rec.tradeDate = stamp.date;
    } else {
      rec.tsMs = Number.NaN;
      rec.tradeDate = "";
      rec.tsError = res.zoneError;
    }
  } else {
    rec.tsMs = stamp.ms;
    rec.tradeDate = res.zone ? formatDate(res.zone.toWall(stamp.ms)) : stamp.date;
  }
}

/** Copies a stamp (the scratch one is reused per record). */
export function copyStamp(stamp: Stamp): Stamp {
  return { ...stamp };
}

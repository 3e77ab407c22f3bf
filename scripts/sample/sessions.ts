import { type AssetClass, INTERVAL_MS, type Interval } from "@market-data/core/bar";
import { DAY_MS, isNyseTradingDay, isoDate, isWeekend } from "@market-data/core/calendar";

/**
 * When bars exist: equities and indices trade NYSE sessions (09:30–16:00 US/Eastern on trading days), crypto
 * trades 24/7 in UTC days, FX 24 hours on weekdays. Intraday bars step by the interval from the session open (or
 * the first interval boundary after it); daily bars are stamped at 00:00:00Z of the trade date (the canonical
 * record's convention).
 */

export const EXCHANGE_ZONE = "America/New_York";
const SESSION_OPEN_MIN = 9 * 60 + 30;
const SESSION_CLOSE_MIN = 16 * 60;

/** One formatter for all conversions: building it is the expensive part of Intl. */
const easternParts = new Intl.DateTimeFormat("en-US", {
  timeZone: EXCHANGE_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const HOUR_MS = 3_600_000;
const offsetCache = new Map<number, number>();

/**
 * US/Eastern offset from UTC at an instant, in ms (−5 h in winter, −4 h in summer). Read from the platform's
 * time-zone database rather than hand-coded DST rules, so 1970s–2006 rules are right too. Cached per UTC hour:
 * US transitions happen on whole hours, so an hour never straddles one.
 */
export function easternOffsetMs(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  const cached = offsetCache.get(hour);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const p of easternParts.formatToParts(new Date(hour * HOUR_MS))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const offset = asUtc - hour * HOUR_MS;
  offsetCache.set(hour, offset);
  return offset;
}

/**
 * The UTC instant of an Eastern wall-clock time on a day. Taking the offset at "the wall time read as UTC" is
 * exact for times after 02:00 local (DST switches at 02:00, and that instant is 4–5 h earlier in real time but
 * still the same side of the switch), which covers the whole 09:30–16:00 session.
 */
export function easternToUtc(day: number, minuteOfDay: number): number {
  const wall = day * DAY_MS + minuteOfDay * 60_000;
  return wall - easternOffsetMs(wall);
}

/** `YYYY-MM-DD HH:MM:SS` in US/Eastern: Alpha Vantage's intraday timestamp form. */
export function formatEastern(ms: number): string {
  const local = new Date(ms + easternOffsetMs(ms)).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}

/** Whether the asset trades NYSE sessions (equities, indices) rather than UTC days. */
export function usesExchangeSessions(assetClass: AssetClass): boolean {
  return assetClass === "equity" || assetClass === "index";
}

/** The day filter of an asset class. */
export function isSessionDay(assetClass: AssetClass, day: number): boolean {
  if (usesExchangeSessions(assetClass)) return isNyseTradingDay(day);
  if (assetClass === "fx") return !isWeekend(day);
  return true;
}

/**
 * First bar start of an exchange session, minutes after Eastern midnight: the open, or the first interval boundary
 * after it when the open is not on one. 60-minute bars then run 10:00–16:00: every bar lies inside the session and
 * on its interval's boundary (the gate's `ts.aligned`), and Eastern offsets are whole hours, so UTC agrees.
 */
function firstBarMinute(interval: Interval): number {
  const step = INTERVAL_MS[interval] / 60_000;
  return Math.ceil(SESSION_OPEN_MIN / step) * step;
}

/** Bars per session: 1 for daily; whole bars inside 09:30–16:00 for exchanges; 24 hours of bars otherwise. */
export function barsPerSession(assetClass: AssetClass, interval: Interval): number {
  if (interval === "1d") return 1;
  const step = INTERVAL_MS[interval] / 60_000;
  if (!usesExchangeSessions(assetClass)) return Math.floor(1440 / step);
  return Math.floor((SESSION_CLOSE_MIN - firstBarMinute(interval)) / step);
}

/** Start instant (epoch ms UTC) of the k-th bar of a session day. */
export function barStart(assetClass: AssetClass, interval: Interval, day: number, k: number): number {
  if (interval === "1d") return day * DAY_MS;
  const open = usesExchangeSessions(assetClass) ? easternToUtc(day, firstBarMinute(interval)) : day * DAY_MS;
  return open + k * INTERVAL_MS[interval];
}

/** Exchange-local date of a bar start: the Eastern date for exchange intraday bars, else the UTC date. */
export function tradeDateOf(assetClass: AssetClass, interval: Interval, ms: number): string {
  if (interval !== "1d" && usesExchangeSessions(assetClass)) return isoDate(ms + easternOffsetMs(ms));
  return isoDate(ms);
}

/**
 * Exchange-local time ↔ UTC with `Intl.DateTimeFormat` (pure, no I/O). Offsets are cached per UTC day and
 * conversions per local hour, so a million 1-minute bars cost a few thousand `Intl` calls, not a million.
 *
 * Local times that do not exist (the spring-forward gap, US/Eastern 2024-03-10 02:00–02:59) move forward by
 * the gap, like Temporal's `disambiguation: "compatible"`: 02:30 → 03:30 EDT = 07:30Z. Local times that occur
 * twice (fall-back, US/Eastern 2024-11-03 01:00–01:59) take the earlier instant, EDT: 01:30 → 05:30Z.
 * Assumes no zone changes its offset twice within one UTC day (true of every zone in the IANA database).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A resolved time zone. */
export interface Zone {
  /** Canonical IANA name, e.g. `America/New_York`. */
  readonly name: string;
  /** Wall-clock time read as if UTC (ms) → the UTC instant. */
  toUtc(wall: number): number;
  /** UTC instant → wall-clock time read as if UTC (ms). */
  toWall(utc: number): number;
}

/** Legacy names data providers still send (Alpha Vantage: `US/Eastern`), mapped to their IANA zone. */
const LEGACY: ReadonlyMap<string, string> = new Map<string, string>([
  ["us/eastern", "America/New_York"],
  ["us/central", "America/Chicago"],
  ["us/mountain", "America/Denver"],
  ["us/pacific", "America/Los_Angeles"],
  ["us/alaska", "America/Anchorage"],
  ["us/hawaii", "Pacific/Honolulu"],
  ["us/arizona", "America/Phoenix"],
  ["us/east-indiana", "America/Indiana/Indianapolis"],
  ["us/michigan", "America/Detroit"],
  ["canada/eastern", "America/Toronto"],
  ["canada/pacific", "America/Vancouver"],
]);

const UTC_NAMES = new Set(["utc", "etc/utc", "gmt", "etc/gmt", "z", "zulu", "universal", "etc/universal"]);

const UTC_ZONE: Zone = { name: "UTC", toUtc: (wall) => wall, toWall: (utc) => utc };

const zones = new Map<string, Zone | string>();

/**
 * The zone named `name` (IANA, a legacy `US/…` name, or `UTC`), or a sentence saying why it is unknown.
 * e.g. `resolveZone("US/Eastern")` → the `America/New_York` zone.
 */
export function resolveZone(name: string): Zone | string {
  const cached = zones.get(name);
  if (cached !== undefined) return cached;
  const result = createZone(name);
  if (zones.size > 1000) zones.clear();
  zones.set(name, result);
  return result;
}

function createZone(name: string): Zone | string {
  const lower = name.trim().toLowerCase();
  if (UTC_NAMES.has(lower)) return UTC_ZONE;
  const iana = LEGACY.get(lower) ?? name.trim();
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: iana,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return `unknown time zone "${name.slice(0, 60)}"; use an IANA name such as America/New_York, Europe/London or UTC`;
  }
  const canonical = format.resolvedOptions().timeZone;
  return canonical === "UTC" ? UTC_ZONE : new IntlZone(canonical, format);
}

class IntlZone implements Zone {
  /** UTC day → its offset when constant all day, else NaN (a transition day: look per hour). */
  private readonly dayOffsets = new Map<number, number>();
  /** UTC day → the offset at its midnight. */
  private readonly midnights = new Map<number, number>();
  /** Local hour → the offset every wall time of that hour converts with, else NaN (look per call). */
  private readonly hourOffsets = new Map<number, number>();
  private lastHour = Number.NaN;
  private lastHourOffset = 0;

  constructor(
    readonly name: string,
    private readonly format: Intl.DateTimeFormat,
  ) {}

  toUtc(wall: number): number {
    const hour = Math.floor(wall / HOUR_MS);
    if (hour === this.lastHour) return wall - this.lastHourOffset;
    let offset = this.hourOffsets.get(hour);
    if (offset === undefined) {
      const start = hour * HOUR_MS;
      const first = start - this.exactToUtc(start);
      const last = start + HOUR_MS - 1000 - this.exactToUtc(start + HOUR_MS - 1000);
      offset = first === last ? first : Number.NaN;
      if (this.hourOffsets.size > 100_000) this.hourOffsets.clear();
      this.hourOffsets.set(hour, offset);
    }
    if (Number.isNaN(offset)) return this.exactToUtc(wall);
    this.lastHour = hour;
    this.lastHourOffset = offset;
    return wall - offset;
  }

  toWall(utc: number): number {
    return utc + this.offsetAt(utc);
  }

  /** The earlier of two candidate instants when ambiguous; the pre-transition offset in a gap ("compatible"). */
  private exactToUtc(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before === after) return wall - before;
    const early = wall - before;
    const late = wall - after;
    const earlyValid = this.offsetAt(early) === before;
    const lateValid = this.offsetAt(late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (lateValid && !earlyValid) return late;
    return early;
  }

  private offsetAt(utc: number): number {
    const day = Math.floor(utc / DAY_MS);
    let offset = this.dayOffsets.get(day);
    if (offset === undefined) {
      // The offsets at this midnight and the next: the same means no transition in between (at most one a day),
      // and each midnight's offset serves the day before it and the day after it, so a run of days costs one
      // `Intl` call a day rather than two.
      const first = this.midnightOffset(day);
      const next = this.midnightOffset(day + 1);
      offset = first === next ? first : Number.NaN;
      if (this.dayOffsets.size > 100_000) this.dayOffsets.clear();
      this.dayOffsets.set(day, offset);
    }
    return Number.isNaN(offset) ? this.hourOffset(utc) : offset;
  }

  /** The offset at 00:00:00Z of a UTC day. */
  private midnightOffset(day: number): number {
    let offset = this.midnights.get(day);
    if (offset === undefined) {
      offset = this.intlOffset(day * DAY_MS);
      if (this.midnights.size > 100_000) this.midnights.clear();
      this.midnights.set(day, offset);
    }
    return offset;
  }

  /** On a transition day, the offset of the UTC hour (transitions fall on whole or half hours: check both ends). */
  private hourOffset(utc: number): number {
    const start = Math.floor(utc / HOUR_MS) * HOUR_MS;
    const first = this.intlOffset(start);
    return first === this.intlOffset(start + HOUR_MS - 1000) ? first : this.intlOffset(utc);
  }

  private intlOffset(utc: number): number {
    const at = Math.floor(utc / 1000) * 1000;
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    for (const part of this.format.formatToParts(at)) {
      const n = Number(part.value);
      if (part.type === "year") y = n;
      else if (part.type === "month") mo = n;
      else if (part.type === "day") d = n;
      else if (part.type === "hour") h = n;
      else if (part.type === "minute") mi = n;
      else if (part.type === "second") s = n;
    }
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear puts them back.
    return (y < 100 ? new Date(wall).setUTCFullYear(y) : wall) - at;
  }
}

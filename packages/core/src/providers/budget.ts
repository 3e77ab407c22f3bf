/** A client's own call budget: how many calls per sliding minute and per UTC day a provider allows. */
export interface RateBudgets {
  /** Calls in any 60 s window; undefined = no limit. */
  perMinute?: number;
  /** Calls per UTC calendar day; undefined = no limit. */
  perDay?: number;
}

/** Alpha Vantage's free tier (5 calls a minute, 25 a day). */
export const ALPHA_VANTAGE_FREE_TIER = { perMinute: 5, perDay: 25 } as const satisfies RateBudgets;
/** CoinGecko's public / demo plan: about 30 calls a minute (10,000 a month is not enforced client-side). */
export const COINGECKO_FREE_TIER = { perMinute: 30 } as const satisfies RateBudgets;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first instant of the UTC day after `ms`. */
export function nextUtcMidnight(ms: number): number {
  return (Math.floor(ms / DAY_MS) + 1) * DAY_MS;
}

/**
 * The arithmetic of a rate budget, without any waiting: which calls were made, and when the next one may start.
 * The limiter that queues callers (packages/functions) asks it; a test can drive it with any clock.
 * e.g. with `{ perMinute: 5 }` and five calls at t=0, `nextAllowed(0)` → `60000`.
 */
export class CallLog {
  /** Start times of recent calls, oldest first (only the last `perMinute` matter). */
  private readonly recent: number[] = [];
  private day = "";
  private dayCount = 0;
  private pausedUntil = 0;

  constructor(
    private readonly budgets: RateBudgets,
    /** Calls already spent today by earlier processes (the ingest schedule persists it between runs). */
    spent?: { day: string; count: number },
  ) {
    if (spent) {
      this.day = spent.day;
      this.dayCount = spent.count;
    }
  }

  /** Earliest instant ≥ now at which one more call fits every budget and no pause holds. */
  nextAllowed(now: number): number {
    let t = Math.max(now, this.pausedUntil);
    const { perMinute, perDay } = this.budgets;
    if (perDay !== undefined && utcDay(t) === this.day && this.dayCount >= perDay) t = nextUtcMidnight(t);
    if (perMinute !== undefined && this.recent.length >= perMinute) {
      const oldest = this.recent[this.recent.length - perMinute] ?? t;
      t = Math.max(t, oldest + MINUTE_MS);
    }
    return t;
  }

  /** Records a call started at `t`. */
  record(t: number): void {
    const day = utcDay(t);
    if (day !== this.day) {
      this.day = day;
      this.dayCount = 0;
    }
    this.dayCount++;
    this.recent.push(t);
    const keep = this.budgets.perMinute ?? 0;
    if (this.recent.length > keep) this.recent.splice(0, this.recent.length - keep);
  }

  /** Holds every call until `t` (the provider said it is throttled, e.g. until its next day). */
  pauseUntil(t: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, t);
  }

  /** Takes into account calls another run spent (the larger count of a day wins; an older day is ignored). */
  restore(spent: { day: string; count: number }): void {
    if (spent.day > this.day) {
      this.day = spent.day;
      this.dayCount = spent.count;
    } else if (spent.day === this.day) this.dayCount = Math.max(this.dayCount, spent.count);
  }

  /** Calls spent on the UTC day of `now` (to persist between runs). */
  spent(now: number): { day: string; count: number } {
    const day = utcDay(now);
    return { day, count: day === this.day ? this.dayCount : 0 };
  }
}

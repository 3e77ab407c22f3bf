import { INTERVAL_MS, type Interval, SYMBOL_PATTERN, toUtcTs } from "../bar.js";
import { KeyIndex } from "./key-index.js";

const MINUTE_MS = 60_000;
const INTERVAL_INDEX: Readonly<Record<Interval, number>> = { "1d": 0, "1h": 1, "30m": 2, "15m": 3, "5m": 4, "1m": 5 };

/** How a record's key relates to the records before it. */
export type KeyVerdict =
  | { kind: "new" }
  | { kind: "duplicate" }
  /** `count`: records known to share the key; undefined when an exclusion came without counts. */
  | { kind: "conflict"; count: number | undefined };

const NEW: KeyVerdict = Object.freeze({ kind: "new" });
const DUPLICATE: KeyVerdict = Object.freeze({ kind: "duplicate" });

/** What a run remembers per (symbol, interval): key fingerprints and the previous passing bar. */
export class Series {
  /** Minute since the epoch (an integer for aligned ts) → fingerprint of the first record with that ts. */
  readonly seen = new KeyIndex();
  /** Exact duplicates per minute, so a later conflict can say how many records share the key. Rare: lazy. */
  dups: Map<number, number> | undefined;
  /** Minutes whose key met a conflict in this run. */
  conflicted: Set<number> | undefined;
  /** Minutes the caller excluded (a previous run's conflicts) → records sharing the key, when known. */
  excluded: Map<number, number | undefined> | undefined;
  hasPrevious = false;
  private prevOpen = 0;
  private prevHigh = 0;
  private prevLow = 0;
  prevClose = 0;
  private prevVolume = 0;

  constructor(
    readonly symbol: string,
    readonly interval: Interval,
  ) {}

  /** Makes a passing bar the one the next bar of the series is compared with (outlier, stale). */
  remember(open: number, high: number, low: number, close: number, volume: number): void {
    this.hasPrevious = true;
    this.prevOpen = open;
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    this.prevVolume = volume;
  }

  /** True when OHLCV equal the previous passing bar's. */
  isRepeat(open: number, high: number, low: number, close: number, volume: number): boolean {
    return (
      this.hasPrevious &&
      open === this.prevOpen &&
      high === this.prevHigh &&
      low === this.prevLow &&
      close === this.prevClose &&
      volume === this.prevVolume
    );
  }

  keyOf(minute: number): string {
    return `${this.symbol}|${this.interval}|${toUtcTs(minute * MINUTE_MS)}`;
  }
}

/** A symbol string seen in the object: its validity is tested once, its series hang off it. */
export interface SymbolState {
  readonly valid: boolean;
  series: (Series | undefined)[] | undefined;
}

// Counts of records per conflicting key, attached to the sets `conflictingKeys()` hands out, so the re-run
// the caller starts with that set can say "3 records share …" from its first record on.
const sharedCounts = new WeakMap<ReadonlySet<string>, ReadonlyMap<string, number>>();

/** Per-run memory of symbols, series and keys, kept compact: Maps keyed by small integers, no key strings. */
export class SeriesBook {
  private readonly symbols = new Map<string, SymbolState>();
  private readonly conflicts = new Map<string, number>();
  private lastText = "";
  private lastState: SymbolState | undefined;

  constructor(excludeKeys?: ReadonlySet<string>) {
    if (excludeKeys === undefined) return;
    const counts = sharedCounts.get(excludeKeys);
    for (const key of excludeKeys) {
      const [symbol, interval, ts, extra] = key.split("|");
      if (symbol === undefined || ts === undefined || extra !== undefined || !isInterval(interval)) continue;
      const tsMs = Date.parse(ts);
      // A key no record can produce (bad ts) is ignored rather than thrown on: it excludes nothing.
      if (!Number.isFinite(tsMs) || tsMs % MINUTE_MS !== 0) continue;
      const series = this.series(symbol, interval);
      series.excluded ??= new Map();
      series.excluded.set(tsMs / MINUTE_MS, counts?.get(key));
    }
  }

  /** The state of a symbol string, testing the symbol pattern on first sight only. */
  symbol(text: string): SymbolState {
    // Files are mostly one symbol or sorted by symbol: comparing with the last one skips hashing the string.
    if (text === this.lastText && this.lastState !== undefined) return this.lastState;
    let state = this.symbols.get(text);
    if (state === undefined) {
      state = { valid: SYMBOL_PATTERN.test(text), series: undefined };
      this.symbols.set(text, state);
    }
    this.lastText = text;
    this.lastState = state;
    return state;
  }

  series(symbol: string, interval: Interval): Series {
    const state = this.symbol(symbol);
    state.series ??= [];
    const index = INTERVAL_INDEX[interval];
    let series = state.series[index];
    if (series === undefined) {
      series = new Series(symbol, interval);
      state.series[index] = series;
    }
    return series;
  }

  /** Classifies a clean record's key (`minute` = ts / 60 000) against the records of the series before it. */
  judge(series: Series, minute: number, fingerprint: number): KeyVerdict {
    if (series.excluded?.has(minute)) return { kind: "conflict", count: series.excluded.get(minute) };
    if (series.conflicted?.has(minute)) {
      const key = series.keyOf(minute);
      const count = (this.conflicts.get(key) ?? 1) + 1;
      this.conflicts.set(key, count);
      return { kind: "conflict", count };
    }
    if (!series.seen.find(minute)) {
      series.seen.add(minute, fingerprint);
      return NEW;
    }
    if (series.seen.found === fingerprint) {
      series.dups ??= new Map();
      series.dups.set(minute, (series.dups.get(minute) ?? 0) + 1);
      return DUPLICATE;
    }
    series.conflicted ??= new Set();
    series.conflicted.add(minute);
    // The first record, its exact duplicates and this one.
    const count = 2 + (series.dups?.get(minute) ?? 0);
    this.conflicts.set(series.keyOf(minute), count);
    return { kind: "conflict", count };
  }

  /** Keys this run found in conflict (not the excluded ones: those are settled), with their counts attached. */
  conflictingKeys(): ReadonlySet<string> {
    const keys: ReadonlySet<string> = new Set(this.conflicts.keys());
    sharedCounts.set(keys, new Map(this.conflicts));
    return keys;
  }
}

function isInterval(value: string | undefined): value is Interval {
  return value !== undefined && Object.hasOwn(INTERVAL_MS, value);
}

import type { AssetClass } from "@market-data/core/bar";
import { DAY_MS } from "@market-data/core/calendar";
import type { RecordRuleId, Severity } from "@market-data/core/quality/types";
import { round4 } from "./gbm.ts";
import type { Rng } from "./prng.ts";

/**
 * Record-level defects the generator can inject, each built to break exactly one quality rule (QUALITY_RULES.md),
 * so a test can check that the pipeline quarantines those rows with that reason and nothing else.
 */
export const DEFECT_KINDS = [
  "negative-price",
  "zero-price",
  "high-below-low",
  "missing-price",
  "future-ts",
  "pre-1970-ts",
  "bad-volume",
  "duplicate-conflict",
  "duplicate-exact",
  "bad-symbol",
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

/**
 * The rule each kind must trigger. Prices are broken in a way that leaves the other rules satisfied: a negative or
 * zero *low* still satisfies both OHLC bounds, and "high below low" lowers only the high, so low ≤ min(open, close)
 * still holds and only `ohlc.high_bounds` fires (never `ohlc.low_bounds`).
 */
export const DEFECT_RULES = {
  "negative-price": "price.positive",
  "zero-price": "price.positive",
  "high-below-low": "ohlc.high_bounds",
  "missing-price": "price.present",
  "future-ts": "ts.not_future",
  "pre-1970-ts": "ts.plausible",
  "bad-volume": "volume.valid",
  "duplicate-conflict": "key.unique_conflict",
  "duplicate-exact": "key.unique_exact",
  "bad-symbol": "symbol.format",
} as const satisfies Record<DefectKind, RecordRuleId>;

export function severityOf(kind: DefectKind): Severity {
  return kind === "duplicate-exact" ? "warn" : "error";
}

/** What a format can express: no symbol column means no bad symbol; JSON objects keyed by time cannot repeat a key. */
export interface FormatTraits {
  symbolColumn: boolean;
  duplicates: boolean;
  volume: boolean;
}

export function applicableKinds(kinds: readonly DefectKind[], traits: FormatTraits): DefectKind[] {
  return kinds.filter((kind) => {
    if (kind === "bad-symbol") return traits.symbolColumn;
    if (kind === "duplicate-conflict" || kind === "duplicate-exact") return traits.duplicates;
    if (kind === "bad-volume") return traits.volume;
    return true;
  });
}

/** A cell as a format prints it: a number, a literal text (`"NaN"`, `"abc"`), or missing (empty CSV cell, JSON null). */
export type Cell = number | string | null;

/** One record ready to render; defects replace cells with values no clean generator would produce. */
export interface Cells {
  symbol: string;
  assetClass: AssetClass;
  currency: string;
  ts: number;
  tradeDate: string;
  open: Cell;
  high: Cell;
  low: Cell;
  close: Cell;
  adjClose: Cell;
  volume: Cell;
  dividend: number;
}

export interface PlannedDefect {
  kind: DefectKind;
  /** Picks among a kind's variants (which price is missing, how the volume is bad…). */
  variant: number;
}

/**
 * Chooses round(rate × records) distinct records (by index in file order) and a kind for each. `segments` are the
 * record counts of consecutive symbols: the last record of a symbol is never chosen, so an exact duplicate can be
 * placed after the *next* record of the same symbol (adjacent copies would also trip `bar.stale`). Kinds are dealt
 * round-robin from a shuffled list, so every requested kind appears once there are enough defects.
 */
export function planDefects(
  rng: Rng,
  segments: readonly number[],
  kinds: readonly DefectKind[],
  rate: number,
): Map<number, PlannedDefect> {
  const plan = new Map<number, PlannedDefect>();
  const total = segments.reduce((a, b) => a + b, 0);
  const candidates = segments.reduce((a, b) => a + Math.max(0, b - 1), 0);
  const count = Math.min(candidates, Math.round(rate * total));
  if (count === 0 || kinds.length === 0) return plan;
  // Shuffle by random insertion: a handful of kinds, and no index juggling.
  const dealt: DefectKind[] = [];
  for (const kind of kinds) dealt.splice(rng.int(dealt.length + 1), 0, kind);
  // Floyd's algorithm: `count` distinct ordinals in O(count), without an array of every row.
  const chosen = new Set<number>();
  const order: number[] = [];
  for (let j = candidates - count; j < candidates; j++) {
    const t = rng.int(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    order.push(pick);
  }
  order.forEach((ordinal, n) => {
    plan.set(candidateToIndex(segments, ordinal), {
      kind: dealt[n % dealt.length] ?? "negative-price",
      variant: rng.int(1 << 16),
    });
  });
  return plan;
}

/** The ordinal-th record that is not the last of its segment. */
function candidateToIndex(segments: readonly number[], ordinal: number): number {
  let base = 0;
  let left = ordinal;
  for (const length of segments) {
    const usable = Math.max(0, length - 1);
    if (left < usable) return base + left;
    left -= usable;
    base += length;
  }
  return base;
}

/** One output record: the item, its 1-based row in the file, and whether it is an injected copy. */
export interface Emitted<T> {
  item: T;
  index: number;
  row: number;
  defect: PlannedDefect | undefined;
  copy: boolean;
}

/**
 * Output order with duplicates inserted: a conflicting copy right after its original, an exact copy after the next
 * record. Used twice — over bare indices to number the manifest's rows without generating any bar, and over the
 * real records while rendering — so both always agree.
 */
export function* emitWithDefects<T>(
  items: Iterable<T>,
  plan: ReadonlyMap<number, PlannedDefect>,
): Generator<Emitted<T>> {
  let row = 0;
  let index = 0;
  let pending: Emitted<T> | undefined;
  for (const item of items) {
    const defect = plan.get(index);
    yield { item, index, row: ++row, defect, copy: false };
    if (defect?.kind === "duplicate-conflict") yield { item, index, row: ++row, defect, copy: true };
    if (pending) {
      yield { ...pending, row: ++row };
      pending = undefined;
    }
    if (defect?.kind === "duplicate-exact") pending = { item, index, row: 0, defect, copy: true };
    index++;
  }
  if (pending) yield { ...pending, row: ++row };
}

/** Whether the manifest lists this output row: both rows of a conflict, only the copy of an exact duplicate. */
export function isDefectRow<T>(e: Emitted<T>): e is Emitted<T> & { defect: PlannedDefect } {
  if (!e.defect) return false;
  if (e.defect.kind === "duplicate-exact") return e.copy;
  return true;
}

const PRICE_FIELDS = ["open", "high", "low", "close"] as const;
const MISSING = [null, "NaN"] as const;
const BAD_VOLUMES = ["negative", "fractional", "text"] as const;
const BAD_SYMBOLS = [
  (s: string) => `${s}'; DROP TABLE bars;--`,
  () => "<script>alert(1)</script>",
  (s: string) => `${s}" OR "1"="1`,
] as const;

/** How far timestamps move: whole weeks, so weekdays and time of day are kept and only the rule in question fires. */
export interface Shifts {
  futureMs: number;
  pastMs: number;
}

const WEEK_MS = 7 * DAY_MS;
const FUTURE_FLOOR = Date.UTC(2100, 0, 4);
const PAST_CEILING = Date.UTC(1969, 11, 1);

/** Shifts that move every bar of [firstTs, lastTs] past 2100 or before 1970, so shifted rows never collide. */
export function shiftsFor(firstTs: number, lastTs: number): Shifts {
  return {
    futureMs: Math.ceil((FUTURE_FLOOR - firstTs) / WEEK_MS) * WEEK_MS,
    pastMs: Math.ceil((lastTs + DAY_MS - PAST_CEILING) / WEEK_MS) * WEEK_MS,
  };
}

/** A short, format-independent description for the manifest. */
export function describeDefect(d: PlannedDefect, copy: boolean): string {
  switch (d.kind) {
    case "negative-price":
      return "low negated";
    case "zero-price":
      return "low = 0";
    case "high-below-low":
      return "high = 98 % of low";
    case "missing-price":
      return `${PRICE_FIELDS[d.variant % 4]} ${MISSING[(d.variant >> 2) % 2] === null ? "missing (empty / null)" : "= NaN"}`;
    case "future-ts":
      return "timestamp moved past 2100";
    case "pre-1970-ts":
      return "timestamp moved before 1970";
    case "bad-volume":
      return `volume ${BAD_VOLUMES[d.variant % 3]}`;
    case "duplicate-conflict":
      return copy ? "copy of the previous row with close +1 %" : "original of a conflicting copy on the next row";
    case "duplicate-exact":
      return "exact copy of the row before the previous one";
    case "bad-symbol":
      return d.variant % 3 === 1 ? "symbol with HTML" : "symbol with SQL";
  }
}

/** The record as the defect leaves it. Originals of duplicates are unchanged; only their copies differ. */
export function applyDefect(
  cells: Cells,
  d: PlannedDefect,
  copy: boolean,
  shifts: Shifts,
  tradeDateOf: (ms: number) => string,
): Cells {
  const num = (c: Cell): number => (typeof c === "number" ? c : 0);
  switch (d.kind) {
    case "negative-price":
      return { ...cells, low: -num(cells.low) };
    case "zero-price":
      return { ...cells, low: 0 };
    case "high-below-low":
      return { ...cells, high: round4(num(cells.low) * 0.98) };
    case "missing-price":
      return { ...cells, [PRICE_FIELDS[d.variant % 4] ?? "open"]: MISSING[(d.variant >> 2) % 2] ?? null };
    case "future-ts": {
      const ts = cells.ts + shifts.futureMs;
      return { ...cells, ts, tradeDate: tradeDateOf(ts) };
    }
    case "pre-1970-ts": {
      const ts = cells.ts - shifts.pastMs;
      return { ...cells, ts, tradeDate: tradeDateOf(ts) };
    }
    case "bad-volume":
      return { ...cells, volume: [-num(cells.volume), num(cells.volume) + 0.5, "abc"][d.variant % 3] ?? null };
    case "duplicate-conflict": {
      if (!copy) return cells;
      const close = round4(num(cells.close) * 1.01);
      return { ...cells, close, high: Math.max(num(cells.high), close) };
    }
    case "duplicate-exact":
      return cells;
    case "bad-symbol":
      return { ...cells, symbol: (BAD_SYMBOLS[d.variant % 3] ?? BAD_SYMBOLS[0])(cells.symbol) };
  }
}

import { ASSET_CLASSES, INTERVALS, SOURCES, UTC_TS_PATTERN } from "@market-data/core/bar";
import type { LatestPrice } from "@market-data/core/ports";
import * as v from "valibot";

const utcTs = v.pipe(v.string(), v.regex(UTC_TS_PATTERN));

/** Valibot schema of `LatestPrice` (ports.ts): reads stored items back, and documents the API's responses. */
export const LatestPriceSchema = v.object({
  symbol: v.string(),
  interval: v.picklist(INTERVALS),
  ts: utcTs,
  as_of: utcTs,
  open: v.number(),
  high: v.number(),
  low: v.number(),
  close: v.number(),
  volume: v.number(),
  currency: v.nullable(v.string()),
  asset_class: v.picklist(ASSET_CLASSES),
  source: v.picklist(SOURCES),
  source_key: v.string(),
  ingested_at: utcTs,
});

// Both directions, so the schema can neither drop nor invent a field of the port's type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesPort: Same<v.InferOutput<typeof LatestPriceSchema>, LatestPrice> = true;
void schemaMatchesPort;

/** Parses a stored item; throws when the store holds something that is not a LatestPrice (a fault, not data). */
export function parseLatestPrice(item: unknown): LatestPrice {
  return v.parse(LatestPriceSchema, item);
}

/** True when `a` must replace `b` under the monotonic rule: later `as_of`, or equal with `ingested_at` ≥. */
export function supersedes(a: LatestPrice, b: LatestPrice): boolean {
  // Canonical UTC timestamps (fixed width, `Z`) compare correctly as strings.
  return a.as_of > b.as_of || (a.as_of === b.as_of && a.ingested_at >= b.ingested_at);
}

/**
 * The price each symbol would end with if the batch were applied in order: one per symbol, so a batch
 * can be one SQL statement (Postgres refuses to update a row twice in one INSERT … ON CONFLICT).
 */
export function newestPerSymbol(prices: readonly LatestPrice[]): LatestPrice[] {
  const best = new Map<string, LatestPrice>();
  for (const price of prices) {
    const held = best.get(price.symbol);
    if (!held || supersedes(price, held)) best.set(price.symbol, price);
  }
  return [...best.values()];
}

/** Symbol order of `LatestPriceStore.all()` (symbols are ASCII, so code-unit order is byte order). */
export function bySymbol(a: LatestPrice, b: LatestPrice): number {
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}

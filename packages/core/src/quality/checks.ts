import type { CandidateBar } from "../parse/types.js";

/** A broken rule found by one of the price / volume checks: the reason and the value worth showing. */
export interface Finding {
  reason: string;
  value: unknown;
}

// Reasons quote raw text; a hostile cell must not turn a reason into a wall of text.
const MAX_QUOTED_CHARS = 64;

/** Quotes raw text for a reason, JSON-escaped and shortened. e.g. `quote("<script>") === "\"<script>\""`. */
export function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text);
}

function describe(value: number): string {
  return Number.isNaN(value) ? "empty or not a number" : `${value}, not finite`;
}

/** True when open, high, low and close are all finite numbers. */
export function allPricesFinite(c: CandidateBar): boolean {
  return Number.isFinite(c.open) && Number.isFinite(c.high) && Number.isFinite(c.low) && Number.isFinite(c.close);
}

/** `price.present`: every missing or non-finite price named once. */
export function missingPrices(c: CandidateBar): Finding | undefined {
  if (allPricesFinite(c)) return undefined;
  const parts: string[] = [];
  if (!Number.isFinite(c.open)) parts.push(`open is ${describe(c.open)}`);
  if (!Number.isFinite(c.high)) parts.push(`high is ${describe(c.high)}`);
  if (!Number.isFinite(c.low)) parts.push(`low is ${describe(c.low)}`);
  if (!Number.isFinite(c.close)) parts.push(`close is ${describe(c.close)}`);
  // NaN would serialise as null: the input shows which cell was empty or garbled.
  return parts.length === 0 ? undefined : { reason: parts.join("; "), value: c.input };
}

/** `price.positive` over the finite prices (missing ones are `price.present`'s). */
export function nonPositivePrices(c: CandidateBar): Finding | undefined {
  // Hot path: no allocation unless a price is ≤ 0 (NaN compares false and is price.present's).
  if (!(c.open <= 0 || c.high <= 0 || c.low <= 0 || c.close <= 0)) return undefined;
  const names: string[] = [];
  let first = 0;
  for (const [name, price] of [
    ["open", c.open],
    ["high", c.high],
    ["low", c.low],
    ["close", c.close],
  ] as const) {
    if (Number.isFinite(price) && price <= 0) {
      if (names.length === 0) first = price;
      names.push(`${name} ${price}`);
    }
  }
  if (names.length === 0) return undefined;
  const verb = names.length === 1 ? "is" : "are";
  return { reason: `${names.join(", ")} ${verb} not greater than 0`, value: first };
}

/**
 * `ohlc.high_bounds` on present, positive prices. A high below the low (swapped columns, the usual cause) is
 * named as such; otherwise the larger of open and close the high falls short of.
 */
export function highBelow(c: CandidateBar): Finding | undefined {
  const { open, high, low, close } = c;
  if (high >= low && high >= open && high >= close) return undefined;
  const [name, other] = high < low ? ["low", low] : open >= close ? ["open", open] : ["close", close];
  return { reason: `high ${high} is below ${name} ${other}`, value: high };
}

/** `ohlc.low_bounds` on present, positive prices: names the smaller of open and close the low exceeds. */
export function lowAbove(c: CandidateBar): Finding | undefined {
  const { open, low, close } = c;
  if (low <= open && low <= close) return undefined;
  const [name, other] = open <= close ? ["open", open] : ["close", close];
  return { reason: `low ${low} is above ${name} ${other}`, value: low };
}

/** `volume.valid`: present, a safe integer, ≥ 0. */
export function invalidVolume(c: CandidateBar): Finding | undefined {
  const volume = c.volume;
  if (Number.isSafeInteger(volume) && volume >= 0) return undefined;
  if (!Number.isFinite(volume)) return { reason: `volume is ${describe(volume)}`, value: c.input };
  if (volume < 0) return { reason: `volume ${volume} is negative`, value: volume };
  if (!Number.isInteger(volume)) return { reason: `volume ${volume} is not a whole number`, value: volume };
  return { reason: `volume ${volume} is too large to be stored exactly`, value: volume };
}

/** `adj_close.positive`: when given, finite and > 0. */
export function invalidAdjClose(c: CandidateBar): Finding | undefined {
  const adj = c.adjClose;
  if (adj === null || (adj > 0 && adj < Number.POSITIVE_INFINITY)) return undefined;
  if (Number.isFinite(adj)) return { reason: `adj_close ${adj} is not greater than 0`, value: adj };
  return { reason: `adj_close is ${describe(adj)}`, value: c.input };
}

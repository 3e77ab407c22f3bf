import { SYMBOL_PATTERN } from "@market-data/core";

/** What the freshness check checks. */
export interface FreshnessConfig {
  /** The tracked symbols; undefined: every symbol that has a latest price. */
  tracked?: string[];
  /** How long after a session's close its bar must exist (providers publish daily bars some time after). */
  graceMs: number;
}

export const DEFAULT_GRACE_MINUTES = 120;

/** A setting the freshness check cannot use: thrown per invocation, so the error alarm names it. */
export class FreshnessConfigError extends Error {
  readonly code = "FRESHNESS_CONFIG";
  constructor(message: string) {
    super(message);
    this.name = "FreshnessConfigError";
  }
}

/**
 * The configuration from `FRESHNESS_SYMBOLS` (comma-separated, e.g. `AAPL,MSFT,BTC-USD`; unset = every stored
 * symbol) and `FRESHNESS_GRACE_MINUTES` (default 120).
 */
export function freshnessConfigFromEnv(env: Readonly<Record<string, string | undefined>>): FreshnessConfig {
  const minutesText = env.FRESHNESS_GRACE_MINUTES?.trim() || String(DEFAULT_GRACE_MINUTES);
  const minutes = Number(minutesText);
  if (!Number.isInteger(minutes) || minutes < 0) {
    throw new FreshnessConfigError(
      `FRESHNESS_GRACE_MINUTES must be a whole number of minutes ≥ 0, got "${minutesText}"`,
    );
  }
  const listed = (env.FRESHNESS_SYMBOLS ?? "")
    .split(",")
    .map((symbol) => symbol.trim().toUpperCase())
    .filter((symbol) => symbol !== "");
  const invalid = listed.filter((symbol) => !SYMBOL_PATTERN.test(symbol));
  if (invalid.length > 0)
    throw new FreshnessConfigError(`FRESHNESS_SYMBOLS holds invalid symbols: ${invalid.join(", ")}`);
  return { ...(listed.length > 0 ? { tracked: listed } : {}), graceMs: minutes * 60_000 };
}

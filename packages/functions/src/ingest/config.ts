import { INTERVALS, type Interval } from "@market-data/core/bar";
import { PULL_SYMBOL_PATTERN } from "@market-data/core/providers/raw-key";
import { PROVIDERS, type ProviderId } from "@market-data/core/providers/types";

/** What the schedule pulls from one provider. */
export interface SourceConfig {
  provider: ProviderId;
  symbols: readonly string[];
  interval: Interval;
  /**
   * The period one pull stands for: every tick inside it names the same raw object, so only its first successful
   * tick fetches (a daily pull once a day, whatever the schedule's rate).
   */
  period: Interval;
}

export interface IngestConfig {
  sources: readonly SourceConfig[];
  /** Consecutive failed ticks of a symbol before it raises a provider alert. */
  alertAfterFailures: number;
  /** Symbols of one provider in flight at once (the rate limiter still spaces the calls). */
  concurrency: number;
}

/** A setting that cannot work, named with what to set instead. */
export class IngestConfigError extends Error {
  readonly code = "INGEST_CONFIG";
  constructor(message: string) {
    super(message);
    this.name = "IngestConfigError";
  }
}

const ENV_NAME: Record<ProviderId, string> = { alphavantage: "ALPHAVANTAGE", coingecko: "COINGECKO" };

/**
 * The schedule's configuration from the environment the stack (or `npm start`) sets:
 * `INGEST_<PROVIDER>_SYMBOLS=AAPL,MSFT` (none: the provider is not pulled), `INGEST_<PROVIDER>_INTERVAL` (default
 * 1d), `INGEST_<PROVIDER>_PERIOD` (default 1d for daily bars, 1h for intraday), `INGEST_ALERT_AFTER_FAILURES`
 * (default 3), `INGEST_CONCURRENCY` (default 4). PROVIDER is ALPHAVANTAGE or COINGECKO.
 */
export function ingestConfigFromEnv(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const sources: SourceConfig[] = [];
  for (const provider of PROVIDERS) {
    const name = `INGEST_${ENV_NAME[provider]}`;
    const symbols = symbolList(env[`${name}_SYMBOLS`], `${name}_SYMBOLS`);
    if (symbols.length === 0) continue;
    const interval = intervalOf(env[`${name}_INTERVAL`], `${name}_INTERVAL`, "1d");
    const period = intervalOf(env[`${name}_PERIOD`], `${name}_PERIOD`, interval === "1d" ? "1d" : "1h");
    sources.push({ provider, symbols, interval, period });
  }
  return {
    sources,
    alertAfterFailures: positive(env.INGEST_ALERT_AFTER_FAILURES, "INGEST_ALERT_AFTER_FAILURES", 3),
    concurrency: positive(env.INGEST_CONCURRENCY, "INGEST_CONCURRENCY", 4),
  };
}

/** `aapl, MSFT,,msft` → `["AAPL", "MSFT"]`. */
export function symbolList(text: string | undefined, name: string): string[] {
  const symbols = [
    ...new Set(
      (text ?? "")
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== ""),
    ),
  ];
  const bad = symbols.filter((s) => !PULL_SYMBOL_PATTERN.test(s));
  if (bad.length > 0) {
    throw new IngestConfigError(
      `${name} holds symbols that cannot be pulled (${bad.join(", ")}): use 1–24 of A-Z 0-9 . - ^ =`,
    );
  }
  return symbols;
}

function intervalOf(text: string | undefined, name: string, fallback: Interval): Interval {
  if (text === undefined || text.trim() === "") return fallback;
  const interval = INTERVALS.find((i) => i === text.trim());
  if (interval === undefined)
    throw new IngestConfigError(`${name} must be one of ${INTERVALS.join(", ")} (got "${text}")`);
  return interval;
}

function positive(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text.trim() === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new IngestConfigError(`${name} must be a whole number ≥ 1 (got "${text}")`);
  return n;
}

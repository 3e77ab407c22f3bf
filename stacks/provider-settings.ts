// The provider schedule's deploy-time settings, apart from the stack so they can be read (and tested) without the
// SST globals: which symbols each provider is pulled for, the rate budgets of your plans.
import type { ProviderId } from "@market-data/core/providers/types";
import { ingestConfigFromEnv } from "../packages/functions/src/ingest/config";

/** What the schedule pulls unless the deploy says otherwise: a few calls a day, inside both free tiers. */
export const DEFAULT_INGEST_SETTINGS: Readonly<Record<string, string>> = {
  INGEST_ALPHAVANTAGE_SYMBOLS: "AAPL,MSFT",
  INGEST_COINGECKO_SYMBOLS: "BTC-USD,ETH-USD",
};

/**
 * Deploy-time settings handed to the function as they are: the names packages/functions/src/ingest/config.ts and
 * providers/from-env.ts read (the wiring test feeds the function's environment through both and checks each is read).
 */
export const INGEST_SETTINGS = [
  "INGEST_ALPHAVANTAGE_SYMBOLS",
  "INGEST_ALPHAVANTAGE_INTERVAL",
  "INGEST_ALPHAVANTAGE_PERIOD",
  "INGEST_COINGECKO_SYMBOLS",
  "INGEST_COINGECKO_INTERVAL",
  "INGEST_COINGECKO_PERIOD",
  "INGEST_ALERT_AFTER_FAILURES",
  "INGEST_CONCURRENCY",
  "ALPHA_VANTAGE_PER_MINUTE",
  "ALPHA_VANTAGE_PER_DAY",
  "COINGECKO_PER_MINUTE",
  "COINGECKO_PLAN",
] as const;

/**
 * The schedule's settings from the deploy's environment (`INGEST_ALPHAVANTAGE_SYMBOLS=IBM,SPY npx sst deploy`), the
 * symbol lists defaulting to DEFAULT_INGEST_SETTINGS (set one empty to stop pulling that provider), and the
 * providers they pull. Checked with the function's own parser, so a symbol list it would refuse stops the deploy
 * instead of failing every tick.
 */
export function ingestSettings(env: Readonly<Record<string, string | undefined>> = process.env): {
  environment: Record<string, string>;
  providers: ProviderId[];
} {
  const environment: Record<string, string> = {};
  for (const name of INGEST_SETTINGS) {
    const value = env[name] ?? DEFAULT_INGEST_SETTINGS[name];
    if (value !== undefined) environment[name] = value;
  }
  const providers = ingestConfigFromEnv(environment).sources.map((source) => source.provider);
  if (providers.length === 0) {
    throw new Error("INGEST_ALPHAVANTAGE_SYMBOLS and INGEST_COINGECKO_SYMBOLS are both empty: nothing to pull");
  }
  return { environment, providers };
}

import {
  type AlphaVantageOptions,
  alphaVantageSlices,
  classifyAlphaVantage,
} from "@market-data/core/providers/alphavantage";
import { ALPHA_VANTAGE_FREE_TIER, type RateBudgets } from "@market-data/core/providers/budget";
import { type ClientOptions, ProviderClient } from "./client.js";
import { RateLimiter } from "./rate-limiter.js";

export const ALPHA_VANTAGE_BASE_URL = "https://www.alphavantage.co";

export interface AlphaVantageClientOptions extends Omit<ClientOptions, "limiter"> {
  apiKey: string;
  /** Default https://www.alphavantage.co; the fake provider's URL in tests and offline. */
  baseUrl?: string;
  /** Default: the free tier, 5 a minute and 25 a day. */
  budgets?: RateBudgets;
  /** Calls already spent today (carried over between scheduled runs). */
  spent?: { day: string; count: number };
  /** Shares a limiter with other clients of the same key (one budget per key, not per client). */
  limiter?: RateLimiter;
  request?: AlphaVantageOptions;
}

/**
 * Alpha Vantage: TIME_SERIES_DAILY, TIME_SERIES_DAILY_ADJUSTED and TIME_SERIES_INTRADAY (with `month=` slices for
 * history). The key travels in the query string (Alpha Vantage takes it nowhere else), so every URL that is logged
 * or put in a message is redacted first.
 */
export function alphaVantageClient(options: AlphaVantageClientOptions): ProviderClient {
  const base = (options.baseUrl ?? ALPHA_VANTAGE_BASE_URL).replace(/\/+$/, "");
  const limiter =
    options.limiter ?? new RateLimiter(options.budgets ?? ALPHA_VANTAGE_FREE_TIER, options.clock, options.spent);
  return new ProviderClient(
    {
      id: "alphavantage",
      name: "Alpha Vantage",
      plan: (symbol, interval, range, now) => alphaVantageSlices(symbol, interval, range, now, options.request),
      url: (slice) => `${base}${slice.path}?${new URLSearchParams({ ...slice.params, apikey: options.apiKey })}`,
      headers: () => ({ accept: "application/json" }),
      classify: (answer, _slice, now) => classifyAlphaVantage(answer, now),
      secrets: [options.apiKey],
    },
    { ...options, limiter },
  );
}

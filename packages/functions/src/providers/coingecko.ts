import { COINGECKO_FREE_TIER, type RateBudgets } from "@market-data/core/providers/budget";
import { classifyCoinGecko, coinGeckoSlices } from "@market-data/core/providers/coingecko";
import { type ClientOptions, ProviderClient } from "./client.js";
import { RateLimiter } from "./rate-limiter.js";

/** CoinGecko plans and where each is served; a key goes in the plan's header (never in the URL, never logged). */
export const COINGECKO_PLANS = {
  public: { baseUrl: "https://api.coingecko.com/api/v3", header: undefined },
  demo: { baseUrl: "https://api.coingecko.com/api/v3", header: "x-cg-demo-api-key" },
  pro: { baseUrl: "https://pro-api.coingecko.com/api/v3", header: "x-cg-pro-api-key" },
} as const;
export type CoinGeckoPlan = keyof typeof COINGECKO_PLANS;

export interface CoinGeckoClientOptions extends Omit<ClientOptions, "limiter"> {
  /** A demo or pro key; without one, the public API. */
  apiKey?: string;
  /** Default `demo` with a key, `public` without. */
  plan?: CoinGeckoPlan;
  /** Default: the plan's base URL (the fake provider's in tests and offline, e.g. `http://127.0.0.1:8787/api/v3`). */
  baseUrl?: string;
  /** Default 30 a minute. */
  budgets?: RateBudgets;
  limiter?: RateLimiter;
}

/** CoinGecko: `market_chart/range` for daily bars, `ohlc` for 30-minute candles; 429 honours Retry-After. */
export function coinGeckoClient(options: CoinGeckoClientOptions = {}): ProviderClient {
  const plan = COINGECKO_PLANS[options.plan ?? (options.apiKey ? "demo" : "public")];
  const base = (options.baseUrl ?? plan.baseUrl).replace(/\/+$/, "");
  const limiter = options.limiter ?? new RateLimiter(options.budgets ?? COINGECKO_FREE_TIER, options.clock);
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.apiKey && plan.header) headers[plan.header] = options.apiKey;
  return new ProviderClient(
    {
      id: "coingecko",
      name: "CoinGecko",
      plan: (symbol, interval, range, now) => coinGeckoSlices(symbol, interval, range, now),
      url: (slice) => `${base}${slice.path}?${new URLSearchParams(slice.params)}`,
      headers: () => headers,
      classify: (answer, slice, now) => classifyCoinGecko(answer, slice.dataset, now),
      secrets: options.apiKey ? [options.apiKey] : [],
    },
    { ...options, limiter },
  );
}

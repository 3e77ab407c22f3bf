import type { Interval } from "../bar.js";

/** Market-data providers the pipeline pulls from. */
export const PROVIDERS = ["alphavantage", "coingecko"] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** Inclusive UTC calendar days `YYYY-MM-DD`; an open end means "up to the latest" / "as far back as the plan goes". */
export interface DateRange {
  from?: string;
  to?: string;
}

/**
 * One provider request that yields one raw object. `params` never holds a credential: clients add the key when
 * they send, so a slice can be logged, stored and compared as is.
 */
export interface ProviderSlice {
  provider: ProviderId;
  /** Canonical symbol: `AAPL`, `BTC-USD`. */
  symbol: string;
  interval: Interval;
  /** What the request returns, also the raw key's folder: `daily`, `daily_adjusted`, `intraday`, `ohlc`, `market_chart`. */
  dataset: string;
  /** Path below the provider's base URL: `/query`, `/coins/bitcoin/ohlc`. */
  path: string;
  params: Readonly<Record<string, string>>;
  /**
   * The data period the request covers, part of the raw key: `latest` for "the newest bars" (the schedule's
   * pulls; the tick's period names them), a month `2024-03`, or a date range `2020-01-01_2024-06-28`.
   */
  period: string;
  /**
   * Key folders between `raw/<provider>/` and the symbol, in order: the dataset and the segments the parsers read
   * (`intraday/interval=5m`, `bitcoin/market_chart/vs=usd`: CoinGecko keys start with the coin id, as the parser expects).
   */
  keySegments: readonly string[];
}

/** Stable codes of provider failures (one error model: see STYLE.md). */
export const PROVIDER_ERROR = {
  /** Rate limited (HTTP 429, or Alpha Vantage's HTTP-200 `Note` / `Information` body). Retryable. */
  throttled: "PROVIDER_THROTTLED",
  /** 5xx, timeout, connection reset or refused. Retryable. */
  unavailable: "PROVIDER_UNAVAILABLE",
  /** The provider does not know the symbol (delisted, mistyped, not in the coin map). Not retried. */
  unknownSymbol: "PROVIDER_UNKNOWN_SYMBOL",
  /** The endpoint needs a paid plan. Not retried. */
  premium: "PROVIDER_PREMIUM_ONLY",
  /** The API key is missing, invalid or not allowed (401 / 403, Alpha Vantage's key notice). Not retried. */
  auth: "PROVIDER_AUTH",
  /** The answer is not the data asked for: malformed JSON, an HTML page, an unexpected shape. Not retried. */
  badResponse: "PROVIDER_BAD_RESPONSE",
  /** Any other refusal (a 4xx, an `Error Message` about the request itself). Not retried. */
  rejected: "PROVIDER_REJECTED",
} as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR)[keyof typeof PROVIDER_ERROR];

/** Codes worth another attempt after a pause. */
export const RETRYABLE_CODES: ReadonlySet<ProviderErrorCode> = new Set([
  PROVIDER_ERROR.throttled,
  PROVIDER_ERROR.unavailable,
]);

/** What an HTTP answer turned out to be. */
export type Classification =
  | { ok: true }
  | {
      ok: false;
      code: ProviderErrorCode;
      /** Says what happened and, where it helps, what to do; never holds a credential. */
      reason: string;
      /** The provider said how long to wait (Retry-After), in ms. */
      retryAfterMs?: number;
      /** Which budget a throttle exhausted: a per-day one means "wait for the next day", not a short backoff. */
      window?: "minute" | "day";
    };

/** An HTTP answer as the classifiers see it. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  /** The body decoded as UTF-8 (the raw bytes are kept apart, untouched). */
  text: string;
  /** The `Retry-After` header as sent, if any. */
  retryAfter?: string | null;
}

// Recorded-shape provider payloads, rendered by the sample generator (scripts/sample): Alpha Vantage through its
// own renderer, CoinGecko candles and market charts from generated bars. Deterministic: the same request gives
// the same bytes, like a provider whose history does not change.
import type { Interval } from "@market-data/core/bar";
import { generateSamples, textOf } from "../sample/index.ts";

const SEED = 7;
const DAY_MS = 86_400_000;
const AV_INTERVALS: Readonly<Record<string, Exclude<Interval, "1d">>> = {
  "1min": "1m",
  "5min": "5m",
  "15min": "15m",
  "30min": "30m",
  "60min": "1h",
};

/** Alpha Vantage's answers that are not data (fixtures/alphavantage/README.md). */
export const AV_BODIES = {
  throttleMinute: {
    Note: "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.",
  },
  throttleDay: {
    Information:
      "Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.",
  },
  premium: {
    Information:
      "Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints",
  },
  invalidCall: (fn: string) => ({
    "Error Message": `Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for ${fn}.`,
  }),
  missingKey: {
    "Error Message":
      "the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.",
  },
} as const;

export const COINGECKO_THROTTLE_BODY = {
  status: {
    error_code: 429,
    error_message:
      "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits.",
  },
};

/** An Alpha Vantage TIME_SERIES_* body for a query, or null when the query is not one the fake serves. */
export function alphaVantagePayload(query: URLSearchParams, today: string): string | null {
  const fn = query.get("function");
  const symbol = query.get("symbol") ?? "";
  const full = query.get("outputsize") === "full";
  if (fn === "TIME_SERIES_DAILY" || fn === "TIME_SERIES_DAILY_ADJUSTED") {
    const format = fn === "TIME_SERIES_DAILY" ? "av-daily" : "av-daily-adjusted";
    return render({ symbols: [symbol], format, days: full ? 600 : 100, end: today });
  }
  if (fn !== "TIME_SERIES_INTRADAY") return null;
  const interval = AV_INTERVALS[query.get("interval") ?? ""];
  if (interval === undefined) return null;
  const month = query.get("month");
  if (month !== null) {
    if (!/^\d{4}-\d{2}$/.test(month)) return null;
    const [y, m] = month.split("-").map(Number) as [number, number];
    const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    // About a month of sessions ending with the month (or today, for the current month).
    return render({ symbols: [symbol], format: "av-intraday", interval, days: 19, end: minDate(monthEnd, today) });
  }
  return render({ symbols: [symbol], format: "av-intraday", interval, days: full ? 20 : 2, end: today });
}

/** CoinGecko `/coins/{id}/ohlc?days=N`: 30-minute candles for 1–2 days, daily ones beyond (the fake's simplification). */
export function coinGeckoOhlc(symbol: string, days: number, today: string): string {
  if (days > 2) return render({ symbols: [symbol], format: "coingecko-ohlc", days: Math.min(days, 365), end: today });
  const candles = bars(symbol, "30m", days, today).map((b) => [b.ms + 1_800_000, b.open, b.high, b.low, b.close]);
  return JSON.stringify(candles);
}

/**
 * CoinGecko `market_chart` / `market_chart/range` between two instants (ms): hourly points up to 90 days, daily
 * beyond, as CoinGecko does. Market caps and volumes are derived from the bars (the parser reads prices and volumes).
 */
export function coinGeckoMarketChart(symbol: string, fromMs: number, toMs: number, today: string): string {
  const todayEnd = Date.parse(`${today}T23:59:59Z`);
  const to = Math.min(toMs, todayEnd);
  const spanDays = Math.max(1, Math.ceil((to - fromMs) / DAY_MS));
  const interval: Interval = spanDays > 90 ? "1d" : "1h";
  const points = bars(symbol, interval, spanDays + 1, new Date(to).toISOString().slice(0, 10)).filter(
    (b) => b.ms >= fromMs && b.ms <= to,
  );
  return JSON.stringify({
    prices: points.map((b) => [b.ms, b.close]),
    market_caps: points.map((b) => [b.ms, Math.round(b.close * 19_700_000)]),
    total_volumes: points.map((b) => [b.ms, Math.round(b.volume * b.close)]),
  });
}

interface Bar {
  ms: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Generated bars of one symbol, read back from the generator's canonical JSONL. */
function bars(symbol: string, interval: Interval, days: number, end: string): Bar[] {
  const text = render({ symbols: [symbol], format: "jsonl", interval, days, end });
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const row = JSON.parse(line) as {
        ts: string;
        open: number;
        high: number;
        low: number;
        close: number;
        volume: number;
      };
      return {
        ms: Date.parse(row.ts),
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        volume: row.volume,
      };
    });
}

function render(options: Parameters<typeof generateSamples>[0]): string {
  const [file] = generateSamples({ ...options, defectRate: 0, seed: SEED }).files;
  if (file === undefined) throw new Error("the sample generator produced no file");
  return textOf(file);
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

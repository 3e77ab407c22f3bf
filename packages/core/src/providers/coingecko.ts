/**
 * CoinGecko requests and answers, without I/O (fixtures/coingecko/README.md). Daily bars come from
 * `market_chart/range` in chunks of at most 90 days, where CoinGecko still answers hourly points (the parser makes
 * a real open / high / low / close of each UTC day from them; above 90 days it answers one point a day).
 * 30-minute candles come from `ohlc?days=1|2`, the only span the public API serves at that granularity.
 */
import type { Interval } from "../bar.js";
import { coinGeckoMessage } from "../parse/coingecko.js";
import { COIN_TICKERS } from "../parse/coins.js";
import { type Failure, quote, readJson, statusFailure } from "./answer.js";
import { utcDay } from "./budget.js";
import { type Classification, type DateRange, type HttpAnswer, PROVIDER_ERROR, type ProviderSlice } from "./types.js";

const TICKER_TO_ID: ReadonlyMap<string, string> = new Map([...COIN_TICKERS].map(([id, ticker]) => [ticker, id]));

/** A coin as CoinGecko names it. */
export interface Coin {
  id: string;
  /** Quote currency, lower case as CoinGecko wants it (`usd`). */
  vs: string;
  /** The pipeline's symbol: `BTC-USD`. */
  symbol: string;
}

/**
 * The CoinGecko coin of a symbol (`BTC-USD` → bitcoin in usd) or of a coin id (`bitcoin` → BTC-USD), through the
 * parsers' coin map, so what is pulled is what the parser will name. null when the map does not hold it.
 */
export function coinOf(symbolOrId: string): Coin | null {
  const text = symbolOrId.trim();
  const byId = COIN_TICKERS.get(text.toLowerCase());
  if (byId !== undefined) return { id: text.toLowerCase(), vs: "usd", symbol: `${byId}-USD` };
  const match = /^([A-Z0-9]{2,12})-([A-Z]{3,5})$/.exec(text.toUpperCase());
  const id = match?.[1] === undefined ? undefined : TICKER_TO_ID.get(match[1]);
  if (id === undefined || match?.[2] === undefined) return null;
  return { id, vs: match[2].toLowerCase(), symbol: `${match[1]}-${match[2]}` };
}

/** Widest range `market_chart/range` answers with hourly points. */
const HOURLY_MAX_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * The calls that fetch a coin's bars for a range (ranges are UTC days, inclusive), or why there are none.
 * e.g. `coinGeckoSlices("BTC-USD", "1d", { from: "2024-01-01", to: "2024-06-30" }, now)` → two `market_chart/range` chunks.
 */
export function coinGeckoSlices(
  symbol: string,
  interval: Interval,
  range: DateRange | undefined,
  now: number,
): ProviderSlice[] | Failure {
  const coin = coinOf(symbol);
  if (coin === null) {
    return {
      ok: false,
      code: PROVIDER_ERROR.unknownSymbol,
      reason: `the symbol ${symbol} is not in the CoinGecko coin map (${[...COIN_TICKERS.values()].slice(0, 6).join(", ")}, …): use a listed ticker such as BTC-USD, or add the coin to packages/core/src/parse/coins.ts`,
    };
  }
  const base = { provider: "coingecko" as const, symbol: coin.symbol, interval };
  const vsSegment = `vs=${coin.vs}`;
  const history = range !== undefined && (range.from !== undefined || range.to !== undefined);
  if (interval === "30m") {
    const from = range?.from === undefined ? now : Date.parse(`${range.from}T00:00:00Z`);
    if (history && from < now - 2 * DAY_MS) {
      return unsupported(
        `CoinGecko's public API serves 30-minute candles for the last 2 days only (asked from ${range?.from})`,
      );
    }
    return [
      {
        ...base,
        dataset: "ohlc",
        path: `/coins/${encodeURIComponent(coin.id)}/ohlc`,
        params: { vs_currency: coin.vs, days: history ? "2" : "1" },
        period: history ? `${utcDay(from)}_${range?.to ?? utcDay(now)}` : "latest",
        keySegments: [coin.id, "ohlc", "interval=30m", vsSegment],
      },
    ];
  }
  if (interval !== "1d") {
    return unsupported(
      `CoinGecko has no ${interval} candles on its public API: ask for 1d (market_chart) or 30m (ohlc)`,
    );
  }
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  // The latest pull covers two whole days and today so far: yesterday's bar is complete by the time it is written.
  const firstDay = range?.from === undefined ? today - (history ? 89 : 2) * DAY_MS : dayStart(range.from);
  const lastDay = range?.to === undefined ? today : Math.min(dayStart(range.to), today);
  if (!(firstDay <= lastDay)) return unsupported(`the range ${range?.from} … ${range?.to} holds no day up to today`);
  const slices: ProviderSlice[] = [];
  for (let start = firstDay; start <= lastDay; start += HOURLY_MAX_DAYS * DAY_MS) {
    const end = Math.min(start + (HOURLY_MAX_DAYS - 1) * DAY_MS, lastDay);
    // CoinGecko's range is in unix seconds and inclusive; the chunk ends where its last day ends (or now).
    const to = Math.min(end + DAY_MS - 1000, now);
    slices.push({
      ...base,
      dataset: "market_chart",
      path: `/coins/${encodeURIComponent(coin.id)}/market_chart/range`,
      params: { vs_currency: coin.vs, from: String(start / 1000), to: String(Math.floor(to / 1000)) },
      period: history ? `${utcDay(start)}_${utcDay(end)}` : "latest",
      keySegments: [coin.id, "market_chart", vsSegment],
    });
  }
  return slices;
}

function dayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function unsupported(reason: string): Failure {
  return { ok: false, code: PROVIDER_ERROR.rejected, reason };
}

/**
 * What a CoinGecko answer is. 429 carries Retry-After; 404 is a coin CoinGecko does not know; an error body on
 * HTTP 200 is read like the parser reads it.
 * e.g. HTTP 429 with `Retry-After: 30` → `PROVIDER_THROTTLED`, `retryAfterMs` 30000.
 */
export function classifyCoinGecko(answer: HttpAnswer, dataset: string, now: number): Classification {
  if (answer.status === 404) {
    return {
      ok: false,
      code: PROVIDER_ERROR.unknownSymbol,
      reason: `CoinGecko does not know the coin (HTTP 404${answer.text.trim() ? `: ${quote(answer.text, 120)}` : ""})`,
    };
  }
  if (answer.status === 401 && /time range|paid plan|upgrade|10012/i.test(answer.text)) {
    return {
      ok: false,
      code: PROVIDER_ERROR.premium,
      reason: `CoinGecko serves this range to paid plans only: ${quote(answer.text, 160)}`,
    };
  }
  const byStatus = statusFailure("CoinGecko", answer, now);
  if (byStatus) return byStatus;
  const json = readJson("CoinGecko", answer);
  if (!json.ok) return json;
  const message = coinGeckoMessage(json.value);
  if (message) {
    const throttled = /429|rate limit/i.test(message);
    return {
      ok: false,
      code: throttled ? PROVIDER_ERROR.throttled : PROVIDER_ERROR.rejected,
      reason: message,
      ...(throttled ? { window: "minute" as const } : {}),
    };
  }
  if (dataset === "ohlc" && !Array.isArray(json.value)) {
    return {
      ok: false,
      code: PROVIDER_ERROR.badResponse,
      reason: "CoinGecko answered /ohlc with something other than an array of candles",
    };
  }
  if (dataset === "market_chart") {
    const prices = (json.value as { prices?: unknown } | null)?.prices;
    if (!Array.isArray(prices)) {
      return {
        ok: false,
        code: PROVIDER_ERROR.badResponse,
        reason: "CoinGecko answered /market_chart without a `prices` array",
      };
    }
  }
  return { ok: true };
}

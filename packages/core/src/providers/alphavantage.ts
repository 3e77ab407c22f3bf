/**
 * Alpha Vantage requests and answers, without I/O: which calls cover a symbol, interval and date range, and what
 * an answer is. Alpha Vantage answers HTTP 200 for throttling and errors; only the body tells
 * (fixtures/alphavantage/README.md).
 */
import type { Interval } from "../bar.js";
import { type Failure, quote, readJson, statusFailure } from "./answer.js";
import { utcDay } from "./budget.js";
import { type Classification, type DateRange, type HttpAnswer, PROVIDER_ERROR, type ProviderSlice } from "./types.js";

/** Alpha Vantage's names of the intraday intervals. */
export const AV_INTRADAY_INTERVAL = {
  "1h": "60min",
  "30m": "30min",
  "15m": "15min",
  "5m": "5min",
  "1m": "1min",
} as const satisfies Record<Exclude<Interval, "1d">, string>;

/** Options of {@link alphaVantageSlices}. */
export interface AlphaVantageOptions {
  /** Daily bars with adjusted close, dividends and splits (TIME_SERIES_DAILY_ADJUSTED, a premium endpoint today). */
  adjusted?: boolean;
  /** Forces the output size; by default `compact` (last 100 bars) unless the range reaches further back. */
  outputsize?: "compact" | "full";
}

/** Intraday history starts here (Alpha Vantage documents month slices back to 2000-01). */
const FIRST_MONTH = "2000-01";
/** `compact` holds the last 100 bars: about 140 calendar days of daily bars. */
const COMPACT_DAYS = 140;
const DAY_MS = 86_400_000;

/**
 * The calls that fetch `symbol`'s bars for a range: without a range the newest bars (`compact`); for daily
 * history one `full` call; for intraday history one `month=YYYY-MM` call per month, oldest first.
 * e.g. `alphaVantageSlices("IBM", "5m", { from: "2024-01-15", to: "2024-02-10" }, now)` → months 2024-01 and 2024-02.
 */
export function alphaVantageSlices(
  symbol: string,
  interval: Interval,
  range: DateRange | undefined,
  now: number,
  options: AlphaVantageOptions = {},
): ProviderSlice[] {
  const base = { provider: "alphavantage" as const, symbol, interval, path: "/query" };
  const history = range !== undefined && (range.from !== undefined || range.to !== undefined);
  if (interval === "1d") {
    const fn = options.adjusted ? "TIME_SERIES_DAILY_ADJUSTED" : "TIME_SERIES_DAILY";
    const from = range?.from;
    const compact = from === undefined || Date.parse(`${from}T00:00:00Z`) >= now - COMPACT_DAYS * DAY_MS;
    const outputsize = options.outputsize ?? (compact ? "compact" : "full");
    return [
      {
        ...base,
        dataset: options.adjusted ? "daily_adjusted" : "daily",
        params: { function: fn, symbol, outputsize },
        period: history ? `${from ?? "start"}_${range?.to ?? utcDay(now)}` : "latest",
        keySegments: [options.adjusted ? "daily_adjusted" : "daily"],
      },
    ];
  }
  const avInterval = AV_INTRADAY_INTERVAL[interval];
  const intraday = { ...base, dataset: "intraday", keySegments: ["intraday", `interval=${interval}`] };
  if (!history) {
    return [
      {
        ...intraday,
        params: {
          function: "TIME_SERIES_INTRADAY",
          symbol,
          interval: avInterval,
          outputsize: options.outputsize ?? "compact",
        },
        period: "latest",
      },
    ];
  }
  const last = (range?.to ?? utcDay(now)).slice(0, 7);
  const first = (range?.from ?? range?.to ?? utcDay(now)).slice(0, 7);
  return monthsBetween(first < FIRST_MONTH ? FIRST_MONTH : first, last).map((month) => ({
    ...intraday,
    // `full` with `month=`: the whole month, not its last 100 bars.
    params: { function: "TIME_SERIES_INTRADAY", symbol, interval: avInterval, month, outputsize: "full" },
    period: month,
  }));
}

/** Months `YYYY-MM` from `first` to `last`, inclusive. e.g. `monthsBetween("2023-11", "2024-01")` → 3 months. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [year, month] = first.split("-").map(Number) as [number, number];
  for (let guard = 0; guard < 1200; guard++) {
    const label = `${year}-${String(month).padStart(2, "0")}`;
    if (label > last) break;
    out.push(label);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}

const THROTTLE = /rate limit|call frequency|calls per minute|requests per (day|minute)|calls per day|spreading out/i;
const PREMIUM = /premium (endpoint|plan|feature)|premium-only|subscribe to .*premium/i;
const KEY_PROBLEM = /api ?key|apikey/i;

/**
 * What an Alpha Vantage answer is: data, or a failure with a stable code. A throttle says which budget it hit
 * (`per day` waits for the next day; `per minute` backs off); `Error Message` on a well-formed request means the
 * symbol is unknown.
 * e.g. `{"Information": "… rate limit is 25 requests per day …"}` → `PROVIDER_THROTTLED`, window `day`.
 */
export function classifyAlphaVantage(answer: HttpAnswer, now: number): Classification {
  const byStatus = statusFailure("Alpha Vantage", answer, now);
  if (byStatus) return byStatus;
  const json = readJson("Alpha Vantage", answer);
  if (!json.ok) return json;
  const body = json.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return bad(`Alpha Vantage answered with JSON that is not an object (${quote(JSON.stringify(body) ?? "", 60)})`);
  }
  const fields = body as Record<string, unknown>;
  const message = providerMessage(fields);
  if (message) return message;
  const series = Object.keys(fields).find((key) => /Time Series/.test(key));
  if (series === undefined) {
    const keys = Object.keys(fields).slice(0, 6).join(", ") || "none";
    return bad(`Alpha Vantage answered without a time series (top-level keys: ${keys})`);
  }
  return { ok: true };
}

function providerMessage(fields: Record<string, unknown>): Failure | null {
  const error = fields["Error Message"];
  if (typeof error === "string") {
    if (KEY_PROBLEM.test(error)) return fail(PROVIDER_ERROR.auth, `Alpha Vantage refused the API key: ${quote(error)}`);
    return fail(
      PROVIDER_ERROR.unknownSymbol,
      `Alpha Vantage does not know the symbol (Error Message: ${quote(error)}): check it is listed (SYMBOL_SEARCH) and not delisted`,
    );
  }
  for (const name of ["Note", "Information"] as const) {
    const text = fields[name];
    if (typeof text !== "string") continue;
    if (THROTTLE.test(text)) {
      // The old per-minute note also names the daily limit; a per-minute mention means a short wait will do.
      const window = /per minute/i.test(text) || !/per day|daily/i.test(text) ? "minute" : "day";
      return {
        ok: false,
        code: PROVIDER_ERROR.throttled,
        reason: `Alpha Vantage throttled the request (${window === "day" ? "daily" : "per-minute"} limit, ${name}: ${quote(text)})`,
        window,
      };
    }
    if (PREMIUM.test(text)) {
      return fail(
        PROVIDER_ERROR.premium,
        `Alpha Vantage serves this request to premium plans only (${name}: ${quote(text)})`,
      );
    }
    if (KEY_PROBLEM.test(text))
      return fail(PROVIDER_ERROR.auth, `Alpha Vantage refused the API key (${name}: ${quote(text)})`);
    return fail(
      PROVIDER_ERROR.rejected,
      `Alpha Vantage answered with a notice instead of data (${name}: ${quote(text)})`,
    );
  }
  return null;
}

function fail(code: Failure["code"], reason: string): Failure {
  return { ok: false, code, reason };
}

function bad(reason: string): Failure {
  return fail(PROVIDER_ERROR.badResponse, reason);
}

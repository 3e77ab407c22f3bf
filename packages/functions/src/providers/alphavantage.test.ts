import { Logger } from "@aws-lambda-powertools/logger";
import { parseText } from "@market-data/core/parse/testing";
import { providerRawKey } from "@market-data/core/providers/raw-key";
import { PROVIDER_ERROR } from "@market-data/core/providers/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../../../scripts/fake-provider/server.ts";
import { type AlphaVantageClientOptions, alphaVantageClient } from "./alphavantage.js";
import { BudgetDeferredError, ProviderError } from "./errors.js";
import { RateLimiter } from "./rate-limiter.js";
import { RecordingLogger, VirtualClock } from "./testing.js";

// The Alpha Vantage client against the fake provider: real HTTP on loopback, virtual time for budgets and backoff.
const KEY = "AVKEY-Zq93xK7pW2";
const START = Date.parse("2024-07-01T15:00:00Z");
let fake: FakeProvider;
let clock: VirtualClock;
let logger: RecordingLogger;

beforeAll(async () => {
  fake = await startFakeProvider({ today: "2024-06-28", unknown: ["NOPE"], apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  clock = new VirtualClock(START);
  logger = new RecordingLogger();
});

function client(options: Partial<AlphaVantageClientOptions> = {}) {
  return alphaVantageClient({
    apiKey: KEY,
    baseUrl: fake.alphaVantageUrl,
    clock,
    logger,
    timeoutMs: 300,
    retry: { maxAttempts: 4, baseMs: 1_000, capMs: 30_000 },
    ...options,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe("alphaVantageClient", () => {
  it("fetches daily bars whose untouched payload the parser reads under the key the schedule writes", async () => {
    const [payload] = await client().fetchBars("IBM", "1d");
    if (payload === undefined) throw new Error("no payload");
    expect(payload.slice.params).toMatchObject({ function: "TIME_SERIES_DAILY", outputsize: "compact" });
    expect(payload.attempts).toBe(1);
    const key = providerRawKey(payload.slice, Date.parse("2024-07-01T00:00:00Z"));
    expect(key).toBe("raw/alphavantage/daily/symbol=IBM/date=2024-07-01/IBM-20240701T000000Z.json");
    const parsed = parseText(new TextDecoder().decode(payload.body), key);
    if ("ok" in parsed) throw new Error(parsed.reason);
    expect(parsed.meta).toMatchObject({ format: "alphavantage.daily", interval: "1d" });
    expect(parsed.records.length).toBe(100);
    expect(parsed.records[0]?.symbol).toBe("IBM");
    expect(fake.requests[0]?.url).toContain(`apikey=${KEY}`); // the key does reach the provider
  });

  it("pulls intraday history as one month= slice per month, each parseable", async () => {
    const payloads = await client({ budgets: {} }).fetchBars("MSFT", "5m", { from: "2024-01-15", to: "2024-03-02" });
    expect(payloads.map((p) => p.slice.params.month)).toEqual(["2024-01", "2024-02", "2024-03"]);
    for (const payload of payloads) {
      expect(payload.slice.params).toMatchObject({
        function: "TIME_SERIES_INTRADAY",
        interval: "5min",
        outputsize: "full",
      });
      const key = providerRawKey(payload.slice, 0);
      expect(key).toMatch(
        /^raw\/alphavantage\/intraday\/interval=5m\/symbol=MSFT\/date=2024-0\d-01\/MSFT-2024-0\d\.json$/,
      );
      const parsed = parseText(new TextDecoder().decode(payload.body), key);
      if ("ok" in parsed) throw new Error(parsed.reason);
      expect(parsed.meta).toMatchObject({ format: "alphavantage.intraday", interval: "5m" });
    }
  });

  it("backs off on the HTTP-200 throttle body and succeeds later", async () => {
    fake.inject({ fault: "throttle", times: 2, provider: "alphavantage" });
    const [payload] = await client({ random: () => 0.5 }).fetchBars("IBM", "1d");
    expect(payload?.attempts).toBe(3);
    expect(fake.requests.map((r) => r.fault ?? "data")).toEqual(["throttle", "throttle", "data"]);
    // Full jitter at 0.5: 500 ms, then 1000 ms; the throttle pauses the limiter, which does the waiting.
    expect(clock.now() - START).toBeGreaterThanOrEqual(1_500);
    expect(logger.at("WARN").map((l) => l.code)).toEqual([PROVIDER_ERROR.throttled, PROVIDER_ERROR.throttled]);
  });

  it("waits for the next UTC day when the provider says the daily limit is spent", async () => {
    fake.inject({ fault: "throttle-daily" });
    const [payload] = await client().fetchBars("IBM", "1d");
    expect(payload?.attempts).toBe(1); // a day's wait is not an attempt against the cap
    expect(clock.now()).toBeGreaterThanOrEqual(Date.parse("2024-07-02T00:00:00Z"));
    expect(logger.at("WARN")[0]?.message).toMatch(/daily budget exhausted/);
  });

  it("queues work beyond the daily budget and resumes it the next day, dropping nothing", async () => {
    const limiter = new RateLimiter({ perMinute: 5, perDay: 3 }, clock);
    const grants: number[] = [];
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = async (options) => {
      await acquire(options);
      grants.push(clock.now());
    };
    const av = client({ limiter });
    const symbols = ["IBM", "MSFT", "AAPL", "NVDA", "JPM"];
    const results = await Promise.all(symbols.map((symbol) => av.fetchBars(symbol, "1d")));
    expect(results.map((r) => r[0]?.slice.symbol)).toEqual(symbols);
    const asked = fake.requests.map((r) => new URL(r.url, "http://x").searchParams.get("symbol"));
    expect(asked.sort()).toEqual([...symbols].sort());
    // Three calls on the first day, the two queued ones right after the next UTC midnight.
    const nextDay = Date.parse("2024-07-02T00:00:00Z");
    expect(grants.map((t) => (t < nextDay ? "day 1" : t === nextDay ? "midnight" : "later"))).toEqual([
      "day 1",
      "day 1",
      "day 1",
      "midnight",
      "midnight",
    ]);
    expect(av.limiter.spent()).toEqual({ day: "2024-07-02", count: 2 });
  });

  it("spreads calls over the per-minute budget instead of failing them", async () => {
    const av = client({ budgets: { perMinute: 2 } });
    await Promise.all(["A", "B", "C", "D", "E"].map((s) => av.fetchBars(s, "1d")));
    expect(fake.requests).toHaveLength(5);
    expect(clock.now() - START).toBe(120_000); // calls at 0, 0, 60, 60, 120 s
  });

  it("tells a caller with a deadline that the budget has no slot before it (work deferred, not failed)", async () => {
    const limiter = new RateLimiter({ perDay: 1 }, clock);
    const av = client({ limiter });
    await av.fetchBars("IBM", "1d");
    const error = await av.fetchBars("MSFT", "1d", undefined, { deadline: START + 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetDeferredError);
    expect((error as BudgetDeferredError).nextAt).toBe(Date.parse("2024-07-02T00:00:00Z"));
    expect(fake.requests).toHaveLength(1);
  });

  it("retries HTTP 5xx up to the cap, then reports PROVIDER_UNAVAILABLE", async () => {
    fake.inject({ fault: "error", times: 10 });
    const error = await failureOf(client().fetchBars("IBM", "1d"));
    expect(error.code).toBe(PROVIDER_ERROR.unavailable);
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ attempts: 4, status: 500, provider: "alphavantage", symbol: "IBM" });
    expect(error.message).toMatch(/HTTP 500.*gave up after 4 attempts/);
    expect(fake.requests).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it("retries a timeout and succeeds when the provider answers again", async () => {
    fake.inject({ fault: "timeout" });
    const [payload] = await client().fetchBars("IBM", "1d");
    expect(payload?.attempts).toBe(2);
    expect(logger.at("WARN")[0]?.reason).toMatch(/timed out/);
  });

  it("times out a provider that sends headers and then stalls, up to the cap", async () => {
    fake.inject({ fault: "stall", times: 4 });
    const error = await failureOf(client().fetchBars("IBM", "1d"));
    expect(error.code).toBe(PROVIDER_ERROR.unavailable);
    expect(error.message).toMatch(/timed out.*gave up after 4 attempts/);
  });

  it("retries a reset connection up to the cap, then reports it", async () => {
    fake.inject({ fault: "reset", times: 4 });
    const error = await failureOf(client().fetchBars("IBM", "1d"));
    expect(error.code).toBe(PROVIDER_ERROR.unavailable);
    expect(error.message).toMatch(/connection failed/);
    expect(fake.requests).toHaveLength(4);
  });

  it("surfaces malformed JSON as a clear provider error, without retrying", async () => {
    fake.inject({ fault: "malformed" });
    const error = await failureOf(client().fetchBars("IBM", "1d"));
    expect(error.code).toBe(PROVIDER_ERROR.badResponse);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/Alpha Vantage answered HTTP 200 with malformed JSON .*cut off or corrupted/);
    expect(fake.requests).toHaveLength(1);
  });

  it("surfaces an HTML error page as a clear provider error", async () => {
    fake.inject({ fault: "html" });
    const error = await failureOf(client().fetchBars("IBM", "1d"));
    expect(error.code).toBe(PROVIDER_ERROR.badResponse);
    expect(error.message).toBe(
      'Alpha Vantage answered HTTP 200 with an HTML page ("Service Temporarily Unavailable") instead of JSON: an error page from the provider or a proxy',
    );
  });

  it("retries a proxy's HTML 502 like any 5xx", async () => {
    fake.inject({ fault: "bad-gateway" });
    const [payload] = await client().fetchBars("IBM", "1d");
    expect(payload?.attempts).toBe(2);
    expect(logger.at("WARN")[0]?.reason).toMatch(/HTTP 502: an HTML page \("502 Bad Gateway"\)/);
  });

  it("reports premium-only endpoints and unknown symbols without retrying", async () => {
    fake.inject({ fault: "premium" });
    const premium = await failureOf(client({ request: { adjusted: true } }).fetchBars("IBM", "1d"));
    expect(premium.code).toBe(PROVIDER_ERROR.premium);
    const unknown = await failureOf(client().fetchBars("NOPE", "1d"));
    expect(unknown.code).toBe(PROVIDER_ERROR.unknownSymbol);
    expect(unknown.message).toMatch(/does not know the symbol/);
    expect(fake.requests).toHaveLength(2);
  });

  it("never puts the API key in a log line or an error message", async () => {
    const written: string[] = [];
    // Powertools writes DEBUG/INFO to stdout and WARN/ERROR to stderr: both are captured.
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture);
    const powertools = new Logger({ serviceName: "ingest", logLevel: "DEBUG" });
    const errors: unknown[] = [];
    try {
      for (const fault of ["error", "timeout", "reset", "malformed", "html", "premium", "throttle"] as const) {
        fake.inject({ fault, times: 4 });
        for (const log of [logger, powertools]) {
          await client({ logger: log, retry: { maxAttempts: 2 } })
            .fetchBars("IBM", "1d")
            .catch((e: unknown) => errors.push(e));
          fake.inject({ fault, times: 4 });
        }
        fake.clearFaults();
      }
      await client({ apiKey: "wrong-key-123456" })
        .fetchBars("IBM", "1d")
        .catch((e: unknown) => errors.push(e));
      await client({ logger: powertools }).fetchBars("IBM", "1d");
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(fake.requests.some((r) => r.url.includes(KEY))).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(14);
    expect(logger.lines.length).toBeGreaterThan(20);
    expect(written.join("")).toMatch(/"provider request".*"provider request failed; retrying"/s);
    for (const line of [...logger.lines, ...written]) expect(line).not.toContain(KEY);
    for (const error of errors) {
      const e = error as Error;
      for (const text of [e.message, e.stack ?? "", String(e), JSON.stringify(e)]) expect(text).not.toContain(KEY);
    }
  });
});

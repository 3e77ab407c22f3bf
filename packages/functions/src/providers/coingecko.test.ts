import { parseText } from "@market-data/core/parse/testing";
import { providerRawKey } from "@market-data/core/providers/raw-key";
import { PROVIDER_ERROR } from "@market-data/core/providers/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../../../scripts/fake-provider/server.ts";
import { type CoinGeckoClientOptions, coinGeckoClient } from "./coingecko.js";
import { ProviderError } from "./errors.js";
import { RecordingLogger, VirtualClock } from "./testing.js";

// The CoinGecko client against the fake provider: coin map, 429 with Retry-After, demo / pro key headers.
const KEY = "CG-demo-7hQ2xLp90";
const NOW = Date.parse("2024-06-28T12:00:00Z");
let fake: FakeProvider;
let clock: VirtualClock;
let logger: RecordingLogger;

beforeAll(async () => {
  fake = await startFakeProvider({ today: "2024-06-28", apiKey: KEY, unknown: ["dogecoin"] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  clock = new VirtualClock(NOW);
  logger = new RecordingLogger();
});

function client(options: Partial<CoinGeckoClientOptions> = {}) {
  return coinGeckoClient({ apiKey: KEY, baseUrl: fake.coinGeckoUrl, clock, logger, timeoutMs: 300, ...options });
}

function parse(payload: { body: Uint8Array; slice: Parameters<typeof providerRawKey>[0] }) {
  const key = providerRawKey(payload.slice, Date.parse("2024-06-28T00:00:00Z"));
  const parsed = parseText(new TextDecoder().decode(payload.body), key);
  if ("ok" in parsed) throw new Error(`${key}: ${parsed.reason}`);
  return { key, parsed };
}

describe("coinGeckoClient", () => {
  it("pulls 30-minute candles from /ohlc, named so the parser resolves the coin and the interval", async () => {
    const [payload] = await client().fetchBars("BTC-USD", "30m");
    if (payload === undefined) throw new Error("no payload");
    expect(payload.slice.path).toBe("/coins/bitcoin/ohlc");
    const { key, parsed } = parse(payload);
    expect(key).toBe(
      "raw/coingecko/bitcoin/ohlc/interval=30m/vs=usd/symbol=BTC-USD/date=2024-06-28/BTC-USD-20240628T000000Z.json",
    );
    expect(parsed.meta).toMatchObject({ format: "coingecko.ohlc", interval: "30m", currency: "USD" });
    expect(parsed.records[0]?.symbol).toBe("BTC-USD");
  });

  it("pulls daily history from market_chart/range in chunks of at most 90 days, each parseable", async () => {
    const payloads = await client().fetchBars("ETH-USD", "1d", { from: "2024-01-01", to: "2024-06-27" });
    expect(payloads.map((p) => p.slice.period)).toEqual(["2024-01-01_2024-03-30", "2024-03-31_2024-06-27"]);
    let days = 0;
    for (const payload of payloads) {
      const { parsed } = parse(payload);
      expect(parsed.meta).toMatchObject({ format: "coingecko.market_chart", interval: "1d" });
      days += parsed.records.length;
    }
    expect(days).toBe(179);
  });

  it("accepts a coin id for a symbol and maps it through the parsers' coin map", () => {
    expect(client().slices("bitcoin", "1d")[0]?.symbol).toBe("BTC-USD");
  });

  it("honours Retry-After on HTTP 429", async () => {
    fake.inject({ fault: "throttle", retryAfter: 7 });
    const [payload] = await client({ random: () => 0 }).fetchBars("BTC-USD", "30m");
    expect(payload?.attempts).toBe(2);
    expect(clock.now() - NOW).toBeGreaterThanOrEqual(7_000);
    expect(logger.at("WARN")[0]).toMatchObject({ code: PROVIDER_ERROR.throttled, delayMs: 7_000 });
  });

  it("sends a demo key in x-cg-demo-api-key and a pro key in x-cg-pro-api-key, never in a log line", async () => {
    await client().fetchBars("BTC-USD", "30m");
    await client({ plan: "pro" }).fetchBars("BTC-USD", "30m");
    expect(fake.requests.map((r) => [r.headers["x-cg-demo-api-key"], r.headers["x-cg-pro-api-key"]])).toEqual([
      [KEY, undefined],
      [undefined, KEY],
    ]);
    const error = await client({ apiKey: "CG-wrong-key-1234" })
      .fetchBars("BTC-USD", "30m")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe(PROVIDER_ERROR.auth);
    for (const line of logger.lines) expect(line).not.toMatch(/CG-demo-7hQ2xLp90|CG-wrong-key-1234/);
    expect((error as Error).message).not.toContain("CG-wrong-key-1234");
  });

  it("reports a coin outside the map without calling, and a coin CoinGecko does not know as unknown", async () => {
    const unmapped = (() => {
      try {
        client().slices("ZZZ-USD", "1d");
      } catch (e) {
        return e;
      }
    })();
    expect(unmapped).toBeInstanceOf(ProviderError);
    expect((unmapped as ProviderError).code).toBe(PROVIDER_ERROR.unknownSymbol);
    const missing = await client()
      .fetchBars("DOGE-USD", "1d")
      .catch((e: unknown) => e);
    expect((missing as ProviderError).code).toBe(PROVIDER_ERROR.unknownSymbol);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a 5xx and a reset, then surfaces garbage as a bad response", async () => {
    fake.inject({ fault: "error" });
    fake.inject({ fault: "reset" });
    fake.inject({ fault: "malformed" });
    const error = await client()
      .fetchBars("BTC-USD", "30m")
      .catch((e: unknown) => e);
    expect((error as ProviderError).code).toBe(PROVIDER_ERROR.badResponse);
    expect((error as ProviderError).details.attempts).toBe(3);
  });
});

import { describe, expect, it } from "vitest";
import { classifyCoinGecko, coinGeckoSlices, coinOf } from "./coingecko.js";
import { PROVIDER_ERROR, type ProviderSlice } from "./types.js";

const NOW = Date.parse("2024-06-28T12:00:00Z");

function slices(result: ReturnType<typeof coinGeckoSlices>): ProviderSlice[] {
  if (!Array.isArray(result)) throw new Error(result.reason);
  return result;
}

describe("coinOf", () => {
  it("maps symbols and coin ids both ways through the parsers' map", () => {
    expect(coinOf("BTC-USD")).toEqual({ id: "bitcoin", vs: "usd", symbol: "BTC-USD" });
    expect(coinOf("eth-eur")).toEqual({ id: "ethereum", vs: "eur", symbol: "ETH-EUR" });
    expect(coinOf("avalanche-2")).toEqual({ id: "avalanche-2", vs: "usd", symbol: "AVAX-USD" });
    expect(coinOf("ZZZ-USD")).toBeNull();
    expect(coinOf("AAPL")).toBeNull();
  });
});

describe("coinGeckoSlices", () => {
  it("pulls the latest days through today from market_chart/range", () => {
    const [slice] = slices(coinGeckoSlices("BTC-USD", "1d", undefined, NOW));
    expect(slice).toMatchObject({
      path: "/coins/bitcoin/market_chart/range",
      params: { vs_currency: "usd", from: String(Date.parse("2024-06-26T00:00:00Z") / 1000), to: String(NOW / 1000) },
      period: "latest",
      keySegments: ["bitcoin", "market_chart", "vs=usd"],
    });
  });

  it("cuts long ranges into 90-day chunks so CoinGecko keeps answering hourly points", () => {
    const chunks = slices(coinGeckoSlices("BTC-USD", "1d", { from: "2023-01-01", to: "2023-12-31" }, NOW));
    expect(chunks.map((s) => s.period)).toEqual([
      "2023-01-01_2023-03-31",
      "2023-04-01_2023-06-29",
      "2023-06-30_2023-09-27",
      "2023-09-28_2023-12-26",
      "2023-12-27_2023-12-31",
    ]);
    expect(chunks[4]?.params.to).toBe(String(Date.parse("2023-12-31T23:59:59Z") / 1000));
  });

  it("serves 30-minute candles for the last two days only, and no other intraday interval", () => {
    expect(slices(coinGeckoSlices("BTC-USD", "30m", undefined, NOW))[0]?.params).toEqual({
      vs_currency: "usd",
      days: "1",
    });
    expect(coinGeckoSlices("BTC-USD", "30m", { from: "2024-01-01" }, NOW)).toMatchObject({ ok: false });
    expect(coinGeckoSlices("BTC-USD", "5m", undefined, NOW)).toMatchObject({
      ok: false,
      code: PROVIDER_ERROR.rejected,
    });
    expect(coinGeckoSlices("NOPE-USD", "1d", undefined, NOW)).toMatchObject({ code: PROVIDER_ERROR.unknownSymbol });
  });
});

describe("classifyCoinGecko", () => {
  const answer = (status: number, text: string, retryAfter?: string) => ({
    status,
    contentType: "application/json",
    text,
    retryAfter: retryAfter ?? null,
  });

  it("reads 429 with Retry-After, 404, paid-plan ranges and error bodies", () => {
    expect(classifyCoinGecko(answer(429, '{"status":{"error_code":429}}', "30"), "ohlc", NOW)).toMatchObject({
      code: PROVIDER_ERROR.throttled,
      retryAfterMs: 30_000,
    });
    expect(classifyCoinGecko(answer(404, '{"error":"coin not found"}'), "ohlc", NOW)).toMatchObject({
      code: PROVIDER_ERROR.unknownSymbol,
    });
    expect(
      classifyCoinGecko(
        answer(401, '{"error":{"status":{"error_code":10012,"error_message":"exceeds the allowed time range"}}}'),
        "market_chart",
        NOW,
      ),
    ).toMatchObject({ code: PROVIDER_ERROR.premium });
    expect(
      classifyCoinGecko(answer(200, '{"status":{"error_code":429,"error_message":"rate"}}'), "ohlc", NOW),
    ).toMatchObject({
      code: PROVIDER_ERROR.throttled,
    });
    expect(classifyCoinGecko(answer(200, '{"error":"invalid vs_currency"}'), "ohlc", NOW)).toMatchObject({
      code: PROVIDER_ERROR.rejected,
    });
  });

  it("checks the shape of the dataset asked for", () => {
    expect(classifyCoinGecko(answer(200, "[[1,2,3,4,5]]"), "ohlc", NOW)).toEqual({ ok: true });
    expect(classifyCoinGecko(answer(200, '{"prices":[]}'), "market_chart", NOW)).toEqual({ ok: true });
    expect(classifyCoinGecko(answer(200, '{"prices":[]}'), "ohlc", NOW)).toMatchObject({
      code: PROVIDER_ERROR.badResponse,
    });
    expect(classifyCoinGecko(answer(200, "[]"), "market_chart", NOW)).toMatchObject({
      code: PROVIDER_ERROR.badResponse,
    });
  });
});

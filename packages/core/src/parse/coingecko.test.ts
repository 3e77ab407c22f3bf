// Uses the shared fixtures in /work/shared/fixtures (read-only reference payloads), resolved from this file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { coinSymbol } from "./coins.js";
import { parseHints } from "./hints.js";
import { CHUNK_SIZES, parseOk, parseReject, parseText, utc } from "./testing.js";

const OHLC = readFileSync(
  new URL("../../../../../shared/fixtures/coingecko/ohlc_bitcoin_shape.json", import.meta.url),
  "utf8",
);
const HOUR = 3_600_000;

const candles = (start: number, step: number, n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => [start + i * step, 100 + i, 110 + i, 90 + i, 105 + i]));

describe("CoinGecko ohlc", () => {
  it("reads the bitcoin fixture: daily candles stamped at their close, volume 0", () => {
    const { meta, records } = parseOk(OHLC, "raw/coingecko/bitcoin/ohlc.json");
    expect(meta).toEqual({
      format: "coingecko.ohlc",
      source: "coingecko",
      interval: "1d",
      assetClass: "crypto",
      currency: "USD",
      timeZone: "UTC",
    });
    expect(
      records.map((r) => [r.row, r.symbol, r.interval, r.tsMs, r.tradeDate, r.open, r.high, r.low, r.close, r.volume]),
    ).toEqual([
      [1, "BTC-USD", "1d", utc("2023-11-14T00:00:00Z"), "2023-11-14", 36485.1, 36720.5, 36306.2, 36590.0, 0],
      [2, "BTC-USD", "1d", utc("2023-11-15T00:00:00Z"), "2023-11-15", 36590.0, 37955.4, 36520.9, 37880.3, 0],
      [3, "BTC-USD", "1d", utc("2023-11-16T00:00:00Z"), "2023-11-16", 37880.3, 37920.0, 35955.7, 36165.2, 0],
    ]);
    expect(records[0]?.input).toEqual([1700006400000, 36485.1, 36720.5, 36306.2, 36590.0]);
  });

  it("infers 30m and 1h candles from their spacing", () => {
    expect(
      parseOk(candles(utc("2024-01-05T00:30:00Z"), HOUR / 2, 48), "raw/coingecko/ethereum/x.json").meta.interval,
    ).toBe("30m");
    const { meta, records } = parseOk(candles(utc("2024-01-05T01:00:00Z"), HOUR, 24), "raw/coingecko/ethereum/x.json");
    expect(meta.interval).toBe("1h");
    expect(records[0]).toMatchObject({ symbol: "ETH-USD", tsMs: utc("2024-01-05T00:00:00Z") });
  });

  it("rejects 4-hour candles, explaining which days= give a supported interval", () => {
    expect(
      parseReject(candles(utc("2024-01-05T04:00:00Z"), 4 * HOUR, 42), "raw/coingecko/bitcoin/x.json"),
    ).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringMatching(/4 hours apart.*days=1 or 2/),
    });
  });

  it("rejects a single candle whose interval cannot be told, unless the key states it", () => {
    const one = candles(utc("2024-01-06T00:00:00Z"), 0, 1);
    expect(parseReject(one, "raw/coingecko/bitcoin/x.json")).toMatchObject({ rule: "file.format_known" });
    expect(parseOk(one, "raw/coingecko/bitcoin/interval=1d/x.json").records[0]?.tsMs).toBe(utc("2024-01-05T00:00:00Z"));
  });

  it("returns zero records for an empty array", () => {
    expect(parseOk("[]", "raw/coingecko/bitcoin/x.json").records).toEqual([]);
  });

  it("gives a malformed candle a tsError instead of rejecting the file", () => {
    const text = `[[1700006400000, 1, 2, 0.5, 1.5], [1700092800000, "a"], {"x": 1}, [1700179200000, 1, 2, 0.5, 1.5]]`;
    const { records } = parseOk(text, "raw/coingecko/bitcoin/x.json");
    expect(records.map((r) => r.tsError === undefined)).toEqual([true, false, false, true]);
    expect(records[1]?.tsError).toContain("[close time in ms, open, high, low, close]");
  });

  it("rejects an unmapped coin, saying to add symbol= to the key", () => {
    expect(parseReject(OHLC, "raw/coingecko/pepe-the-frog/ohlc.json")).toMatchObject({
      rule: "file.symbol_resolved",
      reason: expect.stringContaining("add symbol=PEPE-USD"),
    });
    expect(parseOk(OHLC, "raw/coingecko/pepe/symbol=pepe-usd/ohlc.json").records[0]?.symbol).toBe("PEPE-USD");
  });
});

describe("CoinGecko market_chart", () => {
  const day = utc("2024-01-05T00:00:00Z");
  const chart = JSON.stringify({
    prices: [
      [day, 100],
      [day + 6 * HOUR, 120],
      [day + 12 * HOUR, 90],
      [day + 23 * HOUR, 110],
      [day + 24 * HOUR, 111],
    ],
    market_caps: [[day, 1]],
    total_volumes: [
      [day, 1000.4],
      [day + 23 * HOUR, 2000.6],
      [day + 24 * HOUR, 3000],
    ],
  });

  it("aggregates points into daily UTC bars: first, max, min, last, the day's last total volume", () => {
    const { meta, records } = parseOk(chart, "raw/coingecko/solana/vs=eur/chart.json");
    expect(meta).toMatchObject({
      format: "coingecko.market_chart",
      interval: "1d",
      currency: "EUR",
      assetClass: "crypto",
    });
    expect(records.map((r) => [r.symbol, r.tsMs, r.tradeDate, r.open, r.high, r.low, r.close, r.volume])).toEqual([
      ["SOL-EUR", day, "2024-01-05", 100, 120, 90, 110, 2001],
      ["SOL-EUR", day + 24 * HOUR, "2024-01-06", 111, 111, 111, 111, 3000],
    ]);
    expect(records[0]?.input).toMatchObject({ date: "2024-01-05", total_volume: [day + 23 * HOUR, 2000.6] });
  });

  it("makes a day with an unreadable price NaN, and a point without a time its own record", () => {
    const text = JSON.stringify({
      prices: [
        [day, 100],
        [day + HOUR, "x"],
        ["when", 5],
      ],
      total_volumes: [],
    });
    const { records } = parseOk(text, "raw/coingecko/bitcoin/x.json");
    expect(records.map((r) => [r.high, r.volume, r.tsError === undefined])).toEqual([
      [Number.NaN, Number.NaN, true],
      [Number.NaN, Number.NaN, false],
    ]);
  });
});

describe("CoinGecko whole-file rejections", () => {
  it("rejects a CoinGecko 429 rate-limit body as a provider error", () => {
    const body =
      '{"status": {"error_code": 429, "error_message": "You\'ve exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}}';
    expect(parseReject(body, "raw/coingecko/bitcoin/x.json")).toMatchObject({
      rule: "file.not_provider_error",
      reason: expect.stringMatching(/code 429.*exceeded the Rate Limit/),
    });
  });

  it("rejects a CoinGecko {error} body as a provider error", () => {
    expect(parseReject('{"error": "coin not found"}', "raw/coingecko/x/y.json")).toMatchObject({
      rule: "file.not_provider_error",
      reason: expect.stringContaining('"coin not found"'),
    });
  });

  it("rejects truncated JSON as undecodable at the end, with the parser's message", () => {
    for (const text of [OHLC.slice(0, -5), '{"prices": [[1700006400000, 1], [17000']) {
      expect(parseReject(text, "raw/coingecko/bitcoin/x.json")).toMatchObject({
        rule: "file.decodable",
        reason: expect.stringMatching(/does not parse \(.+\).*cut off/),
      });
    }
  });

  it("rejects a body larger than maxJsonBytes, saying to split it", () => {
    expect(parseReject(OHLC, "raw/coingecko/bitcoin/x.json", 7, { maxJsonBytes: 100 })).toMatchObject({
      rule: "file.decodable",
      reason: expect.stringContaining("split it"),
    });
  });
});

describe("CoinGecko chunk boundaries", () => {
  it("gives the same result in 1-, 7-character and whole chunks", () => {
    const whole = parseText(`\uFEFF${OHLC}`, "raw/coingecko/bitcoin/x.json");
    for (const size of CHUNK_SIZES)
      expect(parseText(`\uFEFF${OHLC}`, "raw/coingecko/bitcoin/x.json", size)).toEqual(whole);
  });
});

describe("coinSymbol", () => {
  it("maps coin ids from the path or the file name, with the vs currency", () => {
    expect(coinSymbol(parseHints("raw/coingecko/ethereum/2024.json"))).toEqual({ symbol: "ETH-USD", currency: "USD" });
    expect(coinSymbol(parseHints("raw/coingecko/ethereum/vs_currency=gbp/2024.json"))).toEqual({
      symbol: "ETH-GBP",
      currency: "GBP",
    });
    expect(coinSymbol(parseHints("raw/coingecko/solana.json"))).toEqual({ symbol: "SOL-USD", currency: "USD" });
    expect(coinSymbol(parseHints("raw/coingecko/symbol=btc-eur/x.json"))).toEqual({
      symbol: "BTC-EUR",
      currency: "EUR",
    });
  });

  it("asks for a coin when the key names none", () => {
    expect(coinSymbol(parseHints("raw/coingecko/ohlc.json"))).toMatchObject({
      rule: "file.symbol_resolved",
      reason: expect.stringContaining("raw/coingecko/<coin-id>/"),
    });
  });
});

import { describe, expect, it } from "vitest";
import { alphaVantageSlices, classifyAlphaVantage, monthsBetween } from "./alphavantage.js";
import { PROVIDER_ERROR } from "./types.js";

const NOW = Date.parse("2024-07-01T15:00:00Z");
const ok = (text: string, contentType = "application/json") => ({ status: 200, contentType, text });

describe("alphaVantageSlices", () => {
  it("asks for the newest 100 bars without a range", () => {
    expect(alphaVantageSlices("IBM", "1d", undefined, NOW)).toEqual([
      {
        provider: "alphavantage",
        symbol: "IBM",
        interval: "1d",
        dataset: "daily",
        path: "/query",
        params: { function: "TIME_SERIES_DAILY", symbol: "IBM", outputsize: "compact" },
        period: "latest",
        keySegments: ["daily"],
      },
    ]);
  });

  it("asks for full daily history only when the range reaches past what compact holds", () => {
    const recent = alphaVantageSlices("IBM", "1d", { from: "2024-05-01" }, NOW)[0];
    const old = alphaVantageSlices("IBM", "1d", { from: "2020-01-01", to: "2024-06-28" }, NOW, { adjusted: true })[0];
    expect(recent?.params.outputsize).toBe("compact");
    expect(recent?.period).toBe("2024-05-01_2024-07-01");
    expect(old?.params).toEqual({ function: "TIME_SERIES_DAILY_ADJUSTED", symbol: "IBM", outputsize: "full" });
    expect(old?.period).toBe("2020-01-01_2024-06-28");
  });

  it("slices intraday history by month, never before 2000-01", () => {
    const slices = alphaVantageSlices("IBM", "1h", { from: "1999-11-20", to: "2000-02-03" }, NOW);
    expect(slices.map((s) => [s.params.month, s.params.interval, s.params.outputsize])).toEqual([
      ["2000-01", "60min", "full"],
      ["2000-02", "60min", "full"],
    ]);
    expect(slices[0]?.keySegments).toEqual(["intraday", "interval=1h"]);
  });

  it("counts months across a year end", () => {
    expect(monthsBetween("2023-11", "2024-02")).toEqual(["2023-11", "2023-12", "2024-01", "2024-02"]);
    expect(monthsBetween("2024-03", "2024-02")).toEqual([]);
  });
});

describe("classifyAlphaVantage", () => {
  it("accepts a time series", () => {
    expect(classifyAlphaVantage(ok('{"Meta Data": {}, "Time Series (Daily)": {}}'), NOW)).toEqual({ ok: true });
  });

  it.each([
    [
      "the old per-minute Note",
      '{"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day."}',
      PROVIDER_ERROR.throttled,
      "minute",
    ],
    [
      "the daily Information",
      '{"Information": "Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits."}',
      PROVIDER_ERROR.throttled,
      "day",
    ],
    [
      "a premium endpoint",
      '{"Information": "Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans"}',
      PROVIDER_ERROR.premium,
      undefined,
    ],
    [
      "an invalid call",
      '{"Error Message": "Invalid API call. Please retry or visit the documentation for TIME_SERIES_DAILY."}',
      PROVIDER_ERROR.unknownSymbol,
      undefined,
    ],
    [
      "a missing key",
      '{"Error Message": "the parameter apikey is invalid or missing. Please claim your free API key"}',
      PROVIDER_ERROR.auth,
      undefined,
    ],
    [
      "the demo key notice",
      '{"Information": "The **demo** API key is for demo purposes only."}',
      PROVIDER_ERROR.auth,
      undefined,
    ],
    ["an empty object", "{}", PROVIDER_ERROR.badResponse, undefined],
    ["an array", "[1, 2]", PROVIDER_ERROR.badResponse, undefined],
  ])("reads %s", (_name, text, code, window) => {
    const verdict = classifyAlphaVantage(ok(text), NOW);
    expect(verdict).toMatchObject({ ok: false, code });
    if (!verdict.ok) expect(verdict.window).toBe(window);
  });

  it("tells truncated JSON, HTML and statuses apart", () => {
    expect(classifyAlphaVantage(ok('{"Meta Data": {"1. Inf'), NOW)).toMatchObject({ code: PROVIDER_ERROR.badResponse });
    expect(classifyAlphaVantage(ok("<html><title>Oops</title></html>", "text/html"), NOW)).toMatchObject({
      code: PROVIDER_ERROR.badResponse,
      reason: expect.stringContaining('("Oops")'),
    });
    expect(classifyAlphaVantage({ status: 503, contentType: "", text: "" }, NOW)).toMatchObject({
      code: PROVIDER_ERROR.unavailable,
    });
    expect(classifyAlphaVantage({ status: 429, contentType: "", text: "", retryAfter: "12" }, NOW)).toMatchObject({
      code: PROVIDER_ERROR.throttled,
      retryAfterMs: 12_000,
    });
    expect(classifyAlphaVantage({ status: 404, contentType: "", text: "no" }, NOW)).toMatchObject({
      code: PROVIDER_ERROR.rejected,
    });
    expect(classifyAlphaVantage(ok(""), NOW)).toMatchObject({ code: PROVIDER_ERROR.badResponse });
  });
});

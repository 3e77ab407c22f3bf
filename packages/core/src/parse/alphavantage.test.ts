// Uses the shared fixtures in /work/shared/fixtures (read-only reference payloads), resolved from this file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHUNK_SIZES, parseOk, parseReject, parseText, utc } from "./testing.js";

const FIXTURES = new URL("../../../../../shared/fixtures/alphavantage/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const DAILY = fixture("TIME_SERIES_DAILY_shape.json");
const INTRADAY = fixture("TIME_SERIES_INTRADAY_1min_MSFT.json");

const ADJUSTED = JSON.stringify({
  "Meta Data": {
    "1. Information": "Daily Time Series with Splits and Dividend Events",
    "2. Symbol": "aapl",
    "3. Last Refreshed": "2020-08-31",
    "4. Output Size": "Compact",
    "5. Time Zone": "US/Eastern",
  },
  "Time Series (Daily)": {
    "2020-08-31": {
      "1. open": "127.58",
      "2. high": "131.0",
      "3. low": "126.0",
      "4. close": "129.04",
      "5. adjusted close": "127.2451",
      "6. volume": "225702700",
      "7. dividend amount": "0.0000",
      "8. split coefficient": "4.0",
    },
  },
});

/** A compact daily payload of `n` entries, newest first, 1970-01-01 onwards; entry i has volume `10 + i`. */
function bigDaily(n: number): string {
  const entries: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const date = new Date(i * 86_400_000).toISOString().slice(0, 10);
    entries.push(
      `"${date}": {"1. open": "1.0000", "2. high": "2.0000", "3. low": "0.5000", "4. close": "${(1 + i / 10_000).toFixed(4)}", "5. volume": "${10 + i}"}`,
    );
  }
  return `{"Meta Data": {"2. Symbol": "IBM", "5. Time Zone": "US/Eastern"}, "Time Series (Daily)": {${entries.join(", ")}}}`;
}

describe("Alpha Vantage daily", () => {
  it("reads the daily fixture: symbol, dates at 00:00Z, numbers from strings, newest first", () => {
    const { meta, records } = parseOk(DAILY, "raw/alphavantage/daily.json");
    expect(meta).toEqual({
      format: "alphavantage.daily",
      source: "alphavantage",
      interval: "1d",
      assetClass: "equity",
      currency: null,
      timeZone: "America/New_York",
    });
    expect(
      records.map((r) => [r.row, r.symbol, r.tsMs, r.tradeDate, r.open, r.high, r.low, r.close, r.volume, r.adjClose]),
    ).toEqual([
      [1, "IBM", utc("2022-02-07T00:00:00Z"), "2022-02-07", 137.45, 138.35, 136.52, 137.21, 4735016, null],
      [2, "IBM", utc("2022-02-04T00:00:00Z"), "2022-02-04", 137.86, 138.82, 136.215, 137.15, 4142045, null],
      [3, "IBM", utc("2022-02-03T00:00:00Z"), "2022-02-03", 137.0, 138.76, 135.831, 137.78, 6100777, null],
    ]);
    expect(records[0]?.input).toEqual({
      ts: "2022-02-07",
      "1. open": "137.4500",
      "2. high": "138.3500",
      "3. low": "136.5200",
      "4. close": "137.2100",
      "5. volume": "4735016",
    });
  });

  it("reads daily adjusted entries: adjusted close, volume from 6. volume", () => {
    const { meta, records } = parseOk(ADJUSTED, "raw/alphavantage/x.json");
    expect(meta.format).toBe("alphavantage.daily_adjusted");
    expect(records[0]).toMatchObject({
      symbol: "AAPL",
      open: 127.58,
      close: 129.04,
      adjClose: 127.2451,
      volume: 225702700,
    });
    expect(records[0]?.input).toMatchObject({ ts: "2020-08-31", "8. split coefficient": "4.0" });
  });

  it("tells daily adjusted from its fields when the metadata does not say", () => {
    const text = ADJUSTED.replace("Daily Time Series with Splits and Dividend Events", "Daily Prices");
    expect(parseOk(text, "raw/x.json").meta.format).toBe("alphavantage.daily_adjusted");
  });

  it("takes the symbol from the key when the metadata has none", () => {
    const text =
      '{"Meta Data": {"1. Information": "Daily Prices"}, "Time Series (Daily)": {"2022-02-07": {"1. open": "1", "2. high": "2", "3. low": "0.5", "4. close": "1.5", "5. volume": "10"}}}';
    expect(parseOk(text, "raw/alphavantage/symbol=ibm/x.json").records[0]?.symbol).toBe("IBM");
    expect(parseReject(text, "raw/alphavantage/daily_2022.json")).toMatchObject({ rule: "file.symbol_resolved" });
  });

  it("reads entries with escapes or number values through JSON.parse, and junk values as NaN", () => {
    const text =
      '{"Meta Data": {"2. Symbol": "IBM"}, "Time Series (Daily)": {"2022-02-07": {"1. open": 1.5, "2. high": "2", "3. low": "0.\\u0035", "4. close": "n/a", "5. volume": "10"}}}';
    const [rec] = parseOk(text, "raw/x.json").records;
    expect(rec).toMatchObject({ open: 1.5, high: 2, low: 0.5, close: Number.NaN, volume: 10 });
  });

  it("gives a timestamp key that is not a date a tsError", () => {
    const text =
      '{"Meta Data": {"2. Symbol": "IBM"}, "Time Series (Daily)": {"yesterday": {"1. open": "1", "2. high": "2", "3. low": "0.5", "4. close": "1.5", "5. volume": "10"}}}';
    expect(parseOk(text, "raw/x.json").records[0]).toMatchObject({
      tsMs: Number.NaN,
      tsError: expect.stringContaining("yesterday"),
    });
  });

  it("returns zero records for an empty series", () => {
    expect(parseOk('{"Meta Data": {"2. Symbol": "IBM"}, "Time Series (Daily)": {}}', "raw/x.json").records).toEqual([]);
  });
});

describe("Alpha Vantage intraday", () => {
  it("reads the 1min fixture in US/Eastern: UTC instants, local trade dates, interval 1m", () => {
    const { meta, records } = parseOk(INTRADAY, "raw/alphavantage/msft.json");
    expect(meta).toMatchObject({ format: "alphavantage.intraday", interval: "1m", timeZone: "America/New_York" });
    expect(records).toHaveLength(12);
    expect(records[0]).toMatchObject({
      row: 1,
      symbol: "MSFT",
      interval: "1m",
      tsMs: utc("2017-12-18T19:56:00Z"),
      tradeDate: "2017-12-18",
      open: 86.49,
      high: 86.5,
      low: 86.475,
      close: 86.5,
      volume: 10494,
      input: { ts: "2017-12-18 14:56:00", "1. open": "86.4900", "5. volume": "10494" },
    });
    expect(records[11]).toMatchObject({ tsMs: utc("2017-12-18T19:45:00Z"), low: 86.5, volume: 23785 });
  });

  it("maps each intraday series to its interval", () => {
    const series = (name: string) =>
      `{"Meta Data": {"2. Symbol": "X", "6. Time Zone": "US/Eastern"}, "${name}": {"2024-07-01 09:30:00": {"1. open": "1", "2. high": "2", "3. low": "0.5", "4. close": "1.5", "5. volume": "10"}}}`;
    for (const [name, interval] of [
      ["5min", "5m"],
      ["15min", "15m"],
      ["30min", "30m"],
      ["60min", "1h"],
    ] as const) {
      const { meta, records } = parseOk(series(`Time Series (${name})`), "raw/x.json");
      expect(meta.interval).toBe(interval);
      expect(records[0]).toMatchObject({ interval, tsMs: utc("2024-07-01T13:30:00Z") });
    }
  });

  it("rejects each record when the metadata names an unknown zone", () => {
    const text = INTRADAY.replace("US/Eastern", "Mars/Base");
    expect(parseOk(text, "raw/x.json").records[0]).toMatchObject({
      tsMs: Number.NaN,
      tsError: expect.stringContaining("Mars/Base"),
    });
  });
});

describe("Alpha Vantage whole-file rejections", () => {
  it("rejects an Alpha Vantage throttle Note as a provider error", () => {
    const note =
      '{"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day."}';
    expect(parseReject(note, "raw/x.json")).toEqual({
      ok: false,
      rule: "file.not_provider_error",
      reason:
        'Alpha Vantage answered with a Note instead of data: "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day."',
    });
  });

  it("rejects an Alpha Vantage Information (rate limit) body as a provider error", () => {
    const info =
      '{\n    "Information": "Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day."\n}';
    expect(parseReject(info, "raw/x.json")).toMatchObject({
      rule: "file.not_provider_error",
      reason: expect.stringContaining("25 requests per day"),
    });
  });

  it("rejects an Alpha Vantage Error Message as a provider error", () => {
    const error =
      '{"Error Message": "Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY."}';
    expect(parseReject(error, "raw/x.json")).toMatchObject({
      rule: "file.not_provider_error",
      reason: expect.stringContaining("Invalid API call"),
    });
  });

  it("truncates a long provider message to about 300 characters", () => {
    const reason = parseReject(JSON.stringify({ Information: "x".repeat(2000) }), "raw/x.json").reason;
    expect(reason.length).toBeLessThan(400);
    expect(reason).toContain("…");
  });

  it("rejects weekly and monthly series as unsupported", () => {
    for (const name of ["Weekly Time Series", "Monthly Adjusted Time Series"]) {
      const text = `{"Meta Data": {"2. Symbol": "IBM"}, "${name}": {"2022-02-04": {"1. open": "1"}}}`;
      expect(parseReject(text, "raw/x.json")).toMatchObject({
        rule: "file.format_known",
        reason: expect.stringContaining("not supported"),
      });
    }
  });

  it("rejects truncated JSON as undecodable at the end", () => {
    for (const cut of [DAILY.length - 3, DAILY.length / 2, 200]) {
      expect(parseReject(DAILY.slice(0, cut), "raw/x.json")).toMatchObject({
        rule: "file.decodable",
        reason: expect.stringContaining("cut off"),
      });
    }
  });

  it("rejects invalid JSON inside the series as undecodable, in the head or further on", () => {
    const broken = DAILY.replace('"2. high": "138.3500",', '"2. high": "138.3500" "x",');
    expect(parseReject(broken, "raw/x.json")).toMatchObject({
      rule: "file.decodable",
      reason: expect.stringContaining("not valid JSON"),
    });
    const big = bigDaily(3000);
    expect(big.length).toBeGreaterThan(3 * 65_536);
    const faults = [
      big.replace(
        '"2. high": "2.0000", "3. low": "0.5000", "4. close": "1.0001"',
        '"2. high": "2.0000" "3. low": "0.5000", "4. close": "1.0001"',
      ),
      big.replace('"1970-01-02": {', '"1970-01-02" {'),
      big.replace('"5. volume": "12"}', '"5. volume": "12",}'),
      big.replace('"5. volume": "11"}', '"5. volume": "11"} x'),
      `${big} {}`,
    ];
    for (const text of faults) {
      expect(text).not.toBe(big);
      expect(parseReject(text, "raw/x.json", 65_536)).toMatchObject({
        rule: "file.decodable",
        reason: expect.stringContaining("invalid JSON at character"),
      });
    }
  });

  it("rejects a response that holds metadata but no series", () => {
    expect(parseReject('{"Meta Data": {"2. Symbol": "IBM"}}', "raw/x.json")).toMatchObject({
      rule: "file.format_known",
    });
  });

  it("rejects a single value larger than maxJsonBytes", () => {
    const text = `{"Meta Data": {"2. Symbol": "${"x".repeat(5000)}"}, "Time Series (Daily)": {}}`;
    expect(parseReject(text, "raw/x.json", 100, { maxJsonBytes: 1000 })).toMatchObject({
      rule: "file.decodable",
      reason: expect.stringContaining("split"),
    });
  });
});

describe("Alpha Vantage streaming", () => {
  it("streams a payload larger than the head and reads every entry", () => {
    const { records } = parseOk(bigDaily(3000), "raw/x.json", 65_536);
    expect(records).toHaveLength(3000);
    expect(records[0]).toMatchObject({ row: 1, tradeDate: "1978-03-19", close: 1.2999, volume: 3009 });
    expect(records[2999]).toMatchObject({ row: 3000, tsMs: 0, tradeDate: "1970-01-01", volume: 10 });
  });
});

describe("Alpha Vantage chunk boundaries", () => {
  for (const [name, text] of Object.entries({ DAILY, INTRADAY, ADJUSTED })) {
    it(`gives the same result in 1-, 7-character and whole chunks (${name})`, () => {
      const whole = parseText(`\uFEFF${text}`, "raw/x.json");
      for (const size of CHUNK_SIZES) expect(parseText(`\uFEFF${text}`, "raw/x.json", size)).toEqual(whole);
    });
  }
});

describe("Alpha Vantage values longer than a chunk", () => {
  // A long Meta Data string and an entry with an extra long field: values a chunk cuts and the next one does not
  // finish within the parser's lookahead, next to usual entries in compact and pretty-printed layouts.
  const long = "x".repeat(9000);
  const entry = (day: number, close: string) =>
    `"2024-01-${String(day).padStart(2, "0")} 10:00:00": {"1. open": "1.5000", "2. high": "2.0", "3. low": "1.25", "4. close": "${close}", "5. volume": "100"}`;
  const pretty = (day: number) =>
    `"2024-01-${String(day).padStart(2, "0")} 11:00:00": {\n            "1. open": "1.5",\n            "2. high": "2",\n            "3. low": "1",\n            "4. close": "1.75",\n            "5. volume": "7"\n        }`;
  const series = [
    entry(2, "1.75"),
    `"2024-01-03 10:00:00": {"1. open": "1.5", "2. high": "2", "3. low": "1", "4. close": "1.5", "5. volume": "9", "6. note": "${long}"}`,
    pretty(4),
    ...Array.from({ length: 60 }, (_, i) => entry(5 + (i % 20), `1.${i}`)),
    pretty(26),
  ];
  const text = `{"Meta Data": {"1. Information": "Intraday (60min) ${long}", "2. Symbol": "MSFT", "6. Time Zone": "US/Eastern"},\n    "Time Series (60min)": {\n        ${series.join(",\n        ")}\n    }\n}`;

  it("gives the same records whatever the chunk size", () => {
    const whole = parseOk(text, "raw/x.json");
    expect(whole.records).toHaveLength(series.length);
    for (const size of [1, 7, 100, 1000, 4095, 4096, 4097, 5000, 9001, 65_536]) {
      expect(parseText(text, "raw/x.json", size)).toEqual(whole);
    }
  });

  it("rejects invalid JSON after a long value at the same character whatever the chunk size", () => {
    const broken = text.replace(`"6. note": "${long}"}`, `"6. note": "${long}"} garbage`);
    const whole = parseText(broken, "raw/x.json");
    expect(whole).toMatchObject({ ok: false, rule: "file.decodable" });
    for (const size of [7, 1000, 4096, 5000]) expect(parseText(broken, "raw/x.json", size)).toEqual(whole);
  });
});

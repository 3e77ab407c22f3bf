import { describe, expect, it } from "vitest";
import { isFileReject, openParser } from "./index.js";
import { parseOk, parseReject } from "./testing.js";

describe("openParser: detection by content", () => {
  const samples: [string, string, string][] = [
    ["csv", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,2,0.5,1.5,1.4,10\n", "raw/csv/AAPL.csv"],
    [
      "jsonl",
      '{"symbol":"AAPL","interval":"1d","ts":"2024-01-02T00:00:00Z","open":1,"high":2,"low":0.5,"close":1.5,"volume":10}\n',
      "raw/x.json",
    ],
    ["alphavantage.daily", '{"Meta Data": {"2. Symbol": "IBM"}, "Time Series (Daily)": {}}', "raw/x.csv"],
    ["alphavantage.intraday", '{"Meta Data": {"2. Symbol": "IBM"}, "Time Series (5min)": {}}', "raw/x.json"],
    [
      "coingecko.ohlc",
      "[[1700006400000, 1, 2, 0.5, 1.5], [1700092800000, 1, 2, 0.5, 1.5]]",
      "raw/coingecko/bitcoin/x.json",
    ],
    [
      "coingecko.market_chart",
      '{"prices": [], "market_caps": [], "total_volumes": []}',
      "raw/coingecko/bitcoin/x.json",
    ],
  ];

  for (const [format, text, key] of samples) {
    it(`detects ${format} whatever the file name says`, () => {
      expect(parseOk(text, key).meta.format).toBe(format);
    });
  }

  it("consumes nothing: the head is pushed afterwards like any chunk", () => {
    const head = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,2,0.5,1.5,1.4,10\n";
    const parser = openParser(head, "raw/csv/AAPL.csv");
    if (isFileReject(parser)) throw new Error(parser.reason);
    expect(parser.push(head)).toHaveLength(1);
    expect(parser.end()).toEqual([]);
  });

  it("tolerates leading whitespace and a BOM", () => {
    expect(
      parseOk('\uFEFF\n  {"Meta Data": {"2. Symbol": "IBM"}, "Time Series (Daily)": {}}', "raw/x.json").meta.format,
    ).toBe("alphavantage.daily");
  });
});

describe("openParser: objects that are no known format", () => {
  it("rejects an empty object", () => {
    expect(parseReject("", "raw/x.csv")).toEqual({
      ok: false,
      rule: "file.format_known",
      reason: "the object is empty",
    });
    expect(parseReject("\uFEFF", "raw/x.csv")).toMatchObject({
      rule: "file.format_known",
      reason: "the object is empty",
    });
  });

  it("rejects a whitespace-only object as empty", () => {
    expect(parseReject(" \r\n\t\n", "raw/x.csv")).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringContaining("empty"),
    });
  });

  it("rejects binary garbage as undecodable", () => {
    const bytes = Array.from({ length: 512 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join("");
    expect(parseReject(bytes, "raw/x.csv")).toMatchObject({
      rule: "file.decodable",
      reason: expect.stringContaining("binary"),
    });
    expect(parseReject("abc\u0001\u0002\u0003\u0004\u0005\ufffd\ufffd", "raw/x.csv")).toMatchObject({
      rule: "file.decodable",
    });
  });

  it("rejects gzip data that was not decompressed and ZIP archives, saying what they are", () => {
    expect(parseReject("\u001f\ufffd\b\u0000\u0000", "raw/x.csv").reason).toContain("gzip");
    expect(parseReject("PK\u0003\u0004\u0014\u0000", "raw/x.csv").reason).toContain("ZIP");
  });

  it("rejects an HTML page as an unknown format", () => {
    expect(parseReject("<!DOCTYPE html><html><body>Bad gateway</body></html>", "raw/x.csv")).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringContaining("HTML"),
    });
  });

  it("rejects JSON of unknown shapes as an unknown format", () => {
    expect(parseReject('[{"date": "2024-01-02", "close": 1}]', "raw/x.json")).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringContaining("JSONL"),
    });
    expect(parseReject('{"foo": 1, "bar": [2]}', "raw/x.json")).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringContaining("foo, bar"),
    });
    expect(
      parseReject('{"ts": "2024-01-02", "open": 1}\n{"ts": "2024-01-03", "open": 1}\n', "raw/x.jsonl"),
    ).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringContaining("symbol, ts and open"),
    });
  });

  it("rejects text that starts like JSON but is not", () => {
    expect(parseReject("{garbage", "raw/x.json")).toMatchObject({
      rule: "file.decodable",
      reason: expect.stringContaining("not valid JSON"),
    });
    expect(parseReject('{"Meta Da', "raw/x.json")).toMatchObject({
      rule: "file.decodable",
      reason: expect.stringContaining("cut off"),
    });
  });
});

describe("isFileReject", () => {
  it("tells rejections from record arrays and parsers", () => {
    expect(isFileReject({ ok: false, rule: "file.decodable", reason: "x" })).toBe(true);
    expect(isFileReject([])).toBe(false);
    expect(isFileReject(null)).toBe(false);
  });
});

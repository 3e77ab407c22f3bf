import { describe, expect, it } from "vitest";
import { readHeader } from "./csv-header.js";

describe("readHeader", () => {
  it("recognises the Yahoo export header", () => {
    expect(readHeader(["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"])).toMatchObject({
      time: 0,
      open: 1,
      high: 2,
      low: 3,
      close: 4,
      adjClose: 5,
      volume: 6,
      symbol: -1,
      count: 7,
    });
  });

  it("recognises lower-case headers with symbol or ticker, in any order, trimmed", () => {
    expect(readHeader(["symbol", "date", "open", "high", "low", "close", "volume"])).toMatchObject({
      symbol: 0,
      time: 1,
    });
    expect(readHeader([" Ticker ", "close", "open", "high", "low", "volume", "timestamp"])).toMatchObject({
      symbol: 0,
      close: 1,
      time: 6,
    });
  });

  it("recognises the optional columns and their spellings", () => {
    const cols = readHeader([
      "datetime",
      "open",
      "high",
      "low",
      "close",
      "adj_close",
      "volume",
      "interval",
      "Asset Class",
      "currency",
      "TimeZone",
    ]);
    expect(cols).toMatchObject({ time: 0, adjClose: 5, interval: 7, assetClass: 8, currency: 9, tz: 10 });
    expect(readHeader(["time", "open", "high", "low", "close", "adjclose", "volume", "tz"])).toMatchObject({
      time: 0,
      adjClose: 5,
      tz: 7,
    });
  });

  it("pairs a Date column with a separate Time column", () => {
    expect(readHeader(["Date", "Time", "Open", "High", "Low", "Close", "Volume"])).toMatchObject({ time: 0, clock: 1 });
  });

  it("ignores unknown extra columns", () => {
    expect(readHeader(["Date", "Open", "High", "Low", "Close", "Volume", "Dividends", "Stock Splits"])).toMatchObject({
      count: 8,
    });
  });

  it("names the missing columns and the accepted headers", () => {
    const reject = readHeader(["date", "open", "high", "close"]);
    expect(reject).toMatchObject({ ok: false, rule: "file.columns_present" });
    expect(reject).toHaveProperty(
      "reason",
      expect.stringMatching(/lacks the columns low, volume.*Date,Open,High,Low,Close,Adj Close,Volume/),
    );
  });

  it("rejects an unknown header as an unknown format", () => {
    expect(readHeader(["name", "email", "phone"])).toMatchObject({ ok: false, rule: "file.format_known" });
  });

  it("says when fields are separated by semicolons", () => {
    expect(readHeader(["Date;Open;High;Low;Close;Volume"])).toHaveProperty(
      "reason",
      expect.stringContaining("separated by `;`"),
    );
  });
});

import { describe, expect, it } from "vitest";
import { CHUNK_SIZES, parseOk, parseReject, parseText, utc } from "./testing.js";

const YAHOO = [
  "Date,Open,High,Low,Close,Adj Close,Volume",
  "2024-01-02,187.149994,188.440002,183.889999,185.639999,184.938217,82488700",
  "2024-01-03,184.220001,185.880005,183.429993,184.250000,183.553467,58414500",
].join("\n");

describe("CSV: Yahoo-style export", () => {
  it("reads daily bars with the symbol from the file name", () => {
    const { meta, records } = parseOk(`${YAHOO}\n`, "raw/csv/AAPL.csv");
    expect(meta).toEqual({
      format: "csv",
      source: "csv",
      interval: "1d",
      assetClass: "equity",
      currency: null,
      timeZone: "UTC",
    });
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      row: 1,
      symbol: "AAPL",
      interval: "1d",
      tsMs: utc("2024-01-02T00:00:00Z"),
      tradeDate: "2024-01-02",
      open: 187.149994,
      high: 188.440002,
      low: 183.889999,
      close: 185.639999,
      adjClose: 184.938217,
      volume: 82488700,
      input: "2024-01-02,187.149994,188.440002,183.889999,185.639999,184.938217,82488700",
    });
    expect(records[0]?.tsError).toBeUndefined();
  });

  it("takes the symbol from symbol= in the key before the file name", () => {
    expect(parseOk(YAHOO, "raw/csv/symbol=msft/export.csv").records[0]?.symbol).toBe("MSFT");
  });

  it("reads Windows line endings, a BOM, quoted fields and trailing empty lines", () => {
    const text = `\uFEFF"Date","Open","High","Low","Close","Adj Close","Volume"\r\n"2024-01-02","187.15","188.44","183.89","185.64","184.94","82,488,700"\r\n2024-01-03,184.22,185.88,183.43,184.25,,58414500\r\n\r\n\r\n`;
    const { records } = parseOk(text, "raw/csv/AAPL.csv");
    expect(records.map((r) => [r.tradeDate, r.open, r.adjClose, r.volume])).toEqual([
      ["2024-01-02", 187.15, 184.94, Number.NaN],
      ["2024-01-03", 184.22, null, 58414500],
    ]);
    expect(records[0]?.input).toBe('"2024-01-02","187.15","188.44","183.89","185.64","184.94","82,488,700"');
  });

  it("reads null, NaN and empty cells as NaN and keeps Infinity", () => {
    const text = "date,open,high,low,close,volume\n2024-01-02,null,NaN,,Infinity, \n";
    const [rec] = parseOk(text, "raw/csv/AAPL.csv").records;
    expect([rec?.open, rec?.high, rec?.low, rec?.close, rec?.volume]).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]);
  });

  it("returns zero records for a header-only file, with or without a line break", () => {
    expect(parseOk("Date,Open,High,Low,Close,Adj Close,Volume\n", "raw/csv/AAPL.csv").records).toEqual([]);
    expect(parseOk("Date,Open,High,Low,Close,Adj Close,Volume", "raw/csv/AAPL.csv").records).toEqual([]);
  });

  it("numbers records from 1 after the header, skipping blank lines", () => {
    const text = "date,open,high,low,close,volume\n\n2024-01-02,1,2,0.5,1.5,10\n\n2024-01-03,1,2,0.5,1.5,10\n";
    expect(parseOk(text, "raw/csv/AAPL.csv").records.map((r) => r.row)).toEqual([1, 2]);
  });

  it("rejects a record with more fields than the header through its timestamp", () => {
    const text = "date,open,high,low,close,volume\n2024-01-02,1,234.5,2,0.5,1.5,10\n2024-01-03,1,2,0.5,1.5,10,\n";
    const [bad, trailingComma] = parseOk(text, "raw/csv/AAPL.csv").records;
    expect(bad).toMatchObject({ tsMs: Number.NaN, tsError: expect.stringContaining("7 fields but the header has 6") });
    expect(trailingComma?.tsMs).toBe(utc("2024-01-03T00:00:00Z"));
  });

  it("reads missing trailing cells of a short record as NaN", () => {
    const [rec] = parseOk("date,open,high,low,close,volume\n2024-01-02,1,2\n", "raw/csv/AAPL.csv").records;
    expect(rec).toMatchObject({ open: 1, high: 2, low: Number.NaN, volume: Number.NaN, tradeDate: "2024-01-02" });
  });
});

describe("CSV: symbol column", () => {
  const text =
    "symbol,date,open,high,low,close,volume\n aapl ,2024-01-02,1,2,0.5,1.5,10\nBTC-USD,2024-01-02,1,2,0.5,1.5,10\n";

  it("trims and upper-cases symbols and guesses each record's asset class", () => {
    const { meta, records } = parseOk(text, "raw/csv/mixed.csv");
    expect(records.map((r) => [r.symbol, r.assetClass])).toEqual([
      ["AAPL", "equity"],
      ["BTC-USD", "crypto"],
    ]);
    expect(meta.assetClass).toBe("equity");
  });

  it("accepts ticker as the symbol column", () => {
    expect(
      parseOk("ticker,date,open,high,low,close,volume\nibm,2024-01-02,1,2,0.5,1.5,10\n", "raw/x.csv").records[0]
        ?.symbol,
    ).toBe("IBM");
  });

  it("keeps SQL and HTML in a symbol for the symbol.format rule to reject", () => {
    const evil =
      'symbol,date,open,high,low,close,volume\n"AAPL\'; DROP TABLE bars;--",2024-01-02,1,2,0.5,1.5,10\n<script>x</script>,2024-01-02,1,2,0.5,1.5,10\n';
    expect(parseOk(evil, "raw/x.csv").records.map((r) => r.symbol)).toEqual([
      "AAPL'; DROP TABLE BARS;--",
      "<SCRIPT>X</SCRIPT>",
    ]);
  });

  it("takes asset class and currency from their columns, per record", () => {
    const t =
      "symbol,date,open,high,low,close,volume,asset_class,currency\nSPX,2024-01-02,1,2,0.5,1.5,10,index,usd\nEURUSD,2024-01-02,1,2,0.5,1.5,10,forex,\n";
    const { meta, records } = parseOk(t, "raw/x.csv");
    expect(records.map((r) => [r.assetClass, r.currency])).toEqual([
      ["index", "USD"],
      ["fx", null],
    ]);
    expect(meta).toMatchObject({ assetClass: "index", currency: "USD" });
  });

  it("takes the asset class from asset_class= in the key", () => {
    const { meta, records } = parseOk(YAHOO, "raw/csv/asset_class=index/SPX.csv");
    expect(meta.assetClass).toBe("index");
    expect(records[0]?.assetClass).toBeUndefined();
  });
});

describe("CSV: intraday", () => {
  const iso = [
    "timestamp,open,high,low,close,volume",
    "2024-01-05T14:30:00Z,1,2,0.5,1.5,10",
    "2024-01-05T14:35:00Z,1,2,0.5,1.5,10",
    "2024-01-05T14:40:00Z,1,2,0.5,1.5,10",
  ].join("\n");

  it("reads ISO-8601 instants and infers the interval from their spacing", () => {
    const { meta, records } = parseOk(iso, "raw/csv/BTC-USD.csv");
    expect(meta).toMatchObject({ interval: "5m", assetClass: "crypto", timeZone: "UTC" });
    expect(records.map((r) => [r.tsMs, r.tradeDate, r.interval])).toEqual([
      [utc("2024-01-05T14:30:00Z"), "2024-01-05", "5m"],
      [utc("2024-01-05T14:35:00Z"), "2024-01-05", "5m"],
      [utc("2024-01-05T14:40:00Z"), "2024-01-05", "5m"],
    ]);
  });

  it("reads exchange-local times in the zone of a tz= key segment", () => {
    const t =
      "datetime,open,high,low,close,volume\n2024-01-05 09:30:00,1,2,0.5,1.5,10\n2024-01-05 09:31:00,1,2,0.5,1.5,10\n";
    const { meta, records } = parseOk(t, "raw/csv/tz=America.New_York/MSFT.csv");
    expect(meta).toMatchObject({ interval: "1m", timeZone: "America/New_York" });
    expect(records.map((r) => r.tsMs)).toEqual([utc("2024-01-05T14:30:00Z"), utc("2024-01-05T14:31:00Z")]);
  });

  it("reads exchange-local times in the zone of a tz column, and the key's interval", () => {
    const t =
      "time,open,high,low,close,volume,tz\n2024-07-05 09:30,1,2,0.5,1.5,10,US/Eastern\n2024-07-05 09:30,1,2,0.5,1.5,10,Europe/London\n";
    const { meta, records } = parseOk(t, "raw/csv/interval=30m/X.csv");
    expect(meta).toMatchObject({ interval: "30m", timeZone: "America/New_York" });
    expect(records.map((r) => r.tsMs)).toEqual([utc("2024-07-05T13:30:00Z"), utc("2024-07-05T08:30:00Z")]);
  });

  it("gives local times without a stated zone NaN and says how to state one", () => {
    const t =
      "timestamp,open,high,low,close,volume\n2024-01-05 09:30:00,1,2,0.5,1.5,10\n2024-01-05 09:35:00,1,2,0.5,1.5,10\n";
    const { meta, records } = parseOk(t, "raw/csv/MSFT.csv");
    expect(meta.interval).toBe("5m");
    expect(records[0]).toMatchObject({
      tsMs: Number.NaN,
      tradeDate: "",
      tsError: expect.stringContaining("tz=America.New_York"),
    });
  });

  it("rejects each record in an unknown zone with the reason", () => {
    const t = "timestamp,open,high,low,close,volume\n2024-01-05 09:30:00,1,2,0.5,1.5,10\n";
    const [rec] = parseOk(t, "raw/csv/tz=Mars.Base/interval=1m/X.csv").records;
    expect(rec).toMatchObject({ tsMs: Number.NaN, tsError: expect.stringContaining('unknown time zone "Mars/Base"') });
  });

  it("converts across the spring-forward gap of US/Eastern (02:00 → 03:00) and infers 30m in real time", () => {
    const t = [
      "timestamp,open,high,low,close,volume",
      "2024-03-10 01:00,1,2,0.5,1.5,10",
      "2024-03-10 01:30,1,2,0.5,1.5,10",
      "2024-03-10 03:00,1,2,0.5,1.5,10",
      "2024-03-10 03:30,1,2,0.5,1.5,10",
    ].join("\n");
    const { meta, records } = parseOk(t, "raw/csv/tz=US.Eastern/SPY.csv");
    expect(meta.interval).toBe("30m");
    expect(records.map((r) => new Date(r.tsMs).toISOString())).toEqual([
      "2024-03-10T06:00:00.000Z",
      "2024-03-10T06:30:00.000Z",
      "2024-03-10T07:00:00.000Z",
      "2024-03-10T07:30:00.000Z",
    ]);
  });

  it("converts across the fall-back repeat of US/Eastern, taking EDT for the ambiguous hour", () => {
    const t = [
      "timestamp,open,high,low,close,volume",
      "2024-11-03 00:30,1,2,0.5,1.5,10",
      "2024-11-03 01:30,1,2,0.5,1.5,10",
      "2024-11-03 02:30,1,2,0.5,1.5,10",
    ].join("\n");
    const { records } = parseOk(t, "raw/csv/tz=US.Eastern/interval=1h/SPY.csv");
    expect(records.map((r) => [new Date(r.tsMs).toISOString(), r.tradeDate])).toEqual([
      ["2024-11-03T04:30:00.000Z", "2024-11-03"],
      ["2024-11-03T05:30:00.000Z", "2024-11-03"],
      ["2024-11-03T07:30:00.000Z", "2024-11-03"],
    ]);
  });

  it("takes each record's interval from an interval column", () => {
    const t =
      "symbol,timestamp,interval,open,high,low,close,volume\nA,2024-01-05T14:30:00Z,5min,1,2,0.5,1.5,10\nA,2024-01-05T14:30:00Z,2h,1,2,0.5,1.5,10\n";
    const { meta, records } = parseOk(t, "raw/x.csv");
    expect(meta.interval).toBe("5m");
    expect(records.map((r) => r.interval)).toEqual(["5m", null]);
  });

  it("reads epoch seconds and a separate Date and Time column", () => {
    const epoch = "timestamp,open,high,low,close,volume\n1704465000,1,2,0.5,1.5,10\n1704465060,1,2,0.5,1.5,10\n";
    expect(parseOk(epoch, "raw/X.csv").records.map((r) => [r.tsMs, r.interval])).toEqual([
      [utc("2024-01-05T14:30:00Z"), "1m"],
      [utc("2024-01-05T14:31:00Z"), "1m"],
    ]);
    const split =
      "Date,Time,Open,High,Low,Close,Volume\n2024-01-05,14:30,1,2,0.5,1.5,10\n2024-01-05,15:30,1,2,0.5,1.5,10\n";
    expect(parseOk(split, "raw/tz=UTC/X.csv").records.map((r) => r.tsMs)).toEqual([
      utc("2024-01-05T14:30:00Z"),
      utc("2024-01-05T15:30:00Z"),
    ]);
  });

  it("reads a daily file whose dates are written as midnight date-times", () => {
    const t =
      "timestamp,open,high,low,close,volume\n2024-01-04 00:00:00,1,2,0.5,1.5,10\n2024-01-05 00:00:00,1,2,0.5,1.5,10\n";
    const { meta, records } = parseOk(t, "raw/csv/AAPL.csv");
    expect(meta.interval).toBe("1d");
    expect(records.map((r) => [r.tsMs, r.tradeDate, r.tsError])).toEqual([
      [utc("2024-01-04T00:00:00Z"), "2024-01-04", undefined],
      [utc("2024-01-05T00:00:00Z"), "2024-01-05", undefined],
    ]);
  });

  it("buffers up to 1000 records to infer the interval and returns them in order with the meta settled", () => {
    const rows = Array.from(
      { length: 2500 },
      (_, i) => `${new Date(Date.UTC(2024, 0, 5) + i * 900_000).toISOString()},1,2,0.5,1.5,10`,
    );
    const text = `timestamp,open,high,low,close,volume\n${rows.join("\n")}\n`;
    const { meta, records } = parseOk(text, "raw/csv/X.csv", 4096);
    expect(meta.interval).toBe("15m");
    expect(records.map((r) => r.row)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(records.every((r) => r.interval === "15m")).toBe(true);
  });

  it("rejects a spacing that is not a supported interval, saying to add interval= to the key", () => {
    const t =
      "timestamp,open,high,low,close,volume\n2024-01-05T00:00:00Z,1,2,0.5,1.5,10\n2024-01-05T04:00:00Z,1,2,0.5,1.5,10\n";
    expect(parseReject(t, "raw/X.csv")).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringMatching(/4 hours.*interval=5m/),
    });
  });

  it("rejects an intraday file whose interval cannot be told", () => {
    const t = "timestamp,open,high,low,close,volume\n2024-01-05T14:30:00Z,1,2,0.5,1.5,10\n";
    expect(parseReject(t, "raw/X.csv")).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringContaining("add the interval to the key"),
    });
  });

  it("rejects an interval= in the key the pipeline does not support", () => {
    expect(parseReject(YAHOO, "raw/csv/interval=4h/AAPL.csv")).toMatchObject({
      rule: "file.format_known",
      reason: expect.stringContaining("interval=4h"),
    });
  });
});

describe("CSV: whole-file rejections", () => {
  it("names the missing columns", () => {
    expect(parseReject("Date,Open,High,Close\n2024-01-02,1,2,3\n", "raw/csv/AAPL.csv")).toMatchObject({
      rule: "file.columns_present",
      reason: expect.stringContaining("low, volume"),
    });
  });

  it("rejects an unknown header as an unknown format", () => {
    expect(parseReject("name,email\nbob,b@x\n", "raw/csv/AAPL.csv")).toMatchObject({ rule: "file.format_known" });
  });

  it("rejects a file with no symbol anywhere, saying to add one", () => {
    expect(parseReject(YAHOO, "raw/csv/prices_2024.csv")).toMatchObject({
      rule: "file.symbol_resolved",
      reason: expect.stringContaining("symbol=AAPL"),
    });
  });

  it("rejects an asset_class= in the key that is not a known class", () => {
    expect(parseReject(YAHOO, "raw/csv/asset_class=stonks/AAPL.csv")).toMatchObject({ rule: "file.format_known" });
  });

  it("rejects a quoted field that is never closed as undecodable", () => {
    expect(parseReject(`${YAHOO}\n"2024-01-04,1,2,3,4,5,6\n`, "raw/csv/AAPL.csv")).toMatchObject({
      rule: "file.decodable",
    });
  });
});

describe("CSV: chunk boundaries", () => {
  const texts = {
    yahoo: `\uFEFF${YAHOO.replaceAll("\n", "\r\n")}\r\n\r\n`,
    quoted:
      'symbol,date,open,high,low,close,volume\r\n"BRK.B","2024-01-02","1,5",2,1,1.5,10\r\n"A ""B""",2024-01-03,1,2,1,1.5,10',
    intraday:
      "timestamp,open,high,low,close,volume\n2024-03-10 01:30,1,2,0.5,1.5,10\n2024-03-10 03:00,1,2,0.5,1.5,10\n",
  };

  for (const [name, text] of Object.entries(texts)) {
    it(`gives the same result in 1-, 7-character and whole chunks (${name})`, () => {
      const whole = parseText(text, "raw/csv/tz=US.Eastern/AAPL.csv");
      for (const size of CHUNK_SIZES) expect(parseText(text, "raw/csv/tz=US.Eastern/AAPL.csv", size)).toEqual(whole);
    });
  }
});

import { describe, expect, it } from "vitest";
import { CHUNK_SIZES, parseOk, parseReject, parseText, utc } from "./testing.js";

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    symbol: "AAPL",
    interval: "1d",
    ts: "2024-01-05T00:00:00Z",
    trade_date: "2024-01-05",
    open: 100,
    high: 101,
    low: 99,
    close: 100.5,
    adj_close: null,
    volume: 1000,
    currency: "USD",
    asset_class: "equity",
    ...fields,
  });

describe("canonical JSONL", () => {
  it("reads curated lines with their own interval, asset class and currency", () => {
    const text = [
      line({}),
      line({
        symbol: "btc-usd",
        interval: "1h",
        ts: "2024-01-05T14:00:00Z",
        trade_date: undefined,
        asset_class: "crypto",
        currency: null,
        adj_close: 100.1,
      }),
    ].join("\n");
    const { meta, records } = parseOk(text, "raw/curated.jsonl");
    expect(meta).toEqual({
      format: "jsonl",
      source: "jsonl",
      interval: "1d",
      assetClass: "equity",
      currency: "USD",
      timeZone: "UTC",
    });
    expect(
      records.map((r) => [
        r.row,
        r.symbol,
        r.interval,
        r.tsMs,
        r.tradeDate,
        r.open,
        r.close,
        r.adjClose,
        r.volume,
        r.assetClass,
        r.currency,
      ]),
    ).toEqual([
      [1, "AAPL", "1d", utc("2024-01-05T00:00:00Z"), "2024-01-05", 100, 100.5, null, 1000, "equity", "USD"],
      [2, "BTC-USD", "1h", utc("2024-01-05T14:00:00Z"), "2024-01-05", 100, 100.5, 100.1, 1000, "crypto", null],
    ]);
    expect(records[0]?.input).toBe(line({}));
  });

  it("reads numeric strings, and null or missing numbers as NaN", () => {
    const [rec] = parseOk(line({ open: "100.25", high: null, low: undefined }), "raw/x.jsonl").records;
    expect(rec).toMatchObject({ open: 100.25, high: Number.NaN, low: Number.NaN });
  });

  it("gives an unsupported interval null for the interval.known rule", () => {
    expect(parseOk(line({ interval: "4h" }), "raw/x.jsonl").records[0]?.interval).toBeNull();
  });

  it("makes a line that is not JSON a record of NaNs with the line as input", () => {
    const text = `${line({})}\n{"symbol": "AAPL", "ts": \n[1,2]\n${line({ close: 7 })}\n`;
    const { records } = parseOk(text, "raw/x.jsonl");
    expect(records.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    expect(records[1]).toMatchObject({
      symbol: "",
      interval: null,
      tsMs: Number.NaN,
      open: Number.NaN,
      volume: Number.NaN,
      input: '{"symbol": "AAPL", "ts": ',
      tsError: expect.stringContaining("not valid JSON"),
    });
    expect(records[2]?.tsError).toBe("the line is not a JSON object");
    expect(records[3]?.close).toBe(7);
  });

  it("rejects a naive ts through its tsError", () => {
    expect(parseOk(line({ interval: "1h", ts: "2024-01-05 14:00:00" }), "raw/x.jsonl").records[0]).toMatchObject({
      tsMs: Number.NaN,
      tsError: expect.stringContaining("UTC ISO-8601"),
    });
  });

  it("skips blank lines and reads CRLF", () => {
    const { records } = parseOk(`${line({})}\r\n\r\n${line({ close: 2 })}\r\n`, "raw/x.jsonl");
    expect(records.map((r) => r.close)).toEqual([100.5, 2]);
  });

  it("gives the same result in 1-, 7-character and whole chunks", () => {
    const text = `\uFEFF${line({})}\nnot json\n${line({ symbol: "MSFT" })}`;
    const whole = parseText(text, "raw/x.jsonl");
    for (const size of CHUNK_SIZES) expect(parseText(text, "raw/x.jsonl", size)).toEqual(whole);
  });

  it("rejects a line longer than 1 MiB as undecodable", () => {
    expect(parseReject(`${line({})}\n{"symbol": "${"x".repeat(1 << 20)}"}`, "raw/x.jsonl", 65_536)).toMatchObject({
      rule: "file.decodable",
    });
  });
});

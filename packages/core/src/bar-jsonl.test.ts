import { describe, expect, it } from "vitest";
import type { Bar } from "./bar.js";
import { createBarSerializer } from "./bar-jsonl.js";

const base: Bar = {
  symbol: "BRK.B",
  interval: "1d",
  ts: "2024-01-05T00:00:00Z",
  trade_date: "2024-01-05",
  open: 1.5,
  high: 2e-7,
  low: 123456789.123,
  close: 0.1 + 0.2,
  adj_close: null,
  volume: 0,
  currency: null,
  asset_class: "equity",
  source: "csv",
  source_key: 'raw/csv/we"ird \\ ünï\u0001cödé.csv',
  source_etag: "9b2cf535f27731c974343645a3985328",
  ingested_at: "2024-01-06T10:00:00Z",
};

describe("createBarSerializer", () => {
  const serialize = createBarSerializer(base);

  it("writes exactly what JSON.stringify writes, escaping the lineage once", () => {
    expect(serialize(base)).toBe(JSON.stringify(base));
    const variants: Bar[] = [
      { ...base, adj_close: 12.25, currency: "USD", asset_class: "crypto", symbol: "^GSPC" },
      { ...base, volume: 9007199254740991, open: 1e21, high: 5e-324, interval: "1m", symbol: "EUR/USD:FX" },
      { ...base, currency: "EUR", asset_class: "fx" },
    ];
    for (const bar of variants) expect(serialize(bar)).toBe(JSON.stringify(bar));
  });

  it("falls back to JSON.stringify for a bar of another object", () => {
    const other = { ...base, source_key: "raw/other.csv" };
    expect(serialize(other)).toBe(JSON.stringify(other));
  });

  it("round-trips through JSON.parse", () => {
    expect(JSON.parse(serialize(base))).toEqual(base);
  });
});

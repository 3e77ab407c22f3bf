import { describe, expect, it } from "vitest";
import { type Bar, type Interval, toUtcTs } from "./bar.js";
import { type ByteSink, CuratedLineEncoder, createBarSerializer, curatedBar, lineageOf } from "./bar-jsonl.js";
import type { CandidateBar, FileMeta } from "./parse/types.js";
import { createQualityRun } from "./quality/run.js";
import { DEFAULT_QUALITY_CONFIG } from "./quality/suite.js";
import { CONTEXT, candidate, cleanDays, EQUITY_DAILY } from "./quality/testing.js";

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

/** A sink of small chunks, so lines land across `reserve` hand-offs as they do in the gzip writer. */
function chunkedSink(chunkBytes = 700): ByteSink & { text(): string } {
  const done: Uint8Array[] = [];
  const sink = {
    bytes: new Uint8Array(chunkBytes),
    pos: 0,
    reserve(n: number) {
      if (sink.bytes.length - sink.pos >= n) return;
      done.push(sink.bytes.subarray(0, sink.pos));
      sink.bytes = new Uint8Array(Math.max(chunkBytes, n));
      sink.pos = 0;
    },
    text() {
      const all = [...done, sink.bytes.subarray(0, sink.pos)];
      return all.map((part) => new TextDecoder().decode(part)).join("");
    },
  };
  return sink;
}

describe("CuratedLineEncoder", () => {
  const lineage = lineageOf(
    { source: "csv" },
    { key: 'raw/csv/we"ird \\ ünï\u0001cödé.csv', etag: '"9b2c"', ingestedAt: "2024-06-03T11:59:00Z" },
  );

  it("writes, for every record the gate passes, the bytes of JSON.stringify(barOf(record)) and a newline", () => {
    const meta: FileMeta = { ...EQUITY_DAILY, currency: null };
    const candidates: CandidateBar[] = [
      ...cleanDays(300),
      ...cleanDays(40).map((c, i) => ({
        ...c,
        symbol: ["^GSPC", "BRK.B", "EUR/USD:FX", "BTC-USD", "A=B"][i % 5] as string,
        open: [1e-6, 0.000123, 0.1 + 0.2, 1635.1087, 2 ** 31 + 0.25][i % 5] as number,
        high: 2e9 + 0.5,
        low: 1e-6,
        close: 123456789.123,
        adjClose: i % 2 === 0 ? 17.25 : 0.3,
        volume: i % 3 === 0 ? -0 : 9_007_199_254_740_991,
        currency: i % 4 === 0 ? "EUR" : i % 4 === 1 ? null : undefined,
        assetClass: i % 2 === 0 ? ("crypto" as const) : undefined,
      })),
    ];
    // Intraday bars from the first minute of 1970 to the last of 9999, across day and year boundaries.
    const minutes = [0, 1, 59, 60, 61, 599, 1439, 1440, 1441, 2 ** 20, 2 ** 24 + 7];
    for (const [i, minute] of minutes.entries()) {
      const tsMs = minute * 60_000;
      candidates.push({
        ...candidate({ interval: "1m", tsMs, tradeDate: new Date(tsMs).toISOString().slice(0, 10) }),
        row: 400 + i,
        symbol: `M${i}`,
      });
      // The same minute traded on the day before (an exchange west of UTC): a trade date that is not ts's date.
      candidates.push({
        ...candidate({ interval: "1m", tsMs, tradeDate: new Date(tsMs - 86_400_000).toISOString().slice(0, 10) }),
        row: 450 + i,
        symbol: `W${i}`,
      });
    }
    const last = Date.UTC(9999, 11, 31, 23, 59);
    candidates.push({ ...candidate({ interval: "1m", tsMs: last, tradeDate: "9999-12-31" }), symbol: "LAST" });
    const ctx = { ...CONTEXT, key: lineage.source_key, now: Date.UTC(9999, 11, 31, 23, 59) };
    const run = createQualityRun(meta, ctx, DEFAULT_QUALITY_CONFIG);
    const encoder = new CuratedLineEncoder(meta, run.lineage);
    const sink = chunkedSink();
    let expected = "";
    let passed = 0;
    for (const c of candidates) {
      if (run.classify(c) !== "pass") continue;
      passed++;
      encoder.write(c, sink);
      expected += `${JSON.stringify(run.barOf(c))}\n`;
    }
    expect(passed).toBeGreaterThan(340);
    expect(sink.text()).toBe(expected);
  });

  it("writes any other record as JSON.stringify of its bar (the fast path takes none of these)", () => {
    const meta: FileMeta = { ...EQUITY_DAILY, interval: "1m", currency: 'U"SD' };
    const encoder = new CuratedLineEncoder(meta, lineage);
    const odd: CandidateBar[] = [
      candidate({ symbol: 'A"B' }),
      candidate({ symbol: "ÄPFEL" }),
      candidate({ symbol: "TAB\tX" }),
      candidate({ tradeDate: '2024-01-0"' }),
      candidate({ tradeDate: "2024-01-5" }),
      candidate({ tradeDate: "2024-01-0\u00e5" }),
      candidate({ tsMs: Date.UTC(2024, 0, 5, 14, 30, 30) }),
      candidate({ tsMs: -60_000 }),
      candidate({ tsMs: Date.UTC(10000, 0, 1) }),
      candidate({ interval: null }),
      candidate({ open: Number.NaN, high: Number.POSITIVE_INFINITY, low: -5, close: -0, volume: 1.5 }),
      candidate({ currency: "\u2028" }),
    ];
    const sink = chunkedSink(64);
    let expected = "";
    for (const c of odd) {
      encoder.write(c, sink);
      const tsMs = c.tsMs;
      expected += `${JSON.stringify(curatedBar(c, c.interval as Interval, toUtcTs(tsMs), meta, lineage))}\n`;
    }
    expect(sink.text()).toBe(expected);
  });
});

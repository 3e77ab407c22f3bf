import { describe, expect, it } from "vitest";
import type { AssetClass, Interval } from "../bar.js";
import type { LatestPrice } from "../ports.js";
import { checkFreshness, dataStaleAlert, expectedSession, symbolFreshness } from "./freshness.js";

function price(symbol: string, ts: string, interval: Interval = "1d", assetClass: AssetClass = "equity"): LatestPrice {
  return {
    symbol,
    interval,
    ts,
    as_of: ts,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 0,
    currency: "USD",
    asset_class: assetClass,
    source: "csv",
    source_key: `raw/${symbol}.csv`,
    ingested_at: ts,
  };
}

const at = (iso: string) => Date.parse(iso);
const status = (p: LatestPrice, now: string, graceMinutes = 0) =>
  symbolFreshness(p, at(now), graceMinutes * 60_000).status;

describe("the last completed session", () => {
  it("is Friday's all weekend long, and Monday's only once Monday has closed", () => {
    for (const now of [
      "2024-06-28T21:00:00Z",
      "2024-06-29T12:00:00Z",
      "2024-06-30T23:00:00Z",
      "2024-07-01T19:59:00Z",
    ]) {
      expect(expectedSession("equity", at(now), 0).date, now).toBe("2024-06-28");
    }
    expect(expectedSession("equity", at("2024-07-01T20:00:00Z"), 0).date).toBe("2024-07-01");
  });

  it("skips a US market holiday: on July 5th the last session is the July 3rd half day", () => {
    const session = expectedSession("equity", at("2024-07-05T15:00:00Z"), 0);
    expect(session.date).toBe("2024-07-03");
    expect(new Date(session.closeMs).toISOString()).toBe("2024-07-03T17:00:00.000Z"); // 13:00 EDT
    expect(expectedSession("index", at("2024-03-29T22:00:00Z"), 0).date).toBe("2024-03-28"); // Good Friday
  });

  it("follows the close across the DST change: 21:00Z before it, 20:00Z after it", () => {
    // Friday 2024-03-08 (EST): not closed at 20:30Z; Monday 2024-03-11 (EDT): closed at 20:00Z.
    expect(expectedSession("equity", at("2024-03-08T20:30:00Z"), 0).date).toBe("2024-03-07");
    expect(expectedSession("equity", at("2024-03-11T20:30:00Z"), 0).date).toBe("2024-03-11");
    // And back in November: Monday 2024-11-04 (EST) closes at 21:00Z again.
    expect(expectedSession("equity", at("2024-11-04T20:30:00Z"), 0).date).toBe("2024-11-01");
  });

  it("waits the grace period after the close before a session is due", () => {
    expect(expectedSession("equity", at("2024-07-01T21:00:00Z"), 2 * 3_600_000).date).toBe("2024-06-28");
    expect(expectedSession("equity", at("2024-07-01T22:00:00Z"), 2 * 3_600_000).date).toBe("2024-07-01");
  });

  it("is yesterday's UTC day for crypto, weekends included, and the last weekday for FX", () => {
    expect(expectedSession("crypto", at("2024-06-30T00:30:00Z"), 0).date).toBe("2024-06-29"); // a Saturday
    expect(expectedSession("fx", at("2024-06-30T12:00:00Z"), 0).date).toBe("2024-06-28");
  });
});

describe("symbol freshness", () => {
  it("calls Friday's daily bar fresh over the weekend and Thursday's stale", () => {
    expect(status(price("AAPL", "2024-06-28T00:00:00Z"), "2024-06-30T12:00:00Z")).toBe("fresh");
    expect(status(price("AAPL", "2024-06-27T00:00:00Z"), "2024-06-30T12:00:00Z")).toBe("stale");
  });

  it("does not expect a bar for Independence Day", () => {
    expect(status(price("AAPL", "2024-07-03T00:00:00Z"), "2024-07-05T15:00:00Z")).toBe("fresh");
    expect(status(price("AAPL", "2024-07-02T00:00:00Z"), "2024-07-05T15:00:00Z")).toBe("stale");
  });

  it("expects Monday's bar right after Monday's EDT close, an hour earlier in UTC than in winter", () => {
    expect(status(price("MSFT", "2024-03-08T00:00:00Z"), "2024-03-11T20:30:00Z")).toBe("stale");
    expect(status(price("MSFT", "2024-03-08T00:00:00Z"), "2024-03-08T20:30:00Z")).toBe("fresh");
  });

  it("takes an intraday bar that started within the session", () => {
    expect(status(price("AAPL", "2024-06-28T19:55:00Z", "5m"), "2024-06-30T12:00:00Z")).toBe("fresh");
    expect(status(price("AAPL", "2024-06-28T12:00:00Z", "5m"), "2024-06-30T12:00:00Z")).toBe("stale"); // pre-market
  });

  it("expects crypto every day, weekends included", () => {
    expect(status(price("BTC-USD", "2024-06-29T00:00:00Z", "1d", "crypto"), "2024-06-30T01:00:00Z")).toBe("fresh");
    expect(status(price("BTC-USD", "2024-06-28T00:00:00Z", "1d", "crypto"), "2024-06-30T01:00:00Z")).toBe("stale");
  });
});

describe("the stale alert", () => {
  const now = at("2024-07-01T22:00:00Z");
  const prices = [
    price("AAPL", "2024-07-01T00:00:00Z"),
    price("MSFT", "2024-06-27T00:00:00Z"),
    price("BTC-USD", "2024-06-20T00:00:00Z", "1d", "crypto"),
  ];

  it("names the stale set (and tracked symbols without a price) under a key of the sorted set", () => {
    const results = checkFreshness({ prices, tracked: ["MSFT", "AAPL", "BTC-USD", "NVDA"], nowMs: now, graceMs: 0 });
    expect(results.map((r) => [r.symbol, r.status])).toEqual([
      ["AAPL", "fresh"],
      ["BTC-USD", "stale"],
      ["MSFT", "stale"],
      ["NVDA", "missing"],
    ]);
    const alert = dataStaleAlert(results, "2024-07-01T22:00:00.000Z");
    expect(alert).toMatchObject({
      kind: "data_stale",
      incidentKey: "stale:BTC-USD,MSFT,NVDA",
      summary: "3 of 4 tracked symbols have no bar for their last completed session",
    });
    expect(alert?.reasons.map((r) => [r.label, r.text])).toEqual([
      ["BTC-USD", "latest 1d bar starts 2024-06-20T00:00:00Z; expected a bar of the 2024-06-30 session"],
      ["MSFT", "latest 1d bar starts 2024-06-27T00:00:00Z; expected a bar of the 2024-07-01 session"],
      ["NVDA", "no price stored at all"],
    ]);
  });

  it("raises nothing when every symbol is fresh", () => {
    const results = checkFreshness({ prices: prices.slice(0, 1), nowMs: now, graceMs: 0 });
    expect(dataStaleAlert(results, "2024-07-01T22:00:00.000Z")).toBeUndefined();
  });
});

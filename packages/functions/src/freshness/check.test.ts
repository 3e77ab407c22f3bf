import { incidentAfter } from "@market-data/core/alerts/index";
import type { AlertMessage, LatestPrice, Notifier } from "@market-data/core/ports";
import { describe, expect, it } from "vitest";
import { AlertPublisher } from "../adapters/alert-publisher.js";
import { MemoryIncidentLedger } from "../adapters/memory-incidents.js";
import { runFreshnessCheck } from "./check.js";
import { FreshnessConfigError, freshnessConfigFromEnv } from "./config.js";

function price(symbol: string, ts: string, assetClass: LatestPrice["asset_class"] = "equity"): LatestPrice {
  return {
    symbol,
    interval: "1d",
    ts,
    as_of: ts,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
    currency: "USD",
    asset_class: assetClass,
    source: "csv",
    source_key: `raw/${symbol}.csv`,
    ingested_at: ts,
  };
}

/** A notifier that records messages and keeps the ledger as the deliverer (the slack function) would. */
function deliverer(incidents: MemoryIncidentLedger): Notifier & { messages: AlertMessage[] } {
  const messages: AlertMessage[] = [];
  return {
    messages,
    async publish(message) {
      messages.push(message);
      if (message.type === "resolved") await incidents.delete(message.incidentKey);
      else await incidents.put(incidentAfter(await incidents.get(message.incidentKey), message));
    },
  };
}

const silent = { info: () => {}, error: () => {} };

function checker(prices: Map<string, LatestPrice>) {
  const incidents = new MemoryIncidentLedger();
  const notifier = deliverer(incidents);
  const store = {
    get: async (symbols: readonly string[]) =>
      symbols.map((s) => prices.get(s)).filter((p): p is LatestPrice => p !== undefined),
    all: async () => [...prices.values()],
  };
  const deps = { prices: store, incidents, publisher: new AlertPublisher(notifier, silent, incidents), logger: silent };
  const at = (iso: string) => runFreshnessCheck({ ...deps, now: () => Date.parse(iso) }, { graceMs: 0 });
  return { at, notifier, incidents };
}

describe("runFreshnessCheck", () => {
  it("alerts once per stale set, again when the set changes, and resolves when every symbol is fresh", async () => {
    const prices = new Map([
      ["AAPL", price("AAPL", "2024-06-27T00:00:00Z")],
      ["MSFT", price("MSFT", "2024-06-28T00:00:00Z")],
      ["BTC-USD", price("BTC-USD", "2024-06-29T00:00:00Z", "crypto")],
    ]);
    const { at, notifier } = checker(prices);

    // Saturday: Friday's session is due; AAPL's Thursday bar is stale. Crypto's Saturday is not over yet.
    const saturday = await at("2024-06-29T12:00:00Z");
    expect(saturday).toMatchObject({ checked: 3, stale: ["AAPL"], alerted: "stale:AAPL", resolved: [] });
    // Sunday, same set: already alerted, nothing new (while BTC-USD's Saturday bar keeps it fresh).
    expect(await at("2024-06-30T12:00:00Z")).toMatchObject({ stale: ["AAPL"], resolved: [] });
    expect(notifier.messages.map((m) => [m.type, m.incidentKey])).toEqual([["alert", "stale:AAPL"]]);

    // Monday after the close: MSFT joins (Friday bar, Monday due), and BTC-USD misses Sunday: a new set.
    const monday = await at("2024-07-01T21:00:00Z");
    expect(monday).toMatchObject({ stale: ["AAPL", "BTC-USD", "MSFT"], alerted: "stale:AAPL,BTC-USD,MSFT" });
    expect(monday.resolved).toEqual(["stale:AAPL"]);

    // Everything arrives: the open set is resolved, and the check stays quiet after.
    prices.set("AAPL", price("AAPL", "2024-07-01T00:00:00Z"));
    prices.set("MSFT", price("MSFT", "2024-07-01T00:00:00Z"));
    prices.set("BTC-USD", price("BTC-USD", "2024-06-30T00:00:00Z", "crypto"));
    expect(await at("2024-07-01T22:00:00Z")).toMatchObject({ stale: [], resolved: ["stale:AAPL,BTC-USD,MSFT"] });
    expect(await at("2024-07-01T23:00:00Z")).toMatchObject({ stale: [], resolved: [] });
    expect(notifier.messages.map((m) => [m.type, m.incidentKey])).toEqual([
      ["alert", "stale:AAPL"],
      ["alert", "stale:AAPL,BTC-USD,MSFT"],
      ["resolved", "stale:AAPL"],
      ["resolved", "stale:AAPL,BTC-USD,MSFT"],
    ]);
  });

  it("expects no bar on a US market holiday", async () => {
    const { at } = checker(new Map([["AAPL", price("AAPL", "2024-07-03T00:00:00Z")]]));
    expect(await at("2024-07-04T23:00:00Z")).toMatchObject({ stale: [] });
    expect(await at("2024-07-05T21:00:00Z")).toMatchObject({ stale: ["AAPL"] });
  });

  it("counts a tracked symbol without any price as stale", async () => {
    const { incidents, notifier } = checker(new Map());
    const deps = {
      prices: { get: async () => [], all: async () => [] },
      incidents,
      publisher: new AlertPublisher(notifier, silent, incidents),
      logger: silent,
      now: () => Date.parse("2024-07-01T22:00:00Z"),
    };
    expect(await runFreshnessCheck(deps, { tracked: ["NVDA"], graceMs: 0 })).toMatchObject({
      stale: ["NVDA"],
      alerted: "stale:NVDA",
    });
  });
});

describe("freshnessConfigFromEnv", () => {
  it("reads the tracked symbols and the grace period, and refuses what it cannot use", () => {
    expect(freshnessConfigFromEnv({})).toEqual({ graceMs: 120 * 60_000 });
    expect(freshnessConfigFromEnv({ FRESHNESS_SYMBOLS: " aapl, BTC-USD ,,", FRESHNESS_GRACE_MINUTES: "30" })).toEqual({
      tracked: ["AAPL", "BTC-USD"],
      graceMs: 30 * 60_000,
    });
    expect(() => freshnessConfigFromEnv({ FRESHNESS_GRACE_MINUTES: "soon" })).toThrow(FreshnessConfigError);
    expect(() => freshnessConfigFromEnv({ FRESHNESS_SYMBOLS: "AAPL,not a symbol" })).toThrow(
      /not A SYMBOL|NOT A SYMBOL/,
    );
  });
});

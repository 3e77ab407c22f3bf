import type { LatestPrice, LatestPriceStore } from "@market-data/core/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** How a suite gets an empty store per test (a fresh PGlite table, an emptied moto table) and its cleanup. */
export interface LatestPriceStoreContractOptions {
  make: () => LatestPriceStore | Promise<LatestPriceStore>;
  destroy?: (store: LatestPriceStore) => void | Promise<void>;
}

/** A latest price with sensible defaults; `as_of` and `ingested_at` are what the monotonic rule compares. */
export function priceOf(symbol: string, over: Partial<LatestPrice> = {}): LatestPrice {
  return {
    symbol,
    interval: "1d",
    ts: "2024-01-04T00:00:00Z",
    as_of: "2024-01-05T00:00:00Z",
    open: 10,
    high: 12,
    low: 9.5,
    close: 11.25,
    volume: 1_000,
    currency: "USD",
    asset_class: "equity",
    source: "csv",
    source_key: `raw/csv/${symbol}.csv`,
    ingested_at: "2024-01-05T06:00:00Z",
    ...over,
  };
}

/** The behaviour every `LatestPriceStore` must show, run against each adapter. */
export function runLatestPriceStoreContract({ make, destroy }: LatestPriceStoreContractOptions): void {
  describe("LatestPriceStore contract", () => {
    let store: LatestPriceStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await destroy?.(store);
    });

    it("stores a price and reads it back unchanged", async () => {
      const price = priceOf("BRK.B", { currency: null, volume: 9_007_199_254_740_991, close: 0.000123 });
      await store.upsert([price]);
      expect(await store.get(["BRK.B"])).toEqual([price]);
      expect(await store.all()).toEqual([price]);
    });

    it("never lets an older as_of overwrite a newer one", async () => {
      const newer = priceOf("AAPL", { as_of: "2024-01-06T00:00:00Z", close: 200 });
      const older = priceOf("AAPL", { as_of: "2024-01-05T00:00:00Z", close: 100, ingested_at: "2024-02-01T00:00:00Z" });
      await store.upsert([newer]);
      await store.upsert([older]);
      expect(await store.get(["AAPL"])).toEqual([newer]);
    });

    it("moves forward when a later as_of arrives", async () => {
      await store.upsert([priceOf("MSFT", { as_of: "2024-01-05T00:00:00Z", close: 1 })]);
      const later = priceOf("MSFT", { as_of: "2024-01-05T00:05:00Z", close: 2 });
      await store.upsert([later]);
      expect(await store.get(["MSFT"])).toEqual([later]);
    });

    it("replaces an equal as_of with a newer or equal ingested_at, keeps it against an older one", async () => {
      const first = priceOf("TSLA", { close: 1, ingested_at: "2024-01-05T06:00:00Z" });
      const restated = priceOf("TSLA", { close: 2, ingested_at: "2024-01-05T07:00:00Z" });
      const stale = priceOf("TSLA", { close: 3, ingested_at: "2024-01-05T05:00:00Z" });
      const sameAgain = priceOf("TSLA", { close: 4, ingested_at: "2024-01-05T07:00:00Z" });
      await store.upsert([first]);
      await store.upsert([restated]);
      expect(await store.get(["TSLA"])).toEqual([restated]);
      await store.upsert([stale]);
      expect(await store.get(["TSLA"])).toEqual([restated]);
      await store.upsert([sameAgain]);
      expect(await store.get(["TSLA"])).toEqual([sameAgain]);
    });

    it("keeps the newest of several prices for one symbol in one batch, whatever their order", async () => {
      const prices = ["2024-01-03", "2024-01-07", "2024-01-05"].map((d, i) =>
        priceOf("NVDA", { as_of: `${d}T00:00:00Z`, close: i + 1 }),
      );
      await store.upsert(prices);
      expect((await store.get(["NVDA"]))[0]?.close).toBe(2);
    });

    it("returns only known symbols and nothing for none", async () => {
      await store.upsert([priceOf("AAPL")]);
      expect(await store.get(["NOPE", "AAPL", "ALSO-NOPE"])).toEqual([priceOf("AAPL")]);
      expect(await store.get([])).toEqual([]);
      expect(await store.get(["'; DROP TABLE latest_prices; --"])).toEqual([]);
      expect(await store.all()).toHaveLength(1);
    });

    it("upserts many symbols in one batch and lists them in symbol order", async () => {
      const symbols = Array.from({ length: 250 }, (_, i) => `S${String(249 - i).padStart(3, "0")}`);
      await store.upsert(symbols.map((s) => priceOf(s)));
      const all = await store.all();
      expect(all.map((p) => p.symbol)).toEqual([...symbols].sort());
      const some = await store.get(symbols.slice(0, 120));
      expect(some.map((p) => p.symbol)).toEqual(symbols.slice(0, 120).sort());
    });

    it("ignores an empty batch", async () => {
      await store.upsert([]);
      expect(await store.all()).toEqual([]);
    });

    it("ends with the newest price after concurrent upserts of interleaved old and new bars", async () => {
      const symbols = ["BTC-USD", "ETH-USD", "^GSPC"];
      const hours = Array.from({ length: 24 }, (_, h) => h);
      // Each batch holds one hour for every symbol; batches run at once, in a shuffled (fixed) order.
      const order = hours.map((h) => (h * 7) % 24);
      await Promise.all(
        order.map((h) =>
          store.upsert(
            symbols.map((s) =>
              priceOf(s, { as_of: `2024-01-05T${String(h).padStart(2, "0")}:00:00Z`, close: h + 1, interval: "1h" }),
            ),
          ),
        ),
      );
      const latest = await store.get(symbols);
      expect(latest.map((p) => [p.symbol, p.close, p.as_of])).toEqual(
        [...symbols].sort().map((s) => [s, 24, "2024-01-05T23:00:00Z"]),
      );
    });
  });
}

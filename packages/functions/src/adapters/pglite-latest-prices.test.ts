import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { priceOf, runLatestPriceStoreContract } from "./latest-prices.contract.js";
import { openLatestPriceStore, PgliteLatestPrices } from "./pglite-latest-prices.js";

describe("PgliteLatestPrices", () => {
  // One in-memory database for the suite (PGlite takes a moment to boot); each test starts from no table.
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  runLatestPriceStoreContract({
    make: async () => {
      await db.exec("DROP TABLE IF EXISTS latest_prices");
      return new PgliteLatestPrices(db);
    },
  });

  it("creates its table once however many first calls race", async () => {
    await db.exec("DROP TABLE IF EXISTS latest_prices");
    const store = new PgliteLatestPrices(db);
    await Promise.all([store.all(), store.get(["A"]), store.upsert([priceOf("A")]), store.init()]);
    expect(await store.all()).toHaveLength(1);
  });

  it("keeps a hostile symbol a value: it is stored and read back, and the table survives", async () => {
    await db.exec("DROP TABLE IF EXISTS latest_prices");
    const store = new PgliteLatestPrices(db);
    const hostile = priceOf(`X'); DROP TABLE latest_prices; --`);
    await store.upsert([hostile]);
    expect(await store.get([hostile.symbol])).toEqual([hostile]);
  });

  it("persists in a data dir across reopen (openLatestPriceStore)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "latest-prices-"));
    try {
      const first = await openLatestPriceStore(path.join(dir, "pg"));
      await first.upsert([priceOf("AAPL", { close: 123.5 })]);
      await first.close();
      const second = await openLatestPriceStore(path.join(dir, "pg"));
      expect((await second.get(["AAPL"]))[0]?.close).toBe(123.5);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("serves its own writes at once, however long its copy may otherwise be kept", async () => {
    await db.exec("DROP TABLE IF EXISTS latest_prices");
    const store = new PgliteLatestPrices(db, { refreshMs: 3_600_000 });
    expect(await store.get(["AAPL"])).toEqual([]);
    const first = priceOf("AAPL", { close: 1 });
    await store.upsert([first]);
    expect(await store.get(["AAPL"])).toEqual([first]);
    // The monotonic rule keeps the newer price, and the copy follows the table, not the batch.
    await store.upsert([priceOf("AAPL", { as_of: "2024-01-01T00:00:00Z", close: 2 })]);
    expect(await store.get(["AAPL"])).toEqual([first]);
  });

  it("sees another writer's price within refreshMs", async () => {
    await db.exec("DROP TABLE IF EXISTS latest_prices");
    const reader = new PgliteLatestPrices(db, { refreshMs: 20 });
    const writer = new PgliteLatestPrices(db);
    expect(await reader.get(["MSFT"])).toEqual([]);
    const price = priceOf("MSFT", { close: 7 });
    await writer.upsert([price]);
    await vi.waitFor(async () => expect(await reader.get(["MSFT"])).toEqual([price]), { timeout: 2_000 });
  });

  it("does not close a PGlite it was given", async () => {
    const store = new PgliteLatestPrices(db);
    await store.close();
    expect((await db.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });
});

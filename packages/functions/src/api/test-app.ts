import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { LatestPriceStore } from "@market-data/core/ports";
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import { FolderObjectStore } from "../adapters/folder-object-store.js";
import { priceOf } from "../adapters/latest-prices.contract.js";
import { PgliteLatestPrices } from "../adapters/pglite-latest-prices.js";
import { createApp } from "./app.js";

/**
 * Test fixture for the API: registers hooks that give each test an in-memory PGlite holding AAPL, BTC-USD
 * and ^GSPC, and an empty FolderObjectStore in a tmp dir. Call once at the top of a test file.
 */
export function useTestApp() {
  let db: PGlite;
  let root: string;
  let prices: PgliteLatestPrices | undefined;
  let objects: FolderObjectStore | undefined;
  const inTest = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test app is only ready inside a test");
    return value;
  };
  const state = {
    get prices() {
      return inTest(prices);
    },
    get objects() {
      return inTest(objects);
    },
    logger: { error: vi.fn() },
  };
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.exec("DROP TABLE IF EXISTS latest_prices");
    prices = new PgliteLatestPrices(db);
    await prices.upsert([
      priceOf("AAPL", { close: 185.5 }),
      priceOf("BTC-USD", { asset_class: "crypto" }),
      priceOf("^GSPC"),
    ]);
    root = await mkdtemp(path.join(tmpdir(), "api-"));
    objects = new FolderObjectStore(root);
    state.logger.error.mockReset();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const appWith = (over: { apiKey?: string; prices?: LatestPriceStore; corsOrigin?: string[] } = {}) =>
    createApp({
      prices: state.prices,
      objects: state.objects,
      logger: state.logger,
      now: () => new Date("2024-01-05T12:00:00Z"),
      version: "1.2.3",
      ...over,
    });

  async function call(url: string, headers: Record<string, string> = {}, app = appWith()) {
    const res = await app.request(url, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, res };
  }

  return { state, appWith, call };
}

/** The field a 400 names, after checking the body has the one error shape. */
export function fieldOf(body: Record<string, unknown>): unknown {
  expect(body).toMatchObject({ error: { code: "INVALID_REQUEST", message: expect.any(String) } });
  return (body.error as { field?: unknown }).field;
}

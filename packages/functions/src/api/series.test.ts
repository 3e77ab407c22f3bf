import { PGlite } from "@electric-sql/pglite";
import type { LatestPriceStore, WarehouseReader } from "@market-data/core/ports";
import { INDICATOR_COLUMNS } from "@market-data/core/warehouse/columns";
import type { SeriesReadQuery } from "@market-data/core/warehouse/read-sql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureObjects, fixtureRequest } from "../../test/warehouse-fixtures.js";
import { PostgresWarehouse } from "../warehouse/postgres-warehouse.js";
import { PgliteClient } from "../warehouse/sql-client.js";
import { createApp } from "./app.js";
import { decodeCursor, encodeCursor } from "./series.js";

const noPrices: LatestPriceStore = { upsert: async () => undefined, get: async () => [], all: async () => [] };
const appWith = (warehouse?: WarehouseReader) =>
  createApp({
    prices: noPrices,
    objects: fixtureObjects(),
    logger: { error: vi.fn() },
    ...(warehouse ? { warehouse } : {}),
  });

async function get(app: ReturnType<typeof appWith>, url: string) {
  const res = await app.request(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

// One embedded warehouse for the file, holding the r1 fixture run (AAPL 40 daily bars, MSFT 210, BTC-USD 24 hourly).
let db: PGlite;
let warehouse: PostgresWarehouse;
beforeAll(async () => {
  db = await PGlite.create();
  warehouse = new PostgresWarehouse(new PgliteClient(db), { objects: fixtureObjects() });
  await warehouse.merge(await fixtureRequest("r1"));
});
afterAll(async () => {
  await db.close();
});

describe("GET /v1/bars/{symbol}", () => {
  it("returns the bars of a date range, both ends inclusive", async () => {
    const { status, body } = await get(appWith(warehouse), "/v1/bars/aapl?from=2024-01-03&to=2024-01-05");
    expect(status).toBe(200);
    expect(body).toMatchObject({ symbol: "AAPL", interval: "1d", order: "asc", next_cursor: null });
    const bars = body.bars as Record<string, unknown>[];
    expect(bars.map((b) => b.ts)).toEqual(["2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z", "2024-01-05T00:00:00Z"]);
    expect(bars[0]).toEqual({
      ts: "2024-01-03T00:00:00Z",
      trade_date: "2024-01-03",
      open: expect.any(Number),
      high: expect.any(Number),
      low: expect.any(Number),
      close: expect.any(Number),
      adj_close: null,
      volume: 1_002_000,
      currency: "USD",
    });
  });

  it("pages through a whole series with the cursor, in either order", async () => {
    for (const order of ["asc", "desc"] as const) {
      const seen: string[] = [];
      let url: string | null = `/v1/bars/AAPL?limit=15&order=${order}`;
      let pages = 0;
      while (url !== null) {
        const { body } = await get(appWith(warehouse), url);
        seen.push(...(body.bars as { ts: string }[]).map((b) => b.ts));
        const next = body.next_cursor as string | null;
        url = next === null ? null : `/v1/bars/AAPL?limit=15&order=${order}&cursor=${next}`;
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(40);
      const sorted = [...seen].sort();
      expect(seen).toEqual(order === "asc" ? sorted : sorted.reverse());
    }
  });

  it("reads intraday bars with interval, and a time-of-day range", async () => {
    const { body } = await get(
      appWith(warehouse),
      "/v1/bars/btc-usd?interval=1h&from=2024-01-01T05:00:00Z&to=2024-01-01T07:00:00Z",
    );
    expect((body.bars as { ts: string }[]).map((b) => b.ts)).toEqual([
      "2024-01-01T05:00:00Z",
      "2024-01-01T06:00:00Z",
      "2024-01-01T07:00:00Z",
    ]);
  });

  it("answers an empty page for a symbol the warehouse does not hold", async () => {
    expect(await get(appWith(warehouse), "/v1/bars/NOPE")).toMatchObject({
      status: 200,
      body: { bars: [], next_cursor: null },
    });
  });
});

describe("GET /v1/indicators/{symbol}", () => {
  it("returns the requested indicators, newest first", async () => {
    const { status, body } = await get(
      appWith(warehouse),
      "/v1/indicators/MSFT?columns=sma_200,golden_cross,rsi_14&order=desc&limit=2",
    );
    expect(status).toBe(200);
    expect(body.columns).toEqual(["sma_200", "golden_cross", "rsi_14"]);
    const rows = body.rows as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0] ?? {})).toEqual(["ts", "sma_200", "golden_cross", "rsi_14"]);
    expect(rows[0]?.sma_200).toEqual(expect.any(Number));
    expect(typeof rows[0]?.golden_cross).toBe("boolean");
    expect(body.next_cursor).toEqual(expect.any(String));
  });

  it("returns every indicator when columns is not given, null during warm-up", async () => {
    const { body } = await get(appWith(warehouse), "/v1/indicators/AAPL?limit=1");
    expect(body.columns).toEqual([...INDICATOR_COLUMNS]);
    const [first] = body.rows as Record<string, unknown>[];
    expect(first).toMatchObject({ ts: "2024-01-01T00:00:00Z", sma_5: null, sma_200: null, golden_cross: null });
  });
});

describe("bars and indicators input checks", () => {
  // A reader that records calls: a rejected request must never reach a statement.
  const calls: SeriesReadQuery[] = [];
  const spy: WarehouseReader = {
    readSeries: async (query) => {
      calls.push(query);
      return [];
    },
  };

  it.each([
    ["symbol", "/v1/bars/AAPL'%3B%20DROP%20TABLE%20market_data.fct_bars%3B%20--"],
    ["symbol", `/v1/indicators/${encodeURIComponent("x' OR '1'='1")}`],
    ["from", `/v1/bars/AAPL?from=${encodeURIComponent("2024-01-01' OR '1'='1")}`],
    ["to", `/v1/bars/AAPL?to=${encodeURIComponent("2024-01-01'); DELETE FROM market_data.fct_bars; --")}`],
    ["from", "/v1/bars/AAPL?from=2024-02-30"],
    ["from", "/v1/bars/AAPL?from=2024-01-01T10:00:00%2B02:00"],
    ["to", "/v1/bars/AAPL?to=1969-12-31"],
    ["from", "/v1/bars/AAPL?from=2024-03-01&to=2024-02-01"],
    ["limit", "/v1/bars/AAPL?limit=0"],
    ["limit", "/v1/bars/AAPL?limit=1001"],
    ["limit", "/v1/bars/AAPL?limit=10%20OR%201%3D1"],
    ["interval", "/v1/bars/AAPL?interval=2d"],
    ["order", "/v1/bars/AAPL?order=random()"],
    ["cursor", "/v1/bars/AAPL?cursor=not-a-cursor"],
    ["cursor", `/v1/bars/AAPL?cursor=${Buffer.from("v1:2024-01-01' OR 1=1 --").toString("base64url")}`],
    ["columns", `/v1/indicators/AAPL?columns=${encodeURIComponent("sma_20;DROP TABLE market_data.fct_bars")}`],
    ["columns", `/v1/indicators/AAPL?columns=${encodeURIComponent("sma_20) UNION SELECT * FROM pg_user --")}`],
    ["columns", `/v1/indicators/AAPL?columns=${encodeURIComponent('"close"')}`],
    ["columns", "/v1/indicators/AAPL?columns=open"],
    ["columns", "/v1/indicators/AAPL?columns=,"],
    ["limit", "/v1/indicators/AAPL?limit=5&limit=6"],
  ])("rejects a bad %s with 400 before any statement: %s", async (field, url) => {
    const { status, body } = await get(appWith(spy), url);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: "INVALID_REQUEST", field, message: expect.any(String) } });
    expect(JSON.stringify(body)).not.toMatch(/DROP|UNION|DELETE/);
    expect(calls).toEqual([]);
  });

  it("keeps the warehouse intact after hostile requests", async () => {
    await get(appWith(warehouse), `/v1/bars/${encodeURIComponent("AAPL'; DROP TABLE market_data.fct_bars; --")}`);
    const { body } = await get(appWith(warehouse), "/v1/bars/AAPL?limit=1000");
    expect(body.bars).toHaveLength(40);
  });

  it("answers 503 with a clear message when no warehouse is configured", async () => {
    for (const url of ["/v1/bars/AAPL", "/v1/indicators/AAPL?columns=sma_20"]) {
      const { status, body } = await get(appWith(), url);
      expect(status).toBe(503);
      expect(body).toEqual({
        error: {
          code: "WAREHOUSE_UNAVAILABLE",
          message:
            "bars and indicators come from the warehouse, and this API has none configured; latest prices still work",
        },
      });
    }
  });

  it("round-trips a cursor and refuses forged ones", () => {
    expect(decodeCursor(encodeCursor("2024-01-05T00:00:00Z"))).toBe("2024-01-05T00:00:00Z");
    expect(decodeCursor(Buffer.from("v2:2024-01-05T00:00:00Z").toString("base64url"))).toBeUndefined();
    expect(decodeCursor(Buffer.from("v1:2024-13-05T00:00:00Z").toString("base64url"))).toBeUndefined();
  });
});

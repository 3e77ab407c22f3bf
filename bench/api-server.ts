// The server half of bench/api: the API app on @hono/node-server, offline adapters (PGlite latest prices; the
// warehouse on PGlite, or DATABASE_URL's server with --warehouse postgres), seeded with 100 symbols. Prints
// `listening <port>` once it serves.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { FolderObjectStore } from "../packages/functions/src/adapters/folder-object-store.ts";
import { openLatestPriceStore } from "../packages/functions/src/adapters/pglite-latest-prices.ts";
import { createApp } from "../packages/functions/src/api/app.ts";
import { PostgresWarehouse } from "../packages/functions/src/warehouse/postgres-warehouse.ts";
import { PgClient, PgliteClient } from "../packages/functions/src/warehouse/sql-client.ts";

const SYMBOLS = Array.from({ length: 100 }, (_, i) => `S${String(i).padStart(4, "0")}`);
const BARS = 2_000;

const prices = await openLatestPriceStore();
await prices.upsert(
  SYMBOLS.map((symbol) => ({
    symbol,
    interval: "1d" as const,
    ts: "2024-01-04T00:00:00Z",
    as_of: "2024-01-05T00:00:00Z",
    open: 10,
    high: 12,
    low: 9.5,
    close: 11.25,
    volume: 1_000,
    currency: "USD",
    asset_class: "equity" as const,
    source: "csv" as const,
    source_key: `raw/csv/${symbol}.csv`,
    ingested_at: "2024-01-05T06:00:00Z",
  })),
);

const onServer = process.argv.includes("--warehouse=postgres");
const client = onServer ? new PgClient(process.env.DATABASE_URL ?? "") : new PgliteClient({});
const objects = new FolderObjectStore(await mkdtemp(join(tmpdir(), "bench-api-")));
const warehouse = new PostgresWarehouse(client, { objects });
await client.query("DROP SCHEMA IF EXISTS market_data CASCADE");
await warehouse.migrate();
await client.query(`
  INSERT INTO market_data.fct_bars
  SELECT 'S' || lpad(s::text, 4, '0'), '1d', timestamptz '2015-01-01 00:00:00+00' + b * interval '1 day',
    date '2015-01-01' + b, c - 0.25, c + 1, c - 1, c, NULL, 1000000 + b, 'USD', 'equity', 'simulator',
    'raw/bench/api.csv', 'bench', timestamptz '2024-01-01 00:00:00+00',
    ${Array.from({ length: 19 }, (_, k) => `c * ${1 + k / 100}`).join(", ")}, b % 50 = 0, b % 70 = 0, 'bench', now()
  FROM generate_series(0, ${SYMBOLS.length - 1}) s CROSS JOIN generate_series(0, ${BARS - 1}) b
  CROSS JOIN LATERAL (SELECT 100 + (b % 97) * 0.5 AS c) v`);
await client.query("ANALYZE market_data.fct_bars");

const app = createApp({ prices, objects, warehouse, logger: { error: () => undefined } });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`listening ${info.port}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  void Promise.all([prices.close(), client.close()]).then(() => process.exit(0));
});

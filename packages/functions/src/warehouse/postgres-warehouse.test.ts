import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe } from "vitest";
import { runPostgresWarehouseContract } from "./postgres-warehouse.contract.js";
import { PgClient, PgliteClient } from "./sql-client.js";

// One embedded database for the file (starting PGlite takes seconds), emptied before each test.
let embedded: PGlite | undefined;
afterAll(async () => {
  await embedded?.close();
});

describe("PostgresWarehouse on PGlite", () => {
  runPostgresWarehouseContract({
    open: async () => {
      embedded ??= await PGlite.create();
      await embedded.exec("DROP SCHEMA IF EXISTS market_data CASCADE");
      return new PgliteClient(embedded);
    },
    close: async () => undefined,
  });
});

// A real PostgreSQL server when one is configured: CI starts Debian's (see docs/warehouse.md).
const serverUrl = process.env.TEST_DATABASE_URL;
describe.skipIf(serverUrl === undefined || serverUrl === "")("PostgresWarehouse on a PostgreSQL server", () => {
  runPostgresWarehouseContract({
    open: async () => {
      const client = new PgClient(serverUrl ?? "");
      await client.query("DROP SCHEMA IF EXISTS market_data CASCADE");
      return client;
    },
    close: (client) => client.close(),
  });
});

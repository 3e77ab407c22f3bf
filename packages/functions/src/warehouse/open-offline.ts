import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ObjectStore } from "@market-data/core/ports";
import { PostgresWarehouse } from "./postgres-warehouse.js";
import { PgClient, PgliteClient, type SqlClient } from "./sql-client.js";

export interface OfflineWarehouseOptions {
  /** Where the delta files are: the offline bucket folder. */
  objects: ObjectStore;
  /** The offline root; the embedded database lives in `<root>/warehouse`. Default `.local`. */
  root?: string;
  /** A PostgreSQL server to use instead of the embedded one. Default: `DATABASE_URL`, when set. */
  databaseUrl?: string;
}

/** The offline warehouse, migrated: the embedded PGlite under `<root>/warehouse`, or `DATABASE_URL`'s server. */
export async function openOfflineWarehouse(
  options: OfflineWarehouseOptions,
): Promise<{ warehouse: PostgresWarehouse; client: SqlClient; where: string }> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL ?? "";
  const dataDir = join(options.root ?? ".local", "warehouse");
  if (url === "") await mkdir(dataDir, { recursive: true }); // PGlite creates its folder, not the parents
  const client: SqlClient = url === "" ? new PgliteClient({ dataDir }) : new PgClient(url);
  const warehouse = new PostgresWarehouse(client, { objects: options.objects });
  try {
    await warehouse.migrate();
  } catch (error) {
    await client.close();
    throw error;
  }
  // The URL may hold a password: name the host only.
  return { warehouse, client, where: url === "" ? dataDir : `postgres://${new URL(url).host}` };
}

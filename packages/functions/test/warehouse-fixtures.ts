import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MergeRequest } from "@market-data/core/ports";
import { FolderObjectStore } from "../src/adapters/folder-object-store.js";
import { mergeRequestOf, readRunManifest } from "../src/merge/run-manifest.js";
import type { SqlSession } from "../src/warehouse/sql-client.js";

/**
 * A read-only bucket with the delta Parquet and run manifests the real Glue job wrote (see
 * fixtures/warehouse/generate.ts): `r1` (AAPL 40, MSFT 210, BTC-USD 24 bars), `r1-rerun` (the same rows under
 * another run id) and `r2` (AAPL from bar 30 rewritten, 3 bars appended).
 */
export const FIXTURE_BUCKET = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "warehouse", "bucket");
export const fixtureObjects = () => new FolderObjectStore(FIXTURE_BUCKET);
export const FIXTURE_RUNS = { r1: 274, "r1-rerun": 274, r2: 13 } as const;

/** The merge request of a fixture run, from its manifest. */
export async function fixtureRequest(runId: keyof typeof FIXTURE_RUNS): Promise<MergeRequest> {
  const manifest = await readRunManifest(fixtureObjects(), runId);
  if (manifest === undefined) throw new Error(`no fixture manifest for ${runId}`);
  return mergeRequestOf(manifest);
}

/** Every row of fct_bars as JSON, in key order: what "identical rows" compares. */
export async function tableContents(db: SqlSession): Promise<Record<string, unknown>[]> {
  const rows = await db.query<{ row: Record<string, unknown> }>(
    `SELECT to_jsonb(f) AS row FROM market_data.fct_bars f ORDER BY f.symbol, f."interval", f.ts`,
  );
  return rows.map((r) => r.row);
}

/** The audit rows, oldest first. */
export async function mergeRuns(db: SqlSession): Promise<Record<string, unknown>[]> {
  return db.query<Record<string, unknown>>(
    `SELECT run_id, status, rows_staged::int AS staged, rows_inserted::int AS inserted, rows_updated::int AS updated,
       rows_unchanged::int AS unchanged, error FROM market_data.merge_runs ORDER BY started_at, run_id`,
  );
}

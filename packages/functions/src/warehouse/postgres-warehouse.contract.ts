import { MergeFailedError } from "@market-data/core/ports";
import { DELTA_COLUMNS } from "@market-data/core/warehouse/columns";
import { bootstrapDdl } from "@market-data/core/warehouse/ddl";
import { applyPlan, MIGRATIONS } from "@market-data/core/warehouse/migrations";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  FIXTURE_BUCKET,
  FIXTURE_RUNS,
  fixtureObjects,
  fixtureRequest,
  mergeRuns,
  tableContents,
} from "../../test/warehouse-fixtures.js";
import { FolderObjectStore } from "../adapters/folder-object-store.js";
import { batchRow, type DeltaBatch, type DeltaValue, type DeltaVector, readDeltaBatches } from "./parquet-delta.js";
import { PostgresWarehouse } from "./postgres-warehouse.js";
import type { SqlClient } from "./sql-client.js";

/** How a suite gets an empty database per test, and lets it go. */
export interface PostgresContractOptions {
  /** A client on a database with no `market_data` schema. */
  open: () => Promise<SqlClient>;
  close: (client: SqlClient) => Promise<void>;
}

/** What the Postgres warehouse must do on every engine it runs on (PGlite, a PostgreSQL server). */
export function runPostgresWarehouseContract({ open, close }: PostgresContractOptions): void {
  let db: SqlClient;
  let warehouse: PostgresWarehouse;
  const make = (over: Partial<ConstructorParameters<typeof PostgresWarehouse>[1]> = {}) =>
    new PostgresWarehouse(db, { objects: fixtureObjects(), ...over });

  beforeEach(async () => {
    db = await open();
    warehouse = make();
  });
  afterEach(async () => {
    await close(db);
  });

  describe("migrations", () => {
    it("applies every version once, and a second migrator finds nothing to do", async () => {
      expect(await warehouse.migrate()).toEqual({ applied: [1, 2, 3] });
      expect(await make().migrate()).toEqual({ applied: [] });
      const ledger = await db.query<{ version: string | number }>(
        "SELECT version FROM market_data.schema_migrations ORDER BY version",
      );
      expect(ledger.map((row) => Number(row.version))).toEqual([1, 2, 3]);
    });

    it("upgrades a version-1 table in place: rows kept, key columns bytewise, no run_id index, no key dedup", async () => {
      await db.transaction(async (tx) => {
        for (const sql of bootstrapDdl("postgres")) await tx.query(sql);
        for (const sql of applyPlan("postgres", MIGRATIONS.slice(0, 1))) await tx.query(sql);
      });
      expect(await indexes(db)).toContain("fct_bars_run_id");
      await db.query(
        `INSERT INTO market_data.fct_bars SELECT * FROM jsonb_populate_record(NULL::market_data.fct_bars, $1::jsonb)`,
        [JSON.stringify({ ...badRow, ts: "2024-03-01T00:00:00Z", run_id: "r0", loaded_at: "2024-03-02T00:00:00Z" })],
      );
      expect(await keyIndexOptions(db)).toBeNull();
      expect(await warehouse.migrate()).toEqual({ applied: [2, 3] });
      expect(await tableContents(db)).toHaveLength(1);
      expect(await indexes(db)).toEqual(["fct_bars_pkey"]);
      expect(await keyIndexOptions(db)).toEqual(["deduplicate_items=off"]);
      const collations = await db.query<{ attname: string; collname: string }>(
        `SELECT a.attname, c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
         WHERE a.attrelid = 'market_data.fct_bars'::regclass AND a.attname IN ('symbol', 'interval') ORDER BY a.attnum`,
      );
      expect(collations).toEqual([
        { attname: "symbol", collname: "C" },
        { attname: "interval", collname: "C" },
      ]);
    });

    it("creates fct_bars with every delta column, then run_id and loaded_at, keyed on (symbol, interval, ts)", async () => {
      await warehouse.migrate();
      const columns = await db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = 'market_data' AND table_name = 'fct_bars' ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => c.column_name)).toEqual([...DELTA_COLUMNS.map((c) => c.name), "run_id", "loaded_at"]);
      const key = await db.query<{ column_name: string }>(
        `SELECT a.attname AS column_name FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = 'market_data.fct_bars'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      );
      expect(key.map((c) => c.column_name)).toEqual(["symbol", "interval", "ts"]);
    });
  });

  describe("merge", () => {
    it("lands every row of a run with its values, lineage and run id, and records the run", async () => {
      const outcome = await warehouse.merge(await fixtureRequest("r1"));
      expect(outcome).toEqual({
        status: "merged",
        runId: "r1",
        counts: { staged: FIXTURE_RUNS.r1, inserted: FIXTURE_RUNS.r1, updated: 0, unchanged: 0 },
      });
      const rows = await tableContents(db);
      expect(rows).toHaveLength(FIXTURE_RUNS.r1);
      const [first] = await deltaRows("r1");
      if (first === undefined) throw new Error("the r1 fixture is empty");
      const stored = rows.find((row) => row.symbol === first.symbol && row.interval === first.interval);
      expect(stored).toMatchObject({ open: first.open, close: first.close, sma_5: first.sma_5, run_id: "r1" });
      expect(Date.parse(String(stored?.ts))).toBe(Date.parse(String(first.ts)));
      expect(await mergeRuns(db)).toEqual([
        { run_id: "r1", status: "MERGED", staged: 274, inserted: 274, updated: 0, unchanged: 0, error: null },
      ]);
    });

    it("keeps booleans, doubles, int64 and warm-up nulls exactly as the Parquet holds them", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const parquet = await deltaRows("r1");
      const stored = await db.query<Record<string, unknown>>(
        `SELECT symbol, "interval", to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts,
           golden_cross, death_cross, sma_200, volatility_20, volume::text AS volume
         FROM market_data.fct_bars ORDER BY "interval", symbol, ts`,
      );
      const pick = (row: Record<string, unknown>) => ({
        symbol: row.symbol,
        interval: row.interval,
        ts: row.ts,
        golden_cross: row.golden_cross,
        death_cross: row.death_cross,
        sma_200: row.sma_200,
        volatility_20: row.volatility_20,
        volume: row.volume,
      });
      expect(stored.map(pick)).toEqual(parquet.map(pick));
      // The fixture reaches SMA200 for MSFT only, so the cross flags are set there and null elsewhere.
      expect(parquet.filter((row) => row.golden_cross !== null).length).toBeGreaterThan(0);
    });

    it("skips a run already merged and leaves identical rows", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const before = await tableContents(db);
      const again = await make().merge(await fixtureRequest("r1"));
      expect(again).toMatchObject({ status: "skipped", reason: "already-merged", counts: { inserted: 274 } });
      expect(await tableContents(db)).toEqual(before);
      expect(await mergeRuns(db)).toHaveLength(1);
    });

    it("leaves identical rows, run ids and load times when a re-run of the job is merged", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const before = await tableContents(db);
      const rerun = await warehouse.merge(await fixtureRequest("r1-rerun"));
      expect(rerun).toEqual({
        status: "merged",
        runId: "r1-rerun",
        counts: { staged: 274, inserted: 0, updated: 0, unchanged: 274 },
      });
      expect(await tableContents(db)).toEqual(before);
    });

    it("updates an overlapping run's rows in place and leaves other symbols untouched", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const before = await tableContents(db);
      const outcome = await warehouse.merge(await fixtureRequest("r2"));
      expect(outcome).toEqual({
        status: "merged",
        runId: "r2",
        counts: { staged: 13, inserted: 3, updated: 10, unchanged: 0 },
      });
      const after = await tableContents(db);
      expect(after).toHaveLength(before.length + 3);
      const others = (rows: Record<string, unknown>[]) => rows.filter((row) => row.symbol !== "AAPL");
      expect(others(after)).toEqual(others(before));
      const aapl = after.filter((row) => row.symbol === "AAPL");
      expect(aapl.slice(0, 30).every((row) => row.run_id === "r1")).toBe(true);
      expect(aapl.slice(30).every((row) => row.run_id === "r2")).toBe(true);
      const corrected = aapl[30];
      const was = before.filter((row) => row.symbol === "AAPL")[30];
      expect(corrected?.ts).toEqual(was?.ts);
      expect(Number(corrected?.close) - Number(was?.close)).toBeCloseTo(3.5, 9);
    });

    it("rolls everything back when a bad row reaches the stage, with the database's message", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const before = await tableContents(db);
      const broken = make({
        readDelta: async function* (objects, keys) {
          for await (const batch of readDeltaBatches(objects, keys)) yield batch;
          // One more row: AAPL with no ts. The stage takes it; fct_bars' NOT NULL refuses it in the MERGE.
          yield { rowCount: 1, columns: DELTA_COLUMNS.map((c) => [badRow[c.name] ?? null]) };
        },
      });
      const request = { ...(await fixtureRequest("r2")), expectedRows: 14 };
      const error = await broken.merge(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MergeFailedError);
      expect((error as MergeFailedError).databaseMessage).toMatch(/null value in column "ts"/);
      expect(await tableContents(db)).toEqual(before);
      const runs = await mergeRuns(db);
      expect(runs.filter((run) => run.run_id === "r2").map((run) => run.status)).toEqual(["FAILED"]);
      expect(runs.find((run) => run.run_id === "r2")?.error).toMatch(/null value in column "ts"/);
      // Nothing was recorded as merged, so the retry does the whole merge.
      expect(await warehouse.merge(await fixtureRequest("r2"))).toMatchObject({ status: "merged" });
    });

    it("rolls back when the stage's COPY refuses a value, and the connection stays usable", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const before = await tableContents(db);
      const broken = make({
        readDelta: async function* (objects, keys) {
          for await (const batch of readDeltaBatches(objects, keys)) yield batch;
          const row: Record<string, DeltaValue> = { ...badRow, ts: "2024-03-01T00:00:00.000Z", volume: "12 units" };
          yield { rowCount: 1, columns: DELTA_COLUMNS.map((c) => [row[c.name] ?? null]) };
        },
      });
      const error = await broken.merge({ ...(await fixtureRequest("r2")), expectedRows: 14 }).catch((e: unknown) => e);
      expect((error as MergeFailedError).databaseMessage).toMatch(/invalid input syntax for type bigint: "12 units"/);
      expect(await tableContents(db)).toEqual(before);
      expect(await warehouse.merge(await fixtureRequest("r2"))).toMatchObject({ status: "merged" });
    });

    it("de-duplicates the stage on the key: the latest ingestion wins, wherever it comes in the delta", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const twice = make({
        readDelta: async function* (objects, keys) {
          const batches: DeltaBatch[] = [];
          for await (const batch of readDeltaBatches(objects, keys)) batches.push(batch);
          yield* batches;
          for (const batch of batches) yield revised(batch, { hours: 1, close: 100 }); // the winner, in the middle
          for (const batch of batches) yield revised(batch, { hours: -1, close: 50 });
        },
      });
      const outcome = await twice.merge({ ...(await fixtureRequest("r2")), expectedRows: 39 });
      expect(outcome).toEqual({
        status: "merged",
        runId: "r2",
        counts: { staged: 39, inserted: 3, updated: 10, unchanged: 0 },
      });
      const aapl = (await tableContents(db)).filter((row) => row.symbol === "AAPL");
      const r2 = await deltaRows("r2");
      expect(aapl.slice(30).map((row) => row.close)).toEqual(r2.map((row) => Number(row.close) + 100));
      expect(aapl).toHaveLength(43);
    });

    it("fails the merge with the reader's error when the delta cannot be read to the end, and rolls back", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const before = await tableContents(db);
      const failing = make({
        readDelta: async function* (objects, keys) {
          for await (const batch of readDeltaBatches(objects, keys)) yield batch;
          throw new Error("the object store went away");
        },
      });
      const error = await failing.merge(await fixtureRequest("r2")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MergeFailedError);
      expect((error as MergeFailedError).databaseMessage).toMatch(/the object store went away/);
      expect(await tableContents(db)).toEqual(before);
      expect(await warehouse.merge(await fixtureRequest("r2"))).toMatchObject({ status: "merged" });
    });

    it("refuses a delta file that is not Parquet, naming it, and changes nothing", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const before = await tableContents(db);
      class TruncatedDelta extends FolderObjectStore {
        override async getBytes(key: string): Promise<Uint8Array | undefined> {
          const bytes = await super.getBytes(key);
          return key.includes("run_id=r2/") ? bytes?.subarray(0, 100) : bytes;
        }
      }
      const error = await make({ objects: new TruncatedDelta(FIXTURE_BUCKET) })
        .merge(await fixtureRequest("r2"))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MergeFailedError);
      expect((error as MergeFailedError).databaseMessage).toMatch(
        /delta file parquet\/delta\/run_id=r2\/part-00000\.snappy\.parquet is not readable Parquet/,
      );
      expect(await tableContents(db)).toEqual(before);
      expect((await mergeRuns(db)).find((run) => run.run_id === "r2")?.status).toBe("FAILED");
    });

    it("refuses a delta whose row count is not its manifest's", async () => {
      const request = { ...(await fixtureRequest("r1")), expectedRows: 275 };
      await expect(warehouse.merge(request)).rejects.toThrow(/holds 274 rows but its run manifest says 275/);
      expect(await tableContents(db)).toEqual([]);
    });

    it("records a run with no delta files as merged with zero rows", async () => {
      const outcome = await warehouse.merge({
        runId: "empty",
        deltaPrefix: "parquet/delta/run_id=empty/",
        deltaFiles: [],
        expectedRows: 0,
      });
      expect(outcome).toEqual({
        status: "merged",
        runId: "empty",
        counts: { staged: 0, inserted: 0, updated: 0, unchanged: 0 },
      });
    });
  });

  describe("readSeries", () => {
    it("reads one series in time order with the requested columns, instants as UTC text", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const rows = await warehouse.readSeries({
        symbol: "AAPL",
        interval: "1d",
        fromTs: "2024-01-03T00:00:00Z",
        toTs: "2024-01-06T00:00:00Z",
        order: "asc",
        limit: 10,
        columns: ["trade_date", "close", "volume", "golden_cross"],
      });
      expect(rows.map((row) => row.ts)).toEqual([
        "2024-01-03T00:00:00Z",
        "2024-01-04T00:00:00Z",
        "2024-01-05T00:00:00Z",
      ]);
      expect(rows[0]).toEqual({
        ts: "2024-01-03T00:00:00Z",
        trade_date: "2024-01-03",
        close: expect.any(Number),
        volume: 1_002_000,
        golden_cross: null,
      });
    });

    it("pages after a cursor, newest first when asked", async () => {
      await warehouse.merge(await fixtureRequest("r1"));
      const page = await warehouse.readSeries({
        symbol: "BTC-USD",
        interval: "1h",
        afterTs: "2024-01-01T20:00:00Z",
        order: "desc",
        limit: 2,
        columns: ["close"],
      });
      expect(page.map((row) => row.ts)).toEqual(["2024-01-01T19:00:00Z", "2024-01-01T18:00:00Z"]);
    });
  });
}

const badRow: Record<string, DeltaValue> = {
  symbol: "AAPL",
  interval: "1d",
  ts: null,
  trade_date: "2024-03-01",
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: "1",
  asset_class: "equity",
  source: "csv",
  source_key: "raw/csv/bad.csv",
  source_etag: "bad",
  ingested_at: "2024-03-03T00:00:00.000Z",
};

/** The indexes of fct_bars, by name. */
async function indexes(db: SqlClient): Promise<string[]> {
  const rows = await db.query<{ indexname: string }>(
    "SELECT indexname FROM pg_indexes WHERE schemaname = 'market_data' AND tablename = 'fct_bars' ORDER BY indexname",
  );
  return rows.map((row) => row.indexname);
}

/** The storage options of fct_bars' primary key index (null when it has none). */
async function keyIndexOptions(db: SqlClient): Promise<string[] | null> {
  const rows = await db.query<{ reloptions: string[] | null }>(
    `SELECT c.reloptions FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'market_data.fct_bars'::regclass AND i.indisprimary`,
  );
  return rows[0]?.reloptions ?? null;
}

/** A Parquet batch's rows ingested `hours` later (earlier when negative), with `close` raised by `close`. */
function revised(batch: DeltaBatch, change: { hours: number; close: number }): DeltaBatch {
  if (!("vectors" in batch)) throw new Error("expected a Parquet batch");
  const vectors = batch.vectors.map((vector, c): DeltaVector => {
    const name = DELTA_COLUMNS[c]?.name;
    if (name === "close" && vector.type === "double") {
      return { ...vector, values: vector.values.map((value) => value + change.close) };
    }
    if (name === "ingested_at" && vector.type === "timestamp") {
      const words = new Int32Array(vector.words); // (low, high) pairs: int64s on this little-endian machine
      const instants = new BigInt64Array(words.buffer);
      for (let i = 0; i < instants.length; i++)
        instants[i] = (instants[i] ?? 0n) + BigInt(change.hours * 3_600_000_000);
      return { ...vector, words };
    }
    return vector;
  });
  return { rowCount: batch.rowCount, vectors };
}

/** Every row of a fixture run's delta, as the Parquet reader yields it (file order: interval, symbol, ts). */
async function deltaRows(runId: "r1" | "r2"): Promise<Record<string, DeltaValue>[]> {
  const request = await fixtureRequest(runId);
  const keys = request.deltaFiles.map((name) => `${request.deltaPrefix}${name}`);
  const rows: Record<string, DeltaValue>[] = [];
  for await (const batch of readDeltaBatches(fixtureObjects(), keys)) {
    for (let r = 0; r < batch.rowCount; r++) rows.push(batchRow(batch, r));
  }
  return rows;
}

import {
  type MergeCounts,
  MergeFailedError,
  type MergeOutcome,
  type MergeRequest,
  type ObjectStore,
  type SeriesRow,
  type Warehouse,
  type WarehouseReader,
} from "@market-data/core/ports";
import { bootstrapDdl } from "@market-data/core/warehouse/ddl";
import {
  failedAttemptSql,
  MERGE_COUNTS_SQL,
  mergedRunSql,
  mergeLockSql,
  postgresMergeStatements,
  stageTable,
  stageTableDdl,
} from "@market-data/core/warehouse/merge-sql";
import { APPLIED_VERSIONS_SQL, applyPlan, pendingMigrations } from "@market-data/core/warehouse/migrations";
import { type SeriesReadQuery, seriesReadSql } from "@market-data/core/warehouse/read-sql";
import { deltaCopySegments } from "./delta-copy.js";
import { type DeltaBatch, readDeltaBatches } from "./parquet-delta.js";
import type { SqlClient, SqlSession } from "./sql-client.js";
import { UniqueKeyWitness } from "./unique-keys.js";

/**
 * Reads a delta's files as column batches; replaceable so a test can slip a bad row into the stage. Vector
 * batches (Parquet) are staged in COPY's binary format, plain-value batches in its text format.
 */
export type DeltaReader = (objects: ObjectStore, keys: readonly string[]) => AsyncIterable<DeltaBatch>;

export interface PostgresWarehouseOptions {
  /** Where the delta files are (the offline bucket folder, or S3). */
  objects: ObjectStore;
  readDelta?: DeltaReader;
  /** Clock of the FAILED audit rows (tests). */
  now?: () => Date;
  /** Told how long each step of a merge took (bench/merge's breakdown). */
  onStep?: (step: { name: string; ms: number }) => void;
}

/**
 * Rows decoded at a time while the stage streams to the server: small enough (a few MB of COPY data) that the
 * socket never waits long for the decoder, which runs on the same thread.
 */
const STAGE_BATCH_ROWS = 4096;

// Any constant: it only has to be the same for every migrator of this database.
const MIGRATION_LOCK_KEY = 7_424_017;

interface CountsRow {
  rows_staged: number | string | bigint;
  rows_inserted: number | string | bigint;
  rows_updated: number | string | bigint;
  rows_unchanged: number | string | bigint;
}

/**
 * The warehouse offline: PostgreSQL, embedded (PGlite) or a server (`DATABASE_URL`). It reads the delta's
 * Parquet itself, streams it into the stage, and de-duplicates, classifies and writes it as Redshift does, with
 * PostgreSQL's own statements (`postgresMergeStatements`), in one transaction per run.
 */
export class PostgresWarehouse implements Warehouse, WarehouseReader {
  private migrated: Promise<{ applied: number[] }> | undefined;
  private readonly readDelta: DeltaReader;
  private readonly now: () => Date;

  constructor(
    readonly db: SqlClient,
    private readonly options: PostgresWarehouseOptions,
  ) {
    this.readDelta = options.readDelta ?? ((objects, keys) => readDeltaBatches(objects, keys, STAGE_BATCH_ROWS));
    this.now = options.now ?? (() => new Date());
  }

  /** Applies pending migrations once per instance (a failed attempt is retried by the next call). */
  migrate(): Promise<{ applied: number[] }> {
    this.migrated ??= migratePostgres(this.db).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  async merge(request: MergeRequest): Promise<MergeOutcome> {
    await this.migrate();
    const startedAt = this.now().toISOString();
    try {
      return await this.db.transaction((tx) => this.mergeIn(tx, request));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.recordFailure(request.runId, startedAt, message);
      throw new MergeFailedError(request.runId, message, { cause: error });
    }
  }

  async readSeries(query: SeriesReadQuery): Promise<SeriesRow[]> {
    await this.migrate();
    const { sql, params } = seriesReadSql("postgres", query);
    const rows = await this.db.query<Record<string, unknown>>(
      sql,
      params.map((param) => param.value),
    );
    return rows.map(toSeriesRow);
  }

  private async mergeIn(tx: SqlSession, request: MergeRequest): Promise<MergeOutcome> {
    const step = this.stepTimer();
    await tx.query(mergeLockSql("postgres"));
    // Skip JIT compilation for this transaction: it costs seconds on these statements and saves less.
    await tx.query("SET LOCAL jit = off");
    const done = mergedRunSql("postgres", request.runId);
    const [previous] = await tx.query<CountsRow>(
      done.sql,
      done.params.map((param) => param.value),
    );
    if (previous !== undefined) {
      return { status: "skipped", runId: request.runId, reason: "already-merged", counts: toCounts(previous) };
    }
    for (const sql of stageTableDdl("postgres")) await tx.query(sql);
    step("lock and check");
    const keys = request.deltaFiles.map((name) => `${request.deltaPrefix}${name}`);
    const witness = new UniqueKeyWitness();
    let staged = 0;
    const segments = deltaCopySegments(this.readDelta(this.options.objects, keys), (batch) => {
      witness.observe(batch);
      staged += batch.rowCount;
    });
    for await (const rows of segments) await tx.copyFrom(stageTable("postgres"), rows);
    step("stage (read + COPY)");
    if (staged !== request.expectedRows) {
      throw new Error(`the delta holds ${staged} rows but its run manifest says ${request.expectedRows}`);
    }
    // The de-duplication, when it runs, sorts the stage's keys: give it the memory to do that without temp files,
    // within bounds, for this transaction only.
    await tx.query(`SET LOCAL work_mem = '${sortMemoryMb(staged, this.db.engine)}MB'`);
    for (const sql of postgresMergeStatements(request.runId, { rows: staged, uniqueKeys: witness.unique })) {
      await tx.query(sql);
      step(statementLabel(sql));
    }
    const [counts] = await tx.query<CountsRow>(MERGE_COUNTS_SQL);
    if (counts === undefined) throw new Error("the merge left no counts row");
    return { status: "merged", runId: request.runId, counts: toCounts(counts) };
  }

  /** Reports each step's wall time to `onStep`, when set (the benchmark's breakdown). */
  private stepTimer(): (name: string) => void {
    const report = this.options.onStep;
    if (report === undefined) return () => undefined;
    let last = performance.now();
    return (name) => {
      const now = performance.now();
      report({ name, ms: now - last });
      last = now;
    };
  }

  /** Best effort: the audit of a failed attempt must never hide the failure itself. */
  private async recordFailure(runId: string, startedAt: string, error: string): Promise<void> {
    try {
      const { sql, params } = failedAttemptSql("postgres", { runId, startedAt, error });
      await this.db.query(
        sql,
        params.map((param) => param.value),
      );
    } catch {
      // e.g. the database is gone: the thrown MergeFailedError still carries the message.
    }
  }
}

/**
 * Brings a PostgreSQL database's warehouse schema up to date in one transaction (PostgreSQL's DDL is
 * transactional): a half-applied migration never stays behind. Returns the versions it applied.
 */
export function migratePostgres(db: SqlClient): Promise<{ applied: number[] }> {
  return db.transaction(async (tx) => {
    // Serialises migrators of one database, including the very first CREATE SCHEMA.
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    for (const sql of bootstrapDdl("postgres")) await tx.query(sql);
    const applied = await tx.query<{ version: number | string }>(APPLIED_VERSIONS_SQL);
    const pending = pendingMigrations(applied.map((row) => Number(row.version)));
    for (const sql of applyPlan("postgres", pending)) await tx.query(sql);
    return { applied: pending.map((migration) => migration.version) };
  });
}

/**
 * Sort memory for the de-dup: ~200 bytes a staged row (its key, order columns and address), from 64 MB up to
 * 1 GB on a server (beyond that the sort spills, as it would anyway). The embedded engine keeps 64 MB: its
 * WebAssembly heap is small and shared.
 */
export function sortMemoryMb(stagedRows: number, engine: SqlClient["engine"]): number {
  if (engine === "pglite") return 64;
  return Math.min(1024, Math.max(64, Math.ceil((stagedRows * 200) / 2 ** 20)));
}

/** A statement's leading words, up to the first column list or quoted name: `UPDATE market_data.fct_bars AS t SET`. */
function statementLabel(sql: string): string {
  const words = sql.trim().split(/\s+/);
  const end = words.findIndex((word) => /["(=]/.test(word));
  return words.slice(0, Math.min(6, end < 0 ? words.length : end)).join(" ");
}

function toCounts(row: CountsRow): MergeCounts {
  return {
    staged: Number(row.rows_staged),
    inserted: Number(row.rows_inserted),
    updated: Number(row.rows_updated),
    unchanged: Number(row.rows_unchanged),
  };
}

/** int8 arrives as a string (pg) or a bigint (PGlite, beyond 2^53): the API speaks JSON numbers. */
function toSeriesRow(row: Record<string, unknown>): SeriesRow {
  const out: SeriesRow = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null || typeof value === "number" || typeof value === "boolean") out[name] = value;
    else if (typeof value === "bigint" || (name === "volume" && typeof value === "string")) out[name] = Number(value);
    else out[name] = String(value);
  }
  return out;
}

import { createHash, randomUUID } from "node:crypto";
import {
  type MergeCounts,
  MergeFailedError,
  type MergeOutcome,
  type MergeRequest,
  type SeriesRow,
  type Warehouse,
  type WarehouseReader,
} from "@market-data/core/ports";
import { bootstrapDdl } from "@market-data/core/warehouse/ddl";
import { deltaUri, failedAttemptSql, mergedRunSql, redshiftMergeBatch } from "@market-data/core/warehouse/merge-sql";
import { APPLIED_VERSIONS_SQL, applyPlan, pendingMigrations } from "@market-data/core/warehouse/migrations";
import type { SeriesReadQuery } from "@market-data/core/warehouse/read-sql";
import { type DataApi, MERGE_WAIT, READ_WAIT, RedshiftDeadlineError, RedshiftStatementError } from "./data-api.js";
import { RedshiftSeriesReader, rowsOf } from "./redshift-reader.js";

export interface RedshiftWarehouseOptions {
  /** The data bucket: COPY reads `s3://<bucket>/parquet/delta/run_id=<r>/`. */
  bucket: string;
  /** The role Redshift assumes to read the delta (stacks/warehouse.ts `copyRole`). */
  copyRoleArn: string;
  /** A fresh token per merge attempt (tests pin it). */
  newToken?: () => string;
  now?: () => Date;
}

/**
 * The warehouse in AWS: Redshift Serverless through the Data API. A merge is one BatchExecuteStatement — one
 * transaction: lock, temp stage, COPY of the run's delta Parquet, de-dup, MERGE, audit row — so either all of
 * it commits or none of it does.
 */
export class RedshiftWarehouse implements Warehouse, WarehouseReader {
  private migrated: Promise<{ applied: number[] }> | undefined;
  private readonly newToken: () => string;
  private readonly now: () => Date;
  private readonly reader: RedshiftSeriesReader;

  constructor(
    private readonly api: DataApi,
    private readonly options: RedshiftWarehouseOptions,
  ) {
    this.reader = new RedshiftSeriesReader(api);
    this.newToken = options.newToken ?? randomUUID;
    this.now = options.now ?? (() => new Date());
  }

  /** Once per container: the schema and ledger, then the pending migrations in one batch (one transaction). */
  migrate(): Promise<{ applied: number[] }> {
    this.migrated ??= migrateRedshift(this.api, this.newToken).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  async merge(request: MergeRequest): Promise<MergeOutcome> {
    await this.migrate();
    const previous = await this.mergedCounts(request.runId);
    if (previous !== undefined) {
      return { status: "skipped", runId: request.runId, reason: "already-merged", counts: previous };
    }
    const startedAt = this.now().toISOString();
    const sqls = redshiftMergeBatch({
      runId: request.runId,
      ...(request.deltaFiles.length === 0
        ? {}
        : {
            copy: {
              deltaUri: deltaUri(this.options.bucket, request.deltaPrefix),
              copyRoleArn: this.options.copyRoleArn,
            },
          }),
    });
    try {
      await this.api.batch(sqls, {
        clientToken: mergeToken(request.runId, this.newToken()),
        statementName: `merge ${request.runId}`.slice(0, 500),
        wait: MERGE_WAIT,
      });
    } catch (error) {
      if (!(error instanceof RedshiftStatementError || error instanceof RedshiftDeadlineError)) throw error;
      const message = error instanceof RedshiftStatementError ? error.databaseMessage : error.message;
      await this.recordFailure(request.runId, startedAt, message);
      throw new MergeFailedError(request.runId, message, { cause: error });
    }
    const counts = await this.mergedCounts(request.runId);
    if (counts === undefined) throw new Error(`the merge of run ${request.runId} finished but recorded no MERGED row`);
    return { status: "merged", runId: request.runId, counts };
  }

  readSeries(query: SeriesReadQuery): Promise<SeriesRow[]> {
    return this.reader.readSeries(query);
  }

  private async mergedCounts(runId: string): Promise<MergeCounts | undefined> {
    const { sql, params } = mergedRunSql("redshift", runId);
    const [row] = rowsOf(await this.api.query(sql, params, READ_WAIT));
    if (row === undefined) return undefined;
    return {
      staged: Number(row.rows_staged),
      inserted: Number(row.rows_inserted),
      updated: Number(row.rows_updated),
      unchanged: Number(row.rows_unchanged),
    };
  }

  /** Best effort and not waited for: the audit of a failed attempt must never hide the failure itself. */
  private async recordFailure(runId: string, startedAt: string, error: string): Promise<void> {
    const { sql, params } = failedAttemptSql("redshift", { runId, startedAt, error });
    await this.api.fireAndForget(sql, params).catch(() => undefined);
  }
}

/**
 * Brings Redshift's warehouse schema up to date: the schema and ledger (idempotent DDL), the applied versions,
 * then the pending migrations as one batch, which is one transaction. Returns the versions it applied.
 */
export async function migrateRedshift(
  api: DataApi,
  newToken: () => string = randomUUID,
): Promise<{ applied: number[] }> {
  await api.batch(bootstrapDdl("redshift"), { clientToken: `bootstrap-${newToken()}`, wait: MERGE_WAIT });
  const versions = await api.query(APPLIED_VERSIONS_SQL, [], READ_WAIT);
  const pending = pendingMigrations(rowsOf(versions).map((row) => Number(row.version)));
  if (pending.length > 0) {
    await api.batch(applyPlan("redshift", pending), { clientToken: `migrate-${newToken()}`, wait: MERGE_WAIT });
  }
  return { applied: pending.map((migration) => migration.version) };
}

/**
 * The ClientToken of one merge attempt: the run (hashed: tokens are at most 64 characters) and a fresh
 * attempt id. The SDK's and our own retries of the submit reuse it, so one attempt is one statement; a new
 * attempt (a Lambda retry after a failure) gets a new token, or it would only be shown the old failure again.
 */
export function mergeToken(runId: string, attempt: string): string {
  return `merge-${createHash("sha256").update(runId).digest("hex").slice(0, 16)}-${attempt}`.slice(0, 64);
}

import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  type Field,
  GetStatementResultCommand,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { MergeFailedError, type MergeRequest } from "@market-data/core/ports";
import { MIGRATIONS } from "@market-data/core/warehouse/migrations";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { DataApi, RedshiftDeadlineError, RedshiftStatementError } from "./data-api.js";
import { mergeToken, RedshiftWarehouse } from "./redshift-warehouse.js";

const ROLE = "arn:aws:iam::123456789012:role/market-data-redshift-copy";
const R1: MergeRequest = {
  runId: "r1",
  deltaPrefix: "parquet/delta/run_id=r1/",
  deltaFiles: ["part-00000.snappy.parquet"],
  expectedRows: 274,
};

/**
 * A scripted Data API: each submitted statement gets an id; DescribeStatement walks through the statuses the
 * test scripted for that kind of statement; GetStatementResult answers with the scripted result set.
 */
function fakeDataApi() {
  const mock = mockClient(RedshiftDataClient);
  const submitted: { id: string; kind: "batch" | "execute"; sql: string[]; input: Record<string, unknown> }[] = [];
  const statuses = new Map<string, DescribeStatementResponse[]>();
  const results = new Map<string, { columns: string[]; pages: Field[][][] }>();
  /** How the next statements whose SQL matches end, and what they return. */
  const script: {
    match: RegExp;
    statuses?: DescribeStatementResponse["Status"][];
    describe?: Partial<DescribeStatementResponse>;
    result?: { columns: string[]; pages: Field[][][] };
  }[] = [];
  /** Submits of these statements fail once with ThrottlingException (per ClientToken). */
  const throttle: RegExp[] = [];
  const throttled = new Set<string>();
  const plan = (id: string, sql: string) => {
    const rule = script.find((r) => r.match.test(sql));
    const result = rule?.result; // read once: a rule may answer differently each time it is asked
    const steps = rule?.statuses ?? ["FINISHED"];
    statuses.set(
      id,
      steps.map((Status) => ({ Id: id, Status, HasResultSet: result !== undefined, ...(rule?.describe ?? {}) })),
    );
    results.set(id, result ?? { columns: [], pages: [[]] });
  };
  mock.on(BatchExecuteStatementCommand).callsFake((input: { Sqls: string[]; ClientToken: string }) => {
    if (throttle.some((re) => re.test(input.Sqls.join("\n"))) && !throttled.has(input.ClientToken)) {
      throttled.add(input.ClientToken);
      throw Object.assign(new Error("Rate exceeded"), {
        name: "ThrottlingException",
        $metadata: { httpStatusCode: 400 },
      });
    }
    const id = `batch-${submitted.length + 1}`;
    submitted.push({ id, kind: "batch", sql: input.Sqls, input });
    plan(id, input.Sqls.join("\n"));
    return { Id: id };
  });
  mock.on(ExecuteStatementCommand).callsFake((input: { Sql: string }) => {
    const id = `stmt-${submitted.length + 1}`;
    submitted.push({ id, kind: "execute", sql: [input.Sql], input });
    plan(id, input.Sql);
    return { Id: id };
  });
  mock.on(DescribeStatementCommand).callsFake((input: { Id: string }) => {
    const steps = statuses.get(input.Id) ?? [];
    const step = steps.length > 1 ? steps.shift() : steps[0];
    return step ?? { Id: input.Id, Status: "FAILED", Error: "unknown statement" };
  });
  mock.on(GetStatementResultCommand).callsFake((input: { Id: string; NextToken?: string }) => {
    const result = results.get(input.Id) ?? { columns: [], pages: [[]] };
    const page = Number(input.NextToken ?? 0);
    return {
      ColumnMetadata: result.columns.map((name) => ({ name })),
      Records: result.pages[page] ?? [],
      ...(page + 1 < result.pages.length ? { NextToken: String(page + 1) } : {}),
    };
  });
  mock.on(CancelStatementCommand).resolves({ Status: true });

  let clock = 0;
  const sleeps: number[] = [];
  const api = new DataApi(
    new RedshiftDataClient({ region: "eu-west-1" }),
    { workgroupName: "wg", database: "market_data" },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
    },
  );
  let tokens = 0;
  const warehouse = new RedshiftWarehouse(api, {
    bucket: "market-data-bucket",
    copyRoleArn: ROLE,
    newToken: () => `t-${++tokens}`,
    now: () => new Date("2024-03-01T10:00:00Z"),
  });
  return { mock, submitted, script, throttle, sleeps, warehouse, api };
}

/** A script rule whose result set is the next of `answers` each time the statement runs (the last repeats). */
function answers(match: RegExp, columns: string[], ...rows: Field[][][]) {
  let asked = 0;
  return {
    match,
    get result() {
      const pageRows = rows[Math.min(asked++, rows.length - 1)] ?? [];
      return { columns, pages: [pageRows] };
    },
  };
}

const counts = (staged: number, inserted: number, updated: number, unchanged: number): Field[] => [
  { longValue: staged },
  { longValue: inserted },
  { longValue: updated },
  { longValue: unchanged },
];
const COUNT_COLUMNS = ["rows_staged", "rows_inserted", "rows_updated", "rows_unchanged"];
const VERSIONS = /SELECT "version" FROM market_data\.schema_migrations/;
/** The ledger's rows when every migration is applied: nothing to migrate. */
const APPLIED_ALL = MIGRATIONS.map((m) => [{ longValue: m.version }]);
const MERGED = /FROM market_data\.merge_runs WHERE "run_id" = :run_id/;

describe("RedshiftWarehouse.merge", () => {
  let fake: ReturnType<typeof fakeDataApi>;
  beforeEach(() => {
    fake = fakeDataApi();
  });

  it("migrates on first use, then submits the merge as one batch and reads back the audit counts", async () => {
    fake.script.push({ match: VERSIONS, result: { columns: ["version"], pages: [[]] } });
    // The audit lookup answers "not merged" before the batch, and the batch's counts after it.
    fake.script.push(answers(MERGED, COUNT_COLUMNS, [], [counts(274, 274, 0, 0)]));
    fake.script.push({ match: /MERGE INTO/, statuses: ["SUBMITTED", "STARTED", "FINISHED"] });
    const outcome = await fake.warehouse.merge(R1);
    expect(outcome).toEqual({
      status: "merged",
      runId: "r1",
      counts: { staged: 274, inserted: 274, updated: 0, unchanged: 0 },
    });

    expect(fake.submitted.map((s) => `${s.kind}:${s.sql[0]?.split("\n")[0]?.slice(0, 40)}`)).toEqual([
      "batch:CREATE SCHEMA IF NOT EXISTS market_data",
      'execute:SELECT "version" FROM market_data.schema',
      "batch:LOCK market_data.schema_migrations",
      'execute:SELECT "rows_staged", "rows_inserted", "',
      "batch:LOCK market_data.merge_runs",
      'execute:SELECT "rows_staged", "rows_inserted", "',
    ]);
    const [, , , check, batch] = fake.submitted;
    expect(check?.input).toMatchObject({
      WorkgroupName: "wg",
      Database: "market_data",
      Parameters: [{ name: "run_id", value: "r1" }],
    });
    expect(batch?.input).toMatchObject({
      WorkgroupName: "wg",
      Database: "market_data",
      ClientToken: mergeToken("r1", "t-3"),
      StatementName: "merge r1",
    });
    await expect(`${batch?.sql.join(";\n\n")};\n`).toMatchFileSnapshot("__snapshots__/merge-batch.redshift.sql");
    // Polled until FINISHED.
    const describes = fake.mock.commandCalls(DescribeStatementCommand).filter((c) => c.args[0].input.Id === batch?.id);
    expect(describes).toHaveLength(3);
  });

  it("polls with exponential backoff, capped, until FINISHED", async () => {
    fake.script.push({
      match: /LOCK market_data\.merge_runs/,
      statuses: ["SUBMITTED", "PICKED", "STARTED", "STARTED", "STARTED", "STARTED", "STARTED", "FINISHED"],
    });
    await fake.api.batch(["SELECT 1", "LOCK market_data.merge_runs"], { clientToken: "tok" });
    expect(fake.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it("skips a run the audit already records as merged, submitting nothing", async () => {
    fake.script.push({
      match: VERSIONS,
      result: { columns: ["version"], pages: [APPLIED_ALL] },
    });
    fake.script.push({ match: MERGED, result: { columns: COUNT_COLUMNS, pages: [[counts(274, 274, 0, 0)]] } });
    const outcome = await fake.warehouse.merge(R1);
    expect(outcome).toMatchObject({ status: "skipped", reason: "already-merged", counts: { inserted: 274 } });
    expect(fake.submitted.filter((s) => s.kind === "batch").map((s) => s.sql[0])).toEqual([
      "CREATE SCHEMA IF NOT EXISTS market_data",
    ]);
  });

  it("surfaces the failed sub-statement's error, records the failed attempt, and throws MergeFailedError", async () => {
    fake.script.push({
      match: VERSIONS,
      result: { columns: ["version"], pages: [APPLIED_ALL] },
    });
    fake.script.push({ match: MERGED, result: { columns: COUNT_COLUMNS, pages: [[]] } });
    const copyError =
      "Spectrum Scan Error: File 's3://market-data-bucket/parquet/delta/run_id=r1/part-00000.snappy.parquet' has an incompatible Parquet schema for column 'volume'";
    fake.script.push({
      match: /MERGE INTO/,
      statuses: ["STARTED", "FAILED"],
      describe: {
        Error: "ERROR: Query (123) cancelled on user's request",
        SubStatements: [
          { Id: "b:1", Status: "FINISHED", QueryString: "LOCK market_data.merge_runs" },
          { Id: "b:2", Status: "FINISHED", QueryString: "CREATE TEMP TABLE merge_stage_raw (" },
          { Id: "b:3", Status: "FAILED", Error: copyError, QueryString: "COPY merge_stage_raw\nFROM 's3://…'" },
          { Id: "b:4", Status: "ABORTED", QueryString: "CREATE TEMP TABLE merge_stage" },
        ],
      },
    });
    const error = await fake.warehouse.merge(R1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeFailedError);
    expect((error as MergeFailedError).databaseMessage).toBe(copyError);
    expect((error as MergeFailedError).message).toContain("incompatible Parquet schema for column 'volume'");
    const cause = (error as MergeFailedError).cause;
    expect(cause).toBeInstanceOf(RedshiftStatementError);
    expect((cause as RedshiftStatementError).failedStatement).toEqual({
      index: 3,
      sql: "COPY merge_stage_raw FROM 's3://…'",
    });
    const audit = fake.submitted.at(-1);
    expect(audit?.sql[0]).toMatch(
      /^INSERT INTO market_data\.merge_runs .* VALUES \(:run_id, 'FAILED', CAST\(:started_at AS TIMESTAMP\), GETDATE\(\), :error\)$/,
    );
    expect(audit?.input.Parameters).toEqual([
      { name: "run_id", value: "r1" },
      { name: "started_at", value: "2024-03-01 10:00:00.000" },
      { name: "error", value: copyError },
    ]);
  });

  it("reports an ABORTED merge as failed", async () => {
    fake.script.push({
      match: VERSIONS,
      result: { columns: ["version"], pages: [APPLIED_ALL] },
    });
    fake.script.push({ match: MERGED, result: { columns: COUNT_COLUMNS, pages: [[]] } });
    fake.script.push({
      match: /MERGE INTO/,
      statuses: ["STARTED", "ABORTED"],
      describe: { Error: "Query cancelled on user's request" },
    });
    const error = await fake.warehouse.merge(R1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeFailedError);
    expect((error as MergeFailedError).cause).toMatchObject({ status: "ABORTED" });
    expect((error as Error).message).toMatch(/Query cancelled on user's request/);
  });

  it("gives up at the deadline, cancels the statement, and throws", async () => {
    fake.script.push({
      match: VERSIONS,
      result: { columns: ["version"], pages: [APPLIED_ALL] },
    });
    fake.script.push({ match: MERGED, result: { columns: COUNT_COLUMNS, pages: [[]] } });
    fake.script.push({ match: /MERGE INTO/, statuses: ["STARTED"] });
    const error = await fake.warehouse.merge(R1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeFailedError);
    expect((error as MergeFailedError).cause).toBeInstanceOf(RedshiftDeadlineError);
    expect((error as Error).message).toMatch(/did not finish within 240 s; cancelled/);
    const batchId = fake.submitted.find((s) => s.sql.some((sql) => sql.startsWith("MERGE INTO")))?.id;
    expect(fake.mock.commandCalls(CancelStatementCommand).map((c) => c.args[0].input.Id)).toEqual([batchId]);
    // Never waited past the deadline (plus the short waits of the checks before the batch).
    expect(fake.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(240_000 + 1_000);
  });

  it("retries a throttled submit with the same ClientToken", async () => {
    fake.script.push({
      match: VERSIONS,
      result: { columns: ["version"], pages: [APPLIED_ALL] },
    });
    fake.script.push(answers(MERGED, COUNT_COLUMNS, [], [counts(274, 274, 0, 0)]));
    fake.throttle.push(/MERGE INTO/);
    await expect(fake.warehouse.merge(R1)).resolves.toMatchObject({ status: "merged" });
    const mergeCalls = fake.mock
      .commandCalls(BatchExecuteStatementCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.Sqls?.[0] === "LOCK market_data.merge_runs");
    expect(mergeCalls).toHaveLength(2);
    expect(mergeCalls[0]?.ClientToken).toBe(mergeToken("r1", "t-2"));
    expect(mergeCalls[1]?.ClientToken).toBe(mergeCalls[0]?.ClientToken);
  });

  it("leaves COPY out for a run with no delta files", async () => {
    fake.script.push({
      match: VERSIONS,
      result: { columns: ["version"], pages: [APPLIED_ALL] },
    });
    fake.script.push(answers(MERGED, COUNT_COLUMNS, [], [counts(0, 0, 0, 0)]));
    await fake.warehouse.merge({ ...R1, deltaFiles: [], expectedRows: 0 });
    const batch = fake.submitted.find((s) => s.sql[0] === "LOCK market_data.merge_runs");
    expect(batch?.sql.some((sql) => sql.startsWith("COPY"))).toBe(false);
  });
});

describe("RedshiftWarehouse.readSeries", () => {
  it("binds every value as a parameter and joins GetStatementResult pages", async () => {
    const fake = fakeDataApi();
    fake.script.push({
      match: /FROM market_data\.fct_bars/,
      result: {
        columns: ["ts", "close", "volume", "golden_cross", "sma_200"],
        pages: [
          [
            [
              { stringValue: "2024-01-02T00:00:00Z" },
              { doubleValue: 185.5 },
              { longValue: 1000 },
              { booleanValue: false },
              { isNull: true },
            ],
          ],
          [
            [
              { stringValue: "2024-01-03T00:00:00Z" },
              { doubleValue: 186 },
              { longValue: 1200 },
              { isNull: true },
              { doubleValue: 170.25 },
            ],
          ],
        ],
      },
    });
    const rows = await fake.warehouse.readSeries({
      symbol: "AAPL'; DROP TABLE x; --",
      interval: "1d",
      fromTs: "2024-01-02T00:00:00Z",
      toTs: "2024-02-01T00:00:00Z",
      order: "asc",
      limit: 101,
      columns: ["close", "volume", "golden_cross", "sma_200"],
    });
    expect(rows).toEqual([
      { ts: "2024-01-02T00:00:00Z", close: 185.5, volume: 1000, golden_cross: false, sma_200: null },
      { ts: "2024-01-03T00:00:00Z", close: 186, volume: 1200, golden_cross: null, sma_200: 170.25 },
    ]);
    const [statement] = fake.submitted;
    expect(statement?.sql[0]).not.toContain("DROP");
    expect(statement?.input.Parameters).toEqual([
      { name: "symbol", value: "AAPL'; DROP TABLE x; --" },
      { name: "interval", value: "1d" },
      { name: "from_ts", value: "2024-01-02 00:00:00" },
      { name: "to_ts", value: "2024-02-01 00:00:00" },
    ]);
    await expect(`${statement?.sql[0]};\n`).toMatchFileSnapshot("__snapshots__/read-series.redshift.sql");
    expect(fake.mock.commandCalls(GetStatementResultCommand)).toHaveLength(2);
  });
});

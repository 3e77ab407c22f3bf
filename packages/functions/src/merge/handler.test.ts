import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { GetJobRunCommand, GlueClient } from "@aws-sdk/client-glue";
import { PGlite } from "@electric-sql/pglite";
import type { Alert, Notifier, Warehouse } from "@market-data/core/ports";
import { MergeFailedError } from "@market-data/core/ports";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixtureObjects, tableContents } from "../../test/warehouse-fixtures.js";
import { FolderObjectStore } from "../adapters/folder-object-store.js";
import { LocalNotifier } from "../adapters/local-notifier.js";
import type { GlueJobStateChange, GlueJobStateChangeDetail } from "../local/spark-job-runner.js";
import { PostgresWarehouse } from "../warehouse/postgres-warehouse.js";
import { PgliteClient } from "../warehouse/sql-client.js";
import { createMergeHandler } from "./handler.js";
import { glueRunIdOf, localRunIdOf } from "./run-id.js";

/** The event EventBridge delivers for a Glue job run (AWS's documented "Glue Job State Change" shape). */
function glueEvent(detail: Partial<GlueJobStateChangeDetail>): GlueJobStateChange {
  return {
    version: "0",
    id: "2f9bd5c2-7c4a-4d1e-9d58-1c0a6f3e7b11",
    "detail-type": "Glue Job State Change",
    source: "aws.glue",
    account: "123456789012",
    time: "2024-03-01T10:05:00Z",
    region: "eu-west-1",
    resources: [],
    detail: {
      jobName: "market-data-dev-transform",
      severity: "INFO",
      state: "SUCCEEDED",
      jobRunId: "jr_local_r1",
      message: "Job run succeeded",
      ...detail,
    },
  };
}

class RecordingNotifier implements Notifier {
  readonly alerts: Alert[] = [];
  async publish(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
}

const logger = new Logger({ serviceName: "merge-test", logLevel: "SILENT" });
let db: PGlite;
let warehouse: PostgresWarehouse;
let notifier: RecordingNotifier;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.exec("DROP SCHEMA IF EXISTS market_data CASCADE");
  warehouse = new PostgresWarehouse(new PgliteClient(db), { objects: fixtureObjects() });
  notifier = new RecordingNotifier();
});

const handlerWith = (over: Partial<Parameters<typeof createMergeHandler>[0]> = {}) =>
  createMergeHandler({
    objects: fixtureObjects(),
    warehouse,
    notifier,
    runIdOf: localRunIdOf,
    logger,
    now: () => new Date("2024-03-01T10:05:01Z"),
    ...over,
  });

describe("merge handler", () => {
  it("merges the delta of a SUCCEEDED run, and skips it when the event comes again", async () => {
    const handle = handlerWith();
    expect(await handle(glueEvent({}))).toEqual({
      status: "merged",
      runId: "r1",
      counts: { staged: 274, inserted: 274, updated: 0, unchanged: 0 },
    });
    const rows = await tableContents(new PgliteClient(db));
    expect(await handle(glueEvent({}))).toMatchObject({ status: "skipped", runId: "r1" });
    expect(await tableContents(new PgliteClient(db))).toEqual(rows);
    expect(notifier.alerts).toEqual([]);
  });

  it.each([
    ["FAILED", "ERROR", "An error occurred while calling o105.parquet. Path does not exist"],
    ["TIMEOUT", "WARN", "Job run timed out"],
    ["STOPPED", "INFO", "Job run stopped"],
  ] as const)("alerts on a %s run and merges nothing", async (state, severity, message) => {
    const result = await handlerWith()(glueEvent({ state, severity, message, jobRunId: "jr_0123abcd" }));
    expect(result).toEqual({ status: "job-failed", state, jobRunId: "jr_0123abcd" });
    expect(notifier.alerts).toEqual([
      {
        severity: "error",
        source: "merge",
        title: `Transform run jr_0123abcd ${state}`,
        message,
        context: { jobName: "market-data-dev-transform", jobRunId: "jr_0123abcd", state },
        at: "2024-03-01T10:05:01.000Z",
      },
    ]);
    expect(await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'market_data'")).toMatchObject({
      rows: [],
    });
  });

  it("alerts and throws when the merge fails, so EventBridge retries and the alarm fires", async () => {
    const failing: Warehouse = {
      migrate: async () => ({ applied: [] }),
      merge: async (request) => {
        throw new MergeFailedError(request.runId, 'null value in column "ts" violates not-null constraint');
      },
    };
    const error = await handlerWith({ warehouse: failing })(glueEvent({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeFailedError);
    expect(notifier.alerts).toMatchObject([
      {
        severity: "error",
        title: "Merge of run r1 failed",
        message: 'merge of run r1 failed and was rolled back: null value in column "ts" violates not-null constraint',
        context: { runId: "r1", jobRunId: "jr_local_r1" },
      },
    ]);
  });

  it("alerts and throws when a succeeded run has no manifest", async () => {
    const empty = await mkdtemp(join(tmpdir(), "merge-"));
    try {
      const handle = handlerWith({ objects: new FolderObjectStore(empty) });
      await expect(handle(glueEvent({}))).rejects.toThrow("run r1 succeeded but wrote no manifest");
      expect(notifier.alerts.map((a) => a.title)).toEqual(["Merge of run r1 failed"]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("alerts and throws when the run id cannot be found", async () => {
    await expect(handlerWith()(glueEvent({ jobRunId: "jr_9f8e" }))).rejects.toThrow(
      /no run id found for Glue job run jr_9f8e/,
    );
    expect(notifier.alerts.map((a) => a.title)).toEqual(["Merge of run jr_9f8e failed"]);
  });

  it("still throws the merge's error when the alert cannot be sent", async () => {
    const broken: Notifier = {
      publish: async () => {
        throw new Error("SNS unavailable");
      },
    };
    await expect(handlerWith({ notifier: broken })(glueEvent({ jobRunId: "jr_9f8e" }))).rejects.toThrow(/no run id/);
  });
});

describe("run id resolvers", () => {
  it("reads --run_id from Glue's GetJobRun in AWS", async () => {
    const glue = mockClient(GlueClient);
    glue
      .on(GetJobRunCommand, { JobName: "market-data-dev-transform", RunId: "jr_abc" })
      .resolves({ JobRun: { Arguments: { "--run_id": "20240301T100000Z-3f9a1c0d", "--work_list": "s3://b/k" } } });
    const resolve = glueRunIdOf(new GlueClient({ region: "eu-west-1" }));
    expect(await resolve(glueEvent({ jobRunId: "jr_abc" }).detail)).toBe("20240301T100000Z-3f9a1c0d");
    glue.on(GetJobRunCommand, { RunId: "jr_odd" }).resolves({ JobRun: { Arguments: { "--run_id": "../etc" } } });
    expect(await resolve(glueEvent({ jobRunId: "jr_odd" }).detail)).toBeUndefined();
    glue.restore();
  });

  it("takes the run id from the offline runner's job run id", async () => {
    expect(await localRunIdOf(glueEvent({ jobRunId: "jr_local_20240301T100000Z-3f9a1c0d" }).detail)).toBe(
      "20240301T100000Z-3f9a1c0d",
    );
    expect(await localRunIdOf(glueEvent({ jobRunId: "jr_abc" }).detail)).toBeUndefined();
  });
});

describe("LocalNotifier", () => {
  it("appends one JSON line per alert and prints one line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "alerts-"));
    const lines: string[] = [];
    const out = {
      error: (l: string) => lines.push(l),
      warn: (l: string) => lines.push(l),
      info: (l: string) => lines.push(l),
    };
    const local = new LocalNotifier(join(dir, "nested", "alerts.jsonl"), out);
    const alert: Alert = {
      severity: "error",
      source: "merge",
      title: "Merge of run r1 failed",
      message: "boom",
      at: "2024-03-01T10:05:01Z",
    };
    await local.publish(alert);
    await local.publish({ ...alert, severity: "warning", title: "second" });
    const written = (await readFile(join(dir, "nested", "alerts.jsonl"), "utf8")).trim().split("\n");
    expect(written.map((l) => JSON.parse(l))).toEqual([alert, { ...alert, severity: "warning", title: "second" }]);
    expect(lines).toEqual([
      "[alert error] merge: Merge of run r1 failed — boom",
      "[alert warning] merge: second — boom",
    ]);
    await rm(dir, { recursive: true, force: true });
  });
});

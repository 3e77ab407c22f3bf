import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { GetJobRunCommand, GlueClient } from "@aws-sdk/client-glue";
import { PGlite } from "@electric-sql/pglite";
import { incidentAfter } from "@market-data/core/alerts/index";
import type { AlertMessage, Notifier, Warehouse } from "@market-data/core/ports";
import { MergeFailedError } from "@market-data/core/ports";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixtureObjects, tableContents } from "../../test/warehouse-fixtures.js";
import { FolderObjectStore } from "../adapters/folder-object-store.js";
import { MemoryIncidentLedger } from "../adapters/memory-incidents.js";
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
  readonly alerts: AlertMessage[] = [];
  async publish(message: AlertMessage): Promise<void> {
    this.alerts.push(message);
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
    place: { kind: "aws", region: "eu-west-1" },
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
    expect(notifier.alerts).toMatchObject([
      {
        type: "alert",
        kind: { FAILED: "job_failed", TIMEOUT: "job_timed_out", STOPPED: "job_stopped" }[state],
        severity: state === "STOPPED" ? "warning" : "error",
        incidentKey: "job:market-data-dev-transform",
        source: "transform",
        summary: `Transform run jr_0123abcd ${state}`,
        detail: message,
        facts: [
          { label: "Job", value: "market-data-dev-transform" },
          { label: "Job run", value: "jr_0123abcd" },
          { label: "State", value: state },
        ],
        at: "2024-03-01T10:05:01.000Z",
      },
    ]);
    // The run's page in Glue Studio and its error log stream, in the event's region.
    expect(notifier.alerts[0]?.links.map((link) => link.url)).toEqual([
      "https://eu-west-1.console.aws.amazon.com/gluestudio/home?region=eu-west-1#/job/market-data-dev-transform/run/jr_0123abcd",
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws-glue$252Fjobs$252Ferror/log-events/jr_0123abcd",
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
        kind: "merge_failed",
        severity: "error",
        incidentKey: "merge:market-data-dev-transform",
        summary: "Merge of run r1 failed",
        detail: 'merge of run r1 failed and was rolled back: null value in column "ts" violates not-null constraint',
        facts: [
          { label: "Job", value: "market-data-dev-transform" },
          { label: "Job run", value: "jr_local_r1" },
          { label: "Run", value: "r1" },
        ],
      },
    ]);
  });

  it("alerts and throws when a succeeded run has no manifest", async () => {
    const empty = await mkdtemp(join(tmpdir(), "merge-"));
    try {
      const handle = handlerWith({ objects: new FolderObjectStore(empty) });
      await expect(handle(glueEvent({}))).rejects.toThrow("run r1 succeeded but wrote no manifest");
      expect(notifier.alerts.map((a) => a.summary)).toEqual(["Merge of run r1 failed"]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("alerts and throws when the run id cannot be found", async () => {
    await expect(handlerWith()(glueEvent({ jobRunId: "jr_9f8e" }))).rejects.toThrow(
      /no run id found for Glue job run jr_9f8e/,
    );
    expect(notifier.alerts.map((a) => a.summary)).toEqual(["Merge of run jr_9f8e failed"]);
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

describe("resolutions after a merged run", () => {
  it("resolves the job's and the merge's open incidents, and nothing that is not open", async () => {
    const incidents = new MemoryIncidentLedger();
    const failing: Warehouse = {
      migrate: async () => ({ applied: [] }),
      merge: async (request) => {
        throw new MergeFailedError(request.runId, "connection reset");
      },
    };
    // A failed run, then a failed merge: each alert opens its incident (as the slack function records it).
    await handlerWith({ incidents })(glueEvent({ state: "FAILED", jobRunId: "jr_1", message: "OOM" }));
    await handlerWith({ warehouse: failing, incidents })(glueEvent({})).catch(() => undefined);
    for (const message of notifier.alerts) {
      if (message.type === "alert") await incidents.put(incidentAfter(undefined, message));
    }
    expect([...incidents.records.keys()].sort()).toEqual([
      "job:market-data-dev-transform",
      "merge:market-data-dev-transform",
    ]);
    notifier.alerts.length = 0;

    await handlerWith({ incidents })(glueEvent({}));
    expect(notifier.alerts.map((m) => [m.type, m.incidentKey])).toEqual([
      ["resolved", "job:market-data-dev-transform"],
      ["resolved", "merge:market-data-dev-transform"],
    ]);

    // Nothing open (the deliverer closed both): the next success publishes nothing.
    incidents.records.clear();
    notifier.alerts.length = 0;
    await handlerWith({ incidents })(glueEvent({}));
    expect(notifier.alerts).toEqual([]);
  });
});

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixtureObjects } from "../../test/warehouse-fixtures.js";
import { startOfflineWarehouse } from "./offline-warehouse.js";
import type { GlueJobStateChange } from "./spark-job-runner.js";

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

const event = (jobRunId: string, state: "SUCCEEDED" | "FAILED" = "SUCCEEDED"): GlueJobStateChange => ({
  version: "0",
  id: `event-${jobRunId}`,
  "detail-type": "Glue Job State Change",
  source: "aws.glue",
  account: "000000000000",
  time: "2024-03-01T10:05:00Z",
  region: "local",
  resources: [],
  detail: {
    jobName: "market-data-local-transform",
    severity: state === "SUCCEEDED" ? "INFO" : "ERROR",
    state,
    jobRunId,
    message: state === "SUCCEEDED" ? "Job run succeeded" : "ValueError: boom (driver log: x.log)",
  },
});

describe("offline warehouse", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "offline-warehouse-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("merges the runs of the job's events in order, persists them, and alerts on a failed run", async () => {
    const offline = await startOfflineWarehouse({
      root,
      objects: fixtureObjects(),
      logLevel: "SILENT",
      databaseUrl: "",
      alertConsole: quiet,
    });
    const results = await Promise.all([
      offline.onJobEvent(event("jr_local_r1")),
      offline.onJobEvent(event("jr_local_r2")),
      offline.onJobEvent(event("jr_local_r3", "FAILED")),
      offline.onJobEvent(event("jr_local_missing")),
    ]);
    expect(results.map((r) => r?.status)).toEqual(["merged", "merged", "job-failed", undefined]);
    await offline.close();

    // The embedded database persists under <root>/warehouse: a restart reads what was merged.
    const again = await startOfflineWarehouse({
      root,
      objects: fixtureObjects(),
      logLevel: "SILENT",
      databaseUrl: "",
      alertConsole: quiet,
    });
    const rows = await again.warehouse.readSeries({
      symbol: "AAPL",
      interval: "1d",
      order: "desc",
      limit: 1,
      columns: ["close"],
    });
    expect(rows).toEqual([{ ts: "2024-02-12T00:00:00Z", close: expect.any(Number) }]);
    await again.close();
    const alerts = (await readFile(join(root, "alerts.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(alerts.map((a: { summary: string }) => a.summary)).toEqual([
      "Transform run jr_local_r3 FAILED",
      "Merge of run missing failed",
    ]);
  });
});

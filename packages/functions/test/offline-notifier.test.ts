import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeFailedAlert } from "@market-data/core/alerts/index";
import type { SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderObjectStore } from "../src/adapters/folder-object-store.js";
import { startOfflineAlerts } from "../src/local/offline-notifier.js";
import { sqsEventFor } from "./factories.js";
import { type FakeSlack, startFakeSlack } from "./fake-slack.js";

let root: string;
let fake: FakeSlack;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "offline-alerts-"));
  fake = await startFakeSlack();
});
afterAll(async () => {
  await fake?.close();
  await rm(root, { recursive: true, force: true });
});

const quiet = { error: () => {}, warn: () => {}, info: () => {} };
const alert = mergeFailedAlert(
  { jobName: "t", jobRunId: "jr_1", message: "boom" },
  { kind: "local", bucketRoot: "/b" },
  "2024-03-01T10:00:00.000Z",
);

describe("offline alerting", () => {
  it("goes straight to Slack when SLACK_BOT_TOKEN and SLACK_CHANNEL are set, and writes no alerts file", async () => {
    const dir = join(root, "slack");
    const alerts = startOfflineAlerts({
      root: dir,
      objects: new FolderObjectStore(join(dir, "bucket")),
      env: { SLACK_BOT_TOKEN: "xoxb-offline", SLACK_CHANNEL: "#dev-alerts", SLACK_API_URL: fake.url },
      out: quiet,
      logLevel: "SILENT",
    });
    expect(alerts.where).toBe("Slack #dev-alerts");
    await alerts.notifier.publish(alert);
    await alerts.notifier.publish(alert);
    expect(fake.calls("chat.postMessage").map((r) => r.fields.channel)).toEqual(["#dev-alerts"]);
    expect(fake.calls("chat.update")).toHaveLength(1);
    // The ledger lives in the offline bucket, as in AWS.
    expect(await alerts.incidents.get("merge:t")).toMatchObject({ occurrences: 2, slack: { ts: expect.any(String) } });
    await expect(readFile(join(dir, "alerts.jsonl"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("raises the dead-letter alert on a message's last failed receive only", async () => {
    const dir = join(root, "dlq");
    const alerts = startOfflineAlerts({
      root: dir,
      objects: new FolderObjectStore(join(dir, "bucket")),
      env: {},
      out: quiet,
      logLevel: "SILENT",
    });
    const record = (receives: number): SQSRecord => {
      const [base] = sqsEventFor(["raw/csv/AAPL.csv"]).Records;
      if (base === undefined) throw new Error("no record");
      return { ...base, attributes: { ...base.attributes, ApproximateReceiveCount: String(receives) } };
    };
    alerts.onReceiveFailed(record(4), new Error("socket hang up"), 5);
    alerts.onReceiveFailed(record(5), new Error("socket hang up"), 5);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the alert is raised without blocking the queue
    expect(alerts.published).toHaveLength(1);
    expect(alerts.published[0]).toMatchObject({
      kind: "dlq_not_empty",
      incidentKey: "dlq:ingest",
      detail: "Error: socket hang up",
      facts: expect.arrayContaining([{ label: "Objects", value: "raw/csv/AAPL.csv" }]),
      links: [{ label: "Dead letters", url: `file://${dir}/dlq` }],
    });
    const written = (await readFile(join(dir, "alerts.jsonl"), "utf8")).trim().split("\n");
    expect(written.map((line) => JSON.parse(line).kind)).toEqual(["dlq_not_empty"]);
  });
});

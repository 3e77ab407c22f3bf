import { mergeFailedAlert, mergeRecovered } from "@market-data/core/alerts/index";
import type { AlertMessage } from "@market-data/core/ports";
import { describe, expect, it } from "vitest";
import { AlertPublisher } from "./alert-publisher.js";
import { MemoryIncidentLedger } from "./memory-incidents.js";

const alert = mergeFailedAlert(
  { jobName: "t", jobRunId: "jr_1", message: "boom" },
  { kind: "aws", region: "us-east-1" },
  "2024-03-01T10:00:00.000Z",
);
const resolution = mergeRecovered("t", "r2", "2024-03-01T11:00:00.000Z");

function recordingLog() {
  const lines: [string, string, Record<string, unknown>][] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      void lines.push([level, message, extra[0] ?? {}]);
  return { lines, log: { info: at("info"), warn: at("warn"), error: at("error") } };
}

describe("AlertPublisher", () => {
  it("never throws: a failed publish, or no notifier, logs the whole alert at ERROR as ALERT", async () => {
    const { lines, log } = recordingLog();
    const failing = new AlertPublisher({ publish: () => Promise.reject(new Error("SNS down")) }, log);
    expect(await failing.raise(alert)).toBe(false);
    expect(await new AlertPublisher(undefined, log).raise(alert)).toBe(false);
    expect(lines.map(([level, message, extra]) => [level, message, extra.publishError])).toEqual([
      ["error", "ALERT", "Error: SNS down"],
      ["error", "ALERT", undefined],
    ]);
    expect(lines[0]?.[2].alert).toEqual(alert);
  });

  it("resolves only what the ledger has open, and treats an unreadable ledger as nothing open", async () => {
    const published: AlertMessage[] = [];
    const notifier = { publish: async (m: AlertMessage) => void published.push(m) };
    const incidents = new MemoryIncidentLedger();
    const { lines, log } = recordingLog();
    const publisher = new AlertPublisher(notifier, log, incidents);
    expect(await publisher.resolveIfOpen(resolution)).toBe(false);
    await incidents.put({
      incidentKey: "merge:t",
      kind: "merge_failed",
      summary: "s",
      openedAt: "",
      lastSeenAt: "",
      occurrences: 1,
    });
    expect(await publisher.resolveIfOpen(resolution)).toBe(true);
    expect(published).toEqual([resolution]);

    const unreadable = { get: () => Promise.reject(new Error("AccessDenied")), list: async () => [] };
    expect(await new AlertPublisher(notifier, log, unreadable).resolveIfOpen(resolution)).toBe(false);
    expect(lines.at(-1)?.slice(0, 2)).toEqual(["warn", "cannot read the incident ledger; no resolution published"]);
  });
});

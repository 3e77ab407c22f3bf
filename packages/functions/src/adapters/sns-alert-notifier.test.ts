import { mergeFailedAlert, mergeRecovered } from "@market-data/core/alerts/index";
import { describe, expect, it } from "vitest";
import { SnsAlertNotifier } from "./sns-alert-notifier.js";
import type { Notification } from "./sns-notifier.js";

// What reaches a subscribed queue (the envelope the slack function parses) is proven on moto in
// test/slack-sns.moto.test.ts.
describe("SnsAlertNotifier", () => {
  const sent: Notification[] = [];
  const notifier = new SnsAlertNotifier({
    notify: async (notification) => {
      sent.push(notification);
      return `message-${sent.length}`;
    },
  });
  const place = { kind: "aws", region: "eu-west-1" } as const;

  it("publishes the alert as the JSON body, with incident key, severity, kind, type and source as attributes", async () => {
    const alert = mergeFailedAlert(
      { jobName: "t", jobRunId: "jr_abc", runId: "r1", message: "permission denied for relation fct_bars" },
      place,
      "2024-03-01T10:05:01.000Z",
    );
    await notifier.publish(alert);
    expect(sent.at(-1)).toEqual({
      message: JSON.stringify(alert),
      subject: "[error] Merge of run r1 failed",
      attributes: { incidentKey: "merge:t", severity: "error", kind: "merge_failed", type: "alert", source: "merge" },
    });
  });

  it("publishes a resolution with severity info and type resolved", async () => {
    await notifier.publish(mergeRecovered("t", "r2", "2024-03-01T11:05:01.000Z"));
    expect(sent.at(-1)?.attributes).toEqual({
      incidentKey: "merge:t",
      severity: "info",
      kind: "merge_failed",
      type: "resolved",
      source: "merge",
    });
    expect(sent.at(-1)?.subject).toMatch(/^\[resolved\] Run r2 merged/);
  });
});

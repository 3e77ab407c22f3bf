import type { Alert } from "@market-data/core/ports";
import { describe, expect, it } from "vitest";
import { SnsAlertNotifier } from "./sns-alert-notifier.js";
import type { Notification } from "./sns-notifier.js";

describe("SnsAlertNotifier", () => {
  it("publishes the alert as the JSON body, its title as the subject, severity and source as attributes", async () => {
    const sent: Notification[] = [];
    const notifier = new SnsAlertNotifier({
      notify: async (notification) => {
        sent.push(notification);
        return "message-1";
      },
    });
    const alert: Alert = {
      severity: "error",
      source: "merge",
      title: "Merge of run r1 failed",
      message: "merge of run r1 failed and was rolled back: permission denied for relation fct_bars",
      context: { runId: "r1", jobRunId: "jr_abc" },
      at: "2024-03-01T10:05:01.000Z",
    };
    await notifier.publish(alert);
    expect(sent).toEqual([
      { message: JSON.stringify(alert), subject: alert.title, attributes: { severity: "error", source: "merge" } },
    ]);
  });
});

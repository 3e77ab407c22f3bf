import type { AlertMessage, Notifier } from "@market-data/core/ports";
import type { SnsNotifier } from "./sns-notifier.js";

/**
 * Alerts in AWS: the alert (or resolution) as the JSON body of one SNS message to the alerts topic (the slack
 * function parses it), its headline as the subject for e-mail subscribers, and incident key, severity, kind, type
 * and source as message attributes, so a subscription can filter (e.g. `{"severity": ["error"]}`).
 */
export class SnsAlertNotifier implements Notifier {
  constructor(private readonly sns: Pick<SnsNotifier, "notify">) {}

  async publish(message: AlertMessage): Promise<void> {
    const severity = message.type === "alert" ? message.severity : "info";
    await this.sns.notify({
      message: JSON.stringify(message),
      subject: message.type === "alert" ? `[${severity}] ${message.summary}` : `[resolved] ${message.summary}`,
      attributes: {
        incidentKey: message.incidentKey,
        severity,
        kind: message.kind,
        type: message.type,
        source: message.source,
      },
    });
  }
}

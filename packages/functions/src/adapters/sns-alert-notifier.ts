import type { Alert, Notifier } from "@market-data/core/ports";
import type { SnsNotifier } from "./sns-notifier.js";

/**
 * Alerts in AWS: the alert as the JSON body of one SNS message to the alerts topic (the slack function parses
 * it), its title as the subject for e-mail subscribers, and `severity` / `source` as message attributes so a
 * subscription can filter.
 */
export class SnsAlertNotifier implements Notifier {
  constructor(private readonly sns: Pick<SnsNotifier, "notify">) {}

  async publish(alert: Alert): Promise<void> {
    await this.sns.notify({
      message: JSON.stringify(alert),
      subject: alert.title,
      attributes: { severity: alert.severity, source: alert.source },
    });
  }
}

import type { Notification } from "../adapters/sns-notifier.js";
import type { ProviderLogger } from "../providers/types.js";
import type { OnProviderAlert, ProviderAlert } from "./alerts.js";

/** A provider alert as a notifier message: the alert itself as the body, its severity and incident as attributes. */
export function notificationOf(alert: ProviderAlert): Notification {
  return {
    subject: `[${alert.severity}] ${alert.summary}`,
    message: JSON.stringify(alert, null, 2),
    attributes: { severity: alert.severity, source: "ingest", kind: alert.kind, incidentKey: alert.incidentKey },
  };
}

/** Sends provider alerts through a notifier (SNS in AWS); without one, logs them at ERROR so they still show. */
export function providerAlertsTo(
  notifier: { notify(notification: Notification): Promise<unknown> } | undefined,
  logger: ProviderLogger,
): OnProviderAlert {
  return async (alert) => {
    logger.error("PROVIDER_ALERT", { alert });
    if (notifier) await notifier.notify(notificationOf(alert));
  };
}

import { type Alert, providerAlert, providerRecovered } from "@market-data/core/alerts/index";
import type { Notifier } from "@market-data/core/ports";
import type { ProviderLogger } from "../providers/types.js";
import type { OnProviderAlert, OnProviderRecovered, ProviderAlert } from "./alerts.js";

/** The schedule's provider alert in the core alert model (one incident per provider and symbol). */
export function alertOfProvider(alert: ProviderAlert, at: string): Alert {
  return providerAlert(
    {
      provider: alert.provider,
      symbol: alert.symbol,
      code: alert.facts.code,
      severity: alert.severity,
      summary: alert.summary,
      lastError: alert.facts.lastError,
      consecutiveFailures: alert.facts.consecutiveFailures,
      since: alert.facts.since,
      stateKey: alert.facts.stateKey,
    },
    at,
  );
}

/**
 * Sends provider alerts through a notifier (SNS in AWS, the offline notifier locally) and logs each at ERROR as
 * `PROVIDER_ALERT`. A notifier that fails makes this throw: the tick then counts a fault and leaves the symbol's
 * state unwritten, so the alert is raised again next tick rather than lost.
 */
export function providerAlertsTo(
  notifier: Notifier | undefined,
  logger: ProviderLogger,
  now: () => Date = () => new Date(),
): OnProviderAlert {
  return async (alert) => {
    const published = alertOfProvider(alert, now().toISOString());
    logger.error("PROVIDER_ALERT", { alert: published });
    if (notifier) await notifier.publish(published);
  };
}

/** Sends the end of an alerted streak as the resolution of its incident, like providerAlertsTo sends the alert. */
export function providerRecoveriesTo(
  notifier: Notifier | undefined,
  logger: ProviderLogger,
  now: () => Date = () => new Date(),
): OnProviderRecovered {
  return async (recovery) => {
    const resolution = providerRecovered(recovery, now().toISOString());
    logger.info("PROVIDER_RECOVERED", { resolution });
    if (notifier) await notifier.publish(resolution);
  };
}

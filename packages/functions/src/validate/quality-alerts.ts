import { type AlertPlace, qualityGateAlert, qualityGateResolution } from "@market-data/core/alerts/index";
import type { AlertPublisher } from "../adapters/alert-publisher.js";
import type { ObjectOutcome } from "./validate-object.js";

/** What the validate handler needs to publish the alerts it owns. */
export interface QualityAlerting {
  publisher: AlertPublisher;
  place: AlertPlace;
}

/**
 * The validate handler's alerts for one processed object: a failed gate raises `quality_gate_failed` (or
 * `provider_throttled`) for the object's source; a passing object resolves its source's incident when one is open
 * (one small read of the incident ledger per passing object). Never throws: alerting must not fail the data.
 */
export async function publishQualityAlerts(alerting: QualityAlerting, outcome: ObjectOutcome): Promise<void> {
  if (outcome.status !== "processed") return;
  const input = { report: outcome.report, reportKey: outcome.reportKey, place: alerting.place };
  const alert = qualityGateAlert(input);
  if (alert !== undefined) await alerting.publisher.raise(alert);
  else await alerting.publisher.resolveIfOpen(qualityGateResolution(input));
}

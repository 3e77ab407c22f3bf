import type { Metrics } from "@aws-lambda-powertools/metrics";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import {
  checkFreshness,
  dataStaleAlert,
  dataStaleResolution,
  METRIC_NAMES,
  type SymbolFreshness,
  staleOf,
} from "@market-data/core/alerts/index";
import type { IncidentReader, LatestPriceStore } from "@market-data/core/ports";
import type { AlertLog, AlertPublisher } from "../adapters/alert-publisher.js";
import type { FreshnessConfig } from "./config.js";

export interface FreshnessDeps {
  prices: Pick<LatestPriceStore, "get" | "all">;
  /** Open incidents: which stale sets were already alerted. */
  incidents: IncidentReader;
  publisher: Pick<AlertPublisher, "raise" | "resolveIfOpen">;
  logger: AlertLog;
  metrics?: Metrics;
  now?: () => number;
}

export interface FreshnessCheckResult {
  checked: number;
  stale: string[];
  /** The stale set's incident key when an alert went out this run. */
  alerted?: string;
  /** Incident keys resolved this run. */
  resolved: string[];
  results: SymbolFreshness[];
}

/**
 * One freshness check: each tracked symbol's latest bar against its last completed session (NYSE calendar for
 * equities and indices, 24/7 for crypto). A stale set is alerted once (its incident key is the sorted set: an open
 * incident with that key means it was alerted); an open stale incident whose set is no longer the current one is
 * resolved, whether its symbols are fresh again or the set changed.
 */
export async function runFreshnessCheck(deps: FreshnessDeps, config: FreshnessConfig): Promise<FreshnessCheckResult> {
  const nowMs = (deps.now ?? Date.now)();
  const at = new Date(nowMs).toISOString();
  const prices = config.tracked ? await deps.prices.get(config.tracked) : await deps.prices.all();
  const results = checkFreshness({
    prices,
    ...(config.tracked ? { tracked: config.tracked } : {}),
    nowMs,
    graceMs: config.graceMs,
  });
  const stale = staleOf(results).map((entry) => entry.symbol);
  deps.metrics?.addMetric(METRIC_NAMES.trackedSymbols, MetricUnit.Count, results.length);
  deps.metrics?.addMetric(METRIC_NAMES.staleSymbols, MetricUnit.Count, stale.length);

  const alert = dataStaleAlert(results, at);
  const open = await deps.incidents.list("data_stale");
  let alerted: string | undefined;
  if (alert !== undefined && !open.some((incident) => incident.incidentKey === alert.incidentKey)) {
    if (await deps.publisher.raise(alert)) alerted = alert.incidentKey;
  }
  const resolved: string[] = [];
  for (const incident of open) {
    if (incident.incidentKey === alert?.incidentKey) continue;
    if (await deps.publisher.resolveIfOpen(dataStaleResolution(incident.incidentKey, stale, at))) {
      resolved.push(incident.incidentKey);
    }
  }
  deps.logger.info("freshness checked", { checked: results.length, stale, alerted, resolved });
  return { checked: results.length, stale, ...(alerted ? { alerted } : {}), resolved, results };
}

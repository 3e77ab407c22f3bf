import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { METRIC_SERVICES } from "@market-data/core/alerts/index";
import type { ScheduledEvent } from "aws-lambda";
import { AlertPublisher } from "./adapters/alert-publisher.js";
import { type FreshnessCheckResult, runFreshnessCheck } from "./freshness/check.js";
import { freshnessConfigFromEnv } from "./freshness/config.js";
import { alertsTopic, incidentLedger } from "./shared/alerts.js";
import { latestPrices } from "./shared/dynamo.js";
import { requiredEnv } from "./shared/env.js";

const logger = new Logger({ serviceName: METRIC_SERVICES.freshness });
// The stack's METRIC_NAMESPACE (`<app>/<stage>`); `market-data` where the stack does not pass one.
const metrics = new Metrics({
  serviceName: METRIC_SERVICES.freshness,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || "market-data",
});
const incidents = incidentLedger();
const deps = {
  prices: latestPrices(),
  incidents,
  publisher: new AlertPublisher(alertsTopic(requiredEnv("ALERTS_TOPIC_ARN")), logger, incidents),
  logger,
  metrics,
};

/** Lambda entry of the freshness schedule (CronV2): one check. The configuration is read per run. */
export const handler = async (_event: ScheduledEvent): Promise<FreshnessCheckResult> => {
  try {
    return await runFreshnessCheck(deps, freshnessConfigFromEnv(process.env));
  } finally {
    metrics.publishStoredMetrics();
  }
};

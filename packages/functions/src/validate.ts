import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { METRIC_SERVICES } from "@market-data/core/alerts/index";
import { AlertPublisher } from "./adapters/alert-publisher.js";
import { alertsTopic, awsPlace, incidentLedger } from "./shared/alerts.js";
import { latestPrices } from "./shared/dynamo.js";
import { requiredEnv } from "./shared/env.js";
import { dataBucket } from "./shared/s3.js";
import { createValidateHandler } from "./validate/handler.js";

const logger = new Logger({ serviceName: METRIC_SERVICES.validate });
// The stack's METRIC_NAMESPACE (`<app>/<stage>`), the same the alarms watch.
const metrics = new Metrics({
  serviceName: METRIC_SERVICES.validate,
  namespace: requiredEnv("POWERTOOLS_METRICS_NAMESPACE"),
});
// Quality-gate alerts go to the topic; the incident ledger (read-only here) tells whether a pass resolves one.
const alerting = {
  publisher: new AlertPublisher(alertsTopic(requiredEnv("ALERTS_TOPIC_ARN")), logger, incidentLedger()),
  place: awsPlace(),
};

/** Lambda entry of the validate function: the ingest queue's subscriber (S3 notifications, partial batch responses). */
export const handler = createValidateHandler(
  { objects: dataBucket(), prices: latestPrices() },
  { logger, metrics, alerting },
);

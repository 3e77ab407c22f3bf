import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { isRawObjectKey } from "@market-data/core";
import { QUALITY_MARKER } from "@market-data/core/alerts/index";
import type { SQSBatchResponse, SQSEvent, SQSHandler, SQSRecord } from "aws-lambda";
import { recordObjectMetrics } from "./metrics.js";
import { publishQualityAlerts, type QualityAlerting } from "./quality-alerts.js";
import { objectKeysOf } from "./s3-event.js";
import { type ObjectOutcome, type ValidateDeps, validateObject } from "./validate-object.js";

export interface ValidateHandlerOptions {
  logger: Logger;
  /** EMF metrics per object (docs/observability.md), flushed at the end of each invocation. */
  metrics?: Metrics;
  /** Quality-gate alerts and their resolutions; without it failures are only logged (QUALITY=FAIL). */
  alerting?: QualityAlerting;
  /** Told of every failed message with its error (the offline runtime keeps it for the dead-letter folder). */
  onRecordFailure?: (record: SQSRecord, error: unknown) => void;
  /** Told of every object processed (the offline runtime's progress and summary). */
  onObject?: (outcome: ObjectOutcome) => void;
}

/**
 * The validate function: an SQS consumer over S3 event notifications with partial batch responses.
 * A record fails (and is retried by SQS, then dead-lettered) only on an infrastructure fault.
 */
export function createValidateHandler(deps: ValidateDeps, options: ValidateHandlerOptions): SQSHandler {
  // One object at a time per invocation: objects can be large, and Lambda scales out across batches instead.
  const processor = new BatchProcessor(EventType.SQS);
  const { logger } = options;

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    try {
      for (const key of objectKeysOf(record.body)) {
        if (!isRawObjectKey(key)) {
          logger.warn("ignoring an object outside raw/", { key });
          continue;
        }
        const started = performance.now();
        const outcome = await validateObject(deps, key);
        logOutcome(logger, outcome);
        if (options.metrics) recordObjectMetrics(options.metrics, outcome, performance.now() - started);
        options.onObject?.(outcome);
        if (options.alerting) await publishQualityAlerts(options.alerting, outcome);
      }
    } catch (error) {
      logger.error("validate failed; the message will be retried", { messageId: record.messageId, error });
      options.onRecordFailure?.(record, error);
      throw error;
    }
  };

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    try {
      return await processPartialResponse(event, recordHandler, processor, {
        processInParallel: false,
        throwOnFullBatchFailure: false,
      });
    } finally {
      if (options.metrics?.hasStoredMetrics()) options.metrics.publishStoredMetrics();
    }
  };
}

function logOutcome(logger: Logger, outcome: ObjectOutcome): void {
  if (outcome.status === "skipped") {
    logger.info(`skipped ${outcome.reason}`, { key: outcome.key, objectId: outcome.objectId });
    return;
  }
  const { report } = outcome;
  const failing = report.results.filter((result) => !result.success && result.unexpected_count > 0);
  // The QUALITY=PASS|FAIL marker is what the CloudWatch metric filter and people grepping logs look for.
  logger[report.success ? "info" : "warn"](report.success ? QUALITY_MARKER.pass : QUALITY_MARKER.fail, {
    key: outcome.key,
    objectId: outcome.objectId,
    format: report.object.format,
    statistics: report.statistics,
    rejectionRate: report.statistics.rejection_rate,
    fileRule: report.file_reject?.rule,
    fileReason: report.file_reject?.reason,
    rules: Object.fromEntries(failing.map((result) => [result.rule, result.unexpected_count])),
    report: outcome.reportKey,
  });
}

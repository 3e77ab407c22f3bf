// Ingest: raw/ object created → S3 notification → SQS (DLQ after 5 receives) → validate function, in batches with
// partial batch responses, so one bad message is retried alone and ends in the DLQ instead of blocking its batch.
import { INCIDENTS_PREFIX } from "@market-data/core/alerts/incident";
import { METRIC_NAMES } from "@market-data/core/alerts/metrics";
import { PREFIX } from "@market-data/core/keys";
import { alarmAboveZero, alerts, METRIC_NAMESPACE, QUALITY_FAIL_PATTERN } from "./alerts";
import { prefix, RUNTIME } from "./stage";
import { bucket, latestPrices, objectsUnder } from "./storage";

/** A raw object that fails this many receives moves to the DLQ (DESIGN.md: "DLQ after 5 receives"). */
export const MAX_RECEIVES = 5;

const VALIDATE_TIMEOUT = "2 minutes";
const BATCH_WINDOW = "5 seconds";
// AWS: a source queue's visibility timeout should be at least 6 × the function timeout plus the batching window,
// or a message still being processed (or retried by Lambda after throttling) becomes visible twice. 6 × 120 s + 5 s
// = 725 s; 13 minutes leaves room.
const INGEST_VISIBILITY = "13 minutes";

/** SQS's longest retention (14 days): what failed stays long enough for people to look at it. */
const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * Messages that failed MAX_RECEIVES times. A standard queue's messages keep their original enqueue time when they
 * move, so the DLQ must retain longer than the ingest queue (4 days by default) or they would expire on arrival.
 */
export const dlq = new sst.aws.Queue("IngestDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

/** S3 event notifications for raw/ (a standard queue: S3 cannot notify a FIFO queue). */
export const ingestQueue = new sst.aws.Queue("Ingest", {
  visibilityTimeout: INGEST_VISIBILITY,
  dlq: { queue: dlq.arn, retry: MAX_RECEIVES },
});

// Every creation event (PUT, POST, COPY and CompleteMultipartUpload for large uploads) under raw/ only: the
// pipeline writes the other zones itself and must not be notified of its own output. SST writes the queue policy.
bucket.notify({
  notifications: [
    {
      name: "RawObjectCreated",
      queue: ingestQueue,
      events: ["s3:ObjectCreated:*"],
      filterPrefix: PREFIX.raw,
    },
  ],
});

/**
 * The validate function, subscribed to the ingest queue. Its grants follow what it does (ADR 0001): read raw/,
 * write curated/, quarantine/, reports/ and dirty markers, withdraw curated output when the gate fails, upsert the
 * latest price. It can neither write nor delete under raw/, which DESIGN.md says the pipeline never modifies.
 * SST adds the SQS receive/delete grants on the ingest queue to the subscriber itself.
 */
export const validateSubscriber = ingestQueue.subscribe(
  {
    handler: "packages/functions/src/validate.handler",
    runtime: RUNTIME,
    timeout: VALIDATE_TIMEOUT,
    // Gzip + parse + gate of whole objects: more memory also means more CPU for a Lambda.
    memory: "1024 MB",
    environment: {
      DATA_BUCKET: bucket.name,
      LATEST_PRICES_TABLE: latestPrices.name,
      ALERTS_TOPIC_ARN: alerts.arn,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    },
    permissions: [
      // Also what makes HeadObject answer 404 rather than 403 for a report that does not exist yet.
      { actions: ["s3:ListBucket"], resources: [bucket.arn] },
      { actions: ["s3:GetObject"], resources: [objectsUnder(PREFIX.raw), objectsUnder(PREFIX.reports)] },
      {
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        resources: [
          objectsUnder(PREFIX.curated),
          objectsUnder(PREFIX.quarantine),
          objectsUnder(PREFIX.reports),
          objectsUnder(PREFIX.dirty),
        ],
      },
      { actions: ["s3:DeleteObject"], resources: [objectsUnder(PREFIX.curated)] },
      { actions: ["dynamodb:PutItem"], resources: [latestPrices.arn] },
      // Quality-gate alerts, and whether one is open (read-only: the slack function keeps the incident ledger).
      { actions: ["sns:Publish"], resources: [alerts.arn] },
      { actions: ["s3:GetObject"], resources: [objectsUnder(INCIDENTS_PREFIX)] },
    ],
  },
  { batch: { size: 10, window: BATCH_WINDOW, partialResponses: true } },
);

/** The validate Lambda function (for alarms): the subscriber's function, resolved at deploy time. */
export const validateFunction = validateSubscriber.nodes.function;

// ── Alarms on the ingest path (they publish to the alerts topic) ─────────────────────────────────────────────

export const dlqDepthAlarm = alarmAboveZero("IngestDlqAlarm", {
  alarmName: "ingest-dlq-not-empty",
  description: "Raw objects failed validation 5 times (infrastructure faults) and wait in the ingest DLQ.",
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  statistic: "Maximum",
  dimensions: { QueueName: dlq.nodes.queue.name },
});

// Per-record failures are partial batch responses, not Lambda errors (the DLQ alarm covers them); Errors counts
// what takes a whole invocation down: a crash at cold start, a timeout, running out of memory.
export const validateErrorsAlarm = alarmAboveZero("ValidateErrorsAlarm", {
  alarmName: "validate-errors",
  description: "The validate function failed whole invocations (cold-start error, timeout or out of memory).",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  statistic: "Sum",
  dimensions: { FunctionName: validateFunction.name },
});

/**
 * Counts QUALITY=FAIL lines in the validate function's log group (the group SST creates and points it at): needs
 * nothing from the function's environment, so it counts even where the function publishes no alert of its own.
 */
export const qualityFailFilter = new aws.cloudwatch.LogMetricFilter("QualityFailFilter", {
  name: `${prefix}-quality-fail`,
  logGroupName: validateFunction.loggingConfig.logGroup,
  pattern: QUALITY_FAIL_PATTERN,
  metricTransformation: { name: METRIC_NAMES.qualityGateFailures, namespace: METRIC_NAMESPACE, value: "1" },
});

export const qualityFailAlarm = alarmAboveZero("QualityFailAlarm", {
  alarmName: "quality-gate-failed",
  description: "Objects failed the quality gate (QUALITY=FAIL): see reports/validation/ and quarantine/.",
  namespace: METRIC_NAMESPACE,
  metricName: METRIC_NAMES.qualityGateFailures,
  statistic: "Sum",
});

// Alerts: one SNS topic every alarm and failure rule publishes to. Its Slack subscriber is the alerting issue's
// (it renders the alarm or event JSON); until then, subscribe an e-mail address to the topic by hand if needed.
import { dlq, validateFunction } from "./ingest";
import { prefix } from "./stage";

export const alerts = new sst.aws.SnsTopic("Alerts");

/** Namespace of the metrics this app derives from its logs, per stage so two stages in one account never mix. */
export const METRIC_NAMESPACE = `${$app.name}/${$app.stage}`;

/** The marker the validate handler logs (as the JSON `message`) for an object that failed the quality gate. */
export const QUALITY_FAIL_PATTERN = '{ $.message = "QUALITY=FAIL" }';

const FIVE_MINUTES = 300;

// A topic with a policy of its own loses SNS's default one, so it names every publisher: CloudWatch alarms and
// EventBridge rules (the Glue failure rule in warehouse.ts) of this account only.
new aws.sns.TopicPolicy("AlertsPolicy", {
  arn: alerts.arn,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AlarmsAndRulesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["sns:Publish"],
        Resource: [alerts.arn],
        Condition: { StringEquals: { "aws:SourceAccount": aws.getCallerIdentityOutput().accountId } },
      },
    ],
  }),
});

/** An alarm that fires when the metric is above zero in a 5-minute period, and says so again when it clears. */
export function alarmAboveZero(
  name: string,
  args: {
    /** Alarm name after the app-stage prefix, e.g. `ingest-dlq-not-empty`. */
    alarmName: string;
    description: string;
    namespace: string;
    metricName: string;
    statistic: "Sum" | "Maximum";
    dimensions?: Record<string, $util.Input<string>>;
  },
) {
  return new aws.cloudwatch.MetricAlarm(name, {
    name: `${prefix}-${args.alarmName}`,
    alarmDescription: args.description,
    namespace: args.namespace,
    metricName: args.metricName,
    dimensions: args.dimensions,
    statistic: args.statistic,
    period: FIVE_MINUTES,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    // No data means nothing happened (a quiet queue, no failures logged), not an unknown state worth a page.
    treatMissingData: "notBreaching",
    alarmActions: [alerts.arn],
    okActions: [alerts.arn],
  });
}

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

/** Counts QUALITY=FAIL lines in the validate function's log group (the group SST creates and points it at). */
export const qualityFailFilter = new aws.cloudwatch.LogMetricFilter("QualityFailFilter", {
  name: `${prefix}-quality-fail`,
  logGroupName: validateFunction.loggingConfig.logGroup,
  pattern: QUALITY_FAIL_PATTERN,
  metricTransformation: { name: "QualityGateFailures", namespace: METRIC_NAMESPACE, value: "1" },
});

export const qualityFailAlarm = alarmAboveZero("QualityFailAlarm", {
  alarmName: "quality-gate-failed",
  description: "Objects failed the quality gate (QUALITY=FAIL): see reports/validation/ and quarantine/.",
  namespace: METRIC_NAMESPACE,
  metricName: "QualityGateFailures",
  statistic: "Sum",
});

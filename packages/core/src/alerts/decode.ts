import * as v from "valibot";
import { incidentKeys } from "./incident.js";
import { jobRecovered, jobRunAlert } from "./jobs.js";
import { alarmUrl, linksOf, logGroupUrl, sqsQueueUrl } from "./links.js";
import { METRIC_NAMES } from "./metrics.js";
import { type AlertKind, type AlertMessage, AlertMessageSchema } from "./model.js";

/** The JSON CloudWatch publishes to SNS on an alarm's state change (the fields used here). */
const CloudWatchAlarmSchema = v.object({
  AlarmName: v.string(),
  AlarmDescription: v.nullish(v.string()),
  AWSAccountId: v.optional(v.string()),
  NewStateValue: v.string(),
  OldStateValue: v.optional(v.string()),
  NewStateReason: v.optional(v.string()),
  StateChangeTime: v.optional(v.string()),
  AlarmArn: v.optional(v.string()),
  Trigger: v.optional(
    v.object({
      MetricName: v.optional(v.string()),
      Namespace: v.optional(v.string()),
      Dimensions: v.optional(v.array(v.object({ name: v.string(), value: v.string() }))),
      Threshold: v.optional(v.number()),
    }),
  ),
});
type CloudWatchAlarm = v.InferOutput<typeof CloudWatchAlarmSchema>;

/** An EventBridge "Glue Job State Change" event, as an EventBridge rule publishes it to SNS. */
const GlueEventSchema = v.object({
  source: v.literal("aws.glue"),
  "detail-type": v.literal("Glue Job State Change"),
  region: v.string(),
  time: v.string(),
  detail: v.object({
    jobName: v.string(),
    state: v.string(),
    jobRunId: v.string(),
    message: v.optional(v.string()),
  }),
});

/** What the SNS envelope adds to the body: its subject and when it was published. */
export interface EnvelopeInfo {
  subject?: string | null;
  timestamp?: string;
}

/**
 * The alert message an alerts-topic message carries, whatever published it: an alert or resolution of this app
 * (the notifier's JSON), a CloudWatch alarm's state change, or a Glue job state change routed by EventBridge.
 * Undefined for what needs no message (an alarm settling from INSUFFICIENT_DATA to OK). Anything else becomes an
 * `unrecognized` alert, so nothing published to the topic goes unseen.
 */
export function alertMessageOf(body: string, envelope: EnvelopeInfo = {}): AlertMessage | undefined {
  const at = envelope.timestamp ?? new Date(0).toISOString();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return unrecognized(body, envelope, at);
  }
  const own = v.safeParse(AlertMessageSchema, json);
  if (own.success) return own.output;
  const alarm = v.safeParse(CloudWatchAlarmSchema, json);
  if (alarm.success) return alarmMessage(alarm.output, at);
  const glue = v.safeParse(GlueEventSchema, json);
  if (glue.success) {
    const { detail, region, time } = glue.output;
    return jobRunAlert(detail, { kind: "aws", region }, time) ?? jobRecovered(detail, time);
  }
  return unrecognized(body, envelope, at);
}

const ARN_REGION = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/;

function alarmKind(alarm: CloudWatchAlarm): AlertKind {
  const trigger = alarm.Trigger;
  if (trigger?.Namespace === "AWS/SQS" && trigger.MetricName === "ApproximateNumberOfMessagesVisible") {
    return "dlq_not_empty";
  }
  if (trigger?.MetricName === METRIC_NAMES.qualityGateFailures) return "quality_gate_failed";
  return "alarm";
}

function alarmMessage(alarm: CloudWatchAlarm, envelopeAt: string): AlertMessage | undefined {
  const at = alarm.StateChangeTime ? new Date(Date.parse(alarm.StateChangeTime)).toISOString() : envelopeAt;
  const incidentKey = incidentKeys.alarm(alarm.AlarmName);
  const kind = alarmKind(alarm);
  const region = ARN_REGION.exec(alarm.AlarmArn ?? "")?.[1];
  const dimensions = alarm.Trigger?.Dimensions ?? [];
  const dimension = (name: string) => dimensions.find((d) => d.name === name)?.value;
  const queue = dimension("QueueName");
  const fn = dimension("FunctionName");
  const links = linksOf(
    region === undefined ? undefined : { label: "Alarm", url: alarmUrl(region, alarm.AlarmName) },
    region !== undefined && queue !== undefined && alarm.AWSAccountId !== undefined
      ? {
          label: "Queue",
          url: sqsQueueUrl(region, `https://sqs.${region}.amazonaws.com/${alarm.AWSAccountId}/${queue}`),
        }
      : undefined,
    region !== undefined && fn !== undefined
      ? { label: "Function logs", url: logGroupUrl(region, `/aws/lambda/${fn}`) }
      : undefined,
  );
  if (alarm.NewStateValue === "OK") {
    // Only the end of an alarm is news; a new alarm settling from INSUFFICIENT_DATA to OK is not.
    if (alarm.OldStateValue !== "ALARM") return undefined;
    return {
      type: "resolved",
      kind,
      incidentKey,
      source: "cloudwatch",
      summary: `${alarm.AlarmName} is OK again`,
      facts: alarm.NewStateReason ? [{ label: "Reason", value: alarm.NewStateReason }] : [],
      links,
      at,
    };
  }
  if (alarm.NewStateValue !== "ALARM") return undefined;
  const metric = alarm.Trigger?.MetricName;
  const facts = [
    ...(metric === undefined ? [] : [{ label: "Metric", value: `${alarm.Trigger?.Namespace ?? ""} ${metric}`.trim() }]),
    ...dimensions.map((d) => ({ label: d.name, value: d.value })),
    ...(alarm.Trigger?.Threshold === undefined ? [] : [{ label: "Threshold", value: `> ${alarm.Trigger.Threshold}` }]),
  ];
  return {
    type: "alert",
    kind,
    severity: "error",
    incidentKey,
    source: "cloudwatch",
    summary: alarm.AlarmDescription
      ? `${alarm.AlarmName}: ${alarm.AlarmDescription}`
      : `${alarm.AlarmName} is in ALARM`,
    ...(alarm.NewStateReason ? { detail: alarm.NewStateReason } : {}),
    facts,
    reasons: [],
    links,
    at,
  };
}

function unrecognized(body: string, envelope: EnvelopeInfo, at: string): AlertMessage {
  const subject = envelope.subject?.trim() || "a message the slack function does not recognise";
  return {
    type: "alert",
    kind: "unrecognized",
    severity: "warning",
    incidentKey: `unrecognized:${subject}`,
    source: "sns",
    summary: `Alerts topic: ${subject}`,
    detail: body.length > 1000 ? `${body.slice(0, 999)}…` : body,
    facts: [],
    reasons: [],
    links: [],
    at,
  };
}

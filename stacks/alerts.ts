// Alerts: one SNS topic every alarm, failure rule and function publishes to; the slack function subscribed to it
// posts each incident to Slack (one message per incident, updated on repeats, resolved in its thread). Also here: the
// freshness schedule, and the alarms, on exactly the metric names the code emits (@market-data/core/alerts/metrics).
import { INCIDENTS_PREFIX } from "@market-data/core/alerts/incident";
import { QUALITY_FAIL_FILTER_PATTERN } from "@market-data/core/alerts/metrics";
import { prefix, RUNTIME } from "./stage";
import { bucket, latestPrices, objectsUnder } from "./storage";

export const alerts = new sst.aws.SnsTopic("Alerts");

/** Namespace of the metrics this app emits (EMF) and derives from its logs, per stage so two stages never mix. */
export const METRIC_NAMESPACE = `${$app.name}/${$app.stage}`;

/** The marker the validate handler logs (as the JSON `message`) for an object that failed the quality gate. */
export const QUALITY_FAIL_PATTERN = QUALITY_FAIL_FILTER_PATTERN;

const FIVE_MINUTES = 300;

// A topic with a policy of its own loses SNS's default one, so it names every publisher: CloudWatch alarms and
// EventBridge rules (the Glue failure rule in transform.ts) of this account only. Functions publish with their
// own role's sns:Publish grant, which needs no topic policy.
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

// ── Slack ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** The bot token (`xoxb-…`, scope `chat:write`): `npx sst secret set SlackBotToken xoxb-… --stage <stage>`. */
export const slackBotToken = new sst.Secret("SlackBotToken");

/** The default channel when `SLACK_CHANNEL` is not set at deploy time. */
export const DEFAULT_SLACK_CHANNEL = "#market-data-alerts";

/**
 * The channel alerts go to: `SLACK_CHANNEL` at deploy time (a channel id such as `C0123ABCD`, or `#name`), else
 * `#market-data-alerts`. The bot must be a member of it; a channel Slack does not know fails each delivery loudly.
 */
export function slackChannel(setting: string | undefined = process.env.SLACK_CHANNEL): string {
  const channel = setting?.trim() || DEFAULT_SLACK_CHANNEL;
  if (!/^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,})$/.test(channel)) {
    throw new Error(`SLACK_CHANNEL must be a channel id (C0123ABCD) or #lower-case-name, got "${channel}"`);
  }
  return channel;
}

/** Open incidents (Slack message ts per incident key): one small object per incident, no table to create. */
const incidentObjects = objectsUnder(INCIDENTS_PREFIX);
const listIncidents = {
  actions: ["s3:ListBucket"],
  resources: [bucket.arn],
  conditions: [{ test: "StringLike", variable: "s3:prefix", values: [`${INCIDENTS_PREFIX}*`] }],
};

/**
 * The slack function: renders each message of the topic (this app's alerts, CloudWatch alarms, Glue failures) as
 * Block Kit and posts or updates it. A failed delivery fails the invocation: Lambda retries the asynchronous SNS
 * invocation twice, and the alarm below fires. Its timeout leaves room for Slack's Retry-After waits.
 */
export const slackSubscriber = alerts.subscribe("Slack", {
  handler: "packages/functions/src/slack.handler",
  runtime: RUNTIME,
  timeout: "1 minute",
  memory: "256 MB",
  link: [slackBotToken],
  environment: {
    // A plain variable, as the handler reads it (like the API's key); never put in a message.
    SLACK_BOT_TOKEN: slackBotToken.value,
    SLACK_CHANNEL: slackChannel(),
    DATA_BUCKET: bucket.name,
  },
  permissions: [
    listIncidents,
    { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [incidentObjects] },
  ],
});

// Its alarm goes to the same topic: useless for Slack while Slack is what fails, but e-mail subscribers and the
// console see it.
export const slackErrorsAlarm = alarmAboveZero("SlackErrorsAlarm", {
  alarmName: "slack-errors",
  description: "Alerts could not be delivered to Slack (token, channel, Slack outage): see the slack function's logs.",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  statistic: "Sum",
  dimensions: { FunctionName: slackSubscriber.nodes.function.name },
});

// ── Freshness ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Every 30 minutes: each tracked symbol's latest bar against its last completed session (NYSE calendar for equities,
 * 24/7 for crypto); one alert per stale set, resolved when the set is fresh again. `FRESHNESS_SYMBOLS` and
 * `FRESHNESS_GRACE_MINUTES` at deploy time choose the symbols (default: every stored one) and the delay allowed
 * after a session's close (default 120).
 */
export const freshnessSchedule = new sst.aws.CronV2("FreshnessSchedule", {
  schedule: "rate(30 minutes)",
  // The next check redoes the whole check: no DLQ.
  retries: 2,
  function: {
    handler: "packages/functions/src/freshness.handler",
    runtime: RUNTIME,
    timeout: "1 minute",
    memory: "256 MB",
    environment: {
      LATEST_PRICES_TABLE: latestPrices.name,
      DATA_BUCKET: bucket.name,
      ALERTS_TOPIC_ARN: alerts.arn,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      ...(process.env.FRESHNESS_SYMBOLS ? { FRESHNESS_SYMBOLS: process.env.FRESHNESS_SYMBOLS } : {}),
      ...(process.env.FRESHNESS_GRACE_MINUTES ? { FRESHNESS_GRACE_MINUTES: process.env.FRESHNESS_GRACE_MINUTES } : {}),
    },
    permissions: [
      { actions: ["dynamodb:BatchGetItem", "dynamodb:Scan"], resources: [latestPrices.arn] },
      // Which stale sets are open (alerted already), read-only: the slack function writes the ledger.
      listIncidents,
      { actions: ["s3:GetObject"], resources: [incidentObjects] },
      { actions: ["sns:Publish"], resources: [alerts.arn] },
    ],
  },
});

export const freshnessErrorsAlarm = alarmAboveZero("FreshnessErrorsAlarm", {
  alarmName: "freshness-errors",
  description: "The freshness check failed (its configuration, the price table or the topic): stale data goes unseen.",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  statistic: "Sum",
  dimensions: { FunctionName: freshnessSchedule.nodes.function.name },
});

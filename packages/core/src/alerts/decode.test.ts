import { describe, expect, it } from "vitest";
import { alertMessageOf } from "./decode.js";
import { mergeFailedAlert } from "./jobs.js";

/** What CloudWatch publishes to SNS when an alarm changes state (AWS's documented shape, trimmed). */
function alarmJson(overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    AlarmName: "market-data-prod-ingest-dlq-not-empty",
    AlarmDescription: "Raw objects failed validation 5 times (infrastructure faults) and wait in the ingest DLQ.",
    AWSAccountId: "123456789012",
    AlarmConfigurationUpdatedTimestamp: "2024-03-01T09:00:00.000+0000",
    NewStateValue: "ALARM",
    NewStateReason:
      "Threshold Crossed: 1 out of the last 1 datapoints [2.0 (01/03/24 10:00:00)] was greater than the threshold (0.0).",
    StateChangeTime: "2024-03-01T10:05:12.345+0000",
    Region: "EU (Ireland)",
    AlarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:market-data-prod-ingest-dlq-not-empty",
    OldStateValue: "OK",
    OKActions: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
    AlarmActions: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Namespace: "AWS/SQS",
      StatisticType: "Statistic",
      Statistic: "MAXIMUM",
      Unit: null,
      Dimensions: [{ value: "market-data-prod-IngestDlqQueue-abc", name: "QueueName" }],
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0.0,
      TreatMissingData: "notBreaching",
    },
    ...overrides,
  });
}

describe("alertMessageOf", () => {
  it("reads back this app's own alert JSON unchanged", () => {
    const alert = mergeFailedAlert(
      { jobName: "t", jobRunId: "jr_1", message: "boom" },
      { kind: "aws", region: "us-east-1" },
      "2024-03-01T10:00:00.000Z",
    );
    expect(alertMessageOf(JSON.stringify(alert))).toEqual(alert);
  });

  it("turns the DLQ alarm into dlq_not_empty, with the alarm's and the queue's console pages", () => {
    const message = alertMessageOf(alarmJson());
    expect(message).toMatchObject({
      type: "alert",
      kind: "dlq_not_empty",
      severity: "error",
      incidentKey: "alarm:market-data-prod-ingest-dlq-not-empty",
      source: "cloudwatch",
      at: "2024-03-01T10:05:12.345Z",
    });
    expect(message?.summary).toMatch(/^market-data-prod-ingest-dlq-not-empty: Raw objects failed validation/);
    expect(message?.links).toEqual([
      {
        label: "Alarm",
        url: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/market-data-prod-ingest-dlq-not-empty",
      },
      {
        label: "Queue",
        url: `https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues/${encodeURIComponent("https://sqs.eu-west-1.amazonaws.com/123456789012/market-data-prod-IngestDlqQueue-abc")}`,
      },
    ]);
  });

  it("resolves an alarm that returns to OK from ALARM, and ignores one settling from INSUFFICIENT_DATA", () => {
    expect(alertMessageOf(alarmJson({ NewStateValue: "OK", OldStateValue: "ALARM" }))).toMatchObject({
      type: "resolved",
      incidentKey: "alarm:market-data-prod-ingest-dlq-not-empty",
      summary: "market-data-prod-ingest-dlq-not-empty is OK again",
    });
    expect(alertMessageOf(alarmJson({ NewStateValue: "OK", OldStateValue: "INSUFFICIENT_DATA" }))).toBeUndefined();
    expect(alertMessageOf(alarmJson({ NewStateValue: "INSUFFICIENT_DATA" }))).toBeUndefined();
  });

  it("names the quality-gate alarm quality_gate_failed and an alarm it does not know a plain alarm", () => {
    const quality = { MetricName: "QualityGateFailures", Namespace: "market-data/prod", Dimensions: [] };
    expect(alertMessageOf(alarmJson({ Trigger: quality }))?.kind).toBe("quality_gate_failed");
    const errors = {
      MetricName: "Errors",
      Namespace: "AWS/Lambda",
      Dimensions: [{ name: "FunctionName", value: "f" }],
    };
    const message = alertMessageOf(alarmJson({ Trigger: errors }));
    expect(message?.kind).toBe("alarm");
    expect(message?.links.map((l) => l.label)).toEqual(["Alarm", "Function logs"]);
  });

  it("turns the Glue job state change an EventBridge rule publishes into a job alert", () => {
    const event = {
      version: "0",
      id: "2f9bd5c2-7c4a-4d1e-9d58-1c0a6f3e7b11",
      "detail-type": "Glue Job State Change",
      source: "aws.glue",
      account: "123456789012",
      time: "2024-03-01T10:05:00Z",
      region: "eu-west-1",
      resources: [],
      detail: {
        jobName: "market-data-prod-transform",
        severity: "ERROR",
        state: "TIMEOUT",
        jobRunId: "jr_0123",
        message: "Job run timed out",
      },
    };
    expect(alertMessageOf(JSON.stringify(event))).toMatchObject({
      kind: "job_timed_out",
      incidentKey: "job:market-data-prod-transform",
      summary: "Transform run jr_0123 TIMEOUT",
      detail: "Job run timed out",
      at: "2024-03-01T10:05:00Z",
    });
  });

  it("shows anything else as an unrecognized alert rather than dropping it", () => {
    expect(
      alertMessageOf("plain text from someone's script", { subject: "hello", timestamp: "2024-03-01T10:00:00Z" }),
    ).toMatchObject({
      kind: "unrecognized",
      incidentKey: "unrecognized:hello",
      summary: "Alerts topic: hello",
      detail: "plain text from someone's script",
      at: "2024-03-01T10:00:00Z",
    });
    expect(alertMessageOf('{"some":"json"}')?.kind).toBe("unrecognized");
  });
});

import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { mergeFailedAlert } from "@market-data/core/alerts/index";
import type { SNSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryIncidentLedger } from "../src/adapters/memory-incidents.js";
import { SnsAlertNotifier } from "../src/adapters/sns-alert-notifier.js";
import { SnsNotifier } from "../src/adapters/sns-notifier.js";
import { slackClient } from "../src/slack/client.js";
import { SlackDelivery } from "../src/slack/delivery.js";
import { createSlackHandler } from "../src/slack/handler.js";
import type { SnsEnvelope } from "../src/slack/sns.js";
import { type FakeSlack, startFakeSlack } from "./fake-slack.js";
import { createQueue, drainQueue, motoConfig, uniqueName } from "./moto/clients.js";
import { MOTO_SETUP_TIMEOUT_MS, type Moto, startMoto } from "./moto/server.js";

// The SNS → slack path on moto: what the notifier publishes to a real topic reaches a subscriber as an SNS envelope
// (here an SQS subscription, which delivers the envelope as its body), and that exact envelope is what the slack
// function's handler parses and posts.
let moto: Moto;
let sns: SNSClient;
let sqs: SQSClient;
let fake: FakeSlack;

beforeAll(async () => {
  moto = await startMoto();
  sns = new SNSClient(motoConfig(moto.endpoint));
  sqs = new SQSClient(motoConfig(moto.endpoint));
  fake = await startFakeSlack();
}, MOTO_SETUP_TIMEOUT_MS);
afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  await fake?.close();
  await moto?.stop();
});

/** A topic with one SQS subscription (no raw delivery: the queue receives the SNS envelope). */
async function topicToQueue(): Promise<{ topicArn: string; queueUrl: string }> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("alerts") }));
  if (TopicArn === undefined) throw new Error("no topic");
  const queue = await createQueue(sqs, uniqueName("slack"));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queue.arn }));
  return { topicArn: TopicArn, queueUrl: queue.url };
}

/** The Lambda event SNS would invoke the slack function with, around a delivered envelope. */
function snsEventOf(envelope: SnsEnvelope, topicArn: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:sub`,
        Sns: envelope as SNSEvent["Records"][number]["Sns"],
      },
    ],
  };
}

function handler() {
  const log = { info: () => {}, error: () => {} };
  const delivery = new SlackDelivery({
    client: slackClient({ token: "xoxb-moto-test", slackApiUrl: fake.url, retryConfig: { retries: 0 } }),
    channel: "#alerts",
    incidents: new MemoryIncidentLedger(),
    log,
    secrets: ["xoxb-moto-test"],
  });
  return createSlackHandler(delivery, log);
}

describe("alerts topic → slack function, on moto", () => {
  it("delivers the notifier's alert with its attributes, and the handler posts that exact envelope", async () => {
    const { topicArn, queueUrl } = await topicToQueue();
    const alert = mergeFailedAlert(
      { jobName: "market-data-prod-transform", jobRunId: "jr_9", runId: "r9", message: "permission denied" },
      { kind: "aws", region: "us-east-1" },
      "2024-03-01T10:05:01.000Z",
    );
    await new SnsAlertNotifier(new SnsNotifier(sns, topicArn)).publish(alert);
    const [body] = await drainQueue(sqs, queueUrl, { count: 1 });
    const envelope = JSON.parse(body ?? "{}") as SnsEnvelope & { MessageAttributes: Record<string, unknown> };
    expect(envelope).toMatchObject({
      Type: "Notification",
      TopicArn: topicArn,
      Subject: "[error] Merge of run r9 failed",
      Message: JSON.stringify(alert),
      MessageAttributes: {
        incidentKey: { Type: "String", Value: "merge:market-data-prod-transform" },
        severity: { Type: "String", Value: "error" },
        kind: { Type: "String", Value: "merge_failed" },
        type: { Type: "String", Value: "alert" },
      },
    });

    fake.requests.length = 0;
    const outcomes = await handler()(snsEventOf(envelope, topicArn));
    expect(outcomes).toMatchObject([{ action: "posted" }]);
    const [post] = fake.calls("chat.postMessage");
    expect(post?.fields.text).toBe("🔴 [error] Merge of run r9 failed");
    expect(String(post?.fields.blocks)).toContain("permission denied");
  });

  it("parses a CloudWatch alarm published to the topic, and skips an alarm settling to OK", async () => {
    const { topicArn, queueUrl } = await topicToQueue();
    const alarm = {
      AlarmName: "market-data-prod-ingest-dlq-not-empty",
      AlarmDescription: "Raw objects wait in the ingest DLQ.",
      AWSAccountId: "123456789012",
      NewStateValue: "ALARM",
      OldStateValue: "OK",
      NewStateReason: "Threshold Crossed",
      StateChangeTime: "2024-03-01T10:05:12.345+0000",
      AlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:market-data-prod-ingest-dlq-not-empty",
      Trigger: {
        MetricName: "ApproximateNumberOfMessagesVisible",
        Namespace: "AWS/SQS",
        Dimensions: [{ name: "QueueName", value: "dlq" }],
        Threshold: 0,
      },
    };
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(alarm), Subject: "ALARM: dlq" }));
    const settled = { ...alarm, NewStateValue: "OK", OldStateValue: "INSUFFICIENT_DATA" };
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(settled), Subject: "OK: dlq" }));
    const envelopes = (await drainQueue(sqs, queueUrl, { count: 2 })).map((b) => JSON.parse(b) as SnsEnvelope);

    fake.requests.length = 0;
    const handle = handler();
    const outcomes = [];
    for (const envelope of envelopes) outcomes.push(...(await handle(snsEventOf(envelope, topicArn))));
    expect(outcomes).toMatchObject([{ action: "posted" }]);
    expect(fake.calls("chat.postMessage").map((p) => p.fields.text)).toEqual([
      "🔴 [error] market-data-prod-ingest-dlq-not-empty: Raw objects wait in the ingest DLQ.",
    ]);
  });
});

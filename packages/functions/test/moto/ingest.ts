// The ingest slice (stacks/ingest.ts + stacks/storage.ts) rebuilt on moto, and a poller that feeds the queue to a
// handler the way Lambda's SQS event source mapping does.
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageSystemAttributeName,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { createQueue, MOTO_REGION, uniqueName } from "./clients.js";

/** stacks/ingest.ts: a message that failed this many receives moves to the DLQ. */
export const MAX_RECEIVES = 5;

export interface IngestOnMoto {
  bucket: string;
  queue: { url: string; arn: string };
  dlq: { url: string; arn: string };
}

/**
 * The bucket, the DLQ, the ingest queue redriving to it after MAX_RECEIVES, the queue policy SST writes for S3, and
 * the bucket notification (`s3:ObjectCreated:*` under `raw/`). `visibilityTimeoutSeconds` replaces the stack's
 * 13 minutes so a failed message is visible again within the test.
 */
export async function createIngest(
  s3: S3Client,
  sqs: SQSClient,
  { visibilityTimeoutSeconds }: { visibilityTimeoutSeconds: number },
): Promise<IngestOnMoto> {
  const bucket = uniqueName("data");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const dlq = await createQueue(sqs, uniqueName("ingest-dlq"), { MessageRetentionPeriod: String(14 * 24 * 3600) });
  const queue = await createQueue(sqs, uniqueName("ingest"), {
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: MAX_RECEIVES }),
  });
  const bucketArn = `arn:aws:s3:::${bucket}`;
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queue.url,
      Attributes: {
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "s3.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: queue.arn,
              Condition: { ArnEquals: { "aws:SourceArn": bucketArn } },
            },
          ],
        }),
      },
    }),
  );
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Id: "RawObjectCreated",
            QueueArn: queue.arn,
            Events: ["s3:ObjectCreated:*"],
            Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "raw/" }] } },
          },
        ],
      },
    }),
  );
  return { bucket, queue, dlq };
}

/** What one poll did: the messages it handed to the handler and the ids the handler reported as failed. */
export interface Poll {
  messages: Message[];
  failed: string[];
}

/**
 * One poll of Lambda's SQS event source mapping with partial batch responses: receive up to 10 messages, invoke
 * the handler with them as an SQSEvent, delete those not reported in `batchItemFailures`, and leave the failures
 * to become visible again after the visibility timeout (and, after MAX_RECEIVES, to move to the DLQ).
 * A handler that throws fails the whole batch: nothing is deleted.
 */
export async function pollLikeLambda(
  sqs: SQSClient,
  queue: { url: string; arn: string },
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>,
): Promise<Poll> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
  );
  const messages = out.Messages ?? [];
  if (messages.length === 0) return { messages, failed: [] };
  let response: SQSBatchResponse;
  try {
    response = await invoke({ Records: messages.map((message) => sqsRecordOf(message, queue.arn)) });
  } catch {
    return { messages, failed: messages.map((message) => message.MessageId ?? "") };
  }
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const done = messages.filter((message) => !failed.has(message.MessageId ?? ""));
  if (done.length > 0) {
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    if ((deleted.Failed ?? []).length > 0)
      throw new Error(`DeleteMessageBatch failed: ${JSON.stringify(deleted.Failed)}`);
  }
  return { messages, failed: [...failed] };
}

/** An SQS message as Lambda hands it to a function (the `Records[]` entry of an SQSEvent). */
export function sqsRecordOf(message: Message, queueArn: string): SQSRecord {
  const attribute = (name: MessageSystemAttributeName) => message.Attributes?.[name] ?? "";
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attribute("ApproximateReceiveCount"),
      SentTimestamp: attribute("SentTimestamp"),
      SenderId: attribute("SenderId"),
      ApproximateFirstReceiveTimestamp: attribute("ApproximateFirstReceiveTimestamp"),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: MOTO_REGION,
  };
}

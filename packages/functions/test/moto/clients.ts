// Client settings and resource helpers for tests against moto: one region, dummy credentials, path-style S3.
import { randomBytes } from "node:crypto";
import { CreateTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export const MOTO_REGION = "us-east-1";

/** Settings for any AWS SDK v3 client pointed at moto (add `forcePathStyle: true` for S3). */
export function motoConfig(endpoint: string) {
  return {
    endpoint,
    region: MOTO_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
}

/** A name no other test of the run uses (bucket names: lower case, digits and dashes). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/** The latest-prices table as stacks/storage.ts declares it: `symbol` (string) hash key, on-demand. */
export async function createLatestPricesTable(dynamo: DynamoDBClient, name: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "symbol", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "symbol", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

/** Creates a standard queue and returns its URL and ARN. */
export async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<{ url: string; arn: string }> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (url === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
  const got = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  const arn = got.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`queue ${name} has no ARN`);
  return { url, arn };
}

/**
 * Receives (and deletes) messages until `count` have arrived or `timeoutMs` passed; returns their bodies in arrival
 * order. Deliveries inside moto happen before the call that causes them returns, so a short wait suffices.
 */
export async function drainQueue(
  sqs: SQSClient,
  url: string,
  { count, timeoutMs = 5_000 }: { count: number; timeoutMs?: number },
): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (bodies.length < count && Date.now() < deadline) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of out.Messages ?? []) {
      bodies.push(message.Body ?? "");
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return bodies;
}

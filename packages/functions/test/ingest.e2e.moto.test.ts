import { gunzipSync } from "node:zlib";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { keys, type ValidationReport } from "@market-data/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoLatestPrices } from "../src/adapters/dynamo-latest-prices.js";
import { S3ObjectStore } from "../src/adapters/s3-object-store.js";
import { createValidateHandler } from "../src/validate/handler.js";
import { symbolCsv } from "./csv-fixtures.js";
import { createLatestPricesTable, motoConfig, uniqueName } from "./moto/clients.js";
import { createIngest, MAX_RECEIVES, type Poll, pollLikeLambda } from "./moto/ingest.js";
import { MOTO_SETUP_TIMEOUT_MS, type Moto, startMoto } from "./moto/server.js";

// The ingest path end to end on moto: objects PUT under raw/ → S3 event notifications → the ingest queue → polled
// like Lambda's event source mapping → the validate handler with its AWS adapters → S3 zones and DynamoDB. A message
// the handler cannot process fails 5 receives and ends in the DLQ, as the stack's redrive policy says.
let moto: Moto;
let s3: S3Client;
let sqs: SQSClient;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  moto = await startMoto();
  const config = motoConfig(moto.endpoint);
  s3 = new S3Client({ ...config, forcePathStyle: true });
  sqs = new SQSClient(config);
  dynamo = new DynamoDBClient(config);
}, MOTO_SETUP_TIMEOUT_MS);

afterAll(async () => {
  for (const client of [s3, sqs, dynamo]) client?.destroy();
  await moto?.stop();
});

const GOOD_KEY = "raw/csv/AAPL.csv";
const THROTTLED_KEY = "raw/alphavantage/daily/IBM.json";
// Spaces and non-ASCII: S3 form-encodes keys in notifications (`+` for a space, %XX for UTF-8 bytes and `/`).
const SPACED_KEY = "raw/csv/MSFT prices – 2024 €.csv";
const HIGH_BELOW_LOW = "MSFT,2023-01-03,1,0.5,2,1,10";

async function queueDepth(url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

async function gzipLines(store: S3ObjectStore, key: string): Promise<Record<string, unknown>[]> {
  const bytes = await store.getBytes(key);
  if (bytes === undefined) throw new Error(`no object ${key}`);
  return gunzipSync(bytes)
    .toString("utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function jsonOf<T>(store: S3ObjectStore, key: string): Promise<T> {
  const bytes = await store.getBytes(key);
  if (bytes === undefined) throw new Error(`no object ${key}`);
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as T;
}

describe("ingest on moto: S3 → SQS → validate → S3 + DynamoDB", () => {
  it("validates each object dropped under raw/, routes its records to their zones, and dead-letters a poison message", async () => {
    // A 1-second visibility timeout instead of the stack's 13 minutes, so a failed message is back within the test.
    // (The poller is sequential, so no message can come back while its batch is still being handled.)
    const ingest = await createIngest(s3, sqs, { visibilityTimeoutSeconds: 1 });
    const table = uniqueName("latest-prices");
    await createLatestPricesTable(dynamo, table);
    const objects = new S3ObjectStore(s3, ingest.bucket);
    const prices = new DynamoLatestPrices(DynamoDBDocumentClient.from(dynamo), table);

    const failures: string[] = [];
    const handler = createValidateHandler(
      { objects, prices },
      {
        logger: new Logger({ serviceName: "validate", logLevel: "SILENT" }),
        onRecordFailure: (record) => failures.push(record.messageId),
      },
    );
    const invoke = async (event: SQSEvent): Promise<SQSBatchResponse> =>
      (await handler(event, {} as Context, () => undefined)) ?? { batchItemFailures: [] };

    // Dropped with the plain S3 API, as `aws s3 cp` would; the last one is outside raw/ and must not be notified.
    const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: ingest.bucket, Key, Body }));
    await put(GOOD_KEY, symbolCsv(20));
    await put(
      THROTTLED_KEY,
      JSON.stringify({ Note: "Thank you for using Alpha Vantage! Our standard API rate limit…" }),
    );
    await put(SPACED_KEY, symbolCsv(30, [HIGH_BELOW_LOW]).replaceAll("AAPL,", "MSFT,"));
    await put("uploads/elsewhere.csv", symbolCsv(5));
    // A producer fault: not an S3 notification. The handler fails it on every receive.
    const poison = await sqs.send(
      new SendMessageCommand({ QueueUrl: ingest.queue.url, MessageBody: "not an S3 event" }),
    );

    const polls: Poll[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      polls.push(await pollLikeLambda(sqs, ingest.queue, invoke));
      if ((await queueDepth(ingest.queue.url)) === 0 && (await queueDepth(ingest.dlq.url)) > 0) break;
    }

    // What S3 put on the queue: its test event (sent when the notification is configured) and one ObjectCreated
    // record per raw/ object, with the key form-encoded; nothing for the object outside raw/.
    const notified = polls
      .flatMap((poll) => poll.messages)
      .filter((message) => message.MessageId !== poison.MessageId)
      .map((message) => JSON.parse(message.Body ?? "{}") as { Event?: string; Records?: S3Record[] });
    expect(notified.filter((body) => body.Event === "s3:TestEvent")).toHaveLength(1);
    const records = notified.flatMap((body) => body.Records ?? []);
    expect(records.map((r) => r.eventName)).toEqual(["ObjectCreated:Put", "ObjectCreated:Put", "ObjectCreated:Put"]);
    expect(records.map((r) => decodeURIComponent(r.s3.object.key.replace(/\+/g, " ")))).toEqual([
      GOOD_KEY,
      THROTTLED_KEY,
      SPACED_KEY,
    ]);

    // Only the poison message failed, once per receive, and then moved to the DLQ; the ingest queue is empty.
    expect(failures).toEqual(Array.from({ length: MAX_RECEIVES }, () => poison.MessageId));
    expect(await queueDepth(ingest.queue.url)).toBe(0);
    const dead = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: ingest.dlq.url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    expect(dead.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[poison.MessageId, "not an S3 event"]]);

    // One report per raw object, found under reports/ by listing the bucket as the API does.
    const reports = new Map<string, ValidationReport>();
    for await (const info of objects.list("reports/validation/")) {
      const report = await jsonOf<ValidationReport>(objects, info.key);
      reports.set(report.object.key, report);
    }
    expect([...reports.keys()].sort()).toEqual([THROTTLED_KEY, GOOD_KEY, SPACED_KEY].sort());

    const good = reports.get(GOOD_KEY);
    expect(good).toMatchObject({ success: true, statistics: { evaluated: 20, passed: 20, rejected: 0 } });
    const goodBars = await gzipLines(objects, good?.outputs.curated[0] ?? "");
    expect(goodBars).toHaveLength(20);
    expect(goodBars[0]).toMatchObject({ symbol: "AAPL", interval: "1d", source_key: GOOD_KEY });

    const spaced = reports.get(SPACED_KEY);
    expect(spaced).toMatchObject({ success: true, statistics: { evaluated: 31, passed: 30, rejected: 1 } });
    const msftBars = await gzipLines(objects, spaced?.outputs.curated[0] ?? "");
    expect(msftBars).toHaveLength(30);
    expect(msftBars.every((bar) => bar.source_key === SPACED_KEY)).toBe(true);
    const [rejected] = await gzipLines(objects, spaced?.outputs.quarantine[0] ?? "");
    expect(rejected).toMatchObject({ row: 31, input: HIGH_BELOW_LOW });
    expect(JSON.stringify(rejected)).toContain("ohlc.high_bounds");

    const throttled = reports.get(THROTTLED_KEY);
    expect(throttled).toMatchObject({ success: false, file_reject: { rule: "file.not_provider_error" } });
    expect(throttled?.outputs.curated).toEqual([]);
    const note = await jsonOf<Record<string, unknown>>(objects, keys.quarantineFile(throttled?.object.object_id ?? ""));
    expect(note).toMatchObject({ raw_key: THROTTLED_KEY, rule: "file.not_provider_error" });

    // Dirty markers for the transform, for the two objects that curated records; raw/ is untouched.
    const dirty: string[] = [];
    for await (const info of objects.list("_control/dirty/")) dirty.push(info.key);
    expect(dirty.sort()).toEqual(
      [keys.dirty(good?.object.object_id ?? ""), keys.dirty(spaced?.object.object_id ?? "")].sort(),
    );
    const raw: string[] = [];
    for await (const info of objects.list("raw/")) raw.push(info.key);
    expect(raw).toEqual([THROTTLED_KEY, GOOD_KEY, SPACED_KEY].sort());

    // The latest price per symbol in DynamoDB is the newest curated bar of each file.
    const newest = (bars: Record<string, unknown>[]) => bars.reduce((a, b) => (String(b.ts) > String(a.ts) ? b : a));
    const latest = await prices.all();
    expect(latest.map((p) => [p.symbol, p.ts, p.close, p.source_key])).toEqual([
      ["AAPL", newest(goodBars).ts, newest(goodBars).close, GOOD_KEY],
      ["MSFT", newest(msftBars).ts, newest(msftBars).close, SPACED_KEY],
    ]);
  });
});

interface S3Record {
  eventName: string;
  s3: { object: { key: string } };
}

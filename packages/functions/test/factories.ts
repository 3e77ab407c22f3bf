import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import type { SQSEvent } from "aws-lambda";
import { FolderObjectStore } from "../src/adapters/folder-object-store.js";
import { openLatestPriceStore } from "../src/adapters/pglite-latest-prices.js";
import { s3NotificationFor } from "../src/local/s3-event-record.js";

/** A throwaway bucket folder and an in-memory latest-price store. */
export async function makeBucket() {
  const root = await mkdtemp(join(tmpdir(), "bucket-"));
  const objects = new FolderObjectStore(root);
  const prices = await openLatestPriceStore();
  return {
    root,
    objects,
    prices,
    async cleanup() {
      await prices.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** An SQS event whose messages are the S3 notifications for these keys (one message per key). */
export function sqsEventFor(keys: readonly string[]): SQSEvent {
  return {
    Records: keys.map((key, index) => ({
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body: JSON.stringify(s3NotificationFor("test-bucket", { key, size: 1, eventTime: new Date(0) })),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "0",
        SenderId: "test",
        ApproximateFirstReceiveTimestamp: "0",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:ingest",
      awsRegion: "us-east-1",
    })),
  };
}

/** Every file under a folder, as key → bytes (gzip objects gunzipped), for comparing whole buckets. */
export async function snapshot(root: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const base = join(root, prefix);
  let names: string[];
  try {
    names = await readdir(base, { recursive: true });
  } catch {
    return files;
  }
  for (const name of names.sort()) {
    const path = join(base, name);
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes === undefined) continue;
    const key = relative(root, path).split(sep).join("/");
    files.set(key, key.endsWith(".gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8"));
  }
  return files;
}

/** JSON lines of a gzip object in the store. */
export async function jsonLines(objects: FolderObjectStore, key: string): Promise<Record<string, unknown>[]> {
  const bytes = await objects.getBytes(key);
  if (bytes === undefined) throw new Error(`no object ${key}`);
  return gunzipSync(bytes)
    .toString("utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function jsonObject(objects: FolderObjectStore, key: string): Promise<Record<string, unknown>> {
  const bytes = await objects.getBytes(key);
  if (bytes === undefined) throw new Error(`no object ${key}`);
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
}

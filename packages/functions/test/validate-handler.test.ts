import { Logger } from "@aws-lambda-powertools/logger";
import type { ObjectStore } from "@market-data/core";
import type { Context, SQSBatchResponse } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createValidateHandler } from "../src/validate/handler.js";
import { symbolCsv } from "./csv-fixtures.js";
import { makeBucket, sqsEventFor } from "./factories.js";

type Bucket = Awaited<ReturnType<typeof makeBucket>>;
let bucket: Bucket;
beforeEach(async () => {
  bucket = await makeBucket();
});
afterEach(async () => bucket.cleanup());

/** A store whose reads of one key fail like an unreachable bucket (an infrastructure fault). */
function failingOn(objects: ObjectStore, badKey: string): ObjectStore {
  return {
    head: (key) => objects.head(key),
    getStream: async (key) => {
      if (key === badKey) throw new Error("socket hang up");
      return objects.getStream(key);
    },
    getBytes: (key) => objects.getBytes(key),
    put: (key, body, options) => objects.put(key, body, options),
    putIfAbsent: (key, body, options) => objects.putIfAbsent(key, body, options),
    delete: (key) => objects.delete(key),
    list: (prefix) => objects.list(prefix),
  };
}

function captureLogs() {
  // Powertools writes INFO to stdout and WARN/ERROR to stderr, one JSON object per line.
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split("\n")) if (line.startsWith("{")) lines.push(JSON.parse(line));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(capture),
    vi.spyOn(process.stderr, "write").mockImplementation(capture),
  ];
  return {
    lines,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

async function invoke(objects: ObjectStore, keys: string[]) {
  const failures: string[] = [];
  const handler = createValidateHandler(
    { objects, prices: bucket.prices },
    {
      logger: new Logger({ serviceName: "validate", logLevel: "INFO" }),
      onRecordFailure: (record, error) => failures.push(`${record.messageId}: ${String(error)}`),
    },
  );
  const response = (await handler(sqsEventFor(keys), {} as Context, () => {})) as SQSBatchResponse;
  return { response, failures };
}

describe("validate handler", () => {
  it("reports only the message that met an infrastructure fault as a batch item failure", async () => {
    await bucket.objects.put("raw/csv/a.csv", symbolCsv(20));
    await bucket.objects.put("raw/csv/b.csv", JSON.stringify({ Note: "Thank you for using Alpha Vantage!" }));
    await bucket.objects.put("raw/csv/c.csv", symbolCsv(20));
    const logs = captureLogs();
    const { response, failures } = await invoke(failingOn(bucket.objects, "raw/csv/c.csv"), [
      "raw/csv/a.csv",
      "raw/csv/b.csv",
      "raw/csv/c.csv",
    ]);
    logs.restore();
    // b.csv is bad data, not a fault: quarantined, not retried.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-2" }]);
    expect(failures).toEqual(["m-2: Error: socket hang up"]);
    const markers = logs.lines.filter((line) => String(line.message).startsWith("QUALITY="));
    expect(markers.map((line) => [line.message, line.key])).toEqual([
      ["QUALITY=PASS", "raw/csv/a.csv"],
      ["QUALITY=FAIL", "raw/csv/b.csv"],
    ]);
    expect(markers[0]).toMatchObject({ statistics: { evaluated: 20, passed: 20 }, service: "validate" });
    expect(markers[1]).toMatchObject({ fileRule: "file.not_provider_error", level: "WARN" });
  });

  it("ignores the S3 test event and objects outside raw/", async () => {
    const handler = createValidateHandler(
      { objects: bucket.objects, prices: bucket.prices },
      { logger: new Logger({ serviceName: "validate", logLevel: "SILENT" }) },
    );
    const event = sqsEventFor(["curated/x.jsonl.gz"]);
    const testEvent = { ...event.Records[0], messageId: "t", body: JSON.stringify({ Event: "s3:TestEvent" }) };
    const response = await handler({ Records: [...event.Records, testEvent] } as typeof event, {} as Context, () => {});
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it("fails a message whose body is not an S3 notification, so it ends in the DLQ", async () => {
    const handler = createValidateHandler(
      { objects: bucket.objects, prices: bucket.prices },
      { logger: new Logger({ serviceName: "validate", logLevel: "SILENT" }) },
    );
    const event = sqsEventFor(["raw/x.csv"]);
    const record = { ...event.Records[0], body: "garbage" } as (typeof event.Records)[number];
    const response = await handler({ Records: [record] }, {} as Context, () => {});
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-0" }] });
  });
});

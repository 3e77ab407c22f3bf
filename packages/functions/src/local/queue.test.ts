import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { LocalQueue } from "./queue.js";

async function withQueue(
  consumer: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
  send: (queue: LocalQueue) => void,
) {
  const dlqDir = join(await mkdtemp(join(tmpdir(), "queue-")), "dlq");
  const queue = new LocalQueue({ dlqDir, retryBaseMs: 1, retryMaxMs: 5, batchWindowMs: 20 });
  const running = queue.run(consumer);
  send(queue);
  await queue.idle();
  queue.stop();
  await running;
  return { queue, dlqDir };
}

describe("LocalQueue", () => {
  it("delivers in batches of at most 10", async () => {
    const sizes: number[] = [];
    await withQueue(
      async (event) => {
        sizes.push(event.Records.length);
        return { batchItemFailures: [] };
      },
      (queue) => {
        for (let i = 0; i < 25; i++) queue.send(`m${i}`);
      },
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
  });

  it("retries only the failed items of a partial batch response", async () => {
    const seen: string[] = [];
    await withQueue(
      async (event) => {
        const failures = [];
        for (const record of event.Records) {
          seen.push(`${record.body}#${record.attributes.ApproximateReceiveCount}`);
          if (record.body === "flaky" && record.attributes.ApproximateReceiveCount === "1") {
            failures.push({ itemIdentifier: record.messageId });
          }
        }
        return { batchItemFailures: failures };
      },
      (queue) => {
        queue.send("ok");
        queue.send("flaky");
      },
    );
    expect(seen.sort()).toEqual(["flaky#1", "flaky#2", "ok#1"]);
  });

  it("dead-letters a message after 5 receives, with the error", async () => {
    let attempts = 0;
    let queueRef: LocalQueue | undefined;
    const { queue, dlqDir } = await withQueue(
      async (event) => {
        attempts += event.Records.length;
        for (const record of event.Records) queueRef?.noteError(record.messageId, new Error("bucket unreachable"));
        return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
      },
      (q) => {
        queueRef = q;
        q.send("poison");
      },
    );
    expect(attempts).toBe(5);
    expect(queue.deadLetters).toHaveLength(1);
    const files = await readdir(dlqDir);
    expect(files).toHaveLength(1);
    const letter = JSON.parse(await readFile(join(dlqDir, files[0] ?? ""), "utf8"));
    expect(letter).toMatchObject({ body: "poison", receiveCount: 5, error: "Error: bucket unreachable" });
  });

  it("fails the whole batch when the consumer throws", async () => {
    let calls = 0;
    const { queue } = await withQueue(
      async () => {
        calls++;
        throw new Error("handler crashed");
      },
      (q) => q.send("a"),
    );
    expect(calls).toBe(5);
    expect(queue.deadLetters[0]?.error).toBe("Error: handler crashed");
  });
});

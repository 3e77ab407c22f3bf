import { createHash } from "node:crypto";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runObjectStoreContract } from "../src/adapters/object-store.contract.js";
import { S3ObjectStore } from "../src/adapters/s3-object-store.js";
import { motoConfig, uniqueName } from "./moto/clients.js";
import { MOTO_SETUP_TIMEOUT_MS, type Moto, startMoto } from "./moto/server.js";

// The S3 adapter against the S3 wire protocol (moto): the shared contract plus what only a real S3 API shows —
// continuation tokens, multipart uploads of streamed bodies, and errors that must stay errors.
let moto: Moto;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ ...motoConfig(moto.endpoint), forcePathStyle: true });
}, MOTO_SETUP_TIMEOUT_MS);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

async function freshBucket(client: S3Client = s3): Promise<S3ObjectStore> {
  const bucket = uniqueName("contract");
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return new S3ObjectStore(client, bucket);
}

async function keysOf(store: S3ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}

describe("S3ObjectStore on moto", () => {
  runObjectStoreContract({ make: () => freshBucket() });

  it("follows continuation tokens across pages of ListObjectsV2", async () => {
    // A client whose ListObjectsV2 pages hold 7 keys: the paginator must follow moto's real tokens to the end.
    const paged = new S3Client({ ...motoConfig(moto.endpoint), forcePathStyle: true });
    const pageSizes: number[] = [];
    paged.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "ListObjectsV2Command") return next(args);
        Object.assign(args.input as object, { MaxKeys: 7 });
        const result = await next(args);
        pageSizes.push((result.output as { KeyCount?: number }).KeyCount ?? 0);
        return result;
      },
      { step: "initialize", name: "smallPages", tags: ["TEST"] },
    );
    const store = await freshBucket(paged);
    const keys = Array.from(
      { length: 30 },
      (_, i) => `reports/validation/date=2024-01-01/${String(i).padStart(3, "0")}.json`,
    );
    await Promise.all(keys.map((key) => store.put(key, key)));
    pageSizes.length = 0;
    expect(await keysOf(store, "reports/")).toEqual(keys);
    expect(pageSizes).toEqual([7, 7, 7, 7, 2]);
    paged.destroy();
  });

  it("lists more than 1,000 objects, S3's page limit, in key order", async () => {
    const store = await freshBucket();
    const keys = Array.from({ length: 1_005 }, (_, i) => `raw/csv/day ${String(i).padStart(4, "0")}.csv`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: store.bucket, Key, Body: "x" }))),
      );
    }
    const firstPage = await s3.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: "raw/" }));
    expect(firstPage.KeyCount).toBe(1_000);
    expect(firstPage.IsTruncated).toBe(true);
    expect(await keysOf(store, "raw/")).toEqual(keys);
  });

  it("streams a multi-part object back in chunks, byte for byte", async () => {
    const store = await freshBucket();
    // 11 MiB in 1 MiB chunks: lib-storage's Upload sends it as a multipart upload (5 MiB parts).
    const chunk = (i: number) => new Uint8Array(1 << 20).fill(i);
    const expected = createHash("sha256");
    for (let i = 0; i < 11; i++) expected.update(chunk(i));
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 11; i++) yield chunk(i);
    }
    await store.put("parquet/big.bin", body());

    const { info, body: stream } = await store.getStream("parquet/big.bin");
    expect(info.size).toBe(11 << 20);
    expect(info.etag).toMatch(/^[0-9a-f]{32}-3$/); // a multipart ETag, unquoted
    const actual = createHash("sha256");
    let chunks = 0;
    for await (const part of stream) {
      actual.update(part);
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1); // streamed, not one buffer
    expect(actual.digest("hex")).toBe(expected.digest("hex"));
  });

  it("keeps a missing bucket an error for reads and writes (a deployment fault, not an absent object)", async () => {
    const store = new S3ObjectStore(s3, uniqueName("no-such-bucket"));
    await expect(store.getBytes("raw/x.csv")).rejects.toMatchObject({ name: "NoSuchBucket" });
    await expect(store.getStream("raw/x.csv")).rejects.toMatchObject({ name: "NoSuchBucket" });
    await expect(store.put("reports/x.json", "{}")).rejects.toMatchObject({ name: "NoSuchBucket" });
    // HEAD gets a bare 404 either way; the store tells the two apart, so validate retries instead of skipping.
    await expect(store.head("raw/x.csv")).rejects.toThrow(/does not exist \(check DATA_BUCKET\)/);
  });
});

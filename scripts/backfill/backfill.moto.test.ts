import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../packages/functions/src/adapters/s3-object-store.ts";
import { motoConfig, uniqueName } from "../../packages/functions/test/moto/clients.ts";
import { MOTO_SETUP_TIMEOUT_MS, type Moto, startMoto } from "../../packages/functions/test/moto/server.ts";
import { parseBackfillArgs } from "./args.ts";
import { stageBucket } from "./destination.ts";
import { PART_SIZE } from "./etag.ts";
import { runBackfill } from "./run.ts";

// Backfill to S3 on moto: multipart uploads for big files, and resuming against real S3 ETags (multipart ones too).
let moto: Moto;
let s3: S3Client;
let work: string;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ ...motoConfig(moto.endpoint), forcePathStyle: true });
  work = await mkdtemp(join(tmpdir(), "backfill-s3-"));
}, MOTO_SETUP_TIMEOUT_MS);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function run(argv: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = "";
  out.on("data", (chunk) => {
    text += String(chunk);
  });
  err.resume();
  const outcome = await runBackfill(parseBackfillArgs([...argv, "--root", join(work, "local")]), {
    stdout: out,
    stderr: err,
    s3,
  });
  return { ...outcome, text };
}

describe("backfill to S3 (moto)", () => {
  it("uploads big files in parts and skips everything on a rerun, multipart ETags included", async () => {
    const bucket = uniqueName("backfill");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const src = join(work, "exports");
    await mkdir(join(src, "symbol=IBM"), { recursive: true });
    await writeFile(join(src, "AAPL.csv"), "Date,Open,High,Low,Close,Volume\n2024-06-24,10,11,9,10.5,100\n");
    await writeFile(
      join(src, "symbol=IBM", "part-1.csv"),
      "Date,Open,High,Low,Close,Volume\n2024-06-24,10,11,9,10.5,1\n",
    );
    await writeFile(join(src, "big.jsonl"), randomBytes(2 * PART_SIZE + 12_345)); // three parts
    await writeFile(join(src, "exact.csv"), randomBytes(2 * PART_SIZE)); // two full parts
    await writeFile(join(src, "notes.txt"), "not data");

    const first = await run([src, "--bucket", bucket]);
    expect([first.exitCode, first.uploaded, first.skipped, first.failed]).toEqual([0, 4, 0, 0]);
    const store = new S3ObjectStore(s3, bucket);
    const etags = new Map<string, string>();
    for await (const info of store.list("raw/")) etags.set(info.key, info.etag);
    expect([...etags.keys()]).toEqual([
      "raw/backfill/exports/AAPL.csv",
      "raw/backfill/exports/big.jsonl",
      "raw/backfill/exports/exact.csv",
      "raw/backfill/exports/symbol=IBM/part-1.csv",
    ]);
    expect(etags.get("raw/backfill/exports/big.jsonl")).toMatch(/-3$/);
    expect(first.text).toMatch(
      /reports: 4 object\(s\) → reports\/validation\/date=\d{4}-\d{2}-\d{2}\/<object-id>\.json/,
    );

    const second = await run([src, "--bucket", bucket]);
    expect([second.exitCode, second.uploaded, second.skipped]).toEqual([0, 0, 4]);

    await writeFile(join(src, "AAPL.csv"), "Date,Open,High,Low,Close,Volume\n2024-06-24,10,11,9,10.5,999\n");
    const third = await run([src, "--bucket", bucket, "--dry-run"]);
    expect([third.uploaded, third.skipped]).toEqual([1, 3]);
    expect(third.text).toMatch(/would upload 1 object/);
    const fourth = await run([src, "--bucket", bucket]);
    expect([fourth.uploaded, fourth.skipped]).toEqual([1, 3]);
  }, 120_000);

  it("finds a stage's data bucket by SST's naming when .sst/outputs.json is another stage's", async () => {
    const name = `market-data-qa-databucket-${randomBytes(4).toString("hex")}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const outputs = join(work, "outputs.json");
    await writeFile(outputs, JSON.stringify({ bucket: "market-data-production-databucket-1234" }));
    expect(await stageBucket("qa", s3, outputs)).toBe(name);
    await writeFile(outputs, JSON.stringify({ bucket: name }));
    expect(await stageBucket("qa", s3, outputs)).toBe(name);
    await expect(stageBucket("nowhere", s3, outputs)).rejects.toThrow(
      /no data bucket for stage nowhere.*pass --bucket/,
    );
  });
});

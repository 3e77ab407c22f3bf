// bench/backfill: `npm run backfill` of a 10,000-file folder (~4 KB CSVs, ~41 MB) into the offline bucket and into
// S3 (moto on loopback), then the same again (everything already there: the resume path). Prints one JSON line.
// Each figure is the whole command: plan, compare, upload, and the closing listing that names every report.

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { motoConfig, uniqueName } from "../packages/functions/test/moto/clients.ts";
import { startMoto } from "../packages/functions/test/moto/server.ts";
import { parseBackfillArgs } from "../scripts/backfill/args.ts";
import { runBackfill } from "../scripts/backfill/run.ts";

const here = dirname(fileURLToPath(import.meta.url));
const FILES = 10_000;
const ROWS = 100;

/** The folder, generated once and reused (deterministic). */
async function dataset(): Promise<string> {
  const dir = join(here, ".data", "backfill-10k");
  if (existsSync(dir)) return dir;
  process.stderr.write(`bench/backfill: generating ${FILES.toLocaleString()} files …\n`);
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  for (let d = 0; d < 100; d++) {
    const folder = join(partial, `batch${String(d).padStart(3, "0")}`);
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < FILES / 100; i++) {
      const n = d * 100 + i;
      let body = "Date,Open,High,Low,Close,Volume\n";
      for (let r = 0; r < ROWS; r++) {
        const day = new Date(Date.UTC(2020, 0, 1) + r * 86_400_000).toISOString().slice(0, 10);
        const p = 100 + ((n + r) % 50);
        body += `${day},${p}.10,${p + 1}.20,${p - 1}.30,${p}.40,${1000 + n + r}\n`;
      }
      await writeFile(join(folder, `S${String(n).padStart(5, "0")}.csv`), body);
    }
  }
  await rename(partial, dir);
  return dir;
}

async function measure(argv: string[], s3?: S3Client) {
  const sink = () => new PassThrough().resume();
  const started = performance.now();
  const outcome = await runBackfill(parseBackfillArgs(argv), { stdout: sink(), stderr: sink(), ...(s3 ? { s3 } : {}) });
  const seconds = (performance.now() - started) / 1000;
  if (outcome.failed > 0) throw new Error(`${outcome.failed} uploads failed`);
  return {
    seconds: round(seconds),
    files_per_s: Math.round((outcome.uploaded + outcome.skipped) / seconds),
    mb_per_s: round(outcome.bytes / 1e6 / seconds),
    uploaded: outcome.uploaded,
    skipped: outcome.skipped,
    bytes: outcome.bytes,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

const src = await dataset();
const work = await mkdtemp(join(tmpdir(), "bench-backfill-"));
const moto = await startMoto();
const s3 = new S3Client({ ...motoConfig(moto.endpoint), forcePathStyle: true });
try {
  const root = join(work, "local");
  const offline = await measure([src, "--root", root]);
  const offlineResume = await measure([src, "--root", root]);
  const bucket = uniqueName("bench-backfill");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const motoS3 = await measure([src, "--bucket", bucket, "--root", root], s3);
  const motoResume = await measure([src, "--bucket", bucket, "--root", root], s3);
  console.log(
    JSON.stringify({
      bench: "backfill",
      files: FILES,
      mb: round(offline.bytes / 1e6),
      offline_bucket: offline,
      offline_bucket_resume: offlineResume,
      moto_s3: motoS3,
      moto_s3_resume: motoResume,
    }),
  );
} finally {
  s3.destroy();
  await moto.stop();
  await rm(work, { recursive: true, force: true });
}

// One measurement of bench/validate in a fresh process (so its peak RSS is its own). Prints one JSON line.
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import {
  type CandidateBar,
  createQualityRun,
  DEFAULT_QUALITY_CONFIG,
  type FileReject,
  isFileReject,
  type LatestPrice,
  type LatestPriceStore,
  openParser,
  type QualityRun,
} from "@market-data/core";
import { FolderObjectStore } from "../packages/functions/src/adapters/folder-object-store.ts";
import { decodeText, splitHead } from "../packages/functions/src/validate/decode.ts";
import { validateObject } from "../packages/functions/src/validate/validate-object.ts";

const [mode, file] = process.argv.slice(2);
if ((mode !== "parse" && mode !== "end-to-end") || file === undefined) {
  console.error("usage: validate-worker.ts parse|end-to-end <file>");
  process.exit(2);
}

/**
 * Parse + quality gate only: read, decode, detect, parse, judge every record; nothing written. Records are judged
 * with `classify`, as the handler does (every rule, the key checks and the tallies; the curated bar is not built
 * as an object: the handler writes its line straight from the record).
 */
async function parseAndValidate(path: string): Promise<number> {
  const key = `raw/bench/${basename(path)}`;
  const body = createReadStream(path, { highWaterMark: 256 * 1024 });
  const { head, rest } = await splitHead(decodeText(body, key));
  const parser = openParser(head, key);
  if (isFileReject(parser)) throw new Error(`${parser.rule}: ${parser.reason}`);
  const ctx = { key, etag: "bench", ingestedAt: "2024-07-01T00:00:00Z", now: Date.now() };
  let run: QualityRun | undefined;
  let rows = 0;
  const consume = (records: CandidateBar[] | FileReject) => {
    if (isFileReject(records)) throw new Error(`${records.rule}: ${records.reason}`);
    for (const record of records) {
      run ??= createQualityRun(parser.meta, ctx, DEFAULT_QUALITY_CONFIG);
      run.classify(record);
      rows++;
    }
  };
  consume(parser.push(head));
  for await (const text of rest) consume(parser.push(text));
  consume(parser.end());
  run?.finish();
  return rows;
}

/** CPU seconds of the offline store's ETag (MD5) of the input, part of an end-to-end run's CPU seconds. */
let etagCpuSeconds: number | undefined;

/** The whole validate path on the offline adapters, gzip outputs included (latest prices kept in memory). */
async function endToEnd(path: string): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), "bench-validate-"));
  try {
    await mkdir(join(root, "raw", "bench"), { recursive: true });
    await symlink(resolve(path), join(root, "raw", "bench", basename(path)));
    const prices = new Map<string, LatestPrice>();
    const memoryPrices: LatestPriceStore = {
      upsert: async (batch) => {
        for (const price of batch) prices.set(price.symbol, price);
      },
      get: async (symbols) => symbols.flatMap((symbol) => prices.get(symbol) ?? []),
      all: async () => [...prices.values()],
    };
    const objects = new FolderObjectStore(root);
    const key = `raw/bench/${basename(path)}`;
    // The offline store makes up S3's ETag (an MD5 of the whole object) on the first head of a file; S3 answers
    // HEAD with the ETag it already has. That first head is timed apart (validateObject's own heads then find the
    // ETag cached), so the figures say how much of the offline run is this emulation rather than the handler.
    const etagBefore = process.cpuUsage();
    await objects.head(key);
    const etag = process.cpuUsage(etagBefore);
    etagCpuSeconds = (etag.user + etag.system) / 1e6;
    const outcome = await validateObject({ objects, prices: memoryPrices }, key);
    if (outcome.status !== "processed") throw new Error(`not processed: ${outcome.reason}`);
    if (!outcome.report.success) throw new Error(`gate failed: ${JSON.stringify(outcome.report.file_reject)}`);
    return outcome.report.statistics.evaluated;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const rows = mode === "parse" ? await parseAndValidate(file) : await endToEnd(file);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
// CPU time of the whole process (gzip and file reads run on the libuv thread): on the pinned core, wall time
// above it is time the core spent on other processes.
const cpu = process.cpuUsage(cpuBefore);
console.log(
  JSON.stringify({
    mode,
    rows,
    seconds: Number(seconds.toFixed(3)),
    cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    ...(etagCpuSeconds === undefined ? {} : { etag_cpu_seconds: Number(etagCpuSeconds.toFixed(3)) }),
    rows_per_s: Math.round(rows / seconds),
    // Per CPU second: on a shared machine the wall-clock rate also counts time the core gave to other processes.
    rows_per_cpu_s: Math.round(rows / ((cpu.user + cpu.system) / 1e6)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);

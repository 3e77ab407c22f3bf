// bench/validate: 1,000,000-row CSV and Alpha Vantage JSON through parse + validate + route on one core.
// Prints one JSON line: rows/s for parse + validate alone and end to end (gzip outputs written), and peak RSS;
// the seconds of each and its CPU seconds (wall seconds above CPU seconds are time other processes had the core),
// rows per CPU second (the rate on a shared machine), and how much of the end-to-end CPU the offline store's MD5
// of the input took (its stand-in for the ETag S3 returns on HEAD).
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { chunksOf, generateSamples } from "../scripts/sample/index.ts";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, ".data");
const ROWS = 1_000_000;
const TARGETS = { parse_validate_rows_per_s: 1_000_000, end_to_end_rows_per_s: 400_000, peak_rss_mb: 512 };

/** Generated once and reused (deterministic, so a cached file is the same file). */
async function dataset(name: string, options: Parameters<typeof generateSamples>[0]): Promise<string> {
  const path = join(dataDir, name);
  if (existsSync(path)) return path;
  await mkdir(dataDir, { recursive: true });
  process.stderr.write(`bench/validate: generating ${name} (${ROWS.toLocaleString()} rows) …\n`);
  const [file] = generateSamples({ ...options, rows: ROWS, defectRate: 0, seed: 7 }).files;
  if (file === undefined) throw new Error("the generator produced no file");
  const chunks = chunksOf(file);
  await pipeline(
    Readable.from(
      (function* () {
        for (const chunk of chunks) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      })(),
    ),
    createWriteStream(`${path}.partial`),
  );
  await import("node:fs/promises").then((fs) => fs.rename(`${path}.partial`, path));
  return path;
}

/** Runs one measurement in its own process, pinned to one core when `taskset` exists. */
function measure(mode: "parse" | "end-to-end", file: string): Record<string, number> {
  const worker = join(here, "validate-worker.ts");
  const node = [process.execPath, "--import", "tsx", worker, mode, file];
  const pinned = spawnSync("taskset", ["--version"]).status === 0;
  const [command, ...args] = pinned ? ["taskset", "-c", "0", ...node] : node;
  const result = spawnSync(command ?? process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, UV_THREADPOOL_SIZE: "1" },
  });
  if (result.status !== 0) throw new Error(`${mode} ${file} failed: ${result.stderr}`);
  const line = result.stdout.trim().split("\n").pop() ?? "{}";
  return JSON.parse(line) as Record<string, number>;
}

const csv = await dataset("validate-1m.csv", { format: "csv" });
const alphaVantage = await dataset("validate-1m-av-intraday.json", {
  format: "av-intraday",
  interval: "1m",
  symbols: ["MSFT"],
});
const figures: Record<string, unknown> = {
  bench: "validate",
  rows: ROWS,
  one_core: spawnSync("taskset", ["--version"]).status === 0,
};
for (const [name, file] of [
  ["csv", csv],
  ["alphavantage_intraday_json", alphaVantage],
] as const) {
  const parse = measure("parse", file);
  const endToEnd = measure("end-to-end", file);
  figures[name] = {
    parse_validate_rows_per_s: parse.rows_per_s,
    end_to_end_rows_per_s: endToEnd.rows_per_s,
    peak_rss_mb: Math.max(parse.peak_rss_mb ?? 0, endToEnd.peak_rss_mb ?? 0),
    parse_validate_seconds: parse.seconds,
    end_to_end_seconds: endToEnd.seconds,
    parse_validate_cpu_seconds: parse.cpu_seconds,
    end_to_end_cpu_seconds: endToEnd.cpu_seconds,
    parse_validate_rows_per_cpu_s: parse.rows_per_cpu_s,
    end_to_end_rows_per_cpu_s: endToEnd.rows_per_cpu_s,
    // Part of end_to_end_cpu_seconds: the offline store's MD5 of the input for S3's ETag (S3 returns it on HEAD).
    end_to_end_etag_cpu_seconds: endToEnd.etag_cpu_seconds,
  };
}
figures.targets = TARGETS;
console.log(JSON.stringify(figures));

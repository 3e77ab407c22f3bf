// bench/bundle: every Lambda handler built as SST builds it (esbuild, ESM, node22, minified, AWS SDK bundled), then
// imported in clean Node processes. Prints one JSON line: per handler the bundle size and its module initialisation
// time (median and max of `--runs` imports, each in a fresh process), against the cold-start budget.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildHandler,
  handlerEntries,
  importInCleanNode,
  lambdaEnv,
} from "../packages/functions/test/lambda-bundles.ts";

const TARGETS = { bundle_bytes: 1.5 * 1024 * 1024, init_ms: 150 };
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 7;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs must be a whole number ≥ 1");

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Median init ms of `file` over RUNS fresh processes, and the slowest. */
async function initTimes(file: string, name: string): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const loaded = await importInCleanNode(file, lambdaEnv(name));
    if (loaded.handler !== "function") throw new Error(`${name}: the bundle exports no handler function`);
    times.push(loaded.initMs);
  }
  return { median: median(times), max: Math.max(...times) };
}

const outDir = await mkdtemp(join(tmpdir(), "bench-bundle-"));
try {
  // The same measurement of a module that does nothing: what this machine adds to any import (load, noise).
  const empty = join(outDir, "empty.mjs");
  await writeFile(empty, "export const handler = async () => {};\n");
  const baseline = await initTimes(empty, "empty");
  const handlers: Record<string, unknown> = {};
  let withinBudget = true;
  for (const handler of handlerEntries()) {
    const { file, bytes } = await buildHandler(handler, outDir);
    const times = await initTimes(file, handler.name);
    const ok = bytes < TARGETS.bundle_bytes && times.median < TARGETS.init_ms;
    withinBudget &&= ok;
    handlers[handler.name] = {
      bundle_bytes: bytes,
      bundle_mb: Math.round((bytes / 1024 / 1024) * 100) / 100,
      init_ms_median: round(times.median),
      init_ms_max: round(times.max),
      within_budget: ok,
    };
  }
  console.log(
    JSON.stringify({
      bench: "bundle",
      node: process.version,
      runs: RUNS,
      handlers,
      empty_module_init_ms_median: round(baseline.median),
      within_budget: withinBudget,
      targets: { bundle_bytes_lt: TARGETS.bundle_bytes, init_ms_lt: TARGETS.init_ms },
    }),
  );
} finally {
  await rm(outDir, { recursive: true, force: true });
}

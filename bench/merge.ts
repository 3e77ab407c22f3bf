// bench/merge: a 1,000,000-row delta merged into a 10,000,000-row fct_bars, on the embedded Postgres (PGlite) and
// on a PostgreSQL server (DATABASE_URL). Prints one JSON line: rows/s of the whole merge (Parquet read, stage load,
// de-dup, UPDATE/INSERT, audit, commit) per engine, and of the Parquet read alone; the CPU seconds it took (this
// process, and the server's processes when the server runs on this machine), rows per CPU second, each step's
// wall time, and the load average before and after (other work on the machine stretches wall times, not CPU).
//   npm run bench -- merge [--base-rows 10000000] [--delta-rows 1000000] [--engines pglite,postgres] [--settle 30]
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FolderObjectStore } from "../packages/functions/src/adapters/folder-object-store.ts";
import { readDeltaBatches } from "../packages/functions/src/warehouse/parquet-delta.ts";
import { PostgresWarehouse } from "../packages/functions/src/warehouse/postgres-warehouse.ts";
import { PgClient, PgliteClient, type SqlClient } from "../packages/functions/src/warehouse/sql-client.ts";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, ".data");
const BARS_PER_SYMBOL = 10_000; // base: daily bars from 1990-01-01; a delta symbol rewrites 5,000 and adds 5,000
const TARGET_ROWS_PER_S = 100_000; // on the real server

const { values } = parseArgs({
  options: {
    "base-rows": { type: "string", default: "10000000" },
    "delta-rows": { type: "string", default: "1000000" },
    engines: { type: "string", default: "pglite,postgres" },
    settle: { type: "string", default: "30" },
  },
});
const baseSymbols = Math.ceil(Number(values["base-rows"]) / BARS_PER_SYMBOL);
const deltaSymbols = Math.ceil(Number(values["delta-rows"]) / BARS_PER_SYMBOL);
if (!(baseSymbols >= deltaSymbols && deltaSymbols >= 1)) {
  console.error("bench/merge: --delta-rows must be at least 10,000 and no more than --base-rows");
  process.exit(2);
}
const settleSeconds = Number(values.settle);
if (!(settleSeconds >= 0)) {
  console.error("bench/merge: --settle takes a number of seconds");
  process.exit(2);
}
const baseRows = baseSymbols * BARS_PER_SYMBOL;
const deltaRows = deltaSymbols * BARS_PER_SYMBOL;

/** The delta, written once by pyarrow in the Glue job's layout and reused (deterministic). */
function deltaFile(): string {
  const key = `parquet/delta/run_id=bench-${deltaRows}/part-00000.snappy.parquet`;
  const path = join(dataDir, "merge", key);
  if (!existsSync(path)) {
    process.stderr.write(`bench/merge: writing a ${deltaRows.toLocaleString()}-row delta …\n`);
    spawnSync("mkdir", ["-p", dirname(path)]);
    const half = BARS_PER_SYMBOL / 2;
    const args = [join(here, "merge-delta.py"), path, "--symbols", String(deltaSymbols)];
    args.push("--updates", String(half), "--inserts", String(half), "--base-bars", String(BARS_PER_SYMBOL));
    const out = spawnSync(join(here, "..", ".venv", "bin", "python"), args, { encoding: "utf8" });
    if (out.status !== 0) throw new Error(`writing the delta failed: ${out.stderr}`);
  }
  return key;
}

const INDICATORS = 19;
/** Base rows of symbols [from, to) straight from generate_series: the bench measures the merge, not the seeding. */
const seedSql = (from: number, to: number) => `
INSERT INTO market_data.fct_bars
SELECT 'S' || lpad(s::text, 4, '0'), '1d', timestamptz '1990-01-01 00:00:00+00' + b * interval '1 day',
  date '1990-01-01' + b, c - 0.25, c + 1, c - 1, c, NULL, 1000000 + b, 'USD', 'equity', 'simulator',
  'raw/bench/base.csv', 'base', timestamptz '2020-01-01 00:00:00+00',
  ${Array.from({ length: INDICATORS }, (_, k) => `c * ${1 + k / 100}`).join(", ")},
  b % 50 = 0, b % 70 = 0, 'base', now()
FROM generate_series(${from}, ${to - 1}) s
CROSS JOIN generate_series(0, ${BARS_PER_SYMBOL - 1}) b
CROSS JOIN LATERAL (SELECT 100 + (b % 97) * 0.5 + s * 0.01 AS c) v`;

async function measure(engine: "pglite" | "postgres", deltaKey: string) {
  let client: SqlClient;
  let cleanup = async (): Promise<unknown> => undefined;
  if (engine === "pglite") {
    const dir = join(dataDir, "merge", "pglite");
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    client = new PgliteClient({ dataDir: dir });
    cleanup = () => rm(dir, { recursive: true, force: true });
  } else {
    const url = process.env.DATABASE_URL ?? "";
    if (url === "") return { skipped: "DATABASE_URL is not set" };
    client = new PgClient(url);
  }
  try {
    await client.query("DROP SCHEMA IF EXISTS market_data CASCADE");
    const steps: Record<string, number> = {};
    const warehouse = new PostgresWarehouse(client, {
      objects: new FolderObjectStore(join(dataDir, "merge")),
      onStep: ({ name, ms }) => {
        steps[name] = round(ms / 1000);
      },
    });
    await warehouse.migrate();
    const seeded = performance.now();
    for (let from = 0; from < baseSymbols; from += 100) {
      // 100 symbols (1M rows) per statement: bounded memory, and progress on a slow engine.
      await client.query(seedSql(from, Math.min(baseSymbols, from + 100)));
    }
    // A table in its steady state: vacuumed (hint bits set, visibility map built), analyzed and checkpointed, so
    // neither the merge nor an autovacuum or a checkpoint of the seed running beside it pays for the seeding.
    await client.query("VACUUM ANALYZE market_data.fct_bars");
    // CHECKPOINT needs a superuser or pg_checkpoint; without either the merge may share the disk with one.
    await client.query("CHECKPOINT").catch(() => process.stderr.write("bench/merge: could not CHECKPOINT\n"));
    const seedSeconds = (performance.now() - seeded) / 1000;
    // Then a pause, so the seeding's aftermath is not timed as the merge. On the bench VM (a Firecracker guest),
    // right after gigabytes were written and dropped, the kernel takes ~5× longer to fill fresh page-cache pages
    // for a while: a merge started at once took ~1.5 s longer, all of it kernel time in its COPY's and INSERT's
    // file writes (perf: copy_folio_from_iter_atomic 9 % of samples, 1.6 % after 30 s). `--settle 0` skips it.
    if (settleSeconds > 0) {
      process.stderr.write(`bench/merge: seeded in ${Math.round(seedSeconds)} s; settling for ${settleSeconds} s …\n`);
      await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    }
    const serverCpu = engine === "postgres" ? await serverCpuMeter(client) : undefined;
    const load = loadavg()[0] ?? 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const outcome = await warehouse.merge({
      runId: `bench-${deltaRows}`,
      deltaPrefix: `${dirname(deltaKey)}/`,
      deltaFiles: [deltaKey.split("/").pop() ?? ""],
      expectedRows: deltaRows,
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const clientCpu = (used.user + used.system) / 1e6;
    const serverSeconds = serverCpu?.();
    const totalCpu = clientCpu + (serverSeconds ?? 0);
    return {
      seconds: round(seconds),
      rows_per_s: Math.round(deltaRows / seconds),
      cpu_s: {
        bench_process: round(clientCpu),
        ...(serverSeconds === undefined ? {} : { server: round(serverSeconds) }),
      },
      rows_per_cpu_s: serverCpu === undefined || serverSeconds !== undefined ? Math.round(deltaRows / totalCpu) : null,
      steps_s: steps,
      counts: outcome.counts,
      seed_seconds: round(seedSeconds),
      settle_seconds: settleSeconds,
      load_avg_1m: { before: round(load), after: round(loadavg()[0] ?? 0) },
      peak_rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
  } finally {
    await client.close();
    await cleanup();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * CPU seconds the server's processes (backends, WAL writer, checkpointer, …) spend from now until the returned
 * function is called; that function returns undefined when the server is not on this machine (no /proc entries).
 */
async function serverCpuMeter(client: SqlClient): Promise<() => number | undefined> {
  const pids = async () => (await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity")).map((r) => r.pid);
  const ticks = (pid: number): number | undefined => {
    try {
      // Fields after the ")" of the command name: utime and stime are the 12th and 13th (clock ticks, 100/s).
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return undefined;
    }
  };
  const before = new Map((await pids()).map((pid) => [pid, ticks(pid)]));
  if ([...before.values()].every((t) => t === undefined)) return () => undefined;
  return () => {
    let sum = 0;
    for (const [pid, start] of before) sum += (ticks(pid) ?? start ?? 0) - (start ?? 0);
    return sum / 100;
  };
}

const deltaKey = deltaFile();
const readStarted = performance.now();
let read = 0;
for await (const batch of readDeltaBatches(new FolderObjectStore(join(dataDir, "merge")), [deltaKey]))
  read += batch.rowCount;
const readSeconds = (performance.now() - readStarted) / 1000;

const figures: Record<string, unknown> = {
  bench: "merge",
  base_rows: baseRows,
  delta_rows: deltaRows,
  parquet_read_rows_per_s: Math.round(read / readSeconds),
};
for (const engine of values.engines.split(",")) {
  if (engine !== "pglite" && engine !== "postgres") throw new Error(`unknown engine ${engine}`);
  process.stderr.write(`bench/merge: ${engine} …\n`);
  figures[engine] = await measure(engine, deltaKey);
}
figures.target_rows_per_s = { postgres: TARGET_ROWS_PER_S };
console.log(JSON.stringify(figures));

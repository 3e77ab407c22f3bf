// bench/api: the latest-price and bars endpoints under load for 20 s each, from a second process (autocannon
// here, the server in its own process), each pinned to its own core when `taskset` exists. Prints one JSON line:
// req/s and p50/p99 latency (ms) per endpoint, the server's CPU seconds over the run and requests per server CPU
// second (the one-core capacity, whatever else the machine is doing), and the load average around each run.
//   npm run bench -- api [--duration 20] [--connections 10] [--warehouse pglite|postgres]
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const here = dirname(fileURLToPath(import.meta.url));
const TARGETS = { latest_price: { p99_ms: 10, requests_per_s: 5_000 } };

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "10" },
    warehouse: { type: "string", default: "pglite" },
  },
});
const pinned = spawnSync("taskset", ["--version"]).status === 0;

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const node = [process.execPath, "--import", "tsx", join(here, "api-server.ts"), `--warehouse=${values.warehouse}`];
  const [command, ...args] = pinned ? ["taskset", "-c", "0", ...node] : node;
  const child = spawn(command ?? process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, UV_THREADPOOL_SIZE: "1" },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port !== undefined) resolve({ child, port: Number(port) });
    });
    child.on("exit", (code) => reject(new Error(`the API server exited with ${code} before listening`)));
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

async function load(url: string, serverPid: number | undefined) {
  const before = cpuSeconds(serverPid);
  const loadBefore = loadavg()[0] ?? 0;
  const result = await autocannon({
    url,
    connections: Number(values.connections),
    duration: Number(values.duration),
  });
  const after = cpuSeconds(serverPid);
  const serverCpu = before === undefined || after === undefined ? undefined : after - before;
  return {
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
    server_cpu_s: serverCpu === undefined ? null : Math.round(serverCpu * 100) / 100,
    // Requests served per second of server CPU: what one core does when nothing else competes for it.
    requests_per_server_cpu_s: serverCpu ? Math.round(result.requests.total / serverCpu) : null,
    load_avg_1m: { before: Math.round(loadBefore * 100) / 100, after: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
  };
}

// The load generator takes the other core, so client and server do not compete for one.
if (pinned && process.env.BENCH_API_PINNED !== "1") {
  const again = spawnSync(
    "taskset",
    ["-c", "1", process.execPath, "--import", "tsx", fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: "inherit",
      env: { ...process.env, BENCH_API_PINNED: "1" },
    },
  );
  process.exit(again.status ?? 1);
}

const { child, port } = await startServer();
try {
  const base = `http://127.0.0.1:${port}`;
  const figures = {
    bench: "api",
    one_core_each: pinned,
    duration_s: Number(values.duration),
    connections: Number(values.connections),
    warehouse: values.warehouse,
    latest_price: await load(`${base}/v1/prices/S0042/latest`, child.pid),
    bars_100: await load(`${base}/v1/bars/S0042?from=2018-01-01&limit=100`, child.pid),
    targets: TARGETS,
  };
  console.log(JSON.stringify(figures));
} finally {
  child.kill("SIGTERM");
}

// `npm start`: the offline runtime. Drop files into .local/bucket/raw/ and watch them flow; the API is served too.
import { parseArgs } from "node:util";
import { startLocalRuntime } from "../packages/functions/src/local/runtime.ts";
import { venvPython } from "./python-env.mjs";

const { values } = parseArgs({
  options: {
    root: { type: "string", default: ".local" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    "log-level": { type: "string", default: process.env.LOG_LEVEL ?? "INFO" },
    "transform-every": { type: "string", default: "60" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm start -- [--root .local] [--port 3000] [--log-level INFO|WARN|ERROR|SILENT] [--transform-every 60]

Watches <root>/bucket/raw/ and validates every file dropped there (CSV, Alpha Vantage / CoinGecko JSON,
canonical JSONL, optionally gzipped). Curated, quarantine and report objects appear under <root>/bucket/,
failed messages under <root>/dlq/. Every --transform-every seconds (0: never) the transform schedule ticks: new
curated files go through the Glue job's PySpark (the .venv's), into <root>/bucket/parquet/. Set API_KEY to require
x-api-key on the API.`);
  process.exit(0);
}

const logLevel = values["log-level"].toUpperCase();
if (!["DEBUG", "INFO", "WARN", "ERROR", "SILENT"].includes(logLevel)) {
  console.error(`--log-level must be one of DEBUG, INFO, WARN, ERROR, SILENT (got ${values["log-level"]})`);
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (got ${values.port})`);
  process.exit(2);
}

const transformEvery = Number(values["transform-every"]);
if (!Number.isFinite(transformEvery) || transformEvery < 0) {
  console.error(`--transform-every must be a number of seconds ≥ 0 (got ${values["transform-every"]})`);
  process.exit(2);
}

const runtime = await startLocalRuntime({
  root: values.root,
  port,
  logLevel: logLevel as "INFO",
  python: venvPython("."),
  transformEveryMs: transformEvery * 1000,
  ...(process.env.API_KEY ? { apiKey: process.env.API_KEY } : {}),
});
console.log(`offline runtime up: watching ${runtime.root}/bucket/raw/`);
console.log(`API: ${runtime.url}   (try ${runtime.url}/v1/prices/latest?symbols=AAPL  ·  ${runtime.url}/openapi.json)`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping …");
  await runtime.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

// `npm run demo`: the whole offline pipeline on generated sample data, then a summary and the API until Ctrl-C.
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import type { LatestPrice } from "@market-data/core";
import { FolderObjectStore } from "../packages/functions/src/adapters/folder-object-store.ts";
import { startLocalRuntime } from "../packages/functions/src/local/runtime.ts";
import type { ObjectOutcome } from "../packages/functions/src/validate/validate-object.ts";
import { printAlerts, quietAlertConsole } from "./demo/alerts.ts";
import { printIndicators } from "./demo/indicators.ts";
import { printSummary, readDemoReports } from "./demo/summary.ts";
import { lastIndicatorsViaApi } from "./demo/warehouse-indicators.ts";
import { venvPython } from "./python-env.mjs";
import { chunksOf, FILE_DEFECT_KINDS, generateSamples } from "./sample/index.ts";

const { values } = parseArgs({
  options: {
    once: { type: "boolean", default: false },
    root: { type: "string", default: ".local" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    seed: { type: "string", default: "42" },
    "defect-rate": { type: "string", default: "0.02" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run demo -- [--once] [--root .local] [--port 3000] [--seed 42] [--defect-rate 0.02]

Generates a reproducible set of sample files (equities and crypto; CSV, Alpha Vantage and CoinGecko JSON, JSONL;
with injected defects and a few broken files, one of them above the quality gate's rejection threshold) under
<root>/bucket/raw/demo/, runs them through the offline pipeline (S3-shaped events → SQS-like batches → validate),
prints what happened, the alerts it raised (as Slack would get them; also appended to <root>/alerts.jsonl, or sent
to Slack when SLACK_BOT_TOKEN and SLACK_CHANNEL are set) and the latest prices read back through the API, then
keeps serving the API until Ctrl-C (--once exits after the summary).`);
  process.exit(0);
}

const seed = Number(values.seed);
const defectRate = Number(values["defect-rate"]);
const port = Number(values.port);
if (!Number.isInteger(seed) || !(defectRate >= 0 && defectRate <= 0.5) || !Number.isInteger(port)) {
  console.error("demo: --seed must be an integer, --defect-rate between 0 and 0.5, --port a port number");
  process.exit(2);
}

const PREFIX = "raw/demo/";
const bucket = new FolderObjectStore(`${values.root}/bucket`);
const { files, manifest } = generateSamples({
  seed,
  defectRate,
  fileDefects: FILE_DEFECT_KINDS,
});

// Same bytes → same ETag → same object id: an unchanged file is left alone, so a second demo run is a no-op.
let written = 0;
for (const file of files) {
  const key = `${PREFIX}${file.key}`;
  const chunks = [...chunksOf(file)].map((chunk) => (typeof chunk === "string" ? Buffer.from(chunk) : chunk));
  const body = Buffer.concat(chunks);
  const existing = await bucket.head(key);
  if (existing?.etag === createHash("md5").update(body).digest("hex")) continue;
  await bucket.put(key, body);
  written++;
}
console.log(
  `demo: ${files.length} sample files (${manifest.defects.length} injected record defects, ` +
    `${manifest.fileDefects.length} broken files) under ${values.root}/bucket/${PREFIX}` +
    (written < files.length ? ` — ${files.length - written} unchanged since the last run` : ""),
);

// Alerts are kept and printed as one section after the summary, rather than between the per-file lines.
const runtime = await startLocalRuntime({
  root: values.root,
  alertConsole: quietAlertConsole(),
  port,
  logLevel: "ERROR",
  python: venvPython("."),
  transformEveryMs: 0,
  onObject: (outcome: ObjectOutcome) => {
    if (outcome.status !== "processed") return;
    const { report } = outcome;
    const s = report.statistics;
    const verdict = report.success ? "PASS" : "FAIL";
    const detail = report.file_reject
      ? `whole file quarantined: ${report.file_reject.rule} — ${report.file_reject.reason}`
      : `${s.passed - s.deduplicated} curated, ${s.rejected} quarantined, ${s.warned} warned`;
    console.log(`  ${verdict}  ${outcome.key.slice(PREFIX.length)}  ${detail}`);
  },
});
await runtime.settle();

const reports = await readDemoReports(runtime.objects, PREFIX);
const symbols = [...new Set(manifest.files.flatMap((file) => file.symbols))].sort();
const response = await fetch(`${runtime.url}/v1/prices/latest?symbols=${encodeURIComponent(symbols.join(","))}`);
const latest = (await response.json()) as { prices?: LatestPrice[]; missing?: string[] };
printSummary({ reports, latest, deadLetters: runtime.queue.deadLetters.length });
printAlerts(runtime.alerts.published, runtime.alerts.where);

console.log("\ntransform: running the Glue job's PySpark locally on the new curated files …");
const transformStarted = Date.now();
const transform = await runtime.runTransform();
const seconds = ((Date.now() - transformStarted) / 1000).toFixed(0);
if (transform?.event) {
  const { state, jobRunId, message } = transform.event.detail;
  console.log(
    `transform: Glue Job State Change ${state} (${jobRunId}, ${seconds} s)${state === "SUCCEEDED" ? "" : `: ${message}`}`,
  );
} else {
  console.log(`transform: nothing new to transform (${transform?.tick.status ?? "no python"})`);
}
// Read back from the warehouse through the API, the way users see them.
printIndicators(await lastIndicatorsViaApi(runtime.url, symbols));

if (values.once) {
  await runtime.stop();
} else {
  console.log(`\nAPI: ${runtime.url}  — try ${runtime.url}/v1/prices/AAPL/latest or ${runtime.url}/openapi.json`);
  console.log("Drop more files into .local/bucket/raw/ to see them validated. Ctrl-C to stop.");
  const shutdown = async () => {
    await runtime.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

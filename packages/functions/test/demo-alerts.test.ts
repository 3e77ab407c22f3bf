import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { printAlerts } from "../../../scripts/demo/alerts.ts";
import { generateSamples, textOf } from "../../../scripts/sample/index.ts";
import { type LocalRuntime, startLocalRuntime } from "../src/local/runtime.js";

// What `npm run demo` shows for its file above the gate's threshold: the offline runtime validates it, raises the
// quality-gate alert, prints it and appends it to <root>/alerts.jsonl (no Slack configured).
let root: string;
let runtime: LocalRuntime;
const printed: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "demo-alerts-"));
  const { files } = generateSamples({ fileDefects: ["rejection-rate"] });
  const gateFail = files.find((file) => file.key === "csv/GATEFAIL.csv");
  if (gateFail === undefined) throw new Error("the generator made no rejection-rate file");
  const path = join(root, "bucket", "raw", "demo", "csv", "GATEFAIL.csv");
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, textOf(gateFail));
  const keep = (line: string) => {
    printed.push(line);
  };
  runtime = await startLocalRuntime({
    root,
    transformEveryMs: 0,
    ingestEveryMs: 0,
    logLevel: "SILENT",
    pollMs: 50,
    alertConsole: { error: keep, warn: keep, info: keep },
    env: {},
  });
  await runtime.settle();
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the demo's quality-gate alert, offline", () => {
  it("writes the alert to alerts.jsonl with counts, rate, top reasons and links to the report", async () => {
    const lines = (await readFile(join(root, "alerts.jsonl"), "utf8")).trim().split("\n");
    expect(lines).toHaveLength(1);
    const alert = JSON.parse(lines[0] ?? "{}");
    expect(alert).toMatchObject({
      type: "alert",
      kind: "quality_gate_failed",
      severity: "warning",
      incidentKey: "quality:raw/demo/csv/GATEFAIL.csv",
      source: "validate",
      summary: "Quality gate failed (file.rejection_rate): raw/demo/csv/GATEFAIL.csv",
    });
    expect(alert.detail).toMatch(/^25% of records were rejected \(10 of 40\), above the 5% threshold/);
    expect(alert.facts).toContainEqual({ label: "Records", value: "40 evaluated · 10 rejected · 0 warned" });
    expect(alert.reasons[0]).toMatchObject({ label: "ohlc.high_bounds", count: 10 });
    expect(alert.links[0]).toEqual({
      label: "Report",
      url: expect.stringMatching(
        new RegExp(`^file://${root}/bucket/reports/validation/date=.*/GATEFAIL-csv-.*\\.json$`),
      ),
    });
    expect(runtime.alerts.where).toBe(join(root, "alerts.jsonl"));
    expect(await runtime.alerts.incidents.get("quality:raw/demo/csv/GATEFAIL.csv")).toMatchObject({ occurrences: 1 });
  });

  it("prints the alert as Slack's text would read", () => {
    expect(printed).toHaveLength(1);
    expect(printed[0]?.split("\n")[0]).toBe(
      "[warning] quality_gate_failed: Quality gate failed (file.rejection_rate): raw/demo/csv/GATEFAIL.csv",
    );
    expect(printed[0]).toContain("    ohlc.high_bounds ×10 — ");

    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      printAlerts(runtime.alerts.published, runtime.alerts.where);
      const out = log.mock.calls.map((call) => String(call[0])).join("\n");
      expect(out).toContain(`Alerts (1 this run → ${join(root, "alerts.jsonl")})`);
      expect(out).toContain("incident: quality:raw/demo/csv/GATEFAIL.csv");
    } finally {
      log.mockRestore();
    }
  });
});

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LatestPrice } from "@market-data/core/ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../src/local/runtime.js";

// The offline runtime runs the freshness check the stack's cron runs: stale data is alerted once per stale set
// (to <root>/alerts.jsonl without Slack), and resolved once the symbol is fresh again.
let root: string;
let runtime: LocalRuntime;

function bar(symbol: string, ts: string): LatestPrice {
  const asOf = new Date(Date.parse(ts) + 86_400_000).toISOString();
  return {
    symbol,
    interval: "1d",
    ts,
    as_of: asOf,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
    currency: "USD",
    asset_class: "crypto",
    source: "csv",
    source_key: `raw/demo/csv/${symbol}.csv`,
    ingested_at: asOf,
  };
}

async function alertLines(): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(root, "alerts.jsonl"), "utf8").catch(() => "");
  return text
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "freshness-offline-"));
  runtime = await startLocalRuntime({
    root,
    transformEveryMs: 0,
    ingestEveryMs: 0,
    freshnessEveryMs: 0,
    logLevel: "SILENT",
    alertConsole: { error: () => {}, warn: () => {}, info: () => {} },
    env: { FRESHNESS_SYMBOLS: "BTC-USD", FRESHNESS_GRACE_MINUTES: "60" },
  });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the offline freshness check", () => {
  it("alerts a stale symbol once, then resolves the incident when a fresh bar arrives", async () => {
    await runtime.prices.upsert([bar("BTC-USD", "2024-01-02T00:00:00.000Z")]);
    const first = await runtime.checkFreshness();
    expect(first).toMatchObject({ checked: 1, stale: ["BTC-USD"], alerted: "stale:BTC-USD", resolved: [] });
    expect(await runtime.checkFreshness()).toMatchObject({ stale: ["BTC-USD"], resolved: [] });
    expect((await runtime.checkFreshness()).alerted).toBeUndefined();
    const alerts = await alertLines();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: "alert", kind: "data_stale", incidentKey: "stale:BTC-USD" });

    const today = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000).toISOString();
    await runtime.prices.upsert([bar("BTC-USD", today)]);
    expect(await runtime.checkFreshness()).toMatchObject({ stale: [], resolved: ["stale:BTC-USD"] });
    expect((await alertLines()).map((line) => line.type)).toEqual(["alert", "resolved"]);
    expect(await runtime.alerts.incidents.get("stale:BTC-USD")).toBeUndefined();
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../../scripts/fake-provider/server.ts";
import { startIngestSchedule } from "../src/local/ingest-schedule.js";
import { type LocalRuntime, startLocalRuntime } from "../src/local/runtime.js";
import { RecordingLogger } from "../src/providers/testing.js";

// The ingest schedule offline, wired the way the runtime would wire it: the tick writes provider payloads into the
// folder bucket, and the runtime's raw/ watcher takes them through validate like any dropped file.
let fake: FakeProvider;
let runtime: LocalRuntime;
let root: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  root = await mkdtemp(join(tmpdir(), "ingest-offline-"));
  runtime = await startLocalRuntime({ root, transformEveryMs: 0, logLevel: "SILENT", pollMs: 50 });
});
afterAll(async () => {
  await runtime?.stop();
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("ingest schedule on the offline runtime", () => {
  it("pulls from the fake provider into raw/, and the runtime validates what it wrote; a second tick adds nothing", async () => {
    const logger = new RecordingLogger();
    const schedule = startIngestSchedule({
      objects: runtime.objects,
      everyMs: 0,
      logger,
      env: {
        INGEST_ALPHAVANTAGE_SYMBOLS: "IBM,MSFT",
        INGEST_COINGECKO_SYMBOLS: "BTC-USD",
        ALPHA_VANTAGE_API_KEY: "offline-demo-key",
        ALPHA_VANTAGE_BASE_URL: fake.alphaVantageUrl,
        COINGECKO_BASE_URL: fake.coinGeckoUrl,
      },
    });
    if (schedule === undefined) throw new Error("no schedule: the environment names no symbol");
    try {
      const first = await schedule.tick();
      expect(first.outcomes.map((o) => [o.symbol, o.status])).toEqual([
        ["IBM", "written"],
        ["MSFT", "written"],
        ["BTC-USD", "written"],
      ]);
      await runtime.settle();
      const processed = runtime.outcomes.filter((o) => o.status === "processed");
      expect(processed.map((o) => (o.status === "processed" ? [o.key, o.report.success] : [])).sort()).toEqual(
        first.outcomes.flatMap((o) => o.keys.map((key) => [key, true])).sort(),
      );
      const answer = await fetch(`${runtime.url}/v1/prices/latest?symbols=IBM,MSFT,BTC-USD`);
      const body = (await answer.json()) as { prices: { symbol: string }[]; missing: string[] };
      expect(body.missing).toEqual([]);

      const second = await schedule.tick();
      expect(second.outcomes.map((o) => o.status)).toEqual(["present", "present", "present"]);
      await runtime.settle();
      expect(runtime.outcomes.filter((o) => o.status === "processed")).toHaveLength(processed.length);
      expect(logger.lines.join("\n")).not.toContain("offline-demo-key");
    } finally {
      await schedule.stop();
    }
  }, 120_000);

  it("stays off when no symbol is configured", () => {
    expect(
      startIngestSchedule({ objects: runtime.objects, everyMs: 1000, logger: new RecordingLogger(), env: {} }),
    ).toBe(undefined);
  });
});

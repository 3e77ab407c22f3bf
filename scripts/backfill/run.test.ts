import { access, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { ProviderId } from "@market-data/core/providers/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestProvider } from "../../packages/functions/src/ingest/tick.ts";
import { alphaVantageClient } from "../../packages/functions/src/providers/alphavantage.ts";
import { coinGeckoClient } from "../../packages/functions/src/providers/coingecko.ts";
import { type FakeProvider, startFakeProvider } from "../fake-provider/server.ts";
import { parseBackfillArgs } from "./args.ts";
import { type BackfillIo, runBackfill } from "./run.ts";

// runBackfill in process on the offline bucket: dry runs, interrupts, and provider history pulls from the fake provider.
let work: string;
let fake: FakeProvider;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "backfill-run-"));
  fake = await startFakeProvider({ today: "2024-06-28", unknown: ["NOPE"] });
});
afterAll(async () => {
  await fake?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function run(argv: string[], io: Partial<BackfillIo> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => {
    out += String(chunk);
  });
  stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  const outcome = await runBackfill(parseBackfillArgs(argv), { stdout, stderr, ...io });
  return { ...outcome, out, err };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe("runBackfill", () => {
  it("writes nothing on a dry run, and says what it would do", async () => {
    const src = join(work, "dry");
    await mkdir(src, { recursive: true });
    await writeFile(join(src, "AAPL.csv"), "Date,Open,High,Low,Close,Volume\n2024-06-24,10,11,9,10.5,100\n");
    const root = join(work, "dry-root");
    const result = await run([src, "--root", root, "--dry-run"]);
    expect(result.out).toMatch(/would upload 1 object\(s\) .*nothing written/);
    expect(await exists(root)).toBe(false);
  });

  it("stops starting uploads when interrupted and says how to resume", async () => {
    const src = join(work, "stop");
    await mkdir(src, { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(src, `S${i}.csv`), "Date,Open,High,Low,Close,Volume\n");
    const stop = new AbortController();
    stop.abort();
    const result = await run([src, "--root", join(work, "stop-root")], { signal: stop.signal });
    expect(result.exitCode).toBe(130);
    expect(result.uploaded).toBe(0);
    expect(result.out).toMatch(/interrupted — run the same command again/);
  });

  it("pulls provider history slice by slice, reports a symbol the provider does not know, and resumes", async () => {
    const now = Date.parse("2024-07-01T12:00:00Z");
    const providers = new Map<ProviderId, IngestProvider>([
      [
        "alphavantage",
        alphaVantageClient({ apiKey: "bf-key-12345", baseUrl: fake.alphaVantageUrl, budgets: {}, timeoutMs: 2000 }),
      ],
      ["coingecko", coinGeckoClient({ baseUrl: fake.coinGeckoUrl, timeoutMs: 2000 })],
    ]);
    const root = join(work, "pull-root");
    const argv = ["alphavantage:IBM,NOPE", "coingecko:ETH-USD", "--interval", "5m", "--from", "2024-04-10"];
    const first = await run([...argv, "--to", "2024-06-28", "--root", root], { providers, now: () => now });
    expect(first.exitCode).toBe(1);
    expect([first.uploaded, first.failed]).toEqual([3, 4]); // IBM: 3 months; NOPE: 3 months unknown; ETH-USD: no 5m
    expect(first.err).toMatch(/failed alphavantage:NOPE: PROVIDER_UNKNOWN_SYMBOL/);
    expect(first.err).toMatch(/failed coingecko:ETH-USD: PROVIDER_REJECTED: CoinGecko has no 5m candles/);
    expect(first.out).toMatch(/reports: 3 object\(s\) → reports\/validation\/date=\d{4}-\d{2}-\d{2}/);
    expect(fake.requests.filter((r) => r.url.includes("symbol=NOPE"))).toHaveLength(1); // unknown once, not per month
    const requests = fake.requests.length;
    const second = await run(
      ["alphavantage:IBM", "--interval", "5m", "--from", "2024-04-10", "--to", "2024-06-28", "--root", root],
      {
        providers,
        now: () => now,
      },
    );
    expect([second.exitCode, second.uploaded, second.skipped]).toEqual([0, 0, 3]);
    expect(fake.requests.length).toBe(requests);
    expect(
      await exists(
        join(root, "bucket/raw/alphavantage/intraday/interval=5m/symbol=IBM/date=2024-05-01/IBM-2024-05.json"),
      ),
    ).toBe(true);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProviderRecovery } from "@market-data/core/alerts/provider";
import type { ObjectStore } from "@market-data/core/ports";
import type { RateBudgets } from "@market-data/core/providers/budget";
import { PROVIDER_ERROR, type ProviderId } from "@market-data/core/providers/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../../../scripts/fake-provider/server.ts";
import { FolderObjectStore } from "../adapters/folder-object-store.js";
import { openLatestPriceStore } from "../adapters/pglite-latest-prices.js";
import { alphaVantageClient } from "../providers/alphavantage.js";
import { coinGeckoClient } from "../providers/coingecko.js";
import { RecordingLogger, VirtualClock } from "../providers/testing.js";
import { validateObject } from "../validate/validate-object.js";
import type { ProviderAlert } from "./alerts.js";
import type { IngestConfig } from "./config.js";
import { IngestFaultError, type IngestProvider, runIngestTick, type SymbolOutcome } from "./tick.js";

// The ingest tick on the offline bucket against the fake provider, in virtual time.
const KEY = "AV-tick-key-5521";
const T = Date.parse("2024-07-01T14:10:00Z");
let fake: FakeProvider;
let root: string;
let objects: FolderObjectStore;
let clock: VirtualClock;
let alerts: ProviderAlert[];
let recoveries: ProviderRecovery[];
let logger: RecordingLogger;

beforeAll(async () => {
  // The provider's history ends the day before the tick (a tick runs on 2024-07-01).
  fake = await startFakeProvider({ today: "2024-06-30", unknown: ["NOPE"] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  fake.clearFaults();
  fake.requests.length = 0;
  root = await mkdtemp(join(tmpdir(), "ingest-"));
  objects = new FolderObjectStore(root);
  clock = new VirtualClock(T);
  alerts = [];
  recoveries = [];
  logger = new RecordingLogger();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function providers(budgets: RateBudgets = {}): Map<ProviderId, IngestProvider> {
  const common = { clock, logger, timeoutMs: 500, retry: { maxAttempts: 2, baseMs: 100, capMs: 1_000 } };
  return new Map<ProviderId, IngestProvider>([
    ["alphavantage", alphaVantageClient({ ...common, apiKey: KEY, baseUrl: fake.alphaVantageUrl, budgets })],
    ["coingecko", coinGeckoClient({ ...common, baseUrl: fake.coinGeckoUrl })],
  ]);
}

function config(overrides: Partial<IngestConfig> = {}): IngestConfig {
  return {
    sources: [
      { provider: "alphavantage", symbols: ["IBM", "MSFT"], interval: "1d", period: "1d" },
      { provider: "coingecko", symbols: ["BTC-USD"], interval: "1d", period: "1d" },
    ],
    alertAfterFailures: 2,
    concurrency: 2,
    ...overrides,
  };
}

function tick(
  options: { at?: number; deadline?: number; budgets?: RateBudgets; store?: ObjectStore } = {},
  c = config(),
) {
  const deps = {
    objects: options.store ?? objects,
    providers: providers(options.budgets),
    onProviderAlert: (alert: ProviderAlert) => {
      alerts.push(alert);
    },
    onProviderRecovered: (recovery: ProviderRecovery) => {
      recoveries.push(recovery);
    },
    logger,
    clock,
  };
  return runIngestTick(deps, c, { at: options.at ?? T, ...(options.deadline ? { deadline: options.deadline } : {}) });
}

async function rawObjects(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const info of objects.list("raw/")) out.set(info.key, info.etag);
  return out;
}

const statuses = (outcomes: SymbolOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.symbol, o.status]));

describe("runIngestTick", () => {
  it("writes each symbol's untouched payload under its period's key, and a re-run writes nothing twice", async () => {
    const first = await tick();
    expect(statuses(first.outcomes)).toEqual({ IBM: "written", MSFT: "written", "BTC-USD": "written" });
    const written = await rawObjects();
    expect([...written.keys()]).toEqual([
      "raw/alphavantage/daily/symbol=IBM/date=2024-07-01/IBM-20240701T000000Z.json",
      "raw/alphavantage/daily/symbol=MSFT/date=2024-07-01/MSFT-20240701T000000Z.json",
      "raw/coingecko/bitcoin/market_chart/vs=usd/symbol=BTC-USD/date=2024-07-01/BTC-USD-20240701T000000Z.json",
    ]);
    const requests = fake.requests.length;

    // The same tick again, and a later tick of the same daily period: nothing fetched, nothing written.
    for (const at of [T, T + 6 * 3_600_000]) {
      const again = await tick({ at });
      expect(statuses(again.outcomes)).toEqual({ IBM: "present", MSFT: "present", "BTC-USD": "present" });
    }
    expect(fake.requests.length).toBe(requests);
    expect(await rawObjects()).toEqual(written);

    // What was written is what the provider sent, and the validate path takes it like any dropped file.
    const prices = await openLatestPriceStore();
    try {
      for (const key of written.keys()) {
        const outcome = await validateObject({ objects, prices }, key);
        expect(outcome.status).toBe("processed");
        if (outcome.status === "processed") {
          expect({ key, success: outcome.report.success, reject: outcome.report.file_reject }).toEqual({
            key,
            success: true,
            reject: null,
          });
        }
      }
      expect((await prices.get(["IBM", "MSFT", "BTC-USD"])).map((p) => p.symbol).sort()).toEqual([
        "BTC-USD",
        "IBM",
        "MSFT",
      ]);
    } finally {
      await prices.close();
    }
  });

  it("creates each raw object once when two runs of the same tick overlap (both saw the key absent)", async () => {
    // Every raw head answers "absent", as it does for two runs that both checked before either wrote; a raw write
    // that replaced an object would be a second ObjectCreated event, so the store records each create it makes.
    const created: string[] = [];
    const racing: ObjectStore = Object.create(objects) as ObjectStore;
    racing.head = async (key) => (key.startsWith("raw/") ? undefined : objects.head(key));
    racing.put = async (key, body, options) => {
      if (key.startsWith("raw/")) created.push(key);
      return objects.put(key, body, options);
    };
    racing.putIfAbsent = async (key, body, options) => {
      const won = await objects.putIfAbsent(key, body, options);
      if (won && key.startsWith("raw/")) created.push(key);
      return won;
    };
    const [first, second] = await Promise.all([tick({ store: racing }), tick({ store: racing })]);
    const written = await rawObjects();
    expect(created.sort()).toEqual([...written.keys()].sort());
    expect(written.size).toBe(3);
    // Both fetched (neither saw the other's object), and each key went to whichever run created it first.
    const outcomes = [...(first?.outcomes ?? []), ...(second?.outcomes ?? [])];
    expect(outcomes.filter((o) => o.status === "written")).toHaveLength(3);
    expect(outcomes.filter((o) => o.status === "present")).toHaveLength(3);
  });

  it("isolates a failing symbol, alerts once when the streak reaches the threshold, and forgets it on recovery", async () => {
    fake.inject({ fault: "error", symbol: "MSFT", times: 100 });
    const day = 86_400_000;
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await tick({ at: T + i * day }));
    expect(runs.map((r) => statuses(r.outcomes))).toEqual([
      { IBM: "written", MSFT: "failed", "BTC-USD": "written" },
      { IBM: "written", MSFT: "failed", "BTC-USD": "written" },
      { IBM: "written", MSFT: "failed", "BTC-USD": "written" },
    ]);
    expect(runs.map((r) => r.outcomes.find((o) => o.symbol === "MSFT")?.alerted)).toEqual([false, true, false]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: "provider_symbol_failing",
      severity: "error",
      incidentKey: "provider/alphavantage/MSFT/failing",
      facts: {
        code: PROVIDER_ERROR.unavailable,
        consecutiveFailures: 2,
        since: expect.stringMatching(/^2024-07-01T14:10/),
      },
    });
    expect(await objects.head("_control/providers/alphavantage/symbols/MSFT.json")).toBeDefined();

    expect(recoveries).toEqual([]);

    fake.clearFaults();
    const recovered = await tick({ at: T + 3 * day });
    expect(statuses(recovered.outcomes).MSFT).toBe("written");
    expect(await objects.head("_control/providers/alphavantage/symbols/MSFT.json")).toBeUndefined();
    // The alerted streak's end is announced once, with what the resolution names.
    expect(recoveries).toEqual([
      {
        provider: "alphavantage",
        symbol: "MSFT",
        code: PROVIDER_ERROR.unavailable,
        consecutiveFailures: 3,
        since: expect.stringMatching(/^2024-07-01T14:10/),
      },
    ]);
    await tick({ at: T + 4 * day });
    expect(recoveries).toHaveLength(1);
  });

  it("announces no recovery for a streak too short to have been alerted", async () => {
    fake.inject({ fault: "error", symbol: "MSFT", times: 100 });
    expect(statuses((await tick()).outcomes).MSFT).toBe("failed");
    fake.clearFaults();
    expect(statuses((await tick({ at: T + 86_400_000 })).outcomes).MSFT).toBe("written");
    expect(alerts).toEqual([]);
    expect(recoveries).toEqual([]);
  });

  it("reports an unknown symbol once, then stops asking the provider for it", async () => {
    const c = config({
      sources: [{ provider: "alphavantage", symbols: ["NOPE", "IBM"], interval: "1d", period: "1d" }],
    });
    const first = await tick({}, c);
    expect(statuses(first.outcomes)).toEqual({ NOPE: "unknown", IBM: "written" });
    const second = await tick({ at: T + 86_400_000 }, c);
    expect(statuses(second.outcomes)).toEqual({ NOPE: "unknown", IBM: "written" });
    expect(fake.requests.filter((r) => r.url.includes("symbol=NOPE"))).toHaveLength(1);
    expect(alerts.map((a) => [a.kind, a.symbol])).toEqual([["provider_symbol_unknown", "NOPE"]]);
    expect(alerts[0]?.summary).toMatch(/delete _control\/providers\/alphavantage\/symbols\/NOPE.json to try again/);
  });

  it("defers what the daily budget cannot fit before the deadline, carries the day's usage over, and takes it next day", async () => {
    const c = config({
      sources: [{ provider: "alphavantage", symbols: ["IBM", "MSFT", "JPM"], interval: "1d", period: "1d" }],
      concurrency: 1,
    });
    const first = await tick({ budgets: { perDay: 2 }, deadline: T + 3_600_000 }, c);
    expect(statuses(first.outcomes)).toEqual({ IBM: "written", MSFT: "written", JPM: "deferred" });
    // A new container (fresh clients) reads the day's usage back from the bucket: still no budget today.
    const retry = await tick({ budgets: { perDay: 2 }, at: T + 60_000, deadline: T + 3_600_000 }, c);
    expect(statuses(retry.outcomes)).toEqual({ IBM: "present", MSFT: "present", JPM: "deferred" });
    expect(fake.requests).toHaveLength(2);
    clock.advance(86_400_000);
    const nextDay = await tick({ budgets: { perDay: 2 }, at: T + 86_400_000, deadline: T + 90_000_000 }, c);
    expect(statuses(nextDay.outcomes)).toEqual({ IBM: "written", MSFT: "written", JPM: "deferred" });
    const after = await tick({ budgets: { perDay: 3 }, at: T + 86_400_000, deadline: T + 90_000_000 }, c);
    expect(statuses(after.outcomes)).toEqual({ IBM: "present", MSFT: "present", JPM: "written" });
  });

  it("finishes the other symbols when the bucket fails one write, then throws so the schedule retries", async () => {
    const failing: ObjectStore = Object.create(objects) as ObjectStore;
    failing.putIfAbsent = async (key, body, options) => {
      if (key.includes("symbol=MSFT/")) throw new Error("S3 is down for MSFT");
      return objects.putIfAbsent(key, body, options);
    };
    const error = await tick({ store: failing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestFaultError);
    const { result } = error as IngestFaultError;
    expect(statuses(result.outcomes)).toEqual({ IBM: "written", MSFT: "fault", "BTC-USD": "written" });
    // A retry of the tick completes the one that failed and rewrites nothing else.
    const retry = await tick();
    expect(statuses(retry.outcomes)).toEqual({ IBM: "present", MSFT: "written", "BTC-USD": "present" });
  });
});

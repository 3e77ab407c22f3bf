// The wiring test: evaluates sst.config.ts (app() and run()) and the stacks with recording stand-ins for the SST
// globals, then asserts the resource graph they build. Nothing is deployed and `sst` is not needed: the stacks only
// use globals. The assertions are functions of the graph; wiring-catches.test.ts runs them on tampered graphs to
// prove they catch broken wiring.
afterEach(() => {
  vi.unstubAllEnvs();
});

import { existsSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { INGEST_SETTINGS } from "./provider-settings";
import { ALLOW_LIST } from "./testing/allow-list";
import { type Evaluation, evaluate, qualityLogLines, ROOT } from "./testing/app";
import {
  assertEnvironmentRead,
  assertFilesExist,
  assertFunctionsConfigured,
  assertGlueWritesGranted,
  assertHandlersResolve,
  assertScriptArguments,
} from "./testing/assert-code";
import { assertLeastPrivilege } from "./testing/assert-iam";
import {
  assertAlarms,
  assertIngestWiring,
  assertOfflineRuntimeUnderDev,
  assertStageAwareNames,
  assertStagePolicy,
  assertStorage,
  assertValidateLeavesRawAlone,
} from "./testing/assert-pipeline";
import {
  assertProvidersWiring,
  INGEST_HANDLER,
  ingestEnvironmentRead,
  ingestSchedule,
} from "./testing/assert-providers";
import {
  assertApiWiring,
  assertTransformWiring,
  assertWarehouseWiring,
  assertWebWiring,
} from "./testing/assert-slices";
import { record } from "./testing/graph";
import { removeSstGlobals } from "./testing/sst-globals";

/** The parsers of handlers that build variable names, for the "every variable set is read" check. */
const DYNAMIC_ENV = { [INGEST_HANDLER]: ingestEnvironmentRead };

describe("the app on a production stage", () => {
  let app: Evaluation;
  beforeAll(async () => {
    app = await evaluate("production");
    removeSstGlobals();
  });

  it("retains and protects production stages, and only them", () => {
    assertStagePolicy(app.config, app.productionStages);
  });

  it("keeps the data bucket private, encrypted and under lifecycle rules, and the price table keyed by symbol", () => {
    assertStorage(app.graph, { production: true, quarantineDays: 90 });
  });

  it("notifies the ingest queue of raw/ objects, dead-letters after 5 receives, validates in partial batches", () => {
    assertIngestWiring(app.graph);
    assertValidateLeavesRawAlone(app.graph);
  });

  it("runs one Glue 5.0 job run at a time, started on a schedule by start-transform", () => {
    assertTransformWiring(app.graph, {
      jobName: "market-data-production-transform",
      script: "packages/glue/src/market_transform.py",
      library: "packages/glue/src/market",
    });
  });

  it("merges SUCCEEDED runs of this job only, and sends FAILED / TIMEOUT / STOPPED runs to the alerts topic", () => {
    assertWarehouseWiring(app.graph, { jobName: "market-data-production-transform" });
  });

  it("serves the Hono API on API Gateway's $default route, keyed by the ApiKey secret, reading the warehouse", () => {
    assertApiWiring(app.graph);
  });

  it("pulls the default symbols from both providers hourly, with their keys, into raw/<provider>/ only", () => {
    assertProvidersWiring(app.graph, { alphavantage: ["AAPL", "MSFT"], coingecko: ["BTC-USD", "ETH-USD"] });
  });

  it("alarms to the alerts topic on DLQ depth, validate errors and the handler's QUALITY=FAIL lines", () => {
    assertAlarms(app.graph, qualityLogLines());
  });

  it("builds the dashboard with the API URL", () => {
    assertWebWiring(app.graph);
  });

  it("grants no wildcard action and no * resource beyond the allow-list, and nothing may delete raw/", () => {
    assertLeastPrivilege(app.graph, ALLOW_LIST);
  });

  it("points every handler at a file that exports it, with the environment its modules require and read", () => {
    assertHandlersResolve(app.graph, ROOT);
    assertEnvironmentRead(app.graph, ROOT, DYNAMIC_ENV);
    assertFilesExist(app.graph, ROOT);
  });

  it("sets runtime, timeout and memory on every function, and names raw resources after app and stage", () => {
    assertFunctionsConfigured(app.graph, "nodejs22.x");
    assertStageAwareNames(app.graph, "market-data-production");
  });

  it("runs the offline runtime under sst dev", () => {
    assertOfflineRuntimeUnderDev(app.graph);
  });

  it.skipIf(!existsSync(`${ROOT}/packages/glue/src/market_transform.py`))(
    "passes the Glue job exactly the arguments its script parses, and lets it write where it writes",
    () => {
      assertScriptArguments(app.graph, ROOT, ["--run_id", "--work_list"]);
      assertGlueWritesGranted(app.graph, ROOT);
    },
  );

  it("outputs the names and URLs an operator needs, and what the warehouse grants need", () => {
    expect(Object.keys(app.graph.outputs).sort()).toEqual(
      [
        "alertsTopic",
        "api",
        "apiRole",
        "bucket",
        "ingestDlq",
        "ingestQueue",
        "latestPricesTable",
        "mergeFunction",
        "transformJob",
        "warehouseAdminSecret",
        "warehouseMergeRole",
        "warehouseWorkgroup",
        "web",
      ].sort(),
    );
  });
});

describe("the app on a development stage", () => {
  afterEach(() => {
    removeSstGlobals();
  });

  it("lets `sst remove` delete the bucket and the table, and names raw resources after the stage", async () => {
    const { graph } = await evaluate("dev");
    assertStorage(graph, { production: false, quarantineDays: 90 });
    assertStageAwareNames(graph, "market-data-dev");
  });

  it("expires quarantine/ after QUARANTINE_EXPIRY_DAYS when set at deploy time", async () => {
    vi.stubEnv("QUARANTINE_EXPIRY_DAYS", "30");
    const { graph } = await evaluate("dev");
    assertStorage(graph, { production: false, quarantineDays: 30 });
  });

  it("refuses a QUARANTINE_EXPIRY_DAYS that is not a whole number of days", async () => {
    vi.stubEnv("QUARANTINE_EXPIRY_DAYS", "0.5");
    await expect(evaluate("dev")).rejects.toThrow(/QUARANTINE_EXPIRY_DAYS/);
  });

  it("hands every provider setting given at deploy time to the function, and its code reads each one", async () => {
    const values: Record<string, string> = {
      INGEST_ALPHAVANTAGE_SYMBOLS: "ibm, SPY",
      INGEST_ALPHAVANTAGE_INTERVAL: "1h",
      INGEST_ALPHAVANTAGE_PERIOD: "1d",
      INGEST_COINGECKO_SYMBOLS: "btc-eur",
      INGEST_COINGECKO_INTERVAL: "1d",
      INGEST_COINGECKO_PERIOD: "1d",
      INGEST_ALERT_AFTER_FAILURES: "5",
      INGEST_CONCURRENCY: "2",
      ALPHA_VANTAGE_PER_MINUTE: "75",
      ALPHA_VANTAGE_PER_DAY: "10000",
      COINGECKO_PER_MINUTE: "10",
      COINGECKO_PLAN: "demo",
    };
    for (const name of INGEST_SETTINGS) {
      expect(values[name], `a test value for ${name}`).toBeDefined();
      vi.stubEnv(name, values[name]);
    }
    const { graph } = await evaluate("dev");
    assertProvidersWiring(graph, { alphavantage: ["IBM", "SPY"], coingecko: ["BTC-EUR"] });
    const env = record(record(record(ingestSchedule(graph).args).function).environment);
    for (const name of INGEST_SETTINGS) expect(env[name], name).toBe(values[name]);
    assertEnvironmentRead(graph, ROOT, DYNAMIC_ENV);
  });

  it("pulls CoinGecko alone without an Alpha Vantage key, and may write only CoinGecko's raw folder", async () => {
    vi.stubEnv("INGEST_ALPHAVANTAGE_SYMBOLS", "");
    const { graph } = await evaluate("dev");
    assertProvidersWiring(graph, { coingecko: ["BTC-USD", "ETH-USD"] });
    expect(graph.components.find((c) => c.name === "AlphaVantageApiKey")?.args).toBe("");
  });

  it("refuses a deploy whose schedule would pull nothing", async () => {
    vi.stubEnv("INGEST_ALPHAVANTAGE_SYMBOLS", "");
    vi.stubEnv("INGEST_COINGECKO_SYMBOLS", " , ");
    await expect(evaluate("dev")).rejects.toThrow(/nothing to pull/);
  });

  it("refuses a symbol list the ingest function would refuse, before anything deploys", async () => {
    vi.stubEnv("INGEST_ALPHAVANTAGE_SYMBOLS", "AAPL,BRK B");
    await expect(evaluate("dev")).rejects.toThrow(/INGEST_ALPHAVANTAGE_SYMBOLS/);
  });
});

// The wiring assertions catch broken wiring: each case tampers with one thing in a graph that passes and expects
// the assertion that guards it to throw.
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ALLOW_LIST } from "./testing/allow-list";
import { type Evaluation, evaluate, qualityLogLines, ROOT } from "./testing/app";
import {
  assertEnvironmentRead,
  assertGlueWritesGranted,
  assertHandlersResolve,
  assertScriptArguments,
} from "./testing/assert-code";
import { assertLeastPrivilege } from "./testing/assert-iam";
import {
  type AppConfig,
  assertAlarms,
  assertIngestWiring,
  assertStagePolicy,
  assertValidateLeavesRawAlone,
} from "./testing/assert-pipeline";
import { assertProvidersWiring, INGEST_HANDLER, ingestEnvironmentRead } from "./testing/assert-providers";
import { assertApiWiring, assertTransformWiring, assertWarehouseWiring } from "./testing/assert-slices";
import { list, record, tamperCall, tamperComponent, withoutComponent } from "./testing/graph";
import { refMeta, removeSstGlobals, render } from "./testing/sst-globals";

const JOB = "market-data-production-transform";
const PULLED = { alphavantage: ["AAPL", "MSFT"], coingecko: ["BTC-USD", "ETH-USD"] };
const DYNAMIC_ENV = { [INGEST_HANDLER]: ingestEnvironmentRead };

describe("the assertions catch broken wiring", () => {
  let app: Evaluation;
  beforeAll(async () => {
    app = await evaluate("production");
    removeSstGlobals();
  });

  const notification = (args: unknown[]) => record(list(record(args[0]).notifications)[0]);
  const validatePermissions = (args: unknown[]) => record(args[0]);

  it("a notification on the wrong prefix", () => {
    const graph = tamperCall(app.graph, "Data.notify", (args) => {
      notification(args).filterPrefix = "raw";
    });
    expect(() => assertIngestWiring(graph)).toThrow(/prefix is "raw", expected "raw\/"/);
  });

  it("a notification for PUTs only (multipart uploads would be missed)", () => {
    const graph = tamperCall(app.graph, "Data.notify", (args) => {
      notification(args).events = ["s3:ObjectCreated:Put"];
    });
    expect(() => assertIngestWiring(graph)).toThrow(/ObjectCreated/);
  });

  it("a missing DLQ", () => {
    const graph = tamperComponent(app.graph, "Ingest", (args) => {
      delete args.dlq;
    });
    expect(() => assertIngestWiring(graph)).toThrow(/has no DLQ/);
  });

  it("a DLQ after 3 receives", () => {
    const graph = tamperComponent(app.graph, "Ingest", (args) => {
      record(args.dlq).retry = 3;
    });
    expect(() => assertIngestWiring(graph)).toThrow(/after 3 receives/);
  });

  it("a visibility timeout shorter than 6 × the function timeout", () => {
    const graph = tamperComponent(app.graph, "Ingest", (args) => {
      args.visibilityTimeout = "10 minutes";
    });
    expect(() => assertIngestWiring(graph)).toThrow(/visibility 600 s/);
  });

  it("a subscriber without partial batch responses", () => {
    const graph = tamperCall(app.graph, "Ingest.subscribe", (args) => {
      record(record(args[1]).batch).partialResponses = false;
    });
    expect(() => assertIngestWiring(graph)).toThrow(/partial batch/);
  });

  it("a `*` permission", () => {
    const graph = tamperCall(app.graph, "Ingest.subscribe", (args) => {
      const fn = validatePermissions(args);
      fn.permissions = [...list(fn.permissions), { actions: ["s3:*"], resources: ["*"] }];
    });
    expect(() => assertLeastPrivilege(graph, ALLOW_LIST)).toThrow(/wildcard action s3:\*[\s\S]*resource \*/);
  });

  it("linking the whole bucket (SST grants s3:* on it)", () => {
    const graph = tamperCall(app.graph, "Ingest.subscribe", (args) => {
      validatePermissions(args).link = [app.graph.components.find((c) => c.name === "Data")?.ref];
    });
    expect(() => assertLeastPrivilege(graph, ALLOW_LIST)).toThrow(/wildcard action s3:\*/);
  });

  it("a delete on raw/", () => {
    const graph = tamperCall(app.graph, "Ingest.subscribe", (args) => {
      const fn = validatePermissions(args);
      const raw = list(
        list(fn.permissions)
          .map(record)
          .find((p) => list(p.actions).includes("s3:GetObject"))?.resources,
      )[0];
      fn.permissions = [...list(fn.permissions), { actions: ["s3:DeleteObject"], resources: [raw] }];
    });
    expect(() => assertLeastPrivilege(graph, ALLOW_LIST)).toThrow(/delete on raw\//);
    expect(() => assertValidateLeavesRawAlone(graph)).toThrow(/raw\//);
  });

  it("a `*` resource without the condition the allow-list requires", () => {
    const graph = tamperComponent(app.graph, "Warehouse", (args) => {
      for (const item of list(args.include).map(record)) delete item.conditions;
    });
    expect(() => assertLeastPrivilege(graph, ALLOW_LIST)).toThrow(
      /without the redshift-data:statement-owner-iam-userid/,
    );
  });

  it("a handler path that does not resolve", () => {
    const graph = tamperCall(app.graph, "Ingest.subscribe", (args) => {
      validatePermissions(args).handler = "packages/functions/src/validator.handler";
    });
    expect(() => assertHandlersResolve(graph, ROOT)).toThrow(/has no source file/);
  });

  it("a function that lacks an environment variable its module requires", () => {
    const graph = tamperCall(app.graph, "Api.route", (args) => {
      delete record(record(args[1]).environment).LATEST_PRICES_TABLE;
    });
    expect(() => assertHandlersResolve(graph, ROOT)).toThrow(/requires LATEST_PRICES_TABLE/);
  });

  it("a missing DLQ alarm", () => {
    expect(() => assertAlarms(withoutComponent(app.graph, "IngestDlqAlarm"), qualityLogLines())).toThrow(
      /one alarm on the DLQ depth, found 0/,
    );
  });

  it("a metric filter that does not match what the handler logs", () => {
    const graph = tamperComponent(app.graph, "QualityFailFilter", (args) => {
      args.pattern = '{ $.msg = "QUALITY=FAIL" }';
    });
    expect(() => assertAlarms(graph, qualityLogLines())).toThrow(/misses the logged QUALITY=FAIL line/);
  });

  it("a production stage that is neither retained nor protected", () => {
    const config: AppConfig = {
      app: (input) => ({ ...record(app.config.app(input)), removal: "remove", protect: false }),
      run: app.config.run,
    };
    expect(() => assertStagePolicy(config, app.productionStages)).toThrow(/stage production: removal remove/);
  });

  it.skipIf(!existsSync(`${ROOT}/packages/glue/src/market_transform.py`))(
    "a Glue argument the script does not parse",
    () => {
      const graph = tamperComponent(app.graph, "TransformJob", (args) => {
        record(args.defaultArguments)["--curated-root"] = "s3://elsewhere/";
      });
      expect(() => assertScriptArguments(graph, ROOT, ["--run_id", "--work_list"])).toThrow(
        /does not parse curated-root/,
      );
    },
  );

  it.skipIf(!existsSync(`${ROOT}/packages/glue/src/market_transform.py`))(
    "a Glue role that may not write the run manifests",
    () => {
      const graph = tamperComponent(app.graph, "TransformDataAccess", (args) => {
        const document = record(refMeta(args.policy)?.value);
        const statements = list(document.Statement).map(record);
        args.policy = {
          ...document,
          Statement: statements.map((s) => ({
            ...s,
            Resource: list(s.Resource).filter((r) => !render(r).includes("_control/runs/")),
          })),
        };
      });
      expect(() => assertGlueWritesGranted(graph, ROOT)).toThrow(/writes _control\/runs\//);
    },
  );

  it("a merge subscriber that also runs on failed jobs", () => {
    const graph = tamperCall(app.graph, "sst.aws.Bus.subscribe", (args) => {
      record(record(record(args[3]).pattern).detail).state = ["SUCCEEDED", "FAILED"];
    });
    expect(() => assertWarehouseWiring(graph, { jobName: JOB })).toThrow(/merge runs on SUCCEEDED\/FAILED/);
  });

  const mergeFunction = (args: unknown[]) => record(args[2]);

  it("a merge function that may not ask Glue for the run's --run_id", () => {
    const graph = tamperCall(app.graph, "sst.aws.Bus.subscribe", (args) => {
      const fn = mergeFunction(args);
      fn.permissions = list(fn.permissions).filter((p) => !list(record(p).actions).includes("glue:GetJobRun"));
    });
    expect(() => assertWarehouseWiring(graph, { jobName: JOB })).toThrow(/glue:GetJobRun/);
  });

  it("a merge function that may not read the run manifest", () => {
    const graph = tamperCall(app.graph, "sst.aws.Bus.subscribe", (args) => {
      const fn = mergeFunction(args);
      fn.permissions = list(fn.permissions).filter((p) => !list(record(p).actions).includes("s3:GetObject"));
    });
    expect(() => assertWarehouseWiring(graph, { jobName: JOB })).toThrow(/_control\/runs\/r1\.json/);
  });

  it("a merge function not linked to the warehouse", () => {
    const graph = tamperCall(app.graph, "sst.aws.Bus.subscribe", (args) => {
      mergeFunction(args).link = [];
    });
    expect(() => assertWarehouseWiring(graph, { jobName: JOB })).toThrow(/BatchExecuteStatement on the workgroup/);
  });

  it("a misspelt optional variable: the API's warehouse workgroup", () => {
    const graph = tamperCall(app.graph, "Api.route", (args) => {
      const env = record(record(args[1]).environment);
      env.REDSHIFT_WORKGRUP = env.REDSHIFT_WORKGROUP;
      delete env.REDSHIFT_WORKGROUP;
    });
    expect(() => assertApiWiring(graph)).toThrow(/REDSHIFT_WORKGROUP is <<not a string/);
    expect(() => assertEnvironmentRead(graph, ROOT, DYNAMIC_ENV)).toThrow(/sets REDSHIFT_WORKGRUP, which/);
  });

  it("an API linked to the warehouse's write access", () => {
    const writer = app.graph.components.find((c) => c.name === "Warehouse")?.ref;
    const graph = tamperCall(app.graph, "Api.route", (args) => {
      record(args[1]).link = [...list(record(args[1]).link), writer];
    });
    expect(() => assertApiWiring(graph)).toThrow(/no BatchExecuteStatement/);
  });

  const ingestFunction = (args: Record<string, unknown>) => record(args.function);

  it("a misspelt provider setting (the provider would silently pull nothing)", () => {
    const graph = tamperComponent(app.graph, "ProviderSchedule", (args) => {
      const env = record(ingestFunction(args).environment);
      env.INGEST_ALPHAVANTGE_SYMBOLS = env.INGEST_ALPHAVANTAGE_SYMBOLS;
      delete env.INGEST_ALPHAVANTAGE_SYMBOLS;
    });
    expect(() => assertProvidersWiring(graph, PULLED)).toThrow(/ingest pulls \{"coingecko"/);
    expect(() => assertEnvironmentRead(graph, ROOT, DYNAMIC_ENV)).toThrow(/sets INGEST_ALPHAVANTGE_SYMBOLS, which/);
  });

  it("an ingest schedule whose retries would name a new period (no scheduled time in its event)", () => {
    const graph = tamperComponent(app.graph, "ProviderSchedule", (args) => {
      delete args.event;
    });
    expect(() => assertProvidersWiring(graph, PULLED)).toThrow(/scheduled-time/);
  });

  it("an ingest function without the Alpha Vantage key", () => {
    const graph = tamperComponent(app.graph, "ProviderSchedule", (args) => {
      delete record(ingestFunction(args).environment).ALPHA_VANTAGE_API_KEY;
    });
    expect(() => assertProvidersWiring(graph, PULLED)).toThrow(/ALPHA_VANTAGE_API_KEY is undefined/);
  });

  it("an ingest function that may write anywhere under raw/, or delete there", () => {
    const raw = `{{Data.arn}}/raw/*`;
    const writeAll = tamperComponent(app.graph, "ProviderSchedule", (args) => {
      const fn = ingestFunction(args);
      fn.permissions = [...list(fn.permissions), { actions: ["s3:PutObject"], resources: [raw] }];
    });
    expect(() => assertProvidersWiring(writeAll, PULLED)).toThrow(/PutObject on \{\{Data\.arn\}\}\/raw\/\*, outside/);
    const deleteRaw = tamperComponent(app.graph, "ProviderSchedule", (args) => {
      const fn = ingestFunction(args);
      const put = list(fn.permissions)
        .map(record)
        .find((p) => list(p.actions).includes("s3:PutObject"));
      fn.permissions = [...list(fn.permissions), { actions: ["s3:DeleteObject"], resources: put?.resources }];
    });
    expect(() => assertProvidersWiring(deleteRaw, PULLED)).toThrow(/delete under raw\//);
  });

  it("an ingest function that may not create the raw objects it pulls", () => {
    const graph = tamperComponent(app.graph, "ProviderSchedule", (args) => {
      const fn = ingestFunction(args);
      fn.permissions = list(fn.permissions).filter((p) => !list(record(p).actions).includes("s3:PutObject"));
    });
    expect(() => assertProvidersWiring(graph, PULLED)).toThrow(/lacks s3:PutObject on raw\/alphavantage\//);
  });

  it("a second schedule does not hide a missing start-transform schedule", () => {
    const graph = tamperComponent(app.graph, "TransformSchedule", (args) => {
      record(args.function).handler = "packages/functions/src/ingest.handler";
    });
    expect(() =>
      assertTransformWiring(graph, {
        jobName: JOB,
        script: "packages/glue/src/market_transform.py",
        library: "packages/glue/src/market",
      }),
    ).toThrow(/one schedule running start-transform, found 0/);
  });
});

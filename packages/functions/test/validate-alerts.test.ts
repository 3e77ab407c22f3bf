import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { incidentAfter, METRIC_NAMES } from "@market-data/core/alerts/index";
import type { AlertMessage, Notifier } from "@market-data/core/ports";
import type { Context, SQSBatchResponse } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AlertPublisher } from "../src/adapters/alert-publisher.js";
import { MemoryIncidentLedger } from "../src/adapters/memory-incidents.js";
import { createValidateHandler } from "../src/validate/handler.js";
import { symbolCsv } from "./csv-fixtures.js";
import { makeBucket, sqsEventFor } from "./factories.js";

// The validate handler's own alerts (quality gate failed / resolved) and its EMF metrics.
type Bucket = Awaited<ReturnType<typeof makeBucket>>;
let bucket: Bucket;
let incidents: MemoryIncidentLedger;
let published: AlertMessage[];
let emf: Record<string, unknown>[];

beforeEach(async () => {
  bucket = await makeBucket();
  incidents = new MemoryIncidentLedger();
  published = [];
  emf = [];
  // Powertools Metrics prints one EMF JSON document per line on stdout.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    for (const line of String(chunk).split("\n")) if (line.includes('"_aws"')) emf.push(JSON.parse(line));
    return true;
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await bucket.cleanup();
});

/** Publishes to a list and keeps the ledger as the slack function would. */
const deliverer: Notifier = {
  async publish(message) {
    published.push(message);
    if (message.type === "resolved") await incidents.delete(message.incidentKey);
    else await incidents.put(incidentAfter(await incidents.get(message.incidentKey), message));
  },
};

async function validate(key: string) {
  const logger = new Logger({ serviceName: "validate", logLevel: "SILENT" });
  const handler = createValidateHandler(
    { objects: bucket.objects, prices: bucket.prices },
    {
      logger,
      metrics: new Metrics({ namespace: "market-data/test", serviceName: "validate" }),
      alerting: {
        publisher: new AlertPublisher(deliverer, logger, incidents),
        place: { kind: "aws", region: "eu-west-1", bucket: "data" },
      },
    },
  );
  return (await handler(sqsEventFor([key]), {} as Context, () => {})) as SQSBatchResponse;
}

/** 20 good rows and 5 with high below low: 20 % rejected, above the gate's 5 %. */
const failing = symbolCsv(20, [
  "AAPL,2024-02-01,100,90,95,99,1000",
  "AAPL,2024-02-02,100,90,95,99,1000",
  "AAPL,2024-02-05,100,90,95,99,1000",
  "AAPL,2024-02-06,100,90,95,99,1000",
  "AAPL,2024-02-07,-1,101,99,100,1000",
]);

const metricValue = (name: string) => emf.filter((doc) => name in doc).map((doc) => doc[name] as number | number[]);

describe("validate handler alerts and metrics", () => {
  it("alerts on a failed gate with counts, rejection rate and top reasons, and resolves when the source passes", async () => {
    await bucket.objects.put("raw/drops/AAPL.csv", failing);
    expect(await validate("raw/drops/AAPL.csv")).toEqual({ batchItemFailures: [] });
    expect(published).toHaveLength(1);
    const [alert] = published;
    expect(alert).toMatchObject({
      type: "alert",
      kind: "quality_gate_failed",
      incidentKey: "quality:raw/drops/AAPL.csv",
      summary: "Quality gate failed (file.rejection_rate): raw/drops/AAPL.csv",
      detail: expect.stringMatching(/^20% of records were rejected \(5 of 25\)/),
    });
    expect(alert?.type === "alert" && alert.reasons.map((r) => [r.label, r.count])).toEqual([
      ["ohlc.high_bounds", 4],
      ["price.positive", 1],
    ]);
    expect(alert?.facts).toContainEqual({ label: "Rejection rate", value: "20 %" });
    expect(alert?.links.map((l) => l.label)).toEqual([
      "Report",
      "Quarantined records",
      "Quarantine note",
      "Raw object",
    ]);

    // The same file again, fixed: a new version of the same source passes and resolves the incident.
    await bucket.objects.put("raw/drops/AAPL.csv", symbolCsv(25));
    await validate("raw/drops/AAPL.csv");
    expect(published.map((m) => [m.type, m.incidentKey])).toEqual([
      ["alert", "quality:raw/drops/AAPL.csv"],
      ["resolved", "quality:raw/drops/AAPL.csv"],
    ]);
    // Passing again with nothing open publishes nothing more.
    await bucket.objects.put("raw/drops/AAPL.csv", symbolCsv(26));
    await validate("raw/drops/AAPL.csv");
    expect(published).toHaveLength(2);
  });

  it("emits EMF metrics per object under the shared names, with a rule dimension per broken rule", async () => {
    await bucket.objects.put("raw/drops/AAPL.csv", failing);
    await validate("raw/drops/AAPL.csv");
    const main = emf.find((doc) => METRIC_NAMES.objectsProcessed in doc);
    expect(main).toMatchObject({
      service: "validate",
      [METRIC_NAMES.objectsProcessed]: 1,
      [METRIC_NAMES.objectsRejected]: 1,
      [METRIC_NAMES.recordsEvaluated]: 25,
      [METRIC_NAMES.recordsCurated]: 0,
      [METRIC_NAMES.recordsQuarantined]: 25,
      [METRIC_NAMES.rejectionRate]: 20,
    });
    expect(main?._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: "market-data/test" }] });
    expect(typeof main?.[METRIC_NAMES.objectDuration]).toBe("number");
    const rules = emf
      .filter((doc) => METRIC_NAMES.ruleViolations in doc)
      .map((doc) => [doc.rule, doc[METRIC_NAMES.ruleViolations]]);
    expect(rules).toEqual(
      expect.arrayContaining([
        ["ohlc.high_bounds", 4],
        ["price.positive", 1],
      ]),
    );

    emf.length = 0;
    await validate("raw/drops/AAPL.csv"); // already processed: a skip
    expect(metricValue(METRIC_NAMES.objectsSkipped)).toEqual([1]);
  });
});

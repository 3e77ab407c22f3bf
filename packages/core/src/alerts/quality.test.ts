import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { buildValidationReport, type ValidationReport } from "../quality/report.js";
import { fileRejectOutcome } from "../quality/tally.js";
import { cleanDays, numbered, onDay, validateObject } from "../quality/testing.js";
import type { AlertPlace } from "./links.js";
import { AlertMessageSchema } from "./model.js";
import { qualityGateAlert, qualityGateResolution } from "./quality.js";

const KEY = "raw/alphavantage/daily/symbol=AAPL/date=2024-06-03/AAPL-20240603T000000Z.json";
const REPORT_KEY = "reports/validation/date=2024-06-03/AAPL-json-3f9a1c0d2b7e4a61.json";
const QUARANTINE = "quarantine/interval=1d/date=2024-06-03/AAPL-json-3f9a1c0d2b7e4a61.jsonl.gz";
const AWS: AlertPlace = {
  kind: "aws",
  region: "eu-west-1",
  bucket: "market-data-prod-data",
  logGroup: "/aws/lambda/validate",
};

function report(gate: Parameters<typeof buildValidationReport>[0]["gate"], rejected: boolean): ValidationReport {
  return buildValidationReport({
    key: KEY,
    etag: '"0123abcd"',
    objectId: "AAPL-json-3f9a1c0d2b7e4a61",
    format: "alphavantage.daily",
    gate,
    outputs: rejected
      ? { curated: [], quarantine: [QUARANTINE], quarantineFile: "quarantine/files/AAPL-json-3f9a1c0d2b7e4a61.json" }
      : { curated: ["curated/interval=1d/date=2024-06-03/AAPL-json-3f9a1c0d2b7e4a61.jsonl.gz"], quarantine: [] },
    startedAt: "2024-06-03T12:00:00.000Z",
    finishedAt: "2024-06-03T12:00:01.250Z",
  });
}

/** 20 clean bars, 4 with a negative volume and 2 whose high is below their low: 30 % rejected. */
function failingReport(): ValidationReport {
  const bars = [
    ...cleanDays(14),
    ...[20, 21, 22, 23].map((d) => onDay(d, { volume: -5 })),
    ...[24, 25].map((d) => onDay(d, { high: 90, low: 95 })),
  ];
  return report(validateObject(numbered(bars)).outcome, true);
}

describe("qualityGateAlert", () => {
  it("raises quality_gate_failed for the source with counts, rate, reasons by frequency and examples", () => {
    const alert = qualityGateAlert({ report: failingReport(), reportKey: REPORT_KEY, place: AWS });
    expect(alert).toMatchObject({
      type: "alert",
      kind: "quality_gate_failed",
      severity: "warning",
      // The pull's folder without its date: the next day's pull of the same symbol resolves it.
      incidentKey: "quality:raw/alphavantage/daily/symbol=AAPL/",
      source: "validate",
      summary: `Quality gate failed (file.rejection_rate): ${KEY}`,
      at: "2024-06-03T12:00:01.250Z",
    });
    expect(alert?.detail).toMatch(/^30% of records were rejected \(6 of 20\), above the 5% threshold/);
    const facts = Object.fromEntries(alert?.facts.map((f) => [f.label, f.value]) ?? []);
    expect(facts).toMatchObject({
      Object: KEY,
      Rule: "file.rejection_rate",
      Records: "20 evaluated · 6 rejected · 0 warned",
      "Rejection rate": "30 %",
      Report: REPORT_KEY,
    });
    expect(alert?.reasons.map((r) => [r.label, r.count])).toEqual([
      ["volume.valid", 4],
      ["ohlc.high_bounds", 2],
    ]);
    expect(alert?.reasons[0]?.examples).toHaveLength(3);
    expect(alert?.reasons[0]?.examples[0]).toMatch(/^row 15: /);
    expect(v.is(AlertMessageSchema, JSON.parse(JSON.stringify(alert)))).toBe(true);
  });

  it("links the report, the quarantine folder, the quarantine note, the raw object and the function's logs", () => {
    const alert = qualityGateAlert({ report: failingReport(), reportKey: REPORT_KEY, place: AWS });
    expect(alert?.links).toEqual([
      {
        label: "Report",
        url: `https://s3.console.aws.amazon.com/s3/object/market-data-prod-data?region=eu-west-1&prefix=${encodeURIComponent(REPORT_KEY)}`,
      },
      {
        label: "Quarantined records",
        url: `https://s3.console.aws.amazon.com/s3/buckets/market-data-prod-data?region=eu-west-1&prefix=${encodeURIComponent("quarantine/interval=1d/date=2024-06-03/")}&showversions=false`,
      },
      { label: "Quarantine note", url: expect.stringContaining("quarantine%2Ffiles%2F") },
      { label: "Raw object", url: expect.stringContaining(encodeURIComponent(KEY)) },
      {
        label: "Validate logs",
        url: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fvalidate",
      },
    ]);
    const local = qualityGateAlert({
      report: failingReport(),
      reportKey: REPORT_KEY,
      place: { kind: "local", bucketRoot: "/srv/my data/bucket" },
    });
    expect(local?.links[0]).toEqual({ label: "Report", url: `file:///srv/my%20data/bucket/${REPORT_KEY}` });
  });

  it("calls a provider's throttle notice provider_throttled, under the same incident as the gate", () => {
    const reject = {
      ok: false,
      rule: "file.not_provider_error",
      reason: 'Alpha Vantage answered with a Note instead of data: "Thank you for using Alpha Vantage! …"',
    } as const;
    const alert = qualityGateAlert({
      report: report(fileRejectOutcome(reject), true),
      reportKey: REPORT_KEY,
      place: AWS,
    });
    expect(alert).toMatchObject({
      kind: "provider_throttled",
      incidentKey: "quality:raw/alphavantage/daily/symbol=AAPL/",
      summary: `Provider throttled: ${KEY} holds a rate-limit notice, not data`,
      reasons: [],
    });
    const error = {
      ...reject,
      reason: 'Alpha Vantage answered with a Error Message instead of data: "Invalid API call"',
    };
    expect(
      qualityGateAlert({ report: report(fileRejectOutcome(error), true), reportKey: REPORT_KEY, place: AWS })?.kind,
    ).toBe("quality_gate_failed");
  });

  it("raises nothing for a passing object, whose resolution names the same incident", () => {
    const passing = report(validateObject(numbered(cleanDays(20))).outcome, false);
    expect(qualityGateAlert({ report: passing, reportKey: REPORT_KEY, place: AWS })).toBeUndefined();
    expect(qualityGateResolution({ report: passing, reportKey: REPORT_KEY, place: AWS })).toMatchObject({
      type: "resolved",
      incidentKey: "quality:raw/alphavantage/daily/symbol=AAPL/",
      summary: `raw/alphavantage/daily/symbol=AAPL/ passes the quality gate again (${KEY})`,
    });
  });
});

import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { buildValidationReport, type ValidationReportInput, ValidationReportSchema } from "./report.js";
import { fileRejectOutcome } from "./tally.js";
import { cleanDays, numbered, onDay, validateObject } from "./testing.js";

function inputFor(
  gate: ValidationReportInput["gate"],
  outputs: ValidationReportInput["outputs"],
): ValidationReportInput {
  return {
    key: "raw/csv/AAPL.csv",
    etag: '"0123abcd"',
    objectId: "AAPL-csv-3f9a1c0d2b7e4a61",
    format: "csv",
    gate,
    outputs,
    startedAt: "2024-06-03T12:00:00.000Z",
    finishedAt: "2024-06-03T12:00:01.250Z",
  };
}

describe("buildValidationReport", () => {
  it("writes a report that validates against its own schema", () => {
    const { outcome } = validateObject(numbered([...cleanDays(30), onDay(2, { close: Number.NaN })]));
    const report = buildValidationReport(
      inputFor(outcome, {
        curated: ["curated/interval=1d/date=2024-06-03/AAPL-csv-3f9a1c0d2b7e4a61.jsonl.gz"],
        quarantine: ["quarantine/interval=1d/date=2024-06-03/AAPL-csv-3f9a1c0d2b7e4a61.jsonl.gz"],
      }),
    );
    const parsed = v.safeParse(ValidationReportSchema, JSON.parse(JSON.stringify(report)));
    expect(parsed.issues).toBeUndefined();
    expect(report).toMatchObject({
      suite: { name: "market-bars", version: "1.0.0" },
      object: { key: "raw/csv/AAPL.csv", etag: "0123abcd", object_id: "AAPL-csv-3f9a1c0d2b7e4a61", format: "csv" },
      success: true,
      statistics: { evaluated: 31, passed: 30, rejected: 1 },
      file_reject: null,
      outputs: { quarantine_file: null },
      started_at: "2024-06-03T12:00:00.000Z",
      finished_at: "2024-06-03T12:00:01.250Z",
    });
    expect(report.results).toHaveLength(25);
  });

  it("records a whole-object rejection with its quarantine note", () => {
    const { outcome } = validateObject(numbered(cleanDays(10).map((c) => ({ ...c, volume: -1 }))));
    const report = buildValidationReport(
      inputFor(outcome, {
        curated: [],
        quarantine: [],
        quarantineFile: "quarantine/files/AAPL-csv-3f9a1c0d2b7e4a61.json",
      }),
    );
    expect(v.is(ValidationReportSchema, report)).toBe(true);
    expect(report.success).toBe(false);
    expect(report.file_reject?.rule).toBe("file.rejection_rate");
    expect(report.outputs.quarantine_file).toBe("quarantine/files/AAPL-csv-3f9a1c0d2b7e4a61.json");
  });

  it("reports an object the parser rejected: zero counts and the one broken file rule", () => {
    const reject = { ok: false, rule: "file.not_provider_error", reason: "Alpha Vantage throttle note" } as const;
    const report = buildValidationReport({
      ...inputFor(fileRejectOutcome(reject), { curated: [], quarantine: [] }),
      format: null,
    });
    expect(v.is(ValidationReportSchema, report)).toBe(true);
    expect(report.statistics.evaluated).toBe(0);
    expect(report.results).toEqual([
      expect.objectContaining({ rule: "file.not_provider_error", success: false, unexpected_count: 1 }),
    ]);
    expect(report.file_reject).toEqual({ rule: "file.not_provider_error", reason: "Alpha Vantage throttle note" });
  });

  it("schema refuses a report whose counts do not add up, or with an unknown rule", () => {
    const { outcome } = validateObject(cleanDays(3));
    const report = buildValidationReport(inputFor(outcome, { curated: [], quarantine: [] }));
    expect(v.is(ValidationReportSchema, { ...report, statistics: { ...report.statistics, passed: 2 } })).toBe(false);
    const results = [{ ...report.results[0], rule: "made.up" }];
    expect(v.is(ValidationReportSchema, { ...report, results })).toBe(false);
    expect(v.is(ValidationReportSchema, { ...report, started_at: "yesterday" })).toBe(false);
  });
});

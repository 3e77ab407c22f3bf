import { keys } from "@market-data/core/keys";
import type { FileReject } from "@market-data/core/parse/types";
import { buildValidationReport } from "@market-data/core/quality/report";
import type { RuleId, RuleResult } from "@market-data/core/quality/types";
import { describe, expect, it } from "vitest";
import { fieldOf, useTestApp } from "./test-app.js";

const { state, call } = useTestApp();

describe("GET /v1/quality/reports", () => {
  const rule = (id: RuleId, unexpected: number): RuleResult => ({
    rule: id,
    severity: "error",
    reason: `${id} broke`,
    success: unexpected === 0,
    unexpected_count: unexpected,
    unexpected_percent: unexpected * 10,
    examples: [],
  });

  // Written by core's own report builder, so the API is tested against the reports the pipeline writes.
  const report = (objectKey: string, objectId: string, results: RuleResult[], fileReject?: FileReject) =>
    JSON.stringify(
      buildValidationReport({
        key: objectKey,
        etag: '"e"',
        objectId,
        format: "csv",
        gate: {
          success: results.every((r) => r.success) && fileReject === undefined,
          statistics: {
            evaluated: 10,
            passed: 10 - results.reduce((n, r) => n + r.unexpected_count, 0),
            rejected: results.reduce((n, r) => n + r.unexpected_count, 0),
            warned: 1,
            deduplicated: 0,
            rejection_rate: results.reduce((n, r) => n + r.unexpected_count, 0) / 10,
          },
          results,
          ...(fileReject === undefined ? {} : { fileReject }),
        },
        outputs: { curated: [], quarantine: [] },
        startedAt: "2024-01-05T10:00:00.000Z",
        finishedAt: "2024-01-05T10:00:01.000Z",
      }),
    );

  async function storeReports() {
    await state.objects.put(
      keys.report("2024-01-05", "AAPL-csv-1111"),
      report("raw/csv/AAPL.csv", "AAPL-csv-1111", [rule("ts.parseable", 0)]),
    );
    await new Promise((resolve) => setTimeout(resolve, 15)); // distinct mtimes: newest first is observable
    const failing = [rule("price.positive", 1), rule("ohlc.high_bounds", 3), rule("ts.parseable", 0)];
    const gateFailed: FileReject = { ok: false, rule: "file.rejection_rate", reason: "40% rejected" };
    await state.objects.put(
      keys.report("2024-01-05", "MSFT-csv-2222"),
      report("raw/csv/MSFT.csv", "MSFT-csv-2222", failing, gateFailed),
    );
    await state.objects.put(keys.report("2024-01-06", "OTHER-3333"), report("raw/x.csv", "OTHER-3333", []));
  }

  it("summarises the day's reports, newest first, with top failing rules", async () => {
    await storeReports();
    const { status, body } = await call("/v1/quality/reports?date=2024-01-05");
    expect(status).toBe(200);
    expect(body).toMatchObject({ date: "2024-01-05", total: 2, unreadable: [] });
    expect(body.reports).toEqual([
      {
        report_key: "reports/validation/date=2024-01-05/MSFT-csv-2222.json",
        object_key: "raw/csv/MSFT.csv",
        object_id: "MSFT-csv-2222",
        success: false,
        last_modified: expect.any(String),
        statistics: { evaluated: 10, passed: 6, rejected: 4, warned: 1, deduplicated: 0, rejection_rate: 0.4 },
        file_reject: { rule: "file.rejection_rate", reason: "40% rejected" },
        top_failing_rules: [
          { rule: "ohlc.high_bounds", severity: "error", unexpected_count: 3, unexpected_percent: 30 },
          { rule: "price.positive", severity: "error", unexpected_count: 1, unexpected_percent: 10 },
        ],
      },
      expect.objectContaining({ object_id: "AAPL-csv-1111", success: true, file_reject: null, top_failing_rules: [] }),
    ]);
  });

  it("honours limit, defaults the date to today (UTC), and names unreadable reports", async () => {
    await storeReports();
    const limited = await call("/v1/quality/reports?date=2024-01-05&limit=1");
    expect((limited.body.reports as unknown[]).length).toBe(1);
    expect(limited.body.total).toBe(2);
    await state.objects.put(keys.report("2024-01-05", "BROKEN-4444"), "{not json");
    await state.objects.put(keys.report("2024-01-05", "ODD-5555"), JSON.stringify({ success: "yes" }));
    const today = await call("/v1/quality/reports");
    expect(today.body).toMatchObject({ date: "2024-01-05", total: 4 });
    expect([...(today.body.unreadable as string[])].sort()).toEqual([
      keys.report("2024-01-05", "BROKEN-4444"),
      keys.report("2024-01-05", "ODD-5555"),
    ]);
    expect(state.logger.error).toHaveBeenCalledTimes(2);
  });

  it("returns an empty list for a day without reports", async () => {
    expect((await call("/v1/quality/reports?date=2023-12-31")).body).toEqual({
      date: "2023-12-31",
      total: 0,
      reports: [],
      unreadable: [],
    });
  });

  it.each([
    ["date", "date=2024-1-5"],
    ["date", "date=2024-02-30"],
    ["date", `date=${encodeURIComponent("2024-01-05/../../x")}`],
    ["limit", "limit=0"],
    ["limit", "limit=abc"],
    ["limit", "limit=501"],
  ])("answers 400 naming `%s` for %s", async (field, query) => {
    const { status, body } = await call(`/v1/quality/reports?${query}`);
    expect(status).toBe(400);
    expect(fieldOf(body)).toBe(field);
  });
});

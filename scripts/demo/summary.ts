import { type LatestPrice, type ObjectStore, PREFIX, type ValidationReport } from "@market-data/core";

/** Every validation report of the raw objects under `rawPrefix`, newest object last. */
export async function readDemoReports(objects: ObjectStore, rawPrefix: string): Promise<ValidationReport[]> {
  const reports: ValidationReport[] = [];
  for await (const info of objects.list(PREFIX.reports)) {
    const bytes = await objects.getBytes(info.key);
    if (bytes === undefined) continue;
    const report = JSON.parse(Buffer.from(bytes).toString("utf8")) as ValidationReport;
    if (report.object.key.startsWith(rawPrefix)) reports.push(report);
  }
  return reports;
}

interface SummaryInput {
  reports: ValidationReport[];
  latest: { prices?: LatestPrice[]; missing?: string[] };
  deadLetters: number;
}

/** Prints objects, records by outcome and rule, and the latest-price table. */
export function printSummary({ reports, latest, deadLetters }: SummaryInput): void {
  const passed = reports.filter((report) => report.success).length;
  const totals = { evaluated: 0, curated: 0, quarantined: 0, warned: 0 };
  const byRule = new Map<string, { severity: string; count: number }>();
  const fileRejects = new Map<string, number>();
  for (const report of reports) {
    const s = report.statistics;
    totals.evaluated += s.evaluated;
    totals.warned += s.warned;
    if (report.file_reject) {
      fileRejects.set(report.file_reject.rule, (fileRejects.get(report.file_reject.rule) ?? 0) + 1);
      totals.quarantined += s.evaluated;
    } else {
      totals.curated += s.passed - s.deduplicated;
      totals.quarantined += s.rejected;
    }
    for (const result of report.results) {
      if (result.unexpected_count === 0 || result.rule.startsWith("file.")) continue;
      const entry = byRule.get(result.rule) ?? { severity: result.severity, count: 0 };
      entry.count += result.unexpected_count;
      byRule.set(result.rule, entry);
    }
  }

  console.log("\n── Summary ─────────────────────────────────────────────");
  console.log(
    `objects:  ${reports.length} validated · ${passed} passed · ${reports.length - passed} quarantined whole`,
  );
  for (const [rule, count] of [...fileRejects].sort()) console.log(`          ${count} × ${rule}`);
  console.log(
    `records:  ${totals.evaluated} evaluated · ${totals.curated} curated · ${totals.quarantined} quarantined · ` +
      `${totals.warned} warned`,
  );
  if (byRule.size > 0) {
    console.log("by rule:");
    for (const [rule, { severity, count }] of [...byRule].sort((a, b) => b[1].count - a[1].count)) {
      console.log(`  ${rule.padEnd(26)} ${severity.padEnd(5)} ${String(count).padStart(6)}`);
    }
  }
  if (deadLetters > 0) console.log(`dead letters: ${deadLetters} (see .local/dlq/)`);

  const prices = latest.prices ?? [];
  console.log("\nlatest prices (GET /v1/prices/latest):");
  console.log(`  ${"symbol".padEnd(9)}${"interval".padEnd(9)}${"bar start (UTC)".padEnd(22)}${"close".padStart(12)}`);
  for (const price of prices) {
    console.log(
      `  ${price.symbol.padEnd(9)}${price.interval.padEnd(9)}${price.ts.padEnd(22)}${price.close.toFixed(4).padStart(12)}`,
    );
  }
  if (latest.missing && latest.missing.length > 0) console.log(`  no price yet: ${latest.missing.join(", ")}`);
}

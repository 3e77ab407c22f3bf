import { keys } from "@market-data/core/keys";
import type { ObjectInfo, ObjectStore } from "@market-data/core/ports";
import * as v from "valibot";
import { mapConcurrent } from "../adapters/concurrency.js";
import type { ErrorLogger } from "./errors.js";
import { type ReportSummary, type Reports, StoredReportSchema } from "./schemas.js";

/** How many failed rules a summary names. */
const TOP_RULES = 5;
/** Reports read at once: enough to hide S3 latency, few enough not to flood a Lambda's sockets. */
const READ_CONCURRENCY = 8;

/**
 * The validation reports of one day (`reports/validation/date=<d>/`), newest first (ties in key order),
 * at most `limit`, each summarised. Only the reports returned are read; one that is not JSON or lacks the
 * fields read is named in `unreadable` rather than failing the listing.
 */
export async function listReportSummaries(
  objects: ObjectStore,
  date: string,
  limit: number,
  logger: ErrorLogger,
): Promise<Reports> {
  const prefix = keys.reportsOfDate(date);
  const infos: ObjectInfo[] = [];
  for await (const info of objects.list(prefix)) {
    // Only `<object-id>.json` directly under the date folder is a report.
    const rest = info.key.slice(prefix.length);
    if (rest.endsWith(".json") && !rest.includes("/")) infos.push(info);
  }
  infos.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || (a.key < b.key ? -1 : 1));
  const chosen = infos.slice(0, limit);
  const read = await mapConcurrent(chosen, READ_CONCURRENCY, (info) => readSummary(objects, info, prefix, logger));
  const reports: ReportSummary[] = [];
  const unreadable: string[] = [];
  read.forEach((summary, i) => {
    if (summary === "gone") return; // deleted since the listing: as if listed a moment later
    if (summary === "unreadable") unreadable.push(chosen[i]?.key ?? "");
    else reports.push(summary);
  });
  return { date, total: infos.length, reports, unreadable };
}

async function readSummary(
  objects: ObjectStore,
  info: ObjectInfo,
  prefix: string,
  logger: ErrorLogger,
): Promise<ReportSummary | "gone" | "unreadable"> {
  const bytes = await objects.getBytes(info.key);
  if (bytes === undefined) return "gone";
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    logger.error("validation report is not JSON", { key: info.key });
    return "unreadable";
  }
  const parsed = v.safeParse(StoredReportSchema, json);
  if (!parsed.success) {
    logger.error("validation report lacks the fields the API reads", {
      key: info.key,
      issues: v.flatten(parsed.issues),
    });
    return "unreadable";
  }
  const report = parsed.output;
  const failing = report.results
    .filter((r) => !r.success)
    .sort((a, b) => b.unexpected_count - a.unexpected_count || (a.rule < b.rule ? -1 : 1))
    .slice(0, TOP_RULES)
    .map((r) => ({
      rule: r.rule,
      severity: r.severity ?? null,
      unexpected_count: r.unexpected_count,
      unexpected_percent: r.unexpected_percent,
    }));
  const { evaluated, passed, rejected, warned, deduplicated, rejection_rate } = report.statistics;
  return {
    report_key: info.key,
    object_key: report.object.key,
    // The key names the report after its object id (keys.report): the fallback if the report lacks the field.
    object_id: report.object.object_id ?? info.key.slice(prefix.length, -".json".length),
    success: report.success,
    last_modified: info.lastModified.toISOString(),
    statistics: {
      evaluated,
      passed,
      rejected,
      warned: warned ?? null,
      deduplicated: deduplicated ?? null,
      rejection_rate,
    },
    file_reject:
      report.file_reject === null ? null : { rule: report.file_reject.rule, reason: report.file_reject.reason },
    top_failing_rules: failing,
  };
}

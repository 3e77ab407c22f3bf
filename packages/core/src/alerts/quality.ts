import type { ValidationReport } from "../quality/report.js";
import { incidentKeys, rawSourceOf } from "./incident.js";
import { type AlertPlace, linksOf, objectLink, ownLogsLink, prefixLink } from "./links.js";
import type { Alert, AlertFact, AlertReason, AlertResolution } from "./model.js";

/** Examples per reason in an alert: enough to recognise the problem; the report holds up to 20. */
const EXAMPLES_PER_REASON = 3;
const EXAMPLE_CHARS = 160;

/** What the validate handler knows once an object's report is written. */
export interface QualityOutcome {
  report: ValidationReport;
  reportKey: string;
  place: AlertPlace;
}

/** A provider's throttle notice (Alpha Vantage `Note` / `Information`, CoinGecko 429) rather than data. */
function isThrottleNotice(report: ValidationReport): boolean {
  const reject = report.file_reject;
  if (reject?.rule !== "file.not_provider_error") return false;
  return /\b(Note|Information) instead of data|code 429|rate limit|call frequency|requests per/i.test(reject.reason);
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))} %`;
}

/** One example value as a short line: `row 12: {"high":9.5,"low":10}`. */
function exampleLine(example: { row: number; value: unknown }): string {
  const value = typeof example.value === "string" ? example.value : JSON.stringify(example.value);
  const short = (value ?? "null").length > EXAMPLE_CHARS ? `${(value ?? "").slice(0, EXAMPLE_CHARS - 1)}…` : value;
  return `row ${example.row}: ${short}`;
}

/** The record-level rules that rejected records, most frequent first, with examples. */
function rejectionReasons(report: ValidationReport): AlertReason[] {
  return report.results
    .filter((result) => !result.rule.startsWith("file.") && result.unexpected_count > 0 && result.severity === "error")
    .sort((a, b) => b.unexpected_count - a.unexpected_count || a.rule.localeCompare(b.rule))
    .map((result) => ({
      label: result.rule,
      count: result.unexpected_count,
      text: result.reason,
      examples: result.examples.slice(0, EXAMPLES_PER_REASON).map(exampleLine),
    }));
}

function qualityFacts(report: ValidationReport, reportKey: string): AlertFact[] {
  const s = report.statistics;
  const facts: AlertFact[] = [{ label: "Object", value: report.object.key }];
  if (report.file_reject !== null) facts.push({ label: "Rule", value: report.file_reject.rule });
  // An object rejected before its records were judged (unreadable, a provider's notice) has no counts worth showing.
  if (s.evaluated > 0) {
    facts.push(
      { label: "Records", value: `${s.evaluated} evaluated · ${s.rejected} rejected · ${s.warned} warned` },
      { label: "Rejection rate", value: percent(s.rejection_rate) },
    );
  }
  if (report.object.format !== null) facts.push({ label: "Format", value: report.object.format });
  facts.push(
    { label: "Suite", value: `${report.suite.name}@${report.suite.version}` },
    { label: "Report", value: reportKey },
  );
  const quarantined = [
    ...report.outputs.quarantine,
    ...(report.outputs.quarantine_file ? [report.outputs.quarantine_file] : []),
  ];
  if (quarantined.length > 0) facts.push({ label: "Quarantine", value: quarantined.join("\n") });
  return facts;
}

/** The folder a quarantine output sits in: `quarantine/interval=1d/date=2024-06-28/`. */
function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/") + 1);
}

/**
 * The alert for an object that failed the quality gate (its whole content quarantined), or undefined when it
 * passed. A provider's throttle notice is a `provider_throttled` alert; every other failure `quality_gate_failed`.
 * Both share the source's incident key, so a later passing object of the same source resolves either.
 */
export function qualityGateAlert({ report, reportKey, place }: QualityOutcome): Alert | undefined {
  if (report.success) return undefined;
  const throttled = isThrottleNotice(report);
  const rule = report.file_reject?.rule ?? "file.rejection_rate";
  const quarantine = report.outputs.quarantine[0];
  return {
    type: "alert",
    kind: throttled ? "provider_throttled" : "quality_gate_failed",
    severity: "warning",
    incidentKey: incidentKeys.quality(report.object.key),
    source: "validate",
    summary: throttled
      ? `Provider throttled: ${report.object.key} holds a rate-limit notice, not data`
      : `Quality gate failed (${rule}): ${report.object.key}`,
    ...(report.file_reject === null ? {} : { detail: report.file_reject.reason }),
    facts: qualityFacts(report, reportKey),
    reasons: rejectionReasons(report),
    links: linksOf(
      objectLink(place, "Report", reportKey),
      quarantine === undefined ? undefined : prefixLink(place, "Quarantined records", folderOf(quarantine)),
      report.outputs.quarantine_file === null
        ? undefined
        : objectLink(place, "Quarantine note", report.outputs.quarantine_file),
      objectLink(place, "Raw object", report.object.key),
      ownLogsLink(place, "Validate logs"),
    ),
    at: report.finished_at,
  };
}

/** A passing object of a source whose incident is open: the source delivers good data again. */
export function qualityGateResolution({ report, reportKey, place }: QualityOutcome): AlertResolution {
  const s = report.statistics;
  return {
    type: "resolved",
    kind: "quality_gate_failed",
    incidentKey: incidentKeys.quality(report.object.key),
    source: "validate",
    summary: `${rawSourceOf(report.object.key)} passes the quality gate again (${report.object.key})`,
    facts: [
      { label: "Object", value: report.object.key },
      { label: "Records", value: `${s.evaluated} evaluated · ${s.rejected} rejected · ${s.warned} warned` },
    ],
    links: linksOf(objectLink(place, "Report", reportKey)),
    at: report.finished_at,
  };
}

import * as v from "valibot";
import { normalizeEtag } from "../ids.js";
import { type FileRuleId, FORMATS, type FormatId } from "../parse/types.js";
import { QUALITY_SUITE, RULE_IDS } from "./suite.js";
import type { GateOutcome } from "./types.js";

const FILE_RULE_IDS = [
  "file.decodable",
  "file.format_known",
  "file.not_provider_error",
  "file.columns_present",
  "file.symbol_resolved",
  "file.row_count",
  "file.rejection_rate",
] as const satisfies readonly FileRuleId[];

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const share = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const instant = v.pipe(v.string(), v.isoTimestamp());

const StatisticsSchema = v.pipe(
  v.object({
    evaluated: count,
    passed: count,
    rejected: count,
    warned: count,
    deduplicated: count,
    rejection_rate: share,
  }),
  // The invariants of QUALITY_RULES.md: a report whose counts do not add up is not a report of this gate.
  v.check((s) => s.evaluated === s.passed + s.rejected, "evaluated must equal passed + rejected"),
  v.check((s) => s.deduplicated <= s.passed && s.warned <= s.evaluated, "deduplicated and warned exceed their totals"),
);

const RuleResultSchema = v.object({
  rule: v.picklist(RULE_IDS),
  severity: v.picklist(["error", "warn"]),
  reason: v.string(),
  success: v.boolean(),
  unexpected_count: count,
  unexpected_percent: v.pipe(v.number(), v.minValue(0), v.maxValue(100)),
  examples: v.pipe(v.array(v.object({ row: count, value: v.unknown() })), v.maxLength(20)),
});

/**
 * The per-object validation report (`reports/validation/…`), modelled on a Great Expectations validation
 * result. Readers such as the API validate what they load with it: `v.safeParse(ValidationReportSchema, json)`.
 */
export const ValidationReportSchema = v.object({
  suite: v.object({ name: v.string(), version: v.string() }),
  object: v.object({
    key: v.string(),
    /** Unquoted, as in the curated bars' `source_etag`. */
    etag: v.string(),
    object_id: v.string(),
    /** null when the object was rejected before its format was known. */
    format: v.nullable(v.picklist(FORMATS)),
  }),
  success: v.boolean(),
  statistics: StatisticsSchema,
  /** One per suite rule; only the broken rule when the object was rejected before its records were judged. */
  results: v.array(RuleResultSchema),
  file_reject: v.nullable(v.object({ rule: v.picklist(FILE_RULE_IDS), reason: v.string() })),
  outputs: v.object({
    curated: v.array(v.string()),
    quarantine: v.array(v.string()),
    /** `quarantine/files/<object-id>.json` when the whole object was rejected. */
    quarantine_file: v.nullable(v.string()),
  }),
  started_at: instant,
  finished_at: instant,
});

/** A validation report as written and read. e.g. `report.statistics.rejection_rate`. */
export type ValidationReport = v.InferOutput<typeof ValidationReportSchema>;

/** What the validate handler knows when it writes the report. */
export interface ValidationReportInput {
  key: string;
  etag: string;
  objectId: string;
  format: FormatId | null;
  gate: GateOutcome;
  outputs: { curated: string[]; quarantine: string[]; quarantineFile?: string };
  /** ISO-8601 instants, e.g. `new Date().toISOString()`. */
  startedAt: string;
  finishedAt: string;
}

/**
 * Assembles the report of one object from the gate's outcome and the keys the handler wrote.
 * e.g. `buildValidationReport({ key, etag, objectId, format: meta.format, gate: run.finish(), outputs, startedAt, finishedAt })`.
 */
export function buildValidationReport(input: ValidationReportInput): ValidationReport {
  const { gate, outputs } = input;
  const reject = gate.fileReject;
  return {
    suite: { name: QUALITY_SUITE.name, version: QUALITY_SUITE.version },
    object: { key: input.key, etag: normalizeEtag(input.etag), object_id: input.objectId, format: input.format },
    success: gate.success && reject === undefined,
    statistics: { ...gate.statistics },
    results: gate.results.map((result) => ({ ...result, examples: [...result.examples] })),
    file_reject: reject === undefined ? null : { rule: reject.rule, reason: reject.reason },
    outputs: {
      curated: [...outputs.curated],
      quarantine: [...outputs.quarantine],
      quarantine_file: outputs.quarantineFile ?? null,
    },
    started_at: input.startedAt,
    finished_at: input.finishedAt,
  };
}

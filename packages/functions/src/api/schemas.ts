import { DATE_PATTERN, SYMBOL_PATTERN } from "@market-data/core/bar";
import type { ValidationReport } from "@market-data/core/quality/report";
import * as v from "valibot";
import { LatestPriceSchema } from "../adapters/latest-price.js";
import { ERROR_CODES } from "./errors.js";

/** Most symbols one `GET /v1/prices/latest` may name. */
export const MAX_SYMBOLS = 100;
/** Default and largest `limit` of `GET /v1/quality/reports`. */
export const REPORTS_LIMIT = { default: 50, max: 500 } as const;

const SYMBOL_RULE = "1–24 characters of A-Z 0-9 . - ^ = / : (case-insensitive)";

// Request schemas. Every message names what to send instead; the field comes from the issue's path.

/** Path parameter `symbol`, upper-cased before it is checked. */
export const SymbolParamSchema = v.object({
  symbol: v.pipe(
    v.string("symbol is required"),
    v.trim(),
    v.toUpperCase(),
    v.regex(SYMBOL_PATTERN, `symbol must be ${SYMBOL_RULE}`),
    v.description(`A symbol such as AAPL, BRK.B, BTC-USD or ^GSPC: ${SYMBOL_RULE}.`),
  ),
});

/** Query `symbols=A,B`: upper-cased, de-duplicated in order, 1..100, each matching the symbol pattern. */
export const LatestPricesQuerySchema = v.object({
  symbols: v.pipe(
    v.string("symbols is required: a comma-separated list such as AAPL,MSFT"),
    v.description(`Comma-separated symbols, 1 to ${MAX_SYMBOLS}, each ${SYMBOL_RULE}. Example: AAPL,MSFT,BTC-USD`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const listed = dataset.value
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== "");
      if (listed.length === 0) {
        addIssue({ message: "symbols must name at least one symbol, e.g. symbols=AAPL,MSFT" });
        return NEVER;
      }
      if (listed.length > MAX_SYMBOLS) {
        addIssue({ message: `symbols names ${listed.length} symbols; ask for at most ${MAX_SYMBOLS} per request` });
        return NEVER;
      }
      // Position, not value, in the message: the input is untrusted and need not be echoed back.
      const bad = listed.findIndex((s) => !SYMBOL_PATTERN.test(s));
      if (bad >= 0) {
        addIssue({ message: `symbols entry ${bad + 1} is not a valid symbol: each must be ${SYMBOL_RULE}` });
        return NEVER;
      }
      return [...new Set(listed)];
    }),
  ),
});

/** Query of the reports listing: `date` (default today, UTC) and `limit`. */
export const ReportsQuerySchema = v.object({
  date: v.optional(
    v.pipe(
      v.string(),
      v.regex(DATE_PATTERN, "date must be YYYY-MM-DD"),
      v.check(isCalendarDate, "date must be a real calendar day, YYYY-MM-DD"),
      v.description("UTC day the raw objects landed, YYYY-MM-DD. Default: today (UTC)."),
    ),
  ),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, `limit must be a whole number from 1 to ${REPORTS_LIMIT.max}`),
      v.description(`Most reports to return, newest first: 1..${REPORTS_LIMIT.max}, default ${REPORTS_LIMIT.default}.`),
      v.transform(Number),
      v.check((n) => n >= 1 && n <= REPORTS_LIMIT.max, `limit must be a whole number from 1 to ${REPORTS_LIMIT.max}`),
    ),
  ),
});

function isCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

// Response schemas: they document the API (openapi.json) and type what the handlers promise.

export const HealthSchema = v.object({ status: v.literal("ok") });

// `metadata.ref` makes the document name a schema once under components and `$ref` it everywhere else.
export const ErrorSchema = v.pipe(
  v.object({
    error: v.object({
      code: v.picklist(ERROR_CODES),
      message: v.string(),
      field: v.optional(v.pipe(v.string(), v.description("The request input at fault (400 only)."))),
    }),
  }),
  v.metadata({ ref: "Error" }),
);

export const LatestPriceDocSchema = v.pipe(LatestPriceSchema, v.metadata({ ref: "LatestPrice" }));

export const LatestPricesSchema = v.object({
  prices: v.array(LatestPriceDocSchema),
  missing: v.pipe(v.array(v.string()), v.description("Requested symbols with no stored price, in request order.")),
});

/**
 * The fields of a stored validation report this API reads, validated loosely: extra fields pass, and rule ids
 * are plain strings, so a report written by a newer gate (new rules, new fields) still lists. The full schema
 * is core's `ValidationReportSchema`; the type check below keeps the two from drifting apart.
 */
export const StoredReportSchema = v.looseObject({
  object: v.looseObject({ key: v.string(), object_id: v.optional(v.string()) }),
  success: v.boolean(),
  statistics: v.looseObject({
    evaluated: v.number(),
    passed: v.number(),
    rejected: v.number(),
    warned: v.optional(v.number()),
    deduplicated: v.optional(v.number()),
    rejection_rate: v.number(),
  }),
  results: v.optional(
    v.array(
      v.looseObject({
        rule: v.string(),
        severity: v.optional(v.string()),
        success: v.boolean(),
        unexpected_count: v.optional(v.number(), 0),
        unexpected_percent: v.optional(v.number(), 0),
      }),
    ),
    [],
  ),
  file_reject: v.optional(v.nullable(v.looseObject({ rule: v.string(), reason: v.string() })), null),
});

// Every report core's writer produces must pass the loose schema: a renamed field fails type-checking here.
const readsCoreReports: ValidationReport extends v.InferInput<typeof StoredReportSchema> ? true : false = true;
void readsCoreReports;

export const FailingRuleSchema = v.object({
  rule: v.string(),
  severity: v.nullable(v.string()),
  unexpected_count: v.number(),
  unexpected_percent: v.number(),
});

const ReportSummaryFields = v.object({
  report_key: v.string(),
  object_key: v.string(),
  object_id: v.string(),
  success: v.boolean(),
  last_modified: v.string(),
  statistics: v.object({
    evaluated: v.number(),
    passed: v.number(),
    rejected: v.number(),
    warned: v.nullable(v.number()),
    deduplicated: v.nullable(v.number()),
    rejection_rate: v.number(),
  }),
  file_reject: v.pipe(
    v.nullable(v.object({ rule: v.string(), reason: v.string() })),
    v.description("Set when the whole object was rejected (unparseable, provider error, gate failed)."),
  ),
  top_failing_rules: v.pipe(
    v.array(FailingRuleSchema),
    v.description("Up to 5 failed rules, most unexpected records first."),
  ),
});
export const ReportSummarySchema = v.pipe(ReportSummaryFields, v.metadata({ ref: "ReportSummary" }));
export type ReportSummary = v.InferOutput<typeof ReportSummarySchema>;

export const ReportsSchema = v.object({
  date: v.string(),
  total: v.pipe(v.number(), v.description("Reports stored for the date (before `limit`).")),
  reports: v.array(ReportSummarySchema),
  unreadable: v.pipe(v.array(v.string()), v.description("Report keys that were not JSON or lacked the fields read.")),
});
export type Reports = v.InferOutput<typeof ReportsSchema>;

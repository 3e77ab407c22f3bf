export {
  buildValidationReport,
  type ValidationReport,
  type ValidationReportInput,
  ValidationReportSchema,
} from "./report.js";
export { createQualityRun, type QualityRunOptions } from "./run.js";
export { DEFAULT_QUALITY_CONFIG, QUALITY_SUITE, RULE_IDS, ruleById, SUITE_ID, type SuiteRule } from "./suite.js";
export { fileRejectOutcome, MAX_EXAMPLES } from "./tally.js";
export type * from "./types.js";

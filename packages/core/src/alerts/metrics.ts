/**
 * Names of the metrics and log markers the functions emit and the CloudWatch alarms watch: one list, imported by
 * both the code (packages/functions) and the stacks (stacks/alerts.ts), so an alarm cannot watch a name nobody
 * emits. docs/observability.md describes each.
 */
export const METRIC_NAMES = {
  // validate, per object (EMF, dimension `service`)
  objectsProcessed: "ObjectsProcessed",
  objectsSkipped: "ObjectsSkipped",
  objectsRejected: "ObjectsRejected",
  recordsEvaluated: "RecordsEvaluated",
  recordsCurated: "RecordsCurated",
  recordsQuarantined: "RecordsQuarantined",
  recordsWarned: "RecordsWarned",
  rejectionRate: "RejectionRate",
  objectDuration: "ObjectDuration",
  /** Per rule (EMF, dimensions `service` and `rule`): records the rule rejected or warned about. */
  ruleViolations: "RuleViolations",
  /** From the QUALITY=FAIL log lines (a CloudWatch Logs metric filter), no dimensions: what the alarm watches. */
  qualityGateFailures: "QualityGateFailures",
  // freshness, per check (EMF)
  staleSymbols: "StaleSymbols",
  trackedSymbols: "TrackedSymbols",
} as const;

/** The validate handler's log message per object: what the metric filter counts and people grep for. */
export const QUALITY_MARKER = { pass: "QUALITY=PASS", fail: "QUALITY=FAIL" } as const;

/** The CloudWatch Logs filter pattern matching the handler's QUALITY=FAIL lines (Powertools JSON logs). */
export const QUALITY_FAIL_FILTER_PATTERN = `{ $.message = "${QUALITY_MARKER.fail}" }`;

/** Service names (Powertools `serviceName`, the EMF `service` dimension) of the functions that emit metrics. */
export const METRIC_SERVICES = { validate: "validate", freshness: "freshness" } as const;

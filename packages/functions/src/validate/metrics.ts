import type { Metrics } from "@aws-lambda-powertools/metrics";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMES } from "@market-data/core/alerts/index";
import type { ObjectOutcome } from "./validate-object.js";

/**
 * The EMF metrics of one object (names in docs/observability.md): counts of objects and records by outcome, the
 * rejection rate and the time it took, plus one `RuleViolations` metric per rule that rejected or warned about
 * records, with the rule as a dimension. They are flushed with the invocation's other metrics (`publishStoredMetrics`).
 */
export function recordObjectMetrics(metrics: Metrics, outcome: ObjectOutcome, durationMs: number): void {
  if (outcome.status === "skipped") {
    metrics.addMetric(METRIC_NAMES.objectsSkipped, MetricUnit.Count, 1);
    return;
  }
  const { report } = outcome;
  const s = report.statistics;
  const rejectedWhole = report.file_reject !== null;
  metrics.addMetric(METRIC_NAMES.objectsProcessed, MetricUnit.Count, 1);
  metrics.addMetric(METRIC_NAMES.objectsRejected, MetricUnit.Count, rejectedWhole ? 1 : 0);
  metrics.addMetric(METRIC_NAMES.recordsEvaluated, MetricUnit.Count, s.evaluated);
  // A rejected object curates nothing: every record it held is in quarantine.
  metrics.addMetric(METRIC_NAMES.recordsCurated, MetricUnit.Count, rejectedWhole ? 0 : s.passed - s.deduplicated);
  metrics.addMetric(METRIC_NAMES.recordsQuarantined, MetricUnit.Count, rejectedWhole ? s.evaluated : s.rejected);
  metrics.addMetric(METRIC_NAMES.recordsWarned, MetricUnit.Count, s.warned);
  metrics.addMetric(METRIC_NAMES.rejectionRate, MetricUnit.Percent, Number((s.rejection_rate * 100).toFixed(4)));
  metrics.addMetric(METRIC_NAMES.objectDuration, MetricUnit.Milliseconds, Math.round(durationMs));
  for (const result of report.results) {
    if (result.rule.startsWith("file.") || result.unexpected_count === 0) continue;
    const single = metrics.singleMetric();
    single.addDimension("rule", result.rule);
    single.addMetric(METRIC_NAMES.ruleViolations, MetricUnit.Count, result.unexpected_count);
  }
}

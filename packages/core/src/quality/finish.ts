import type { FileReject } from "../parse/types.js";
import type { FileFailure, RuleTally } from "./tally.js";
import type { GateOutcome, QualityConfig, ReportStatistics } from "./types.js";

const TOP_REASONS = 3;

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/**
 * The file-level rules over a finished run — `file.row_count`, then `file.rejection_rate` — and the outcome.
 * Both are judged and reported; the first one broken is the object's `fileReject`.
 */
export function finishRun(tally: RuleTally, config: QualityConfig, statistics: ReportStatistics): GateOutcome {
  const { evaluated, rejected, rejection_rate: rate } = statistics;
  const failures: FileFailure[] = [];
  if (evaluated === 0) {
    failures.push({ reject: fileReject("file.row_count", "the object holds no records"), value: 0 });
  } else if (evaluated > config.maxRows) {
    const reason = `the object holds ${evaluated} records, more than the maximum of ${config.maxRows}`;
    failures.push({ reject: fileReject("file.row_count", reason), value: evaluated });
  }
  if (rate > config.maxRejectionRate) {
    const reason =
      `${percent(rate)} of records were rejected (${rejected} of ${evaluated}), above the ` +
      `${percent(config.maxRejectionRate)} threshold; top reasons: ${tally.topErrors(TOP_REASONS)}`;
    failures.push({ reject: fileReject("file.rejection_rate", reason), value: rate });
  }
  const first = failures[0];
  const outcome: GateOutcome = {
    success: first === undefined,
    statistics,
    results: tally.results(evaluated, failures),
  };
  if (first !== undefined) outcome.fileReject = first.reject;
  return outcome;
}

function fileReject(rule: FileReject["rule"], reason: string): FileReject {
  return { ok: false, rule, reason };
}

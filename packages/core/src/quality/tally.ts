import type { FileReject, FileRuleId } from "../parse/types.js";
import { QUALITY_SUITE, ruleById } from "./suite.js";
import type { GateOutcome, RuleId, RuleResult } from "./types.js";

/** At most this many example values per rule in a report (QUALITY_RULES.md). */
export const MAX_EXAMPLES = 20;
// Examples echo raw input; a pathological line must not bloat the report.
const MAX_EXAMPLE_CHARS = 500;

const INDEX = new Map<RuleId, number>(QUALITY_SUITE.rules.map((rule, index) => [rule.id, index]));

/** Position of a rule in the suite, the index of its counters. */
export function ruleIndex(id: RuleId): number {
  return INDEX.get(id) ?? -1;
}

/** A file-level rule the object broke, with the observed value for the report's examples. */
export interface FileFailure {
  reject: FileReject;
  value: unknown;
}

/** Per-rule counters and the first examples of one run, in suite order. */
export class RuleTally {
  private readonly counts: number[] = QUALITY_SUITE.rules.map(() => 0);
  private readonly examples: { row: number; value: unknown }[][] = QUALITY_SUITE.rules.map(() => []);

  /** Counts one record breaking the rule at `index` (from `ruleIndex`) and keeps it as an example while room is left. */
  hit(index: number, row: number, value: unknown): void {
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    const examples = this.examples[index];
    if (examples !== undefined && examples.length < MAX_EXAMPLES) examples.push({ row, value: clip(value) });
  }

  /** The error rules that rejected most records, most first: `price.present (4), ohlc.high_bounds (2)`. */
  topErrors(limit: number): string {
    return QUALITY_SUITE.rules
      .map((rule, index) => ({ rule, count: this.counts[index] ?? 0 }))
      .filter(({ rule, count }) => rule.level === "record" && rule.severity === "error" && count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map(({ rule, count }) => `${rule.id} (${count})`)
      .join(", ");
  }

  /**
   * One result per suite rule. Record rules: records that broke them, as a share of `evaluated`. File rules
   * judge the object as one unit: 1 unexpected (100 %) when it broke the rule, with the observed value at row 0.
   */
  results(evaluated: number, failures: readonly FileFailure[]): RuleResult[] {
    return QUALITY_SUITE.rules.map((rule, index): RuleResult => {
      if (rule.level === "file") {
        const failure = failures.find((f) => f.reject.rule === rule.id);
        return {
          rule: rule.id,
          severity: rule.severity,
          reason: rule.reason,
          success: failure === undefined,
          unexpected_count: failure === undefined ? 0 : 1,
          unexpected_percent: failure === undefined ? 0 : 100,
          examples: failure === undefined ? [] : [{ row: 0, value: failure.value }],
        };
      }
      const count = this.counts[index] ?? 0;
      return {
        rule: rule.id,
        severity: rule.severity,
        reason: rule.reason,
        success: count === 0,
        unexpected_count: count,
        unexpected_percent: evaluated === 0 ? 0 : (count / evaluated) * 100,
        examples: [...(this.examples[index] ?? [])],
      };
    });
  }
}

function clip(value: unknown): unknown {
  return typeof value === "string" && value.length > MAX_EXAMPLE_CHARS
    ? `${value.slice(0, MAX_EXAMPLE_CHARS)}…`
    : value;
}

/**
 * The outcome of an object rejected before any record was judged (undecodable, unknown format, provider error,
 * missing columns, no symbol): zero counts and the result of the one file rule it broke; the rules that never ran
 * are left out rather than reported as passed. e.g. `fileRejectOutcome({ ok: false, rule: "file.decodable", reason })`.
 */
export function fileRejectOutcome(reject: FileReject): GateOutcome {
  const rule = ruleById(reject.rule);
  const fileRule: FileRuleId = reject.rule;
  return {
    success: false,
    statistics: { evaluated: 0, passed: 0, rejected: 0, warned: 0, deduplicated: 0, rejection_rate: 0 },
    results: [
      {
        rule: fileRule,
        severity: rule.severity,
        reason: rule.reason,
        success: false,
        unexpected_count: 1,
        unexpected_percent: 100,
        examples: [{ row: 0, value: reject.reason }],
      },
    ],
    fileReject: reject,
  };
}

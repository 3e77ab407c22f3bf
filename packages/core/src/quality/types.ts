import type { Bar, Interval } from "../bar.js";
import type { BarLineage } from "../bar-jsonl.js";
import type { CandidateBar, FileMeta, FileReject, FileRuleId } from "../parse/types.js";

/** Record-level rule ids of QUALITY_RULES.md. */
export type RecordRuleId =
  | "symbol.format"
  | "interval.known"
  | "ts.parseable"
  | "ts.not_future"
  | "ts.plausible"
  | "ts.aligned"
  | "price.present"
  | "price.positive"
  | "ohlc.high_bounds"
  | "ohlc.low_bounds"
  | "volume.valid"
  | "adj_close.positive"
  | "key.unique_conflict"
  | "key.unique_exact"
  | "return.outlier"
  | "volume.zero_equity"
  | "bar.stale"
  | "calendar.weekend_equity";

export type RuleId = FileRuleId | RecordRuleId;
export type Severity = "error" | "warn";

/** One broken rule on one record, with the plain-language reason that lands in quarantine and reports. */
export interface Violation {
  rule: RecordRuleId;
  reason: string;
}

/** What the gate decided for one record: data, never an exception. */
export type RecordVerdict =
  | { kind: "pass"; bar: Bar; warnings: readonly Violation[] }
  | { kind: "reject"; violations: readonly Violation[] }
  /** An exact duplicate of an earlier record of the object: counted as passed, written once (`key.unique_exact`). */
  | { kind: "duplicate"; warnings: readonly Violation[] };

/** The kind of a {@link RecordVerdict}, as `QualityRun.classify` returns it. */
export type VerdictKind = RecordVerdict["kind"];

export interface QualityConfig {
  /** `file.row_count`: most records one object may hold. */
  maxRows: number;
  /** `file.rejection_rate`: above this share of rejected records the whole object is quarantined. */
  maxRejectionRate: number;
  /** `return.outlier`: |log return| threshold per interval. */
  outlierThreshold: Readonly<Record<Interval, number>>;
}

/** The object being validated. Everything time-dependent is passed in, so the gate is a pure function. */
export interface ObjectContext {
  key: string;
  etag: string;
  /** Lineage `ingested_at`: when the raw object landed (its LastModified), canonical UTC ts. */
  ingestedAt: string;
  /** "Now" for `ts.not_future`, epoch ms. */
  now: number;
}

/** Per-rule outcome in a report, modelled on a Great Expectations expectation result. */
export interface RuleResult {
  rule: RuleId;
  severity: Severity;
  reason: string;
  success: boolean;
  unexpected_count: number;
  unexpected_percent: number;
  /** Up to 20 offending values with their record numbers. */
  examples: { row: number; value: unknown }[];
}

export interface ReportStatistics {
  evaluated: number;
  passed: number;
  rejected: number;
  warned: number;
  /** Exact duplicates counted as passed but written once: curated records = passed − deduplicated. */
  deduplicated: number;
  rejection_rate: number;
}

/** Outcome of the whole object's evaluation, before outputs are named. */
export interface GateOutcome {
  success: boolean;
  statistics: ReportStatistics;
  results: RuleResult[];
  /** Set when the whole object is rejected (row count, rejection rate). */
  fileReject?: FileReject;
}

/** One streaming evaluation of one object. */
export interface QualityRun {
  readonly meta: FileMeta;
  evaluate(candidate: CandidateBar): RecordVerdict;
  /**
   * `evaluate` without building the verdict, for the hot path (nothing is allocated for a record that passes
   * cleanly): the kind only. `lastFindings()` then gives the verdict's violations or warnings, and for a record
   * that passed, `barOf(candidate)` its canonical bar (`CuratedLineEncoder` writes the same bar's line).
   */
  classify(candidate: CandidateBar): VerdictKind;
  /** Violations (reject) or warnings (pass, duplicate) of the record classified last. */
  lastFindings(): readonly Violation[];
  /** The canonical bar of a record this run passed. */
  barOf(candidate: CandidateBar): Bar;
  /** The lineage every bar of the object carries. */
  readonly lineage: BarLineage;
  /**
   * Keys `symbol|interval|ts` seen with different values. Non-empty means the records already passed for
   * those keys must be withdrawn: the caller re-runs the object with `excludeKeys` set to this.
   */
  conflictingKeys(): ReadonlySet<string>;
  /** Applies the file-level rules (row count, rejection rate) and returns the statistics and per-rule results. */
  finish(): GateOutcome;
}

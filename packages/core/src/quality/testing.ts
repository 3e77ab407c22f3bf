import type { CandidateBar, FileMeta } from "../parse/types.js";
import { createQualityRun } from "./run.js";
import { DEFAULT_QUALITY_CONFIG } from "./suite.js";
import type { GateOutcome, ObjectContext, QualityConfig, RecordVerdict } from "./types.js";

/** Test factories for the quality gate (shared by its tests and by callers' tests). */

const DAY_MS = 86_400_000;

/** A CSV file of daily equity bars, as the CSV parser describes it. */
export const EQUITY_DAILY: FileMeta = {
  format: "csv",
  source: "csv",
  interval: "1d",
  assetClass: "equity",
  currency: "USD",
  timeZone: "America/New_York",
};

/** Validation of `raw/csv/AAPL.csv` at noon UTC on 2024-06-03. */
export const CONTEXT: ObjectContext = {
  key: "raw/csv/AAPL.csv",
  etag: '"0123abcd"',
  ingestedAt: "2024-06-03T11:59:00Z",
  now: Date.UTC(2024, 5, 3, 12),
};

/** A clean AAPL daily bar of Friday 2024-01-05; override what a test is about. e.g. `candidate({ close: NaN })`. */
export function candidate(overrides: Partial<CandidateBar> = {}): CandidateBar {
  return {
    row: 1,
    symbol: "AAPL",
    interval: "1d",
    tsMs: Date.UTC(2024, 0, 5),
    tradeDate: "2024-01-05",
    open: 100,
    high: 101,
    low: 99,
    close: 100.5,
    adjClose: null,
    volume: 1_000_000,
    input: "2024-01-05,100,101,99,100.5,1000000",
    ...overrides,
  };
}

/** A candidate dated `days` after 2024-01-01 (a Monday) at 00:00Z, trade date to match. */
export function onDay(days: number, overrides: Partial<CandidateBar> = {}): CandidateBar {
  const tsMs = Date.UTC(2024, 0, 1) + days * DAY_MS;
  const tradeDate = new Date(tsMs).toISOString().slice(0, 10);
  return candidate({ tsMs, tradeDate, input: `${tradeDate},…`, ...overrides });
}

/** Clean candidates numbered 1…n, weekdays only, with closes drifting gently. */
export function cleanDays(count: number): CandidateBar[] {
  const out: CandidateBar[] = [];
  for (let day = 0; out.length < count; day++) {
    if (day % 7 === 5 || day % 7 === 6) continue; // 2024-01-06 is a Saturday
    const close = 100 + out.length * 0.1;
    out.push(onDay(day, { row: out.length + 1, open: close, high: close + 1, low: close - 1, close }));
  }
  return out;
}

/** Renumbers rows 1…n in array order, as a parser would. */
export function numbered(candidates: CandidateBar[]): CandidateBar[] {
  return candidates.map((c, index) => ({ ...c, row: index + 1 }));
}

export interface ObjectRun {
  verdicts: RecordVerdict[];
  outcome: GateOutcome;
  /** How many runs it took: 2 when conflicts made the caller redo the object. */
  runs: number;
}

/** Runs an object the way the validate handler does: once, and again with the conflicting keys excluded. */
export function validateObject(
  candidates: readonly CandidateBar[],
  meta: FileMeta = EQUITY_DAILY,
  config: QualityConfig = DEFAULT_QUALITY_CONFIG,
  ctx: ObjectContext = CONTEXT,
): ObjectRun {
  let run = createQualityRun(meta, ctx, config);
  let verdicts = candidates.map((c) => run.evaluate(c));
  const conflicts = run.conflictingKeys();
  if (conflicts.size === 0) return { verdicts, outcome: run.finish(), runs: 1 };
  run = createQualityRun(meta, ctx, config, { excludeKeys: conflicts });
  verdicts = candidates.map((c) => run.evaluate(c));
  return { verdicts, outcome: run.finish(), runs: 2 };
}

/** Rule ids of a verdict's violations (reject) or warnings (pass, duplicate). */
export function rulesOf(verdict: RecordVerdict): string[] {
  return (verdict.kind === "reject" ? verdict.violations : verdict.warnings).map((v) => v.rule);
}

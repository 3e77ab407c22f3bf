import { type Bar, INTERVAL_MS, type Interval } from "../bar.js";
import { type BarLineage, curatedBar, lineageOf } from "../bar-jsonl.js";
import type { CandidateBar, FileMeta } from "../parse/types.js";
import {
  allPricesFinite,
  type Finding,
  highBelow,
  invalidAdjClose,
  invalidVolume,
  lowAbove,
  missingPrices,
  nonPositivePrices,
  quote,
} from "./checks.js";
import { barFingerprint } from "./fingerprint.js";
import { finishRun } from "./finish.js";
import { type KeyVerdict, type Series, SeriesBook } from "./series.js";
import { RuleTally, ruleIndex } from "./tally.js";
import { daysOfDate, describeTs, TsFormatter, weekdayOf } from "./time.js";
import type {
  GateOutcome,
  ObjectContext,
  QualityConfig,
  QualityRun,
  RecordRuleId,
  RecordVerdict,
  VerdictKind,
  Violation,
} from "./types.js";

/** Options of one evaluation of an object. */
export interface QualityRunOptions {
  /**
   * Keys `symbol|interval|ts` to reject with `key.unique_conflict`: pass `conflictingKeys()` of the previous run
   * (that very set, so reasons can say how many records share the key).
   */
  excludeKeys?: ReadonlySet<string>;
}

const NO_WARNINGS: readonly Violation[] = Object.freeze([]);
const DAY_MS = INTERVAL_MS["1d"];
const MINUTE_MS = 60_000;

/**
 * Starts the streaming evaluation of one object: `evaluate` each record in file order, then `finish`. When
 * `conflictingKeys()` is non-empty afterwards, records already passed must be withdrawn: run the object again
 * with `{ excludeKeys: run.conflictingKeys() }`, and only that run's verdicts and outcome count.
 * e.g. `const run = createQualityRun(parser.meta, ctx, DEFAULT_QUALITY_CONFIG)`.
 */
export function createQualityRun(
  meta: FileMeta,
  ctx: ObjectContext,
  config: QualityConfig,
  options?: QualityRunOptions,
): QualityRun {
  return new StreamingRun(meta, ctx, config, options?.excludeKeys);
}

class StreamingRun implements QualityRun {
  private readonly tally = new RuleTally();
  private readonly book: SeriesBook;
  private readonly ts = new TsFormatter();
  readonly lineage: BarLineage;
  private readonly equity: boolean;
  /** Violations (reject) or warnings (pass, duplicate) of the last record classified. */
  private findings: readonly Violation[] = NO_WARNINGS;
  /** `daysOfDate` of the trade date of the record being classified. */
  private tradeDays = Number.NaN;
  /** The last trade date read, and its `daysOfDate`. */
  private lastTradeDate = "";
  private lastTradeDays = Number.NaN;
  private evaluated = 0;
  private rejected = 0;
  private warned = 0;
  private deduplicated = 0;

  constructor(
    readonly meta: FileMeta,
    private readonly ctx: ObjectContext,
    private readonly config: QualityConfig,
    excludeKeys: ReadonlySet<string> | undefined,
  ) {
    this.book = new SeriesBook(excludeKeys);
    this.lineage = lineageOf(meta, ctx);
    this.equity = meta.assetClass === "equity";
  }

  evaluate(c: CandidateBar): RecordVerdict {
    const kind = this.classify(c);
    const findings = this.findings;
    if (kind === "pass") return { kind, bar: this.barOf(c), warnings: findings };
    if (kind === "duplicate") return { kind, warnings: findings };
    return { kind, violations: findings };
  }

  lastFindings(): readonly Violation[] {
    return this.findings;
  }

  barOf(c: CandidateBar): Bar {
    return curatedBar(c, c.interval as Interval, this.ts.format(c.tsMs), this.meta, this.lineage);
  }

  classify(c: CandidateBar): VerdictKind {
    this.evaluated++;
    const row = c.row;
    let errors: Violation[] | undefined;
    const symbol = this.book.symbol(c.symbol);
    if (!symbol.valid) {
      const reason =
        c.symbol === "" ? "symbol is missing" : `symbol ${quote(c.symbol)} is not 1–24 of A-Z 0-9 . - ^ = / :`;
      errors = this.flag(errors, "symbol.format", reason, row, c.symbol === "" ? c.input : c.symbol);
    }
    const interval = c.interval;
    if (interval === null) {
      const reason = "the record's interval is not one the pipeline supports (1d, 1h, 30m, 15m, 5m, 1m)";
      errors = this.flag(errors, "interval.known", reason, row, c.input);
    }
    errors = this.checkTime(c, interval, errors);
    errors = this.found(errors, "price.present", missingPrices(c), row);
    const nonPositive = nonPositivePrices(c);
    errors = this.found(errors, "price.positive", nonPositive, row);
    // Bounds only mean something between real prices: a missing or ≤ 0 price already explains the record.
    if (nonPositive === undefined && allPricesFinite(c)) {
      errors = this.found(errors, "ohlc.high_bounds", highBelow(c), row);
      errors = this.found(errors, "ohlc.low_bounds", lowAbove(c), row);
    }
    errors = this.found(errors, "volume.valid", invalidVolume(c), row);
    errors = this.found(errors, "adj_close.positive", invalidAdjClose(c), row);
    if (errors !== undefined || interval === null) return this.reject(errors ?? []);
    return this.judgeKey(c, c.symbol, interval);
  }

  conflictingKeys(): ReadonlySet<string> {
    return this.book.conflictingKeys();
  }

  finish(): GateOutcome {
    return finishRun(this.tally, this.config, {
      evaluated: this.evaluated,
      passed: this.evaluated - this.rejected,
      rejected: this.rejected,
      warned: this.warned,
      deduplicated: this.deduplicated,
      rejection_rate: this.evaluated === 0 ? 0 : this.rejected / this.evaluated,
    });
  }

  /** ts.parseable, ts.not_future, ts.plausible, ts.aligned; the last three only for a parsed ts. */
  private checkTime(c: CandidateBar, interval: Interval | null, errors: Violation[] | undefined) {
    const tsMs = c.tsMs;
    const row = c.row;
    if (!Number.isFinite(tsMs)) {
      const why = c.tsError ?? (Number.isNaN(tsMs) ? "no timestamp" : `${tsMs}`);
      return this.flag(errors, "ts.parseable", `ts does not parse: ${why}`, row, c.input);
    }
    let list = errors;
    // An unknown interval still gets the future check, with the longest interval's slack.
    const intervalMs = interval === null ? DAY_MS : INTERVAL_MS[interval];
    if (tsMs > this.ctx.now + intervalMs) {
      const ts = describeTs(tsMs);
      list = this.flag(list, "ts.not_future", `ts ${ts} is in the future`, row, ts);
    }
    if (tsMs < 0) {
      const ts = describeTs(tsMs);
      list = this.flag(list, "ts.plausible", `ts ${ts} is before 1970-01-01`, row, ts);
    } else if (interval !== null && tsMs % intervalMs !== 0) {
      const ts = describeTs(tsMs);
      const reason =
        interval === "1d"
          ? `ts ${ts} is not midnight UTC (daily bars start at 00:00:00Z of their date)`
          : `ts ${ts} is not on a ${interval} boundary`;
      list = this.flag(list, "ts.aligned", reason, row, ts);
    }
    // Intraday records share their trade date with the records before them (parsers hand out the very same string).
    const date = c.tradeDate;
    let days = this.lastTradeDays;
    if (date !== this.lastTradeDate) {
      days = daysOfDate(date);
      this.lastTradeDate = date;
      this.lastTradeDays = days;
    }
    this.tradeDays = days;
    if (Number.isNaN(days)) {
      const reason = `trade_date ${quote(c.tradeDate)} is not a YYYY-MM-DD date`;
      list = this.flag(list, "ts.parseable", reason, row, c.input);
    }
    return list;
  }

  /** key.unique_* for a record that broke no other error rule, then the warn rules (the bar is `barOf`'s). */
  private judgeKey(c: CandidateBar, symbol: string, interval: Interval): VerdictKind {
    const series = this.book.series(symbol, interval);
    const minute = c.tsMs / MINUTE_MS;
    // Past maxRows the object is rejected anyway; stop remembering keys so memory stays bounded.
    const remember = this.evaluated <= this.config.maxRows;
    const fingerprint = barFingerprint(c.open, c.high, c.low, c.close, c.adjClose, c.volume);
    const key: KeyVerdict | undefined = remember ? this.book.judge(series, minute, fingerprint) : undefined;
    if (key?.kind === "conflict") {
      const ts = this.ts.format(c.tsMs);
      const shared = key.count === undefined ? "several records share" : `${key.count} records share`;
      const reason = `${shared} ${symbol} ${interval} ${ts} with different values`;
      return this.reject(this.flag(undefined, "key.unique_conflict", reason, c.row, `${symbol}|${interval}|${ts}`));
    }
    if (key?.kind === "duplicate") {
      const ts = this.ts.format(c.tsMs);
      this.deduplicated++;
      this.warned++;
      const reason = `exact duplicate of an earlier record for ${symbol} ${interval} ${ts}: kept once`;
      this.findings = this.flag(undefined, "key.unique_exact", reason, c.row, `${symbol}|${interval}|${ts}`);
      return "duplicate";
    }
    const warnings = this.warn(c, interval, series);
    series.remember(c.open, c.high, c.low, c.close, c.volume);
    if (warnings !== undefined) this.warned++;
    this.findings = warnings ?? NO_WARNINGS;
    return "pass";
  }

  /** return.outlier and bar.stale against the previous passing bar of the series; the equity-daily checks. */
  private warn(c: CandidateBar, interval: Interval, series: Series) {
    let warnings: Violation[] | undefined;
    const { open, high, low, close, volume, row } = c;
    if (series.hasPrevious) {
      const prev = series.prevClose;
      const logReturn = Math.log(close / prev);
      const threshold = this.config.outlierThreshold[interval];
      if (logReturn > threshold || logReturn < -threshold) {
        const size = Math.abs(logReturn).toFixed(3);
        const reason = `close ${close} after previous close ${prev}: |log return| ${size} exceeds ${threshold} for ${interval} bars`;
        warnings = this.flag(warnings, "return.outlier", reason, row, close);
      }
      if (series.isRepeat(open, high, low, close, volume)) {
        const reason = `open ${open}, high ${high}, low ${low}, close ${close}, volume ${volume} repeat the previous bar`;
        warnings = this.flag(warnings, "bar.stale", reason, row, close);
      }
    }
    // A record may carry its own asset class (JSONL, a CSV column): crypto trades on weekends, equities do not.
    if ((c.assetClass === undefined ? this.equity : c.assetClass === "equity") && interval === "1d") {
      if (volume === 0) {
        warnings = this.flag(warnings, "volume.zero_equity", "equity daily bar with volume 0", row, volume);
      }
      const weekday = weekdayOf(this.tradeDays); // checkTime read this record's trade date
      if (weekday === 0 || weekday === 6) {
        const reason = `equity daily bar dated ${c.tradeDate}, a ${weekday === 0 ? "Sunday" : "Saturday"}`;
        warnings = this.flag(warnings, "calendar.weekend_equity", reason, row, c.tradeDate);
      }
    }
    return warnings;
  }

  private reject(violations: readonly Violation[]): VerdictKind {
    this.rejected++;
    this.findings = violations;
    return "reject";
  }

  private found(list: Violation[] | undefined, rule: RecordRuleId, finding: Finding | undefined, row: number) {
    return finding === undefined ? list : this.flag(list, rule, finding.reason, row, finding.value);
  }

  /** Records one broken rule: into the record's list (created on first use) and the run's tally. */
  private flag(list: Violation[] | undefined, rule: RecordRuleId, reason: string, row: number, value: unknown) {
    this.tally.hit(ruleIndex(rule), row, value);
    const violation: Violation = { rule, reason };
    if (list === undefined) return [violation];
    list.push(violation);
    return list;
  }
}

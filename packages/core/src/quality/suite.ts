import type { QualityConfig, RuleId, Severity } from "./types.js";

/** One rule of the suite: what it checks, how bad breaking it is, and why, in words a data consumer reads. */
export interface SuiteRule {
  readonly id: RuleId;
  /** `file` rules reject the whole object (quarantine/files/); `record` rules judge one record. */
  readonly level: "file" | "record";
  readonly severity: Severity;
  /** Plain-language statement of the rule; per-record reasons say how a record broke it. */
  readonly reason: string;
}

/**
 * The declarative quality suite of QUALITY_RULES.md, versioned so every report names the rules it applied.
 * Bump `version` whenever a rule, a severity or a default threshold changes. e.g. `QUALITY_SUITE.rules.length`.
 */
export const QUALITY_SUITE = {
  name: "market-bars",
  version: "1.0.0",
  rules: [
    {
      id: "file.decodable",
      level: "file",
      severity: "error",
      reason: "the object must decode (gzip, UTF-8) and parse in its format",
    },
    {
      id: "file.format_known",
      level: "file",
      severity: "error",
      reason: "the object's format must be recognised from its content",
    },
    {
      id: "file.not_provider_error",
      level: "file",
      severity: "error",
      reason: "the object must not be a provider's error or throttle payload",
    },
    { id: "file.columns_present", level: "file", severity: "error", reason: "the required columns must be present" },
    {
      id: "file.symbol_resolved",
      level: "file",
      severity: "error",
      reason: "every record must have a symbol (column, metadata or key)",
    },
    {
      id: "file.row_count",
      level: "file",
      severity: "error",
      reason: "the object must hold between 1 and the configured maximum of records",
    },
    {
      id: "file.rejection_rate",
      level: "file",
      severity: "error",
      reason: "the share of rejected records must not exceed the configured maximum",
    },
    {
      id: "symbol.format",
      level: "record",
      severity: "error",
      reason: "the symbol must be 1–24 of A-Z 0-9 . - ^ = / :",
    },
    {
      id: "interval.known",
      level: "record",
      severity: "error",
      reason: "the interval must be one the pipeline supports (1d, 1h, 30m, 15m, 5m, 1m)",
    },
    {
      id: "ts.parseable",
      level: "record",
      severity: "error",
      reason: "the timestamp must parse and its time zone must be known",
    },
    {
      id: "ts.not_future",
      level: "record",
      severity: "error",
      reason: "the timestamp must not be after now plus one interval",
    },
    { id: "ts.plausible", level: "record", severity: "error", reason: "the timestamp must not be before 1970-01-01" },
    {
      id: "ts.aligned",
      level: "record",
      severity: "error",
      reason: "the timestamp must start an interval (daily bars: midnight UTC of the date)",
    },
    {
      id: "price.present",
      level: "record",
      severity: "error",
      reason: "open, high, low and close must be present, numeric and finite",
    },
    { id: "price.positive", level: "record", severity: "error", reason: "all prices must be greater than 0" },
    {
      id: "ohlc.high_bounds",
      level: "record",
      severity: "error",
      reason: "high must be at least the open, the close and the low",
    },
    { id: "ohlc.low_bounds", level: "record", severity: "error", reason: "low must be at most the open and the close" },
    {
      id: "volume.valid",
      level: "record",
      severity: "error",
      reason: "volume must be present, a whole number and not negative",
    },
    {
      id: "adj_close.positive",
      level: "record",
      severity: "error",
      reason: "the adjusted close, when given, must be a finite number greater than 0",
    },
    {
      id: "key.unique_conflict",
      level: "record",
      severity: "error",
      reason: "records sharing symbol, interval and ts must not differ: all of them are rejected",
    },
    {
      id: "key.unique_exact",
      level: "record",
      severity: "warn",
      reason: "an exact duplicate of an earlier record is kept once",
    },
    {
      id: "return.outlier",
      level: "record",
      severity: "warn",
      reason: "the |log return| to the previous bar of the symbol exceeds the interval's threshold",
    },
    { id: "volume.zero_equity", level: "record", severity: "warn", reason: "an equity daily bar has zero volume" },
    {
      id: "bar.stale",
      level: "record",
      severity: "warn",
      reason: "open, high, low, close and volume repeat the previous bar of the symbol",
    },
    {
      id: "calendar.weekend_equity",
      level: "record",
      severity: "warn",
      reason: "an equity daily bar is dated on a Saturday or Sunday",
    },
  ],
} as const satisfies { name: string; version: string; rules: readonly SuiteRule[] };

/** `name@version`, the suite identifier written into every report. e.g. `market-bars@1.0.0`. */
export const SUITE_ID = `${QUALITY_SUITE.name}@${QUALITY_SUITE.version}` as const;

/** Every rule id in suite order. e.g. `RULE_IDS[0] === "file.decodable"`. */
export const RULE_IDS: readonly RuleId[] = QUALITY_SUITE.rules.map((rule) => rule.id);

type SuiteRuleId = (typeof QUALITY_SUITE.rules)[number]["id"];
// Keyed by the suite's own ids: indexing it with any RuleId only compiles while the suite lists every rule id.
const BY_ID = Object.fromEntries(QUALITY_SUITE.rules.map((rule) => [rule.id, rule])) as Record<SuiteRuleId, SuiteRule>;

/** The suite's definition of a rule. e.g. `ruleById("ohlc.high_bounds").severity === "error"`. */
export function ruleById(id: RuleId): SuiteRule {
  return BY_ID[id];
}

/**
 * Defaults of the gate. Outlier thresholds: 0.5 for daily bars (a ±65 %/−39 % day) flags split, unit and decimal
 * errors (ln 2 ≈ 0.69, ln 10 ≈ 2.3, ln 100 ≈ 4.6) but not genuine big days. Intraday bars move less, yet they do
 * not scale down with √time: the first bar of a session is compared with the last bar of the previous one, so the
 * threshold must leave room for overnight and earnings gaps (15–25 % is not rare). Hence a floor of 0.15 (≈ 16 %)
 * for 1m, which still catches bad ticks and every unit error. e.g. `DEFAULT_QUALITY_CONFIG.maxRejectionRate`.
 */
export const DEFAULT_QUALITY_CONFIG = {
  // 5M rows: ~10 years of 1m bars of one 24/7 symbol; larger objects should be split before they land.
  maxRows: 5_000_000,
  maxRejectionRate: 0.05,
  outlierThreshold: { "1d": 0.5, "1h": 0.3, "30m": 0.25, "15m": 0.2, "5m": 0.2, "1m": 0.15 },
} as const satisfies QualityConfig;

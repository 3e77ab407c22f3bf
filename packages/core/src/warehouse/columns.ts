import { BAR_COLUMNS } from "../bar.js";

/** The schema every warehouse table lives in. */
export const WAREHOUSE_SCHEMA = "market_data";

/** Logical column types; each dialect maps them to its own (ddl.ts). */
export type ColumnType = "text" | "timestamp" | "date" | "double" | "bigint" | "boolean";

/** One column of the delta / fct_bars. `maxBytes` sizes Redshift's VARCHAR; `nullable` false adds NOT NULL. */
export interface ColumnDef {
  name: string;
  type: ColumnType;
  nullable: boolean;
  maxBytes?: number;
}

const required = (name: string, type: ColumnType, maxBytes?: number): ColumnDef => ({
  name,
  type,
  nullable: false,
  ...(maxBytes === undefined ? {} : { maxBytes }),
});
const optional = (name: string, type: ColumnType, maxBytes?: number): ColumnDef => ({
  ...required(name, type, maxBytes),
  nullable: true,
});

/** The indicator columns of the delta, in file order (packages/glue/README.md, columns 17–37). */
export const INDICATOR_COLUMNS = [
  "return_1d",
  "log_return",
  "sma_5",
  "sma_20",
  "sma_50",
  "sma_200",
  "ema_12",
  "ema_26",
  "macd",
  "macd_signal",
  "macd_hist",
  "rsi_14",
  "bb_middle",
  "bb_upper",
  "bb_lower",
  "volatility_20",
  "volatility_20_raw",
  "daily_range",
  "volume_change",
  "golden_cross",
  "death_cross",
] as const;
export type IndicatorColumn = (typeof INDICATOR_COLUMNS)[number];

const BOOLEAN_INDICATORS: ReadonlySet<string> = new Set(["golden_cross", "death_cross"]);

/**
 * The delta Parquet's 37 columns in file order. Redshift's COPY … FORMAT AS PARQUET maps columns by position,
 * so this order is the contract with the Glue job: only ever append. e.g. `DELTA_COLUMNS[2].name === "ts"`.
 */
export const DELTA_COLUMNS: readonly ColumnDef[] = [
  required("symbol", "text", 24),
  required("interval", "text", 4),
  required("ts", "timestamp"),
  required("trade_date", "date"),
  required("open", "double"),
  required("high", "double"),
  required("low", "double"),
  required("close", "double"),
  optional("adj_close", "double"),
  required("volume", "bigint"),
  optional("currency", "text", 8),
  required("asset_class", "text", 16),
  required("source", "text", 32),
  // S3 keys are at most 1024 bytes.
  required("source_key", "text", 1024),
  required("source_etag", "text", 128),
  required("ingested_at", "timestamp"),
  ...INDICATOR_COLUMNS.map((name) => optional(name, BOOLEAN_INDICATORS.has(name) ? "boolean" : "double")),
];

/** Lineage of the load itself, after the delta's columns: which run last wrote the row, and when. */
export const LOAD_COLUMNS: readonly ColumnDef[] = [required("run_id", "text", 128), required("loaded_at", "timestamp")];

/** Every column of `market_data.fct_bars`, in table order. */
export const FCT_BARS_COLUMNS: readonly ColumnDef[] = [...DELTA_COLUMNS, ...LOAD_COLUMNS];

/** The unique key of a bar (DESIGN.md): the stage is de-duplicated on it and the merge matches on it. */
export const BAR_KEY = ["symbol", "interval", "ts"] as const;

/** The columns `GET /v1/bars` returns, after `ts`. */
export const BAR_VALUE_COLUMNS = [
  "trade_date",
  "open",
  "high",
  "low",
  "close",
  "adj_close",
  "volume",
  "currency",
] as const;
export type BarValueColumn = (typeof BAR_VALUE_COLUMNS)[number];

/** Columns a read may select: a whitelist, so a requested name is only ever compared, never spliced. */
export type ReadableColumn = BarValueColumn | IndicatorColumn;

/** The definition of a column by name, or undefined. */
export function columnDef(name: string): ColumnDef | undefined {
  return FCT_BARS_COLUMNS.find((column) => column.name === name);
}

// The delta's first 16 columns are the curated record: a renamed bar field fails here, not in a COPY.
const curatedPrefix = DELTA_COLUMNS.slice(0, BAR_COLUMNS.length).map((column) => column.name);
if (curatedPrefix.join() !== BAR_COLUMNS.join()) {
  throw new Error(`DELTA_COLUMNS must start with BAR_COLUMNS: ${curatedPrefix.join()} vs ${BAR_COLUMNS.join()}`);
}

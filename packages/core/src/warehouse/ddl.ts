import { BAR_KEY, type ColumnDef, type ColumnType, FCT_BARS_COLUMNS, WAREHOUSE_SCHEMA } from "./columns.js";
import { type Dialect, q } from "./sql.js";

/** `market_data.fct_bars`: one row per bar (symbol, interval, ts), its indicators and its load lineage. */
export const FCT_BARS = `${WAREHOUSE_SCHEMA}.fct_bars`;
/** `market_data.merge_runs`: one row per merge attempt of a transform run (the audit). */
export const MERGE_RUNS = `${WAREHOUSE_SCHEMA}.merge_runs`;
/** `market_data.schema_migrations`: the migration versions applied. */
export const SCHEMA_MIGRATIONS = `${WAREHOUSE_SCHEMA}.schema_migrations`;

/** Merge statuses recorded in `merge_runs`. */
export const MERGE_STATUS = { merged: "MERGED", failed: "FAILED" } as const;

const POSTGRES_TYPES = {
  text: "text",
  // timestamptz: instants compare as instants whatever the session's zone; Redshift's TIMESTAMP holds UTC.
  timestamp: "timestamptz",
  date: "date",
  double: "double precision",
  bigint: "bigint",
  boolean: "boolean",
} as const satisfies Record<ColumnType, string>;

/** The column's type in a dialect. Redshift sizes VARCHAR in bytes: the symbol pattern is ASCII. */
export function sqlType(dialect: Dialect, column: ColumnDef): string {
  if (dialect === "postgres") return POSTGRES_TYPES[column.type];
  switch (column.type) {
    case "text":
      return `VARCHAR(${column.maxBytes ?? 256})`;
    case "timestamp":
      return "TIMESTAMP";
    case "date":
      return "DATE";
    case "double":
      return "DOUBLE PRECISION";
    case "bigint":
      return "BIGINT";
    case "boolean":
      return "BOOLEAN";
  }
}

/**
 * Key columns that hold identifiers (tickers, interval codes), not prose: PostgreSQL compares and sorts them byte
 * by byte (`COLLATE "C"`), which is the order they have anyway and spares every key-index probe and every sort
 * the locale's string comparison. Redshift compares bytes already.
 */
export const BYTEWISE_COLUMNS: readonly string[] = ["symbol", "interval"];

/** ` COLLATE "C"` after a bytewise column's type on PostgreSQL; nothing otherwise. */
export function keyCollation(dialect: Dialect, column: string): string {
  return dialect === "postgres" && BYTEWISE_COLUMNS.includes(column) ? ' COLLATE "C"' : "";
}

/**
 * Migration 2 (PostgreSQL; Redshift has nothing to do): fct_bars as the merge writes it fastest.
 * - The key columns compare byte by byte. Only the key index is rebuilt: the stored text stays the same.
 * - No index on `run_id`: every row a merge writes paid for it (about a second a million rows on the bench
 *   machine), and nothing reads by it but a rare audit, which can scan.
 */
export function mergeFriendlyFctBarsDdl(dialect: Dialect): string[] {
  if (dialect === "redshift") return [];
  const alters = BYTEWISE_COLUMNS.map((c) => `ALTER COLUMN ${q(c)} TYPE text${keyCollation(dialect, c)}`);
  return [`ALTER TABLE ${FCT_BARS} ${alters.join(", ")}`, `DROP INDEX IF EXISTS ${WAREHOUSE_SCHEMA}.fct_bars_run_id`];
}

/**
 * Migration 3 (PostgreSQL; Redshift has no such index): the key index keeps one entry a row version, without
 * merging equal keys into posting lists. A merge that replaces rows inserts a second entry for each replaced key;
 * with deduplication on, every full leaf page is first tried for merging (futile: the old versions are only
 * deleted by the merge's own transaction) and then split anyway. Off, it is split straight away: the bench's
 * 1M-row merge writes the index about half a second faster, for an index ~4 % larger after it.
 */
export function keyIndexWithoutDeduplicationDdl(dialect: Dialect): string[] {
  if (dialect === "redshift") return [];
  return [`ALTER INDEX ${WAREHOUSE_SCHEMA}.fct_bars_pkey SET (deduplicate_items = off)`];
}

/** Redshift's compound sort key: one series is contiguous, and a ts range of it is one zone-map range. */
export const REDSHIFT_SORT_KEY = ["symbol", "interval", "ts"] as const;
const SORT_KEY: ReadonlySet<string> = new Set(REDSHIFT_SORT_KEY);

/**
 * Redshift encodings: AZ64 for what it supports (integers, dates, timestamps), ZSTD for text, doubles and
 * booleans (AZ64 takes neither), and RAW for the sort key columns, as Redshift itself would choose: a highly
 * compressed sort key column packs far more rows per block than the others and blunts range-restricted scans.
 */
export function redshiftEncoding(column: ColumnDef): "AZ64" | "ZSTD" | "RAW" {
  if (SORT_KEY.has(column.name)) return "RAW";
  return column.type === "bigint" || column.type === "date" || column.type === "timestamp" ? "AZ64" : "ZSTD";
}

function columnLines(dialect: Dialect, columns: readonly ColumnDef[]): string[] {
  return columns.map((column) => {
    const notNull = column.nullable ? "" : " NOT NULL";
    const encode = dialect === "redshift" ? ` ENCODE ${redshiftEncoding(column)}` : "";
    return `  ${q(column.name)} ${sqlType(dialect, column)}${notNull}${encode}`;
  });
}

const keyList = (names: readonly string[]) => names.map(q).join(", ");

/**
 * `CREATE TABLE IF NOT EXISTS market_data.fct_bars`. PostgreSQL enforces the key and indexes the load lineage;
 * Redshift enforces neither (it has no enforced keys: the merge keeps the key unique), distributes on symbol so
 * a series lives on one slice and the merge's join on the key is collocated, and sorts by series then time.
 */
export function fctBarsDdl(dialect: Dialect): string[] {
  const lines = columnLines(dialect, FCT_BARS_COLUMNS);
  if (dialect === "postgres") {
    return [
      `CREATE TABLE IF NOT EXISTS ${FCT_BARS} (\n${[...lines, `  PRIMARY KEY (${keyList(BAR_KEY)})`].join(",\n")}\n)`,
      // Which rows a run wrote: for audits and for backing a bad run out.
      `CREATE INDEX IF NOT EXISTS fct_bars_run_id ON ${FCT_BARS} (${q("run_id")})`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${FCT_BARS} (\n${lines.join(",\n")}\n)\n` +
      `DISTSTYLE KEY\nDISTKEY (${q("symbol")})\nCOMPOUND SORTKEY (${keyList(REDSHIFT_SORT_KEY)})`,
  ];
}

/** Columns of `merge_runs`: counts are null on a FAILED attempt, `error` is null on a MERGED one. */
export const MERGE_RUNS_COLUMNS: readonly ColumnDef[] = [
  { name: "run_id", type: "text", nullable: false, maxBytes: 128 },
  { name: "status", type: "text", nullable: false, maxBytes: 16 },
  { name: "rows_staged", type: "bigint", nullable: true },
  { name: "rows_inserted", type: "bigint", nullable: true },
  { name: "rows_updated", type: "bigint", nullable: true },
  { name: "rows_unchanged", type: "bigint", nullable: true },
  { name: "started_at", type: "timestamp", nullable: false },
  { name: "finished_at", type: "timestamp", nullable: false },
  { name: "error", type: "text", nullable: true, maxBytes: 4096 },
];

/**
 * `CREATE TABLE IF NOT EXISTS market_data.merge_runs`. PostgreSQL also makes "merged once" a constraint (a
 * partial unique index); on Redshift the merge statement's own guard keeps it. The audit is tiny: Redshift
 * copies it to every node (DISTSTYLE ALL) so the guard's lookup never moves data.
 */
export function mergeRunsDdl(dialect: Dialect): string[] {
  const lines = columnLines(dialect, MERGE_RUNS_COLUMNS);
  if (dialect === "postgres") {
    return [
      `CREATE TABLE IF NOT EXISTS ${MERGE_RUNS} (\n${[...lines, `  PRIMARY KEY (${keyList(["run_id", "started_at"])})`].join(",\n")}\n)`,
      `CREATE UNIQUE INDEX IF NOT EXISTS merge_runs_merged_once ON ${MERGE_RUNS} (${q("run_id")}) ` +
        `WHERE ${q("status")} = '${MERGE_STATUS.merged}'`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${MERGE_RUNS} (\n${lines.join(",\n")}\n)\nDISTSTYLE ALL\nSORTKEY (${q("started_at")})`,
  ];
}

/** The schema and the migrations ledger, created before anything else (idempotent in both dialects). */
export function bootstrapDdl(dialect: Dialect): string[] {
  const columns: ColumnDef[] = [
    { name: "version", type: "bigint", nullable: false },
    { name: "name", type: "text", nullable: false, maxBytes: 256 },
    { name: "applied_at", type: "timestamp", nullable: false },
  ];
  const lines = columnLines(dialect, columns);
  const body = dialect === "postgres" ? [...lines, `  PRIMARY KEY (${q("version")})`] : lines;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${WAREHOUSE_SCHEMA}`,
    `CREATE TABLE IF NOT EXISTS ${SCHEMA_MIGRATIONS} (\n${body.join(",\n")}\n)${dialect === "redshift" ? "\nDISTSTYLE ALL" : ""}`,
  ];
}

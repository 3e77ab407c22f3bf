import type { Interval } from "../bar.js";
import { BAR_VALUE_COLUMNS, INDICATOR_COLUMNS, type ReadableColumn } from "./columns.js";
import { FCT_BARS } from "./ddl.js";
import { redshiftTimestamp } from "./merge-sql.js";
import { Binder, type BoundSql, type Dialect, q } from "./sql.js";

/** Every column a read may name: the whitelist a requested column is checked against. */
export const READABLE_COLUMNS: readonly ReadableColumn[] = [...BAR_VALUE_COLUMNS, ...INDICATOR_COLUMNS];
const READABLE: ReadonlySet<string> = new Set(READABLE_COLUMNS);

/** One page of one series, `ts` first. Instants are canonical UTC (`2024-01-05T00:00:00Z`). */
export interface SeriesReadQuery {
  symbol: string;
  interval: Interval;
  /** Inclusive lower bound. */
  fromTs?: string;
  /** Exclusive upper bound. */
  toTs?: string;
  /** The cursor: rows strictly after this `ts` in the read's order. */
  afterTs?: string;
  order: "asc" | "desc";
  /** Rows to fetch: a page plus one, to know whether another page follows. */
  limit: number;
  columns: readonly ReadableColumn[];
}

/** Largest `limit` a read statement accepts. */
export const MAX_READ_ROWS = 10_001;

/**
 * The statement that reads one page of a series. Every value from the request is a bind parameter; column
 * names come only from the whitelist (a name not on it throws). e.g. `seriesReadSql("postgres", { symbol:
 * "AAPL", interval: "1d", order: "asc", limit: 101, columns: ["close"] })`.
 */
export function seriesReadSql(dialect: Dialect, query: SeriesReadQuery): BoundSql {
  for (const column of query.columns) {
    if (!READABLE.has(column)) throw new Error(`not a readable column: ${JSON.stringify(column)}`);
  }
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_READ_ROWS) {
    throw new Error(`read limit must be an integer from 1 to ${MAX_READ_ROWS}`);
  }
  const b = new Binder(dialect);
  const pg = dialect === "postgres";
  const instant = (name: string, iso: string) =>
    pg ? `${b.bind(name, iso)}::timestamptz` : `CAST(${b.bind(name, redshiftTimestamp(iso))} AS TIMESTAMP)`;
  const select = [`${utcText(dialect, "ts")} AS ${q("ts")}`];
  for (const column of query.columns) {
    select.push(column === "trade_date" ? `TO_CHAR(${q(column)}, 'YYYY-MM-DD') AS ${q(column)}` : q(column));
  }
  const where = [
    `${q("symbol")} = ${b.bind("symbol", query.symbol)}`,
    `${q("interval")} = ${b.bind("interval", query.interval)}`,
  ];
  if (query.fromTs !== undefined) where.push(`${q("ts")} >= ${instant("from_ts", query.fromTs)}`);
  if (query.toTs !== undefined) where.push(`${q("ts")} < ${instant("to_ts", query.toTs)}`);
  if (query.afterTs !== undefined) {
    where.push(`${q("ts")} ${query.order === "asc" ? ">" : "<"} ${instant("after_ts", query.afterTs)}`);
  }
  // Redshift's LIMIT takes a constant, not a parameter: the limit is an integer this function just checked,
  // so only digits reach the text. PostgreSQL binds it like everything else.
  const limit = pg ? b.bind("row_limit", query.limit) : String(query.limit);
  const sql =
    `SELECT ${select.join(", ")}\nFROM ${FCT_BARS}\nWHERE ${where.join("\n  AND ")}\n` +
    `ORDER BY ${q("ts")} ${query.order === "asc" ? "ASC" : "DESC"}\nLIMIT ${limit}`;
  return { sql, params: b.params };
}

/** A timestamp column as canonical UTC text. PostgreSQL's are timestamptz; Redshift's TIMESTAMP holds UTC. */
function utcText(dialect: Dialect, column: string): string {
  return dialect === "postgres"
    ? `TO_CHAR(${q(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
    : `TO_CHAR(${q(column)}, 'YYYY-MM-DD') || 'T' || TO_CHAR(${q(column)}, 'HH24:MI:SS') || 'Z'`;
}

import { BAR_KEY, type ColumnDef, DELTA_COLUMNS, WAREHOUSE_SCHEMA } from "./columns.js";
import { FCT_BARS, keyCollation, MERGE_RUNS, MERGE_STATUS, sqlType } from "./ddl.js";
import { Binder, type BoundSql, type Dialect, literal, q, RUN_ID_PATTERN } from "./sql.js";

/** Session-local tables of one merge (temporary: gone with the transaction or the session). */
export const MERGE_TEMP = {
  raw: "merge_stage_raw",
  stage: "merge_stage",
  targets: "merge_targets",
  counts: "merge_counts",
} as const;

/** What a stage row becomes in the merge. `unchanged` rows equal the stored row and are left alone. */
export const MERGE_ACTIONS = { insert: "insert", update: "update", unchanged: "unchanged" } as const;

const cols = (columns: readonly ColumnDef[], alias = "") =>
  columns.map((c) => `${alias === "" ? "" : `${alias}.`}${q(c.name)}`).join(", ");
const keyMatch = (a: string, b: string) => BAR_KEY.map((k) => `${a}.${q(k)} = ${b}.${q(k)}`).join(" AND ");
const nonKey = DELTA_COLUMNS.filter((c) => !(BAR_KEY as readonly string[]).includes(c.name));

/** Null-safe equality of every non-key delta column (Redshift has no IS NOT DISTINCT FROM). */
function sameValues(a: string, b: string): string {
  return nonKey
    .map((c) => `(${a}.${q(c.name)} = ${b}.${q(c.name)} OR (${a}.${q(c.name)} IS NULL AND ${b}.${q(c.name)} IS NULL))`)
    .join("\n    AND ");
}

/**
 * PostgreSQL's raw stage: an unlogged table rather than a temporary one, so that parallel workers can read it
 * (the classify's million key probes run on every core), created and dropped inside the merge's transaction —
 * a rolled-back merge leaves nothing behind either way, and merges take turns (`mergeLockSql`).
 */
export const POSTGRES_STAGE = `${WAREHOUSE_SCHEMA}.${MERGE_TEMP.raw}`;

/** The raw stage's name in a dialect: what the delta is copied into. */
export const stageTable = (dialect: Dialect): string => (dialect === "postgres" ? POSTGRES_STAGE : MERGE_TEMP.raw);

/**
 * The raw stage: the delta's 37 columns in file order (Redshift's COPY maps Parquet columns by position), no
 * constraints, so whatever the delta holds arrives and a bad row fails in the merge with the database's message.
 * On PostgreSQL the key's text columns compare byte by byte, as fct_bars' do (migration 2).
 */
export function stageTableDdl(dialect: Dialect): string[] {
  const lines = DELTA_COLUMNS.map((c) => `  ${q(c.name)} ${sqlType(dialect, c)}${keyCollation(dialect, c.name)}`).join(
    ",\n",
  );
  return dialect === "postgres"
    ? [`DROP TABLE IF EXISTS ${POSTGRES_STAGE}`, `CREATE UNLOGGED TABLE ${POSTGRES_STAGE} (\n${lines}\n)`]
    : [`CREATE TEMP TABLE ${MERGE_TEMP.raw} (\n${lines}\n)\nDISTKEY (${q("symbol")})`];
}

/**
 * The transaction's first statement: merges of different runs queue here instead of interleaving. PostgreSQL
 * also holds fct_bars against every other writer (readers go on), which its merge's row addresses rely on.
 */
export function mergeLockSql(dialect: Dialect): string {
  return dialect === "postgres"
    ? `LOCK TABLE ${MERGE_RUNS}, ${FCT_BARS} IN SHARE ROW EXCLUSIVE MODE`
    : `LOCK ${MERGE_RUNS}`;
}

/** `COPY` of a run's delta prefix into the raw stage (Redshift). URI and role are checked, then quoted. */
export function copyDeltaSql(input: { deltaUri: string; copyRoleArn: string }): string {
  const uri = literal(input.deltaUri, /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9_.=/-]+\/$/);
  const role = literal(input.copyRoleArn, /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/);
  return `COPY ${MERGE_TEMP.raw}\nFROM ${uri}\nIAM_ROLE ${role}\nFORMAT AS PARQUET`;
}

/**
 * Redshift's merge, after the raw stage is loaded, in the order it runs (one transaction):
 * 1. de-duplicate the stage on (symbol, interval, ts) — the latest `ingested_at` wins, as everywhere — and
 *    classify each row against the table in the same pass: insert, update, or unchanged;
 * 2. empty the stage when the run is already recorded as merged (a duplicate delivery that raced the check);
 * 3. count, for the audit;
 * 4. drop the unchanged rows and MERGE the rest into fct_bars (update in place / insert), so unchanged rows keep
 *    the run id and load time they already have;
 * 5. record the run as MERGED, unless it already is.
 */
export function redshiftMergeStatements(runId: string): string[] {
  const run = literal(runId, RUN_ID_PATTERN);
  const temp = (name: string, attributes: string) => `CREATE TEMP TABLE ${name}${attributes} AS`;
  const alreadyMerged = alreadyMergedSql(run);
  const action = q("merge_action");
  const count = (name: string) => `COALESCE(SUM(CASE WHEN ${action} = '${name}' THEN 1 ELSE 0 END), 0)`;
  const { targetColumns, sourceValues, updates } = writeLists(run, "SYSDATE");
  return [
    `${temp(MERGE_TEMP.stage, ` DISTKEY (${q("symbol")})`)}
SELECT ${cols(DELTA_COLUMNS, "d")},
  CASE WHEN t.${q("symbol")} IS NULL THEN '${MERGE_ACTIONS.insert}'
    WHEN ${sameValues("t", "d")}
    THEN '${MERGE_ACTIONS.unchanged}' ELSE '${MERGE_ACTIONS.update}' END AS ${action}
FROM (
  SELECT r.*, ROW_NUMBER() OVER (
    PARTITION BY ${BAR_KEY.map((k) => `r.${q(k)}`).join(", ")}
    ORDER BY ${LATEST_FIRST("r")}
  ) AS ${q("merge_rank")}
  FROM ${MERGE_TEMP.raw} r
) d
LEFT JOIN ${FCT_BARS} t ON ${keyMatch("t", "d")}
WHERE d.${q("merge_rank")} = 1`,
    `DELETE FROM ${MERGE_TEMP.stage} WHERE EXISTS (${alreadyMerged})`,
    `${temp(MERGE_TEMP.counts, "")}
SELECT s.${q("rows_staged")}, a.${q("rows_inserted")}, a.${q("rows_updated")}, a.${q("rows_unchanged")}
FROM (SELECT COUNT(*) AS ${q("rows_staged")} FROM ${MERGE_TEMP.raw}) s
CROSS JOIN (
  SELECT ${count(MERGE_ACTIONS.insert)} AS ${q("rows_inserted")},
    ${count(MERGE_ACTIONS.update)} AS ${q("rows_updated")},
    ${count(MERGE_ACTIONS.unchanged)} AS ${q("rows_unchanged")}
  FROM ${MERGE_TEMP.stage}
) a`,
    `DELETE FROM ${MERGE_TEMP.stage} WHERE ${action} = '${MERGE_ACTIONS.unchanged}'`,
    `MERGE INTO ${FCT_BARS} AS t
USING ${MERGE_TEMP.stage} AS s
ON ${keyMatch("t", "s")}
WHEN MATCHED THEN UPDATE SET
    ${updates}
WHEN NOT MATCHED THEN INSERT (${targetColumns})
  VALUES (${sourceValues})`,
    auditSql(run, "SYSDATE", "GETDATE()"),
  ];
}

/** What the PostgreSQL merge knows of its stage once the COPY is done. */
export interface PostgresStage {
  /** Rows the COPY loaded (the audit's `rows_staged`, before de-duplication). */
  rows: number;
  /** Whether the loader proved that no two rows share a key; then the de-duplication is skipped. */
  uniqueKeys: boolean;
}

/**
 * PostgreSQL's merge, after the raw stage is loaded and the run checked unmerged under the lock; the same change
 * as Redshift's, in fewer passes over a million rows (docs/adr/0003-warehouse-merge.md has the measurements):
 * 1. unless the stage's keys are known unique, delete every row but the latest of its key from the stage;
 * 2. classify each stage row against fct_bars in one probe of the key index, keeping only the two rows'
 *    addresses (ctid) and the action — not a second copy of the stage;
 * 3. count, for the audit;
 * 4. delete the stored rows the stage replaces, and the stage rows equal to what is stored, both by address;
 * 5. insert what is left of the stage: new bars and the new versions of changed ones (DELETE + INSERT: about a
 *    sixth cheaper per changed row than UPDATE, which writes a new version and index entry all the same);
 * 6. record the run as MERGED, and drop the stage.
 * Unchanged rows keep the run id and load time they already have. The addresses stay valid until the end: the
 * transaction holds fct_bars against other writers (`mergeLockSql`), and live rows never move in PostgreSQL.
 */
export function postgresMergeStatements(runId: string, stage: PostgresStage): string[] {
  const run = literal(runId, RUN_ID_PATTERN);
  if (!Number.isSafeInteger(stage.rows) || stage.rows < 0) throw new Error(`not a row count: ${stage.rows}`);
  const action = q("merge_action");
  const count = (name: string) => `COUNT(*) FILTER (WHERE ${action} = '${name}')`;
  const { targetColumns, sourceValues } = writeLists(run, "now()");
  const dedup = `DELETE FROM ${POSTGRES_STAGE} r
WHERE r.ctid IN (
  SELECT d.ctid FROM (
    SELECT ctid, ROW_NUMBER() OVER (
      PARTITION BY ${BAR_KEY.map(q).join(", ")}
      ORDER BY ${LATEST_FIRST("")}
    ) AS ${q("merge_rank")}
    FROM ${POSTGRES_STAGE}
  ) d
  WHERE d.${q("merge_rank")} > 1
)`;
  return [
    ...(stage.uniqueKeys ? [] : [dedup]),
    // From here on every join is a probe of an index or an address: the planner, seeing an unanalyzed stage,
    // would rather hash all of fct_bars, which costs far more for any delta much smaller than the table.
    "SET LOCAL enable_hashjoin = off",
    "SET LOCAL enable_mergejoin = off",
    `CREATE TEMP TABLE ${MERGE_TEMP.targets} ON COMMIT DROP AS
SELECT s.ctid AS ${q("stage_row")}, t.ctid AS ${q("target_row")},
  CASE WHEN t.ctid IS NULL THEN '${MERGE_ACTIONS.insert}'
    WHEN ${nonKey.map((c) => `t.${q(c.name)} IS NOT DISTINCT FROM s.${q(c.name)}`).join("\n    AND ")}
    THEN '${MERGE_ACTIONS.unchanged}' ELSE '${MERGE_ACTIONS.update}' END AS ${action}
FROM ${POSTGRES_STAGE} s
LEFT JOIN ${FCT_BARS} t ON ${keyMatch("t", "s")}`,
    `CREATE TEMP TABLE ${MERGE_TEMP.counts} ON COMMIT DROP AS
SELECT ${stage.rows}::bigint AS ${q("rows_staged")}, ${count(MERGE_ACTIONS.insert)} AS ${q("rows_inserted")},
  ${count(MERGE_ACTIONS.update)} AS ${q("rows_updated")}, ${count(MERGE_ACTIONS.unchanged)} AS ${q("rows_unchanged")}
FROM ${MERGE_TEMP.targets}`,
    `DELETE FROM ${FCT_BARS} t USING ${MERGE_TEMP.targets} m
WHERE m.${action} = '${MERGE_ACTIONS.update}' AND t.ctid = m.${q("target_row")}`,
    `DELETE FROM ${POSTGRES_STAGE} s USING ${MERGE_TEMP.targets} m
WHERE m.${action} = '${MERGE_ACTIONS.unchanged}' AND s.ctid = m.${q("stage_row")}`,
    `INSERT INTO ${FCT_BARS} (${targetColumns})
SELECT ${sourceValues}
FROM ${POSTGRES_STAGE} s`,
    auditSql(run, "now()", "clock_timestamp()"),
    `DROP TABLE ${POSTGRES_STAGE}`,
  ];
}

/** The stage's order of preference among rows of one key: the latest ingestion wins, then the greater key/etag. */
const LATEST_FIRST = (alias: string) =>
  ["ingested_at", "source_key", "source_etag"].map((c) => `${alias === "" ? "" : `${alias}.`}${q(c)} DESC`).join(", ");

const alreadyMergedSql = (run: string) =>
  `SELECT 1 FROM ${MERGE_RUNS} m WHERE m.${q("run_id")} = ${run} AND m.${q("status")} = '${MERGE_STATUS.merged}'`;

/**
 * The written columns and their values from stage row `s`: the delta's, then the run id and the load time —
 * `txnNow`, the transaction's start in its dialect, so every row of one merge gets the same `loaded_at`.
 */
function writeLists(run: string, txnNow: string) {
  const load = [
    { name: "run_id", value: run },
    { name: "loaded_at", value: txnNow },
  ];
  return {
    targetColumns: [...DELTA_COLUMNS.map((c) => q(c.name)), ...load.map((l) => q(l.name))].join(", "),
    sourceValues: [...DELTA_COLUMNS.map((c) => `s.${q(c.name)}`), ...load.map((l) => l.value)].join(", "),
    updates: [
      ...nonKey.map((c) => `${q(c.name)} = s.${q(c.name)}`),
      ...load.map((l) => `${q(l.name)} = ${l.value}`),
    ].join(",\n    "),
  };
}

/** The MERGED audit row, from the counts table, unless the run already has one. */
function auditSql(run: string, txnNow: string, wallNow: string): string {
  return (
    `INSERT INTO ${MERGE_RUNS} (${q("run_id")}, ${q("status")}, ${q("rows_staged")}, ${q("rows_inserted")}, ` +
    `${q("rows_updated")}, ${q("rows_unchanged")}, ${q("started_at")}, ${q("finished_at")}, ${q("error")})
SELECT ${run}, '${MERGE_STATUS.merged}', c.${q("rows_staged")}, c.${q("rows_inserted")}, c.${q("rows_updated")}, ` +
    `c.${q("rows_unchanged")}, ${txnNow}, ${wallNow}, NULL
FROM ${MERGE_TEMP.counts} c
WHERE NOT EXISTS (${alreadyMergedSql(run)})`
  );
}

/**
 * The whole Redshift merge as one BatchExecuteStatement (one transaction): lock, stage, COPY, then
 * `redshiftMergeStatements`. Without `copy` (a run whose delta has no files: COPY of an empty prefix fails) the stage
 * stays empty and only the audit row is written.
 * e.g. `redshiftMergeBatch({ runId: "r1", copy: { deltaUri: "s3://b/parquet/delta/run_id=r1/", copyRoleArn } })`.
 */
export function redshiftMergeBatch(input: {
  runId: string;
  copy?: { deltaUri: string; copyRoleArn: string };
}): string[] {
  return [
    mergeLockSql("redshift"),
    ...stageTableDdl("redshift"),
    ...(input.copy === undefined ? [] : [copyDeltaSql(input.copy)]),
    ...redshiftMergeStatements(input.runId),
  ];
}

/** The audit counts of the merge in progress (read before commit). */
export const MERGE_COUNTS_SQL = `SELECT ${q("rows_staged")}, ${q("rows_inserted")}, ${q("rows_updated")}, ${q("rows_unchanged")} FROM ${MERGE_TEMP.counts}`;

/** The MERGED record of a run, if any: "skip a run already merged", and its counts. */
export function mergedRunSql(dialect: Dialect, runId: string): BoundSql {
  const b = new Binder(dialect);
  const sql =
    `SELECT ${q("rows_staged")}, ${q("rows_inserted")}, ${q("rows_updated")}, ${q("rows_unchanged")} ` +
    `FROM ${MERGE_RUNS} WHERE ${q("run_id")} = ${b.bind("run_id", runId)} AND ${q("status")} = '${MERGE_STATUS.merged}'`;
  return { sql, params: b.params };
}

/** A FAILED attempt's audit row, written after the merge's transaction rolled back. */
export function failedAttemptSql(
  dialect: Dialect,
  input: { runId: string; startedAt: string; error: string },
): BoundSql {
  const b = new Binder(dialect);
  const ts = (name: string, value: string) =>
    dialect === "postgres"
      ? `${b.bind(name, value)}::timestamptz`
      : `CAST(${b.bind(name, redshiftTimestamp(value))} AS TIMESTAMP)`;
  const run = b.bind("run_id", input.runId);
  const started = ts("started_at", input.startedAt);
  // 1,000 characters are at most 4,000 UTF-8 bytes: within the column's VARCHAR(4096) whatever the text.
  const error = b.bind("error", input.error.slice(0, 1000));
  const now = dialect === "postgres" ? "clock_timestamp()" : "GETDATE()";
  const sql =
    `INSERT INTO ${MERGE_RUNS} (${q("run_id")}, ${q("status")}, ${q("started_at")}, ${q("finished_at")}, ${q("error")}) ` +
    `VALUES (${run}, '${MERGE_STATUS.failed}', ${started}, ${now}, ${error})`;
  return { sql, params: b.params };
}

/** `2024-03-01T10:00:00Z` → `2024-03-01 10:00:00`: the form Redshift's TIMESTAMP reads unambiguously (UTC). */
export function redshiftTimestamp(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  if (match === null) throw new Error(`not a UTC instant: ${iso}`);
  return `${match[1]} ${match[2]}${match[3] ?? ""}`;
}

/** The delta prefix's S3 URI that COPY reads: `s3://<bucket>/parquet/delta/run_id=<r>/`. */
export function deltaUri(bucket: string, deltaPrefix: string): string {
  return `s3://${bucket}/${deltaPrefix}`;
}

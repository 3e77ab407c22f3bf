import { describe, expect, it } from "vitest";
import { BAR_COLUMNS } from "../bar.js";
import { DELTA_COLUMNS, FCT_BARS_COLUMNS, INDICATOR_COLUMNS } from "./columns.js";
import { fctBarsDdl, mergeRunsDdl, redshiftEncoding } from "./ddl.js";
import { copyDeltaSql, failedAttemptSql, mergedRunSql, redshiftMergeBatch, redshiftTimestamp } from "./merge-sql.js";
import { applyPlan, fullSchemaSql, MIGRATIONS, pendingMigrations } from "./migrations.js";
import { seriesReadSql } from "./read-sql.js";
import { Binder, literal, q, RUN_ID_PATTERN } from "./sql.js";

describe("warehouse columns", () => {
  it("mirror the delta's 37 columns: the curated record, then the 21 indicators", () => {
    expect(DELTA_COLUMNS).toHaveLength(37);
    expect(DELTA_COLUMNS.slice(0, 16).map((c) => c.name)).toEqual([...BAR_COLUMNS]);
    expect(DELTA_COLUMNS.slice(16).map((c) => c.name)).toEqual([...INDICATOR_COLUMNS]);
    expect(FCT_BARS_COLUMNS.slice(37).map((c) => c.name)).toEqual(["run_id", "loaded_at"]);
  });
});

describe("schema DDL", () => {
  it("renders the whole Redshift schema (snapshot)", async () => {
    await expect(`${fullSchemaSql("redshift").join(";\n\n")};\n`).toMatchFileSnapshot(
      "__snapshots__/schema.redshift.sql",
    );
  });

  it("renders the whole PostgreSQL schema (snapshot)", async () => {
    await expect(`${fullSchemaSql("postgres").join(";\n\n")};\n`).toMatchFileSnapshot(
      "__snapshots__/schema.postgres.sql",
    );
  });

  it("distributes Redshift's fct_bars on symbol, sorts by series and time, encodes every column, enforces no key", () => {
    const [ddl] = fctBarsDdl("redshift");
    expect(ddl).toContain('DISTKEY ("symbol")');
    expect(ddl).toContain('COMPOUND SORTKEY ("symbol", "interval", "ts")');
    expect(ddl).not.toMatch(/PRIMARY KEY|UNIQUE|REFERENCES/);
    const columnLines = (ddl ?? "").split("\n").filter((line) => line.startsWith('  "'));
    expect(columnLines).toHaveLength(39);
    expect(columnLines.every((line) => / ENCODE (AZ64|ZSTD|RAW),?$/.test(line))).toBe(true);
    for (const column of FCT_BARS_COLUMNS) {
      const encoding = redshiftEncoding(column);
      if (encoding === "AZ64") expect(["bigint", "date", "timestamp"]).toContain(column.type);
    }
    expect(mergeRunsDdl("redshift")[0]).toContain("DISTSTYLE ALL");
  });

  it("keys PostgreSQL's fct_bars and lets merge_runs hold one MERGED row per run", () => {
    expect(fctBarsDdl("postgres")[0]).toContain('PRIMARY KEY ("symbol", "interval", "ts")');
    expect(mergeRunsDdl("postgres")[1]).toBe(
      `CREATE UNIQUE INDEX IF NOT EXISTS merge_runs_merged_once ON market_data.merge_runs ("run_id") WHERE "status" = 'MERGED'`,
    );
  });
});

describe("migrations", () => {
  it("lists what is not applied yet, in version order", () => {
    expect(pendingMigrations([]).map((m) => m.version)).toEqual([1, 2, 3]);
    expect(pendingMigrations([1, 3]).map((m) => m.version)).toEqual([2]);
    expect(pendingMigrations([1, 2, 3])).toEqual([]);
    const later = { version: 4, name: "four", statements: () => ["SELECT 4"] };
    expect(pendingMigrations([1, 2, 3], [later, ...MIGRATIONS]).map((m) => m.version)).toEqual([4]);
  });

  it("locks, applies and records each pending migration, and does nothing when none is pending", () => {
    expect(applyPlan("postgres", [])).toEqual([]);
    const plan = applyPlan("postgres", MIGRATIONS);
    expect(plan[0]).toBe("LOCK TABLE market_data.schema_migrations IN SHARE ROW EXCLUSIVE MODE");
    expect(plan.at(-1)).toMatch(/^INSERT INTO market_data\.schema_migrations .* WHERE NOT EXISTS/);
    expect(() => applyPlan("redshift", [{ version: 3, name: "it's", statements: () => [] }])).toThrow(/cannot record/);
  });
});

describe("merge SQL", () => {
  it("refuses run ids, URIs and roles that could end a literal", () => {
    expect(() => redshiftMergeBatch({ runId: "r1'; DROP TABLE x; --" })).toThrow(/refusing to quote/);
    const role = "arn:aws:iam::123456789012:role/copy";
    expect(() => copyDeltaSql({ deltaUri: "s3://bucket/parquet/delta/run_id=x'/", copyRoleArn: role })).toThrow();
    expect(() =>
      copyDeltaSql({ deltaUri: "s3://bucket/parquet/delta/run_id=r1/", copyRoleArn: "arn:aws:iam::1:role/x" }),
    ).toThrow();
    expect(copyDeltaSql({ deltaUri: "s3://bucket/parquet/delta/run_id=r1/", copyRoleArn: role })).toBe(
      `COPY merge_stage_raw\nFROM 's3://bucket/parquet/delta/run_id=r1/'\nIAM_ROLE '${role}'\nFORMAT AS PARQUET`,
    );
  });

  it("leaves COPY out of a batch without files", () => {
    expect(redshiftMergeBatch({ runId: "r1" }).some((sql) => sql.startsWith("COPY"))).toBe(false);
  });

  it("binds the run id and the failure's text in the audit statements", () => {
    expect(mergedRunSql("postgres", "r1").params).toEqual([{ name: "run_id", value: "r1" }]);
    const failed = failedAttemptSql("postgres", {
      runId: "r1",
      startedAt: "2024-03-01T10:00:00Z",
      error: "x".repeat(5000),
    });
    expect(failed.sql).toContain("VALUES ($1, 'FAILED', $2::timestamptz, clock_timestamp(), $3)");
    expect(String(failed.params[2]?.value)).toHaveLength(1000);
  });

  it("writes instants the way Redshift's TIMESTAMP reads them", () => {
    expect(redshiftTimestamp("2024-03-01T10:00:00Z")).toBe("2024-03-01 10:00:00");
    expect(redshiftTimestamp("2024-03-01T10:00:00.250Z")).toBe("2024-03-01 10:00:00.250");
    expect(() => redshiftTimestamp("2024-03-01")).toThrow(/not a UTC instant/);
  });
});

describe("series read SQL", () => {
  const query = { symbol: "AAPL", interval: "1d", order: "asc", limit: 101, columns: ["close"] } as const;

  it("binds every request value, the limit too on PostgreSQL", () => {
    const { sql, params } = seriesReadSql("postgres", {
      ...query,
      fromTs: "2024-01-01T00:00:00Z",
      toTs: "2024-02-01T00:00:00Z",
      afterTs: "2024-01-10T00:00:00Z",
    });
    expect(sql).toContain('"ts" >= $3::timestamptz');
    expect(sql).toContain('"ts" > $5::timestamptz');
    expect(sql).toMatch(/ORDER BY "ts" ASC\nLIMIT \$6$/);
    expect(params.map((p) => p.value)).toEqual([
      "AAPL",
      "1d",
      "2024-01-01T00:00:00Z",
      "2024-02-01T00:00:00Z",
      "2024-01-10T00:00:00Z",
      101,
    ]);
  });

  it("reads backwards after a cursor when newest first", () => {
    const { sql } = seriesReadSql("redshift", { ...query, order: "desc", afterTs: "2024-01-10T00:00:00Z" });
    expect(sql).toContain('"ts" < CAST(:after_ts AS TIMESTAMP)');
    expect(sql).toMatch(/ORDER BY "ts" DESC\nLIMIT 101$/);
  });

  it("refuses a column off the whitelist and a limit out of range", () => {
    const bad = ["close; DROP TABLE x"] as unknown as (typeof query)["columns"];
    expect(() => seriesReadSql("postgres", { ...query, columns: bad })).toThrow(/not a readable column/);
    expect(() => seriesReadSql("redshift", { ...query, limit: 0 })).toThrow(/read limit/);
    expect(() => seriesReadSql("redshift", { ...query, limit: 1.5 })).toThrow(/read limit/);
  });
});

describe("SQL helpers", () => {
  it("quotes plain identifiers only", () => {
    expect(q("open")).toBe('"open"');
    expect(() => q('a"b')).toThrow();
  });

  it("quotes only values its pattern admits, never a quote or backslash", () => {
    expect(literal("r-1.2=3", RUN_ID_PATTERN)).toBe("'r-1.2=3'");
    expect(() => literal("a\\b", /.*/)).toThrow(/refusing/);
    expect(() => literal("", RUN_ID_PATTERN)).toThrow(/refusing/);
  });

  it("numbers PostgreSQL placeholders, names Redshift's, and refuses a repeated name", () => {
    const pg = new Binder("postgres");
    expect([pg.bind("a", 1), pg.bind("b", "x")]).toEqual(["$1", "$2"]);
    expect(() => pg.bind("a", 2)).toThrow(/repeated/);
    expect(new Binder("redshift").bind("symbol", "AAPL")).toBe(":symbol");
  });
});

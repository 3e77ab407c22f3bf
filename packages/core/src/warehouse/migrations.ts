import {
  bootstrapDdl,
  fctBarsDdl,
  keyIndexWithoutDeduplicationDdl,
  mergeFriendlyFctBarsDdl,
  mergeRunsDdl,
  SCHEMA_MIGRATIONS,
} from "./ddl.js";
import { type Dialect, q } from "./sql.js";

/** One versioned step of the warehouse schema. Statements must be idempotent (IF NOT EXISTS): see `applyPlan`. */
export interface Migration {
  version: number;
  name: string;
  statements(dialect: Dialect): string[];
}

/** Every migration, oldest first. Append only: an applied version is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "fct_bars and merge_runs",
    statements: (dialect) => [...fctBarsDdl(dialect), ...mergeRunsDdl(dialect)],
  },
  {
    version: 2,
    name: "fct_bars keys bytewise, no run_id index",
    statements: mergeFriendlyFctBarsDdl,
  },
  {
    version: 3,
    name: "fct_bars key index without deduplication",
    statements: keyIndexWithoutDeduplicationDdl,
  },
];

/** The migrations not yet applied, in version order. e.g. `pendingMigrations([1])` → `[]`. */
export function pendingMigrations(applied: readonly number[], all: readonly Migration[] = MIGRATIONS): Migration[] {
  const done = new Set(applied);
  return all.filter((migration) => !done.has(migration.version)).sort((a, b) => a.version - b.version);
}

/** The statement that reads the applied versions. */
export const APPLIED_VERSIONS_SQL = `SELECT ${q("version")} FROM ${SCHEMA_MIGRATIONS} ORDER BY ${q("version")}`;

/**
 * Statements that apply `pending` in one transaction: a lock that serialises concurrent migrators, each
 * migration's statements, and its ledger row. A migrator that read the versions before another one committed
 * re-runs statements that are idempotent and inserts no second ledger row (NOT EXISTS), so a race is harmless.
 * Run `bootstrapDdl` first (the lock needs the ledger table).
 */
export function applyPlan(dialect: Dialect, pending: readonly Migration[]): string[] {
  if (pending.length === 0) return [];
  const lock =
    dialect === "postgres"
      ? `LOCK TABLE ${SCHEMA_MIGRATIONS} IN SHARE ROW EXCLUSIVE MODE`
      : `LOCK ${SCHEMA_MIGRATIONS}`;
  const now = dialect === "postgres" ? "now()" : "SYSDATE";
  const statements = [lock];
  for (const migration of pending) {
    if (!Number.isSafeInteger(migration.version) || !/^[A-Za-z0-9 _,.-]+$/.test(migration.name)) {
      throw new Error(`migration ${migration.version} has a name or version this ledger cannot record`);
    }
    statements.push(...migration.statements(dialect));
    statements.push(
      `INSERT INTO ${SCHEMA_MIGRATIONS} (${q("version")}, ${q("name")}, ${q("applied_at")}) ` +
        `SELECT ${migration.version}, '${migration.name}', ${now} ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${SCHEMA_MIGRATIONS} WHERE ${q("version")} = ${migration.version})`,
    );
  }
  return statements;
}

/** Everything a fresh database needs, for printing (`npm run migrate -- --print redshift`). */
export function fullSchemaSql(dialect: Dialect): string[] {
  return [...bootstrapDdl(dialect), ...applyPlan(dialect, MIGRATIONS)];
}

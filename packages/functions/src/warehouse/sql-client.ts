import { PGlite, type Transaction } from "@electric-sql/pglite";
import pg from "pg";
import { copyFrom } from "./pg-copy.js";

/** Tables a COPY may name: temp stage tables of this module's callers, never user input. */
const COPY_TABLE = /^[a-z_][a-z0-9_.]*$/;

/**
 * Rows for one COPY, as byte chunks in COPY's text format (copy-text.ts) or its binary format (copy-binary.ts:
 * the first chunk starts with the header, the last ends with the trailer). Pulled as the database takes them.
 */
export interface CopyRows {
  format: "text" | "binary";
  chunks: AsyncIterable<Uint8Array>;
}

function copySql(table: string, source: "STDIN" | "'/dev/blob'", rows: CopyRows): string {
  if (!COPY_TABLE.test(table)) throw new Error(`not a table name: ${table}`);
  return `COPY ${table} FROM ${source}${rows.format === "binary" ? " (FORMAT binary)" : ""}`;
}

/** What the Postgres warehouse needs of a connection: statements with bind parameters, and bulk loading. */
export interface SqlSession {
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** `COPY <table> FROM STDIN` with these rows. */
  copyFrom(table: string, rows: CopyRows): Promise<void>;
}

/** A database: PGlite in-process, or a PostgreSQL server through a `pg` pool. */
export interface SqlClient extends SqlSession {
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** Which engine, for logs and benchmarks. */
  readonly engine: "pglite" | "postgres";
  close(): Promise<void>;
}

/** The embedded Postgres. Pass a PGlite to share it (the caller closes it), or a data dir to own one. */
export class PgliteClient implements SqlClient {
  readonly engine = "pglite";
  readonly db: PGlite;
  private readonly owned: boolean;

  constructor(db: PGlite | { dataDir?: string }) {
    this.owned = !(db instanceof PGlite);
    this.db = db instanceof PGlite ? db : new PGlite(db.dataDir);
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, [...params])).rows;
  }

  async copyFrom(table: string, rows: CopyRows): Promise<void> {
    await pgliteCopy(this.db, table, rows);
  }

  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.db.transaction((tx: Transaction) =>
      work({
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) =>
          (await tx.query<R>(sql, [...params])).rows,
        copyFrom: (table, rows) => pgliteCopy(tx, table, rows),
      }),
    );
  }

  async close(): Promise<void> {
    if (this.owned) await this.db.close();
  }
}

/** PGlite reads COPY input from a Blob it mounts at /dev/blob: the chunks are gathered into one (not copied). */
async function pgliteCopy(db: PGlite | Transaction, table: string, rows: CopyRows): Promise<void> {
  const parts: Uint8Array[] = [];
  for await (const chunk of rows.chunks) parts.push(chunk);
  await db.query(copySql(table, "'/dev/blob'", rows), [], { blob: new Blob(parts) });
}

/** A PostgreSQL server (`DATABASE_URL`), through a small `pg` pool. */
export class PgClient implements SqlClient {
  readonly engine = "postgres";
  readonly pool: pg.Pool;

  constructor(connectionString: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString, max: options.max ?? 4 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    this.pool.on("error", () => undefined);
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(sql, [...params])).rows;
  }

  async copyFrom(table: string, rows: CopyRows): Promise<void> {
    const client = await this.pool.connect();
    try {
      await copyFrom(client, copySql(table, "STDIN", rows), rows.chunks);
    } finally {
      client.release();
    }
  }

  async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work({
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) =>
          (await client.query<R>(sql, [...params])).rows,
        copyFrom: (table, rows) => copyFrom(client, copySql(table, "STDIN", rows), rows.chunks),
      });
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined); // the original error is the one to report
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

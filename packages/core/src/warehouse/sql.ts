/** The two SQL dialects the warehouse speaks: Redshift in AWS, PostgreSQL (PGlite or a server) offline. */
export const DIALECTS = ["postgres", "redshift"] as const;
export type Dialect = (typeof DIALECTS)[number];

/**
 * A quoted identifier. Every column is quoted because several are keywords in one dialect or the other
 * (`interval`, `open`), and quoting all of them is simpler than remembering which. e.g. `q("open")` → `"open"`.
 */
export function q(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain lower-case identifier: ${name}`);
  return `"${name}"`;
}

/** Run ids as the Glue job accepts them (packages/glue/src/market/args.py): a path segment, never quoted text. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_.=-]{1,128}$/;

/**
 * A string literal for an internal value that a statement cannot take as a bind parameter (Redshift's COPY
 * takes no parameters: its S3 URI and IAM role must be literals). Only values matching `allowed` pass, and the
 * patterns used here admit no quote or backslash, so nothing can end the literal early.
 * e.g. `literal("r1", RUN_ID_PATTERN)` → `'r1'`.
 */
export function literal(value: string, allowed: RegExp): string {
  if (!allowed.test(value) || /['\\]/.test(value)) throw new Error(`refusing to quote ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** A statement and its bind parameters, positional (`$1`, PostgreSQL) or named (`:name`, Redshift Data API). */
export interface BoundSql {
  sql: string;
  /** PostgreSQL: in `$n` order. Redshift: each with the `name` its `:name` placeholder uses. */
  params: { name: string; value: string | number }[];
}

/** Collects bind parameters and hands out the dialect's placeholder for each. */
export class Binder {
  readonly params: BoundSql["params"] = [];
  constructor(readonly dialect: Dialect) {}

  /** The placeholder of a new parameter, e.g. `$2` or `:symbol`. */
  bind(name: string, value: string | number): string {
    if (!/^[a-z_][a-z0-9_]*$/.test(name) || this.params.some((p) => p.name === name)) {
      throw new Error(`bad or repeated parameter name ${name}`);
    }
    this.params.push({ name, value });
    return this.dialect === "postgres" ? `$${this.params.length}` : `:${name}`;
  }
}

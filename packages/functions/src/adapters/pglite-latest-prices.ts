import { PGlite } from "@electric-sql/pglite";
import type { LatestPrice, LatestPriceStore } from "@market-data/core/ports";
import { newestPerSymbol, parseLatestPrice } from "./latest-price.js";

// `interval` is an SQL keyword, so it is quoted everywhere. Timestamps are timestamptz so the monotonic
// comparison is a time comparison, and are printed back in the canonical `YYYY-MM-DDTHH:MM:SSZ` form.
const DDL = `
CREATE TABLE IF NOT EXISTS latest_prices (
  symbol      text PRIMARY KEY,
  "interval"  text NOT NULL,
  ts          timestamptz NOT NULL,
  as_of       timestamptz NOT NULL,
  open        double precision NOT NULL,
  high        double precision NOT NULL,
  low         double precision NOT NULL,
  close       double precision NOT NULL,
  volume      bigint NOT NULL,
  currency    text,
  asset_class text NOT NULL,
  source      text NOT NULL,
  source_key  text NOT NULL,
  ingested_at timestamptz NOT NULL
)`;

const COLUMNS = `symbol, "interval", ts, as_of, open, high, low, close, volume, currency, asset_class, source,
  source_key, ingested_at`;

// The whole batch is one JSON parameter expanded by jsonb_to_recordset: one statement, and every value
// stays a value (nothing from a price is ever spliced into SQL text).
const UPSERT = `
INSERT INTO latest_prices AS lp (${COLUMNS})
SELECT ${COLUMNS}
FROM jsonb_to_recordset($1::jsonb) AS r(
  symbol text, "interval" text, ts timestamptz, as_of timestamptz, open double precision, high double precision,
  low double precision, close double precision, volume bigint, currency text, asset_class text, source text,
  source_key text, ingested_at timestamptz)
ON CONFLICT (symbol) DO UPDATE SET
  "interval" = excluded."interval", ts = excluded.ts, as_of = excluded.as_of, open = excluded.open,
  high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume,
  currency = excluded.currency, asset_class = excluded.asset_class, source = excluded.source,
  source_key = excluded.source_key, ingested_at = excluded.ingested_at
WHERE excluded.as_of > lp.as_of
   OR (excluded.as_of = lp.as_of AND excluded.ingested_at >= lp.ingested_at)`;

const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ${column}`;
const SELECT = `SELECT symbol, "interval", ${utc("ts")}, ${utc("as_of")}, open, high, low, close, volume, currency,
  asset_class, source, source_key, ${utc("ingested_at")} FROM latest_prices`;

interface Row extends Omit<LatestPrice, "volume"> {
  /** int8 arrives as a number when it is a safe integer, else as a bigint. */
  volume: number | bigint;
}

/** Latest prices offline, in the embedded Postgres. */
export class PgliteLatestPrices implements LatestPriceStore {
  readonly db: PGlite;
  private readonly owned: boolean;
  private ready: Promise<void> | undefined;

  /** Pass a shared PGlite (the offline runtime owns one per data dir), or `{ dataDir }` to open one here. */
  constructor(db: PGlite | { dataDir?: string }) {
    this.owned = !(db instanceof PGlite);
    this.db = db instanceof PGlite ? db : new PGlite(db.dataDir);
  }

  async upsert(prices: readonly LatestPrice[]): Promise<void> {
    const batch = newestPerSymbol(prices);
    if (batch.length === 0) return;
    await this.init();
    await this.db.query(UPSERT, [JSON.stringify(batch)]);
  }

  async get(symbols: readonly string[]): Promise<LatestPrice[]> {
    if (symbols.length === 0) return [];
    await this.init();
    const res = await this.db.query<Row>(`${SELECT} WHERE symbol = ANY($1::text[]) ORDER BY symbol COLLATE "C"`, [
      [...symbols],
    ]);
    return res.rows.map(fromRow);
  }

  async all(): Promise<LatestPrice[]> {
    await this.init();
    const res = await this.db.query<Row>(`${SELECT} ORDER BY symbol COLLATE "C"`);
    return res.rows.map(fromRow);
  }

  /** Creates the table if needed; idempotent, and run once per instance however many callers race. */
  init(): Promise<void> {
    this.ready ??= this.db.exec(DDL).then(
      () => undefined,
      (err: unknown) => {
        this.ready = undefined; // let a later call retry a failed start
        throw err;
      },
    );
    return this.ready;
  }

  /** Closes the database only when this store opened it; a shared PGlite belongs to its owner. */
  async close(): Promise<void> {
    if (this.owned) await this.db.close();
  }
}

/** Opens the offline latest-price store: in memory without `dataDir` (tests), else persisted there. */
export async function openLatestPriceStore(dataDir?: string): Promise<PgliteLatestPrices> {
  const store = new PgliteLatestPrices({ dataDir });
  await store.init();
  return store;
}

function fromRow(row: Row): LatestPrice {
  return parseLatestPrice({ ...row, volume: Number(row.volume) });
}

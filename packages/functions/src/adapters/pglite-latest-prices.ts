import { PGlite } from "@electric-sql/pglite";
import type { LatestPrice, LatestPriceStore } from "@market-data/core/ports";
import { bySymbol, newestPerSymbol, parseLatestPrice } from "./latest-price.js";

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

/** A price as the copy holds it, with the sequence number of the table read it came from. */
interface Held {
  price: LatestPrice;
  read: number;
}

/**
 * Latest prices offline, in the embedded Postgres.
 *
 * Reads are served from an in-memory copy of the table (one row per symbol), because every PGlite statement
 * costs a few hundred microseconds of CPU however simple (`SELECT 1` ~0.3 ms, this store's read ~0.65 ms), which
 * held the API's latest-price route to about 1,000 requests per CPU second. The copy is kept correct like this:
 * - this instance's own writes are read back from the table right after they commit, so a `get` after an
 *   `upsert` always sees it (and whatever the monotonic rule kept instead);
 * - the whole table is re-read when a `get` finds the copy older than `refreshMs` (default 1 s), so a write by
 *   anyone else (another instance on a shared PGlite) shows within about that long;
 * - an entry is only ever replaced by a read issued after the one it came from; PGlite runs statements in the
 *   order they are issued and the table only moves forward, so the copy never moves a price backwards.
 * `all()` still reads the table.
 */
export class PgliteLatestPrices implements LatestPriceStore {
  readonly db: PGlite;
  private readonly owned: boolean;
  private readonly refreshMs: number;
  private ready: Promise<void> | undefined;
  private readonly copy = new Map<string, Held>();
  private reads = 0;
  /** When the last completed full read was issued (Date.now()); undefined before the first. */
  private copiedAt: number | undefined;
  private refreshing: Promise<void> | undefined;

  /** Pass a shared PGlite (the offline runtime owns one per data dir), or `{ dataDir }` to open one here. */
  constructor(db: PGlite | { dataDir?: string }, options: { refreshMs?: number } = {}) {
    this.owned = !(db instanceof PGlite);
    this.db = db instanceof PGlite ? db : new PGlite(db.dataDir);
    this.refreshMs = options.refreshMs ?? 1_000;
  }

  async upsert(prices: readonly LatestPrice[]): Promise<void> {
    const batch = newestPerSymbol(prices);
    if (batch.length === 0) return;
    await this.init();
    await this.db.query(UPSERT, [JSON.stringify(batch)]);
    // Read back what the table now holds for these symbols: the rule may have kept a newer price instead.
    await this.readIntoCopy(batch.map((price) => price.symbol));
  }

  async get(symbols: readonly string[]): Promise<LatestPrice[]> {
    if (symbols.length === 0) return [];
    if (this.copiedAt === undefined) await this.refresh();
    else if (Date.now() - this.copiedAt >= this.refreshMs) {
      // Serve this read from the copy; the refresh lands for the next ones. A failure shows on the next await.
      this.refresh().catch(() => undefined);
    }
    if (symbols.length === 1) {
      const held = this.copy.get(symbols[0] as string);
      return held === undefined ? [] : [held.price];
    }
    const found: LatestPrice[] = [];
    for (const symbol of new Set(symbols)) {
      const held = this.copy.get(symbol);
      if (held !== undefined) found.push(held.price);
    }
    return found.sort(bySymbol);
  }

  async all(): Promise<LatestPrice[]> {
    await this.init();
    const res = await this.db.query<Row>(`${SELECT} ORDER BY symbol COLLATE "C"`);
    return res.rows.map(fromRow);
  }

  /** Re-reads the whole table into the copy; concurrent callers share one read. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const issued = Date.now();
      try {
        await this.readIntoCopy(undefined);
        this.copiedAt = issued;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Reads the given symbols (all when undefined) into the copy, replacing only entries from earlier reads. */
  private async readIntoCopy(symbols: readonly string[] | undefined): Promise<void> {
    await this.init();
    const read = ++this.reads;
    const res =
      symbols === undefined
        ? await this.db.query<Row>(SELECT)
        : await this.db.query<Row>(`${SELECT} WHERE symbol = ANY($1::text[])`, [[...symbols]]);
    for (const row of res.rows) {
      const price = fromRow(row);
      const held = this.copy.get(price.symbol);
      if (held === undefined || held.read < read) this.copy.set(price.symbol, { price, read });
    }
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
export async function openLatestPriceStore(
  dataDir?: string,
  options: { refreshMs?: number } = {},
): Promise<PgliteLatestPrices> {
  const store = new PgliteLatestPrices({ dataDir }, options);
  await store.init();
  return store;
}

function fromRow(row: Row): LatestPrice {
  return parseLatestPrice({ ...row, volume: Number(row.volume) });
}

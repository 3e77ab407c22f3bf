CREATE SCHEMA IF NOT EXISTS market_data;

CREATE TABLE IF NOT EXISTS market_data.schema_migrations (
  "version" bigint NOT NULL,
  "name" text NOT NULL,
  "applied_at" timestamptz NOT NULL,
  PRIMARY KEY ("version")
);

LOCK TABLE market_data.schema_migrations IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE IF NOT EXISTS market_data.fct_bars (
  "symbol" text NOT NULL,
  "interval" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "trade_date" date NOT NULL,
  "open" double precision NOT NULL,
  "high" double precision NOT NULL,
  "low" double precision NOT NULL,
  "close" double precision NOT NULL,
  "adj_close" double precision,
  "volume" bigint NOT NULL,
  "currency" text,
  "asset_class" text NOT NULL,
  "source" text NOT NULL,
  "source_key" text NOT NULL,
  "source_etag" text NOT NULL,
  "ingested_at" timestamptz NOT NULL,
  "return_1d" double precision,
  "log_return" double precision,
  "sma_5" double precision,
  "sma_20" double precision,
  "sma_50" double precision,
  "sma_200" double precision,
  "ema_12" double precision,
  "ema_26" double precision,
  "macd" double precision,
  "macd_signal" double precision,
  "macd_hist" double precision,
  "rsi_14" double precision,
  "bb_middle" double precision,
  "bb_upper" double precision,
  "bb_lower" double precision,
  "volatility_20" double precision,
  "volatility_20_raw" double precision,
  "daily_range" double precision,
  "volume_change" double precision,
  "golden_cross" boolean,
  "death_cross" boolean,
  "run_id" text NOT NULL,
  "loaded_at" timestamptz NOT NULL,
  PRIMARY KEY ("symbol", "interval", "ts")
);

CREATE INDEX IF NOT EXISTS fct_bars_run_id ON market_data.fct_bars ("run_id");

CREATE TABLE IF NOT EXISTS market_data.merge_runs (
  "run_id" text NOT NULL,
  "status" text NOT NULL,
  "rows_staged" bigint,
  "rows_inserted" bigint,
  "rows_updated" bigint,
  "rows_unchanged" bigint,
  "started_at" timestamptz NOT NULL,
  "finished_at" timestamptz NOT NULL,
  "error" text,
  PRIMARY KEY ("run_id", "started_at")
);

CREATE UNIQUE INDEX IF NOT EXISTS merge_runs_merged_once ON market_data.merge_runs ("run_id") WHERE "status" = 'MERGED';

INSERT INTO market_data.schema_migrations ("version", "name", "applied_at") SELECT 1, 'fct_bars and merge_runs', now() WHERE NOT EXISTS (SELECT 1 FROM market_data.schema_migrations WHERE "version" = 1);

ALTER TABLE market_data.fct_bars ALTER COLUMN "symbol" TYPE text COLLATE "C", ALTER COLUMN "interval" TYPE text COLLATE "C";

DROP INDEX IF EXISTS market_data.fct_bars_run_id;

INSERT INTO market_data.schema_migrations ("version", "name", "applied_at") SELECT 2, 'fct_bars keys bytewise, no run_id index', now() WHERE NOT EXISTS (SELECT 1 FROM market_data.schema_migrations WHERE "version" = 2);

ALTER INDEX market_data.fct_bars_pkey SET (deduplicate_items = off);

INSERT INTO market_data.schema_migrations ("version", "name", "applied_at") SELECT 3, 'fct_bars key index without deduplication', now() WHERE NOT EXISTS (SELECT 1 FROM market_data.schema_migrations WHERE "version" = 3);

CREATE SCHEMA IF NOT EXISTS market_data;

CREATE TABLE IF NOT EXISTS market_data.schema_migrations (
  "version" BIGINT NOT NULL ENCODE AZ64,
  "name" VARCHAR(256) NOT NULL ENCODE ZSTD,
  "applied_at" TIMESTAMP NOT NULL ENCODE AZ64
)
DISTSTYLE ALL;

LOCK market_data.schema_migrations;

CREATE TABLE IF NOT EXISTS market_data.fct_bars (
  "symbol" VARCHAR(24) NOT NULL ENCODE RAW,
  "interval" VARCHAR(4) NOT NULL ENCODE RAW,
  "ts" TIMESTAMP NOT NULL ENCODE RAW,
  "trade_date" DATE NOT NULL ENCODE AZ64,
  "open" DOUBLE PRECISION NOT NULL ENCODE ZSTD,
  "high" DOUBLE PRECISION NOT NULL ENCODE ZSTD,
  "low" DOUBLE PRECISION NOT NULL ENCODE ZSTD,
  "close" DOUBLE PRECISION NOT NULL ENCODE ZSTD,
  "adj_close" DOUBLE PRECISION ENCODE ZSTD,
  "volume" BIGINT NOT NULL ENCODE AZ64,
  "currency" VARCHAR(8) ENCODE ZSTD,
  "asset_class" VARCHAR(16) NOT NULL ENCODE ZSTD,
  "source" VARCHAR(32) NOT NULL ENCODE ZSTD,
  "source_key" VARCHAR(1024) NOT NULL ENCODE ZSTD,
  "source_etag" VARCHAR(128) NOT NULL ENCODE ZSTD,
  "ingested_at" TIMESTAMP NOT NULL ENCODE AZ64,
  "return_1d" DOUBLE PRECISION ENCODE ZSTD,
  "log_return" DOUBLE PRECISION ENCODE ZSTD,
  "sma_5" DOUBLE PRECISION ENCODE ZSTD,
  "sma_20" DOUBLE PRECISION ENCODE ZSTD,
  "sma_50" DOUBLE PRECISION ENCODE ZSTD,
  "sma_200" DOUBLE PRECISION ENCODE ZSTD,
  "ema_12" DOUBLE PRECISION ENCODE ZSTD,
  "ema_26" DOUBLE PRECISION ENCODE ZSTD,
  "macd" DOUBLE PRECISION ENCODE ZSTD,
  "macd_signal" DOUBLE PRECISION ENCODE ZSTD,
  "macd_hist" DOUBLE PRECISION ENCODE ZSTD,
  "rsi_14" DOUBLE PRECISION ENCODE ZSTD,
  "bb_middle" DOUBLE PRECISION ENCODE ZSTD,
  "bb_upper" DOUBLE PRECISION ENCODE ZSTD,
  "bb_lower" DOUBLE PRECISION ENCODE ZSTD,
  "volatility_20" DOUBLE PRECISION ENCODE ZSTD,
  "volatility_20_raw" DOUBLE PRECISION ENCODE ZSTD,
  "daily_range" DOUBLE PRECISION ENCODE ZSTD,
  "volume_change" DOUBLE PRECISION ENCODE ZSTD,
  "golden_cross" BOOLEAN ENCODE ZSTD,
  "death_cross" BOOLEAN ENCODE ZSTD,
  "run_id" VARCHAR(128) NOT NULL ENCODE ZSTD,
  "loaded_at" TIMESTAMP NOT NULL ENCODE AZ64
)
DISTSTYLE KEY
DISTKEY ("symbol")
COMPOUND SORTKEY ("symbol", "interval", "ts");

CREATE TABLE IF NOT EXISTS market_data.merge_runs (
  "run_id" VARCHAR(128) NOT NULL ENCODE ZSTD,
  "status" VARCHAR(16) NOT NULL ENCODE ZSTD,
  "rows_staged" BIGINT ENCODE AZ64,
  "rows_inserted" BIGINT ENCODE AZ64,
  "rows_updated" BIGINT ENCODE AZ64,
  "rows_unchanged" BIGINT ENCODE AZ64,
  "started_at" TIMESTAMP NOT NULL ENCODE AZ64,
  "finished_at" TIMESTAMP NOT NULL ENCODE AZ64,
  "error" VARCHAR(4096) ENCODE ZSTD
)
DISTSTYLE ALL
SORTKEY ("started_at");

INSERT INTO market_data.schema_migrations ("version", "name", "applied_at") SELECT 1, 'fct_bars and merge_runs', SYSDATE WHERE NOT EXISTS (SELECT 1 FROM market_data.schema_migrations WHERE "version" = 1);

INSERT INTO market_data.schema_migrations ("version", "name", "applied_at") SELECT 2, 'fct_bars keys bytewise, no run_id index', SYSDATE WHERE NOT EXISTS (SELECT 1 FROM market_data.schema_migrations WHERE "version" = 2);

INSERT INTO market_data.schema_migrations ("version", "name", "applied_at") SELECT 3, 'fct_bars key index without deduplication', SYSDATE WHERE NOT EXISTS (SELECT 1 FROM market_data.schema_migrations WHERE "version" = 3);

LOCK market_data.merge_runs;

CREATE TEMP TABLE merge_stage_raw (
  "symbol" VARCHAR(24),
  "interval" VARCHAR(4),
  "ts" TIMESTAMP,
  "trade_date" DATE,
  "open" DOUBLE PRECISION,
  "high" DOUBLE PRECISION,
  "low" DOUBLE PRECISION,
  "close" DOUBLE PRECISION,
  "adj_close" DOUBLE PRECISION,
  "volume" BIGINT,
  "currency" VARCHAR(8),
  "asset_class" VARCHAR(16),
  "source" VARCHAR(32),
  "source_key" VARCHAR(1024),
  "source_etag" VARCHAR(128),
  "ingested_at" TIMESTAMP,
  "return_1d" DOUBLE PRECISION,
  "log_return" DOUBLE PRECISION,
  "sma_5" DOUBLE PRECISION,
  "sma_20" DOUBLE PRECISION,
  "sma_50" DOUBLE PRECISION,
  "sma_200" DOUBLE PRECISION,
  "ema_12" DOUBLE PRECISION,
  "ema_26" DOUBLE PRECISION,
  "macd" DOUBLE PRECISION,
  "macd_signal" DOUBLE PRECISION,
  "macd_hist" DOUBLE PRECISION,
  "rsi_14" DOUBLE PRECISION,
  "bb_middle" DOUBLE PRECISION,
  "bb_upper" DOUBLE PRECISION,
  "bb_lower" DOUBLE PRECISION,
  "volatility_20" DOUBLE PRECISION,
  "volatility_20_raw" DOUBLE PRECISION,
  "daily_range" DOUBLE PRECISION,
  "volume_change" DOUBLE PRECISION,
  "golden_cross" BOOLEAN,
  "death_cross" BOOLEAN
)
DISTKEY ("symbol");

COPY merge_stage_raw
FROM 's3://market-data-bucket/parquet/delta/run_id=r1/'
IAM_ROLE 'arn:aws:iam::123456789012:role/market-data-redshift-copy'
FORMAT AS PARQUET;

CREATE TEMP TABLE merge_stage DISTKEY ("symbol") AS
SELECT d."symbol", d."interval", d."ts", d."trade_date", d."open", d."high", d."low", d."close", d."adj_close", d."volume", d."currency", d."asset_class", d."source", d."source_key", d."source_etag", d."ingested_at", d."return_1d", d."log_return", d."sma_5", d."sma_20", d."sma_50", d."sma_200", d."ema_12", d."ema_26", d."macd", d."macd_signal", d."macd_hist", d."rsi_14", d."bb_middle", d."bb_upper", d."bb_lower", d."volatility_20", d."volatility_20_raw", d."daily_range", d."volume_change", d."golden_cross", d."death_cross",
  CASE WHEN t."symbol" IS NULL THEN 'insert'
    WHEN (t."trade_date" = d."trade_date" OR (t."trade_date" IS NULL AND d."trade_date" IS NULL))
    AND (t."open" = d."open" OR (t."open" IS NULL AND d."open" IS NULL))
    AND (t."high" = d."high" OR (t."high" IS NULL AND d."high" IS NULL))
    AND (t."low" = d."low" OR (t."low" IS NULL AND d."low" IS NULL))
    AND (t."close" = d."close" OR (t."close" IS NULL AND d."close" IS NULL))
    AND (t."adj_close" = d."adj_close" OR (t."adj_close" IS NULL AND d."adj_close" IS NULL))
    AND (t."volume" = d."volume" OR (t."volume" IS NULL AND d."volume" IS NULL))
    AND (t."currency" = d."currency" OR (t."currency" IS NULL AND d."currency" IS NULL))
    AND (t."asset_class" = d."asset_class" OR (t."asset_class" IS NULL AND d."asset_class" IS NULL))
    AND (t."source" = d."source" OR (t."source" IS NULL AND d."source" IS NULL))
    AND (t."source_key" = d."source_key" OR (t."source_key" IS NULL AND d."source_key" IS NULL))
    AND (t."source_etag" = d."source_etag" OR (t."source_etag" IS NULL AND d."source_etag" IS NULL))
    AND (t."ingested_at" = d."ingested_at" OR (t."ingested_at" IS NULL AND d."ingested_at" IS NULL))
    AND (t."return_1d" = d."return_1d" OR (t."return_1d" IS NULL AND d."return_1d" IS NULL))
    AND (t."log_return" = d."log_return" OR (t."log_return" IS NULL AND d."log_return" IS NULL))
    AND (t."sma_5" = d."sma_5" OR (t."sma_5" IS NULL AND d."sma_5" IS NULL))
    AND (t."sma_20" = d."sma_20" OR (t."sma_20" IS NULL AND d."sma_20" IS NULL))
    AND (t."sma_50" = d."sma_50" OR (t."sma_50" IS NULL AND d."sma_50" IS NULL))
    AND (t."sma_200" = d."sma_200" OR (t."sma_200" IS NULL AND d."sma_200" IS NULL))
    AND (t."ema_12" = d."ema_12" OR (t."ema_12" IS NULL AND d."ema_12" IS NULL))
    AND (t."ema_26" = d."ema_26" OR (t."ema_26" IS NULL AND d."ema_26" IS NULL))
    AND (t."macd" = d."macd" OR (t."macd" IS NULL AND d."macd" IS NULL))
    AND (t."macd_signal" = d."macd_signal" OR (t."macd_signal" IS NULL AND d."macd_signal" IS NULL))
    AND (t."macd_hist" = d."macd_hist" OR (t."macd_hist" IS NULL AND d."macd_hist" IS NULL))
    AND (t."rsi_14" = d."rsi_14" OR (t."rsi_14" IS NULL AND d."rsi_14" IS NULL))
    AND (t."bb_middle" = d."bb_middle" OR (t."bb_middle" IS NULL AND d."bb_middle" IS NULL))
    AND (t."bb_upper" = d."bb_upper" OR (t."bb_upper" IS NULL AND d."bb_upper" IS NULL))
    AND (t."bb_lower" = d."bb_lower" OR (t."bb_lower" IS NULL AND d."bb_lower" IS NULL))
    AND (t."volatility_20" = d."volatility_20" OR (t."volatility_20" IS NULL AND d."volatility_20" IS NULL))
    AND (t."volatility_20_raw" = d."volatility_20_raw" OR (t."volatility_20_raw" IS NULL AND d."volatility_20_raw" IS NULL))
    AND (t."daily_range" = d."daily_range" OR (t."daily_range" IS NULL AND d."daily_range" IS NULL))
    AND (t."volume_change" = d."volume_change" OR (t."volume_change" IS NULL AND d."volume_change" IS NULL))
    AND (t."golden_cross" = d."golden_cross" OR (t."golden_cross" IS NULL AND d."golden_cross" IS NULL))
    AND (t."death_cross" = d."death_cross" OR (t."death_cross" IS NULL AND d."death_cross" IS NULL))
    THEN 'unchanged' ELSE 'update' END AS "merge_action"
FROM (
  SELECT r.*, ROW_NUMBER() OVER (
    PARTITION BY r."symbol", r."interval", r."ts"
    ORDER BY r."ingested_at" DESC, r."source_key" DESC, r."source_etag" DESC
  ) AS "merge_rank"
  FROM merge_stage_raw r
) d
LEFT JOIN market_data.fct_bars t ON t."symbol" = d."symbol" AND t."interval" = d."interval" AND t."ts" = d."ts"
WHERE d."merge_rank" = 1;

DELETE FROM merge_stage WHERE EXISTS (SELECT 1 FROM market_data.merge_runs m WHERE m."run_id" = 'r1' AND m."status" = 'MERGED');

CREATE TEMP TABLE merge_counts AS
SELECT s."rows_staged", a."rows_inserted", a."rows_updated", a."rows_unchanged"
FROM (SELECT COUNT(*) AS "rows_staged" FROM merge_stage_raw) s
CROSS JOIN (
  SELECT COALESCE(SUM(CASE WHEN "merge_action" = 'insert' THEN 1 ELSE 0 END), 0) AS "rows_inserted",
    COALESCE(SUM(CASE WHEN "merge_action" = 'update' THEN 1 ELSE 0 END), 0) AS "rows_updated",
    COALESCE(SUM(CASE WHEN "merge_action" = 'unchanged' THEN 1 ELSE 0 END), 0) AS "rows_unchanged"
  FROM merge_stage
) a;

DELETE FROM merge_stage WHERE "merge_action" = 'unchanged';

MERGE INTO market_data.fct_bars AS t
USING merge_stage AS s
ON t."symbol" = s."symbol" AND t."interval" = s."interval" AND t."ts" = s."ts"
WHEN MATCHED THEN UPDATE SET
    "trade_date" = s."trade_date",
    "open" = s."open",
    "high" = s."high",
    "low" = s."low",
    "close" = s."close",
    "adj_close" = s."adj_close",
    "volume" = s."volume",
    "currency" = s."currency",
    "asset_class" = s."asset_class",
    "source" = s."source",
    "source_key" = s."source_key",
    "source_etag" = s."source_etag",
    "ingested_at" = s."ingested_at",
    "return_1d" = s."return_1d",
    "log_return" = s."log_return",
    "sma_5" = s."sma_5",
    "sma_20" = s."sma_20",
    "sma_50" = s."sma_50",
    "sma_200" = s."sma_200",
    "ema_12" = s."ema_12",
    "ema_26" = s."ema_26",
    "macd" = s."macd",
    "macd_signal" = s."macd_signal",
    "macd_hist" = s."macd_hist",
    "rsi_14" = s."rsi_14",
    "bb_middle" = s."bb_middle",
    "bb_upper" = s."bb_upper",
    "bb_lower" = s."bb_lower",
    "volatility_20" = s."volatility_20",
    "volatility_20_raw" = s."volatility_20_raw",
    "daily_range" = s."daily_range",
    "volume_change" = s."volume_change",
    "golden_cross" = s."golden_cross",
    "death_cross" = s."death_cross",
    "run_id" = 'r1',
    "loaded_at" = SYSDATE
WHEN NOT MATCHED THEN INSERT ("symbol", "interval", "ts", "trade_date", "open", "high", "low", "close", "adj_close", "volume", "currency", "asset_class", "source", "source_key", "source_etag", "ingested_at", "return_1d", "log_return", "sma_5", "sma_20", "sma_50", "sma_200", "ema_12", "ema_26", "macd", "macd_signal", "macd_hist", "rsi_14", "bb_middle", "bb_upper", "bb_lower", "volatility_20", "volatility_20_raw", "daily_range", "volume_change", "golden_cross", "death_cross", "run_id", "loaded_at")
  VALUES (s."symbol", s."interval", s."ts", s."trade_date", s."open", s."high", s."low", s."close", s."adj_close", s."volume", s."currency", s."asset_class", s."source", s."source_key", s."source_etag", s."ingested_at", s."return_1d", s."log_return", s."sma_5", s."sma_20", s."sma_50", s."sma_200", s."ema_12", s."ema_26", s."macd", s."macd_signal", s."macd_hist", s."rsi_14", s."bb_middle", s."bb_upper", s."bb_lower", s."volatility_20", s."volatility_20_raw", s."daily_range", s."volume_change", s."golden_cross", s."death_cross", 'r1', SYSDATE);

INSERT INTO market_data.merge_runs ("run_id", "status", "rows_staged", "rows_inserted", "rows_updated", "rows_unchanged", "started_at", "finished_at", "error")
SELECT 'r1', 'MERGED', c."rows_staged", c."rows_inserted", c."rows_updated", c."rows_unchanged", SYSDATE, GETDATE(), NULL
FROM merge_counts c
WHERE NOT EXISTS (SELECT 1 FROM market_data.merge_runs m WHERE m."run_id" = 'r1' AND m."status" = 'MERGED');

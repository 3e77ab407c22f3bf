"""Column names, order and types of everything the job reads and writes.

Redshift COPY maps Parquet columns by position, so the order here is a contract: append new columns at the end,
never reorder. README.md documents the same table.
"""

from __future__ import annotations

from pyspark.sql.types import (
    BooleanType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

# A curated JSONL line (packages/core/src/bar.ts BAR_COLUMNS). Timestamps and dates stay strings here: they are
# parsed with an explicit pattern afterwards rather than by the JSON reader's lenient inference.
CURATED_SCHEMA = StructType(
    [
        StructField("symbol", StringType()),
        StructField("interval", StringType()),
        StructField("ts", StringType()),
        StructField("trade_date", StringType()),
        StructField("open", DoubleType()),
        StructField("high", DoubleType()),
        StructField("low", DoubleType()),
        StructField("close", DoubleType()),
        StructField("adj_close", DoubleType()),
        StructField("volume", LongType()),
        StructField("currency", StringType()),
        StructField("asset_class", StringType()),
        StructField("source", StringType()),
        StructField("source_key", StringType()),
        StructField("source_etag", StringType()),
        StructField("ingested_at", StringType()),
    ]
)

# The canonical bar once typed: same names and order as the curated record.
BAR_SCHEMA = StructType(
    [
        StructField("symbol", StringType()),
        StructField("interval", StringType()),
        StructField("ts", TimestampType()),
        StructField("trade_date", DateType()),
        StructField("open", DoubleType()),
        StructField("high", DoubleType()),
        StructField("low", DoubleType()),
        StructField("close", DoubleType()),
        StructField("adj_close", DoubleType()),
        StructField("volume", LongType()),
        StructField("currency", StringType()),
        StructField("asset_class", StringType()),
        StructField("source", StringType()),
        StructField("source_key", StringType()),
        StructField("source_etag", StringType()),
        StructField("ingested_at", TimestampType()),
    ]
)

# Computed recursively per series in pandas (EMA, MACD, RSI), in output order.
RECURSIVE_FIELDS = [
    StructField("ema_12", DoubleType()),
    StructField("ema_26", DoubleType()),
    StructField("macd", DoubleType()),
    StructField("macd_signal", DoubleType()),
    StructField("macd_hist", DoubleType()),
    StructField("rsi_14", DoubleType()),
]

# Every indicator column in output order (INDICATORS.md order, volatility_20_raw next to volatility_20).
INDICATOR_SCHEMA = StructType(
    [
        StructField("return_1d", DoubleType()),
        StructField("log_return", DoubleType()),
        StructField("sma_5", DoubleType()),
        StructField("sma_20", DoubleType()),
        StructField("sma_50", DoubleType()),
        StructField("sma_200", DoubleType()),
        *RECURSIVE_FIELDS,
        StructField("bb_middle", DoubleType()),
        StructField("bb_upper", DoubleType()),
        StructField("bb_lower", DoubleType()),
        StructField("volatility_20", DoubleType()),
        StructField("volatility_20_raw", DoubleType()),
        StructField("daily_range", DoubleType()),
        StructField("volume_change", DoubleType()),
        StructField("golden_cross", BooleanType()),
        StructField("death_cross", BooleanType()),
    ]
)

# A row of the output: the bar, then its indicators. This is the delta files' exact column order.
OUTPUT_SCHEMA = StructType([*BAR_SCHEMA.fields, *INDICATOR_SCHEMA.fields])
OUTPUT_COLUMNS: list[str] = OUTPUT_SCHEMA.fieldNames()

# The full table is partitioned by these (directory names, not file columns).
PARTITION_COLUMNS: list[str] = ["interval", "year", "month"]
SERIES_KEY: list[str] = ["symbol", "interval"]
BAR_KEY: list[str] = ["symbol", "interval", "ts"]

# What a full-table read yields: output columns plus the year/month partition columns (interval is already one).
TABLE_SCHEMA = StructType(
    [*OUTPUT_SCHEMA.fields, StructField("year", IntegerType()), StructField("month", IntegerType())]
)

"""Column names, order and types of everything the job reads and writes.

Redshift COPY maps Parquet columns by position, so the order here is a contract: append new columns at the end,
never reorder. README.md documents the same table.
"""

from __future__ import annotations

import pyarrow as pa
from pyspark.sql.types import (
    BinaryType,
    BooleanType,
    ByteType,
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

# The recursive indicators (EMA, MACD, RSI), in output order.
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

# The recursions' hidden state, carried on every table row so an incremental run can continue a series from the
# bar before its first changed one instead of from its first bar (market.compute). Trailing columns of the table
# files only (after `death_cross`); never in the delta.
STATE_FIELDS = [
    StructField("_bar_index", LongType()),  # bars before this one in its series (0 = the first bar)
    StructField("_macd_fast", DoubleType()),  # TA-Lib's fast EMA12 seeded at index 25 (macd = this − ema_26)
    StructField("_rsi_avg_gain", DoubleType()),  # Wilder's average gain …
    StructField("_rsi_avg_loss", DoubleType()),  # … and loss (rsi_14 = 100·gain/(gain+loss))
]

# What a full-table read yields: output columns, the carried state, then the year/month partition columns
# (interval is already one). A table written before the state columns existed reads them as null.
TABLE_SCHEMA = StructType(
    [
        *OUTPUT_SCHEMA.fields,
        *STATE_FIELDS,
        StructField("year", IntegerType()),
        StructField("month", IntegerType()),
    ]
)
# The columns of a table file, in order: the output columns without the partition column `interval` (36), then the
# state (4). The delta files hold OUTPUT_COLUMNS (37) only.
TABLE_FILE_COLUMNS: list[str] = [
    *(c for c in OUTPUT_COLUMNS if c not in PARTITION_COLUMNS),
    *(f.name for f in STATE_FIELDS),
]

# Spark types as the Arrow types the Python workers see and write (timestamps: µs, UTC, the session zone).
_ARROW_TYPES = {
    StringType: pa.string(),
    BinaryType: pa.binary(),
    DoubleType: pa.float64(),
    LongType: pa.int64(),
    IntegerType: pa.int32(),
    ByteType: pa.int8(),
    BooleanType: pa.bool_(),
    TimestampType: pa.timestamp("us", tz="UTC"),
    DateType: pa.date32(),
}


def arrow_schema(struct: StructType, names: list[str] | None = None) -> pa.Schema:
    """The Arrow schema of a Spark schema (or of the named columns of it, in that order)."""
    fields = {f.name: f for f in struct.fields}
    chosen = [fields[name] for name in names] if names is not None else struct.fields
    return pa.schema([pa.field(f.name, _ARROW_TYPES[type(f.dataType)]) for f in chosen])

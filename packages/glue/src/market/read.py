"""Reading the run's inputs: the curated files its markers name, and the existing full table."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from .schema import BAR_SCHEMA, CURATED_SCHEMA, OUTPUT_COLUMNS, TABLE_SCHEMA
from .storage import Storage

_TS_PATTERN = "yyyy-MM-dd'T'HH:mm:ss'Z'"


def _utc_ts(name: str) -> Column:
    # Curated `ts` / `ingested_at` are always `YYYY-MM-DDTHH:MM:SSZ`; the explicit pattern rejects anything else
    # (as null, caught by `require_complete`) instead of guessing.
    return F.to_timestamp(F.col(name), _TS_PATTERN)


def _typed(name: str) -> Column:
    if name in ("ts", "ingested_at"):
        return _utc_ts(name)
    if name == "trade_date":
        return F.to_date(F.col(name), "yyyy-MM-dd")
    return F.col(name)


def read_curated(spark: SparkSession, uris: list[str]) -> DataFrame:
    """The named gzip JSONL files with an explicit schema. FAILFAST: a malformed line fails the run (before it
    writes anything) rather than silently dropping bars."""
    raw = spark.read.schema(CURATED_SCHEMA).option("mode", "FAILFAST").json(uris)
    typed = raw.select(*[_typed(f.name).alias(f.name) for f in BAR_SCHEMA.fields])
    return require_complete(typed)


def require_complete(bars: DataFrame) -> DataFrame:
    """Fail the run on a bar missing its key or close: the validate step guarantees them, so a null here means
    the input is not curated data and must not reach the table."""
    required = ["symbol", "interval", "ts", "close", "ingested_at"]
    missing = F.greatest(*[F.col(c).isNull().cast("int") for c in required]) == 1
    message = F.lit("curated record without symbol/interval/ts/close/ingested_at (or a ts not YYYY-MM-DDTHH:MM:SSZ)")
    # A filter, not a discarded column: the optimizer would prune an unused column and skip the check.
    return bars.where(F.when(missing, F.raise_error(message)).otherwise(F.lit(True)))


def read_table(spark: SparkSession, storage: Storage, table_root: str) -> DataFrame:
    """The full table with its partition columns (interval, year, month); empty before the first run."""
    if not storage.exists(table_root):
        return spark.createDataFrame([], TABLE_SCHEMA)
    return spark.read.schema(TABLE_SCHEMA).option("basePath", table_root).parquet(table_root)


def table_bars(table: DataFrame) -> DataFrame:
    """Table rows as bars (the output columns, without the year/month partition columns)."""
    return table.select(*OUTPUT_COLUMNS)

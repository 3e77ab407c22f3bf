"""One row per (symbol, interval, ts): the latest `ingested_at` wins (DESIGN.md "Canonical record")."""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from .schema import BAR_KEY

# Ties on ingested_at (two objects landing in the same second) are broken by lineage, then by the values
# themselves, so the winner never depends on the order Spark happens to read files in.
# (Names only: Column objects need an active SparkContext, so they are built per call.)
PRECEDENCE: tuple[str, ...] = ("ingested_at", "source_key", "source_etag", "close", "open", "high", "low", "volume")


def latest_per_key(bars: DataFrame) -> DataFrame:
    window = Window.partitionBy(*BAR_KEY).orderBy(*[F.col(name).desc() for name in PRECEDENCE])
    return bars.withColumn("_rank", F.row_number().over(window)).where(F.col("_rank") == 1).drop("_rank")

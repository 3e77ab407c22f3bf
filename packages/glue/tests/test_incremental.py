"""What an incremental run reads: only the affected series (plus the other rows of the months it rewrites)."""

from __future__ import annotations

from datetime import datetime

import pytest
from pyspark.sql import DataFrame, SparkSession

from factories import Bucket, random_walk, series
from market.incremental import Partition, SeriesStart, existing_series, starts_frame, untouched_rows
from market.job import run
from market.read import read_table, table_bars
from market.storage import Storage


@pytest.fixture(scope="module")
def table(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> DataFrame:
    """AAA and BBB daily for January and early February 2023, and AAA hourly."""
    bucket = Bucket(tmp_path_factory.mktemp("incremental") / "b")
    bucket.root.mkdir()
    hourly = series("AAA", random_walk(30, seed=3), interval="1h")
    bucket.drop("o", series("AAA", random_walk(40, seed=1)) + series("BBB", random_walk(40, seed=2)) + hourly)
    run(spark, bucket.args("r1"))
    return read_table(spark, Storage(spark), f"{bucket.uri}/parquet/bars")


def _plan(frame: DataFrame) -> str:
    return frame._jdf.queryExecution().executedPlan().toString()


def test_unaffected_series_are_pruned_at_the_scan(spark: SparkSession, table: DataFrame) -> None:
    starts = [SeriesStart("AAA", "1d", datetime(2023, 2, 1), 1)]
    existing = existing_series(table_bars(table), starts, starts_frame(spark, starts))
    plan = _plan(existing)
    assert "PartitionFilters: [isnotnull(interval" in plan
    assert "In(symbol, [AAA])" in plan or "EqualTo(symbol,AAA)" in plan
    found = {(r["symbol"], r["interval"]) for r in existing.select("symbol", "interval").distinct().collect()}
    assert found == {("AAA", "1d")}


def test_a_rewritten_month_keeps_an_affected_series_rows_before_its_own_change(
    spark: SparkSession, table: DataFrame
) -> None:
    # AAA changes from mid-January, BBB from February: January is rewritten for AAA (all its January rows are
    # recomputed) while BBB's January rows must be kept from the table.
    starts = [SeriesStart("AAA", "1d", datetime(2023, 1, 15), 1), SeriesStart("BBB", "1d", datetime(2023, 2, 3), 1)]
    kept = untouched_rows(table, [Partition("1d", 2023, 1)], starts_frame(spark, starts))
    counts = {r["symbol"]: r["count"] for r in kept.groupBy("symbol").count().collect()}
    assert counts == {"BBB": 30}


def test_a_partition_names_its_folder() -> None:
    assert Partition("1d", 2023, 1).path == "interval=1d/year=2023/month=1"

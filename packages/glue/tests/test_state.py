"""Incremental runs that carry the recursion state instead of re-reading whole series: exact, bounded, and falling
back to the whole stored history when the state or the bars are not there."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.testing import assertDataFrameEqual

import reference
from factories import BASE_DAY, Bar, Bucket, bars_frame, random_walk, series
from market.compute import (
    CARRIED_COLUMNS,
    COMPUTED_COLUMNS,
    INPUT_COLUMNS,
    SRC_CONTEXT,
    SRC_NEW,
    as_input,
    compute,
)
from market.incremental import LOOKBACK
from market.job import run
from market.schema import INDICATOR_SCHEMA, STATE_FIELDS

# Longer than the first read's lookback (400 days of daily bars), so an append reads only a window of it.
LONG = 470
STATE_COLUMNS = [f.name for f in STATE_FIELDS]


def _bucket(tmp_path: Path, name: str) -> Bucket:
    root = tmp_path / name
    root.mkdir()
    return Bucket(root)


def _rows(table: DataFrame, symbol: str) -> list:
    return sorted(table.where(F.col("symbol") == symbol).collect(), key=lambda r: r["ts"])


def _assert_matches_reference(rows: list, bars: list[Bar], *, written_from: int = 0) -> None:
    """Every indicator as the reference has it; the bar index on the rows the job wrote (from `written_from`)."""
    expected = reference.indicators(
        [b.close for b in bars], [b.high for b in bars], [b.low for b in bars], [b.volume for b in bars]
    )
    assert [r["ts"] for r in rows] == [b.ts.replace(tzinfo=None) for b in bars]
    for name in INDICATOR_SCHEMA.fieldNames():
        for t, row in enumerate(rows):
            assert reference.close_enough(row[name], expected[name][t]), (name, t, row[name], expected[name][t])
    assert [r["_bar_index"] for r in rows[written_from:]] == list(range(written_from, len(bars)))


def test_continuing_from_the_carried_state_gives_the_same_bits_as_a_full_computation(spark: SparkSession) -> None:
    bars = series("BITS", random_walk(600, seed=31), volumes=[0 if t == 520 else 900 + t for t in range(600)])
    frame = compute(as_input(bars_frame(spark, bars), SRC_NEW)).cache()
    full = {r["ts"]: r for r in frame.collect()}
    # Context: the 200 bars before bar 500 as the table holds them (with their state); then bars 500.. as new.
    window = (F.col("ts") >= F.lit(bars[300].ts)) & (F.col("ts") < F.lit(bars[500].ts))
    context = frame.where(window).withColumn("_src", F.lit(SRC_CONTEXT).cast("byte")).select(*INPUT_COLUMNS)
    continued = compute(context.unionByName(as_input(bars_frame(spark, bars[500:]), SRC_NEW))).collect()
    assert len(continued) == 100
    for row in continued:
        expected = full[row["ts"]]
        for name in COMPUTED_COLUMNS:
            assert row[name] == expected[name], (row["ts"], name, row[name], expected[name])
    frame.unpersist()


def test_an_append_reads_only_recent_history_and_equals_a_full_run(spark: SparkSession, tmp_path: Path) -> None:
    long_bars = series("LONG", random_walk(LONG, seed=21))
    late = BASE_DAY + timedelta(days=120)  # starts after the months the table loses below
    short_bars = series("SHORT", random_walk(150, seed=22), start=late)
    full = _bucket(tmp_path, "full")
    full.drop("all", long_bars + short_bars)
    run(spark, full.args("full"))

    daily = _bucket(tmp_path, "daily")
    daily.drop("history", long_bars[:-4] + short_bars[:-4])
    run(spark, daily.args("d0"))
    # Lose the table's first three months: a run that re-read whole series (or counted bars from the table's
    # first row) would now compute different values; one that continues from the carried state does not.
    for month in (1, 2, 3):
        shutil.rmtree(daily.root / f"parquet/bars/interval=1d/year=2023/month={month}")
    for day, (a, b) in enumerate([(-4, -2), (-2, None)]):
        daily.drop(f"day{day}", long_bars[a:b] + short_bars[a:b])
        result = run(spark, daily.args(f"d{day + 1}"))
        assert result.manifest is not None
        assert result.manifest["rows"]["changed"] == 4

    since = F.col("ts") >= F.lit(datetime(2023, 4, 1))
    assertDataFrameEqual(daily.table(spark).where(since), full.table(spark).where(since), rtol=1e-9, atol=1e-12)
    assert daily.table(spark).where(F.col("symbol") == "LONG").agg(F.max("_bar_index")).first()[0] == LONG - 1


def test_a_correction_mid_series_and_a_backfill_before_it_redo_the_series_from_there(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("FIX", random_walk(LONG, seed=23))
    bucket.drop("history", bars)
    run(spark, bucket.args("r1"))

    revised = bars[440].with_(close=bars[440].close * 1.05, ingested_at=bars[440].ingested_at + timedelta(hours=1))
    bucket.drop("correction", [revised])
    result = run(spark, bucket.args("r2"))
    assert result.manifest is not None
    assert result.manifest["series"][0]["changed_rows"] == LONG - 440  # from the corrected bar on, with context
    corrected = [*bars[:440], revised, *bars[441:]]
    _assert_matches_reference(_rows(bucket.table(spark), "FIX"), corrected)

    # A backfill before the first stored bar: the state of the later bars is no use, everything is redone.
    earlier = series("FIX", random_walk(15, seed=24), start=BASE_DAY - timedelta(days=15))
    bucket.drop("backfill", earlier)
    result = run(spark, bucket.args("r3"))
    assert result.manifest is not None
    assert result.manifest["series"][0]["changed_rows"] == LONG + 15
    _assert_matches_reference(_rows(bucket.table(spark), "FIX"), earlier + corrected)


def _strip_state(table_root: Path) -> None:
    """Rewrites every table file without the state columns, as the job wrote them before they existed."""
    for path in table_root.rglob("*.parquet"):
        data = pq.read_table(path, partitioning=None)
        pq.write_table(data.drop_columns(STATE_COLUMNS), path)


def test_a_table_without_the_state_falls_back_to_the_whole_stored_series(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("OLD", random_walk(LONG, seed=25))
    bucket.drop("history", bars[:-3])
    run(spark, bucket.args("r1"))
    _strip_state(bucket.root / "parquet/bars")
    bucket.drop("new", bars[-3:])
    run(spark, bucket.args("r2"))
    rows = _rows(bucket.table(spark), "OLD")
    _assert_matches_reference(rows, bars, written_from=LONG - 3)  # older rows keep the old files' (no) state


def test_a_gap_longer_than_the_lookback_and_a_new_series_read_what_they_need(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    assert LOOKBACK["1d"] < timedelta(days=500)
    gappy = series("GAP", random_walk(101, seed=26), offsets=[*range(100), 600])
    bucket.drop("history", gappy[:100])
    run(spark, bucket.args("r1"))
    newcomer = series("NEW", random_walk(30, seed=27), start=gappy[100].ts - timedelta(days=29))
    bucket.drop("later", [gappy[100], *newcomer])
    run(spark, bucket.args("r2"))
    table = bucket.table(spark)
    _assert_matches_reference(_rows(table, "GAP"), gappy)
    _assert_matches_reference(_rows(table, "NEW"), newcomer)


def test_the_state_columns_are_carried_and_null_where_their_recursion_has_not_started(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bucket.drop("o", series("ST", random_walk(40, seed=28)))
    run(spark, bucket.args("r1"))
    rows = _rows(bucket.table(spark), "ST")
    assert [r["_bar_index"] for r in rows] == list(range(40))
    assert [r["_rsi_avg_gain"] is None for r in rows] == [t < 14 for t in range(40)]
    assert [r["_macd_fast"] is None for r in rows] == [t < 25 for t in range(40)]
    for row in rows[25:]:
        assert row["macd"] == pytest.approx(row["_macd_fast"] - row["ema_26"], rel=1e-12)
    assert set(CARRIED_COLUMNS) == {"ema_12", "ema_26", "macd_signal", *STATE_COLUMNS}

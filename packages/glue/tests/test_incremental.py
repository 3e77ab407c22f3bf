"""What an incremental run reads: only the affected series, from a bounded lookback before their first changed bar
(plus the other rows of the months it rewrites)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pyspark.sql import SparkSession

from factories import Bar, Bucket, bars_frame, random_walk, series
from market.compute import SRC_CONTEXT, SRC_NEW, SRC_STORED, as_input, to_input
from market.files import read_parquet
from market.history import History, month_files, read_history
from market.incremental import Partition, kept_rows, partition_of
from market.job import run
from market.schema import BAR_SCHEMA, arrow_schema
from market.transport import packed
from market.write import compute_and_stage


@pytest.fixture(scope="module")
def table_root(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> str:
    """AAA and BBB daily from Jan 2 to Feb 10 2023 (a bar every day), and AAA hourly on Jan 2 and 3."""
    bucket = Bucket(tmp_path_factory.mktemp("incremental") / "b")
    bucket.root.mkdir()
    hourly = series("AAA", random_walk(30, seed=3), interval="1h")
    bucket.drop("o", series("AAA", random_walk(40, seed=1)) + series("BBB", random_walk(40, seed=2)) + hourly)
    run(spark, bucket.args("r1"))
    return f"{bucket.uri}/parquet/bars"


def _new(symbol: str, first: datetime, interval: str = "1d") -> Bar:
    return series(symbol, [100.0], interval=interval, start=first)[0]


def _input(bars: list[Bar]) -> pa.Table:
    rows = [dict(zip(BAR_SCHEMA.fieldNames(), bar.row(), strict=True)) for bar in bars]
    return to_input(pa.Table.from_pylist(rows, schema=arrow_schema(BAR_SCHEMA)), SRC_NEW)


def test_the_history_read_holds_only_the_affected_series_from_their_lookback(table_root: str) -> None:
    rows = read_history(History(table_root), _input([_new("AAA", datetime(2023, 2, 1, tzinfo=UTC))]))
    assert rows is not None
    assert set(zip(rows.column("symbol").to_pylist(), rows.column("interval").to_pylist(), strict=True)) == {
        ("AAA", "1d")
    }
    # Before F: context (Jan 2–31, the state on them); from F on: the stored rows to recompute (Feb 1–10).
    assert Counter(rows.column("_src").to_pylist()) == {SRC_CONTEXT: 30, SRC_STORED: 10}
    assert pc.min(rows.column("_bar_index")).as_py() == 0
    assert rows.column("_rsi_avg_gain").null_count == 14  # carried as stored: null before bar 14


def test_the_history_read_is_bounded_by_the_lookback(table_root: str) -> None:
    # Months before the lookback are not read: their files are not even among those the read opens.
    daily = month_files(table_root, "1d", datetime(2023, 2, 1, tzinfo=UTC))
    assert [partition for partition, _ in daily] == [Partition("1d", 2023, 2)]
    assert len(month_files(table_root, "1d", None)) == 2
    # An hourly series looks back 50 days: from Apr 1, its January bars are out of reach.
    april = _input([_new("AAA", datetime(2023, 4, 1, tzinfo=UTC), "1h")])
    assert read_history(History(table_root), april) is None
    whole = read_history(History(table_root, whole=True), april)
    assert whole is not None
    assert whole.num_rows == 30


def test_series_short_of_context_are_left_for_their_whole_history(spark, table_root: str, tmp_path: Path) -> None:
    # AAA 1d from Feb 5: its whole 34-bar prefix is in the lookback (not short). BBB from before its first bar:
    # nothing stored before, the stored rows start at bar 0 (not short). ZZZ: unknown to the table (short: only a
    # full read can tell a new series from one with a long gap).
    new = [_new("AAA", datetime(2023, 2, 5, tzinfo=UTC)), _new("BBB", datetime(2022, 12, 1, tzinfo=UTC))]
    new.append(_new("ZZZ", datetime(2023, 2, 5, tzinfo=UTC)))
    root = tmp_path.as_uri()
    bars = packed(as_input(bars_frame(spark, new), SRC_NEW), 2)
    stats = compute_and_stage(bars, f"{root}/delta", f"{root}/pieces", History(table_root)).collect()
    assert {(r["symbol"], r["interval"]) for r in stats if r["kind"] == "short"} == {("ZZZ", "1d")}
    assert {r["symbol"] for r in stats if r["kind"] == "series"} == {"AAA", "BBB"}  # ZZZ: no rows written


def test_a_rewritten_month_keeps_the_stored_rows_before_each_series_first_change(table_root: str) -> None:
    # AAA changes from mid-January, BBB from February: January is rewritten for AAA (its rows from Jan 15 are
    # recomputed) while AAA's rows before Jan 15 and all of BBB's January rows must be kept from the table.
    january = read_parquet(f"{table_root}/interval=1d/year=2023/month=1/part-00000.snappy.parquet")
    first_changed = {"AAA": datetime(2023, 1, 15, tzinfo=UTC), "BBB": datetime(2023, 2, 3, tzinfo=UTC)}
    micros = {
        symbol: (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        for symbol, moment in first_changed.items()
    }
    kept = kept_rows(january, micros)
    assert Counter(kept.column("symbol").to_pylist()) == {"AAA": 13, "BBB": 30}
    assert kept_rows(january, {}).num_rows == january.num_rows


def test_a_partition_names_its_folder() -> None:
    assert Partition("1d", 2023, 1).path == "interval=1d/year=2023/month=1"
    assert partition_of("1d", "year=2023", "month=1") == Partition("1d", 2023, 1)
    assert partition_of("1d", "year=2023", "_temporary") is None

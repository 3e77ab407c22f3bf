"""The whole job on `file://` roots: incremental = full, de-duplication, ordering, backfills, no-ops, re-runs,
failures, and the output layout."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.testing import assertDataFrameEqual

import reference
from factories import Bar, Bucket, random_walk, series
from market import newbars, write
from market.job import run
from market.read import read_curated
from market.schema import INDICATOR_SCHEMA, OUTPUT_COLUMNS, STATE_FIELDS

STATE_COLUMNS = [f.name for f in STATE_FIELDS]

T1 = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)


def _bucket(tmp_path: Path, name: str) -> Bucket:
    root = tmp_path / name
    root.mkdir()
    return Bucket(root)


def _sorted_rows(frame: DataFrame, symbol: str) -> list:
    return sorted(frame.where(frame.symbol == symbol).collect(), key=lambda r: r["ts"])


def _assert_matches_reference(rows: list, bars: list[Bar]) -> None:
    expected = reference.indicators(
        [b.close for b in bars], [b.high for b in bars], [b.low for b in bars], [b.volume for b in bars]
    )
    assert [r["ts"] for r in rows] == [b.ts.replace(tzinfo=None) for b in bars]
    for name in INDICATOR_SCHEMA.fieldNames():
        for t, row in enumerate(rows):
            assert reference.close_enough(row[name], expected[name][t]), (name, t, row[name], expected[name][t])


@pytest.mark.parametrize("read_by", ["driver", "workers"])
def test_daily_increments_give_the_same_table_as_one_full_run(spark, tmp_path, monkeypatch, read_by) -> None:
    if read_by == "workers":  # as a bulk load's many files are read (`newbars`)
        monkeypatch.setattr(newbars, "LOCAL_FILES", 0)
    long_series = series("AAA", random_walk(225, seed=1))  # long enough for SMA200 and the crosses
    short_series = series("BBB", random_walk(35, seed=2))  # shares month partitions with AAA
    full = _bucket(tmp_path, "full")
    full.drop("all", long_series + short_series)
    run(spark, full.args("full"))

    daily = _bucket(tmp_path, "daily")
    daily.drop("history", long_series[:220] + short_series[:30])
    run(spark, daily.args("d0"))
    # Day 1 brings only AAA (BBB's rows of the rewritten month must survive); BBB's bar of that day comes a day late.
    late = {0: [30], 1: [], 2: [31, 32], 3: [33], 4: [34]}
    for day in range(5):
        bars = [long_series[220 + day]] + [short_series[i] for i in late[day]]
        daily.drop(f"day{day}", bars)
        result = run(spark, daily.args(f"d{day + 1}"))
        assert result.manifest is not None
        assert result.manifest["rows"]["changed"] == len(bars)  # an append changes only the new bars (and later)

    assertDataFrameEqual(daily.table(spark), full.table(spark), rtol=1e-9, atol=1e-12)
    assert daily.table(spark).count() == 225 + 35


def test_duplicates_keep_the_latest_ingested_at_with_a_deterministic_tie_break(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    base = series("DUP", [100.0 + t for t in range(30)])
    later = T1 + timedelta(hours=1)
    revised = [b.with_(close=b.close * 2, ingested_at=later, source_key="raw/csv/b.csv") for b in base[10:13]]
    tie = base[11].with_(close=777.0, ingested_at=later, source_key="raw/csv/z.csv")  # same second, larger key
    bucket.drop("first", [*base, base[5]])  # a line repeated inside one file
    bucket.drop("revision", revised)
    bucket.drop("tie", [tie])
    result = run(spark, bucket.args("r1"))

    rows = _sorted_rows(bucket.table(spark), "DUP")
    assert len(rows) == 30
    assert [rows[t]["close"] for t in (9, 10, 11, 12, 13)] == [109.0, 220.0, 777.0, 224.0, 113.0]
    assert rows[11]["source_key"] == "raw/csv/z.csv"
    assert result.manifest is not None
    assert result.manifest["rows"]["curated_read"] == 35
    assert result.manifest["rows"]["curated_unique"] == 30


def test_a_replayed_older_object_does_not_override_newer_history(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("OLD", random_walk(40, seed=5))
    bucket.drop("current", bars)
    run(spark, bucket.args("r1"))
    before = _sorted_rows(bucket.table(spark), "OLD")
    stale = [b.with_(close=b.close + 1, ingested_at=T1 - timedelta(days=3)) for b in bars[20:]]
    bucket.drop("stale", stale)
    run(spark, bucket.args("r2"))
    assert _sorted_rows(bucket.table(spark), "OLD") == before


def test_out_of_order_input_across_files_and_lines(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("MIX", random_walk(80, seed=9))
    shuffled = bars[::-1]
    bucket.drop("second-half-first", shuffled[:40])
    bucket.drop("first-half-later", shuffled[40:][::3] + shuffled[40:][1::3] + shuffled[40:][2::3])
    run(spark, bucket.args("r1"))
    _assert_matches_reference(_sorted_rows(bucket.table(spark), "MIX"), bars)


def test_a_backfill_before_existing_data_redoes_the_series_from_there(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("BACK", random_walk(100, seed=4))
    bucket.drop("recent", bars[40:])
    run(spark, bucket.args("r1"))
    bucket.drop("backfill", bars[:40])
    result = run(spark, bucket.args("r2"))

    _assert_matches_reference(_sorted_rows(bucket.table(spark), "BACK"), bars)
    manifest = result.manifest
    assert manifest is not None
    assert manifest["series"] == [
        {
            "symbol": "BACK",
            "interval": "1d",
            "first_changed_ts": "2023-01-02T00:00:00Z",
            "last_ts": "2023-04-11T00:00:00Z",
            "new_rows": 40,
            "changed_rows": 100,  # every later value depends on the earlier bars
        }
    ]
    delta = pq.read_table(bucket.root / "parquet/delta/run_id=r2", partitioning=None)
    assert delta.num_rows == 100


def test_short_and_gappy_series_through_the_job(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    tiny = series("TINY", [5.0, 5.5, 5.25])
    gappy = series("GAP", random_walk(50, seed=8), offsets=[t + (9 if t >= 25 else 0) for t in range(50)])
    bucket.drop("o", tiny + gappy)
    run(spark, bucket.args("r1"))
    table = bucket.table(spark)
    _assert_matches_reference(_sorted_rows(table, "TINY"), tiny)
    _assert_matches_reference(_sorted_rows(table, "GAP"), gappy)


@pytest.mark.parametrize("markers", [[], [{"object_id": "all-quarantined", "curated": [], "entries": []}]])
def test_an_empty_work_list_is_a_no_op_that_writes_nothing(spark, tmp_path, markers) -> None:
    bucket = _bucket(tmp_path, "b")
    result = run(spark, bucket.args("r1", markers=markers))
    assert result.status == "NOOP"
    assert list(bucket.root.iterdir()) == []


def test_rerunning_a_run_id_rewrites_the_same_files(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("RE", random_walk(70, seed=6)) + series("RX", random_walk(70, seed=12))
    bucket.drop("history", [b for b in bars if b.ts.month < 3])
    run(spark, bucket.args("r1"))
    markers = [bucket.drop("new", [b for b in bars if b.ts.month == 3])]
    run(spark, bucket.args("r2", markers=markers))
    table, delta = bucket.files("parquet/bars"), bucket.files("parquet/delta/run_id=r2")

    run(spark, bucket.args("r2", markers=markers))
    assert bucket.files("parquet/delta/run_id=r2") == delta
    assert bucket.files("parquet/bars") == table
    assert sorted(delta) == ["part-00000.snappy.parquet"]
    assert sorted(table) == [f"interval=1d/year=2023/month={m}/part-00000.snappy.parquet" for m in (1, 2, 3)]


def test_output_layout_and_column_order(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bucket.drop("o", series("ZZZ", random_walk(40, seed=1)) + series("AAA", random_walk(40, seed=2)))
    run(spark, bucket.args("r1"))
    delta = pq.ParquetFile(bucket.root / "parquet/delta/run_id=r1/part-00000.snappy.parquet").schema_arrow
    assert delta.names == OUTPUT_COLUMNS
    assert str(delta.field("ts").type) == "timestamp[us, tz=UTC]"
    month = pq.ParquetFile(bucket.root / "parquet/bars/interval=1d/year=2023/month=1/part-00000.snappy.parquet")
    # The output columns (without the partition column), then the carried recursion state: only ever appended.
    assert month.schema_arrow.names == [c for c in OUTPUT_COLUMNS if c != "interval"] + STATE_COLUMNS
    rows = month.read(columns=["symbol", "ts"]).to_pylist()
    assert rows == sorted(rows, key=lambda r: (r["symbol"], r["ts"]))
    assert not list((bucket.root / "parquet").rglob("_SUCCESS"))
    manifest = json.loads((bucket.root / "_control/runs/r1.json").read_text())
    assert manifest["status"] == "SUCCEEDED"
    assert manifest["partitions"] == ["interval=1d/year=2023/month=1", "interval=1d/year=2023/month=2"]
    assert (manifest["min_ts"], manifest["max_ts"]) == ("2023-01-02T00:00:00Z", "2023-02-10T00:00:00Z")


def test_a_failed_run_leaves_the_previous_table_intact(spark, tmp_path) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("SAFE", random_walk(60, seed=3))
    bucket.drop("good", bars[:50])
    run(spark, bucket.args("r1"))
    table = bucket.files("parquet/bars")

    missing = {"object_id": "gone", "curated": ["curated/interval=1d/date=2024-06-02/gone.jsonl.gz"]}
    bucket.drop("more", bars[50:])
    with pytest.raises(Exception, match=r"(?i)path does not exist|PATH_NOT_FOUND"):
        run(spark, bucket.args("r2", markers=[*bucket.markers, missing]))
    assert bucket.files("parquet/bars") == table
    failed = json.loads((bucket.root / "_control/runs/r2.json").read_text())
    assert failed["status"] == "FAILED"
    assert "gone.jsonl.gz" in failed["error"]

    corrupt = bucket.drop("corrupt", bars[50:])
    (bucket.root / corrupt["curated"][0]).write_bytes(gzip.compress(b'{"symbol": "SAFE", "close": oops}\n'))
    with pytest.raises(Exception, match=r"(?i)malformed"):
        run(spark, bucket.args("r3"))
    assert bucket.files("parquet/bars") == table
    assert not (bucket.root / "parquet/delta/run_id=r3").exists()


def test_a_failure_while_writing_the_table_leaves_it_intact(spark, tmp_path, monkeypatch) -> None:
    bucket = _bucket(tmp_path, "b")
    bars = series("MID", random_walk(60, seed=13)) + series("OTHER", random_walk(60, seed=14))
    bucket.drop("good", [b for b in bars if b.ts.month == 1])
    run(spark, bucket.args("r1"))
    table = bucket.files("parquet/bars")

    def exploding(*args, **kwargs):  # fails inside the month-writing tasks, after the delta was written
        months = months_frame(*args, **kwargs)
        return months.where(F.when(F.col("month") > 0, F.raise_error(F.lit("disk on fire"))).otherwise(F.lit(True)))

    months_frame = write.months_frame
    monkeypatch.setattr(write, "months_frame", exploding)
    bucket.drop("late-january", [b for b in bars if b.ts.month == 2 or (b.symbol == "MID" and b.ts.day == 31)])
    with pytest.raises(Exception, match="disk on fire"):
        run(spark, bucket.args("r2"))
    assert bucket.files("parquet/delta/run_id=r2")  # the failure came after the compute job
    assert not (bucket.root / "parquet/_staging").exists() or not list((bucket.root / "parquet/_staging").iterdir())
    assert bucket.files("parquet/bars") == table


def test_a_curated_line_with_a_malformed_timestamp_fails_the_read(spark, tmp_path) -> None:
    path = tmp_path / "bad.jsonl.gz"
    record = series("BAD", [1.0])[0].record() | {"ts": "2024-01-05 00:00:00"}
    path.write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    with pytest.raises(Exception, match="YYYY-MM-DDTHH:MM:SSZ"):
        read_curated(spark, [path.as_uri()]).collect()

"""An incremental run's new bars (its work list's curated files), read where that is cheapest.

A daily run's files are few and small (one object of a few hundred lines per feed): reading them in the driver
with the very parsing the workers use (`read.parse_curated`) takes milliseconds, where a Spark job to parse them,
another to aggregate the affected series and a cache between the two took a noticeable part of the run. A bulk
load's files are parsed by the workers as a first run's are, and cached for the two passes over them.
Either way a missing or malformed file fails here, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .compute import SRC_NEW, as_input, to_input
from .files import sizes
from .incremental import SeriesStart, series_starts, starts_frame
from .read import read_curated, read_curated_here
from .schema import SERIES_KEY, arrow_schema
from .transport import PACKED_SCHEMA, pack, packed

# Up to this many curated files of at most LOCAL_BYTES together are read by the driver.
LOCAL_FILES = 16
LOCAL_BYTES = 8 << 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PACKED_ARROW = arrow_schema(PACKED_SCHEMA)


class NewBars(Protocol):
    starts: list[SeriesStart]  # per affected series (sorted): its earliest new bar, and the lines read for it

    def packed(self, buckets: int, only: list[SeriesStart] | None = None) -> DataFrame:
        """The new bars (of the `only` series) as compute input packed for the shuffle (`transport`)."""
        ...

    def release(self) -> None: ...


def read_new_bars(spark: SparkSession, uris: list[str]) -> NewBars:
    if len(uris) <= LOCAL_FILES and sum(sizes(uris)) <= LOCAL_BYTES:
        return _Local(spark, read_curated_here(uris))
    return _Distributed(spark, uris)


def _from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _sorted(starts: Iterable[SeriesStart]) -> list[SeriesStart]:
    return sorted(starts, key=lambda s: (s.symbol, s.interval))


class _Local:
    def __init__(self, spark: SparkSession, bars: pa.Table) -> None:
        self.spark = spark
        self.bars = bars
        per_series = bars.group_by(SERIES_KEY, use_threads=False).aggregate([("ts", "min"), ("ts", "count")])
        columns = [
            per_series.column("symbol").to_pylist(),
            per_series.column("interval").to_pylist(),
            per_series.column("ts_min").cast(pa.int64()).to_pylist(),
            per_series.column("ts_count").to_pylist(),
        ]
        self.starts = _sorted(
            SeriesStart(symbol, interval, _from_micros(first), lines)
            for symbol, interval, first, lines in zip(*columns, strict=True)
        )

    def packed(self, buckets: int, only: list[SeriesStart] | None = None) -> DataFrame:
        rows = to_input(self.bars, SRC_NEW)
        if only is not None:
            wanted = pa.array(sorted(f"{s.symbol}\x1f{s.interval}" for s in only))
            keys = pc.binary_join_element_wise(rows.column("symbol"), rows.column("interval"), "\x1f")
            rows = rows.filter(pc.is_in(keys, value_set=wanted))
        blobs = pa.Table.from_batches(list(pack(rows, buckets)), schema=_PACKED_ARROW)
        # A local relation (via Arrow): the plan carries the few blobs. One partition: Spark would spread a local
        # relation's rows over a task per core.
        return self.spark.createDataFrame(blobs.to_pandas(), PACKED_SCHEMA).coalesce(1)

    def release(self) -> None:
        pass


class _Distributed:
    def __init__(self, spark: SparkSession, uris: list[str]) -> None:
        self.spark = spark
        self.bars = read_curated(spark, uris).persist(StorageLevel.MEMORY_AND_DISK)
        # The first action: the workers parse every file here. The first ts as µs since the epoch: a collected
        # timestamp would be a naive datetime in the driver's zone.
        per_series = series_starts(self.bars).withColumn("first_changed_ts", F.unix_micros("first_changed_ts"))
        self.starts = _sorted(
            SeriesStart(r["symbol"], r["interval"], _from_micros(r["first_changed_ts"]), r["lines"])
            for r in per_series.collect()
        )

    def packed(self, buckets: int, only: list[SeriesStart] | None = None) -> DataFrame:
        rows = as_input(self.bars, SRC_NEW)
        if only is not None:
            rows = rows.join(starts_frame(self.spark, only).select(*SERIES_KEY), SERIES_KEY, "left_semi")
        return packed(rows, buckets)

    def release(self) -> None:
        self.bars.unpersist()

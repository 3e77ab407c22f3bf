"""Which series a run redoes, how far back it reads them, and which stored rows a rewritten month keeps.

A run redoes each affected (symbol, interval) series from its earliest new bar `first_changed_ts` (F) on. Of the
table it reads, per affected series, only (`history`):
- the stored rows from F on (a backfill or correction in the middle of a series recomputes everything after it);
- the *context* before F: the rows from F − LOOKBACK on, which for a daily series is well over the
  WINDOW_CONTEXT (200) bars the windows need, the last of them carrying the recursions' state. A series for which
  that is not enough — fewer than 200 contiguous bars there and not its whole prefix (a new series, a long gap, a
  table written before the state columns existed) — is computed again from its whole history.
So a one-day run reads a fixed window of history, whatever the series' length. Unaffected series are never read,
except for the rows that share a month partition the run rewrites (`kept_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType

from .compute import WINDOW_CONTEXT
from .schema import SERIES_KEY

SERIES_START_SCHEMA = StructType(
    [
        StructField("symbol", StringType()),
        StructField("interval", StringType()),
        StructField("first_changed_ts", TimestampType()),
        StructField("lookback_from", TimestampType()),
        StructField("lines", LongType()),
    ]
)

# How far before F the first read looks, per interval: 200 bars with room for weekends, holidays and trading
# hours (a US equity session has 6.5 one-hour bars). Too short only costs that series a second pass over its whole
# history.
_BAR = {"1d": timedelta(days=1), "1h": timedelta(hours=1), "30m": timedelta(minutes=30)}
_BAR |= {"15m": timedelta(minutes=15), "5m": timedelta(minutes=5), "1m": timedelta(minutes=1)}
LOOKBACK = {interval: max(WINDOW_CONTEXT * bar * 6, timedelta(days=5)) for interval, bar in _BAR.items()}
LOOKBACK["1d"] = timedelta(days=400)  # 200 trading days ≈ 290 calendar days
_WHOLE_HISTORY = timedelta(days=365 * 200)


def lookback(interval: str) -> timedelta:
    """How far before its first changed bar a series of this interval is read (an unknown interval: all of it)."""
    return LOOKBACK.get(interval, _WHOLE_HISTORY)


@dataclass(frozen=True)
class SeriesStart:
    """An affected series and its earliest new bar: every bar from there on may change."""

    symbol: str
    interval: str
    first_changed_ts: datetime
    lines: int = 0

    @property
    def lookback_from(self) -> datetime:
        return self.first_changed_ts - lookback(self.interval)


def partition_of(interval: str, year_folder: str, month_folder: str) -> Partition | None:
    """`year=2023`, `month=1` → the partition (None: not a partition folder)."""
    year, month = year_folder.removeprefix("year="), month_folder.removeprefix("month=")
    if year == year_folder or month == month_folder or not (year.isdigit() and month.isdigit()):
        return None
    return Partition(interval, int(year), int(month))


@dataclass(frozen=True, order=True)
class Partition:
    interval: str
    year: int
    month: int

    @property
    def path(self) -> str:
        return f"interval={self.interval}/year={self.year}/month={self.month}"


def series_starts(curated: DataFrame) -> DataFrame:
    """Per series of the new bars: the earliest ts and the lines read."""
    return curated.groupBy(*SERIES_KEY).agg(F.min("ts").alias("first_changed_ts"), F.count(F.lit(1)).alias("lines"))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment  # naive = UTC, the session zone


def starts_frame(spark: SparkSession, starts: list[SeriesStart]) -> DataFrame:
    """The affected series as a small DataFrame held by the driver's plan (a local relation via Arrow): joining
    it runs no job of its own, where a parallelized list would run one task per core to broadcast it."""
    frame = pd.DataFrame(
        {
            "symbol": pd.Series([s.symbol for s in starts], dtype=object),
            "interval": pd.Series([s.interval for s in starts], dtype=object),
            "first_changed_ts": pd.to_datetime([_utc(s.first_changed_ts) for s in starts], utc=True),
            "lookback_from": pd.to_datetime([_utc(s.lookback_from) for s in starts], utc=True),
            "lines": pd.Series([s.lines for s in starts], dtype="int64"),
        }
    )
    return spark.createDataFrame(frame, SERIES_START_SCHEMA)


def kept_rows(stored: pa.Table, first_changed: dict[str, int]) -> pa.Table:
    """The rows of a stored month file (one interval) that a run rewriting the month keeps: every row of an
    unaffected series, and an affected series' rows before its first changed bar. The others are recomputed.
    `first_changed`: the interval's affected symbols and their first changed ts, in µs since the epoch."""
    if not first_changed or not stored.num_rows:
        return stored
    symbols = pa.array(list(first_changed), pa.string())
    starts = pa.array(list(first_changed.values()), pa.int64())
    position = pc.index_in(stored.column("symbol"), value_set=symbols)  # null: not an affected series
    series_start = starts.take(position.combine_chunks() if isinstance(position, pa.ChunkedArray) else position)
    recomputed = pc.greater_equal(stored.column("ts").cast(pa.int64()), series_start)
    return stored.filter(pc.invert(pc.fill_null(recomputed, False)))

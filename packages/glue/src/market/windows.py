"""The non-recursive indicators as Spark SQL window functions over each (symbol, interval) series.

Each depends on a fixed number of trailing bars, and Spark evaluates a ROWS frame by aggregating the frame's rows
afresh for every output row (no running add/subtract), so these are exact. Warm-up nulls come from the bar index
`_idx`, because a frame near the series start simply holds fewer rows.
"""

from __future__ import annotations

import math

from pyspark.sql import Column, DataFrame, Window, WindowSpec
from pyspark.sql import functions as F

from .schema import SERIES_KEY

SMA_PERIODS = (5, 20, 50, 200)
BB_PERIOD, BB_WIDTH = 20, 2.0
VOLATILITY_PERIOD = 20
TRADING_DAYS = 252


def _series() -> WindowSpec:
    return Window.partitionBy(*SERIES_KEY).orderBy("ts")


def _trailing(rows: int) -> WindowSpec:
    return _series().rowsBetween(-(rows - 1), Window.currentRow)


def _after_warmup(first_index: int, value: Column) -> Column:
    return F.when(F.col("_idx") >= first_index, value)


def _sma(period: int) -> Column:
    return _after_warmup(period - 1, F.avg("close").over(_trailing(period)))


def _bollinger() -> dict[str, Column]:
    sigma = F.stddev_pop("close").over(_trailing(BB_PERIOD))  # population σ (ddof 0), as TA-Lib's BBANDS
    middle = F.avg("close").over(_trailing(BB_PERIOD))
    first = BB_PERIOD - 1
    return {
        "bb_middle": _after_warmup(first, middle),
        "bb_upper": _after_warmup(first, middle + F.lit(BB_WIDTH) * sigma),
        "bb_lower": _after_warmup(first, middle - F.lit(BB_WIDTH) * sigma),
    }


def _volatility_raw() -> Column:
    # Sample σ of the last 20 log returns; the first log return is at index 1, so 20 of them exist from index 20.
    return _after_warmup(VOLATILITY_PERIOD, F.stddev_samp("log_return").over(_trailing(VOLATILITY_PERIOD)))


def with_window_indicators(bars: DataFrame) -> DataFrame:
    """`bars` (with the recursive columns) plus every window indicator; output columns unordered."""
    series = _series()
    prev_close = F.lag("close").over(series)
    prev_volume = F.lag("volume").over(series)
    first = bars.withColumn("_idx", F.row_number().over(series) - 1).select(
        "*",
        (F.col("close") / prev_close - 1.0).alias("return_1d"),
        F.log(F.col("close") / prev_close).alias("log_return"),
        *[_sma(period).alias(f"sma_{period}") for period in SMA_PERIODS],
        (F.col("high") - F.col("low")).alias("daily_range"),
        F.when(prev_volume != 0, F.col("volume") / prev_volume - 1.0).alias("volume_change"),
    )
    # A second pass: these read columns the first one made (log_return, the SMAs one bar back).
    second = first.select(
        "*",
        *[column.alias(name) for name, column in _bollinger().items()],
        _volatility_raw().alias("volatility_20_raw"),
        *_crosses(series),
    )
    annualised = F.col("volatility_20_raw") * F.lit(math.sqrt(TRADING_DAYS))
    # √252 annualises daily bars only; intraday bars keep just the raw σ (INDICATORS.md).
    return second.withColumn("volatility_20", F.when(F.col("interval") == "1d", annualised)).drop("_idx")


def _crosses(series: WindowSpec) -> list[Column]:
    fast, slow = F.col("sma_50"), F.col("sma_200")
    prev_fast, prev_slow = F.lag("sma_50").over(series), F.lag("sma_200").over(series)
    first = 200  # sma_200 exists from index 199, so "one bar back" from 200
    return [
        _after_warmup(first, (fast > slow) & (prev_fast <= prev_slow)).alias("golden_cross"),
        _after_warmup(first, (fast < slow) & (prev_fast >= prev_slow)).alias("death_cross"),
    ]

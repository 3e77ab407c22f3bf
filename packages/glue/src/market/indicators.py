"""Every indicator of INDICATORS.md for whole (symbol, interval) series."""

from __future__ import annotations

from pyspark.sql import DataFrame

from .recursive import with_recursive_indicators
from .schema import BAR_SCHEMA, OUTPUT_COLUMNS
from .windows import with_window_indicators


def with_indicators(bars: DataFrame) -> DataFrame:
    """Bars (BAR_SCHEMA columns, unique per symbol/interval/ts, each series complete) → OUTPUT_SCHEMA rows.

    The pandas step and the windows both partition by (symbol, interval), so Spark shuffles once.
    """
    recursive = with_recursive_indicators(bars.select(*BAR_SCHEMA.fieldNames()))
    return with_window_indicators(recursive).select(*OUTPUT_COLUMNS)

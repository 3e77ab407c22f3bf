"""The recursive indicators (EMA, MACD, RSI), computed per series with numpy inside `applyInPandas`.

A value depends on every earlier bar, so no SQL window expresses them exactly. Each group handed to
`recursive_indicators` is one whole (symbol, interval) series; the recursions are plain float64 loops in the
exact form INDICATORS.md gives, so a re-run over the same bars reproduces the same bits.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql.types import StructType

from .schema import RECURSIVE_FIELDS, SERIES_KEY

EMA_FAST, EMA_SLOW, MACD_SIGNAL, RSI_PERIOD = 12, 26, 9, 14


def ema(values: np.ndarray, period: int, first: int) -> np.ndarray:
    """EMA with α = 2/(period+1), seeded at index `first` with the mean of the `period` values ending there.

    `first` = period-1 for a plain EMA; MACD seeds its fast EMA later (TA-Lib alignment). NaN before `first`.
    """
    out = np.full(len(values), np.nan)
    start = first - period + 1
    if start < 0 or len(values) <= first:
        return out
    alpha = 2.0 / (period + 1)
    prev = math.fsum(values[start : first + 1].tolist()) / period
    out[first] = prev
    tail = values[first + 1 :].tolist()
    for offset, value in enumerate(tail, start=first + 1):
        prev = alpha * value + (1.0 - alpha) * prev
        out[offset] = prev
    return out


def macd(close: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(macd, signal, hist). Both EMAs start at index 25: the fast one is seeded with the SMA of the 12 closes
    ending there, as TA-Lib does, not with the SMA of closes 0..11 (which is the `ema_12` column)."""
    first = EMA_SLOW - 1
    line = ema(close, EMA_FAST, first) - ema(close, EMA_SLOW, first)
    signal = np.full(len(close), np.nan)
    if len(close) > first:
        signal[first:] = ema(line[first:], MACD_SIGNAL, MACD_SIGNAL - 1)
    return line, signal, line - signal


def rsi(close: np.ndarray, period: int = RSI_PERIOD) -> np.ndarray:
    """Wilder's RSI: simple means of the first `period` gains/losses, then (prev·(n-1) + current)/n smoothing;
    0 when both averages are 0 (TA-Lib)."""
    out = np.full(len(close), np.nan)
    if len(close) <= period:
        return out
    change = np.diff(close)
    gains = np.where(change > 0, change, 0.0).tolist()
    losses = np.where(change < 0, -change, 0.0).tolist()
    avg_gain = math.fsum(gains[:period]) / period
    avg_loss = math.fsum(losses[:period]) / period
    out[period] = _rsi_value(avg_gain, avg_loss)
    for t in range(period + 1, len(close)):
        avg_gain = (avg_gain * (period - 1) + gains[t - 1]) / period
        avg_loss = (avg_loss * (period - 1) + losses[t - 1]) / period
        out[t] = _rsi_value(avg_gain, avg_loss)
    return out


def _rsi_value(avg_gain: float, avg_loss: float) -> float:
    total = avg_gain + avg_loss
    return 100.0 * (avg_gain / total) if total != 0.0 else 0.0


def series_indicators(close: np.ndarray) -> dict[str, np.ndarray]:
    """Every recursive column for one series ordered by ts (NaN = warm-up, becomes null in Spark)."""
    line, signal, hist = macd(close)
    return {
        "ema_12": ema(close, EMA_FAST, EMA_FAST - 1),
        "ema_26": ema(close, EMA_SLOW, EMA_SLOW - 1),
        "macd": line,
        "macd_signal": signal,
        "macd_hist": hist,
        "rsi_14": rsi(close),
    }


def _per_series(series: pd.DataFrame) -> pd.DataFrame:
    # Spark hands a group's rows in no particular order.
    ordered = series.sort_values("ts", kind="mergesort").reset_index(drop=True)
    columns = series_indicators(ordered["close"].to_numpy(dtype=np.float64))
    return ordered.assign(**columns)


def with_recursive_indicators(bars: DataFrame) -> DataFrame:
    """`bars` plus ema_12 … rsi_14, one pandas call per (symbol, interval) series."""
    schema = StructType([*bars.schema.fields, *RECURSIVE_FIELDS])
    return bars.groupBy(*SERIES_KEY).applyInPandas(_per_series, schema)

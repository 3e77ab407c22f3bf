"""Indicators on real local Spark against the independent reference in reference.py (INDICATORS.md)."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import Row, SparkSession

import reference
from factories import Bar, bars_frame, random_walk, series
from market.indicators import with_indicators
from market.schema import INDICATOR_SCHEMA

INDICATORS = INDICATOR_SCHEMA.fieldNames()


def _cross_path() -> list[float]:
    """Falls, then rallies (SMA50 crosses above SMA200), then falls again (crosses back below)."""
    down = [200.0 - 0.5 * t for t in range(230)]
    up = [down[-1] + 1.5 * t for t in range(1, 80)]
    again = [up[-1] - 2.0 * t for t in range(1, 90)]
    return down + up + again


def _flat_path() -> list[float]:
    """Constant for 30 bars (RSI's averages both 0 → 0; Bollinger σ = 0), then moves."""
    return [50.0] * 30 + [50.0 + (t % 3) for t in range(1, 15)]


SERIES: dict[str, list[Bar]] = {
    "WALK": series("WALK", random_walk(260, seed=7), volumes=[0 if t == 40 else 500 + 3 * t for t in range(260)]),
    "CROSS": series("CROSS", _cross_path()),
    "FLAT": series("FLAT", _flat_path()),
    "SHORT": series("SHORT", [10.0, 10.5, 10.2, 10.4]),
    "HOURLY": series("HOURLY", random_walk(45, seed=3), interval="1h"),
    # Calendar gaps: indices count bars, not days.
    "GAPPY": series("GAPPY", random_walk(60, seed=11), offsets=[t + (10 if t >= 30 else 0) for t in range(60)]),
}


@pytest.fixture(scope="module")
def computed(spark: SparkSession) -> dict[str, list[Row]]:
    bars = [bar for bars in SERIES.values() for bar in bars]
    rows = with_indicators(bars_frame(spark, bars)).collect()
    by_symbol: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_symbol[row["symbol"]].append(row)
    return {symbol: sorted(found, key=lambda r: r["ts"]) for symbol, found in by_symbol.items()}


def _expected(symbol: str) -> dict[str, list]:
    bars = SERIES[symbol]
    return reference.indicators(
        [b.close for b in bars],
        [b.high for b in bars],
        [b.low for b in bars],
        [b.volume for b in bars],
        bars[0].interval,
    )


def _column(rows: list[Row], name: str) -> list:
    return [row[name] for row in rows]


@pytest.mark.parametrize("symbol", sorted(SERIES))
def test_every_indicator_matches_the_reference_including_warm_up_nulls(computed, symbol: str) -> None:
    rows, expected = computed[symbol], _expected(symbol)
    assert len(rows) == len(SERIES[symbol])
    for name in INDICATORS:
        actual = _column(rows, name)
        mismatches = [
            (t, a, e)
            for t, (a, e) in enumerate(zip(actual, expected[name], strict=True))
            if not reference.close_enough(a, e)
        ]
        assert not mismatches, f"{symbol}.{name}: first mismatches (index, actual, expected) {mismatches[:3]}"


def test_first_non_null_index_of_each_indicator(computed) -> None:
    first = {
        name: next((t for t, v in enumerate(_column(computed["WALK"], name)) if v is not None), None)
        for name in INDICATORS
    }
    assert first == {
        "return_1d": 1,
        "log_return": 1,
        "sma_5": 4,
        "sma_20": 19,
        "sma_50": 49,
        "sma_200": 199,
        "ema_12": 11,
        "ema_26": 25,
        "macd": 25,
        "macd_signal": 33,
        "macd_hist": 33,
        "rsi_14": 14,
        "bb_middle": 19,
        "bb_upper": 19,
        "bb_lower": 19,
        "volatility_20": 20,
        "volatility_20_raw": 20,
        "daily_range": 0,
        "volume_change": 1,
        "golden_cross": 200,
        "death_cross": 200,
    }


def test_crosses_fire_once_each_on_the_rally_and_the_fall(computed) -> None:
    golden = [t for t, v in enumerate(_column(computed["CROSS"], "golden_cross")) if v]
    death = [t for t, v in enumerate(_column(computed["CROSS"], "death_cross")) if v]
    assert len(golden) == 1
    assert len(death) == 1
    assert golden[0] < death[0]


def test_flat_prices_give_rsi_zero_and_a_collapsed_band(computed) -> None:
    rows = computed["FLAT"]
    assert rows[14]["rsi_14"] == 0.0
    assert rows[25]["bb_upper"] == rows[25]["bb_lower"] == 50.0


def test_volume_change_is_null_after_a_zero_volume_bar(computed) -> None:
    rows = computed["WALK"]
    assert rows[40]["volume"] == 0
    assert rows[41]["volume_change"] is None
    assert rows[40]["volume_change"] == pytest.approx(-1.0)


def test_intraday_bars_keep_only_the_raw_volatility(computed) -> None:
    rows = computed["HOURLY"]
    assert all(r["volatility_20"] is None for r in rows)
    assert rows[20]["volatility_20_raw"] is not None


def test_a_series_shorter_than_every_window_has_only_bar_to_bar_values(computed) -> None:
    rows = computed["SHORT"]
    windowed = [n for n in INDICATORS if n not in ("return_1d", "log_return", "daily_range", "volume_change")]
    assert all(r[n] is None for r in rows for n in windowed)
    assert [r["return_1d"] is None for r in rows] == [True, False, False, False]


def test_indices_count_bars_not_calendar_days_across_a_gap(computed) -> None:
    rows = computed["GAPPY"]
    assert (rows[30]["ts"] - rows[29]["ts"]).days == 11
    assert rows[19]["sma_20"] is not None
    assert rows[30]["return_1d"] == pytest.approx(rows[30]["close"] / rows[29]["close"] - 1, rel=1e-12)


# ---- the known wrong variants must be told apart from the job's output ----


def _differs(actual: list, variant: list, start: int) -> bool:
    pairs = [(a, v) for a, v in list(zip(actual, variant, strict=True))[start:] if a is not None and v is not None]
    return bool(pairs) and any(not reference.close_enough(a, v, rel=1e-6) for a, v in pairs)


def _closes(symbol: str) -> list[float]:
    return [b.close for b in SERIES[symbol]]


def test_differs_from_ema_stepped_off_a_lagged_sma(computed) -> None:
    close, n = _closes("WALK"), 12
    alpha = 2 / (n + 1)
    lagged_sma = reference.sma(close, n)
    variant = [None] * n + [alpha * close[t] + (1 - alpha) * lagged_sma[t - 1] for t in range(n, len(close))]
    assert _differs(_column(computed["WALK"], "ema_12"), variant, n)


def test_differs_from_ema_seeded_one_bar_late(computed) -> None:
    close, n = _closes("WALK"), 12
    variant = [None, *reference.ema_from(close[1:], n, n - 1)]
    assert _differs(_column(computed["WALK"], "ema_12"), variant, n)


def test_differs_from_pandas_ewm_adjust_true(computed) -> None:
    close = pd.Series(_closes("WALK"))
    variant = close.ewm(span=12, adjust=True, min_periods=12).mean().tolist()
    assert _differs(_column(computed["WALK"], "ema_12"), [None if math.isnan(v) else v for v in variant], 11)


def test_differs_from_macd_with_the_fast_ema_seeded_at_index_11(computed) -> None:
    close = _closes("WALK")
    fast, slow = reference.ema_from(close, 12, 11), reference.ema_from(close, 26, 25)
    variant = [f - s if s is not None else None for f, s in zip(fast, slow, strict=True)]
    assert _differs(_column(computed["WALK"], "macd"), variant, 25)


def test_differs_from_cutlers_rsi(computed) -> None:
    change = pd.Series(_closes("WALK")).diff()
    gain = change.clip(lower=0).rolling(14).mean()
    loss = (-change.clip(upper=0)).rolling(14).mean()
    variant = (100 * gain / (gain + loss)).tolist()
    assert _differs(_column(computed["WALK"], "rsi_14"), [None if math.isnan(v) else v for v in variant], 14)


def test_differs_from_bollinger_with_sample_sigma(computed) -> None:
    close = pd.Series(_closes("WALK"))
    variant = (close.rolling(20).mean() + 2 * close.rolling(20).std(ddof=1)).tolist()
    assert _differs(_column(computed["WALK"], "bb_upper"), [None if math.isnan(v) else v for v in variant], 19)


def test_the_reference_itself_agrees_with_numpy_on_plain_windows() -> None:
    close = np.array(_closes("WALK"))
    sma20 = reference.sma(close.tolist(), 20)
    assert reference.close_enough(sma20[-1], float(close[-20:].mean()))

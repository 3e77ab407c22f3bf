"""An independent reference for INDICATORS.md: plain Python/numpy, one bar at a time, written from the spec
without looking at the job's code. None = warm-up null."""

from __future__ import annotations

import math

import numpy as np

Series = list[float | None]


def _sma_at(values: list[float], t: int, n: int) -> float:
    return sum(values[t - n + 1 : t + 1]) / n


def sma(close: list[float], n: int) -> Series:
    return [_sma_at(close, t, n) if t >= n - 1 else None for t in range(len(close))]


def ema_from(values: list[float], n: int, seed_index: int) -> Series:
    """α = 2/(n+1); EMA at seed_index = SMA of the n values ending there; then the recursion."""
    alpha = 2 / (n + 1)
    out: Series = [None] * len(values)
    if seed_index >= len(values):
        return out
    out[seed_index] = _sma_at(values, seed_index, n)
    for t in range(seed_index + 1, len(values)):
        prev = out[t - 1]
        assert prev is not None
        out[t] = alpha * values[t] + (1 - alpha) * prev
    return out


def macd(close: list[float]) -> tuple[Series, Series, Series]:
    fast = ema_from(close, 12, 25)  # TA-Lib: the fast EMA starts where the slow one does
    slow = ema_from(close, 26, 25)
    line: Series = [f - s if f is not None and s is not None else None for f, s in zip(fast, slow, strict=True)]
    signal: Series = [None] * len(close)
    defined = [v for v in line if v is not None]
    for i, value in enumerate(ema_from(defined, 9, 8)):
        signal[25 + i] = value
    hist: Series = [m - s if m is not None and s is not None else None for m, s in zip(line, signal, strict=True)]
    return line, signal, hist


def rsi(close: list[float], n: int = 14) -> Series:
    out: Series = [None] * len(close)
    if len(close) <= n:
        return out
    d = [close[t] - close[t - 1] for t in range(1, len(close))]
    gain = sum(max(x, 0.0) for x in d[:n]) / n
    loss = sum(max(-x, 0.0) for x in d[:n]) / n

    def value(g: float, lo: float) -> float:
        if g == 0 and lo == 0:
            return 0.0
        if lo == 0:
            return 100.0
        return 100 - 100 / (1 + g / lo)

    out[n] = value(gain, loss)
    for t in range(n + 1, len(close)):
        gain = (gain * (n - 1) + max(d[t - 1], 0.0)) / n
        loss = (loss * (n - 1) + max(-d[t - 1], 0.0)) / n
        out[t] = value(gain, loss)
    return out


def indicators(
    close: list[float], high: list[float], low: list[float], volume: list[int], interval: str = "1d"
) -> dict[str, list]:
    count = len(close)
    ret: Series = [None] + [close[t] / close[t - 1] - 1 for t in range(1, count)]
    logret: Series = [None] + [math.log(close[t] / close[t - 1]) for t in range(1, count)]
    line, signal, hist = macd(close)
    out: dict[str, list] = {
        "return_1d": ret,
        "log_return": logret,
        "sma_5": sma(close, 5),
        "sma_20": sma(close, 20),
        "sma_50": sma(close, 50),
        "sma_200": sma(close, 200),
        "ema_12": ema_from(close, 12, 11),
        "ema_26": ema_from(close, 26, 25),
        "macd": line,
        "macd_signal": signal,
        "macd_hist": hist,
        "rsi_14": rsi(close),
    }
    mid, up, lo = [], [], []
    for t in range(count):
        if t < 19:
            mid.append(None), up.append(None), lo.append(None)
            continue
        window = np.array(close[t - 19 : t + 1])
        sigma = float(np.std(window, ddof=0))
        m = float(np.mean(window))
        mid.append(m), up.append(m + 2 * sigma), lo.append(m - 2 * sigma)
    out.update(bb_middle=mid, bb_upper=up, bb_lower=lo)
    raw = [
        float(np.std(np.array(logret[t - 19 : t + 1], dtype=float), ddof=1)) if t >= 20 else None for t in range(count)
    ]
    out["volatility_20_raw"] = raw
    out["volatility_20"] = [r * math.sqrt(252) if r is not None and interval == "1d" else None for r in raw]
    out["daily_range"] = [h - lw for h, lw in zip(high, low, strict=True)]
    out["volume_change"] = [None] + [
        volume[t] / volume[t - 1] - 1 if volume[t - 1] != 0 else None for t in range(1, count)
    ]
    s50, s200 = out["sma_50"], out["sma_200"]
    golden, death = [], []
    for t in range(count):
        if t < 200:
            golden.append(None), death.append(None)
            continue
        golden.append(s50[t] > s200[t] and s50[t - 1] <= s200[t - 1])
        death.append(s50[t] < s200[t] and s50[t - 1] >= s200[t - 1])
    out.update(golden_cross=golden, death_cross=death)
    return out


def close_enough(actual: float | None, expected: float | None, rel: float = 1e-9, abs_tol: float = 1e-12) -> bool:
    """INDICATORS.md tolerance: 1e-9 relative, or 1e-12 absolute near zero; nulls must match exactly."""
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(expected, bool):
        return actual is expected
    return abs(actual - expected) <= max(rel * abs(expected), abs_tol)

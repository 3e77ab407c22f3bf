"""De-duplication and every indicator of INDICATORS.md in one vectorised pass over a partition's series (Arrow/numpy).

Spark gathers each (symbol, interval) series into one partition; the function here sorts the partition's rows
itself (`sort_for_compute`, columnar) so each series is a run of consecutive rows in ts order, then computes. Bar
columns pass through as Arrow arrays (no pandas objects, no per-row Python), the indicators are numpy arrays.

- **De-duplication**: the first row of each (symbol, interval, ts) wins — the sort put the latest `ingested_at`
  (then the other PRECEDENCE columns) first, in `dedupe.PRECEDENCE` order (SORT_KEYS).
- **Windows** (returns, SMAs, Bollinger with population σ, volatility with sample σ, range, volume change, the
  crosses) are computed for a whole chunk of series at once from `sliding_window_view`: every output value is a
  fresh sum over its own window, never a running add/subtract, so it does not depend on where the chunk or the
  series starts. A value is null unless its window lies inside the rows of its series and the bar index (bars,
  not calendar days, from the series' first bar) has passed the warm-up.
- **Recursions** (EMA 12/26, MACD with TA-Lib's alignment, its signal EMA9, Wilder's RSI) are float64 loops per
  series in exactly INDICATORS.md's form; seeds are `math.fsum` means.

**Carried state.** Every output row also holds the recursions' hidden state (STATE_FIELDS: the bar index, the
TA-Lib fast EMA used by MACD, Wilder's average gain and loss; `ema_12`, `ema_26` and `macd_signal` are output
columns already). An incremental run passes, before the first changed bar of a series, *context* rows from the table
(`_src` = 0): at least WINDOW_CONTEXT of them with the state on the last one, or the series' whole prefix. With the
state, the recursions continue from the last context row with the same float64 steps a full run takes, so the bits
are the same; without it (a whole prefix, or a table written before the state existed) the series is computed from
its first bar. A series with neither is left out and reported short (`compute_sorted`), for the run to compute
again from its whole history. Context rows are only read, never output.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.lib.stride_tricks import sliding_window_view
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ByteType, DoubleType, IntegerType, StructField, StructType

from .dedupe import PRECEDENCE
from .schema import BAR_SCHEMA, OUTPUT_COLUMNS, OUTPUT_SCHEMA, SERIES_KEY, STATE_FIELDS, arrow_schema
from .worker import settle

EMA_FAST, EMA_SLOW, MACD_SIGNAL, RSI_PERIOD = 12, 26, 9, 14
SMA_PERIODS = (5, 20, 50, 200)
BB_PERIOD, BB_WIDTH = 20, 2.0
VOLATILITY_PERIOD = 20
TRADING_DAYS = 252
CROSS_FIRST = 200  # sma_200 exists from index 199, so "one bar back" from 200
# Context bars an incremental run needs before its first changed bar: SMA200 over the bar before it (the cross).
WINDOW_CONTEXT = 200

# Where an input row comes from: the table before the first changed bar (context, read only), the table from the
# first changed bar on (recomputed), or the run's curated files (new). Same-key ties favour the stored row.
SRC_CONTEXT, SRC_STORED, SRC_NEW = 0, 1, 2

STATE_COLUMNS = [f.name for f in STATE_FIELDS]
# Columns the context rows carry besides the bar: the output columns that are recursion state too, and STATE_FIELDS.
CARRIED_FIELDS = [
    StructField("ema_12", DoubleType()),
    StructField("ema_26", DoubleType()),
    StructField("macd_signal", DoubleType()),
    *STATE_FIELDS,
]
CARRIED_COLUMNS = [f.name for f in CARRIED_FIELDS]
INPUT_SCHEMA = StructType([*BAR_SCHEMA.fields, StructField("_src", ByteType()), *CARRIED_FIELDS])
INPUT_COLUMNS = INPUT_SCHEMA.fieldNames()
_ARROW_INPUT = arrow_schema(INPUT_SCHEMA)
# `_lines`: how many of the run's curated lines collapsed into this row (0: the row came from the table).
COMPUTED_SCHEMA = StructType([*OUTPUT_SCHEMA.fields, *STATE_FIELDS, StructField("_lines", IntegerType())])
COMPUTED_COLUMNS = COMPUTED_SCHEMA.fieldNames()
_BAR_COLUMNS = BAR_SCHEMA.fieldNames()
_FLUSH_ROWS = 65_536
ORDER = ["interval", "symbol", "ts"]  # rows of a series are consecutive, series in the delta's order


# ---- the recursions (per series, scalar float64 steps exactly as INDICATORS.md writes them) ----


def _ema_tail(values: list[float], start: int, prev: float, alpha: float) -> list[float]:
    """EMA values at positions start.. of `values`, continuing from `prev` (the EMA at start-1)."""
    beta = 1.0 - alpha
    out = []
    append = out.append
    for value in values[start:]:
        prev = alpha * value + beta * prev
        append(prev)
    return out


def _ema(values: list[float], period: int, first: int, out: np.ndarray, begin: int, prev: float | None) -> None:
    """Fills out[begin:] with the EMA of `values` (α = 2/(period+1)), seeded at position `first` with the mean of
    the `period` values ending there — or, when `prev` is given, continued from `prev` at position begin-1."""
    alpha = 2.0 / (period + 1)
    n = len(values)
    if prev is None:
        if n <= first:
            return
        prev = math.fsum(values[first - period + 1 : first + 1]) / period
        out[first] = prev
        begin = first + 1
    if begin < n:
        out[begin:] = _ema_tail(values, begin, prev, alpha)


def _rsi(close: np.ndarray, out: np.ndarray, gain_out: np.ndarray, loss_out: np.ndarray, begin: int, state) -> None:
    """Wilder's RSI: simple means of the first 14 gains/losses, then (prev·13 + current)/14; 0 when both averages
    are 0 (TA-Lib). `state` = (avg_gain, avg_loss) at position begin-1, or None to start from the first bar."""
    period = RSI_PERIOD
    n = len(close)
    if n <= max(begin, period if state is None else 1):
        return
    change = np.diff(close)  # change[t-1] = close[t] - close[t-1]
    gains = np.where(change > 0, change, 0.0)
    losses = np.where(change < 0, -change, 0.0)
    if state is None:
        avg_gain = math.fsum(gains[:period].tolist()) / period
        avg_loss = math.fsum(losses[:period].tolist()) / period
        gain_out[period], loss_out[period] = avg_gain, avg_loss
        begin = period + 1
    else:
        avg_gain, avg_loss = state
    kept_gains, kept_losses = [], []
    keep_gain, keep_loss = kept_gains.append, kept_losses.append
    for gain, loss in zip(gains[begin - 1 :].tolist(), losses[begin - 1 :].tolist(), strict=True):
        avg_gain = (avg_gain * (period - 1) + gain) / period
        avg_loss = (avg_loss * (period - 1) + loss) / period
        keep_gain(avg_gain)
        keep_loss(avg_loss)
    gain_out[begin:], loss_out[begin:] = kept_gains, kept_losses
    first = period if state is None else begin
    average_gain, average_loss = gain_out[first:], loss_out[first:]
    total = average_gain + average_loss
    with np.errstate(invalid="ignore", divide="ignore"):
        out[first:] = np.where(total != 0.0, 100.0 * (average_gain / total), 0.0)


def _recursions(close: np.ndarray, begin: int, carried: dict[str, float] | None) -> dict[str, np.ndarray]:
    """The recursive columns for one series' rows (positions begin.. are computed; NaN = null). With `carried`
    (the state on position begin-1), the recursions continue from it; otherwise they start at position 0."""
    n = len(close)
    values = close.tolist()
    cols = {name: np.full(n, np.nan) for name in ("ema_12", "ema_26", "_macd_fast", "macd_signal", "rsi_14")}
    gain, loss = np.full(n, np.nan), np.full(n, np.nan)
    state = carried or {}
    _ema(values, EMA_FAST, EMA_FAST - 1, cols["ema_12"], begin, state.get("ema_12"))
    _ema(values, EMA_SLOW, EMA_SLOW - 1, cols["ema_26"], begin, state.get("ema_26"))
    # MACD: both EMAs start at index 25; the fast one seeded with the SMA of the 12 closes ending there (TA-Lib).
    _ema(values, EMA_FAST, EMA_SLOW - 1, cols["_macd_fast"], begin, state.get("_macd_fast"))
    line = cols["_macd_fast"] - cols["ema_26"]
    signal = cols["macd_signal"]
    if carried is None:
        first = EMA_SLOW - 1
        if n > first:
            seeded = np.full(n - first, np.nan)
            _ema(line[first:].tolist(), MACD_SIGNAL, MACD_SIGNAL - 1, seeded, 0, None)
            signal[first:] = seeded
    else:
        _ema(line.tolist(), MACD_SIGNAL, MACD_SIGNAL - 1, signal, begin, carried["macd_signal"])
    gains_state = None if carried is None else (carried["_rsi_avg_gain"], carried["_rsi_avg_loss"])
    _rsi(close, cols["rsi_14"], gain, loss, begin, gains_state)
    cols["macd"] = line
    cols["macd_hist"] = line - signal
    cols["_rsi_avg_gain"], cols["_rsi_avg_loss"] = gain, loss
    return cols


# ---- the windows (a whole chunk of series at once) ----


def _window_sums(values: np.ndarray, period: int) -> np.ndarray:
    """out[i] = sum of values[i-period+1 .. i] (NaN for i < period-1), each a fresh sum of its own window."""
    out = np.full(len(values), np.nan)
    if len(values) >= period:
        out[period - 1 :] = sliding_window_view(values, period).sum(axis=1)
    return out


def _window_sigma(values: np.ndarray, period: int, ddof: int) -> np.ndarray:
    """σ of each trailing window (two-pass: the window's mean, then its squared deviations)."""
    out = np.full(len(values), np.nan)
    if len(values) >= period:
        windows = sliding_window_view(values, period)
        mean = windows.sum(axis=1) / period
        deviation = windows - mean[:, None]
        out[period - 1 :] = np.sqrt((deviation * deviation).sum(axis=1) / (period - ddof))
    return out


def _previous(values: np.ndarray) -> np.ndarray:
    out = np.empty_like(values)
    out[0] = np.nan
    out[1:] = values[:-1]
    return out


def _windows(
    close: np.ndarray, high: np.ndarray, low: np.ndarray, volume: np.ndarray, pos: np.ndarray, idx: np.ndarray, daily
) -> dict[str, np.ndarray]:
    """Window indicators of a chunk of consecutive series. `pos`: the row's position in the rows of its series in
    the chunk (a window is valid only inside them); `idx`: its bar index in the series (warm-up)."""
    prev_close = np.where(pos >= 1, _previous(close), np.nan)
    prev_volume = np.where(pos >= 1, _previous(volume), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = close / prev_close
        out: dict[str, np.ndarray] = {
            "return_1d": ratio - 1.0,
            "log_return": np.log(ratio),
            "daily_range": high - low,
            "volume_change": np.where(prev_volume != 0, volume / prev_volume - 1.0, np.nan),
        }

    def warm(first: int, values: np.ndarray) -> np.ndarray:
        return np.where((idx >= first) & (pos >= first), values, np.nan)

    for period in SMA_PERIODS:
        out[f"sma_{period}"] = warm(period - 1, _window_sums(close, period) / period)
    sigma = _window_sigma(close, BB_PERIOD, ddof=0)  # population σ (ddof 0), as TA-Lib's BBANDS
    middle = out["sma_20"]
    out["bb_middle"] = middle
    out["bb_upper"] = warm(BB_PERIOD - 1, middle + BB_WIDTH * sigma)
    out["bb_lower"] = warm(BB_PERIOD - 1, middle - BB_WIDTH * sigma)
    # Sample σ of the last 20 log returns; the first log return is at index 1, so 20 of them exist from index 20.
    raw = warm(VOLATILITY_PERIOD, _window_sigma(out["log_return"], VOLATILITY_PERIOD, ddof=1))
    out["volatility_20_raw"] = raw
    # √252 annualises daily bars only; intraday bars keep just the raw σ (INDICATORS.md).
    out["volatility_20"] = np.where(daily, raw * math.sqrt(TRADING_DAYS), np.nan)
    fast, slow = out["sma_50"], out["sma_200"]
    prev_fast, prev_slow = _previous(fast), _previous(slow)
    crossing = (idx >= CROSS_FIRST) & (pos >= CROSS_FIRST)
    with np.errstate(invalid="ignore"):
        out["golden_cross"] = np.where(crossing, (fast > slow) & (prev_fast <= prev_slow), False)
        out["death_cross"] = np.where(crossing, (fast < slow) & (prev_fast >= prev_slow), False)
    out["_crossing"] = crossing
    return out


# ---- one chunk: complete series, sorted ----


def _starts(table: pa.Table) -> np.ndarray:
    """True where a row starts a new (symbol, interval) run."""
    n = table.num_rows
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    if n > 1:
        for name in SERIES_KEY:
            column = table.column(name)
            differs = pc.fill_null(pc.not_equal(column.slice(1), column.slice(0, n - 1)), True)
            change[1:] |= np.asarray(differs.to_numpy(zero_copy_only=False), dtype=bool)
    return change


def _float(table: pa.Table, name: str) -> np.ndarray:
    column = table.column(name)
    return np.asarray(pc.fill_null(column.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)


def _chunk(table: pa.Table, complete: bool, short: list[tuple[str, str]]) -> pa.RecordBatch:
    """Computed rows of complete series (sorted). A series whose context is not enough to continue it exactly —
    see `_enough` — is left out and appended to `short`, unless `complete` (the input holds whole series)."""
    n = table.num_rows
    series_start = _starts(table)
    ts = np.asarray(table.column("ts").cast(pa.int64()).to_numpy(zero_copy_only=False))
    new_key = series_start.copy()
    new_key[1:] |= ts[1:] != ts[:-1]
    src = np.asarray(table.column("_src").to_numpy(zero_copy_only=False))
    lines = np.add.reduceat((src == SRC_NEW).astype(np.int32), np.flatnonzero(new_key)) if n else np.zeros(0)
    kept = table.filter(pa.array(new_key)) if not new_key.all() else table
    starts = series_start[new_key]
    src = src[new_key]
    m = kept.num_rows

    close = _float(kept, "close")
    first_rows = np.flatnonzero(starts)
    bounds = [*first_rows.tolist(), m]
    pos = np.arange(m) - np.repeat(first_rows, np.diff(bounds))
    idx = pos.astype(np.int64)
    recursive = {name: np.full(m, np.nan) for name in ("ema_12", "ema_26", "_macd_fast", "macd_signal", "rsi_14")}
    recursive |= {name: np.full(m, np.nan) for name in ("macd", "macd_hist", "_rsi_avg_gain", "_rsi_avg_loss")}
    carried_cols = {name: _float(kept, name) for name in CARRIED_COLUMNS if name != "_bar_index"}
    stored_index = _float(kept, "_bar_index")
    output = src != SRC_CONTEXT
    for a, b in pairwise(bounds):
        context = int(np.count_nonzero(src[a:b] == SRC_CONTEXT))
        carried = _carried(carried_cols, stored_index, a, context)
        if carried is None and not complete and not _whole_prefix(stored_index[a:b], src[a:b], context):
            output[a:b] = False
            short.append((kept.column("symbol")[a].as_py(), kept.column("interval")[a].as_py()))
            continue
        if carried is not None:
            idx[a:b] = int(stored_index[a]) + np.arange(b - a)
        begin = context if carried is not None else 0
        for name, values in _recursions(close[a:b], begin, carried).items():
            recursive[name][a:b] = values
    daily = np.asarray(pc.equal(kept.column("interval"), "1d").to_numpy(zero_copy_only=False), dtype=bool)
    windows = _windows(close, _float(kept, "high"), _float(kept, "low"), _float(kept, "volume"), pos, idx, daily)
    crossing = windows.pop("_crossing")
    columns = {name: kept.column(name).filter(pa.array(output)) for name in _BAR_COLUMNS}
    for name, values in (windows | recursive).items():
        chosen = values[output]
        if name in ("golden_cross", "death_cross"):
            columns[name] = pa.array(chosen, mask=~crossing[output])
        else:
            columns[name] = pa.array(chosen, mask=~np.isfinite(chosen))
    columns["_bar_index"] = pa.array(idx[output])
    columns["_lines"] = pa.array(lines[output].astype(np.int32))
    return pa.RecordBatch.from_arrays([_combined(columns[c]) for c in COMPUTED_COLUMNS], names=COMPUTED_COLUMNS)


def _combined(column) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _whole_prefix(stored_index: np.ndarray, src: np.ndarray, context: int) -> bool:
    """Whether a series' rows start at its first bar: the context rows are bars 0.. without a hole, or — a backfill
    before the first stored bar — there is no context and the first stored row is bar 0. (A series with neither
    stored nor context rows may be new or may have a gap longer than the lookback: only its whole history tells.)"""
    if context:
        return bool(stored_index[0] == 0 and stored_index[context - 1] == context - 1)
    stored = np.flatnonzero(src == SRC_STORED)
    return bool(len(stored) and stored_index[stored[0]] == 0)


def _carried(columns: dict[str, np.ndarray], stored_index: np.ndarray, a: int, context: int) -> dict[str, float] | None:
    """The recursion state on the last context row, when the context is a contiguous run of at least
    WINDOW_CONTEXT bars not starting at the series' first bar and every state value is there; else None (the
    series is computed from its first row, which must then be the series' first bar)."""
    if context < WINDOW_CONTEXT:
        return None
    first, last = stored_index[a], stored_index[a + context - 1]
    if not (first > 0 and last - first + 1 == context):  # NaN (no index stored) fails too
        return None
    state = {name: float(values[a + context - 1]) for name, values in columns.items()}
    if any(math.isnan(v) for v in state.values()):
        return None
    return state


# The order the computation needs: each series' rows together and by ts (the delta's order: interval, symbol, ts);
# within a key the de-duplication's winner first (dedupe.PRECEDENCE, descending), then — so that even rows that
# differ only in the remaining columns pick the same winner on every run — those columns, and a stored row before a
# new identical one. Nulls last, as Spark's descending order puts them.
SORT_KEYS = [
    *((name, "ascending") for name in ORDER),
    *((name, "descending") for name in PRECEDENCE),
    *((name, "descending") for name in ("adj_close", "trade_date", "currency", "asset_class", "source")),
    ("_src", "ascending"),
]


def sort_for_compute(table: pa.Table) -> pa.Table:
    """A partition's rows in SORT_KEYS order. Sorted here, columnar, rather than by Spark: Spark would sort wide rows
    one comparison at a time, where Arrow sorts the few key columns and then takes whole columns."""
    return table.take(pc.sort_indices(table, sort_keys=SORT_KEYS, null_placement="at_end"))


def compute_sorted(
    table: pa.Table, complete: bool = True, short: list[tuple[str, str]] | None = None
) -> Iterator[pa.RecordBatch]:
    """Computed rows of a table in SORT_KEYS order, a chunk of whole series at a time (bounded working memory).
    `complete`: the rows are whole series (or carry the state); otherwise a series without enough context is left
    out and listed in `short` (see `_chunk`)."""
    found: list[tuple[str, str]] = [] if short is None else short
    starts = np.flatnonzero(_starts(table)).tolist()
    bounds = [*starts, table.num_rows]
    begin = 0
    for cut in bounds[1:]:
        if cut - begin >= _FLUSH_ROWS or cut == table.num_rows:
            yield _chunk(table.slice(begin, cut - begin), complete, found)
            begin = cut


def compute_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The mapInArrow function: one partition's INPUT_SCHEMA rows (every row of its series, or context rows with
    the state, in any order) → COMPUTED_SCHEMA rows, in SORT_KEYS order."""
    settle()
    received = [batch for batch in batches if batch.num_rows]
    if received:
        yield from compute_sorted(sort_for_compute(pa.Table.from_batches(received)))


def compute(rows: DataFrame) -> DataFrame:
    """INPUT_SCHEMA rows → COMPUTED_SCHEMA rows (de-duplicated, with every indicator and the carried state) for
    every non-context row. Spark only gathers each series into one partition (no sort: `sort_for_compute`)."""
    return rows.select(*INPUT_COLUMNS).repartition(*SERIES_KEY).mapInArrow(compute_partition, COMPUTED_SCHEMA)


def as_input(bars: DataFrame, src: int) -> DataFrame:
    """Bars (BAR_SCHEMA columns) as INPUT_SCHEMA rows from `src`, with no carried state."""
    nulls = [F.lit(None).cast(f.dataType).alias(f.name) for f in CARRIED_FIELDS]
    return bars.select(*_BAR_COLUMNS, F.lit(src).cast(ByteType()).alias("_src"), *nulls)


def to_input(bars: pa.Table, src: int) -> pa.Table:
    """Bars (BAR_SCHEMA columns, Arrow) as INPUT_SCHEMA rows from `src`, with no carried state."""
    n = bars.num_rows
    columns = [bars.column(name) for name in _BAR_COLUMNS]
    columns.append(pa.array(np.full(n, src, dtype=np.int8)))
    columns.extend(pa.nulls(n, _ARROW_INPUT.field(f.name).type) for f in CARRIED_FIELDS)
    return pa.Table.from_arrays(columns, schema=_ARROW_INPUT)


def with_indicators(bars: DataFrame) -> DataFrame:
    """Bars (BAR_SCHEMA columns, each series complete) → OUTPUT_SCHEMA rows, de-duplicated."""
    return compute(as_input(bars, SRC_NEW)).select(*OUTPUT_COLUMNS)

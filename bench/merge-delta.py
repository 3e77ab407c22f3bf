"""Writes bench/merge's delta: a Parquet file in the Glue job's 37-column delta layout (packages/glue/README.md).

    .venv/bin/python bench/merge-delta.py OUT.parquet --symbols 100 --updates 5000 --inserts 5000 --base-bars 10000

For each of the first `symbols` symbols of the base table (S0000, S0001, …; daily bars from 1990-01-01), the
last `updates` bars of the base are rewritten (close + 1) and `inserts` new bars follow them. pyarrow, not Spark:
the bench measures the merge, and a million rows written by Spark would take minutes on this machine.
"""

from __future__ import annotations

import argparse

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

INDICATORS = [
    "return_1d", "log_return", "sma_5", "sma_20", "sma_50", "sma_200", "ema_12", "ema_26", "macd", "macd_signal",
    "macd_hist", "rsi_14", "bb_middle", "bb_upper", "bb_lower", "volatility_20", "volatility_20_raw", "daily_range",
    "volume_change",
]  # fmt: skip
DAY_US = 86_400_000_000
BASE_US = 631_152_000_000_000  # 1990-01-01T00:00:00Z


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--symbols", type=int, default=100)
    parser.add_argument("--updates", type=int, default=5000)
    parser.add_argument("--inserts", type=int, default=5000)
    parser.add_argument("--base-bars", type=int, default=10000)
    args = parser.parse_args()

    per = args.updates + args.inserts
    n = args.symbols * per
    symbol_index = np.repeat(np.arange(args.symbols), per)
    bar = np.tile(np.arange(args.base_bars - args.updates, args.base_bars + args.inserts), args.symbols)
    ts = BASE_US + bar.astype(np.int64) * DAY_US
    close = 100 + (bar % 97) * 0.5 + symbol_index * 0.01 + 1.0
    uts = pa.timestamp("us", tz="UTC")
    columns = {
        "symbol": pa.array([f"S{i:04d}" for i in symbol_index], pa.string()),
        "interval": pa.array(np.full(n, "1d"), pa.string()),
        "ts": pa.array(ts, uts),
        "trade_date": pa.array((ts // DAY_US).astype(np.int32), pa.date32()),
        "open": pa.array(close - 0.25),
        "high": pa.array(close + 1.0),
        "low": pa.array(close - 1.0),
        "close": pa.array(close),
        "adj_close": pa.nulls(n, pa.float64()),
        "volume": pa.array(1_000_000 + bar.astype(np.int64), pa.int64()),
        "currency": pa.array(np.full(n, "USD"), pa.string()),
        "asset_class": pa.array(np.full(n, "equity"), pa.string()),
        "source": pa.array(np.full(n, "simulator"), pa.string()),
        "source_key": pa.array(np.full(n, "raw/bench/merge.csv"), pa.string()),
        "source_etag": pa.array(np.full(n, "bench"), pa.string()),
        "ingested_at": pa.array(np.full(n, BASE_US + 20_000 * DAY_US, dtype=np.int64), uts),
        **{name: pa.array(close * (1 + k / 100)) for k, name in enumerate(INDICATORS)},
        "golden_cross": pa.array(bar % 50 == 0),
        "death_cross": pa.array(bar % 70 == 0),
    }
    pq.write_table(pa.table(columns), args.out, compression="snappy", row_group_size=1_000_000)


if __name__ == "__main__":
    main()

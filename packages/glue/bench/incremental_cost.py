"""How a one-day incremental run's time depends on history length, with whole-series recompute.

Synthetic daily bars for N symbols × Y years (one bar per calendar day), written as curated JSONL; then a full run,
a one-day run adding a bar to every symbol, and a one-day run adding a bar to one symbol. Not the issue's
`bench/transform` (500 × 20 years); a quick measurement for the README.
Usage: .venv/bin/python packages/glue/bench/incremental_cost.py SYMBOLS YEARS [SYMBOLS YEARS …]
"""

from __future__ import annotations

import gzip
import json
import math
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from market.args import JobArgs
from market.job import run
from market.session import local_session

START = datetime(2000, 1, 3, tzinfo=UTC)


def _line(symbol: str, ts: datetime, close: float, ingested: str) -> str:
    day = ts.strftime("%Y-%m-%d")
    record = {
        "symbol": symbol,
        "interval": "1d",
        "ts": f"{day}T00:00:00Z",
        "trade_date": day,
        "open": close,
        "high": close * 1.01,
        "low": close * 0.99,
        "close": close,
        "adj_close": None,
        "volume": 1000,
        "currency": None,
        "asset_class": "equity",
        "source": "simulator",
        "source_key": f"raw/sim/{symbol}",
        "source_etag": "e",
        "ingested_at": ingested,
    }
    return json.dumps(record)


def _drop(bucket: Path, object_id: str, lines: list[str]) -> dict:
    key = f"curated/interval=1d/date=2024-06-01/{object_id}.jsonl.gz"
    (bucket / key).parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(bucket / key, "wt") as out:
        out.write("\n".join(lines) + "\n")
    return {"object_id": object_id, "curated": [key], "entries": []}


def _run(spark, bucket: Path, run_id: str, markers: list[dict]) -> float:
    work = bucket.parent / f"{run_id}.json"
    work.write_text(json.dumps({"markers": markers}))
    args = JobArgs(f"{bucket.as_uri()}/curated", bucket.as_uri(), run_id, work.as_uri())
    started = time.perf_counter()
    run(spark, args)
    return time.perf_counter() - started


def measure(spark, symbols: int, years: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-"))
    bucket = root / "bucket"
    days = 365 * years
    rnd = random.Random(1)
    closes = {f"S{i:04d}": [100.0] for i in range(symbols)}
    for path in closes.values():
        for _ in range(days):
            path.append(path[-1] * math.exp(rnd.gauss(0, 0.02)))
    history = [
        _line(s, START + timedelta(days=d), path[d], "2024-06-01T00:00:00Z")
        for s, path in closes.items()
        for d in range(days)
    ]
    full = _run(spark, bucket, "full", [_drop(bucket, "history", history)])
    last = START + timedelta(days=days)
    day_all = [_line(s, last, path[days], "2024-06-02T00:00:00Z") for s, path in closes.items()]
    inc_all = _run(spark, bucket, "day-all", [_drop(bucket, "day-all", day_all)])
    one = _line("S0000", last + timedelta(days=1), 101.0, "2024-06-03T00:00:00Z")
    inc_one = _run(spark, bucket, "day-one", [_drop(bucket, "day-one", [one])])
    rows = symbols * days
    print(
        f"{symbols} symbols × {years} y = {rows} rows: full {full:.1f}s ({rows / full:,.0f} rows/s); "
        f"+1 day all symbols {inc_all:.1f}s ({inc_all / full:.0%} of full); +1 day one symbol {inc_one:.1f}s",
        flush=True,
    )
    shutil.rmtree(root)


if __name__ == "__main__":
    session = local_session("local[2]", shuffle_partitions=8)
    session.sparkContext.setLogLevel("ERROR")
    pairs = sys.argv[1:] or ["50", "1", "50", "10"]
    for n, y in zip(pairs[::2], pairs[1::2], strict=True):
        measure(session, int(n), int(y))
    session.stop()

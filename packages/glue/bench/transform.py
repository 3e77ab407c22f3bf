"""bench/transform: the Glue job on synthetic daily bars, full run vs incremental one-day runs, on local Spark.

Generates deterministic curated JSONL.gz as the validate step writes it (gzip level 1, the canonical record's fields
in order): one object per symbol holding its whole history, as a bulk load lands, then for each of the next
INCREMENTS weekdays one object holding that day's bar of every symbol, as a daily feed lands. Runs `market.job.run`
on them in one local SparkSession (`market.session.local_session`, 2 cores): the full run (a first run: no table
yet), then one incremental run per day. The same again for a 1-year history, so the incremental cost can be
compared across years of history. A small warm-up (full + incremental) comes first and is not reported, so the
JVM's start-up is not charged to the first measured run. Wall seconds are the figure the targets are about; CPU
seconds (the Spark JVM, its Python workers and the driver) say more on a machine shared with other work.

Prints one JSON line. Usage (from the repository root):
  .venv/bin/python packages/glue/bench/transform.py [--symbols 500] [--years 20] [--short-years 1] [--no-short]
  npm run bench -- transform [same options]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("TZ", "UTC")
# A 2.6M-row run persists about 1 GB of computed rows; Glue's workers have far more than this.
os.environ.setdefault("MARKET_SPARK_DRIVER_MEMORY", "4g")

from market.args import JobArgs
from market.job import run
from market.session import local_session

# "Not growing with years of history": 20 years of it may cost the one-day run at most this much more than 1 year
# (wall-clock noise on a sub-second run; a cost proportional to history would be ~20×).
TARGETS = {"full_rows_per_s": 100_000, "incremental_over_full": 0.15, "incremental_long_over_short": 1.5}
FIRST_DAY = date(2000, 1, 3)  # a Monday
SEED = 20240601
LANDED = "2024-06-01"
INGESTED = "2024-06-01T10:00:00Z"
INGESTED_DAY = "2024-06-02T10:00:00Z"
INCREMENTS = 3  # one-day runs after the full one; the median is reported


def weekdays(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def bars_per_year() -> int:
    return 261  # weekdays in a year, on average (no holidays: synthetic)


def _lines(symbol: str, days: list[date], closes: np.ndarray, volumes: np.ndarray, ingested: str) -> list[str]:
    template = (
        '{"symbol":"%s","interval":"1d","ts":"%sT00:00:00Z","trade_date":"%s","open":%r,"high":%r,"low":%r,'
        '"close":%r,"adj_close":%r,"volume":%d,"currency":"USD","asset_class":"equity","source":"simulator",'
        '"source_key":"raw/sim/%s.csv","source_etag":"etag-%s","ingested_at":"%s"}'
    )
    out = []
    for day, close, volume in zip(days, closes.tolist(), volumes.tolist(), strict=True):
        iso = day.isoformat()
        high, low, open_ = close * 1.01, close * 0.985, close * 0.995
        out.append(template % (symbol, iso, iso, open_, high, low, close, close, volume, symbol, symbol, ingested))
    return out


class Dataset:
    """Closes for `symbols` symbols over `bars` weekdays plus INCREMENTS more (the incremental days), deterministic."""

    def __init__(self, symbols: int, bars: int) -> None:
        total = bars + INCREMENTS
        self.symbols = [f"S{i:04d}" for i in range(symbols)]
        self.days = weekdays(FIRST_DAY, total)
        rng = np.random.default_rng(SEED)
        steps = rng.normal(0.0003, 0.02, size=(symbols, total))
        self.closes = 100.0 * np.exp(np.cumsum(steps, axis=1))
        self.volumes = rng.integers(1_000, 5_000_000, size=(symbols, total))
        self.bars = bars

    @property
    def history_rows(self) -> int:
        return len(self.symbols) * self.bars


class Bucket:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True)

    def drop(self, object_id: str, lines: list[str]) -> dict:
        key = f"curated/interval=1d/date={LANDED}/{object_id}.jsonl.gz"
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wb", compresslevel=1) as out:
            out.write(("\n".join(lines) + "\n").encode())
        return {"object_id": object_id, "raw_key": f"raw/{object_id}", "etag": "e", "curated": [key], "entries": []}

    def args(self, run_id: str, markers: list[dict]) -> JobArgs:
        work = self.root.parent / f"work-{self.root.name}-{run_id}.json"
        work.write_text(json.dumps({"markers": markers}))
        return JobArgs(f"{self.root.as_uri()}/curated", self.root.as_uri(), run_id, work.as_uri())


def _tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system, children included) of a process and its descendants: the Spark JVM and its Python
    workers. Linux /proc only; 0 elsewhere. On a shared machine this says more about the work than wall time."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0.0
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(name))
        ticks[int(name)] = sum(int(v) for v in fields[11:15])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


class Meter:
    def __init__(self, spark) -> None:
        self.pid = spark.sparkContext._gateway.jvm.java.lang.ProcessHandle.current().pid()

    def cpu(self) -> float:
        return _tree_cpu_seconds(self.pid) + time.process_time()


def _timed(spark, bucket: Bucket, run_id: str, markers: list[dict]) -> tuple[float, float, dict]:
    meter = Meter(spark)
    cpu = meter.cpu()
    started = time.perf_counter()
    result = run(spark, bucket.args(run_id, markers))
    seconds = time.perf_counter() - started
    manifest = result.manifest or {}
    return seconds, meter.cpu() - cpu, manifest


def measure(spark, workdir: Path, name: str, symbols: int, years: int) -> dict:
    data = Dataset(symbols, years * bars_per_year())
    bucket = Bucket(workdir / name)
    generated = time.perf_counter()
    n = data.bars
    history = [
        bucket.drop(
            f"history-{symbol}", _lines(symbol, data.days[:n], data.closes[i, :n], data.volumes[i, :n], INGESTED)
        )
        for i, symbol in enumerate(data.symbols)
    ]
    days = []
    for k in range(n, n + INCREMENTS):
        lines = [
            _lines(symbol, data.days[k : k + 1], data.closes[i, k : k + 1], data.volumes[i, k : k + 1], INGESTED_DAY)[0]
            for i, symbol in enumerate(data.symbols)
        ]
        days.append([bucket.drop(f"day-{data.days[k].isoformat()}", lines)])
    generated = time.perf_counter() - generated
    print(f"bench/transform: {name}: {data.history_rows:,} rows generated in {generated:.1f}s", file=sys.stderr)

    full_s, full_cpu, full_manifest = _timed(spark, bucket, "full", history)
    print(f"bench/transform: {name}: full run {full_s:.1f}s ({full_cpu:.1f} cpu-s) {_load()}", file=sys.stderr)
    assert full_manifest.get("rows", {}).get("changed") == data.history_rows, full_manifest.get("rows")
    runs = []
    for index, markers in enumerate(days):
        seconds, cpu, manifest = _timed(spark, bucket, f"day{index + 1}", markers)
        print(f"bench/transform: {name}: incremental run {seconds:.2f}s ({cpu:.2f} cpu-s) {_load()}", file=sys.stderr)
        assert manifest.get("rows", {}).get("changed") == symbols, manifest.get("rows")
        runs.append((seconds, cpu))
    shutil.rmtree(bucket.root)
    inc_s = statistics.median(s for s, _ in runs)
    inc_cpu = statistics.median(c for _, c in runs)
    return {
        "symbols": symbols,
        "years": years,
        "rows": data.history_rows,
        "full": {
            "seconds": round(full_s, 2),
            "rows_per_s": round(data.history_rows / full_s),
            "cpu_seconds": round(full_cpu, 1),
        },
        "incremental": {
            "rows": symbols,
            "seconds": round(inc_s, 3),
            "cpu_seconds": round(inc_cpu, 2),
            "runs_seconds": [round(s, 3) for s, _ in runs],
        },
        "incremental_over_full": round(inc_s / full_s, 4),
    }


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=500)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--short-years", type=int, default=1, help="history of the comparison incremental run")
    parser.add_argument("--no-short", action="store_true", help="skip the short-history comparison")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--shuffle-partitions", type=int, default=None)
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-transform-"))
    extra = {} if options.shuffle_partitions is None else {"shuffle_partitions": options.shuffle_partitions}
    spark = local_session(options.master, app_name="bench-transform", **extra)
    spark.sparkContext.setLogLevel("ERROR")
    load_before = _load()
    try:
        measure(spark, workdir, "warm-up", 5, 1)
        main_run = measure(spark, workdir, "main", options.symbols, options.years)
        short = None if options.no_short else measure(spark, workdir, "short", options.symbols, options.short_years)
    finally:
        spark.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    flat = None if short is None else round(main_run["incremental"]["seconds"] / short["incremental"]["seconds"], 2)
    figures = {
        "bench": "transform",
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "master": options.master,
        "cores": os.cpu_count(),
        "driver_memory": os.environ["MARKET_SPARK_DRIVER_MEMORY"],
        "load_average_before": load_before,
        "load_average_after": _load(),
        **{k: main_run[k] for k in ("symbols", "years", "rows", "full", "incremental", "incremental_over_full")},
        "incremental_by_history": {
            f"{options.years}y": main_run["incremental"]["seconds"],
            **({f"{options.short_years}y": short["incremental"]["seconds"]} if short else {}),
        },
        "incremental_long_over_short_history": flat,
        "short_history": short,
        "targets": TARGETS,
        "met": {
            "full_rows_per_s": main_run["full"]["rows_per_s"] >= TARGETS["full_rows_per_s"],
            "incremental_over_full": main_run["incremental_over_full"] <= TARGETS["incremental_over_full"],
            **({} if flat is None else {"incremental_flat_in_history": flat <= TARGETS["incremental_long_over_short"]}),
        },
    }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()

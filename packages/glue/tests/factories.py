"""Builders for curated files, work lists and job arguments in a `tmp_path` bucket."""

from __future__ import annotations

import gzip
import json
import math
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from market.args import JobArgs
from market.schema import BAR_SCHEMA, TABLE_SCHEMA

STEP = {"1d": timedelta(days=1), "1h": timedelta(hours=1)}
BASE_DAY = datetime(2023, 1, 2, tzinfo=UTC)


@dataclass(frozen=True)
class Bar:
    symbol: str
    interval: str
    ts: datetime
    open: float
    high: float
    low: float
    close: float
    volume: int
    ingested_at: datetime = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    source_key: str = "raw/csv/data.csv"
    source_etag: str = "etag-1"

    def record(self) -> dict[str, Any]:
        """The curated JSON line (BAR_COLUMNS order)."""
        iso = "%Y-%m-%dT%H:%M:%SZ"
        return {
            "symbol": self.symbol,
            "interval": self.interval,
            "ts": self.ts.strftime(iso),
            "trade_date": self.ts.strftime("%Y-%m-%d"),
            "open": self.open,
            "high": self.high,
            "low": self.low,
            "close": self.close,
            "adj_close": None,
            "volume": self.volume,
            "currency": None,
            "asset_class": "equity",
            "source": "csv",
            "source_key": self.source_key,
            "source_etag": self.source_etag,
            "ingested_at": self.ingested_at.strftime(iso),
        }

    def row(self) -> tuple[Any, ...]:
        """A BAR_SCHEMA row (naive UTC datetimes, as Spark hands them back with TZ=UTC)."""
        r = self.record()
        return (
            self.symbol,
            self.interval,
            self.ts.replace(tzinfo=None),
            self.ts.date(),
            self.open,
            self.high,
            self.low,
            self.close,
            None,
            self.volume,
            None,
            r["asset_class"],
            r["source"],
            self.source_key,
            self.source_etag,
            self.ingested_at.replace(tzinfo=None),
        )

    def with_(self, **changes: Any) -> Bar:
        return replace(self, **changes)


def series(
    symbol: str,
    closes: list[float],
    *,
    interval: str = "1d",
    start: datetime = BASE_DAY,
    volumes: list[int] | None = None,
    offsets: list[int] | None = None,
) -> list[Bar]:
    """Bars with the given closes; `offsets` (in steps from `start`) leave gaps where they skip numbers."""
    positions = offsets if offsets is not None else list(range(len(closes)))
    vols = volumes if volumes is not None else [1_000 + 7 * i for i in range(len(closes))]
    return [
        Bar(symbol, interval, start + STEP[interval] * p, c * 0.995, c * 1.01, c * 0.985, c, v)
        for p, c, v in zip(positions, closes, vols, strict=True)
    ]


def random_walk(length: int, seed: int, start: float = 100.0) -> list[float]:
    rnd = random.Random(seed)
    closes, price = [], start
    for _ in range(length):
        price *= math.exp(rnd.gauss(0.0005, 0.02))
        closes.append(price)
    return closes


def bars_frame(spark: SparkSession, bars: list[Bar]) -> DataFrame:
    return spark.createDataFrame([b.row() for b in bars], BAR_SCHEMA)


class Bucket:
    """A folder laid out like the pipeline's bucket, plus the objects a run needs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.markers: list[dict[str, Any]] = []

    @property
    def uri(self) -> str:
        return self.root.as_uri()

    def drop(self, object_id: str, bars: list[Bar], landed: str = "2024-06-01") -> dict[str, Any]:
        """Curated files (one per interval) for one raw object, and its dirty marker."""
        keys = []
        for interval in sorted({b.interval for b in bars}):
            key = f"curated/interval={interval}/date={landed}/{object_id}.jsonl.gz"
            path = self.root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            with gzip.open(path, "wt", encoding="utf-8") as out:
                for bar in bars:
                    if bar.interval == interval:
                        out.write(json.dumps(bar.record()) + "\n")
            keys.append(key)
        marker = {
            "object_id": object_id,
            "raw_key": f"raw/{object_id}.csv",
            "etag": "etag",
            "ingested_at": "2024-06-01T10:00:00Z",
            "curated": keys,
            "entries": [],
        }
        self.markers.append(marker)
        return marker

    def work_list(self, run_id: str, markers: list[dict[str, Any]] | None = None) -> str:
        """Writes the work list of the markers dropped since the last call (or the given ones)."""
        taken = self.markers if markers is None else markers
        path = self.root.parent / f"work-{self.root.name}-{run_id}.json"
        path.write_text(json.dumps({"markers": taken}))
        self.markers = []
        return path.as_uri()

    def args(self, run_id: str, markers: list[dict[str, Any]] | None = None) -> JobArgs:
        return JobArgs(
            curated_root=f"{self.uri}/curated",
            output_root=self.uri,
            run_id=run_id,
            work_list=self.work_list(run_id, markers),
        )

    def table(self, spark: SparkSession) -> DataFrame:
        root = f"{self.uri}/parquet/bars"
        return spark.read.schema(TABLE_SCHEMA).option("basePath", root).parquet(root)

    def files(self, prefix: str) -> dict[str, bytes]:
        """Every data file under a prefix, by relative path (hidden .crc files left out)."""
        base = self.root / prefix
        return {
            str(p.relative_to(base)): p.read_bytes()
            for p in sorted(base.rglob("*"))
            if p.is_file() and not p.name.startswith(".")
        }

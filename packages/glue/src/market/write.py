"""Writing Parquet with fixed column order and deterministic file names."""

from __future__ import annotations

import math

from pyspark.sql import DataFrame

from .incremental import Partition
from .schema import OUTPUT_COLUMNS, PARTITION_COLUMNS
from .storage import Storage

# No `_SUCCESS` objects: a Redshift COPY of the delta prefix would try to load them.
_NO_MARKERS = {"mapreduce.fileoutputcommitter.marksuccessfuljobs": "false"}
DELTA_ROWS_PER_FILE = 1_000_000
_TABLE_FILE_COLUMNS = [c for c in OUTPUT_COLUMNS if c not in PARTITION_COLUMNS]


def table_layout(rows: DataFrame) -> DataFrame:
    """One task per month partition (so one file each), rows sorted by symbol, ts inside it. The sort starts with
    the partition columns, so Spark's writer needs no sort of its own that could reorder the rows."""
    return (
        rows.select(*_TABLE_FILE_COLUMNS, *PARTITION_COLUMNS)
        .repartition(*PARTITION_COLUMNS)
        .sortWithinPartitions(*PARTITION_COLUMNS, "symbol", "ts")
    )


def write_partitions(rows: DataFrame, root: str) -> None:
    """Replace exactly the month partitions present in `rows` (dynamic partition overwrite); others stay."""
    (
        table_layout(rows)
        .write.mode("overwrite")
        .options(**_NO_MARKERS, partitionOverwriteMode="dynamic")
        .partitionBy(*PARTITION_COLUMNS)
        .parquet(root)
    )


def write_delta(storage: Storage, rows: DataFrame, root: str, row_count: int) -> list[str]:
    """The run's changed rows in OUTPUT_COLUMNS order, sorted by interval, symbol, ts; returns the file names."""
    storage.delete(root)
    files = max(1, math.ceil(row_count / DELTA_ROWS_PER_FILE))
    ordered = rows.select(*OUTPUT_COLUMNS)
    spread = ordered.repartition(1) if files == 1 else ordered.repartitionByRange(files, "interval", "symbol", "ts")
    spread.sortWithinPartitions("interval", "symbol", "ts").write.mode("overwrite").options(**_NO_MARKERS).parquet(root)
    return normalise_names(storage, root)


def normalise_names(storage: Storage, folder: str) -> list[str]:
    """`part-00000-<job uuid>.c000.snappy.parquet` → `part-00000.snappy.parquet`: a re-run of the run id then
    leaves the same file names (and, rows and order being deterministic, the same bytes)."""
    names = [n for n in storage.list_names(folder) if n.startswith("part-") and n.endswith(".parquet")]
    targets = [f"part-{index:05d}.snappy.parquet" for index in range(len(names))]
    for name, target in zip(names, targets, strict=True):
        if name != target:
            storage.rename(f"{folder}/{name}", f"{folder}/{target}")
    return targets


def normalise_partitions(storage: Storage, root: str, partitions: list[Partition]) -> None:
    for partition in partitions:
        normalise_names(storage, f"{root}/{partition.path}")

"""The compute and month jobs' writing — delta, month pieces, months — and the commit after them.

Everything is written by the Python workers with pyarrow (`files.py`), where the rows already are:
1. **compute job** (`computing_and_staging`): each compute task receives the new bars of some series (`transport`),
   reads their stored history (`history`), computes them (`compute`), and writes its changed rows as one delta file
   (rows by interval, symbol, ts) straight into the run's delta folder, and as one Arrow *pieces* file under the
   run's staging folder holding its rows of each month partition as a record batch. It reports per series and per
   piece what it wrote (STATS_SCHEMA).
2. **month job** (`merging_months`): a task per few rewritten months gathers each month's pieces and the stored rows
   the run keeps (every row of an unaffected series, an affected series' rows before its first changed bar), sorts
   them by symbol, ts, and writes the month's one file to the staging folder.
3. **commit** (`commit_partitions`, on the driver, only when both jobs have succeeded — every task, and so every
   read of the old table): each staged month folder replaces the table's, as Spark's dynamic partition overwrite
   does at job commit. A failed run leaves the table as it was.
Computed rows never go through a Spark shuffle: the months are gathered from the pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark import TaskContext
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import IntegerType, LongType, StringType, StructField, StructType

from .compute import COMPUTED_SCHEMA, compute_sorted, sort_for_compute
from .files import ArrowFiles, list_files, open_arrow_writer, read_parquet, write_parquet
from .history import History, read_history
from .incremental import Partition, kept_rows
from .schema import OUTPUT_COLUMNS, TABLE_FILE_COLUMNS, TABLE_SCHEMA, arrow_schema
from .storage import Storage
from .transport import unpack
from .worker import settle

# What a compute task reports, one row per:
# - "series" it changed: first/last changed ts (µs since the epoch: a collected timestamp would be a naive datetime
#   in the driver's zone), changed rows, rows from the run's curated lines, and the lines themselves;
# - "piece": a month's rows in its pieces file (`piece`, record batch `batch`): the month and the rows;
# - "short" series: left out for lack of context (the run computes it again from its whole history).
STATS_SCHEMA = StructType(
    [
        StructField("kind", StringType()),
        StructField("symbol", StringType()),
        StructField("interval", StringType()),
        StructField("year", IntegerType()),
        StructField("month", IntegerType()),
        StructField("piece", StringType()),
        StructField("batch", IntegerType()),
        StructField("rows", LongType()),
        StructField("first_ts", LongType()),
        StructField("last_ts", LongType()),
        StructField("changed_rows", LongType()),
        StructField("new_rows", LongType()),
        StructField("lines", LongType()),
    ]
)
_STATS_ARROW = arrow_schema(STATS_SCHEMA)
MONTHS_SCHEMA = StructType(
    [StructField("interval", StringType()), StructField("year", IntegerType()), StructField("month", IntegerType())]
)
MONTH_ROWS_SCHEMA = StructType([*MONTHS_SCHEMA.fields, StructField("rows", LongType())])
_TABLE_FILE_ARROW = arrow_schema(TABLE_SCHEMA, TABLE_FILE_COLUMNS)
TABLE_FILE_NAME = "part-00000.snappy.parquet"


def delta_file_name(index: int) -> str:
    return f"part-{index:05d}.snappy.parquet"


def pieces_path(pieces_root: str, piece: str) -> str:
    return f"{pieces_root}/{piece}.arrow"


# ---- 1. the compute job: delta files and month pieces ----


def computing_and_staging(
    delta_root: str, pieces_root: str, attempt: str, history: History | None
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The compute tasks' function (mapInArrow): the new bars of some series (packed) → with their stored history
    (`history`; None: there is no table yet), this task's delta file and pieces file, and STATS_SCHEMA rows saying
    what they hold. `attempt` names the files: a run computes the series short of context again, in a second
    attempt that reads their whole history."""

    def compute_and_stage(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settle()
        rows = unpack(batches)
        if rows is None:
            return
        stored = read_history(history, rows) if history is not None else None
        if stored is not None:
            rows = pa.concat_tables([rows, stored])
        short: list[tuple[str, str]] = []
        complete = history is None or history.whole
        computed = compute_sorted(sort_for_compute(rows), complete, short)
        table = pa.Table.from_batches(list(computed), schema=arrow_schema(COMPUTED_SCHEMA))
        if short:
            symbols, intervals = zip(*short, strict=True)
            yield _stats_batch(len(short), kind=["short"] * len(short), symbol=symbols, interval=intervals)
        if not table.num_rows:
            return
        task = TaskContext.get()
        name = f"{attempt}-{task.partitionId() if task is not None else 0:05d}"
        # Whole files, written at the end: a task that fails half-way leaves no file of its own (and its retry
        # rewrites the same names).
        write_parquet(f"{delta_root}/part-{name}.snappy.parquet", table.select(OUTPUT_COLUMNS))
        yield _series_stats(table)
        yield _write_pieces(pieces_root, name, table)

    return compute_and_stage


def compute_and_stage(
    new_bars: DataFrame, delta_root: str, pieces_root: str, history: History | None = None, attempt: str = "a"
) -> DataFrame:
    """PACKED_SCHEMA new bars (`transport`) → STATS_SCHEMA rows, reading the stored history and writing the delta
    and the pieces on the way (lazily: collecting the result runs it). Spark only gathers each bucket of series
    into one partition; the rest happens in the task."""
    by_series = new_bars.repartition("bucket")
    return by_series.mapInArrow(computing_and_staging(delta_root, pieces_root, attempt, history), STATS_SCHEMA)


def _series_stats(computed: pa.Table) -> pa.RecordBatch:
    """Per series: first and last ts, rows, rows with curated lines (`_lines` > 0) and the lines."""
    rows = computed.select(["symbol", "interval", "ts", "_lines"])
    rows = rows.append_column("_new", pc.greater(rows.column("_lines"), 0).cast(pa.int64()))
    per_series = rows.group_by(["symbol", "interval"], use_threads=False).aggregate(
        [("ts", "min"), ("ts", "max"), ("ts", "count"), ("_new", "sum"), ("_lines", "sum")]
    )
    count = per_series.num_rows
    return _stats_batch(
        count,
        kind=["series"] * count,
        symbol=per_series.column("symbol"),
        interval=per_series.column("interval"),
        first_ts=per_series.column("ts_min").cast(pa.int64()),
        last_ts=per_series.column("ts_max").cast(pa.int64()),
        changed_rows=per_series.column("ts_count"),
        new_rows=per_series.column("_new_sum"),
        lines=per_series.column("_lines_sum"),
    )


def _stats_batch(count: int, **columns: pa.ChunkedArray | Sequence) -> pa.RecordBatch:
    """A STATS_SCHEMA batch of `count` rows: the given columns, nulls in the others."""
    arrays = []
    for f in _STATS_ARROW:
        given = columns.get(f.name)
        if given is None:
            arrays.append(pa.nulls(count, f.type))
        elif isinstance(given, pa.ChunkedArray):
            arrays.append(given.combine_chunks().cast(f.type))
        else:
            arrays.append(pa.array(list(given), f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=_STATS_ARROW)


def _write_pieces(pieces_root: str, name: str, computed: pa.Table) -> pa.RecordBatch:
    """The task's rows grouped by month partition (interval, UTC year and month of ts) into one Arrow file, a
    record batch per month (the month job reads just its batch). One file per task, not per month: a full load
    touches hundreds of months."""
    year = pc.year(computed.column("ts")).cast(pa.int32())
    month = pc.month(computed.column("ts")).cast(pa.int32())
    keys = pa.table({"interval": computed.column("interval"), "year": year, "month": month})
    # Stable: within a month the rows stay by symbol, ts.
    order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in ("interval", "year", "month")])
    keys = keys.take(order)
    rows = computed.select(TABLE_FILE_COLUMNS).take(order)
    bounds = _month_bounds(keys)
    months = []
    with open_arrow_writer(pieces_path(pieces_root, name), rows.schema) as writer:
        for batch, (a, b) in enumerate(pairwise(bounds)):
            writer.write_batch(rows.slice(a, b - a).combine_chunks().to_batches()[0])
            months.append(
                (
                    keys.column("interval")[a].as_py(),
                    keys.column("year")[a].as_py(),
                    keys.column("month")[a].as_py(),
                    batch,
                    b - a,
                )
            )
    columns = dict(zip(("interval", "year", "month", "batch", "rows"), zip(*months, strict=True), strict=True))
    return _stats_batch(len(months), kind=["piece"] * len(months), piece=[name] * len(months), **columns)


def _month_bounds(table: pa.Table) -> list[int]:
    """Row offsets where a new (interval, year, month) starts in a table sorted by them, plus the end."""
    n = table.num_rows
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for name in ("interval", "year", "month"):
        values = table.column(name)
        if n > 1:
            differs = pc.not_equal(values.slice(1), values.slice(0, n - 1))
            change[1:] |= np.asarray(differs.to_numpy(zero_copy_only=False), dtype=bool)
    return [*np.flatnonzero(change).tolist(), n]


# ---- 2. the month job: one file per rewritten month ----

Pieces = dict[Partition, list[tuple[str, int]]]  # per month: (pieces file, record batch) holding its changed rows


def merging_months(
    staging_root: str, table_root: str | None, pieces: Pieces, first_changed: dict[str, dict[str, int]]
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The month tasks' function (mapInArrow over MONTHS_SCHEMA rows): each month's pieces plus the stored rows the
    run keeps (`table_root` None: no table yet) → the month's file under `<staging_root>/months`.
    `first_changed`: per interval, the affected symbols and their first changed ts (µs)."""

    def merge(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settle()
        files = ArrowFiles()
        try:
            for batch in batches:
                for row in batch.to_pylist():
                    partition = Partition(row["interval"], row["year"], row["month"])
                    changed = [files.batch(pieces_path(f"{staging_root}/pieces", p), i) for p, i in pieces[partition]]
                    yield _merge_month(staging_root, table_root, partition, changed, first_changed)
        finally:
            files.close()

    return merge


def _merge_month(
    staging_root: str,
    table_root: str | None,
    partition: Partition,
    changed: list[pa.RecordBatch],
    first_changed: dict[str, dict[str, int]],
) -> pa.RecordBatch:
    parts = [pa.Table.from_batches(changed)]
    if table_root is not None:
        for path in list_files(f"{table_root}/{partition.path}", suffix=".parquet"):
            stored = _as_table_file(read_parquet(path))
            parts.append(kept_rows(stored, first_changed.get(partition.interval, {})))
    month = pa.concat_tables([p.cast(_TABLE_FILE_ARROW) for p in parts])
    month = month.take(pc.sort_indices(month, sort_keys=[("symbol", "ascending"), ("ts", "ascending")]))
    write_parquet(f"{staging_root}/months/{partition.path}/{TABLE_FILE_NAME}", month)
    return pa.RecordBatch.from_pylist(
        [{"interval": partition.interval, "year": partition.year, "month": partition.month, "rows": month.num_rows}],
        schema=arrow_schema(MONTH_ROWS_SCHEMA),
    )


def _as_table_file(stored: pa.Table) -> pa.Table:
    """A stored month file in TABLE_FILE_COLUMNS order; files written before the state columns existed get them
    as nulls (the next run for such a series then reads its whole history, see `history`)."""
    columns = [
        stored.column(f.name) if f.name in stored.column_names else pa.nulls(stored.num_rows, f.type)
        for f in _TABLE_FILE_ARROW
    ]
    return pa.Table.from_arrays(columns, schema=_TABLE_FILE_ARROW)


def merge_months(
    spark: SparkSession,
    staging_root: str,
    table_root: str | None,
    pieces: Pieces,
    first_changed: dict[str, dict[str, int]],
) -> DataFrame:
    """The month job as a DataFrame of MONTH_ROWS_SCHEMA rows (lazily: collecting it runs it), the months spread
    over the cores (one month: one task, no shuffle)."""
    months = sorted(pieces)
    frame = months_frame(spark, months)
    tasks = min(len(months), spark.sparkContext.defaultParallelism)
    spread = frame.repartition(tasks) if tasks > 1 else frame
    function = merging_months(staging_root, table_root, pieces, first_changed)
    return spread.mapInArrow(function, MONTH_ROWS_SCHEMA)


def months_frame(spark: SparkSession, months: list[Partition]) -> DataFrame:
    table = pa.table(
        {
            "interval": pa.array([m.interval for m in months], pa.string()),
            "year": pa.array([m.year for m in months], pa.int32()),
            "month": pa.array([m.month for m in months], pa.int32()),
        }
    )
    return spark.createDataFrame(table.to_pandas(), MONTHS_SCHEMA)


# ---- 3. the commit ----


def commit_partitions(storage: Storage, staging_root: str, table_root: str, partitions: list[Partition]) -> None:
    """Swaps each staged month folder in for the table's (the old one goes), then drops the staging. Before the
    first run there is no table: the staged months become the table in one move."""
    staged = f"{staging_root}/months"
    if partitions and not storage.exists(table_root):
        storage.replace_folder(staged, table_root)
    else:
        for partition in partitions:
            storage.replace_folder(f"{staged}/{partition.path}", f"{table_root}/{partition.path}")
    storage.delete(staging_root)


def normalise_names(storage: Storage, folder: str) -> list[str]:
    """The compute tasks name their delta files by task (`part-<partition>.snappy.parquet`); renumbered densely from
    0 so the names do not depend on which tasks happened to hold no series."""
    names = [n for n in storage.list_names(folder) if n.startswith("part-") and n.endswith(".parquet")]
    targets = [delta_file_name(index) for index in range(len(names))]
    for name, target in zip(names, targets, strict=True):
        if name != target:
            storage.rename(f"{folder}/{name}", f"{folder}/{target}")
    return targets

"""The stored history an incremental run needs, read by its compute tasks themselves (pyarrow), per task only for
the series the task computes.

A task holding the new bars of some series reads, of the table, only those series' rows from F − LOOKBACK on
(F: a series' earliest new bar): the month partitions of their intervals from the earliest such month on (the
months before are not even listed past their names), and of those files only the rows of its symbols (Parquet
statistics skip row groups of others). Rows before F are *context* (only read: the windows look back at them and
the last one carries the recursions' state), rows from F on are *stored* (recomputed and written again). A series
for which that is not enough is computed again in a second attempt with `whole=True`: all its stored rows.

Read here rather than by a Spark scan: a daily run's history is a few hundred thousand rows of a dozen small files;
planning a scan, joining it with the affected series, converting its rows to Arrow and shipping them through a
shuffle cost several times the read itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from .compute import INPUT_SCHEMA, SRC_CONTEXT, SRC_STORED
from .files import resolve
from .incremental import Partition, lookback, partition_of
from .schema import SERIES_KEY, TABLE_FILE_COLUMNS, TABLE_SCHEMA, arrow_schema

_TABLE_FILE_ARROW = arrow_schema(TABLE_SCHEMA, TABLE_FILE_COLUMNS)
_ARROW_INPUT = arrow_schema(INPUT_SCHEMA)
_MICROS = 1_000_000


@dataclass(frozen=True)
class History:
    """Where the compute tasks read the stored rows of their series: `table_root`; `whole`: every stored row (a
    second attempt for the series the lookback left short), not only those from F − LOOKBACK on."""

    table_root: str
    whole: bool = False


def month_files(table_root: str, interval: str, since: datetime | None) -> list[tuple[Partition, str]]:
    """The table's Parquet files of an interval in month partitions from `since`'s month on (all: None), sorted."""
    base = f"{table_root.rstrip('/')}/interval={interval}"
    filesystem, path = resolve(base)
    infos = filesystem.get_file_info(pafs.FileSelector(path, allow_not_found=True, recursive=True))
    found = []
    for info in infos:
        relative = info.path[len(path) :].strip("/").split("/")
        if info.type != pafs.FileType.File or len(relative) != 3 or not relative[2].endswith(".parquet"):
            continue
        if relative[2].startswith(("_", ".")):
            continue
        partition = partition_of(interval, relative[0], relative[1])
        if partition is not None and (since is None or (partition.year, partition.month) >= (since.year, since.month)):
            found.append((partition, f"{base}/{relative[0]}/{relative[1]}/{relative[2]}"))
    return sorted(found)


def read_history(history: History, new_rows: pa.Table) -> pa.Table | None:
    """INPUT_SCHEMA rows of the stored history of every series in `new_rows` (INPUT_SCHEMA), or None if none."""
    firsts = new_rows.group_by(SERIES_KEY, use_threads=False).aggregate([("ts", "min")])
    parts = []
    for interval in sorted(set(firsts.column("interval").to_pylist())):
        mine = firsts.filter(pc.equal(firsts.column("interval"), interval))
        symbols = mine.column("symbol").combine_chunks()
        first = mine.column("ts_min").combine_chunks().cast(pa.int64())
        back = int(lookback(interval).total_seconds()) * _MICROS
        since = None if history.whole else pc.min(first).as_py() - back
        since_moment = None if since is None else datetime.fromtimestamp(since // _MICROS, tz=UTC)
        files = month_files(history.table_root, interval, since_moment)
        if not files:
            continue
        filesystem, _ = resolve(files[0][1])
        paths = [resolve(uri)[1] for _, uri in files]
        dataset = ds.dataset(paths, schema=_TABLE_FILE_ARROW, format="parquet", filesystem=filesystem)
        wanted = ds.field("symbol").isin(symbols)
        if since is not None:
            wanted = wanted & (ds.field("ts") >= pa.scalar(since, pa.timestamp("us", tz="UTC")))
        stored = dataset.to_table(filter=wanted)
        if not stored.num_rows:
            continue
        # Each row's series: its F, and (unless whole) its own lookback.
        series_first = first.take(pc.index_in(stored.column("symbol"), value_set=symbols).combine_chunks())
        ts = stored.column("ts").cast(pa.int64())
        if since is not None:
            keep = pc.greater_equal(ts, pc.subtract(series_first, back))
            stored, ts, series_first = stored.filter(keep), ts.filter(keep), series_first.filter(keep)
        before = np.asarray(pc.less(ts, series_first).to_numpy(zero_copy_only=False), dtype=bool)
        parts.append(_as_input(stored, interval, np.where(before, SRC_CONTEXT, SRC_STORED).astype(np.int8)))
    return pa.concat_tables(parts) if parts else None


def _as_input(stored: pa.Table, interval: str, src: np.ndarray) -> pa.Table:
    """Table file rows (one interval) as INPUT_SCHEMA rows: the bar, `_src`, and the carried state."""
    columns = []
    for field in _ARROW_INPUT:
        if field.name == "interval":
            columns.append(pa.array(np.full(stored.num_rows, interval, dtype=object), pa.string()))
        elif field.name == "_src":
            columns.append(pa.array(src))
        else:
            columns.append(stored.column(field.name))
    return pa.Table.from_arrays(columns, schema=_ARROW_INPUT)

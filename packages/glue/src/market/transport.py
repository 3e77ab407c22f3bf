"""A run's rows through Spark's shuffle as Arrow IPC blobs, a blob per (task, bucket of series), not row by row.

The rows are Arrow tables in the Python workers on both sides of the shuffle (parsed there, computed there). Handed
to Spark as rows, each would be converted Arrow → Spark row → shuffle → Spark row → Arrow, value by value, in the
JVM: for a bulk load that cost more CPU than parsing the JSON. As blobs, the JVM only moves bytes.

Series go to buckets by a stable hash of (symbol, interval) (CRC-32: Python's own `hash` differs per process), so
all of a series' new bars, from any file, meet in one bucket, and Spark hash-partitions the buckets (adaptive
execution then merges small partitions). The task that receives a series reads its stored history (`history`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame
from pyspark.sql.types import BinaryType, IntegerType, StructField, StructType

from .compute import INPUT_COLUMNS, INPUT_SCHEMA
from .schema import arrow_schema
from .worker import settle

PACKED_SCHEMA = StructType([StructField("bucket", IntegerType()), StructField("rows", BinaryType())])
_PACKED_ARROW = arrow_schema(PACKED_SCHEMA)
ARROW_INPUT = arrow_schema(INPUT_SCHEMA)
BLOB_ROWS = 200_000  # ~60 MB of compute input


def buckets_of(table: pa.Table, buckets: int) -> np.ndarray:
    """Each row's bucket: CRC-32 of symbol, a unit separator and interval, modulo `buckets` (once per series)."""
    series = pc.binary_join_element_wise(table.column("symbol"), table.column("interval"), "\x1f")
    encoded = series.combine_chunks().dictionary_encode()
    codes = np.array([zlib.crc32(v.encode()) % buckets for v in encoded.dictionary.to_pylist()], dtype=np.int32)
    return codes[np.asarray(encoded.indices.to_numpy(zero_copy_only=False))]


def pack(table: pa.Table, buckets: int) -> Iterator[pa.RecordBatch]:
    """INPUT_SCHEMA rows → one (bucket, Arrow IPC stream) row per bucket present, each in its own batch."""
    if not table.num_rows:
        return
    table = table.select(INPUT_COLUMNS).cast(ARROW_INPUT)
    bucket = buckets_of(table, buckets)
    order = np.argsort(bucket, kind="stable")
    bucket = bucket[order]
    if bucket[0] != bucket[-1]:  # several buckets: group their rows (one file usually holds one series)
        table = table.take(pa.array(order))
    bounds = [*np.flatnonzero(np.diff(bucket)) + 1, table.num_rows]
    start = 0
    for end in bounds:
        # A bucket's rows in blobs of at most BLOB_ROWS (Spark's binary values, and its Arrow batches of them, are
        # limited to 2 GB).
        for first in range(start, end, BLOB_ROWS):
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, ARROW_INPUT) as writer:
                writer.write_table(table.slice(first, min(BLOB_ROWS, end - first)))
            blob = sink.getvalue()
            offsets = pa.array([0, blob.size], pa.int32()).buffers()[1]
            rows = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, blob])  # the stream's bytes, not a copy
            bucket_id = pa.array([int(bucket[start])], pa.int32())
            yield pa.RecordBatch.from_arrays([bucket_id, rows], schema=_PACKED_ARROW)
        start = end


def unpack(batches: Iterator[pa.RecordBatch]) -> pa.Table | None:
    """PACKED_SCHEMA batches → the INPUT_SCHEMA rows they carry (None: none)."""
    tables = [
        pa.ipc.open_stream(blob.as_buffer()).read_all()  # zero-copy: the tables point into the received batch
        for batch in batches
        for blob in batch.column("rows")
        if blob.is_valid
    ]
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else None


def packing(buckets: int) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def pack_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settle()
        received = [batch for batch in batches if batch.num_rows]
        if received:
            yield from pack(pa.Table.from_batches(received), buckets)

    return pack_batches


def packed(rows: DataFrame, buckets: int) -> DataFrame:
    """INPUT_SCHEMA rows that are Spark rows (a bulk incremental run's new bars, parsed and cached by the workers) as
    PACKED_SCHEMA."""
    return rows.select(*INPUT_COLUMNS).mapInArrow(packing(buckets), PACKED_SCHEMA)

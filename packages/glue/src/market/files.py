"""File I/O with pyarrow, the same on `file://` and `s3://`: the Python workers write every Parquet file (delta,
month partitions) and read the table's files they need; the driver reads a daily run's few curated files.

Why not Spark's writer: the job's rows are Arrow tables in the Python workers (parsed and computed there), and
pyarrow's columnar Parquet writer costs a fraction of Spark's row-at-a-time one, plus the cache or second pass
that writing the same rows twice (delta and table) would take from Spark. The job commits what the workers wrote
(`write.commit_partitions`) with Spark's own Hadoop file system (`storage`).

`pyarrow.fs.FileSystem.from_uri` gives the local file system for `file://` and S3 for `s3://` (on Glue with the job
role's credentials, found as boto3 finds them), so both worlds run this same code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.ipc  # for pa.ipc
import pyarrow.parquet as pq

# Dictionary encoding pays for the repetitive columns (symbols, lineage, the timestamps a month shares) but not for
# prices and indicators, nearly all distinct: the writer would fill a dictionary per column and page, find it too
# big and fall back to plain encoding, spending CPU for nothing.
DICTIONARY_TYPES = (pa.string(), pa.timestamp("us", tz="UTC"), pa.date32())


@lru_cache(maxsize=16)
def _filesystem(root: str) -> pafs.FileSystem:
    # One per bucket and process: resolving an S3 bucket's region is a request.
    return pafs.FileSystem.from_uri(root)[0]


def resolve(uri: str) -> tuple[pafs.FileSystem, str]:
    """`file:///a/b` → (local FS, `/a/b`); `s3://bucket/key` → (S3 FS, `bucket/key`)."""
    parts = urlsplit(uri)
    if parts.scheme == "file":
        return pafs.LocalFileSystem(), unquote(parts.path)
    return _filesystem(f"{parts.scheme}://{parts.netloc}/"), f"{parts.netloc}{parts.path}"


def _parent_folder(filesystem: pafs.FileSystem, path: str) -> None:
    # S3 has no folders to create (and create_dir would leave marker objects there).
    if isinstance(filesystem, pafs.LocalFileSystem):
        filesystem.create_dir(path.rsplit("/", 1)[0], recursive=True)


def write_parquet(uri: str, table: pa.Table) -> None:
    """One Parquet file (snappy), replacing any file of that name. Deterministic: the same table gives the same
    bytes, so a re-run rewrites identical files."""
    filesystem, path = resolve(uri)
    _parent_folder(filesystem, path)
    dictionary = [f.name for f in table.schema if f.type in DICTIONARY_TYPES]
    with filesystem.open_output_stream(path) as stream:
        pq.write_table(table, stream, compression="snappy", use_dictionary=dictionary, row_group_size=1 << 20)


@contextmanager
def open_arrow_writer(uri: str, schema: pa.Schema) -> Iterator[pa.ipc.RecordBatchFileWriter]:
    """An Arrow IPC file (the month pieces, which live only until the run's month job reads them back: no
    encoding or compression to pay for either way), written a record batch at a time."""
    filesystem, path = resolve(uri)
    _parent_folder(filesystem, path)
    with filesystem.open_output_stream(path) as stream, pa.ipc.new_file(stream, schema) as writer:
        yield writer


class ArrowFiles:
    """Reads single record batches of Arrow IPC files, opening each file once (its footer says where each batch
    is, so only that batch is read)."""

    def __init__(self) -> None:
        self._readers: dict[str, pa.ipc.RecordBatchFileReader] = {}
        self._sources: list[pa.NativeFile] = []

    def batch(self, uri: str, index: int) -> pa.RecordBatch:
        reader = self._readers.get(uri)
        if reader is None:
            filesystem, path = resolve(uri)
            source = filesystem.open_input_file(path)
            self._sources.append(source)
            reader = self._readers[uri] = pa.ipc.open_file(source)
        return reader.get_batch(index)

    def close(self) -> None:
        for source in self._sources:
            source.close()
        self._readers.clear()
        self._sources.clear()


def read_parquet(uri: str) -> pa.Table:
    filesystem, path = resolve(uri)
    return pq.read_table(path, filesystem=filesystem, partitioning=None)


def list_files(folder_uri: str, suffix: str) -> list[str]:
    """URIs of the files directly in a folder (none if it does not exist), sorted; hidden and `_` ones left out
    as Spark does."""
    filesystem, path = resolve(folder_uri)
    infos = filesystem.get_file_info(pafs.FileSelector(path, allow_not_found=True))
    names = sorted(
        info.base_name
        for info in infos
        if info.type == pafs.FileType.File
        and info.base_name.endswith(suffix)
        and not info.base_name.startswith(("_", "."))
    )
    return [f"{folder_uri.rstrip('/')}/{name}" for name in names]


def sizes(uris: list[str]) -> list[int]:
    """Each file's size in bytes; a missing file raises FileNotFoundError (worded as Spark words it)."""
    found = []
    for uri in uris:
        filesystem, path = resolve(uri)
        info = filesystem.get_file_info(path)
        if info.type != pafs.FileType.File:
            raise FileNotFoundError(f"[PATH_NOT_FOUND] Path does not exist: {uri}")
        found.append(info.size)
    return found


def read_bytes(uri: str) -> bytes:
    filesystem, path = resolve(uri)
    with filesystem.open_input_stream(path, compression=None) as stream:
        return stream.read()

"""Reading the curated files a run's markers name: parsed by pyarrow's JSON reader with the explicit schema."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
from pyspark.sql import DataFrame, SparkSession

from .compute import SRC_NEW, to_input
from .files import read_bytes
from .schema import BAR_SCHEMA, CURATED_SCHEMA, arrow_schema
from .transport import PACKED_SCHEMA, pack
from .worker import settle

_ARROW_BARS = arrow_schema(BAR_SCHEMA)
_BATCH_ROWS = 10_000

_TS_REGEX = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_REQUIRED = ("symbol", "interval", "ts", "close", "ingested_at")
INCOMPLETE = "curated record without symbol/interval/ts/close/ingested_at (or a ts not YYYY-MM-DDTHH:MM:SSZ)"
_ARROW_CURATED = arrow_schema(CURATED_SCHEMA)


class MalformedCuratedFileError(ValueError):
    """A curated file that is not gzip JSONL of curated records: the run fails before it writes anything."""


def _utc_ts(strings: pa.ChunkedArray) -> pa.ChunkedArray:
    """`YYYY-MM-DDTHH:MM:SSZ` exactly (anything else becomes null, caught by the completeness check)."""
    parsed = pc.strptime(strings, format=_TS_FORMAT, unit="us", error_is_null=True)
    strict = pc.if_else(pc.match_substring_regex(strings, _TS_REGEX), parsed, pa.scalar(None, parsed.type))
    return strict.cast(pa.timestamp("us", tz="UTC"))


def _gunzip(content: bytes) -> bytes:
    """gzip, including several concatenated members (what `gzip.decompress` accepts), without its per-member
    Python overhead."""
    parts = []
    while content:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        parts.append(inflater.decompress(content))
        if not inflater.eof:
            raise EOFError("truncated gzip")
        content = inflater.unused_data.lstrip(b"\0")  # gzip allows zero padding between members
    return b"".join(parts)


def parse_curated(path: str, content: bytes) -> pa.Table:
    """One curated object (gzip JSONL) → BAR_SCHEMA columns as Arrow. Raises on anything that is not curated data:
    not gzip, a line that is not a JSON object of the curated fields' types, or a record missing a required field."""
    try:
        data = _gunzip(content) if path.endswith(".gz") else content
    except (OSError, EOFError, zlib.error) as error:
        raise MalformedCuratedFileError(f"malformed curated file {path}: not gzip ({error})") from error
    if not data.strip():
        return _ARROW_BARS.empty_table()
    try:
        raw = pj.read_json(
            io.BytesIO(data),
            read_options=pj.ReadOptions(use_threads=False, block_size=max(len(data), 1 << 20)),
            parse_options=pj.ParseOptions(explicit_schema=_ARROW_CURATED, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        raise MalformedCuratedFileError(f"malformed records in curated file {path}: {error}") from error
    columns = {name: raw.column(name) for name in raw.column_names}
    columns["ts"] = _utc_ts(columns["ts"])
    columns["ingested_at"] = _utc_ts(columns["ingested_at"])
    dates = pc.strptime(columns["trade_date"], format="%Y-%m-%d", unit="s", error_is_null=True)
    columns["trade_date"] = pc.cast(dates, pa.date32())
    table = pa.table([columns[name] for name in _ARROW_BARS.names], schema=_ARROW_BARS)
    if any(table.column(name).null_count for name in _REQUIRED):
        raise MalformedCuratedFileError(f"{INCOMPLETE}: in {path}")
    return table


def _parsed(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.Table]:
    for batch in batches:
        paths, contents = batch.column("path"), batch.column("content")
        for index in range(batch.num_rows):
            yield parse_curated(paths[index].as_py(), contents[index].as_py())


def _parse_files(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    settle()
    for table in _parsed(batches):
        yield from table.to_batches(max_chunksize=_BATCH_ROWS)


def _parsing_packed(buckets: int) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def parse_and_pack(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        settle()
        for table in _parsed(batches):
            yield from pack(to_input(table, SRC_NEW), buckets)

    return parse_and_pack


def read_curated(spark: SparkSession, uris: list[str]) -> DataFrame:
    """The named gzip JSONL files, parsed with an explicit schema by pyarrow's JSON reader in the Python workers
    (several times faster than Spark's row-at-a-time JSON reader). Fails the run (before it writes anything) on a
    missing file, a file that is not gzip, a malformed line, or a record without its key or close; a `ts` or
    `ingested_at` not exactly `YYYY-MM-DDTHH:MM:SSZ` counts as missing. Unknown fields are ignored."""
    files = spark.read.format("binaryFile").load(uris).select("path", "content")
    return files.mapInArrow(_parse_files, BAR_SCHEMA)


def read_curated_here(uris: list[str]) -> pa.Table:
    """`read_curated` in this process (the driver), for a run whose curated files are few and small (a daily run):
    the same parsing and the same failures, without a Spark job."""
    tables = [parse_curated(uri, read_bytes(uri)) for uri in uris]
    return pa.concat_tables(tables) if tables else _ARROW_BARS.empty_table()


def read_curated_packed(spark: SparkSession, uris: list[str], buckets: int) -> DataFrame:
    """`read_curated`, as compute input (new bars) packed for the shuffle (`transport`): what a first run reads."""
    files = spark.read.format("binaryFile").load(uris).select("path", "content")
    return files.mapInArrow(_parsing_packed(buckets), PACKED_SCHEMA)

"""The worker-side I/O (`files`) on the local file system and on S3 (moto's server standing in), and the Arrow
blobs series travel in through the shuffle (`transport`)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pyarrow as pa
import pyarrow.fs as pafs
import pytest

from factories import series
from market import files, transport
from market.compute import SRC_NEW, to_input
from market.schema import BAR_SCHEMA, arrow_schema
from market.transport import buckets_of, pack, unpack


def _table() -> pa.Table:
    bars = series("AAA", [10.0, 11.0, 12.0]) + series("BBB", [20.0, 21.0]) + series("AAA", [5.0], interval="1h")
    rows = [dict(zip(BAR_SCHEMA.fieldNames(), bar.row(), strict=True)) for bar in bars]
    return to_input(pa.Table.from_pylist(rows, schema=arrow_schema(BAR_SCHEMA)), SRC_NEW)


def _exercise(root: str) -> None:
    table = _table()
    files.write_parquet(f"{root}/a/x.parquet", table)
    files.write_parquet(f"{root}/a/_hidden.parquet", table)
    assert files.read_parquet(f"{root}/a/x.parquet").equals(table)
    assert files.list_files(f"{root}/a", suffix=".parquet") == [f"{root}/a/x.parquet"]
    assert files.list_files(f"{root}/missing", suffix=".parquet") == []
    with files.open_arrow_writer(f"{root}/p/t.arrow", table.schema) as writer:
        writer.write_batch(table.slice(0, 2).to_batches()[0])
        writer.write_batch(table.slice(2).combine_chunks().to_batches()[0])
    readers = files.ArrowFiles()
    try:
        assert readers.batch(f"{root}/p/t.arrow", 1).num_rows == table.num_rows - 2
        assert readers.batch(f"{root}/p/t.arrow", 0).num_rows == 2
    finally:
        readers.close()
    assert files.sizes([f"{root}/a/x.parquet"])[0] > 0
    with pytest.raises(FileNotFoundError, match="Path does not exist"):
        files.sizes([f"{root}/a/gone.parquet"])


def test_local_files(tmp_path: Path) -> None:
    _exercise(tmp_path.as_uri())


_MOTO_CLIENT: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3(monkeypatch_module: pytest.MonkeyPatch) -> Iterator[str]:
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if server is None:
        pytest.skip("moto_server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        filesystem = pafs.S3FileSystem(
            access_key="test",
            secret_key="test",
            region="us-east-1",
            scheme="http",
            endpoint_override=f"127.0.0.1:{port}",
            allow_bucket_creation=True,
        )
        filesystem.create_dir("bucket")
        _MOTO_CLIENT.update(
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        # What `s3://bucket/…` resolves to on Glue, pointed at the emulator.
        monkeypatch_module.setattr(files, "_filesystem", lambda root: filesystem)
        yield "s3://bucket/root"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_s3_files(s3: str, tmp_path: Path) -> None:
    # Reading, listing and sizing on S3. (Writing goes through pyarrow's multipart upload, which moto 5.2.1's
    # CompleteMultipartUpload response breaks — getmoto/moto#10055 — so the objects are put as files here.)
    _exercise(tmp_path.as_uri())
    filesystem, prefix = files.resolve(s3)
    assert prefix == "bucket/root"
    client = boto3.client("s3", **_MOTO_CLIENT)
    for local in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        client.put_object(Bucket="bucket", Key=f"root/{local.relative_to(tmp_path)}", Body=local.read_bytes())
    table = files.read_parquet(f"{s3}/a/x.parquet")
    assert table.equals(files.read_parquet(f"{tmp_path.as_uri()}/a/x.parquet"))
    assert files.list_files(f"{s3}/a", suffix=".parquet") == [f"{s3}/a/x.parquet"]
    assert files.list_files(f"{s3}/missing", suffix=".parquet") == []
    readers = files.ArrowFiles()
    try:
        assert readers.batch(f"{s3}/p/t.arrow", 0).num_rows == 2
    finally:
        readers.close()
    with pytest.raises(FileNotFoundError, match="Path does not exist"):
        files.sizes([f"{s3}/a/gone.parquet"])
    keys = [info.path for info in filesystem.get_file_info(pafs.FileSelector("bucket", recursive=True))]
    assert not [key for key in keys if key.endswith("/")]  # nothing created folder marker objects


def test_series_travel_whole_in_one_bucket_and_come_back_unchanged() -> None:
    table = _table()
    buckets = buckets_of(table, 7)
    keys = list(zip(table.column("symbol").to_pylist(), table.column("interval").to_pylist(), strict=True))
    assert len({(key, int(bucket)) for key, bucket in zip(keys, buckets, strict=True)}) == len(set(keys))
    assert buckets_of(table, 7).tolist() == buckets.tolist()  # stable: CRC-32, not Python's per-process hash
    blobs = list(pack(table, 7))
    assert sorted(b.column("bucket")[0].as_py() for b in blobs) == sorted(set(buckets.tolist()))
    back = unpack(iter(blobs))
    assert back is not None
    assert back.sort_by([("symbol", "ascending"), ("interval", "ascending"), ("ts", "ascending")]).equals(
        table.sort_by([("symbol", "ascending"), ("interval", "ascending"), ("ts", "ascending")])
    )
    assert unpack(iter([])) is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transport, "BLOB_ROWS", 2)
        small = list(pack(table, 7))
    assert all(len(pa.ipc.open_stream(b.column("rows")[0].as_buffer()).read_all()) <= 2 for b in small)
    again = unpack(iter(small))
    assert again is not None
    assert again.num_rows == table.num_rows


def test_a_timestamp_in_the_blobs_keeps_its_zone() -> None:
    back = unpack(iter(list(pack(_table(), 3))))
    assert back is not None
    assert back.schema.field("ts").type == pa.timestamp("us", tz="UTC")
    assert back.column("ts")[0].as_py().tzinfo is not None
    assert min(back.column("ts").to_pylist()) == datetime(2023, 1, 2, tzinfo=UTC)

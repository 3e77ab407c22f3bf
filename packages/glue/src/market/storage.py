"""Small-file I/O on `s3://` and `file://` alike, through Spark's own Hadoop FileSystem.

Going through the JVM's FileSystem (EMRFS/S3A on Glue, the local FS offline) keeps one code path and the same
credentials Spark uses, instead of a boto3 branch that only runs in AWS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pyspark.sql import SparkSession


@dataclass(frozen=True)
class Storage:
    spark: SparkSession

    @cached_property
    def _path_class(self) -> Any:
        # Resolved once: py4j looks a dotted JVM name up one segment at a time, each a class-path search.
        return self.spark._jvm.org.apache.hadoop.fs.Path  # type: ignore[union-attr]

    def _path(self, uri: str) -> Any:
        return self._path_class(uri)

    def _fs(self, path: Any) -> Any:
        return path.getFileSystem(self.spark._jsc.hadoopConfiguration())  # type: ignore[union-attr]

    def exists(self, uri: str) -> bool:
        path = self._path(uri)
        return bool(self._fs(path).exists(path))

    def read_text(self, uri: str) -> str:
        path = self._path(uri)
        stream = self._fs(path).open(path)
        try:
            data = self.spark._jvm.org.apache.commons.io.IOUtils.toByteArray(stream)  # type: ignore[union-attr]
        finally:
            stream.close()
        return bytes(data).decode("utf-8")

    def write_text(self, uri: str, text: str) -> None:
        path = self._path(uri)
        stream = self._fs(path).create(path, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def delete(self, uri: str) -> None:
        path = self._path(uri)
        fs = self._fs(path)
        if fs.exists(path):
            fs.delete(path, True)

    def list_names(self, uri: str) -> list[str]:
        """File names directly under a folder, sorted; hidden and `_`-prefixed ones left out as Spark does."""
        path = self._path(uri)
        fs = self._fs(path)
        if not fs.exists(path):
            return []
        names = [status.getPath().getName() for status in fs.listStatus(path) if status.isFile()]
        return sorted(n for n in names if not n.startswith((".", "_")))

    def rename(self, source_uri: str, target_uri: str) -> None:
        source, target = self._path(source_uri), self._path(target_uri)
        if not self._fs(source).rename(source, target):
            raise OSError(f"could not rename {source_uri} to {target_uri}")

    def replace_folder(self, source_uri: str, target_uri: str) -> None:
        """Moves a folder to `target_uri`, replacing whatever is there: Spark's own step when it commits a dynamic
        partition overwrite (delete the old partition, create its parent if missing, rename the staged one in)."""
        source, target = self._path(source_uri), self._path(target_uri)
        fs = self._fs(target)
        if not fs.delete(target, True) and not fs.exists(target.getParent()):
            fs.mkdirs(target.getParent())
        if not fs.rename(source, target):
            raise OSError(f"could not move {source_uri} to {target_uri}")

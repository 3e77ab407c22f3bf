"""The job's arguments and the locations derived from them."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Argument names as Glue passes them (`--curated_root s3://…`); the local parser accepts the same flags, so one
# command line works in both worlds.
ARG_NAMES: tuple[str, ...] = ("curated_root", "output_root", "run_id", "work_list")

# The run id becomes a path segment (`run_id=<r>`): Hadoop paths reject ':' and '/' would nest.
_RUN_ID = re.compile(r"^[A-Za-z0-9_.=-]{1,128}$")


class InvalidArgumentError(ValueError):
    """An argument the job cannot run with (a caller's mistake, not a data problem)."""


def _root(uri: str) -> str:
    return uri.rstrip("/")


@dataclass(frozen=True)
class JobArgs:
    """Where the job reads and writes. Roots are `s3://bucket[/prefix]` on Glue and `file:///…` offline.

    - `curated_root`: the `curated/` prefix; marker keys `curated/interval=…/…` resolve against it.
    - `output_root`: the bucket root that holds `parquet/…` and `_control/…`.
    - `work_list`: URI of a JSON file with the dirty markers this run takes (see worklist.py).
    """

    curated_root: str
    output_root: str
    run_id: str
    work_list: str

    def __post_init__(self) -> None:
        if not _RUN_ID.match(self.run_id):
            raise InvalidArgumentError(f"run_id {self.run_id!r} must match {_RUN_ID.pattern}")
        for name in ("curated_root", "output_root", "work_list"):
            if "://" not in getattr(self, name):
                raise InvalidArgumentError(f"{name} must be a URI such as s3://bucket/… or file:///…")

    @property
    def table_root(self) -> str:
        return f"{_root(self.output_root)}/parquet/bars"

    @property
    def delta_root(self) -> str:
        return f"{_root(self.output_root)}/parquet/delta/run_id={self.run_id}"

    @property
    def staging_root(self) -> str:
        """Where the run stages the table's rewritten months until its Spark job has succeeded (write.py)."""
        return f"{_root(self.output_root)}/parquet/_staging/run_id={self.run_id}"

    @property
    def manifest_path(self) -> str:
        return f"{_root(self.output_root)}/_control/runs/{self.run_id}.json"

    def curated_uri(self, key: str) -> str:
        """A curated object key (as a dirty marker lists it) → its URI under `curated_root`."""
        relative = key.removeprefix("curated/")
        return f"{_root(self.curated_root)}/{relative}"


def from_mapping(values: dict[str, str]) -> JobArgs:
    missing = [name for name in ARG_NAMES if not values.get(name)]
    if missing:
        raise InvalidArgumentError(f"missing job arguments: {', '.join('--' + m for m in missing)}")
    return JobArgs(**{name: values[name] for name in ARG_NAMES})


@dataclass(frozen=True)
class LocalOptions:
    """What only an offline run sets (Glue owns these in AWS)."""

    master: str
    shuffle_partitions: int


def parse_local_args(argv: Sequence[str]) -> tuple[JobArgs, LocalOptions]:
    parser = argparse.ArgumentParser(prog="market_transform", description="Market-data Spark transform")
    for name in ARG_NAMES:
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--shuffle_partitions", type=int, default=8)
    # Glue-only flags (e.g. --JOB_NAME) may be present when the same command line is replayed offline.
    parsed, _unknown = parser.parse_known_args(list(argv))
    values = vars(parsed)
    job = from_mapping({name: values[name] for name in ARG_NAMES})
    return job, LocalOptions(master=values["master"], shuffle_partitions=values["shuffle_partitions"])

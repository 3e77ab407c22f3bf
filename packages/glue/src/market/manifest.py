"""The run manifest `_control/runs/<run-id>.json`: what a run read, changed and wrote, and how it ended."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Literal, NotRequired, TypedDict

from .storage import Storage

Status = Literal["SUCCEEDED", "FAILED"]


class SeriesChange(TypedDict):
    symbol: str
    interval: str
    first_changed_ts: str
    last_ts: str
    new_rows: int
    changed_rows: int


class RowCounts(TypedDict):
    curated_read: int
    curated_unique: int
    changed: int


class RunManifest(TypedDict):
    run_id: str
    status: Status
    started_at: str
    finished_at: str
    work_list: str
    markers: list[str]
    input_files: list[str]
    rows: NotRequired[RowCounts]
    min_ts: NotRequired[str | None]
    max_ts: NotRequired[str | None]
    series: NotRequired[list[SeriesChange]]
    partitions: NotRequired[list[str]]
    delta_files: NotRequired[list[str]]
    error: NotRequired[str]


def utc_iso(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ`, the pipeline's one timestamp form. Naive datetimes are UTC (the session zone)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    return utc_iso(datetime.now(UTC))


def write_manifest(storage: Storage, uri: str, manifest: RunManifest) -> None:
    storage.write_text(uri, json.dumps(manifest, indent=2, sort_keys=False) + "\n")

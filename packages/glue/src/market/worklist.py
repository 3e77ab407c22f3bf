"""The work list: the dirty markers a run takes, as the start-transform handler hands them over.

Format (a JSON file at `--work_list`): `{"markers": [<DirtyMarker>, …]}`, each marker exactly as
`_control/dirty/<object-id>.json` holds it (packages/functions/src/validate/run-pass.ts). A bare JSON array of
markers is accepted too. The markers are passed by content, not by key, so the run is a pure function of its
work-list file even if a marker is rewritten meanwhile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TypedDict


class DirtyEntry(TypedDict):
    symbol: str
    interval: str
    earliest_ts: str
    latest_ts: str
    rows: int


class DirtyMarker(TypedDict):
    object_id: str
    raw_key: str
    etag: str
    ingested_at: str
    curated: list[str]
    entries: list[DirtyEntry]


class InvalidWorkListError(ValueError):
    """The work-list file is not the documented shape."""


@dataclass(frozen=True)
class WorkList:
    markers: tuple[DirtyMarker, ...]

    @property
    def object_ids(self) -> list[str]:
        return sorted({m["object_id"] for m in self.markers})

    @property
    def curated_keys(self) -> list[str]:
        """Every curated file the markers name, once, sorted so the read plan is the same on a re-run."""
        return sorted({key for m in self.markers for key in m["curated"]})

    @property
    def is_empty(self) -> bool:
        return not self.curated_keys


def parse_work_list(text: str) -> WorkList:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidWorkListError(f"work list is not JSON: {error}") from error
    markers = document.get("markers") if isinstance(document, dict) else document
    if not isinstance(markers, list):
        raise InvalidWorkListError('work list must be {"markers": [...]} or a JSON array of markers')
    for marker in markers:
        if not isinstance(marker, dict) or not isinstance(marker.get("curated"), list):
            raise InvalidWorkListError(f"not a dirty marker (needs a 'curated' key list): {marker!r:.200}")
        if not isinstance(marker.get("object_id"), str):
            raise InvalidWorkListError(f"dirty marker without object_id: {marker!r:.200}")
        marker.setdefault("entries", [])
    return WorkList(markers=tuple(markers))

"""`run()`: one transform run, from the work list to the table, the delta and the manifest.

Order of effects, so that a failure leaves the previous table intact:
1. read the work list and the curated files (unreadable input fails the curated read — the first action of an
   incremental run, the first stage of a first run's compute job — before anything is written);
2. the compute job: its tasks write the run's delta (its own folder) and stage the changed rows by month;
3. the month job: its tasks write each rewritten month partition, whole, to the run's staging folder;
4. only when both jobs have succeeded (all tasks, and so all reads of the old table) are the staged months
   swapped into the table, as Spark's dynamic partition overwrite does at job commit (`write.py`); a failed run
   leaves the table as it was and its staging is deleted;
5. write the manifest (SUCCEEDED, or FAILED with the error, which is then re-raised).
The dirty markers belong to the caller; the job never deletes them, so a failed run's work is taken again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from pyspark.sql import Row, SparkSession

from .args import JobArgs
from .history import History
from .incremental import Partition
from .manifest import RowCounts, RunManifest, SeriesChange, now_iso, utc_iso, write_manifest
from .newbars import NewBars, read_new_bars
from .read import read_curated_packed
from .session import configure
from .storage import Storage
from .worklist import WorkList, parse_work_list
from .write import Pieces, commit_partitions, compute_and_stage, merge_months, normalise_names

log = logging.getLogger("market.transform")
# Buckets series are hashed into for the shuffle (`transport`): several per shuffle partition, so that partitions come
# out of similar size (with one bucket each, hash collisions left some partitions double and others empty).
BUCKETS = 64


@dataclass
class RunResult:
    """What `run()` did; `manifest` is None for a no-op (empty work list: nothing is written at all)."""

    status: Literal["SUCCEEDED", "NOOP"]
    manifest: RunManifest | None = None
    partitions: list[Partition] = field(default_factory=list)


def run(spark: SparkSession, args: JobArgs) -> RunResult:
    configure(spark)
    storage = Storage(spark)
    started = now_iso()
    work = parse_work_list(storage.read_text(args.work_list))
    if work.is_empty:
        log.info("run %s: the work list names no curated files; nothing to do", args.run_id)
        return RunResult(status="NOOP")
    base: RunManifest = {
        "run_id": args.run_id,
        "status": "FAILED",
        "started_at": started,
        "finished_at": started,
        "work_list": args.work_list,
        "markers": work.object_ids,
        "input_files": work.curated_keys,
    }
    try:
        manifest, partitions = _transform(spark, storage, args, work, base)
    except Exception as error:
        _record_failure(storage, args, base, error)
        raise
    write_manifest(storage, args.manifest_path, manifest)
    log.info("run %s: %s changed rows in %s partitions", args.run_id, manifest["rows"]["changed"], len(partitions))
    return RunResult(status="SUCCEEDED", manifest=manifest, partitions=partitions)


def _record_failure(storage: Storage, args: JobArgs, base: RunManifest, error: Exception) -> None:
    failed: RunManifest = {**base, "finished_at": now_iso(), "error": f"{type(error).__name__}: {error}"[:4000]}
    try:
        storage.delete(args.staging_root)
        write_manifest(storage, args.manifest_path, failed)
    except Exception:  # the original error is what the caller must see
        log.exception("run %s: could not write the failure manifest", args.run_id)


def _transform(
    spark: SparkSession, storage: Storage, args: JobArgs, work: WorkList, base: RunManifest
) -> tuple[RunManifest, list[Partition]]:
    # What an earlier attempt of this run id left (a re-run rewrites the same files).
    storage.delete(args.delta_root)
    storage.delete(args.staging_root)
    uris = [args.curated_uri(key) for key in work.curated_keys]
    pieces_root = f"{args.staging_root}/pieces"
    first_changed: dict[str, dict[str, int]] = {}
    buckets = max(BUCKETS, int(spark.conf.get("spark.sql.shuffle.partitions") or 0))
    table_exists = storage.exists(args.table_root)
    if not table_exists:
        # Nothing stored yet: every series is computed whole from the new bars, in one job straight from the files.
        packed_input = read_curated_packed(spark, uris, buckets)
        stats = compute_and_stage(packed_input, args.delta_root, pieces_root).collect()
    else:
        # First read: any missing or unreadable input fails here, long before a write.
        new_bars = read_new_bars(spark, uris)
        try:
            stats = _incremental(args, new_bars, buckets, first_changed)
        finally:
            new_bars.release()
    changes, pieces, lines = _summarise(stats)
    partitions = sorted(pieces)
    if partitions:
        table_root = args.table_root if table_exists else None
        merge_months(spark, args.staging_root, table_root, pieces, first_changed).collect()
    commit_partitions(storage, args.staging_root, args.table_root, partitions)
    delta_files = normalise_names(storage, args.delta_root)
    unique = sum(c["new_rows"] for c in changes)
    return _manifest(base, lines, unique, changes, partitions, delta_files), partitions


def _incremental(args: JobArgs, new_bars: NewBars, buckets: int, first_changed: dict[str, dict[str, int]]) -> list[Row]:
    """The compute job of a run against an existing table: the affected series from their first changed bar, with
    the context a bounded read of their recent history gives (`history`); then, for the few series that is not
    enough for, again with their whole history. Fills `first_changed`; returns the compute tasks' reports."""
    if not new_bars.starts:
        return []
    for s in new_bars.starts:
        first_changed.setdefault(s.interval, {})[s.symbol] = _micros(s.first_changed_ts)
    pieces_root = f"{args.staging_root}/pieces"
    recent = History(args.table_root)
    stats = compute_and_stage(new_bars.packed(buckets), args.delta_root, pieces_root, recent, "a").collect()
    short = {(r["symbol"], r["interval"]) for r in stats if r["kind"] == "short"}
    if not short:
        return stats
    log.info("%d series need their whole stored history", len(short))
    narrow = [s for s in new_bars.starts if (s.symbol, s.interval) in short]
    again = new_bars.packed(buckets, only=narrow)
    whole = History(args.table_root, whole=True)
    return stats + compute_and_stage(again, args.delta_root, pieces_root, whole, "b").collect()


def _summarise(stats: list[Row]) -> tuple[list[SeriesChange], Pieces, int]:
    """The compute tasks' reports → per series its changes; per month partition the pieces that hold its changed
    rows; the curated lines read."""
    pieces: Pieces = {}
    changes: list[SeriesChange] = []
    lines = 0
    for r in stats:
        if r["kind"] == "piece":
            pieces.setdefault(Partition(r["interval"], r["year"], r["month"]), []).append((r["piece"], r["batch"]))
        elif r["kind"] == "series":
            lines += r["lines"]
            changes.append(
                {
                    "symbol": r["symbol"],
                    "interval": r["interval"],
                    "first_changed_ts": _iso_micros(r["first_ts"]),
                    "last_ts": _iso_micros(r["last_ts"]),
                    "new_rows": r["new_rows"],
                    "changed_rows": r["changed_rows"],
                }
            )
    changes.sort(key=lambda c: (c["symbol"], c["interval"]))
    return changes, {p: sorted(pieces[p]) for p in sorted(pieces)}, lines


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _micros(moment: datetime) -> int:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(microseconds=1)


def _iso_micros(micros: int) -> str:
    return utc_iso(_from_micros(micros))


def _manifest(
    base: RunManifest,
    curated_read: int,
    curated_unique: int,
    changes: list[SeriesChange],
    partitions: list[Partition],
    delta_files: list[str],
) -> RunManifest:
    rows: RowCounts = {
        "curated_read": curated_read,
        "curated_unique": curated_unique,
        "changed": sum(c["changed_rows"] for c in changes),
    }
    return {
        **base,
        "status": "SUCCEEDED",
        "finished_at": now_iso(),
        "rows": rows,
        "min_ts": min((c["first_changed_ts"] for c in changes), default=None),
        "max_ts": max((c["last_ts"] for c in changes), default=None),
        "series": changes,
        "partitions": [p.path for p in partitions],
        "delta_files": delta_files,
    }

"""`run()`: one transform run, from the work list to the table, the delta and the manifest.

Order of effects, so that a failure leaves the previous table intact:
1. read the work list and the curated files (a first action: unreadable input fails here, before any write);
2. write the run's delta (its own folder; the table is only read);
3. write the touched month partitions with dynamic partition overwrite. Spark's writer stages every task's
   output and swaps the partitions in only at job commit, after all tasks — and so all reads of the old table —
   have succeeded; a failed job deletes its staging and leaves the table as it was;
4. write the manifest (SUCCEEDED, or FAILED with the error, which is then re-raised).
The dirty markers belong to the caller; the job never deletes them, so a failed run's work is taken again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from pyspark import StorageLevel
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F

from .args import JobArgs
from .dedupe import latest_per_key
from .incremental import (
    Partition,
    SeriesStart,
    combine,
    existing_series,
    rewrite_scope,
    series_starts,
    starts_frame,
    untouched_rows,
)
from .indicators import with_indicators
from .manifest import RowCounts, RunManifest, SeriesChange, now_iso, utc_iso, write_manifest
from .read import read_curated, read_table, table_bars
from .schema import SERIES_KEY
from .session import configure
from .storage import Storage
from .worklist import WorkList, parse_work_list
from .write import normalise_partitions, write_delta, write_partitions

log = logging.getLogger("market.transform")


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
        write_manifest(storage, args.manifest_path, failed)
    except Exception:  # the original error is what the caller must see
        log.exception("run %s: could not write the failure manifest", args.run_id)


def _transform(
    spark: SparkSession, storage: Storage, args: JobArgs, work: WorkList, base: RunManifest
) -> tuple[RunManifest, list[Partition]]:
    curated = read_curated(spark, [args.curated_uri(key) for key in work.curated_keys])
    curated = curated.persist(StorageLevel.MEMORY_AND_DISK)
    # First action: any unreadable input fails here, long before a write.
    starts, curated_read = _collect_starts(curated)
    if not starts:
        return _manifest(base, 0, 0, [], [], []), []
    keys = starts_frame(spark, starts)
    table = read_table(spark, storage, args.table_root)
    existing = existing_series(table_bars(table), starts, keys)
    computed = with_indicators(combine(latest_per_key(curated), existing))
    scope = rewrite_scope(computed, keys).persist(StorageLevel.MEMORY_AND_DISK)
    changes, partitions = _collect_scope(scope, starts)
    changed_rows = sum(c["changed_rows"] for c in changes)
    delta_files = write_delta(storage, scope.where("is_changed"), args.delta_root, changed_rows)
    # The affected series recomputed + every other series' rows of the same months: whole partitions.
    rewritten = scope.drop("is_changed")
    rows = rewritten.unionByName(untouched_rows(table, partitions, keys).select(*rewritten.columns))
    write_partitions(rows, args.table_root)
    normalise_partitions(storage, args.table_root, partitions)
    scope.unpersist()
    curated.unpersist()
    unique = sum(s.new_rows for s in starts)
    return _manifest(base, curated_read, unique, changes, partitions, delta_files), partitions


def _collect_starts(curated: DataFrame) -> tuple[list[SeriesStart], int]:
    """Each affected series with its earliest new bar and its count of distinct new bars; and the lines read."""
    rows = series_starts(curated).orderBy(*SERIES_KEY).collect()
    starts = [SeriesStart(r["symbol"], r["interval"], r["first_changed_ts"], r["new_rows"]) for r in rows]
    return starts, sum(r["lines"] for r in rows)


def _collect_scope(scope: DataFrame, starts: list[SeriesStart]) -> tuple[list[SeriesChange], list[Partition]]:
    """One pass over the rewrite scope: the month partitions it spans and each series' changed rows."""
    per_month = (
        scope.groupBy(*SERIES_KEY, "year", "month")
        .agg(
            F.count(F.when(F.col("is_changed"), 1)).alias("changed_rows"),
            F.max(F.when(F.col("is_changed"), F.col("ts"))).alias("last_ts"),
        )
        .collect()
    )
    partitions = sorted({Partition(r["interval"], r["year"], r["month"]) for r in per_month})
    by_series: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in per_month:
        by_series[(row["symbol"], row["interval"])].append(row)
    return [_series_change(start, by_series[(start.symbol, start.interval)]) for start in starts], partitions


def _series_change(start: SeriesStart, months: list[Row]) -> SeriesChange:
    return {
        "symbol": start.symbol,
        "interval": start.interval,
        "first_changed_ts": utc_iso(start.first_changed_ts),
        "last_ts": utc_iso(max(r["last_ts"] for r in months if r["last_ts"] is not None)),
        "new_rows": start.new_rows,
        "changed_rows": sum(r["changed_rows"] for r in months),
    }


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

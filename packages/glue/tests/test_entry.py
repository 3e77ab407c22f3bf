"""The entry point, its arguments, the work-list format and the Glue bundle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factories import Bucket, random_walk, series
from market.args import InvalidArgumentError, JobArgs, from_mapping, parse_local_args
from market.worklist import InvalidWorkListError, parse_work_list

HERE = Path(__file__).resolve().parent.parent


def test_local_arguments_use_the_glue_names_and_ignore_glue_only_flags() -> None:
    args, local = parse_local_args(
        [
            "--JOB_NAME",
            "market-transform",
            "--curated_root",
            "s3://b/curated",
            "--output_root",
            "s3://b",
            "--run_id",
            "jr_0123abc",
            "--work_list",
            "s3://b/_control/work/jr_0123abc.json",
        ]
    )
    assert args.table_root == "s3://b/parquet/bars"
    assert args.delta_root == "s3://b/parquet/delta/run_id=jr_0123abc"
    assert args.manifest_path == "s3://b/_control/runs/jr_0123abc.json"
    assert args.curated_uri("curated/interval=1d/date=2024-01-06/x.jsonl.gz") == (
        "s3://b/curated/interval=1d/date=2024-01-06/x.jsonl.gz"
    )
    assert local.master == "local[2]"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"curated_root": "s3://b/curated", "output_root": "s3://b", "run_id": "r1"}, "--work_list"),
        ({"curated_root": "/tmp/c", "output_root": "s3://b", "run_id": "r1", "work_list": "s3://w"}, "URI"),
        ({"curated_root": "s3://c", "output_root": "s3://b", "run_id": "a/b", "work_list": "s3://w"}, "run_id"),
    ],
)
def test_bad_arguments_say_what_is_wrong(values: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        from_mapping(values)


def test_the_work_list_is_the_dirty_markers_by_content() -> None:
    marker = {
        "object_id": "o1",
        "raw_key": "raw/a.csv",
        "etag": "e",
        "ingested_at": "2024-01-06T10:00:00Z",
        "curated": [
            "curated/interval=1d/date=2024-01-06/o1.jsonl.gz",
            "curated/interval=1h/date=2024-01-06/o1.jsonl.gz",
        ],
        "entries": [],
    }
    work = parse_work_list(json.dumps({"markers": [marker, {**marker}]}))
    assert work.object_ids == ["o1"]
    assert len(work.curated_keys) == 2
    assert parse_work_list(json.dumps([marker])).curated_keys == work.curated_keys
    with pytest.raises(InvalidWorkListError):
        parse_work_list('{"markers": [{"object_id": "x"}]}')


def test_the_glue_bundle_imports_from_the_zip_alone(tmp_path: Path) -> None:
    sys.path.insert(0, str(HERE))
    try:
        import build
    finally:
        sys.path.remove(str(HERE))
    script, archive = build.build(tmp_path)
    first = archive.read_bytes()
    build.build(tmp_path)
    assert archive.read_bytes() == first  # reproducible
    probe = f"import sys; sys.path.insert(0, {str(archive)!r}); import market.job; print(market.job.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path, env=_env_without_src()
    )
    assert "market.zip" in result.stdout
    assert script.read_text().startswith('"""AWS Glue 5.0 entry point')


def test_the_entry_runs_offline_as_the_job_runner_starts_it(tmp_path: Path) -> None:
    """The command the offline job-runner adapter uses: the venv's python on the script, file:// roots."""
    bucket = Bucket(tmp_path / "bucket")
    bucket.root.mkdir()
    bucket.drop("o1", series("CLI", random_walk(30, seed=1)))
    args = bucket.args("cli-1")
    command = [sys.executable, str(HERE / "src" / "market_transform.py")]
    for name in ("curated_root", "output_root", "run_id", "work_list"):
        command += [f"--{name}", getattr(args, name)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=_env_without_src())
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SUCCEEDED run_id=cli-1" in result.stdout
    manifest = json.loads((bucket.root / "_control/runs/cli-1.json").read_text())
    assert manifest["rows"]["changed"] == 30


def _env_without_src() -> dict[str, str]:
    """A clean environment: the script must find its package without the test run's PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    return env


def test_job_args_are_frozen() -> None:
    args = JobArgs("s3://c", "s3://o", "r", "s3://w")
    with pytest.raises(AttributeError):
        args.run_id = "other"  # type: ignore[misc]


def test_the_readme_documents_the_output_columns_in_order() -> None:
    from market.schema import OUTPUT_COLUMNS

    lines = (HERE / "README.md").read_text().splitlines()
    documented = [
        line.split("`")[1] for line in lines if line.startswith("| ") and line.split("|")[1].strip().isdigit()
    ]
    assert documented == OUTPUT_COLUMNS

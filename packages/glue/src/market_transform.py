"""AWS Glue 5.0 entry point of the market-data transform; also runs offline with the same arguments.

Glue:    ScriptLocation = this file, `--extra-py-files s3://…/market.zip` (the `market` package, built by
         `python packages/glue/build.py`), job arguments --curated_root --output_root --run_id --work_list.
Offline: `.venv/bin/python packages/glue/src/market_transform.py --curated_root file:///… --output_root file:///…
         --run_id r1 --work_list file:///…/work-list.json`.
Only this file touches GlueContext / Job; the work happens in `market.job.run`.
"""

from __future__ import annotations

import logging
import sys

from market.args import ARG_NAMES, from_mapping, parse_local_args
from market.job import run


def main_glue(argv: list[str]) -> None:
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    options = getResolvedOptions(argv, ["JOB_NAME", *ARG_NAMES])
    glue_context = GlueContext(SparkContext.getOrCreate())
    job = Job(glue_context)
    job.init(options["JOB_NAME"], options)
    run(glue_context.spark_session, from_mapping(options))
    job.commit()


def main_local(argv: list[str]) -> None:
    from market.session import local_session

    args, local = parse_local_args(argv)
    spark = local_session(master=local.master, shuffle_partitions=local.shuffle_partitions)
    try:
        result = run(spark, args)
        print(f"market_transform: {result.status} run_id={args.run_id}", flush=True)
    finally:
        spark.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        import awsglue  # noqa: F401  (present only on Glue)
    except ImportError:
        main_local(sys.argv[1:])
    else:
        main_glue(sys.argv)

"""How the job's SparkSession is configured: once here, used by Glue, by offline runs and by the tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

# Runtime SQL settings the job depends on. Applied with `spark.conf.set`, so they hold on Glue's own session too.
JOB_SQL_CONF: dict[str, str] = {
    # Rewrite only the year/month partitions a run touches; every other partition stays as it is.
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    # Partition values (year/month), `ts` parsing and pandas conversions must not depend on the machine's zone.
    "spark.sql.session.timeZone": "UTC",
    # Standard Parquet timestamps (Spark's default INT96 is a legacy type other readers handle poorly).
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.parquet.compression.codec": "snappy",
}


def configure(spark: SparkSession) -> SparkSession:
    for key, value in JOB_SQL_CONF.items():
        spark.conf.set(key, value)
    return spark


def local_session(master: str = "local[2]", shuffle_partitions: int = 8, app_name: str = "market-transform"):
    """A local SparkSession for offline runs and tests (Java 17 works with Spark 3.5 as is).

    Python workers must import the `market` package to unpickle the pandas functions; on Glue `--extra-py-files`
    puts it on their path, locally PYTHONPATH does (the JVM passes its environment on to the workers).
    """
    source_dir = str(Path(__file__).resolve().parent.parent)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if source_dir not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([source_dir, *paths])
    # Workers run the same interpreter as the driver (the project's .venv), not whatever `python3` is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("MARKET_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    for key, value in JOB_SQL_CONF.items():
        builder = builder.config(key, value)
    return configure(builder.getOrCreate())

"""How the job's SparkSession is configured: once here, used by Glue, by offline runs and by the tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

# Runtime SQL settings the job depends on. Applied with `spark.conf.set`, so they hold on Glue's own session too.
JOB_SQL_CONF: dict[str, str] = {
    # Timestamps handed to and from the Python workers (Arrow) and `unix_micros` must not depend on the machine's zone.
    "spark.sql.session.timeZone": "UTC",
    # Arrow batches between the JVM and the Python workers (an incremental run's bulk curated rows): fewer, larger
    # round trips.
    "spark.sql.execution.arrow.maxRecordsPerBatch": "50000",
    # Adaptive execution sizes each shuffle's reading tasks from the data: partitions under this size are merged
    # (each reading task here is a Python task with a fixed cost; a daily run's 10 MB need no more than two).
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.coalescePartitions.minPartitionSize": "8MB",
    # Small driver-side frames (a daily run's new bars, the months to write) go to the JVM as Arrow and become local
    # relations: no job to create them.
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # A bulk load names hundreds of curated files; listing them is a Spark job of this many tasks (default: one task
    # per file, whose scheduling costs more than the listing).
    "spark.sql.sources.parallelPartitionDiscovery.parallelism": "8",
    # An incremental run with many curated files persists them (read by two jobs). Spark's in-memory compression would
    # first scan every value for run lengths and dictionaries — more CPU than the cache saves here.
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
}


# Offline runs are short-lived JVMs doing little row-at-a-time work (Arrow in and out, shuffles); HotSpot's C2
# compiler spends more CPU compiling Spark's and each query's generated code than the compiled code then saves
# (measured: a one-day incremental run spent ~4 of its ~9 CPU-seconds in C2). C1 alone compiles cheaply.
LOCAL_JIT = "-XX:TieredStopAtLevel=1"


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
        .config("spark.driver.extraJavaOptions", f"-Duser.timezone=UTC {LOCAL_JIT}")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    for key, value in JOB_SQL_CONF.items():
        builder = builder.config(key, value)
    spark = configure(builder.getOrCreate())
    _no_checksum_files(spark)
    return spark


def _no_checksum_files(spark: SparkSession) -> None:
    """Hadoop's local file system writes a `.name.crc` beside every file (and computes it); nothing here reads them,
    and they double the files a local run creates. Offline only: Glue writes to S3."""
    jvm = spark._jvm  # type: ignore[union-attr]
    local = jvm.org.apache.hadoop.fs.FileSystem.getLocal(spark._jsc.hadoopConfiguration())  # type: ignore[union-attr]
    local.setWriteChecksum(False)

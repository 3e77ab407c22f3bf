"""One local SparkSession for the whole test run, configured as the job configures production."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

os.environ["TZ"] = "UTC"  # collect() turns timestamps into naive datetimes in the process's zone
os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")  # pyspark.testing imports pyspark.pandas, which asks for it
time.tzset()

from market.session import local_session  # noqa: E402


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    # local[2]: the machine has two cores. Two shuffle partitions: the test data is tiny.
    session = local_session(master="local[2]", shuffle_partitions=2, app_name="market-glue-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()

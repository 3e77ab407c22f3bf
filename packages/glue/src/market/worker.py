"""What every function the job runs in the Python workers does first."""

from __future__ import annotations

import gc


def settle() -> None:
    """pyspark's worker daemon runs a full `gc.collect()` after every task of a reused worker. With numpy, pyarrow
    and pandas imported that walks a few hundred thousand objects, ~80 ms of CPU per task — more than a small
    task's work. Moving the objects alive now (modules, caches) to the permanent generation leaves the collection
    only this task's garbage to look at. Cheap, so it is done at the start of every task."""
    gc.freeze()

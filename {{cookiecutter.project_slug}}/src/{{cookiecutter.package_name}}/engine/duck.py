"""DuckDB, the embedded engine: a connection that keeps to the run's memory budget and spills beyond it.

Chosen over Polars' streaming engine by measuring both here (docs/benchmarks.md, "Engine"): on 100M
checks Polars was faster (77 s against 125 s for the per-customer and per-customer-month aggregates)
but has no memory limit to honour (6.0 GiB peak), where DuckDB held 3.9 GiB under a 4 GB limit,
spilling the rest to its temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from .budget import Budget


def quoted(path: Path | str) -> str:
    """A path as a DuckDB string literal."""
    return "'" + str(path).replace("'", "''") + "'"


@contextlib.contextmanager
def connect(budget: Budget, spill: Path, share: float = 0.5) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB limited to `share` of the budget, spilling into the folder `spill` (removed
    afterwards), on as many threads as there are cores."""
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={
        "memory_limit": budget.engine_limit(share), "temp_directory": str(spill),
        "threads": os.cpu_count() or 1, "preserve_insertion_order": False,
    })
    try:
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)

"""Where a section's per-customer computations read the identified checks: memory or buckets.

A client with at most ``run.engine_min_checks`` checks is computed in memory, from the table the
section has loaded. Above it, the prepared checks are bucketed by customer once (`engine.buckets`,
in the run's cache, reused while the prepared file is unchanged) and each per-customer function is
applied bucket by bucket, one bucket in memory at a time, or by the workers of the Dask scheduler
named in ``run.scheduler``. Either way the rows are the same: a test compares the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from .buckets import PerCustomer, ensure_buckets, map_buckets
from .budget import Budget

BUCKETS = "buckets"
DEFAULT_MIN_CHECKS = 2_000_000


@dataclass(frozen=True)
class CustomerChecks:
    """The identified checks of a client for per-customer functions: `frame` in memory, or the
    bucket folder `buckets` (mapped on the Dask scheduler at `scheduler` when one is named)."""

    frame: pd.DataFrame | None = None
    buckets: Path | None = None
    scheduler: str | None = None

    @property
    def out_of_core(self) -> bool:
        return self.buckets is not None

    def apply(self, func: PerCustomer, columns: list[str] | None = None) -> pd.DataFrame:
        """`func`'s rows for every customer (`columns`: the check columns it reads, when bucketed)."""
        if self.buckets is None:
            return func(self.frame)
        if self.scheduler:
            from .cluster import connect_scheduler, map_buckets_on

            with connect_scheduler(self.scheduler) as client:
                return map_buckets_on(client, self.buckets, func, columns)
        return map_buckets(self.buckets, func, columns)


def prepared_checks(cache_dir: Path | None) -> int:
    """Rows of the prepared checks (from the Parquet footer: nothing is read); 0 without a cache."""
    path = None if cache_dir is None else Path(cache_dir) / "transactions.parquet"
    return pq.ParquetFile(path).metadata.num_rows if path is not None and path.is_file() else 0


def bucketed(config: dict[str, Any], cache_dir: Path | None) -> Path | None:
    """The client's customer buckets, made (or reused) when it has more than ``run.engine_min_checks``
    checks; None when its sections compute in memory. The runner calls it once after preparing the
    tables (the aggregation step), so the notebooks find the buckets made."""
    run = config.get("run") or {}
    checks = prepared_checks(cache_dir)
    if checks == 0 or checks <= int(run.get("engine_min_checks", DEFAULT_MIN_CHECKS)):
        return None
    cache_dir = Path(cache_dir)
    return ensure_buckets(cache_dir / "transactions.parquet", cache_dir / BUCKETS, Budget.from_config(config))


def customer_checks(config: dict[str, Any], cache_dir: Path | None,
                    load: Callable[[], pd.DataFrame]) -> CustomerChecks:
    """The client's checks for per-customer functions: bucketed (`bucketed`) or in memory (`load()`)."""
    folder = bucketed(config, cache_dir)
    if folder is None:
        return CustomerChecks(frame=load())
    return CustomerChecks(buckets=folder, scheduler=(config.get("run") or {}).get("scheduler"))

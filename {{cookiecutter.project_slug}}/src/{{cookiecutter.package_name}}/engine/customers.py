"""Where a section's per-customer computations read the identified checks: memory or buckets.

A client with at most ``run.engine_min_checks`` checks is computed in memory, from the prepared table.
Above it, the prepared checks are bucketed by customer once (`engine.buckets`, in the run's cache,
reused while the prepared file is unchanged) and never loaded whole: each per-customer function is
applied bucket by bucket, one bucket in memory at a time, or by the workers of the Dask scheduler
named in ``run.scheduler``; the requirement checks read the facts recorded when the tables were
prepared, and the membership rule's loyalty-card part runs bucket by bucket too. Either way the rows
are the same: tests compare the two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from ..core.conditions import Facts
from ..core.membership import join_dates
from .buckets import PerCustomer, empty_checks, ensure_buckets, map_buckets
from .budget import BESIDE_KERNEL_BYTES, Budget

BUCKETS = "buckets"
DEFAULT_MIN_CHECKS = 2_000_000
JOINED = {"customer_id", "joined_program_at"}  # customers columns of the join-date rule
CHUNK_ROWS = 1_000_000  # checks per part of `CustomerChecks.reduce_checks` out of core
T = TypeVar("T")


@dataclass(frozen=True)
class CustomerChecks:
    """A client's checks for a section: `frame`, the prepared table in memory, or the bucket folder
    `buckets` (mapped on the Dask scheduler at `scheduler` when one is named) with `facts`, the
    requirement facts recorded when the tables were prepared (`core.conditions.Facts`);
    `trim_above`: resident bytes above which freed memory is handed back after each bucket;
    `threads`: the cores the kernel may use, mapping as many buckets side by side as fit in `budget`
    beside what the kernel holds when a pass starts (`buckets.map_buckets`, `Budget.bucket_threads`)."""

    frame: pd.DataFrame | None = None
    buckets: Path | None = None
    scheduler: str | None = None
    facts: Facts | None = None
    prepared: Path | None = None  # the prepared checks (all of them) when bucketed
    trim_above: int | None = None
    threads: int = 1
    budget: Budget | None = None

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
        return map_buckets(self.buckets, func, columns, self.trim_above, self.threads_now())

    def threads_now(self) -> int:
        """Buckets mapped side by side by a pass starting now (one without a budget)."""
        if self.budget is None or self.threads <= 1:
            return 1
        held = psutil.Process().memory_info().rss + BESIDE_KERNEL_BYTES
        return self.budget.bucket_threads(held, self.threads)

    def reduce_checks(self, func: Callable[[pd.DataFrame], T], columns: list[str] | None = None) -> list[T]:
        """`func` of every check, anonymous ones included, as parts for the caller to add up: of the
        table in memory (one part), or of the prepared file `CHUNK_ROWS` rows at a time."""
        if self.prepared is None:
            return [func(self.frame)]
        return [func(chunk) for chunk in check_chunks(self.prepared, columns)]

    def requirement_tables(self, tables: Mapping[str, pd.DataFrame | None]) -> Mapping[str, Any]:
        """What `sections.registry.check` reads: `tables` with the checks, or the recorded facts."""
        if self.out_of_core and self.facts is not None:
            return self.facts
        return {**tables, "transactions": self.frame}

    def join_dates(self, customers: pd.DataFrame | None) -> pd.Series | None:
        """`core.membership.join_dates` of the client; its loyalty-card rule bucket by bucket."""
        if not self.out_of_core or (customers is not None and set(customers.columns) >= JOINED):
            return join_dates(customers, self.frame)
        if "loyalty_card" not in empty_checks(self.buckets).columns:
            return None
        days = self.apply(_card_join_days, ["customer_id", "date", "loyalty_card"])
        return days.set_index("customer_id")["joined_program_at"].sort_index()


def check_chunks(path: Path, columns: list[str] | None = None,
                 rows: int | None = None) -> Iterator[pd.DataFrame]:
    """The prepared checks of `path`, `rows` (default `CHUNK_ROWS`) at a time, with the table's own
    pandas types."""
    rows = rows or CHUNK_ROWS
    parquet = pq.ParquetFile(path)
    types = parquet.schema_arrow.empty_table().to_pandas().dtypes
    for batch in parquet.iter_batches(batch_size=rows, columns=columns):
        frame = pa.Table.from_batches([batch]).to_pandas()
        yield frame.astype(types[list(frame.columns)].to_dict())


def _card_join_days(checks: pd.DataFrame) -> pd.DataFrame:
    joined = join_dates(None, checks)
    return (pd.DataFrame(columns=["customer_id", "joined_program_at"]) if joined is None
            else joined.reset_index())


def prepared_checks(cache_dir: Path | None) -> int:
    """Rows of the prepared checks (from the Parquet footer: nothing is read); 0 without a cache."""
    path = None if cache_dir is None else Path(cache_dir) / "transactions.parquet"
    return pq.ParquetFile(path).metadata.num_rows if path is not None and path.is_file() else 0


def bucketed(config: dict[str, Any], cache_dir: Path | None) -> Path | None:
    """The client's customer buckets, made (or reused) when it has more than ``run.engine_min_checks``
    checks with a customer_id column; None when its sections compute in memory. The runner calls it
    once after preparing the tables (the aggregation step), so the notebooks find the buckets made."""
    run = config.get("run") or {}
    checks = prepared_checks(cache_dir)
    if checks == 0 or checks <= int(run.get("engine_min_checks", DEFAULT_MIN_CHECKS)):
        return None
    cache_dir = Path(cache_dir)
    if "customer_id" not in pq.read_schema(cache_dir / "transactions.parquet").names:
        return None  # checks without customers (a store-level export): nothing is per customer
    return ensure_buckets(cache_dir / "transactions.parquet", cache_dir / BUCKETS, Budget.from_config(config))


def customer_checks(ctx: Any) -> CustomerChecks:
    """The checks of the run context `ctx` for a section: bucketed (`bucketed`, with the requirement
    facts of ``prepared.json``) or the prepared table in memory."""
    folder = bucketed(ctx.config, ctx.cache_dir)
    if folder is None:
        return CustomerChecks(frame=ctx.table("transactions"))
    facts = ctx.preparation().get("requirements")
    budget = Budget.from_config(ctx.config)
    # a kernel above half the run's budget (the engine's share is the other half) hands freed memory
    # back after each bucket; below it, the next bucket reuses it (handing it back costs time)
    return CustomerChecks(buckets=folder, scheduler=(ctx.config.get("run") or {}).get("scheduler"),
                          facts=None if facts is None else Facts.from_json(facts),
                          prepared=Path(ctx.cache_dir) / "transactions.parquet",
                          trim_above=budget.limit // 2, threads=ctx.threads, budget=budget)

"""Where the uplift measures read the checks: the prepared table in memory, or a big client's buckets.

Every measure of the section is written as a part and a combine step. The part is a function of
checks: per customer (`Checks.per_customer`: rows of a customer from their own checks, so the rows are
the same whether the part runs once on the client's identified checks or bucket by bucket on a big
client's checks left on disk, `engine.customers`), or over all checks, anonymous ones included
(`Checks.chunks`: parts to add up, one of the whole table in memory, one per chunk of the prepared file
out of core). The combine step puts the rows in one order (by customer id, or the order the in-memory
computation had) before anything is summed or drawn at random, so both kinds of client give the same
numbers bit for bit. Sums over chunks of checks are kept exact (`exact_parts`, `exact_total`): a
chunk's sum as floats that add up to it exactly, totalled with one correctly rounded sum.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ...core.checks import identified_checks
from ...engine.buckets import bucket_folders
from ...engine.customers import CustomerChecks

IDENTIFIED = ["customer_id", "date", "amount"]  # what `core.checks.identified_checks` reads
T = TypeVar("T")


def _of_identified(func: Callable[[pd.DataFrame], pd.DataFrame], checks: pd.DataFrame) -> pd.DataFrame:
    return func(identified_checks(checks))


@dataclass(frozen=True, eq=False)
class Checks:
    """A client's checks for the uplift measures: `source`, the prepared table in memory or the
    buckets and the prepared file of a big client (`engine.customers.CustomerChecks`)."""

    source: CustomerChecks

    @classmethod
    def of(cls, checks: pd.DataFrame | Checks | CustomerChecks) -> Checks:
        """`checks` as a `Checks`: a table of checks is taken as the client's checks in memory."""
        if isinstance(checks, Checks):
            return checks
        if isinstance(checks, CustomerChecks):
            return cls(checks)
        return cls(CustomerChecks(frame=checks))

    @property
    def out_of_core(self) -> bool:
        return self.source.out_of_core

    @cached_property
    def identified(self) -> pd.DataFrame:
        """In memory: the identified checks (`core.checks.identified_checks`), converted once."""
        return identified_checks(self.source.frame)

    @cached_property
    def columns(self) -> list[str]:
        """The columns of the prepared checks."""
        if self.out_of_core:
            return list(pq.read_schema(self.source.prepared).names)
        return list(self.source.frame.columns)

    def per_customer(self, func: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
        """`func` of the identified checks (customer_id, day, amount, is_purchase): once in memory, or
        bucket by bucket, the results concatenated. `func` must be per customer."""
        if not self.out_of_core:
            return func(self.identified)
        return self.source.apply(partial(_of_identified, func), IDENTIFIED)

    def per_customer_checks(self, func: Callable[[pd.DataFrame], pd.DataFrame],
                            columns: list[str]) -> pd.DataFrame:
        """`func` of the checks with their prepared `columns`: the whole table in memory (anonymous
        checks included: `func` leaves them out), or bucket by bucket (identified checks only)."""
        return self.source.apply(func, columns)

    def chunks(self, func: Callable[[pd.DataFrame], T], columns: list[str]) -> list[T]:
        """`func` of every check (anonymous ones included), as parts: one in memory, one per chunk."""
        return self.source.reduce_checks(func, columns)

    def any_identified(self) -> bool:
        """Whether any check carries a customer id (out of core: whether any bucket was written)."""
        if self.out_of_core:
            return bool(bucket_folders(self.source.buckets))
        frame = self.source.frame
        return "customer_id" in frame.columns and bool(frame["customer_id"].notna().any())

    def join_dates(self, customers: pd.DataFrame | None) -> pd.Series | None:
        """`core.membership.join_dates` of the client (the loyalty-card rule bucket by bucket)."""
        return self.source.join_dates(customers)


def exact_parts(values: Iterable[float] | np.ndarray) -> list[float]:
    """Floats whose exact sum is the exact sum of `values` (the first is its correctly rounded sum):
    a part of a sum that `exact_total` adds up over parts the same whatever the parts were."""
    values = np.asarray(values, dtype=float).tolist()
    parts: list[float] = []
    while True:
        rest = math.fsum([*values, *(-p for p in parts)])
        if rest == 0.0 or not math.isfinite(rest):
            return parts if rest == 0.0 else [rest]
        parts.append(rest)


def exact_total(parts: Iterable[Iterable[float]]) -> float:
    """The correctly rounded sum of the parts' exact sums (`exact_parts`)."""
    return math.fsum(value for part in parts for value in part)


def sorted_by_customer(rows: pd.DataFrame, by: Any = "customer_id") -> pd.DataFrame:
    """Per-customer rows in customer id order (the order a groupby over the whole table gives)."""
    return rows.sort_values(by, kind="stable", ignore_index=True)

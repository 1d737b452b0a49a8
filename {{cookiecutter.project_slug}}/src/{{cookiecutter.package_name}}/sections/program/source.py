"""Where the program KPIs read the checks: the numbered table in memory, or a big client's checks on
disk (`engine.customers`), never loaded whole.

Every measure of the section that reads checks has two parts: a function of checks whose result adds
up over sets of checks, and a step that combines the results. Two kinds of parts:

* sums that add up over any checks, anonymous ones included (`totals.check_totals`, by day and buyer
  group): `Source.totals`, of the whole table or of the prepared checks one chunk at a time;
* per-customer rows or counts of distinct customers, from each customer's own checks (active members,
  the customers known by a day, first purchases, customers per month and group, baseline spend, the
  RFM tallies and purchases of survey respondents): `Source.per_customer`, of the whole table or bucket
  by bucket (customers are disjoint across buckets, so such counts add up).

In memory each part runs once on the whole table, so both kinds of client have one definition. Out of
core the chunks and buckets get the same numbered ids as the table in memory (`groups.integer_ids`:
the ids in sorted order, `labels`), so the parts see the same rows either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ...core.keys import positions_in
from ...engine.buckets import empty_checks
from ...engine.customers import CustomerChecks
from .totals import TOTAL_COLUMNS, Totals, add_totals, check_totals
from .voice import TALLY_COLUMNS, customer_numbers, no_segments, purchases_of, rfm_tallies, segments_of

# what the per-customer parts read of the checks
CUSTOMER_COLUMNS = ("customer_id", "date", "amount", "store_id", "loyalty_card")


def number_ids(frame: pd.DataFrame, labels: pd.Index | None) -> pd.DataFrame:
    """`frame` with its customer_id replaced by the number of `labels` (`groups.integer_ids`; NaN for
    an empty id or one not among the labels)."""
    if labels is None or "customer_id" not in frame.columns:
        return frame
    codes, uniques = pd.factorize(frame["customer_id"])
    # `labels` itself (not a copy): its sorted keys are built once, not for every chunk or bucket
    numbers = positions_in(labels)(pd.Index(uniques).astype(labels.dtype)).astype("float64")
    numbers[numbers < 0] = np.nan
    ids = np.full(len(codes), np.nan)
    ids[codes >= 0] = numbers[codes[codes >= 0]]
    return frame.assign(customer_id=ids)


def _numbered(checks: pd.DataFrame, func: Callable[[pd.DataFrame], Any], labels: pd.Index | None) -> Any:
    return func(number_ids(checks, labels))


@dataclass(frozen=True)
class _Rows:
    frame: pd.DataFrame


def _many(checks: pd.DataFrame, funcs: tuple[Callable[[pd.DataFrame], pd.DataFrame], ...]) -> pd.DataFrame:
    """Each of `funcs` of the same checks, as one frame (part: the function's position)."""
    return pd.DataFrame({"part": range(len(funcs)), "rows": [_Rows(func(checks)) for func in funcs]})


def _distinct_ids(checks: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": checks["customer_id"].dropna().unique()})


def checks_labels(checks: CustomerChecks, customers: pd.DataFrame | None) -> pd.Index | None:
    """The ids of a big client's checks and customers in sorted order (the labels of
    `groups.integer_ids`), the checks' ids gathered bucket by bucket. None without any id."""
    if "customer_id" not in empty_checks(checks.buckets).columns:
        return None
    parts = [pd.Index(checks.apply(_distinct_ids, ["customer_id"])["customer_id"].unique())]
    if customers is not None and "customer_id" in customers.columns:
        parts.append(pd.Index(customers["customer_id"].dropna().unique()))
    return parts[0].append(parts[1:]).unique().sort_values()


@dataclass(frozen=True, eq=False)
class Source:
    """The checks the program KPIs read: `frame` (numbered, in memory) or `checks` (a big client's
    checks on disk, `labels` numbering them), with the numbered join days `joins` (None: membership
    unknown), `columns` (the checks' columns), `respondents` (the numbers of the customers who
    answered a survey) and a memo of the parts already computed."""

    frame: pd.DataFrame | None
    checks: CustomerChecks | None = None
    labels: pd.Index | None = None
    joins: pd.Series | None = None
    columns: tuple[str, ...] = ()
    respondents: np.ndarray = field(default_factory=lambda: np.array([], dtype="float64"))
    memo: dict = field(default_factory=dict, repr=False)

    @property
    def out_of_core(self) -> bool:
        return self.checks is not None and self.checks.out_of_core

    def _read(self, columns: Sequence[str]) -> list[str]:
        return [c for c in columns if c in self.columns]

    def per_customer(self, func: Callable[[pd.DataFrame], pd.DataFrame],
                     columns: Sequence[str] = CUSTOMER_COLUMNS) -> pd.DataFrame:
        """`func` (per customer: rows or counts of a customer from their own checks) of the numbered
        checks: of the table, or of each bucket in turn, the results concatenated."""
        if not self.out_of_core:
            return func(self.frame)
        return self.checks.apply(partial(_numbered, func=func, labels=self.labels), self._read(columns))

    def per_customer_many(self, funcs: list[Callable[[pd.DataFrame], pd.DataFrame]],
                          columns: Sequence[str] = CUSTOMER_COLUMNS) -> list[pd.DataFrame]:
        """`per_customer` of each of `funcs`: out of core in one pass over the buckets."""
        if not self.out_of_core:
            return [func(self.frame) for func in funcs]
        found = self.per_customer(partial(_many, funcs=tuple(funcs)), columns)
        return [pd.concat([rows.frame for rows in found.loc[found["part"] == number, "rows"]],
                          ignore_index=True) for number in range(len(funcs))]

    def totals(self) -> Totals:
        """`totals.check_totals` of every check (computed once): of the table, or chunk by chunk."""
        if "totals" not in self.memo:
            func = partial(check_totals, joins=self.joins)
            if not self.out_of_core:
                self.memo["totals"] = func(self.frame)
            else:
                parts = self.checks.reduce_checks(partial(_numbered, func=func, labels=self.labels),
                                                  self._read(TOTAL_COLUMNS))
                self.memo["totals"] = add_totals(parts)
        return self.memo["totals"]

    def purchases(self) -> pd.DataFrame:
        """`voice.purchases_of` the survey respondents (computed once)."""
        if "purchases" not in self.memo:
            self.memo["purchases"] = self.per_customer(self.respondent_purchases(),
                                                       ("customer_id", "date", "amount"))
        return self.memo["purchases"]

    def segments(self, bins: int) -> Callable[[list[pd.Timestamp]], dict[pd.Timestamp, pd.Series]]:
        """The respondents' RFM segments at the snapshot days asked (`voice.rfm_at_answers`): the
        snapshots not scored yet are tallied in one pass over the checks."""
        def scored(snapshots: list[pd.Timestamp]) -> dict[pd.Timestamp, pd.Series]:
            missing = tuple(sorted({s for s in snapshots if (s, bins) not in self.memo}))
            if missing:
                tallies = self.per_customer(self.tallies(missing), ("customer_id", "date", "amount"))
                self.keep_segments(tallies, missing, bins)
            return {s: self.memo[s, bins] for s in snapshots}
        return scored

    def tallies(self, snapshots: tuple[pd.Timestamp, ...]) -> Callable[[pd.DataFrame], pd.DataFrame]:
        """The part `voice.rfm_tallies` of the respondents at `snapshots`."""
        return partial(rfm_tallies, snapshots=snapshots, respondents=self.respondents)

    def keep_segments(self, tallies: pd.DataFrame, snapshots: tuple[pd.Timestamp, ...], bins: int) -> None:
        """Remember the respondents' segments at `snapshots` scored from `tallies` of every customer."""
        found = segments_of(tallies.reindex(columns=list(TALLY_COLUMNS)), bins)
        for snapshot in snapshots:
            self.memo[snapshot, bins] = found.get(snapshot, no_segments())

    def respondent_purchases(self) -> Callable[[pd.DataFrame], pd.DataFrame]:
        """The part `voice.purchases_of` the respondents."""
        return partial(purchases_of, respondents=self.respondents)


def respondent_numbers(labels: pd.Index | None, *answers: pd.DataFrame | None) -> np.ndarray:
    """The numbers of the customers who answered (`voice.customer_numbers` of each table given)."""
    found = [customer_numbers(frame, labels).dropna().to_numpy() for frame in answers if frame is not None]
    return np.unique(np.concatenate(found)) if found else np.array([], dtype="float64")

"""What every step of the program section reads: the tables, the settings, the period and the
membership of the checks, prepared once (`prepare`, or `section.inputs(ctx)` in a run).

Counts and reach are taken at the period end; shares, checks, points rates and the effective accrual
rate over the *program window* = [max(period start, launch date), period end], so that pre-launch
months do not dilute member KPIs; NPS and surveys over the period. The launch date is
``program.launch_date``, else the first join day (`core.membership`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ...core.membership import join_dates
from ...engine.customers import CustomerChecks
from ..registry import Requirement, Unmet, check
from .dates import end_exclusive, resolve_period
from .groups import integer_ids, numbered_joins
from .settings import Settings
from .source import Source, checks_labels, number_ids, respondent_numbers
from .totals import window as window_sums

# what the section and its steps need (`registry.check`): checks for everything; identified checks
# and a known membership for the member KPIs
MEMBER_STEPS = ("reach", "member_share", "unsubscribes", "tiers")
REQUIRES = (Requirement("transactions", ("date", "amount")),
            Requirement("transactions", ("customer_id",), "membership_known", steps=MEMBER_STEPS))


@dataclass(frozen=True)
class Tables:
    """The canonical tables the section reads (None: the client has not provided it)."""

    transactions: pd.DataFrame
    customers: pd.DataFrame | None = None
    points: pd.DataFrame | None = None
    nps: pd.DataFrame | None = None
    surveys: pd.DataFrame | None = None


@dataclass(frozen=True)
class Numbered:
    """The tables with the customer ids of transactions and customers replaced by numbers
    (`groups.integer_ids`; `labels`: the ids in number order) and the join day of every member
    (`core.membership.join_dates`) keyed by those numbers. Survey answers keep their own ids.
    `source`: where the KPIs read the checks (`source.Source`: the numbered table, or a big client's
    checks on disk, whose `tables.transactions` then holds no rows)."""

    tables: Tables
    labels: pd.Index | None
    joins: pd.Series | None
    source: Source = field(compare=False, repr=False, default=None)


@dataclass(frozen=True)
class Inputs:
    """Everything the steps read. start / end: the analysed period (days); joins: members joined by
    the period end (None: membership unknown); respondent_joins: the same keyed by the survey answers'
    ids; launch: the program's launch day; window_start: the first day of the program window (member
    shares, checks and accrual are over [window_start, end]); full: False to compute the headline
    numbers only (the monthly tables, charts and sentences are left out); unmet: what the section and
    its steps miss (`REQUIRES`)."""

    numbered: Numbered
    settings: Settings
    start: pd.Timestamp
    end: pd.Timestamp
    joins: pd.Series | None
    respondent_joins: pd.Series | None
    launch: pd.Timestamp | None
    window_start: pd.Timestamp
    full: bool = True
    language: str = "en"
    currency: str = ""
    unmet: Unmet = Unmet()

    # the numbered tables (`Tables`: None where the client has not provided one)
    transactions = property(lambda self: self.numbered.tables.transactions)
    customers = property(lambda self: self.numbered.tables.customers)
    points = property(lambda self: self.numbered.tables.points)
    nps = property(lambda self: self.numbered.tables.nps)
    surveys = property(lambda self: self.numbered.tables.surveys)
    source = property(lambda self: self.numbered.source)

    def sums(self, first: pd.Timestamp | None = None) -> pd.DataFrame:
        """The day sums of the checks (`totals.check_totals`) from `first` (default: the period
        start) to the period end, as a `totals.window` frame."""
        return window_sums(self.source.totals().days, self.start if first is None else first, self.end)


def number(tables: Tables) -> Numbered:
    """The tables with numbered customer ids and the members' join days (see `Numbered`)."""
    joins = join_dates(tables.customers, tables.transactions)
    transactions, customers, labels = integer_ids(tables.transactions, tables.customers)
    numbered = Tables(transactions, customers, tables.points, tables.nps, tables.surveys)
    joined = numbered_joins(joins, labels)
    source = Source(transactions, labels=labels, joins=joined, columns=tuple(transactions.columns),
                    respondents=respondent_numbers(labels, tables.nps, tables.surveys))
    return Numbered(numbered, labels, joined, source)


def number_checks(checks: CustomerChecks, tables: Tables) -> Numbered:
    """`number` for a big client whose checks stay on disk (`tables.transactions`: no rows, the
    prepared table's columns): the ids are gathered and the join days found bucket by bucket."""
    labels = checks_labels(checks, tables.customers)
    joins = numbered_joins(checks.join_dates(tables.customers), labels)
    empty = number_ids(tables.transactions, labels)
    customers = number_ids(tables.customers, labels) if tables.customers is not None else None
    numbered = Tables(empty, customers, tables.points, tables.nps, tables.surveys)
    source = Source(None, checks, labels, joins, tuple(empty.columns),
                    respondent_numbers(labels, tables.nps, tables.surveys))
    return Numbered(numbered, labels, joins, source)


def _period(numbered: Numbered, period: tuple[Any, Any] | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The analysed period; for a big client without one, the first and last day of its checks."""
    if numbered.source.out_of_core and (period is None or None in period):
        days = numbered.source.totals().days.index.get_level_values("day")
        bounds = pd.DataFrame({"date": [days.min(), days.max()]})
        return resolve_period(bounds, period)
    return resolve_period(numbered.tables.transactions, period)


def window(numbered: Numbered, settings: Settings, period: tuple[Any, Any] | None,
           full: bool = True) -> Inputs:
    """The `Inputs` of the period `period` ((start, end); None: the data's own range) over tables
    already numbered; `Inputs.language` and `.currency` are left at their defaults."""
    start, end = _period(numbered, period)
    joins = numbered.joins
    if joins is not None:
        joins = joins.loc[joins < end_exclusive(end)]
    respondent_joins = joins  # keyed by the ids of the survey answers
    if joins is not None and numbered.labels is not None:
        respondent_joins = pd.Series(joins.to_numpy(), index=numbered.labels[joins.index.to_numpy(int)],
                                     name=joins.name)
    launch = settings.launch_date
    if launch is None and joins is not None and len(joins):
        launch = joins.min()
    window_start = max(start, launch.normalize()) if launch is not None else start
    if window_start > end:
        window_start = start
    return Inputs(numbered, settings, start, end, joins, respondent_joins, launch, window_start, full)


def prepare(tables: Tables, settings: Settings | None = None, period: tuple[Any, Any] | None = None,
            language: str = "en", currency: str = "", full: bool = True) -> Inputs:
    """The section's inputs from its tables (`settings`: the defaults when None; `period`: the
    analysed (start, end), None for the data's own range; `language` / `currency`: of the report;
    `full`: False for the headline numbers only)."""
    unmet = check(REQUIRES, {"transactions": tables.transactions, "customers": tables.customers})
    return prepared(number(tables), unmet, settings, period, language, currency, full)


def prepared(numbered: Numbered, unmet: Unmet, settings: Settings | None = None,
             period: tuple[Any, Any] | None = None, language: str = "en", currency: str = "",
             full: bool = True) -> Inputs:
    """`prepare` of tables already numbered (`number`, `number_checks`) with what they miss."""
    inputs = window(numbered, settings or Settings(), period, full)
    return replace(inputs, language=language, currency=currency, unmet=unmet)


def earlier(inputs: Inputs, months: int) -> Inputs | None:
    """The inputs of the same period with its end moved back by `months` calendar months, for the
    headline numbers only (kpis.json `program.previous`). None when that end falls before the period
    start or the program launch (there was no program to compare with), or `months` < 1."""
    end = inputs.end - pd.DateOffset(months=months)
    launch = inputs.settings.launch_date
    if months < 1 or end < inputs.start or (launch is not None and end < launch):
        return None
    moved = window(inputs.numbered, inputs.settings, (inputs.start, end), full=False)
    return replace(moved, language=inputs.language, currency=inputs.currency, unmet=inputs.unmet)


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
from ..registry import Requirement, Unmet, check
from .dates import between, end_exclusive, resolve_period
from .groups import classify_checks, integer_ids, numbered_joins
from .settings import Settings

# the columns of the checks that the program KPIs read (the others are not copied)
CHECK_COLUMNS = ("date", "amount", "customer_id", "items", "loyalty_card", "points_earned", "store_id",
                 "region")
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
    (`core.membership.join_dates`) keyed by those numbers. Survey answers keep their own ids."""

    tables: Tables
    labels: pd.Index | None
    joins: pd.Series | None
    # RFM segments by (snapshot day, bins), scored once: the voice steps ask for the same months again
    # (NPS, CSAT, motives; the period and the one `compare_months` earlier) and each scoring reads
    # every check (`voice.rfm_at_answers`)
    segments: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Inputs:
    """Everything the steps read. start / end: the analysed period (days); joins: members joined by
    the period end (None: membership unknown); respondent_joins: the same keyed by the survey answers'
    ids; launch: the program's launch day; checks: the period's checks with their buyer group
    (`classify_checks`); program_checks: those of the program window; full: False to compute the
    headline numbers only (the monthly tables, charts and sentences are left out); unmet: what the
    section and its steps miss (`REQUIRES`)."""

    numbered: Numbered
    settings: Settings
    start: pd.Timestamp
    end: pd.Timestamp
    joins: pd.Series | None
    respondent_joins: pd.Series | None
    launch: pd.Timestamp | None
    checks: pd.DataFrame
    program_checks: pd.DataFrame
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


def rows(frame: pd.DataFrame, keep: pd.Series, columns: list[str] | None = None) -> pd.DataFrame:
    """frame.loc[keep, columns], without copying the rows when `keep` keeps all of them."""
    if bool(keep.all()):
        return frame if columns is None else frame[columns]
    return frame.loc[keep] if columns is None else frame.loc[keep, columns]


def number(tables: Tables) -> Numbered:
    """The tables with numbered customer ids and the members' join days (see `Numbered`)."""
    joins = join_dates(tables.customers, tables.transactions)
    transactions, customers, labels = integer_ids(tables.transactions, tables.customers)
    numbered = Tables(transactions, customers, tables.points, tables.nps, tables.surveys)
    return Numbered(numbered, labels, numbered_joins(joins, labels))


def window(numbered: Numbered, settings: Settings, period: tuple[Any, Any] | None,
           full: bool = True) -> Inputs:
    """The `Inputs` of the period `period` ((start, end); None: the data's own range) over tables
    already numbered; `Inputs.language` and `.currency` are left at their defaults."""
    transactions = numbered.tables.transactions
    start, end = resolve_period(transactions, period)
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
    in_period = rows(transactions, between(transactions["date"], start, end),
                     [c for c in transactions.columns if c in CHECK_COLUMNS])
    checks = classify_checks(in_period, joins)
    return Inputs(numbered, settings, start, end, joins, respondent_joins, launch, checks,
                  checks.loc[checks["date"] >= window_start], full)


def prepare(tables: Tables, settings: Settings | None = None, period: tuple[Any, Any] | None = None,
            language: str = "en", currency: str = "", full: bool = True) -> Inputs:
    """The section's inputs from its tables (`settings`: the defaults when None; `period`: the
    analysed (start, end), None for the data's own range; `language` / `currency`: of the report;
    `full`: False for the headline numbers only)."""
    unmet = check(REQUIRES, {"transactions": tables.transactions, "customers": tables.customers})
    inputs = window(number(tables), settings or Settings(), period, full)
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


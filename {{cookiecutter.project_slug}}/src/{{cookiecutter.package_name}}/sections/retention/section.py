"""The retention section (30): its inputs, its steps in notebook order, and `run(ctx)`.

Each step is one call from notebooks/30_retention.ipynb; `run` calls the same steps in the same
order and returns the kpis.json block `retention` as the headline.

Every measure is computed in two parts: a function of checks that returns per-customer rows or counts
and sums that add up over customers (`Inputs.apply`: once on the client's checks, or bucket by bucket
for a big client whose checks stay on disk, `engine`), then the step that combines those rows. Both
kinds of client go through the same two parts, so each measure has one definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from ...core.checks import identified_checks
from ...core.membership import MEMBERS, NON_MEMBERS
from ...engine.customers import CustomerChecks, customer_checks
from ...text.catalogue import Text
from ..registry import Requirement, Unmet, check
from ..steps import SectionResult, Step
from . import plots
from .activity import (
    monthly_counts,
    monthly_headline,
    monthly_table,
    pooled_monthly_rates,
    window_counts,
    window_headline,
)
from .joining import before_after_headline, before_after_joining, before_after_summary, joining_rows
from .matrices import group_cohort_cells, group_matrices
from .settings import Settings

KEY = "retention"
# what the section and its steps need (`registry.check`)
REQUIRES = (Requirement("transactions", ("customer_id", "date", "amount"), "some_identified"),
            Requirement("transactions", (), "some_members", steps=("before_after",)))
CHECK_COLUMNS = ["customer_id", "date", "amount"]  # what `core.checks.identified_checks` reads


@dataclass(frozen=True)
class Inputs:
    """Identified checks (`core.checks`), join days (`core.membership.join_dates`; None = membership
    unknown), the analysed period, the settings, what the steps miss (`REQUIRES`) and `source`:
    where the measures are computed from when it is not `checks` (a big client's checks bucketed by
    customer, `engine.customers`; `checks` is then empty)."""

    checks: pd.DataFrame
    joins: pd.Series | None
    start: pd.Timestamp
    end: pd.Timestamp
    settings: Settings
    unmet: Unmet = Unmet()
    source: CustomerChecks | None = None

    def apply(self, func: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
        """`func` of the identified checks: of `checks`, or of each bucket of `source` in turn, the
        results concatenated. `func` must be per customer (a customer's rows or counts from their
        own checks), which is what makes the two the same rows."""
        if self.source is None or not self.source.out_of_core:
            return func(self.checks)
        return self.source.apply(partial(_of_identified, func), CHECK_COLUMNS)


def _of_identified(func: Callable[[pd.DataFrame], pd.DataFrame], checks: pd.DataFrame) -> pd.DataFrame:
    return func(identified_checks(checks))


def inputs(ctx: Any) -> Inputs:
    """The section's inputs from a run context: the checks are converted once, for every step (a big
    client's checks stay on disk, `engine`: requirements from the facts recorded when the tables were
    prepared, the loyalty-card join days bucket by bucket)."""
    source, customers = customer_checks(ctx), ctx.table("customers")
    unmet = check(REQUIRES, source.requirement_tables({"customers": customers}))
    start, end = ctx.period
    checks = identified_checks(pd.DataFrame() if source.out_of_core else source.frame)
    return Inputs(checks, source.join_dates(customers), start, end, Settings.from_config(ctx.config),
                  unmet, source)


def _skip(step: Step, reason: Text) -> Step:
    return step.skip(reason.key, **reason.fields)


def _group_name(group: str, title: bool = False) -> Text:
    return Text(f"{KEY}.group_title.{group}" if title else f"{KEY}.group.{group}")


def customer_cohorts(inputs: Inputs) -> Step:
    """Retention by acquisition cohort for members and non-members (everyone together when
    membership is unknown): heatmap, table and a sentence per group. values: matrices {group: ...}."""
    step = Step("customer_cohorts")
    step.values["matrices"] = {}
    if (reason := inputs.unmet.reason(step.name)) is not None:
        return _skip(step, reason)
    if inputs.joins is None:
        step.skip(f"{KEY}.no_membership")
    # the cells of each group's matrices add up over customers: summed over buckets for a big client
    cells = inputs.apply(partial(group_cohort_cells, joins=inputs.joins, end=inputs.end))
    results = group_matrices(cells, inputs.joins)
    step.values["matrices"] = results
    for group, matrices in results.items():
        if matrices.sizes.empty:
            step.skip(f"{KEY}.no_cohorts", group=_group_name(group))
            continue
        step.chart(f"cohorts_customers_{group}", partial(plots.cohort_heatmap, matrices.customers, "Blues"),
                   f"{KEY}.cohort_customers_chart", group=_group_name(group))
        step.table(f"cohorts_customers_{group}", matrices.table("customers"),
                   f"{KEY}.cohort_customers_table", group=_group_name(group))
        month_one = matrices.average_retention(1)
        counts = {"group": _group_name(group, title=True), "customers": matrices.sizes.sum(),
                  "cohorts": len(matrices.sizes)}
        if month_one is None:
            step.say(f"{KEY}.cohort_summary_short", **counts)
        else:
            step.say(f"{KEY}.cohort_summary", **counts, share=month_one)
    return step


def revenue_cohorts(cohorts: Step) -> Step:
    """Revenue of each cohort n months later against its first month, per group of `cohorts`."""
    step = Step("revenue_cohorts")
    for group, matrices in cohorts["matrices"].items():
        if matrices.sizes.empty:
            continue
        step.chart(f"cohorts_revenue_{group}", partial(plots.cohort_heatmap, matrices.revenue, "Greens"),
                   f"{KEY}.cohort_revenue_chart", group=_group_name(group))
        step.table(f"cohorts_revenue_{group}", matrices.table("revenue"), f"{KEY}.cohort_revenue_table",
                   group=_group_name(group))
    return step


def _rates(inputs: Inputs, name: str, value: str, counts: Callable[..., pd.DataFrame],
           combine: Callable[[pd.DataFrame], Any]) -> tuple[Step, Any, bool]:
    """The step `name` with `combine` of the customer counts `counts(checks, joins, churn_days, start,
    end)` (added up over buckets for a big client) kept in values[value], and whether the step is
    skipped: an unmet requirement computes on no checks (its kpis keys then hold no numbers) and
    shows its reason."""
    step = Step(name)
    reason = inputs.unmet.reason(name)
    func = partial(counts, joins=inputs.joins, churn_days=inputs.settings.churn_days, start=inputs.start,
                   end=inputs.end)
    result = combine(inputs.apply(func) if reason is None else func(inputs.checks.iloc[:0]))
    step.values[value] = result
    if reason is not None:
        _skip(step, reason)
    return step, result, reason is not None


def monthly_rates(inputs: Inputs) -> Step:
    """CRR, churn and reactivation per month and group, with two charts. values: monthly."""
    step, monthly, skipped = _rates(inputs, "monthly_rates", "monthly", monthly_counts, monthly_table)
    days = inputs.settings.churn_days
    if skipped:
        return step
    if monthly.empty:
        return step.skip(f"{KEY}.too_short", days=days)
    step.table("retention_monthly", monthly, f"{KEY}.monthly_table")
    step.chart("retention_churn_monthly", partial(plots.monthly_rate, monthly, "churn_rate",
                                                  "churn rate per month"), f"{KEY}.churn_chart")
    step.chart("retention_reactivation_monthly", partial(plots.monthly_rate, monthly, "reactivation_rate",
                                                         "reactivation rate per month"),
               f"{KEY}.reactivation_chart")
    return step


def group_rates(inputs: Inputs, monthly: Step) -> Step:
    """The monthly rates of each group pooled over the last months of `monthly`. values: pooled."""
    step = Step("group_rates")
    months = inputs.settings.pooled_months
    pooled = pooled_monthly_rates(monthly["monthly"], months)
    step.values["pooled"] = pooled
    if (reason := inputs.unmet.reason(step.name)) is not None:
        return _skip(step, reason)
    if pooled.empty:
        return step  # `monthly` said why
    step.table("retention_by_group", pooled, f"{KEY}.pooled_table", months=months)
    rates = pooled.set_index("group")
    overall = {"months": rates["months"].iloc[0], "churn": rates.loc["all", "churn_rate"]}
    if {MEMBERS, NON_MEMBERS} <= set(rates.index) and rates["churn_rate"].notna().all():
        return step.say(f"{KEY}.pooled_groups", **overall, members=rates.loc[MEMBERS, "churn_rate"],
                        non_members=rates.loc[NON_MEMBERS, "churn_rate"])
    return step.say(f"{KEY}.pooled", **overall)


def window_rates(inputs: Inputs) -> Step:
    """CRR, churn and reactivation over the headline window (the last full year). values: headline."""
    days = inputs.settings.churn_days
    step, headline, skipped = _rates(inputs, "window_rates", "headline", window_counts,
                                     partial(window_headline, churn_days=days))
    if skipped:
        return step
    if headline["crr"] is None:
        return step.skip(f"{KEY}.no_window", days=days)
    window = headline["window"]
    fields = {"start": window["start"], "end": window["end"], "months": window["months"],
              "active": headline["start_customers"],
              "churned": headline["start_customers"] - headline["end_customers"] + headline["new_customers"],
              "new": headline["new_customers"], "end_customers": headline["end_customers"],
              "crr": headline["crr"], "churn": headline["churn_rate"],
              "reactivation": headline["reactivation_rate"]}
    members, others = headline[MEMBERS], headline[NON_MEMBERS]
    if members["crr"] is not None and others["crr"] is not None:
        return step.say(f"{KEY}.window_groups", **fields, members=members["churn_rate"],
                        non_members=others["churn_rate"])
    return step.say(f"{KEY}.window", **fields)


def before_after(inputs: Inputs) -> Step:
    """Members' spend and purchases in equal windows before and after joining. values: summary (None
    when membership is unknown), per_customer."""
    step = Step("before_after")
    days = inputs.settings.before_after_days
    step.values.update(summary=None, per_customer=None)
    if (reason := inputs.unmet.reason(step.name)) is not None:
        return _skip(step, reason)
    # one row per member, from their own checks: concatenated from the buckets for a big client
    per_customer = joining_rows(inputs.apply(partial(before_after_joining, joins=inputs.joins,
                                                     window_days=days, start=inputs.start, end=inputs.end)))
    summary = before_after_summary(per_customer)
    step.values.update(summary=summary, per_customer=per_customer)
    step.table("retention_before_after", summary, f"{KEY}.before_after_table", days=days)
    if per_customer.empty:
        return step.skip(f"{KEY}.no_before_after", days=days)
    rows = summary.set_index("metric")
    spend, visits = rows.loc["spend per customer"], rows.loc["purchases per customer"]
    if spend["relative_change"] is None or pd.isna(spend["relative_change"]):
        return step.skip(f"{KEY}.no_spend_before", members=len(per_customer), days=days)
    key = "before_after_few" if len(per_customer) < inputs.settings.few_members else "before_after"
    return step.say(f"{KEY}.{key}", members=len(per_customer), days=days, spend=spend["relative_change"],
                    visits=visits["relative_change"], change=spend["change"], low=spend["ci_low"],
                    high=spend["ci_high"], caveat=Text(f"{KEY}.before_after_caveat"))


def headline(inputs: Inputs, window: Step, groups: Step, joining: Step) -> dict[str, Any]:
    """The kpis.json block `retention`: the window's rates, the pooled monthly rates, before/after."""
    return {**window["headline"], "monthly": monthly_headline(groups["pooled"]),
            "before_after": before_after_headline(joining["summary"], inputs.settings.before_after_days)}


def run(ctx: Any) -> SectionResult:
    """Every step of the section in notebook order, and its headline."""
    data = inputs(ctx)
    cohorts = customer_cohorts(data)
    revenue = revenue_cohorts(cohorts)
    monthly = monthly_rates(data)
    groups = group_rates(data, monthly)
    window = window_rates(data)
    joining = before_after(data)
    steps = {step.name: step for step in (cohorts, revenue, monthly, groups, window, joining)}
    return SectionResult(KEY, steps, headline(data, window, groups, joining))

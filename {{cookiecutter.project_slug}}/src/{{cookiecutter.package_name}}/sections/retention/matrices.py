"""Retention by acquisition cohort: the share of each monthly cohort buying n months later, and its
revenue n months later against its first month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.checks import as_identified
from .common import last_full_month_end, positions, row_positions


def _month_number(days: pd.Series) -> np.ndarray:
    """year x 12 + month - 1 of each day (months since year 0), as int64."""
    return days.to_numpy("datetime64[M]").astype("int64") + 1970 * 12


def _month_label(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


@dataclass
class CohortMatrices:
    """Acquisition cohort (rows, "YYYY-MM") x months since acquisition (columns "0", "1", ...).

    customers: share of the cohort with a purchase in that month (month 0 = 1.0).
    revenue: net revenue of the cohort in that month / its net revenue in month 0.
    sizes: customers per cohort. Cells not yet observed are NaN.
    """

    customers: pd.DataFrame
    revenue: pd.DataFrame
    sizes: pd.Series

    def average_retention(self, month: int = 1) -> float | None:
        """Share of customers buying in the `month`-th month after their first, over every cohort for
        which that month is observed (cohorts weighted by size); None when no cohort has reached it."""
        column = str(month)
        if column not in self.customers:
            return None
        observed = self.customers[column].notna()
        if not observed.any():
            return None
        sizes = self.sizes[observed.to_numpy()]
        return float((self.customers.loc[observed, column] * sizes).sum() / sizes.sum())

    def table(self, measure: str = "customers") -> pd.DataFrame:
        """A matrix as a flat table for the report: cohort, customers (cohort size), "0", "1", ..."""
        matrix = self.customers if measure == "customers" else self.revenue
        return matrix.reset_index().assign(customers=self.sizes.to_numpy())[
            ["cohort", "customers", *matrix.columns]]


def cohort_matrices(transactions: pd.DataFrame, customer_ids: pd.Index | None = None,
                    end: pd.Timestamp | None = None) -> CohortMatrices:
    """Retention matrices by acquisition cohort = calendar month of the customer's first purchase.

    customer_ids restricts the cohorts to those customers (members / non-members). Checks after the last
    full month ending on or before `end` are left out, so that no cell shows a partial month. The first
    cohort also holds every customer who had bought before the data begin (left-censoring): read it with
    care.
    """
    checks = as_identified(transactions)
    if end is not None:
        checks = checks[(checks["day"] <= last_full_month_end(end)).to_numpy()]
    # customers as integer codes: grouping and matching numbers is much faster than text
    code, ids = pd.factorize(checks["customer_id"])
    if customer_ids is not None:
        wanted = pd.Index(customer_ids).astype("string").unique()
        keep = row_positions(code, positions(pd.Index(ids), wanted)) >= 0
        checks, code = checks[keep], code[keep]
    purchase = checks["is_purchase"].to_numpy()
    if not purchase.any():
        empty = pd.DataFrame(index=pd.Index([], name="cohort", dtype=object))
        return CohortMatrices(empty, empty.copy(), pd.Series(dtype="int64", name="customers"))
    month = _month_number(checks["day"])
    first_month = pd.Series(month[purchase]).groupby(code[purchase]).min()  # by customer code
    cohort_of = np.full(code.max() + 1, -1, dtype="int64")
    cohort_of[first_month.index.to_numpy()] = first_month.to_numpy()
    cohort = cohort_of[code]
    since = month - cohort
    keep = (cohort >= 0) & (since >= 0)  # customers who bought; returns before the first purchase dropped
    checks = pd.DataFrame({"code": code[keep], "cohort": cohort[keep], "since": since[keep],
                           "amount": checks["amount"].to_numpy()[keep], "is_purchase": purchase[keep]})
    last_month = int(month[keep].max())
    sizes = pd.Series(first_month.to_numpy()).value_counts().sort_index().rename("count")
    sizes.index.name = "cohort"
    revenue = checks.groupby(["cohort", "since"])["amount"].sum().unstack(fill_value=0.0)
    span = range(0, last_month - int(sizes.index.min()) + 1)
    active = _active_customers(checks, sizes.index, span)
    revenue = revenue.reindex(index=sizes.index, columns=span, fill_value=0.0)
    share = active.div(sizes, axis=0).astype("float64")
    relative = revenue.div(revenue[0].where(revenue[0] > 0), axis=0)
    unobserved = np.add.outer(sizes.index.to_numpy(), np.array(list(span))) > last_month
    share = share.mask(unobserved)
    relative = relative.mask(unobserved)
    labels = pd.Index([_month_label(int(c)) for c in sizes.index], name="cohort")
    for frame in (share, relative):
        frame.index = labels
        frame.columns = [str(c) for c in frame.columns]
    sizes = pd.Series(sizes.to_numpy(), index=labels, name="customers")
    return CohortMatrices(share, relative, sizes)


def _active_customers(checks: pd.DataFrame, cohorts: pd.Index, span: range) -> pd.DataFrame:
    """Distinct customers with a purchase, by cohort (rows: `cohorts`) and month since the first
    purchase (columns: `span`); `checks` has code, cohort, since, is_purchase. A customer belongs to
    one cohort, so a bitmap of (month since, customer) pairs counts them without sorting ten million
    rows (the groupby nunique it replaces)."""
    bought = checks.loc[checks["is_purchase"], ["code", "cohort", "since"]]
    customers = int(bought["code"].max()) + 1 if len(bought) else 0
    if len(span) * customers > 16 * len(checks) + 2**24:  # a sparse matrix: count by sorting
        counts = bought.groupby(["cohort", "since"])["code"].nunique().unstack(fill_value=0)
        return counts.reindex(index=cohorts, columns=span, fill_value=0)
    code, since = bought["code"].to_numpy(), bought["since"].to_numpy()
    seen = np.zeros((len(span), customers), dtype=bool)
    seen[since, code] = True
    row_of = np.zeros(customers, dtype="int64")  # each customer's row: the position of its cohort
    row_of[code] = np.searchsorted(cohorts.to_numpy(), bought["cohort"].to_numpy())
    counts = np.zeros((len(cohorts), len(span)), dtype="int64")
    for month in span:
        counts[:, month] = np.bincount(row_of[seen[month]], minlength=len(cohorts))
    return pd.DataFrame(counts, index=cohorts, columns=span)

"""Retention by acquisition cohort: the share of each monthly cohort buying n months later, and its
revenue n months later against its first month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.checks import as_identified
from .common import customer_groups, group_names, last_full_month_end, positions, row_positions


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


CELLS = ["cohort", "since", "customers", "revenue"]


def cohort_matrices(transactions: pd.DataFrame, customer_ids: pd.Index | None = None,
                    end: pd.Timestamp | None = None) -> CohortMatrices:
    """Retention matrices by acquisition cohort = calendar month of the customer's first purchase.

    customer_ids restricts the cohorts to those customers (members / non-members). Checks after the last
    full month ending on or before `end` are left out, so that no cell shows a partial month. The first
    cohort also holds every customer who had bought before the data begin (left-censoring): read it with
    care. Computed as `matrices_from_cells(cohort_cells(...))`: the section does the same with the
    cells of each bucket of a big client's checks.
    """
    return matrices_from_cells(cohort_cells(transactions, customer_ids, end))


def cohort_cells(transactions: pd.DataFrame, customer_ids: pd.Index | None = None,
                 end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The cohort matrices' cells with a check, as additive counts and sums: one row per (cohort,
    since) where cohort = month number of the customer's first purchase (year x 12 + month - 1) and
    since = months from it; customers = distinct customers with a purchase in that cell, revenue =
    net amount of its checks. Arguments as `cohort_matrices`.

    A customer's cohort and cells depend on that customer's checks alone, so the cells of checks split
    by customer (engine buckets) add up to the cells of the whole table: distinct customers of a cell
    are distinct across the parts, revenue adds. Columns `CELLS`, ordered by cohort and since.
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
        return pd.DataFrame({"cohort": pd.Series(dtype="int64"), "since": pd.Series(dtype="int64"),
                             "customers": pd.Series(dtype="int64"), "revenue": pd.Series(dtype="float64")})
    month = _month_number(checks["day"])
    first_month = pd.Series(month[purchase]).groupby(code[purchase]).min()  # by customer code
    cohort_of = np.full(code.max() + 1, -1, dtype="int64")
    cohort_of[first_month.index.to_numpy()] = first_month.to_numpy()
    cohort = cohort_of[code]
    since = month - cohort
    keep = (cohort >= 0) & (since >= 0)  # customers who bought; returns before the first purchase dropped
    checks = pd.DataFrame({"code": code[keep], "cohort": cohort[keep], "since": since[keep],
                           "amount": checks["amount"].to_numpy()[keep], "is_purchase": purchase[keep]})
    cohorts = pd.Index(np.unique(first_month.to_numpy()), name="cohort")
    # every kept check lies in a cell of `revenue`, so its cells are the cells with a check
    revenue = checks.groupby(["cohort", "since"])["amount"].sum()
    span = range(0, int(checks["since"].max()) + 1)
    active = _active_customers(checks, cohorts, span).to_numpy()  # rows: cohorts, columns: since
    cell_cohort, cell_since = (revenue.index.get_level_values(level).to_numpy()
                               for level in ("cohort", "since"))
    return pd.DataFrame({"cohort": cell_cohort, "since": cell_since,
                         "customers": active[cohorts.get_indexer(cell_cohort), cell_since].astype("int64"),
                         "revenue": revenue.to_numpy()})


def group_cohort_cells(transactions: pd.DataFrame, joins: pd.Series | None,
                       end: pd.Timestamp) -> pd.DataFrame:
    """`cohort_cells` of each group of `common.customer_groups` (members / non_members on `end`, or
    all when membership is unknown), with its name in a first column `group`. A customer's group is
    their own (their join day), so these too add up over checks split by customer."""
    parts = [cohort_cells(transactions, ids, end).assign(group=group)
             for group, ids in customer_groups(transactions, joins, end).items()]
    return pd.concat(parts, ignore_index=True)[["group", *CELLS]]


def group_matrices(cells: pd.DataFrame, joins: pd.Series | None) -> dict[str, CohortMatrices]:
    """{group: `matrices_from_cells`} from `group_cohort_cells` rows (of one table or of its buckets),
    for every group of the membership rule, empty matrices where a group has no cell."""
    return {group: matrices_from_cells(cells[(cells["group"] == group).to_numpy()])
            for group in group_names(joins)}


def matrices_from_cells(cells: pd.DataFrame) -> CohortMatrices:
    """`CohortMatrices` from `cohort_cells` rows, of one table or of parts of it (summed by cell).

    sizes = customers of each cohort in its month 0 (everyone buys in their first month);
    customers = cell customers / cohort size; revenue = cell revenue / the cohort's month-0 revenue
    (NaN when that is not positive); cells after the last month with a check are NaN (not observed).
    """
    if cells.empty:
        empty = pd.DataFrame(index=pd.Index([], name="cohort", dtype=object))
        return CohortMatrices(empty, empty.copy(), pd.Series(dtype="int64", name="customers"))
    # one row per cell: the parts' counts and sums added (a single part: its own numbers unchanged)
    cells = cells.groupby(["cohort", "since"])[["customers", "revenue"]].sum()
    cohort, since = (cells.index.get_level_values(level).to_numpy() for level in ("cohort", "since"))
    last_month = int((cohort + since).max())
    sizes = cells["customers"].xs(0, level="since").astype("int64").rename("count")
    span = range(0, last_month - int(sizes.index.min()) + 1)
    active = cells["customers"].unstack(fill_value=0).reindex(index=sizes.index, columns=span, fill_value=0)
    revenue = cells["revenue"].unstack(fill_value=0.0).reindex(index=sizes.index, columns=span,
                                                               fill_value=0.0)
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

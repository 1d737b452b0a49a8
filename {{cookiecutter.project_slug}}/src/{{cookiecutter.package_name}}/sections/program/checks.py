"""Average check, purchase frequency and items per check, per buyer group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.membership import ANONYMOUS, IDENTIFIED
from .dates import between
from .groups import BUYER_GROUPS, classify_checks, factorize
from .shares import sums_of
from .totals import classified_totals
from .totals import window as totals_window


def _distinct_by_group(group: pd.Series, values: pd.Series, groups: int) -> np.ndarray:
    """Number of distinct non-empty `values` in each group (`group`: 0..groups-1, NaN = no group);
    the same as a groupby nunique, by hashing (group, value) pairs instead of sorting them."""
    codes = factorize(values)[0]
    keep = ((codes >= 0) & group.notna().to_numpy()).nonzero()[0]
    if not len(keep):
        return np.zeros(groups, dtype="int64")
    width = np.int64(codes.max()) + 1
    pairs = group.to_numpy()[keep].astype("int64") * width + codes[keep]
    if groups * width <= 8 * len(pairs) + 2**20:  # a bitmap of every (group, value) pair is small
        seen = np.zeros(groups * width, dtype=bool)
        seen[pairs] = True
        return seen.reshape(groups, width).sum(axis=1).astype("int64")
    pairs = pd.unique(pairs)
    return np.bincount(pairs // width, minlength=groups).astype("int64")


def check_customers(checks: pd.DataFrame) -> pd.DataFrame:
    """month, buyer_group, customers: the distinct customers who bought (amount > 0) per month and
    buyer group of classified checks (`classify_checks`); anonymous checks count none. Customers are
    counted once per month and group, so counts of different customers' checks add up."""
    purchases = checks.loc[checks["is_purchase"]]
    grouped = purchases.groupby(["month", "buyer_group"], observed=True)
    out = grouped.size().rename("checks").to_frame()
    out["customers"] = (_distinct_by_group(grouped.ngroup(), purchases["customer_id"], len(out))
                        if "customer_id" in purchases else 0)
    return out.reset_index()[["month", "buyer_group", "customers"]]


def customer_months(transactions: pd.DataFrame, joins: pd.Series | None, first: pd.Timestamp,
                    last: pd.Timestamp) -> pd.DataFrame:
    """`check_customers` of the checks dated from `first` to `last` (a per-customer part: its counts
    add up over sets of whole customers)."""
    rows = transactions.loc[between(transactions["date"], first, last).to_numpy()]
    return check_customers(classify_checks(rows, joins))


def _check_aggregates(sums: pd.DataFrame, customers: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame:
    """checks, sales, items (NaN without item counts), checks_with_items and customers per `keys` of
    the day sums (`totals.window`), for the groups with checks."""
    out = sums.groupby(keys, observed=True)[["checks", "sales", "items", "checks_with_items"]].sum()
    out = out.loc[out["checks"] > 0].copy()
    out["checks"] = out["checks"].astype("int64")
    out["checks_with_items"] = out["checks_with_items"].astype("int64")
    out["items"] = out["items"].where(out["checks_with_items"] > 0)
    counted = (pd.Series(dtype="int64") if customers is None or customers.empty
               else customers.groupby(keys, observed=True)["customers"].sum())
    out["customers"] = counted.reindex(out.index, fill_value=0).to_numpy(dtype="int64")
    return out


def check_metrics_monthly(checks: pd.DataFrame) -> pd.DataFrame:
    """Average check, purchase frequency and items per check per month and buyer group.

    For month m and group g (members / non_members / anonymous; see `classify_checks`):
    avg_check = sales / checks (checks: amount > 0, sales: their sum; returns excluded);
    frequency = checks / distinct customers who bought in m (None for anonymous checks);
    items_per_check = sum of items / checks with a known item count.
    A customer who joins mid-month counts in both groups that month, with the checks of each.
    (`check_metrics_table` of the checks' sums and customers.)
    """
    return check_metrics_table(sums_of(checks), check_customers(checks))


def check_metrics_table(sums: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """`check_metrics_monthly` from the day sums (`totals.window`) and `check_customers` rows."""
    out = _check_aggregates(sums, customers, ["month", "buyer_group"]).reset_index()
    out["avg_check"] = out["sales"] / out["checks"]
    out["frequency"] = (out["checks"] / out["customers"].where(out["customers"] > 0)).where(
        out["buyer_group"] != ANONYMOUS
    )
    out["items_per_check"] = out["items"] / out["checks_with_items"].where(
        out["checks_with_items"] > 0
    )
    return out[
        ["month", "buyer_group", "checks", "customers", "sales", "avg_check", "frequency",
         "items_per_check"]
    ]


def check_metrics_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Average check, frequency and items per check per buyer group over the whole frame given.

    avg_check = sales / checks; items_per_check = items / checks with a known item count;
    frequency = checks / customer-months, where customer-months = sum over months of the distinct
    customers of the group who bought that month: the average number of checks per month of a
    buying customer (None for anonymous checks). A row "all" covers every check (its frequency
    counts identified checks only). (`check_summary_table` of the checks' sums and customers.)
    """
    return check_summary_table(sums_of(checks), check_customers(checks))


def check_summary_table(sums: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """`check_metrics_summary` from the day sums (`totals.window`) and `check_customers` rows."""
    columns = ["checks", "sales", "avg_check", "frequency", "items_per_check"]
    monthly = _check_aggregates(sums, customers, ["month", "buyer_group"])
    if monthly.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="buyer_group"))
    by_group = monthly.groupby(level="buyer_group").sum()
    by_group["items"] = monthly["items"].groupby(level="buyer_group").sum(min_count=1)
    by_group["customer_months"] = by_group["customers"]
    identified = monthly.index.get_level_values("buyer_group") != ANONYMOUS
    total = pd.DataFrame({"checks": [monthly["checks"].sum()], "sales": [monthly["sales"].sum()],
                          "items": [monthly["items"].sum(min_count=1)],
                          "checks_with_items": [monthly["checks_with_items"].sum()],
                          "customer_months": [monthly.loc[identified, "customers"].sum()],
                          "identified_checks": [monthly.loc[identified, "checks"].sum()]},
                         index=pd.Index(["all"], name="buyer_group"))
    out = pd.concat([by_group, total])
    out["avg_check"] = out["sales"] / out["checks"].where(out["checks"] > 0)
    frequency_checks = out["checks"].where(out.index != "all", out.get("identified_checks"))
    out["frequency"] = frequency_checks / out["customer_months"].where(out["customer_months"] > 0)
    out.loc[out.index == ANONYMOUS, "frequency"] = np.nan
    out["items_per_check"] = out["items"] / out["checks_with_items"].where(
        out["checks_with_items"] > 0
    )
    order = [g for g in (*BUYER_GROUPS, IDENTIFIED, "all") if g in out.index]
    return out.loc[order, columns]


def place_table(checks: pd.DataFrame, column: str) -> pd.DataFrame | None:
    """Checks by store (`column` store_id) or region over the whole frame given (`place_table_of` of
    its sums)."""
    places = classified_totals(checks).places
    return None if column not in places else place_table_of(totals_window(places[column], None, None), column)


def place_table_of(sums: pd.DataFrame, column: str) -> pd.DataFrame | None:
    """Checks by store (`column` store_id) or region from the day sums of the checks with one
    (`totals.window` of `totals.Totals.places`): checks (purchases), sales, net revenue,
    avg_check = sales / checks, revenue_share = revenue / all revenue, and identified_share =
    identified checks / checks. None without any such check. Sorted by revenue, largest first."""
    if sums.empty:
        return None
    frame = sums.assign(**{column: sums[column].astype(str)})[[column, "checks", "sales", "revenue",
                                                                 "identified"]]
    out = frame.groupby(column).sum()
    out["avg_check"] = out["sales"] / out["checks"].where(out["checks"] > 0)
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["identified_share"] = out.pop("identified") / out["checks"].where(out["checks"] > 0)
    return out.sort_values("revenue", ascending=False).reset_index()

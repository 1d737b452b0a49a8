"""Average check, purchase frequency and items per check, per buyer group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.membership import ANONYMOUS, IDENTIFIED
from .groups import BUYER_GROUPS, factorize


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


def _check_aggregates(purchases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = purchases.groupby(keys, observed=True)
    out = grouped.agg(checks=("amount", "size"), sales=("amount", "sum"))
    out["customers"] = (_distinct_by_group(grouped.ngroup(), purchases["customer_id"], len(out))
                        if "customer_id" in purchases else 0)
    if "items" in purchases.columns:
        out["items"] = grouped["items"].sum(min_count=1)
        out["checks_with_items"] = grouped["items"].count()
    else:
        out["items"] = np.nan
        out["checks_with_items"] = 0
    return out


def check_metrics_monthly(checks: pd.DataFrame) -> pd.DataFrame:
    """Average check, purchase frequency and items per check per month and buyer group.

    For month m and group g (members / non_members / anonymous; see `classify_checks`):
    avg_check = sales / checks (checks: amount > 0, sales: their sum; returns excluded);
    frequency = checks / distinct customers who bought in m (None for anonymous checks);
    items_per_check = sum of items / checks with a known item count.
    A customer who joins mid-month counts in both groups that month, with the checks of each.
    """
    purchases = checks.loc[checks["is_purchase"]]
    out = _check_aggregates(purchases, ["month", "buyer_group"]).reset_index()
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
    counts identified checks only).
    """
    purchases = checks.loc[checks["is_purchase"]]
    by_group = _check_aggregates(purchases, ["buyer_group"])
    monthly = _check_aggregates(purchases, ["month", "buyer_group"])
    by_group["customer_months"] = monthly.groupby(level="buyer_group")["customers"].sum()
    total = _check_aggregates(purchases.assign(all="all"), ["all"])
    identified = monthly.index.get_level_values("buyer_group") != ANONYMOUS
    total["customer_months"] = monthly.loc[identified, "customers"].sum()
    total["identified_checks"] = monthly.loc[identified, "checks"].sum()
    out = pd.concat([by_group, total.rename_axis("buyer_group")])
    out["avg_check"] = out["sales"] / out["checks"].where(out["checks"] > 0)
    frequency_checks = out["checks"].where(out.index != "all", out.get("identified_checks"))
    out["frequency"] = frequency_checks / out["customer_months"].where(out["customer_months"] > 0)
    out.loc[out.index == ANONYMOUS, "frequency"] = np.nan
    out["items_per_check"] = out["items"] / out["checks_with_items"].where(
        out["checks_with_items"] > 0
    )
    order = [g for g in (*BUYER_GROUPS, IDENTIFIED, "all") if g in out.index]
    return out.loc[order, ["checks", "sales", "avg_check", "frequency", "items_per_check"]]


def place_table(checks: pd.DataFrame, column: str) -> pd.DataFrame | None:
    """Checks by store (`column` store_id) or region over the whole frame given: checks (purchases),
    sales, net revenue, avg_check = sales / checks, revenue_share = revenue / all revenue, and
    identified_share = identified checks / checks. None when the checks carry no such column (or no
    value in it). Sorted by revenue, largest first."""
    if column not in checks.columns or not checks[column].notna().any():
        return None
    known = checks.loc[checks[column].notna()]
    purchase = known["amount"].where(known["is_purchase"], 0.0)
    frame = pd.DataFrame({
        column: known[column].astype(str),
        "checks": known["is_purchase"].astype("int64"),
        "sales": purchase,
        "revenue": known["amount"],
        "identified": (known["buyer_group"] != ANONYMOUS) & known["is_purchase"],
    })
    out = frame.groupby(column).sum()
    out["avg_check"] = out["sales"] / out["checks"].where(out["checks"] > 0)
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["identified_share"] = out.pop("identified") / out["checks"].where(out["checks"] > 0)
    return out.sort_values("revenue", ascending=False).reset_index()

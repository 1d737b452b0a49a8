"""Like-for-like: revenue, checks, average check and active customers on comparable calendar periods."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from .dates import between, months_between
from .groups import customer_ids
from .totals import Totals, check_totals, window

Window = tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp, pd.Timestamp]
LFL_METRICS = ("revenue", "checks", "avg_check", "active_customers")


def lfl_windows(end: pd.Timestamp) -> dict[str, Window]:
    """Comparable calendar windows (current start, current end, previous start, previous end).

    Anchor: the last full calendar month ending on or before `end` (the month of `end` if `end` is its
    last day, else the month before), and the last full Monday-Sunday week ending on or before `end`.
    yoy = that month vs the same calendar month a year earlier; mom = that month vs the month
    before; wow = that week vs the week before. Whole calendar periods are compared so that month
    length and seasonality line up (weekday mix may still differ by a day or two for months).
    """
    day = end.normalize()
    month_last = day if (day + pd.Timedelta(days=1)).day == 1 else day.replace(day=1) - pd.Timedelta(days=1)
    month_first = month_last.replace(day=1)
    previous_month_last = month_first - pd.Timedelta(days=1)
    year_ago_first = month_first - pd.DateOffset(years=1)
    week_last = day - pd.Timedelta(days=(day.weekday() + 1) % 7)
    week_first = week_last - pd.Timedelta(days=6)
    return {
        "yoy": (month_first, month_last, year_ago_first, year_ago_first + pd.offsets.MonthEnd(0)),
        "mom": (month_first, month_last, previous_month_last.replace(day=1), previous_month_last),
        "wow": (week_first, week_last, week_first - pd.Timedelta(days=7),
                week_last - pd.Timedelta(days=7)),
    }


def period_metrics(transactions: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> dict[str, float]:
    """revenue = net amount; checks = rows with amount > 0; avg_check = their sales / checks;
    active_customers = distinct identified customers with a check; all within [first, last]."""
    rows = transactions.loc[between(transactions["date"], first, last)]
    purchases = rows.loc[rows["amount"] > 0]
    customer = customer_ids(purchases)
    checks = len(purchases)
    return {
        "revenue": float(rows["amount"].sum()),
        "checks": float(checks),
        "avg_check": float(purchases["amount"].sum() / checks) if checks else np.nan,
        "active_customers": float(customer.dropna().nunique()),
    }


def _comparison_rows(comparison: str, window: Window, current: dict[str, float],
                     previous: dict[str, float] | None, stores: int | str) -> list[dict]:
    cur_first, cur_last, prev_first, prev_last = window
    rows = []
    for metric in LFL_METRICS:
        now = current[metric]
        before = previous[metric] if previous is not None else np.nan
        rows.append(
            {
                "comparison": comparison,
                "metric": metric,
                "current_period": f"{cur_first:%Y-%m-%d}..{cur_last:%Y-%m-%d}",
                "previous_period": f"{prev_first:%Y-%m-%d}..{prev_last:%Y-%m-%d}",
                "stores": stores,
                "current": now,
                "previous": before,
                "change": now - before,
                "change_pct": now / before - 1 if before and np.isfinite(before) else np.nan,
            }
        )
    return rows


def like_for_like(
    transactions: pd.DataFrame, end: pd.Timestamp, same_stores: bool = True
) -> pd.DataFrame:
    """YoY, MoM and WoW changes of revenue, checks, average check and active customers.

    Windows from `lfl_windows`. change = current - previous; change_pct = current / previous - 1.
    Like-for-like store base: with a store_id column and same_stores, both windows are restricted to
    stores that have checks in both (openings and closures do not count as growth).
    A comparison whose previous window starts before the first check in the data is left empty (NaN).
    (`like_for_like_of` the checks' day sums, the active customers counted by `window_customers`.)
    """
    return like_for_like_of(check_totals(transactions, None), end, same_stores,
                            partial(window_customers, transactions))


Spec = tuple[str, pd.Timestamp, pd.Timestamp, tuple | None]  # key, first day, last day, stores (None: all)


def window_customers(transactions: pd.DataFrame, specs: list[Spec]) -> pd.DataFrame:
    """key, customers: the distinct identified customers with a check (amount > 0) from the first to
    the last day of each spec, at its stores when it names some (a per-customer part: counts of
    different customers add up)."""
    customer = customer_ids(transactions)
    bought = (customer.notna() & (transactions["amount"] > 0)).to_numpy()
    rows = []
    for key, first, last, stores in specs:
        keep = bought & between(transactions["date"], first, last).to_numpy()
        if stores is not None:
            keep &= transactions["store_id"].isin(list(stores)).to_numpy()
        rows.append({"key": key, "customers": int(customer[keep].nunique())})
    return pd.DataFrame(rows, columns=["key", "customers"])


def _window_sums(totals: Totals, first: pd.Timestamp, last: pd.Timestamp,
                 stores: pd.Index | None) -> dict[str, float]:
    """revenue, checks and avg_check of the checks from `first` to `last` (at `stores`, when given)."""
    if stores is None:
        sums = window(totals.days, first, last)
    else:
        sums = window(totals.places["store_id"], first, last)
        sums = sums.loc[sums["store_id"].isin(stores)]
    checks = float(sums["checks"].sum())
    return {"revenue": float(sums["revenue"].sum()), "checks": checks,
            "avg_check": float(sums["sales"].sum() / checks) if checks else np.nan}


def _stores(totals: Totals, first: pd.Timestamp, last: pd.Timestamp) -> pd.Index:
    return pd.Index(window(totals.places["store_id"], first, last)["store_id"].unique())


def _plans(totals: Totals, end: pd.Timestamp, same_stores: bool) -> list[tuple]:
    """Per comparison of `lfl_windows`: its name, windows, whether the previous one is covered by the
    data, the stores compared ("all" or how many) and the common stores (None: all)."""
    first_date = totals.days.index.get_level_values("day").min().normalize()
    plans = []
    for comparison, window_days in lfl_windows(end).items():
        cur_first, cur_last, prev_first, prev_last = window_days
        current_rows = int(window(totals.days, cur_first, cur_last)["rows"].sum())
        covered = prev_first >= first_date and current_rows > 0
        stores: int | str = "all"
        common = None
        if covered and same_stores and "store_id" in totals.columns:
            common = _stores(totals, cur_first, cur_last).intersection(_stores(totals, prev_first, prev_last))
            stores = len(common)
        plans.append((comparison, window_days, covered, stores, common))
    return plans


def lfl_specs(totals: Totals, end: pd.Timestamp, same_stores: bool) -> list[Spec]:
    """The `window_customers` specs of `like_for_like_of`: the current and previous window of each
    comparison, at the stores compared."""
    specs = []
    for comparison, windows, _, _, common in _plans(totals, end, same_stores):
        cur_first, cur_last, prev_first, prev_last = windows
        listed = None if common is None else tuple(common)
        specs += [(f"{comparison}:current", cur_first, cur_last, listed),
                  (f"{comparison}:previous", prev_first, prev_last, listed)]
    return specs


def like_for_like_of(totals: Totals, end: pd.Timestamp, same_stores: bool,
                     active: Callable[[list[Spec]], pd.DataFrame]) -> pd.DataFrame:
    """`like_for_like` from the day sums of the checks up to `end` (`totals.check_totals`), with
    `active` counting the customers of the `lfl_specs` (`window_customers` rows of sets of customers,
    added up)."""
    counted = active(lfl_specs(totals, end, same_stores))
    customers = counted.groupby("key")["customers"].sum() if len(counted) else pd.Series(dtype="int64")
    rows = []
    for comparison, window_days, covered, stores, common in _plans(totals, end, same_stores):
        cur_first, cur_last, prev_first, prev_last = window_days
        current = _window_sums(totals, cur_first, cur_last, common)
        previous = _window_sums(totals, prev_first, prev_last, common)
        current["active_customers"] = float(customers.get(f"{comparison}:current", 0))
        previous["active_customers"] = float(customers.get(f"{comparison}:previous", 0))
        rows += _comparison_rows(comparison, window_days, current, previous if covered else None, stores)
    return pd.DataFrame(rows)


def monthly_yoy(transactions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Net revenue of each month in the period next to the same calendar month a year earlier.

    yoy = revenue / revenue_year_ago - 1 (NaN when the earlier month is not in the data or has no
    revenue; only the month of the first check and later count as present). (`monthly_yoy_of` the
    checks' day sums.)
    """
    return monthly_yoy_of(check_totals(transactions, None), start, end)


def monthly_yoy_of(totals: Totals, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """`monthly_yoy` from the day sums of the checks up to `end` (`totals.check_totals`)."""
    sums = window(totals.days, None, end)
    revenue = sums.groupby("month")["revenue"].sum()
    months = months_between(start, end)
    first_month = sums["month"].min()
    year_ago = months - pd.DateOffset(years=1)
    out = pd.DataFrame({"month": months})
    out["revenue"] = revenue.reindex(months).fillna(0.0).to_numpy()
    out["revenue_year_ago"] = revenue.reindex(year_ago).to_numpy()
    out.loc[year_ago < first_month, "revenue_year_ago"] = np.nan
    out["yoy"] = out["revenue"] / out["revenue_year_ago"].where(out["revenue_year_ago"] != 0) - 1
    return out

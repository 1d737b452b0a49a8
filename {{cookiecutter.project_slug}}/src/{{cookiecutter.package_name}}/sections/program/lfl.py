"""Like-for-like: revenue, checks, average check and active customers on comparable calendar periods."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dates import between, month_start, months_between
from .groups import customer_ids

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


def _same_stores(current: pd.DataFrame, previous: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Both windows' rows restricted to the stores with checks in both, and their number."""
    common = pd.Index(current["store_id"].dropna().unique()).intersection(
        pd.Index(previous["store_id"].dropna().unique()))
    return (current.loc[current["store_id"].isin(common)],
            previous.loc[previous["store_id"].isin(common)], len(common))


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
    """
    first_date = transactions["date"].min().normalize()
    # only the columns read below are copied with the rows of each window
    transactions = transactions[[c for c in ("date", "amount", "customer_id", "store_id")
                                 if c in transactions.columns]]
    rows = []
    for comparison, window in lfl_windows(end).items():
        cur_first, cur_last, prev_first, prev_last = window
        current_rows = transactions.loc[between(transactions["date"], cur_first, cur_last)]
        previous_rows = transactions.loc[between(transactions["date"], prev_first, prev_last)]
        covered = prev_first >= first_date and len(current_rows) > 0
        stores: int | str = "all"
        if covered and same_stores and "store_id" in transactions.columns:
            current_rows, previous_rows, stores = _same_stores(current_rows, previous_rows)
        current = period_metrics(current_rows, cur_first, cur_last)
        previous = period_metrics(previous_rows, prev_first, prev_last)
        rows += _comparison_rows(comparison, window, current, previous if covered else None, stores)
    return pd.DataFrame(rows)


def monthly_yoy(transactions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Net revenue of each month in the period next to the same calendar month a year earlier.

    yoy = revenue / revenue_year_ago - 1 (NaN when the earlier month is not in the data or has no
    revenue; only the month of the first check and later count as present).
    """
    month = month_start(transactions["date"])
    revenue = transactions.groupby(month)["amount"].sum()
    months = months_between(start, end)
    first_month = month.min()
    year_ago = months - pd.DateOffset(years=1)
    out = pd.DataFrame({"month": months})
    out["revenue"] = revenue.reindex(months).fillna(0.0).to_numpy()
    out["revenue_year_ago"] = revenue.reindex(year_ago).to_numpy()
    out.loc[year_ago < first_month, "revenue_year_ago"] = np.nan
    out["yoy"] = out["revenue"] / out["revenue_year_ago"].where(out["revenue_year_ago"] != 0) - 1
    return out

"""Activity, CRR, churn and reactivation: monthly and over the headline window.

Definitions used by every function of this module (days are calendar days; times of day are ignored):

- purchase: an identified check (customer_id present) with a positive amount. Returns (negative amounts)
  are netted into revenue but are not purchases: they neither make a customer active nor count as a visit.
  Anonymous checks are left out of everything here.
- active at the end of day d: the customer's last purchase on or before d is at most `churn_days` days
  before d (d - last purchase <= churn_days).
- churned at d: bought at least once on or before d but not active at d, i.e. no purchase for more than
  `churn_days` days.
- member at d: joined on or before d by the one membership rule (`core.membership.join_dates`: the
  join date, else the first loyalty-card check); `joins` None = membership unknown, no member split.
- period: a calendar month in the monthly tables, or the headline window (below). Its start boundary is
  the day before its first day, its end boundary its last day.
- S = customers active at the start boundary, E = customers active at the end boundary, N = customers
  active at the end who were not active at the start: first-time buyers of the period plus customers who
  came back after having churned (both are (re)acquired during the period). Hence E - N = the customers of
  S who are still active at the end ("retained").
- CRR = (E - N) / S (the seed's formula). Churn rate = (S - (E - N)) / S = 1 - CRR: the share of S that
  churned during the period. Reactivation rate = customers churned at the start boundary who made a
  purchase during the period / customers churned at the start boundary.
- members vs non-members: rates of a group use the customer's status at the start boundary (the start
  status decides both S and the churned-at-start base), so that joining during the period - which usually
  happens at a purchase - cannot make the members' rates look better. N and E are given for all
  customers only.
- history warm-up: a period is reported only when its start boundary lies at least `churn_days` after the
  first day of the analysed period, so that "active at the start" rests on observed history; the last,
  partial calendar month of the analysed period is left out.
- headline window (kpis retention.crr / churn_rate / reactivation_rate): the last 12 full calendar months
  of the analysed period; when the data are shorter, the full months after the warm-up; None when no full
  month remains. Measured over the window as one period, these are yearly rates; the monthly rates
  pooled over the same months are in kpis retention.monthly.<group> (pooled_monthly_rates).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...core.checks import as_identified
from ...core.membership import MEMBERS, NON_MEMBERS, is_member_on, join_day_array
from ...core.numbers import finite
from .common import ALL, GROUPS, day_range, last_full_month_end, month_end


@dataclass
class ActivityGrid:
    """Status of every customer with a purchase at a list of end-of-day boundaries.

    active[i, k]: customer i is active at boundary k (a purchase within churn_days before it);
    first_purchase[i]: the customer's first purchase day in the data.
    """

    customer_ids: pd.Index
    boundaries: pd.DatetimeIndex
    active: np.ndarray
    first_purchase: np.ndarray
    purchase_days: np.ndarray      # the day of every purchase, sorted
    purchase_codes: np.ndarray     # the customer (position in customer_ids) of each of them

    def customers_at(self, k: int) -> np.ndarray:
        """Bought at least once on or before boundary k."""
        return self.first_purchase <= self.boundaries.to_numpy("datetime64[D]")[k]

    def churned(self, k: int) -> np.ndarray:
        return self.customers_at(k) & ~self.active[:, k]

    def bought_between(self, i: int, k: int) -> np.ndarray:
        """A purchase after boundary i and on or before boundary k."""
        b = self.boundaries.to_numpy("datetime64[D]")
        return self._flag(np.searchsorted(self.purchase_days, b[i], side="right"),
                          np.searchsorted(self.purchase_days, b[k], side="right"))

    def _flag(self, lo: int, hi: int) -> np.ndarray:
        flags = np.zeros(len(self.customer_ids), dtype=bool)
        flags[self.purchase_codes[lo:hi]] = True
        return flags


def activity_grid(transactions: pd.DataFrame, boundaries: pd.DatetimeIndex | list[pd.Timestamp],
                  churn_days: int) -> ActivityGrid:
    """Active status of each purchasing customer at each boundary (one slice of sorted days per boundary).

    A purchase on day p makes its customer active at every boundary b with p <= b <= p + churn_days.
    """
    bounds = pd.DatetimeIndex(boundaries).normalize().sort_values()
    checks = as_identified(transactions)
    purchases = checks.loc[checks["is_purchase"], ["customer_id", "day"]]
    codes, ids = pd.factorize(purchases["customer_id"], sort=True)
    days = purchases["day"].to_numpy("datetime64[D]")
    # every purchase, by day (a customer's repeated purchases on a day only set the same flags again)
    order = _argsort_days(days)
    days, codes = days[order], codes[order]
    first = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[D]")
    if len(days):
        first_days = pd.Series(days).groupby(codes).min()
        first[first_days.index.to_numpy()] = first_days.to_numpy("datetime64[D]")
    grid = ActivityGrid(pd.Index(ids, dtype="string", name="customer_id"), bounds,
                        np.zeros((len(ids), len(bounds)), dtype=bool), first, days, codes)
    lag = np.timedelta64(int(churn_days), "D")
    for k, bound in enumerate(bounds.to_numpy("datetime64[D]")):
        grid.active[:, k] = grid._flag(np.searchsorted(days, bound - lag, side="left"),
                                       np.searchsorted(days, bound, side="right"))
    return grid


def _argsort_days(days: np.ndarray) -> np.ndarray:
    """np.argsort(days, kind="stable"), by day numbers within the span when they fit 16 bits (numpy
    then sorts by radix: twice as fast for ten million checks)."""
    numbers = days.astype("int64")
    if len(numbers) and numbers.max() - numbers.min() < 2**16:
        return np.argsort((numbers - numbers.min()).astype(np.uint16), kind="stable")
    return np.argsort(days, kind="stable")


COUNTS = ["start_customers", "end_customers", "retained", "churned_at_start", "reactivated"]


def _counts(grid: ActivityGrid, i: int, k: int, start_member: np.ndarray | None) -> list[dict[str, Any]]:
    """S (active at boundary i), E (active at boundary k), retained (active at both: E - N), churned at
    boundary i and reactivated (of those, bought after i and by k), for all and by start status: counts
    of customers, so the counts of customers split into parts (engine buckets) add up."""
    active_start, active_end = grid.active[:, i], grid.active[:, k]
    churned_start = grid.churned(i)
    came_back = churned_start & grid.bought_between(i, k)
    groups = [(ALL, np.ones(len(grid.customer_ids), dtype=bool))]
    if start_member is not None:
        groups += [(MEMBERS, start_member), (NON_MEMBERS, ~start_member)]
    return [{"group": group, "start_customers": int((active_start & mask).sum()),
             "end_customers": int((active_end & mask).sum()),
             "retained": int((active_start & active_end & mask).sum()),
             "churned_at_start": int((churned_start & mask).sum()),
             "reactivated": int((came_back & mask).sum())} for group, mask in groups]


def _rates(counts: dict[str, Any]) -> dict[str, Any]:
    """A period's row for a group from its `_counts` (summed over parts): churned = S - retained,
    crr = retained / S, churn_rate = churned / S, reactivation_rate = reactivated / churned_at_start
    (None without a base); E and N = E - retained for all customers only."""
    group = counts["group"]
    start, retained = int(counts["start_customers"]), int(counts["retained"])
    base, reactivated = int(counts["churned_at_start"]), int(counts["reactivated"])
    row: dict[str, Any] = {"group": group, "start_customers": start, "new_customers": None,
                           "end_customers": None, "retained": retained, "churned": start - retained,
                           "crr": retained / start if start else None,
                           "churn_rate": (start - retained) / start if start else None,
                           "churned_at_start": base, "reactivated": reactivated,
                           "reactivation_rate": reactivated / base if base else None}
    if group == ALL:
        end = int(counts["end_customers"])
        row["end_customers"], row["new_customers"] = end, end - retained
    return row


def _no_counts(keys: list[str]) -> pd.DataFrame:
    """No counts, typed as the rows are (text keys, integer COUNTS): the parts of a big client,
    concatenated, keep their types."""
    return pd.DataFrame({**{key: pd.Series(dtype="str") for key in keys},
                         **{count: pd.Series(dtype="int64") for count in COUNTS}})


def _summed(counts: pd.DataFrame, keys: list[str]) -> list[tuple[Any, dict[str, Any]]]:
    """(key, `_rates` row) per distinct `keys` of `counts` rows, their COUNTS summed, in the order of
    their first row: each part with a purchase has every key, in the same order."""
    summed = counts.groupby(keys, sort=False)[COUNTS].sum()
    groups = summed.index.get_level_values("group")
    return [(key, _rates({"group": group, **values}))
            for key, group, values in zip(summed.index, groups, summed.to_dict("records"), strict=True)]


def crr(end_customers: int, new_customers: int, start_customers: int) -> float | None:
    """Customer retention rate, the seed's formula: CRR = (E - N) / S; None when S = 0.

    E: customers at the end of the period, N: customers acquired during the period, S: customers at its
    start. Seed example: S = 1000, 150 new, 200 left -> E = 950, CRR = (950 - 150) / 1000 = 0.8.
    """
    if not start_customers:
        return None
    return (end_customers - new_customers) / start_customers


def _month_boundaries(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    """Month ends from the one before `first`'s month to the last full month ending by `last`."""
    return pd.date_range(first.normalize() - pd.offsets.MonthEnd(1), last_full_month_end(last),
                         freq="ME")


MONTHLY = ["month", "group", "start_customers", "new_customers", "end_customers", "retained", "churned",
           "crr", "churn_rate", "churned_at_start", "reactivated", "reactivation_rate"]


def monthly_retention(transactions: pd.DataFrame, joins: pd.Series | None, churn_days: int,
                      start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per calendar month and group (all / members / non_members) after the warm-up.

    Columns: month ("YYYY-MM"), group, start_customers (S), new_customers (N), end_customers (E),
    retained (E - N), churned (S - retained), crr = (E - N) / S, churn_rate = churned / S (= 1 - CRR),
    churned_at_start, reactivated, reactivation_rate = reactivated / churned_at_start. Definitions in
    the module docstring; member rows only when membership is known (`joins`, `core.membership`).
    Computed as `monthly_table(monthly_counts(...))`, as the section does over a big client's buckets.
    """
    return monthly_table(monthly_counts(transactions, joins, churn_days, start, end))


def monthly_counts(transactions: pd.DataFrame, joins: pd.Series | None, churn_days: int,
                   start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The counts behind `monthly_retention` (same arguments): month, group and COUNTS (S, E,
    retained, churned_at_start, reactivated) per month and group; no row without a purchase.

    Every count is of customers and a customer's status depends on their own checks and join day, so
    for checks split by customer (engine buckets) the parts' counts add up to the whole table's,
    provided every part is given the analysed period (`start`, `end`; else a part's own first and last
    day would set its months).
    """
    checks = as_identified(transactions)
    if not checks["is_purchase"].any():
        return _no_counts(["month", "group"])
    first, last = day_range(checks, start, end)
    bounds = _month_boundaries(first, last)
    bounds = bounds[bounds >= first + pd.Timedelta(days=churn_days)]
    if len(bounds) < 2:
        return _no_counts(["month", "group"])
    grid = activity_grid(checks, bounds, churn_days)
    joined = join_day_array(grid.customer_ids, joins) if joins is not None else None
    rows = []
    for k in range(1, len(bounds)):
        member = _joined_by(joined, bounds[k - 1]) if joined is not None else None
        rows += [{"month": bounds[k].strftime("%Y-%m"), **row} for row in _counts(grid, k - 1, k, member)]
    return pd.DataFrame(rows, columns=["month", "group", *COUNTS])


def monthly_table(counts: pd.DataFrame) -> pd.DataFrame:
    """`monthly_retention`'s table from `monthly_counts` rows, of one table or of its parts (summed by
    month and group; the rates of the sums, by the module's definitions)."""
    if counts.empty:
        return pd.DataFrame(columns=MONTHLY)
    rows = [{"month": month, **row} for (month, _), row in _summed(counts, ["month", "group"])]
    return pd.DataFrame(rows, columns=MONTHLY)


def pooled_monthly_rates(monthly: pd.DataFrame, last_months: int = 12) -> pd.DataFrame:
    """Monthly rates of each group pooled over the last `last_months` months of a monthly_retention table.

    crr = sum of retained / sum of S, churn_rate = sum of churned / sum of S (= 1 - crr),
    reactivation_rate = sum of reactivated / sum of churned_at_start: the average monthly rate, months
    weighted by their base. Columns: group, months, start_customers, churned, crr, churn_rate,
    reactivation_rate (None where a group's base is empty).
    """
    columns = ["group", "months", "start_customers", "churned", "crr", "churn_rate",
               "reactivation_rate"]
    if monthly.empty:
        return pd.DataFrame(columns=columns)
    months = sorted(monthly["month"].unique())[-last_months:]
    recent = monthly[monthly["month"].isin(months)]
    rows = []
    for group in [g for g in GROUPS if g in set(recent["group"])]:
        part = recent[recent["group"] == group]
        start, base = int(part["start_customers"].sum()), int(part["churned_at_start"].sum())
        rows.append({"group": group, "months": len(months), "start_customers": start,
                     "churned": int(part["churned"].sum()),
                     "crr": part["retained"].sum() / start if start else None,
                     "churn_rate": part["churned"].sum() / start if start else None,
                     "reactivation_rate": part["reactivated"].sum() / base if base else None})
    return pd.DataFrame(rows, columns=columns)


def monthly_headline(pooled: pd.DataFrame) -> dict[str, Any]:
    """kpis retention.monthly: months pooled, and {crr, churn_rate, reactivation_rate} per group
    (all / members / non_members; None values for a group that is not there or a rate without a
    base)."""
    rates = ("crr", "churn_rate", "reactivation_rate")
    by_group = pooled.set_index("group") if not pooled.empty else pd.DataFrame()
    result: dict[str, Any] = {"months": int(pooled["months"].iloc[0]) if not pooled.empty else None}
    for group in GROUPS:
        known = group in by_group.index
        result[group] = {rate: (finite(by_group.loc[group, rate]) if known else None) for rate in rates}
    return result


def headline_window(first: pd.Timestamp, last: pd.Timestamp,
                    churn_days: int) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(start boundary, end boundary) of the headline window: the last 12 full months, shortened to the
    full months after the churn_days warm-up; None when no full month remains."""
    window_end = last_full_month_end(last)
    earliest = month_end(first.normalize() + pd.Timedelta(days=churn_days))  # b - churn_days >= first
    window_start = max(window_end - pd.offsets.MonthEnd(12), earliest)
    return (window_start, window_end) if window_start < window_end else None


def retention_headline(transactions: pd.DataFrame, joins: pd.Series | None, churn_days: int,
                       start: pd.Timestamp | None = None,
                       end: pd.Timestamp | None = None) -> dict[str, Any]:
    """kpis `retention`: crr, churn_rate, reactivation_rate over the headline window, and the same by group.

    The window is the last 12 full calendar months of the analysed period (shorter after a warm-up of
    churn_days when the data are shorter; see headline_window): CRR = (E - N) / S with S the customers
    active on the day before the window, E those active on its last day; churn_rate = 1 - CRR;
    reactivation_rate = share of the customers churned on the day before the window who bought in it.
    All values None when the window or its start base is empty. Computed as
    `window_headline(window_counts(...), churn_days)`, as the section does over a big client's buckets.
    """
    return window_headline(window_counts(transactions, joins, churn_days, start, end), churn_days)


def window_counts(transactions: pd.DataFrame, joins: pd.Series | None, churn_days: int,
                  start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The counts behind `retention_headline` (same arguments): the window's start and end boundaries,
    group and COUNTS per group (members by their status at the start boundary); no row without a
    purchase or a window. Additive over checks split by customer, given the analysed period (as
    `monthly_counts`)."""
    keys = ["window_start", "window_end", "group"]
    checks = as_identified(transactions)
    if not checks["is_purchase"].any():
        return _no_counts(keys)
    first, last = day_range(checks, start, end)
    window = headline_window(first, last, churn_days)
    if window is None:
        return _no_counts(keys)
    grid = activity_grid(checks, list(window), churn_days)
    member = is_member_on(grid.customer_ids, joins, window[0]) if joins is not None else None
    # the boundaries as ISO days: text, the type of the other keys, whatever the timestamps' unit
    bounds = {"window_start": window[0].date().isoformat(), "window_end": window[1].date().isoformat()}
    return pd.DataFrame([{**bounds, **row} for row in _counts(grid, 0, 1, member)], columns=[*keys, *COUNTS])


def window_headline(counts: pd.DataFrame, churn_days: int) -> dict[str, Any]:
    """`retention_headline`'s block from `window_counts` rows, of one table or of its parts (summed by
    group): the rates of the sums, group rates only when membership is known."""
    empty = {"crr": None, "churn_rate": None, "reactivation_rate": None}
    result: dict[str, Any] = {**empty, "window": {"start": None, "end": None, "months": None},
                              "start_customers": None, "new_customers": None, "end_customers": None,
                              "churn_days": churn_days, MEMBERS: dict(empty), NON_MEMBERS: dict(empty)}
    if counts.empty:
        return result
    window = (pd.Timestamp(counts["window_start"].iloc[0]), pd.Timestamp(counts["window_end"].iloc[0]))
    rows = dict(_summed(counts, ["group"]))
    months = (window[1].year - window[0].year) * 12 + window[1].month - window[0].month
    result["window"] = {"start": (window[0] + pd.Timedelta(days=1)).date().isoformat(),
                        "end": window[1].date().isoformat(), "months": months}
    everyone = rows[ALL]
    result.update({key: everyone[key] for key in ("crr", "churn_rate", "reactivation_rate",
                                                  "start_customers", "new_customers", "end_customers")})
    if MEMBERS in rows:  # membership known
        for group in (MEMBERS, NON_MEMBERS):
            result[group] = {key: rows[group][key] for key in ("crr", "churn_rate", "reactivation_rate")}
    return result


def _joined_by(join_array: np.ndarray, day: pd.Timestamp) -> np.ndarray:
    """Members on `day` from join days computed once (`core.membership.join_day_array`)."""
    return join_array <= np.datetime64(pd.Timestamp(day).normalize().date(), "D")

"""Cohorts and retention section: cohort retention matrices, CRR, churn, reactivation, before/after joining.

Definitions used by every function of this module (days are calendar days; times of day are ignored):

- purchase: an identified check (customer_id present) with a positive amount. Returns (negative amounts)
  are netted into revenue but are not purchases: they neither make a customer active nor count as a visit.
  Anonymous checks are left out of everything here.
- active at the end of day d: the customer's last purchase on or before d is at most `churn_days` days
  before d (d - last purchase <= churn_days).
- churned at d: bought at least once on or before d but not active at d, i.e. no purchase for more than
  `churn_days` days.
- member at d: joined_program_at (its day) on or before d; customers missing from the customers table, or
  with an empty join date, are non-members.
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

GROUPS = ("all", "members", "non_members")


# --- shared helpers (also used by rfm) ---------------------------------------------------------------

IDENTIFIED_COLUMNS = ["customer_id", "day", "amount", "is_purchase"]


def identified_checks(transactions: pd.DataFrame) -> pd.DataFrame:
    """Checks with a customer id: customer_id (string), day (date normalised), amount, is_purchase.

    Every function of this module that takes `transactions` also takes this frame instead (computed
    once, it saves each of them the conversion)."""
    if "customer_id" not in transactions:
        return pd.DataFrame({"customer_id": pd.Series(dtype="string"),
                             "day": pd.Series(dtype="datetime64[ns]"),
                             "amount": pd.Series(dtype="float64"), "is_purchase": pd.Series(dtype=bool)})
    known = transactions.loc[transactions["customer_id"].notna(), ["customer_id", "date", "amount"]]
    return pd.DataFrame({
        "customer_id": known["customer_id"].astype("string"),
        "day": pd.to_datetime(known["date"]).dt.normalize().astype("datetime64[ns]"),
        "amount": known["amount"].astype("float64"),
        "is_purchase": known["amount"] > 0,
    }).reset_index(drop=True)


def _identified(transactions: pd.DataFrame) -> pd.DataFrame:
    """`identified_checks(transactions)`, or `transactions` itself when it already is that frame."""
    if list(transactions.columns) == IDENTIFIED_COLUMNS:
        return transactions
    return identified_checks(transactions)


def _positions(values: pd.Index, index: pd.Index) -> np.ndarray:
    """Position in `index` (unique) of each of the distinct `values`, -1 when absent. Used on the
    distinct ids of a factorized column: each id is looked up once, by hashing (pandas' isin on
    Arrow strings converts every id of a long column to a Python object)."""
    if values.dtype != index.dtype:
        values, index = values.astype(object), index.astype(object)
    return index.get_indexer(values)


def _row_positions(codes: np.ndarray, per_code: np.ndarray) -> np.ndarray:
    """`per_code` value of each row's code; -1 for rows without a code (-1)."""
    return np.append(per_code, -1)[codes]


def join_days(customers: pd.DataFrame | None) -> pd.Series:
    """customer_id -> day the customer joined the program (earliest if listed twice); members only."""
    if customers is None or "joined_program_at" not in customers:
        return pd.Series(dtype="datetime64[ns]", index=pd.Index([], dtype="string", name="customer_id"))
    joined = customers.loc[customers["joined_program_at"].notna(), ["customer_id", "joined_program_at"]]
    days = pd.to_datetime(joined["joined_program_at"]).dt.normalize().astype("datetime64[ns]")
    out = days.groupby(joined["customer_id"].astype("string")).min()
    out.index.name = "customer_id"
    return out


def is_member(customer_ids: pd.Index | pd.Series, customers: pd.DataFrame | None,
              day: pd.Timestamp) -> np.ndarray:
    """For each id: joined the program on or before `day` (False for ids not in the customers table)."""
    return _joined_by(_join_array(customer_ids, customers), day)


def _join_array(customer_ids: pd.Index | pd.Series, customers: pd.DataFrame | None) -> np.ndarray:
    """Join day of each id as datetime64[D] (NaT = not a member)."""
    joined = join_days(customers).reindex(pd.Index(customer_ids).astype("string"))
    return joined.to_numpy("datetime64[D]")


def _joined_by(join_array: np.ndarray, day: pd.Timestamp) -> np.ndarray:
    return join_array <= np.datetime64(pd.Timestamp(day).normalize().date(), "D")


def customer_groups(transactions: pd.DataFrame, customers: pd.DataFrame | None,
                    day: pd.Timestamp) -> dict[str, pd.Index | None]:
    """Identified customer ids split into members / non-members at `day`; {"all": None} without a
    customers table (None = no restriction)."""
    if customers is None or "joined_program_at" not in customers:
        return {"all": None}
    ids = pd.Index(_identified(transactions)["customer_id"].unique(), dtype="string")
    member = is_member(ids, customers, day)
    return {"members": ids[member], "non_members": ids[~member]}


def month_end(day: pd.Timestamp) -> pd.Timestamp:
    return (pd.Timestamp(day).normalize() + pd.offsets.MonthEnd(0))


def last_full_month_end(end: pd.Timestamp) -> pd.Timestamp:
    """`end` itself when it is the last day of a month, else the last day of the previous month."""
    end = pd.Timestamp(end).normalize()
    return end if end == month_end(end) else end - pd.offsets.MonthEnd(1)


def _range(checks: pd.DataFrame, start: pd.Timestamp | None,
           end: pd.Timestamp | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    first = pd.Timestamp(start).normalize() if start is not None else checks["day"].min()
    last = pd.Timestamp(end).normalize() if end is not None else checks["day"].max()
    return first, last


# --- activity grid -----------------------------------------------------------------------------------

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
    checks = _identified(transactions)
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


def _rates(grid: ActivityGrid, i: int, k: int, start_member: np.ndarray | None) -> list[dict[str, Any]]:
    """S, N, E, CRR, churn and reactivation between boundaries i and k, for all and by start status."""
    active_start, active_end = grid.active[:, i], grid.active[:, k]
    churned_start = grid.churned(i)
    came_back = churned_start & grid.bought_between(i, k)
    rows = []
    groups = [("all", np.ones(len(grid.customer_ids), dtype=bool))]
    if start_member is not None:
        groups += [("members", start_member), ("non_members", ~start_member)]
    for group, mask in groups:
        start = int((active_start & mask).sum())
        retained = int((active_start & active_end & mask).sum())
        base = int((churned_start & mask).sum())
        reactivated = int((came_back & mask).sum())
        row: dict[str, Any] = {"group": group, "start_customers": start, "new_customers": None,
                               "end_customers": None, "retained": retained, "churned": start - retained,
                               "crr": retained / start if start else None,
                               "churn_rate": (start - retained) / start if start else None,
                               "churned_at_start": base, "reactivated": reactivated,
                               "reactivation_rate": reactivated / base if base else None}
        if group == "all":
            end = int(active_end.sum())
            row["end_customers"], row["new_customers"] = end, end - retained
        rows.append(row)
    return rows


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
    return pd.date_range(first.normalize() - pd.offsets.MonthEnd(1), last_full_month_end(last), freq="ME")


def monthly_retention(transactions: pd.DataFrame, customers: pd.DataFrame | None, churn_days: int,
                      start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per calendar month and group (all / members / non_members) after the warm-up.

    Columns: month ("YYYY-MM"), group, start_customers (S), new_customers (N), end_customers (E),
    retained (E - N), churned (S - retained), crr = (E - N) / S, churn_rate = churned / S (= 1 - CRR),
    churned_at_start, reactivated, reactivation_rate = reactivated / churned_at_start. Definitions in
    the module docstring; member rows only when a customers table is given.
    """
    columns = ["month", "group", "start_customers", "new_customers", "end_customers", "retained",
               "churned", "crr", "churn_rate", "churned_at_start", "reactivated", "reactivation_rate"]
    checks = _identified(transactions)
    if not checks["is_purchase"].any():
        return pd.DataFrame(columns=columns)
    first, last = _range(checks, start, end)
    bounds = _month_boundaries(first, last)
    bounds = bounds[bounds >= first + pd.Timedelta(days=churn_days)]
    if len(bounds) < 2:
        return pd.DataFrame(columns=columns)
    grid = activity_grid(checks, bounds, churn_days)
    joined = _join_array(grid.customer_ids, customers) if customers is not None else None
    rows = []
    for k in range(1, len(bounds)):
        member = _joined_by(joined, bounds[k - 1]) if joined is not None else None
        for row in _rates(grid, k - 1, k, member):
            rows.append({"month": bounds[k].strftime("%Y-%m"), **row})
    return pd.DataFrame(rows, columns=columns)


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
    (all / members / non_members; None values for a group that is not there)."""
    rates = ("crr", "churn_rate", "reactivation_rate")
    by_group = pooled.set_index("group") if not pooled.empty else pd.DataFrame()
    result: dict[str, Any] = {"months": int(pooled["months"].iloc[0]) if not pooled.empty else None}
    for group in GROUPS:
        known = group in by_group.index
        result[group] = {rate: (by_group.loc[group, rate] if known else None) for rate in rates}
    return result


def headline_window(first: pd.Timestamp, last: pd.Timestamp,
                    churn_days: int) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(start boundary, end boundary) of the headline window: the last 12 full months, shortened to the
    full months after the churn_days warm-up; None when no full month remains."""
    window_end = last_full_month_end(last)
    earliest = month_end(first.normalize() + pd.Timedelta(days=churn_days))  # b - churn_days >= first
    window_start = max(window_end - pd.offsets.MonthEnd(12), earliest)
    return (window_start, window_end) if window_start < window_end else None


def retention_headline(transactions: pd.DataFrame, customers: pd.DataFrame | None, churn_days: int,
                       start: pd.Timestamp | None = None,
                       end: pd.Timestamp | None = None) -> dict[str, Any]:
    """kpis `retention`: crr, churn_rate, reactivation_rate over the headline window, and the same by group.

    The window is the last 12 full calendar months of the analysed period (shorter after a warm-up of
    churn_days when the data are shorter; see headline_window): CRR = (E - N) / S with S the customers
    active on the day before the window, E those active on its last day; churn_rate = 1 - CRR;
    reactivation_rate = share of the customers churned on the day before the window who bought in it.
    All values None when the window or its start base is empty.
    """
    empty = {"crr": None, "churn_rate": None, "reactivation_rate": None}
    result: dict[str, Any] = {**empty, "window": {"start": None, "end": None, "months": None},
                              "start_customers": None, "new_customers": None, "end_customers": None,
                              "churn_days": churn_days, "members": dict(empty), "non_members": dict(empty)}
    checks = _identified(transactions)
    if not checks["is_purchase"].any():
        return result
    first, last = _range(checks, start, end)
    window = headline_window(first, last, churn_days)
    if window is None:
        return result
    grid = activity_grid(checks, list(window), churn_days)
    member = is_member(grid.customer_ids, customers, window[0]) if customers is not None else None
    rows = {row["group"]: row for row in _rates(grid, 0, 1, member)}
    months = (window[1].year - window[0].year) * 12 + window[1].month - window[0].month
    result["window"] = {"start": (window[0] + pd.Timedelta(days=1)).date().isoformat(),
                        "end": window[1].date().isoformat(), "months": months}
    everyone = rows["all"]
    result.update({key: everyone[key] for key in ("crr", "churn_rate", "reactivation_rate",
                                                  "start_customers", "new_customers", "end_customers")})
    if customers is not None:
        for group in ("members", "non_members"):
            result[group] = {key: rows[group][key] for key in ("crr", "churn_rate", "reactivation_rate")}
    return result


# --- cohort matrices ---------------------------------------------------------------------------------

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
    checks = _identified(transactions)
    if end is not None:
        checks = checks[(checks["day"] <= last_full_month_end(end)).to_numpy()]
    # customers as integer codes: grouping and matching numbers is much faster than text
    code, ids = pd.factorize(checks["customer_id"])
    if customer_ids is not None:
        wanted = pd.Index(customer_ids).astype("string").unique()
        keep = _row_positions(code, _positions(pd.Index(ids), wanted)) >= 0
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


# --- before / after joining --------------------------------------------------------------------------

def before_after_joining(transactions: pd.DataFrame, customers: pd.DataFrame | None, window_days: int,
                         start: pd.Timestamp | None = None,
                         end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Spend and purchases of each member who was a customer before joining, in equal windows around J.

    With J the join day and w = window_days: before = days J - w .. J - 1, after = days J + 1 .. J + w.
    The join day itself is in neither window (people often join at a checkout, and that check would
    otherwise inflate "after" by construction). A member is included when both windows lie inside the
    analysed period [start, end] and their first purchase is earlier than the before window (day < J - w):
    an existing customer ("the old base" of the seed). Eligibility deliberately looks only at history
    before both windows: requiring a purchase inside the before window would inflate "before" and make
    even a program without effect look harmful (regression to the mean). Members with no purchase in the
    before window are kept (zero spend).
    Columns: customer_id, joined, spend_before, spend_after (net, returns included), checks_before,
    checks_after (purchases).
    """
    columns = ["customer_id", "joined", "spend_before", "spend_after", "checks_before", "checks_after"]
    joined = join_days(customers)
    checks = _identified(transactions)
    if joined.empty or checks.empty:
        return pd.DataFrame(columns=columns)
    first, last = _range(checks, start, end)
    width = pd.Timedelta(days=window_days)
    joined = joined[(joined - width >= first) & (joined + width <= last)]
    code, ids = pd.factorize(checks["customer_id"])  # numbers: faster to group than text
    ids = pd.Index(ids)
    purchase = checks["is_purchase"].to_numpy()
    first_day = checks["day"][purchase].groupby(code[purchase]).min()
    first_purchase = pd.Series(first_day.to_numpy(), index=ids[first_day.index.to_numpy()])
    existing = first_purchase.reindex(joined.index) < joined - width
    joined = joined[existing.to_numpy()]
    member = _row_positions(code, _positions(ids, joined.index))  # position in joined; -1: others
    rows = (member >= 0).nonzero()[0]
    member = member[rows]
    offset = (checks["day"].to_numpy()[rows] - joined.to_numpy()[member]) // np.timedelta64(1, "D")
    side = np.select([(offset >= -window_days) & (offset < 0), (offset > 0) & (offset <= window_days)],
                     [1, 2], 0)
    amount, bought = checks["amount"].to_numpy()[rows], purchase[rows]
    out = pd.DataFrame(index=joined.index)
    for number, name in ((1, "before"), (2, "after")):
        part = side == number
        spend = pd.Series(amount[part]).groupby(member[part]).sum()  # by position in joined
        visits = pd.Series(bought[part]).groupby(member[part]).sum()
        out[f"spend_{name}"] = spend.reindex(range(len(joined)), fill_value=0.0).to_numpy()
        out[f"checks_{name}"] = visits.reindex(range(len(joined)), fill_value=0).to_numpy()
    out = out.join(joined.rename("joined")).reset_index()
    out[["spend_before", "spend_after"]] = out[["spend_before", "spend_after"]].astype("float64")
    out[["checks_before", "checks_after"]] = out[["checks_before", "checks_after"]].astype("int64")
    return out[columns].sort_values("customer_id").reset_index(drop=True)


def before_after_summary(per_customer: pd.DataFrame) -> pd.DataFrame:
    """Mean spend and mean purchases per customer before and after joining, with the paired change.

    change = mean(after - before); relative_change = mean(after) / mean(before) - 1; ci_low / ci_high:
    95% normal-approximation interval of the mean paired change (1.96 standard errors); None for one
    customer. customers: how many members the comparison rests on.
    """
    rows = []
    n = len(per_customer)
    for metric, name in (("spend", "spend per customer"), ("checks", "purchases per customer")):
        if n == 0:
            rows.append({"metric": name, "customers": 0, "before": None, "after": None, "change": None,
                         "relative_change": None, "ci_low": None, "ci_high": None})
            continue
        before = per_customer[f"{metric}_before"].astype("float64")
        after = per_customer[f"{metric}_after"].astype("float64")
        diff = after - before
        half = 1.96 * diff.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
        rows.append({"metric": name, "customers": n, "before": before.mean(), "after": after.mean(),
                     "change": diff.mean(),
                     "relative_change": after.mean() / before.mean() - 1 if before.mean() else None,
                     "ci_low": diff.mean() - half if n > 1 else None,
                     "ci_high": diff.mean() + half if n > 1 else None})
    return pd.DataFrame(rows)


def before_after_headline(summary: pd.DataFrame | None, window_days: int) -> dict[str, Any]:
    """kpis retention.before_after: customers, window_days, spend_change and frequency_change (relative
    changes of the means, after / before - 1). summary=None (no customers table): all values None."""
    if summary is None:
        return {"customers": None, "window_days": window_days, "spend_change": None,
                "frequency_change": None}
    by_metric = summary.set_index("metric")
    spend, checks = by_metric.loc["spend per customer"], by_metric.loc["purchases per customer"]
    return {"customers": int(spend["customers"]), "window_days": window_days,
            "spend_change": spend["relative_change"], "frequency_change": checks["relative_change"]}

"""Loyalty-program KPIs: reach, member shares, checks, points, NPS and surveys, spend tiers, LFL.

Every KPI is defined once here, with its formula in the docstring. Functions are pure: they take the
canonical tables (see the data contract) plus plain parameters and return numbers or DataFrames.
`program_kpis` computes every block at once for the `10_program_kpis` notebook; `program_headline`
returns only the dict recorded under `program` in kpis.json.

Conventions used throughout
---------------------------
* Dates are compared by calendar day: a customer who joined on day D is a member on day D.
* A *check* is a transactions row with ``amount > 0``; rows with ``amount < 0`` are returns.
  *Revenue* is the net sum of ``amount`` (purchases minus returns); *sales* is the sum over checks.
* A check is a *member check* when its customer had joined the program by the check's date
  (``joined_program_at <= date``); an *identified non-member check* has a customer that had not
  joined (yet); an *anonymous check* has no customer_id.
* Months are calendar months, labelled by their first day. Months cut by the analysed period are
  kept (shares and rates are unaffected; counts of a partial month are smaller).
* Fractions are 0..1 (the NPS score too: promoters minus detractors, -1..1; multiply by 100 for the
  usual -100..100 scale). A KPI whose input is missing is None, never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .charts import PALETTE

MEMBER = "member"
NON_MEMBER = "non_member"
ANONYMOUS = "anonymous"
UNLINKED = "unlinked"
BUYER_GROUPS = (MEMBER, NON_MEMBER, ANONYMOUS)
POINT_KINDS = ("accrual", "redemption", "expiry", "adjustment")
Z95 = 1.959963984540054

YES_ANSWERS = {"yes", "y", "true", "1", "да", "д"}
NO_ANSWERS = {"no", "n", "false", "0", "нет", "н"}
MOTIVE_ANSWERS = {
    "value": "value", "benefit": "value", "ценность": "value", "выгода": "value",
    "brand": "brand", "бренд": "brand",
    "other": "other", "другое": "other",
}


# --------------------------------------------------------------------------------------------
# small helpers


def _num(value: Any) -> float | None:
    """A plain float for kpis.json, or None for missing / NaN / infinite values."""
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(round(number))


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, None when the denominator is zero or missing."""
    num, den = _num(numerator), _num(denominator)
    if num is None or den is None or den == 0:
        return None
    return num / den


def _timestamp(value: Any) -> pd.Timestamp | None:
    """Parse a date-like value (papermill passes dates as strings); None for empty values."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        return None
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _end_exclusive(end: pd.Timestamp) -> pd.Timestamp:
    """The first instant after the day `end` (the analysed period includes its whole last day)."""
    return end.normalize() + pd.Timedelta(days=1)


def _between(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    return (dates >= start.normalize()) & (dates < _end_exclusive(end))


# the dtype pandas gives month starts (datetime64[us] in pandas 3, [ns] before): the fast path below
# returns the same values in the same dtype
_MONTH_DTYPE = pd.Series(pd.DatetimeIndex(["2000-01-15"])).dt.to_period("M").dt.to_timestamp().dtype


def _month_start(dates: pd.Series) -> pd.Series:
    """First day of each date's calendar month (NaT stays NaT), named and indexed like `dates`."""
    values = dates.to_numpy()
    if values.dtype.kind != "M":  # time-zone aware or object values: the general (slower) path
        return dates.dt.to_period("M").dt.to_timestamp()
    days = values.astype("datetime64[D]")
    known = ~np.isnat(days)
    months = np.full(len(days), np.datetime64("NaT"), dtype=_MONTH_DTYPE)
    if known.any():  # month of every day of the span, looked up (faster than converting each date)
        numbers = days[known].astype("int64")
        first = numbers.min()
        span = np.arange(first, numbers.max() + 1).astype("datetime64[D]")
        months[known] = span.astype("datetime64[M]").astype(_MONTH_DTYPE)[numbers - first]
    return pd.Series(months, index=dates.index, name=dates.name)


def _months(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """First days of the calendar months that overlap [start, end]."""
    return pd.period_range(start, end, freq="M").to_timestamp()


def _month_last_day(month: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    """Last day of `month`, capped at the period end."""
    return min(month + pd.offsets.MonthEnd(0), end.normalize())


def _customer_ids(frame: pd.DataFrame) -> pd.Series:
    if "customer_id" in frame.columns:
        return frame["customer_id"]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """`pd.factorize(values)` (codes, with -1 for empty values, and the distinct values), free for the
    numbered ids of `_integer_ids` (whole numbers 0..n-1 as floats): each number is its own code,
    and the distinct values are 0..max (some may not occur). Hashing ten million ids takes seconds."""
    if values.dtype == "float64":
        array = values.to_numpy()
        known = ~np.isnan(array)
        numbers = array[known].astype(np.int64)
        top = int(numbers.max()) + 1 if len(numbers) else 0
        if (len(numbers) == 0 or numbers.min() >= 0) and top <= 2 * len(array) + 1024 \
                and np.array_equal(numbers, array[known]):
            codes = np.full(len(array), -1, dtype=np.intp)
            codes[known] = numbers
            return codes, pd.Index(np.arange(top, dtype="float64"))
    return pd.factorize(values)


def _join_day_of(customer: pd.Series, joins: pd.Series) -> pd.Series:
    """Join day of each customer id in `customer` (NaT for non-members and empty ids).

    The ids are factorized first, so each distinct id is looked up once (a check file repeats
    every customer many times)."""
    codes, uniques = _factorize(customer)  # empty ids get code -1
    target = pd.Index(uniques)
    if target.dtype != joins.index.dtype:
        target = target.astype(object)
    position = joins.index.get_indexer(target)
    values = joins.to_numpy(dtype="datetime64[ns]")
    per_id = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
    found = position >= 0
    per_id[found] = values[position[found]]
    days = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = codes >= 0
    days[known] = per_id[codes[known]]
    return pd.Series(days, index=customer.index)


# the dtype pandas gives a column of text labels (str in pandas 3, object before)
_LABEL_DTYPE = pd.Series(np.array(["label"])).dtype


def _labels(codes: np.ndarray, labels: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
    """The label of each code (an index into `labels`) as a text column, built by one take (much
    faster than converting a numpy array of strings for a million rows)."""
    return pd.array(np.array(labels, dtype=object), dtype=_LABEL_DTYPE).take(codes)


def _distinct(*parts: pd.Series | pd.Index | np.ndarray) -> int:
    """Number of distinct non-empty values over all `parts` (like the size of a Python set of them)."""
    values = [pd.Series(part).dropna().unique() for part in parts]
    values = [np.asarray(v, dtype=object) for v in values if len(v)]
    return len(pd.unique(np.concatenate(values))) if values else 0


def _resolve_period(
    transactions: pd.DataFrame, period: tuple[Any, Any] | None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = _timestamp(period[0]) if period else None
    end = _timestamp(period[1]) if period else None
    if start is None:
        start = transactions["date"].min().normalize()
    if end is None:
        end = transactions["date"].max().normalize()
    return start, end


# --------------------------------------------------------------------------------------------
# membership


def join_dates(
    customers: pd.DataFrame | None, transactions: pd.DataFrame | None = None
) -> pd.Series | None:
    """Join day of every program member, indexed by customer_id (non-members are absent).

    Source, in order of preference:
    1. ``customers.joined_program_at`` (NaT = not a member); the earliest date if a customer repeats;
    2. without it, the first check with ``loyalty_card == True`` of each identified customer;
    3. neither available: None (membership unknown; member KPIs are then None).
    Times of day are dropped: membership is compared by calendar day.
    """
    if customers is not None and {"customer_id", "joined_program_at"} <= set(customers.columns):
        known = customers.loc[
            customers["customer_id"].notna() & customers["joined_program_at"].notna(),
            ["customer_id", "joined_program_at"],
        ]
        joined = known.groupby("customer_id")["joined_program_at"].min().dt.normalize()
        return joined.rename("joined_program_at")
    if (
        transactions is not None
        and "loyalty_card" in transactions.columns
        and "customer_id" in transactions.columns
    ):
        card = transactions["loyalty_card"].fillna(False).astype(bool)
        carded = transactions.loc[card & transactions["customer_id"].notna()]
        joined = carded.groupby("customer_id")["date"].min().dt.normalize()
        return joined.rename("joined_program_at")
    return None


def classify_checks(transactions: pd.DataFrame, joins: pd.Series | None) -> pd.DataFrame:
    """Copy of `transactions` with ``month``, ``is_purchase`` and ``buyer_group`` columns.

    buyer_group = "anonymous" if customer_id is empty; "member" if the customer's join day <= the
    check's day; otherwise "non_member" (identified, not a member at that date). With unknown
    membership (joins is None) identified checks get "identified".
    is_purchase = amount > 0 (returns are not checks).
    """
    checks = transactions.copy(deep=False)  # new columns only: the rows are not copied
    checks["month"] = _month_start(checks["date"])
    checks["is_purchase"] = checks["amount"] > 0
    customer = _customer_ids(checks)
    anonymous = customer.isna().to_numpy()
    if joins is None:
        checks["buyer_group"] = _labels(np.where(anonymous, 0, 1), (ANONYMOUS, "identified"))
        return checks
    joined = _join_day_of(customer, joins)
    member = (joined.notna() & (joined <= checks["date"].dt.normalize())).to_numpy()
    checks["buyer_group"] = _labels(np.select([anonymous, member], [0, 1], default=2),
                                    (ANONYMOUS, MEMBER, NON_MEMBER))
    return checks


def member_origin(joins: pd.Series, transactions: pd.DataFrame) -> pd.Series:
    """Where each member came from: "existing" or "new" customer, indexed like `joins`.

    existing = the customer had a check (amount > 0) dated before the join day: the program enrolled
    someone who already bought; new = joined on or before the day of their first purchase (the
    program came with the first visit). A registration without purchases does not make a customer
    existing: many systems create the account when the customer signs up for the program.
    """
    customer = _customer_ids(transactions)
    buys = (customer.notna() & (transactions["amount"] > 0)).to_numpy()
    codes, uniques = _factorize(customer[buys])
    first = transactions["date"][buys].groupby(codes).min()
    first_check = pd.Series(first.to_numpy(), index=uniques[first.index.to_numpy()]).dt.normalize()
    existing = (first_check.reindex(joins.index) < joins).to_numpy()
    return pd.Series(np.where(existing, "existing", "new"), index=joins.index, name="origin")


def members_monthly(
    joins: pd.Series, origin: pd.Series | None, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Members over time: new members per month by origin and the cumulative member count.

    new_members(m) = members whose join day falls in month m;
    new_from_existing / new_from_new split them by `member_origin`;
    cumulative_members(m) = members joined on or before the last day of m (joins before the
    analysed period included), i.e. the cumulative sum of joins.
    """
    months = _months(start, end)
    frame = pd.DataFrame({"month": _month_start(joins)})
    frame["origin"] = origin.reindex(joins.index) if origin is not None else "unknown"
    counts = frame.groupby(["month", "origin"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=months, fill_value=0)
    sorted_joins = np.sort(joins.to_numpy(dtype="datetime64[ns]"))
    cumulative = [
        int(np.searchsorted(sorted_joins, np.datetime64(_month_last_day(m, end)), side="right"))
        for m in months
    ]
    out = pd.DataFrame({"month": months})
    out["new_members"] = counts.sum(axis=1).to_numpy(dtype=int)
    out["new_from_existing"] = counts.get("existing", pd.Series(0, index=months)).to_numpy()
    out["new_from_new"] = counts.get("new", pd.Series(0, index=months)).to_numpy()
    out["cumulative_members"] = cumulative
    return out


def active_members_monthly(
    transactions: pd.DataFrame,
    joins: pd.Series,
    start: pd.Timestamp,
    end: pd.Timestamp,
    window_days: int,
) -> pd.DataFrame:
    """Active members at each month end and their share of all members.

    At day d (the last day of the month, capped at the period end):
    members(d) = customers joined on or before d;
    active_members(d) = members with a check (amount > 0) in the `window_days` days ending on d,
    i.e. dated in (d - window_days, d];  active_share(d) = active_members(d) / members(d).
    """
    customer = _customer_ids(transactions)
    joined = _join_day_of(customer, joins).to_numpy()
    buys = ((transactions["amount"] > 0) & customer.notna()).to_numpy() & ~np.isnat(joined)
    codes, _ = _factorize(customer[buys])  # the members who bought, numbered
    member_join = np.full(codes.max() + 1 if len(codes) else 0, np.datetime64("NaT"), "datetime64[ns]")
    member_join[codes] = joined[buys]
    dates = transactions["date"].to_numpy(dtype="datetime64[ns]")[buys]
    order = np.argsort(dates, kind="stable")
    dates, codes = dates[order], codes[order]
    join_values = joins.to_numpy(dtype="datetime64[ns]")
    rows = []
    for month in _months(start, end):
        day = _month_last_day(month, end)
        upper = np.datetime64(_end_exclusive(day))
        lower = np.datetime64(_end_exclusive(day) - pd.Timedelta(days=int(window_days)))
        lo, hi = np.searchsorted(dates, lower), np.searchsorted(dates, upper)
        members_now = int(np.count_nonzero(join_values <= np.datetime64(day)))
        bought = np.zeros(len(member_join), dtype=bool)
        bought[codes[lo:hi]] = True
        active = int(np.count_nonzero(bought & (member_join <= np.datetime64(day))))
        rows.append(
            {
                "month": month,
                "members": members_now,
                "active_members": active,
                "active_share": active / members_now if members_now else np.nan,
            }
        )
    return pd.DataFrame(rows)


def reach(
    joins: pd.Series,
    customers: pd.DataFrame | None,
    transactions: pd.DataFrame,
    as_of: pd.Timestamp,
) -> dict[str, float | int | None]:
    """Reach of the program at day `as_of`.

    members = customers joined on or before as_of;
    identified_customers = distinct customer_ids known by as_of: in `customers` (registered on or
    before as_of, or with no registration date) or on a check dated on or before as_of, plus members;
    reach = members / identified_customers.
    """
    day = as_of.normalize()
    members = joins.index[(joins <= day).to_numpy()]
    customer = _customer_ids(transactions)
    parts = [members, customer[customer.notna() & (transactions["date"] < _end_exclusive(day))]]
    if customers is not None and "customer_id" in customers.columns:
        known = customers["customer_id"].notna()
        if "registered_at" in customers.columns:
            registered = customers["registered_at"]
            known &= registered.isna() | (registered < _end_exclusive(day))
        parts.append(customers.loc[known, "customer_id"])
    members_count, identified = _distinct(members), _distinct(*parts)
    return {
        "members": members_count,
        "identified_customers": identified,
        "reach": _ratio(members_count, identified),
    }


# --------------------------------------------------------------------------------------------
# member share of transactions and revenue


def flag_anomalies(
    values: pd.Series, window: int = 6, z_threshold: float = 3.0, min_deviation: float = 0.05,
    min_periods: int = 3,
) -> pd.DataFrame:
    """Flag values that deviate sharply from their rolling norm (robust rule, no look-ahead).

    norm(t) = median of the previous `window` values (t-window .. t-1; at least `min_periods`);
    scale(t) = 1.4826 x median absolute deviation of those values (a robust standard deviation);
    deviation(t) = value(t) - norm(t);
    anomaly(t) = |deviation| >= min_deviation AND |deviation| > z_threshold x scale.
    The first rule ignores tiny wiggles of a very stable series (scale near 0); the second ignores
    moves that are usual for this series. Values without enough history are never flagged.
    Returns a frame with columns norm, deviation, anomaly aligned with `values`.
    """
    previous = values.astype(float).shift(1)
    rolling = previous.rolling(window, min_periods=min_periods)
    norm = rolling.median()
    mad = rolling.apply(lambda x: np.nanmedian(np.abs(x - np.nanmedian(x))), raw=True)
    deviation = values.astype(float) - norm
    anomaly = (deviation.abs() >= min_deviation) & (deviation.abs() > z_threshold * 1.4826 * mad)
    return pd.DataFrame(
        {"norm": norm, "deviation": deviation, "anomaly": anomaly.fillna(False).astype(bool)},
        index=values.index,
    )


def member_share_monthly(
    checks: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    launch: pd.Timestamp | None = None,
    window: int = 6,
    z_threshold: float = 3.0,
    min_deviation: float = 0.05,
) -> pd.DataFrame:
    """Member share of transactions and of revenue per month, with anomaly flags.

    transaction_share(m) = member checks / all checks in month m (checks: amount > 0);
    revenue_share(m) = net amount of member rows / net amount of all rows in m (returns included).
    Each share gets <share>_norm / <share>_anomaly columns from `flag_anomalies`, computed only on
    months from the launch month on, with a full window of history (min_periods = window): the
    jump at launch and the ramp-up of the first `window` months build the norm and are not judged.
    `checks` comes from `classify_checks`.
    """
    months = _months(start, end)
    purchases = checks.loc[checks["is_purchase"]]
    is_member = checks["buyer_group"] == MEMBER
    out = pd.DataFrame({"month": months})
    out["checks"] = purchases.groupby("month").size().reindex(months, fill_value=0).to_numpy()
    out["member_checks"] = (
        purchases.loc[is_member[purchases.index]].groupby("month").size()
        .reindex(months, fill_value=0).to_numpy()
    )
    out["revenue"] = checks.groupby("month")["amount"].sum().reindex(months, fill_value=0.0).to_numpy()
    out["member_revenue"] = (
        checks.loc[is_member].groupby("month")["amount"].sum()
        .reindex(months, fill_value=0.0).to_numpy()
    )
    out["transaction_share"] = out["member_checks"] / out["checks"].where(out["checks"] > 0)
    out["revenue_share"] = out["member_revenue"] / out["revenue"].where(out["revenue"] != 0)
    eligible = out["month"] >= (launch.to_period("M").to_timestamp() if launch is not None else months[0])
    for share in ("transaction_share", "revenue_share"):
        flags = flag_anomalies(
            out.loc[eligible, share], window, z_threshold, min_deviation, min_periods=window
        )
        out[f"{share}_norm"] = flags["norm"]
        out[f"{share}_anomaly"] = flags["anomaly"].reindex(out.index, fill_value=False).astype(bool)
    return out


def member_share(checks: pd.DataFrame) -> dict[str, float | None]:
    """Member share over the whole frame given (one period).

    member_transaction_share = member checks / all checks (amount > 0);
    member_revenue_share = net amount of member rows / net amount of all rows.
    """
    purchases = checks["is_purchase"]
    member = checks["buyer_group"] == MEMBER
    return {
        "member_transaction_share": _ratio((purchases & member).sum(), purchases.sum()),
        "member_revenue_share": _ratio(
            checks.loc[member, "amount"].sum(), checks["amount"].sum()
        ),
    }


# --------------------------------------------------------------------------------------------
# average check, frequency, items per check


def _distinct_by_group(group: pd.Series, values: pd.Series, groups: int) -> np.ndarray:
    """Number of distinct non-empty `values` in each group (`group`: 0..groups-1, NaN = no group);
    the same as a groupby nunique, by hashing (group, value) pairs instead of sorting them."""
    codes = _factorize(values)[0]
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

    For month m and group g (member / non_member / anonymous; see `classify_checks`):
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
    order = [g for g in (*BUYER_GROUPS, "identified", "all") if g in out.index]
    return out.loc[order, ["checks", "sales", "avg_check", "frequency", "items_per_check"]]


# --------------------------------------------------------------------------------------------
# points


def points_monthly_from_ledger(
    points: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, point_value: float
) -> pd.DataFrame:
    """Monthly points flows, rates and outstanding balance from the points ledger.

    Definitions (one set, used everywhere; points are positive magnitudes):
    accrued / redeemed / expired / adjusted(m) = points of that kind dated in month m (within the
    analysed period); other kinds are ignored;
    redemption_rate(m) = redeemed(m) / accrued(m);
    cumulative_redemption_rate(m) = sum of redeemed / sum of accrued from the period start to m;
    breakage_rate(m) = expired(m) / accrued(m); cumulative_breakage_rate likewise cumulative
    (expiry lags accrual, so breakage of recent months is still incomplete);
    balance(m) = all accruals + adjustments - redemptions - expiries in the ledger up to the end of m
    (the whole ledger history, not only the analysed period; adjustments count as credits);
    liability(m) = balance(m) x point_value (money the program owes its members).
    """
    ledger = points.loc[points["date"] < _end_exclusive(end)].copy()
    ledger["month"] = _month_start(ledger["date"])
    months = _months(start, end)

    def by_kind(frame: pd.DataFrame, index: pd.DatetimeIndex) -> pd.DataFrame:
        table = frame.pivot_table(
            index="month", columns="kind", values="points", aggfunc="sum", fill_value=0.0
        )
        return table.reindex(index=index, columns=list(POINT_KINDS), fill_value=0.0).fillna(0.0)

    history_start = min(ledger["month"].min(), months[0]) if len(ledger) else months[0]
    history = by_kind(ledger, _months(history_start, end))
    balance = (
        history["accrual"] + history["adjustment"] - history["redemption"] - history["expiry"]
    ).cumsum()
    flows = by_kind(ledger.loc[ledger["date"] >= start.normalize()], months)
    out = pd.DataFrame({"month": months})
    out["accrued"] = flows["accrual"].to_numpy()
    out["redeemed"] = flows["redemption"].to_numpy()
    out["expired"] = flows["expiry"].to_numpy()
    out["adjusted"] = flows["adjustment"].to_numpy()
    out["balance"] = balance.reindex(months).to_numpy()
    return _points_rates(out, point_value)


def points_monthly_from_transactions(
    transactions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, point_value: float
) -> pd.DataFrame:
    """Fallback without a ledger: points flows from the checks' points_earned / points_redeemed.

    accrued(m) = sum of points_earned on checks of month m; redeemed(m) = sum of points_redeemed;
    redemption rates as in `points_monthly_from_ledger`. Expiry, breakage, balance and liability are
    unknown without a ledger (NaN): checks carry no expiry and no points granted outside purchases.
    """
    rows = transactions.loc[_between(transactions["date"], start, end)]
    months = _months(start, end)
    month = _month_start(rows["date"])
    out = pd.DataFrame({"month": months})
    for column, name in (("points_earned", "accrued"), ("points_redeemed", "redeemed")):
        if column in rows.columns:
            out[name] = rows.groupby(month)[column].sum().reindex(months, fill_value=0.0).to_numpy()
        else:
            out[name] = np.nan
    out["expired"] = np.nan
    out["adjusted"] = np.nan
    out["balance"] = np.nan
    return _points_rates(out, point_value)


def _points_rates(out: pd.DataFrame, point_value: float) -> pd.DataFrame:
    accrued = out["accrued"].where(out["accrued"] > 0)
    cumulative_accrued = out["accrued"].cumsum()
    cumulative_accrued = cumulative_accrued.where(cumulative_accrued > 0)
    out["redemption_rate"] = out["redeemed"] / accrued
    out["cumulative_redemption_rate"] = out["redeemed"].cumsum() / cumulative_accrued
    out["breakage_rate"] = out["expired"] / accrued
    out["cumulative_breakage_rate"] = out["expired"].cumsum() / cumulative_accrued
    out["liability"] = out["balance"] * float(point_value)
    return out


def points_summary(monthly: pd.DataFrame) -> dict[str, float | None]:
    """Period totals of a points table (from either builder).

    redemption_rate = total redeemed / total accrued over the analysed period;
    breakage_rate = total expired / total accrued; balance and liability at the period end.
    """
    last = monthly.iloc[-1] if len(monthly) else pd.Series(dtype=float)
    accrued = monthly["accrued"].sum(min_count=1)
    return {
        "accrued": _num(accrued),
        "redeemed": _num(monthly["redeemed"].sum(min_count=1)),
        "expired": _num(monthly["expired"].sum(min_count=1)),
        "redemption_rate": _ratio(monthly["redeemed"].sum(min_count=1), accrued),
        "breakage_rate": _ratio(monthly["expired"].sum(min_count=1), accrued),
        "balance": _num(last.get("balance")),
        "liability": _num(last.get("liability")),
    }


def effective_accrual_rate(
    checks: pd.DataFrame, point_value: float, ledger_accrued: float | None = None
) -> float | None:
    """Effective accrual rate: the cashback the program really gives where it is used.

    With points on checks: rate = sum(points_earned) x point_value / sum(amount) over the program's
    checks (amount > 0): checks with loyalty_card == True when that column exists, else member checks
    (else, with membership unknown, checks that earned points); a missing points_earned counts as 0.
    Without points_earned but with a ledger: rate = ledger accruals of the period (`ledger_accrued`)
    x point_value / sales of those checks (an upper bound if the ledger also holds welcome or
    birthday bonuses). None when neither source exists.
    """
    purchases = checks.loc[checks["is_purchase"]]
    if "loyalty_card" in purchases.columns:
        base = purchases["loyalty_card"].fillna(False).astype(bool)
    elif (purchases["buyer_group"] == "identified").any():  # membership unknown
        base = purchases.get("points_earned", pd.Series(0.0, index=purchases.index)).fillna(0) > 0
    else:
        base = purchases["buyer_group"] == MEMBER
    if "points_earned" in purchases.columns:
        earned = purchases["points_earned"].fillna(0.0)
        return _ratio(earned[base].sum() * float(point_value), purchases.loc[base, "amount"].sum())
    if ledger_accrued is not None and base.any():
        return _ratio(ledger_accrued * float(point_value), purchases.loc[base, "amount"].sum())
    return None


def effective_accrual_monthly(
    checks: pd.DataFrame, point_value: float, points: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    """`effective_accrual_rate` per month: from points on the checks, else from a monthly points
    table's ``accrued`` column (ledger); None when neither exists or no month has a rate."""
    accrued = None
    if "points_earned" not in checks.columns:
        if points is None:
            return None
        accrued = points.set_index("month")["accrued"]
    rows = []
    for month, frame in checks.groupby("month"):
        ledger = None if accrued is None else _num(accrued.get(month))
        rows.append({"month": month,
                     "effective_accrual_rate": effective_accrual_rate(frame, point_value, ledger)})
    out = pd.DataFrame(rows, columns=["month", "effective_accrual_rate"])
    out["effective_accrual_rate"] = out["effective_accrual_rate"].astype(float)
    return out if out["effective_accrual_rate"].notna().any() else None


# --------------------------------------------------------------------------------------------
# unsubscribes


def _contactable(customers: pd.DataFrame) -> pd.Series:
    flags = [c for c in ("has_email", "has_phone") if c in customers.columns]
    if not flags:
        return pd.Series(True, index=customers.index)
    return customers[flags].fillna(False).astype(bool).any(axis=1)


def _unsubscribe_base(
    customers: pd.DataFrame, joins: pd.Series | None, day: pd.Timestamp,
    joined: pd.Series | None = None,
) -> pd.Series:
    """Customers who could unsubscribe by `day`: members joined by then; with membership unknown,
    customers with an email or phone registered by then (or without a registration date).
    `joined`: the customers' join days when already looked up (`_join_day_of`)."""
    if joins is not None:
        if joined is None:
            joined = _join_day_of(customers["customer_id"], joins)
        return (joined <= day.normalize()).fillna(False).astype(bool)
    base = _contactable(customers)
    if "registered_at" in customers.columns:
        registered = customers["registered_at"]
        base &= registered.isna() | (registered < _end_exclusive(day))
    return base


def unsubscribe_rate(
    customers: pd.DataFrame, joins: pd.Series | None, as_of: pd.Timestamp
) -> float | None:
    """Share of program members who have opted out of communications by `as_of`.

    unsubscribe_rate = members joined by as_of with unsubscribed_at <= as_of / members joined by
    as_of (mailings go to members; with membership unknown the base is every customer with an email
    or phone registered by as_of). None without an unsubscribed_at column.
    """
    if "unsubscribed_at" not in customers.columns:
        return None
    return _unsubscribe_rate(customers, joins, as_of)


def _unsubscribe_rate(
    customers: pd.DataFrame, joins: pd.Series | None, as_of: pd.Timestamp,
    joined: pd.Series | None = None,
) -> float | None:
    base = _unsubscribe_base(customers, joins, as_of, joined)
    left = base & (customers["unsubscribed_at"] < _end_exclusive(as_of)).fillna(False)
    return _ratio(left.sum(), base.sum())


def unsubscribe_monthly(
    customers: pd.DataFrame, joins: pd.Series | None, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame | None:
    """Opt-outs per month and the monthly unsubscribe rate.

    unsubscribes(m) = customers of the base (see `unsubscribe_rate`, as of the last day of m) with
    unsubscribed_at in month m; subscribed(m) = base customers not unsubscribed before m;
    monthly_unsubscribe_rate(m) = unsubscribes(m) / subscribed(m);
    cumulative_unsubscribe_rate(m) = `unsubscribe_rate` at the last day of m.
    """
    if "unsubscribed_at" not in customers.columns:
        return None
    unsub = customers["unsubscribed_at"]
    joined = _join_day_of(customers["customer_id"], joins) if joins is not None else None
    rows = []
    for month in _months(start, end):
        first, last = max(month, start.normalize()), _month_last_day(month, end)
        base = _unsubscribe_base(customers, joins, last, joined)
        subscribed = base & ~(unsub < first.normalize()).fillna(False)
        left = subscribed & _between(unsub, first, last).fillna(False)
        rows.append(
            {
                "month": month,
                "subscribed": int(subscribed.sum()),
                "unsubscribes": int(left.sum()),
                "monthly_unsubscribe_rate": _ratio(left.sum(), subscribed.sum()),
                "cumulative_unsubscribe_rate": _unsubscribe_rate(customers, joins, last, joined),
            }
        )
    out = pd.DataFrame(rows)
    for column in ("monthly_unsubscribe_rate", "cumulative_unsubscribe_rate"):
        out[column] = out[column].astype(float)
    return out


# --------------------------------------------------------------------------------------------
# NPS


def nps_composition(scores: pd.Series, z: float = Z95) -> dict[str, float | int | None]:
    """NPS with its composition and a confidence interval.

    promoters = share of scores 9-10, passives = 7-8, detractors = 0-6 (scores outside 0..10 or
    missing are dropped); score = promoters - detractors (a fraction in -1..1).
    Interval: each answer is a multinomial draw with values +1 / 0 / -1, so
    Var(score) = (promoters + detractors - score^2) / n and the 95% interval is
    score +/- 1.96 x sqrt(Var) (normal approximation; clipped to [-1, 1]; reliable from ~30 answers).
    """
    values = pd.to_numeric(scores, errors="coerce")
    values = values[(values >= 0) & (values <= 10)]
    n = int(values.size)
    if n == 0:
        keys = ("score", "promoters", "passives", "detractors", "ci_low", "ci_high")
        return {"responses": 0, **dict.fromkeys(keys)}
    promoters = float((values >= 9).mean())
    detractors = float((values <= 6).mean())
    score = promoters - detractors
    half_width = z * math.sqrt(max(promoters + detractors - score**2, 0.0) / n)
    return {
        "responses": n,
        "score": score,
        "promoters": promoters,
        "passives": float(((values >= 7) & (values <= 8)).mean()),
        "detractors": detractors,
        "ci_low": max(score - half_width, -1.0),
        "ci_high": min(score + half_width, 1.0),
    }


def nps_responses(nps: pd.DataFrame | None, surveys: pd.DataFrame | None) -> pd.DataFrame | None:
    """NPS answers as date, score, customer_id: from the `nps` table, else from surveys' "nps"
    question (never both, so no answer is counted twice). None when neither has answers."""
    if nps is not None and len(nps):
        out = nps.assign(score=pd.to_numeric(nps["score"], errors="coerce"))
    elif surveys is not None:
        answers = _survey_answers(surveys, "nps")
        if answers is None:
            return None
        out = answers.assign(score=pd.to_numeric(answers["answer"], errors="coerce"))
    else:
        return None
    out = out.assign(customer_id=_customer_ids(out))[["date", "score", "customer_id"]]
    return out.dropna(subset=["date", "score"])


def respondent_group(responses: pd.DataFrame, joins: pd.Series | None) -> pd.Series:
    """member / non_member / unlinked for each survey answer: member if the respondent's customer_id
    had joined by the answer's date, non_member if linked but not (yet) joined, unlinked without a
    customer_id (or with membership unknown)."""
    customer = _customer_ids(responses)
    if joins is None:
        return pd.Series(UNLINKED, index=responses.index)
    joined = _join_day_of(customer, joins)
    member = joined.notna() & (joined <= responses["date"].dt.normalize())
    return pd.Series(
        np.select([customer.isna().to_numpy(), member.to_numpy()], [UNLINKED, MEMBER], NON_MEMBER),
        index=responses.index,
    )


def _breakdowns(
    frame: pd.DataFrame,
    summarise: Callable[[pd.DataFrame], dict[str, Any]],
    joins: pd.Series | None,
    start: pd.Timestamp,
    end: pd.Timestamp,
    breakdown: bool = True,
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """(per month, per respondent group) tables of `summarise` over answers within the period; with
    breakdown=False only (None, the "all" row)."""
    frame = frame.loc[_between(frame["date"], start, end)]
    rows = [{"group": "all", **summarise(frame)}]
    if not breakdown:
        return None, pd.DataFrame(rows)
    month = _month_start(frame["date"])
    monthly = pd.DataFrame(
        [{"month": m, **summarise(frame.loc[month == m])} for m in _months(start, end)]
    )
    group = respondent_group(frame, joins)
    rows += [
        {"group": g, **summarise(frame.loc[group == g])}
        for g in (MEMBER, NON_MEMBER, UNLINKED)
        if (group == g).any()
    ]
    return monthly, pd.DataFrame(rows)


def _nps_frame_summary(frame: pd.DataFrame) -> dict[str, Any]:
    return nps_composition(frame["score"])


# --------------------------------------------------------------------------------------------
# surveys: CSAT, awareness, motives


def _survey_answers(surveys: pd.DataFrame | None, question: str) -> pd.DataFrame | None:
    if surveys is None or not len(surveys):
        return None
    asked = surveys["question"].astype("string").str.strip().str.lower() == question
    answers = surveys.loc[asked.fillna(False).astype(bool)]
    if not len(answers):
        return None
    answers = answers.assign(answer=answers["answer"].astype("string").str.strip().str.lower())
    return answers.dropna(subset=["date", "answer"])


def csat_summary(answers: pd.Series) -> dict[str, float | int | None]:
    """CSAT on a 1-5 scale: mean = average score; satisfied_share = share of scores 4 or 5.
    Answers that are not numbers in 1..5 are dropped."""
    values = pd.to_numeric(answers, errors="coerce")
    values = values[(values >= 1) & (values <= 5)]
    if not values.size:
        return {"responses": 0, "mean": None, "satisfied_share": None}
    return {
        "responses": int(values.size),
        "mean": float(values.mean()),
        "satisfied_share": float((values >= 4).mean()),
    }


def awareness_share(answers: pd.Series) -> dict[str, float | int | None]:
    """Program awareness = "yes" answers / ("yes" + "no") answers to "do you know the program?".
    Accepted: yes/y/true/1/да and no/n/false/0/нет (case-insensitive); other answers are dropped."""
    text = answers.astype("string").str.strip().str.lower()
    yes, no = int(text.isin(YES_ANSWERS).sum()), int(text.isin(NO_ANSWERS).sum())
    return {"responses": yes + no, "awareness": _ratio(yes, yes + no)}


def motive_shares(answers: pd.Series) -> dict[str, float | int | None]:
    """Why members take part: share of answers per motive (value / brand / other).

    value = joins for the rewards (also "ценность", "выгода", "benefit"); brand = for the brand
    ("бренд"); any other non-empty answer counts as other. Shares sum to 1."""
    text = answers.astype("string").str.strip().str.lower().dropna()
    motive = text.map(lambda a: MOTIVE_ANSWERS.get(a, "other"))
    n = int(motive.size)
    shares = {m: (float((motive == m).mean()) if n else None) for m in ("value", "brand", "other")}
    return {"responses": n, **shares}


# --------------------------------------------------------------------------------------------
# participation by spend tier


def participation_by_spend_tier(
    transactions: pd.DataFrame, joins: pd.Series, launch: pd.Timestamp, as_of: pd.Timestamp
) -> pd.DataFrame | None:
    """Program participation rate of low / middle / high spenders (the seed: high joins ~4x low).

    Baseline spend = net amount of each identified customer's checks before the launch day (for a
    pilot member who joined before launch: before the join day), so it is measured before anyone
    could be influenced by the program and over the same window for everyone. Customers with a
    positive baseline spend are split into thirds by it (ties broken by order, so the thirds are
    equal); participation_rate(tier) = customers of the tier joined by `as_of` / customers of the
    tier. None when fewer than 3 customers bought before launch.
    """
    customer = _customer_ids(transactions)
    cutoff = pd.Series(launch.normalize(), index=transactions.index)
    joined = _join_day_of(customer, joins)
    cutoff = cutoff.where(~(joined < cutoff), joined)
    before = transactions.loc[customer.notna() & (transactions["date"] < cutoff),
                              ["customer_id", "amount"]]
    spend = before.groupby("customer_id")["amount"].sum()
    spend = spend[spend > 0]
    if spend.size < 3:
        return None
    tier = pd.qcut(spend.rank(method="first"), 3, labels=["low", "middle", "high"])
    member = (joins.reindex(spend.index) <= as_of.normalize()).to_numpy()
    frame = pd.DataFrame({"tier": tier, "spend": spend, "member": member})
    out = frame.groupby("tier", observed=False).agg(
        customers=("member", "size"),
        members=("member", "sum"),
        mean_baseline_spend=("spend", "mean"),
    )
    out["participation_rate"] = out["members"] / out["customers"]
    return out.loc[["high", "middle", "low"]].reset_index()


# --------------------------------------------------------------------------------------------
# like-for-like


Window = tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp, pd.Timestamp]


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
    rows = transactions.loc[_between(transactions["date"], first, last)]
    purchases = rows.loc[rows["amount"] > 0]
    customer = _customer_ids(purchases)
    checks = len(purchases)
    return {
        "revenue": float(rows["amount"].sum()),
        "checks": float(checks),
        "avg_check": float(purchases["amount"].sum() / checks) if checks else np.nan,
        "active_customers": float(customer.dropna().nunique()),
    }


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
    for comparison, (cur_first, cur_last, prev_first, prev_last) in lfl_windows(end).items():
        current_rows = transactions.loc[_between(transactions["date"], cur_first, cur_last)]
        previous_rows = transactions.loc[_between(transactions["date"], prev_first, prev_last)]
        covered = prev_first >= first_date and len(current_rows) > 0
        stores = "all"
        if covered and same_stores and "store_id" in transactions.columns:
            common = pd.Index(current_rows["store_id"].dropna().unique()).intersection(
                pd.Index(previous_rows["store_id"].dropna().unique()))
            current_rows = current_rows.loc[current_rows["store_id"].isin(common)]
            previous_rows = previous_rows.loc[previous_rows["store_id"].isin(common)]
            stores = len(common)
        current = period_metrics(current_rows, cur_first, cur_last)
        previous = period_metrics(previous_rows, prev_first, prev_last)
        for metric in ("revenue", "checks", "avg_check", "active_customers"):
            now = current[metric]
            before = previous[metric] if covered else np.nan
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
    return pd.DataFrame(rows)


def monthly_yoy(transactions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Net revenue of each month in the period next to the same calendar month a year earlier.

    yoy = revenue / revenue_year_ago - 1 (NaN when the earlier month is not in the data or has no
    revenue; only the month of the first check and later count as present).
    """
    month = _month_start(transactions["date"])
    revenue = transactions.groupby(month)["amount"].sum()
    months = _months(start, end)
    first_month = month.min()
    year_ago = months - pd.DateOffset(years=1)
    out = pd.DataFrame({"month": months})
    out["revenue"] = revenue.reindex(months).fillna(0.0).to_numpy()
    out["revenue_year_ago"] = revenue.reindex(year_ago).to_numpy()
    out.loc[year_ago < first_month, "revenue_year_ago"] = np.nan
    out["yoy"] = out["revenue"] / out["revenue_year_ago"].where(out["revenue_year_ago"] != 0) - 1
    return out


# --------------------------------------------------------------------------------------------
# everything at once


@dataclass
class ProgramKpis:
    """Result of `program_kpis`: headline dict (kpis.json `program`), tables for the report, skip
    reasons of blocks whose inputs are missing, and one sentence of interpretation per block."""

    headline: dict[str, Any]
    tables: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    sentences: dict[str, str] = field(default_factory=dict)
    previous: dict[str, Any] | None = None  # `previous_headline`, when compare_months was given

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


def _program_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    program = dict((config or {}).get("program") or {})
    return {
        "launch_date": _timestamp(program.get("launch_date")),
        "point_value": float(program.get("point_value", 1.0) or 0.0),
        "active_window_days": int(program.get("active_window_days", 90)),
        "window": int(program.get("share_anomaly_window_months", 6)),
        "z": float(program.get("share_anomaly_z", 3.0)),
        "min_deviation": float(program.get("share_anomaly_min_deviation", 0.05)),
        "same_stores": bool(program.get("lfl_same_stores", True)),
    }


# the columns of the checks that the program KPIs read (the others are not copied)
_CHECK_COLUMNS = ("date", "amount", "customer_id", "items", "loyalty_card", "points_earned")


def _rows(frame: pd.DataFrame, keep: pd.Series, columns: list[str] | None = None) -> pd.DataFrame:
    """frame.loc[keep, columns], without copying the rows when `keep` keeps all of them."""
    if bool(keep.all()):
        return frame if columns is None else frame[columns]
    return frame.loc[keep] if columns is None else frame.loc[keep, columns]


def program_kpis(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    points: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    config: Mapping[str, Any] | None = None,
    period: tuple[Any, Any] | None = None,
    compare_months: int | None = None,
) -> ProgramKpis:
    """Every program KPI of the analysed period, as headline numbers and monthly tables.

    Headline numbers (kpis.json `program`): counts and reach at the period end; shares, checks,
    points rates and effective accrual rate over the *program window* = [max(period start, launch
    date), period end], so that pre-launch months do not dilute member KPIs; NPS and surveys over the
    period; lfl.{yoy,mom,wow} = relative change of net revenue (see `like_for_like`).
    The launch date is program.launch_date, else the first join date.
    Missing inputs give None numbers and a reason in `skipped`; nothing raises for a missing table.
    With `compare_months`, `previous` holds `previous_headline(..., months=compare_months)`, computed
    on the same prepared tables (cheaper than a second call).
    """
    coded, coded_customers, id_labels = _integer_ids(transactions, customers)
    result = _program_kpis(coded, coded_customers, points, nps, surveys, config, period, full=True,
                           id_labels=id_labels)
    if compare_months is not None:
        earlier = _previous_period(transactions, config, period, compare_months)
        result.previous = None if earlier is None else _program_kpis(
            coded, coded_customers, points, nps, surveys, config, earlier, full=False,
            id_labels=id_labels).headline
    return result


def _integer_ids(
    transactions: pd.DataFrame, customers: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.Index | None]:
    """The two tables with each customer_id replaced by a number (float64; NaN for an empty id), and
    the ids in number order. The numbers follow the sorted order of the ids, so every KPI here,
    which only matches, counts and sorts ids, comes out the same, while grouping and matching
    numbers is many times faster than text. (None for the labels when there are no ids.)"""
    parts: list[tuple[pd.DataFrame, np.ndarray, pd.Index]] = []
    for frame in (transactions, customers):
        if frame is not None and "customer_id" in frame.columns:
            codes, uniques = pd.factorize(frame["customer_id"])
            parts.append((frame, codes, pd.Index(uniques)))
    if not parts:
        return transactions, customers, None
    labels = parts[0][2].append([uniques for _, _, uniques in parts[1:]]).unique().sort_values()
    out = {}
    for frame, codes, uniques in parts:
        numbers = labels.get_indexer(uniques).astype("float64")
        ids = np.full(len(codes), np.nan)
        ids[codes >= 0] = numbers[codes[codes >= 0]]
        out[id(frame)] = frame.assign(customer_id=ids)
    return (out.get(id(transactions), transactions),
            None if customers is None else out.get(id(customers), customers), labels)


def _program_kpis(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None,
    points: pd.DataFrame | None,
    nps: pd.DataFrame | None,
    surveys: pd.DataFrame | None,
    config: Mapping[str, Any] | None,
    period: tuple[Any, Any] | None,
    full: bool,
    id_labels: pd.Index | None = None,
) -> ProgramKpis:
    """`program_kpis`; with full=False only the headline (the monthly tables and the sentences,
    which the headline does not read, are skipped: `program_headline`). `id_labels`: the
    customer_id of transactions and customers are numbers standing for these ids (`_integer_ids`);
    survey answers keep their own ids."""
    settings = _program_config(config)
    language = str((config or {}).get("language", "en"))
    currency = str((config or {}).get("currency", ""))
    start, end = _resolve_period(transactions, period)
    point_value = settings["point_value"]
    result = ProgramKpis(headline={})
    tables, skipped, head = result.tables, result.skipped, result.headline

    joins = join_dates(customers, transactions)
    if joins is not None:
        joins = joins.loc[joins < _end_exclusive(end)]
    respondent_joins = joins  # keyed by the ids of the survey answers
    if joins is not None and id_labels is not None:
        respondent_joins = pd.Series(joins.to_numpy(), index=id_labels[joins.index.to_numpy(int)],
                                     name=joins.name)
    launch = settings["launch_date"]
    if launch is None and joins is not None and len(joins):
        launch = joins.min()
    window_start = max(start, launch.normalize()) if launch is not None else start
    if window_start > end:
        window_start = start
    in_period = _rows(transactions, _between(transactions["date"], start, end),
                      [c for c in transactions.columns if c in _CHECK_COLUMNS])
    checks = classify_checks(in_period, joins)
    program_checks = checks.loc[checks["date"] >= window_start]

    # reach ------------------------------------------------------------------------------------
    head.update(dict.fromkeys(["members", "identified_customers", "reach", "active_members",
                               "active_member_share"]))
    if joins is None:
        skipped["reach"] = (
            "No program membership in the data (customers.joined_program_at or a loyalty_card "
            "column): reach and member comparisons are not computed."
        )
        tables["members"] = tables["active_members"] = None
    else:
        # the headline reads the last month only
        active = active_members_monthly(transactions, joins, start if full else _months(start, end)[-1],
                                        end, settings["active_window_days"])
        if full:
            origin = member_origin(joins, transactions)
            tables["members"] = members_monthly(joins, origin, start, end)
            tables["active_members"] = active
        head.update(reach(joins, customers, transactions, end))
        last = active.iloc[-1]
        head["active_members"] = _int(last["active_members"])
        head["active_member_share"] = _num(last["active_share"])
        if full:
            tables["member_origin"] = (
                origin.value_counts().rename_axis("origin").reset_index(name="members")
            )

    # member shares ----------------------------------------------------------------------------
    if joins is None:
        skipped["member_share"] = skipped["reach"]
        tables["member_share"] = None
        head["member_transaction_share"] = head["member_revenue_share"] = None
    else:
        if full:
            tables["member_share"] = member_share_monthly(
                checks, start, end, launch, settings["window"], settings["z"],
                settings["min_deviation"],
            )
        head.update(member_share(program_checks))

    # checks -------------------------------------------------------------------------------------
    if full:
        tables["checks_monthly"] = check_metrics_monthly(checks)
    summary = check_metrics_summary(program_checks)
    tables["checks_summary"] = summary.reset_index()

    def metric(group: str, column: str) -> float | None:
        return _num(summary.at[group, column]) if group in summary.index else None

    head["avg_check"] = {
        "members": metric(MEMBER, "avg_check"),
        "non_members": metric(NON_MEMBER, "avg_check"),
        "anonymous": metric(ANONYMOUS, "avg_check"),
    }
    head["frequency"] = {
        "members": metric(MEMBER, "frequency"),
        "non_members": metric(NON_MEMBER, "frequency"),
    }
    head["items_per_check"] = metric("all", "items_per_check")

    # points -------------------------------------------------------------------------------------
    has_check_points = {"points_earned", "points_redeemed"} <= set(transactions.columns)
    if points is not None and len(points):
        tables["points"] = points_monthly_from_ledger(points, start, end, point_value)
        head["points_source"] = "ledger"
    elif has_check_points:
        tables["points"] = points_monthly_from_transactions(transactions, start, end, point_value)
        head["points_source"] = "transactions"
        skipped["points_balance"] = (
            "No points ledger: the redemption rate comes from points_earned / points_redeemed on "
            "the checks; breakage, outstanding balance and liability need the ledger."
        )
    else:
        tables["points"] = None
        head["points_source"] = None
        skipped["points"] = "No points ledger and no points columns on the checks."
    points_totals = points_summary(tables["points"]) if tables["points"] is not None else {}
    head["redemption_rate"] = points_totals.get("redemption_rate")
    head["breakage_rate"] = points_totals.get("breakage_rate")
    head["points_balance"] = points_totals.get("balance")
    head["points_liability"] = points_totals.get("liability")
    ledger_accrued = (
        points_totals.get("accrued") if head["points_source"] == "ledger" else None
    )
    head["effective_accrual_rate"] = effective_accrual_rate(
        program_checks, point_value, ledger_accrued
    )
    tables["effective_accrual"] = None
    if head["effective_accrual_rate"] is None:
        skipped["effective_accrual"] = "No points on the checks and no ledger: accrual rate unknown."
    elif full:
        tables["effective_accrual"] = effective_accrual_monthly(
            program_checks, point_value,
            tables["points"] if head["points_source"] == "ledger" else None,
        )

    # unsubscribes -------------------------------------------------------------------------------
    if customers is not None and "unsubscribed_at" in customers.columns:
        head["unsubscribe_rate"] = unsubscribe_rate(customers, joins, end)
        tables["unsubscribes"] = unsubscribe_monthly(customers, joins, start, end) if full else None
    else:
        head["unsubscribe_rate"] = None
        tables["unsubscribes"] = None
        skipped["unsubscribes"] = "No unsubscribe dates (customers.unsubscribed_at)."

    # NPS ----------------------------------------------------------------------------------------
    responses = nps_responses(nps, surveys)
    nps_keys = ("score", "promoters", "passives", "detractors", "ci_low", "ci_high", "responses")
    if responses is None or not _between(responses["date"], start, end).any():
        head["nps"] = dict.fromkeys(nps_keys)
        tables["nps_monthly"] = tables["nps_groups"] = None
        skipped["nps"] = "No NPS answers in the period (neither an nps table nor nps survey answers)."
    else:
        monthly, groups = _breakdowns(responses, _nps_frame_summary, respondent_joins, start, end,
                                      full)
        tables["nps_monthly"], tables["nps_groups"] = monthly, groups
        head["nps"] = {k: groups.iloc[0][k] for k in nps_keys}
        head["nps"] = {k: (_int(v) if k == "responses" else _num(v)) for k, v in head["nps"].items()}

    # surveys ------------------------------------------------------------------------------------
    survey_blocks = {
        "csat": (lambda f: csat_summary(f["answer"])),
        "awareness": (lambda f: awareness_share(f["answer"])),
        "motive": (lambda f: motive_shares(f["answer"])),
    }
    head["csat"] = {"mean": None, "satisfied_share": None}
    head["awareness"] = None
    head["motives"] = {"value": None, "brand": None, "other": None}
    for question, summarise in survey_blocks.items():
        answers = _survey_answers(surveys, question)
        if answers is None or not _between(answers["date"], start, end).any():
            tables[f"{question}_monthly"] = tables[f"{question}_groups"] = None
            skipped[question] = f"No '{question}' answers in the surveys table for the period."
            continue
        monthly, groups = _breakdowns(answers, summarise, respondent_joins, start, end, full)
        tables[f"{question}_monthly"], tables[f"{question}_groups"] = monthly, groups
        total = groups.iloc[0]
        if question == "csat":
            head["csat"] = {"mean": _num(total["mean"]), "satisfied_share": _num(total["satisfied_share"])}
        elif question == "awareness":
            head["awareness"] = _num(total["awareness"])
        else:
            head["motives"] = {k: _num(total[k]) for k in ("value", "brand", "other")}

    # spend tiers --------------------------------------------------------------------------------
    tiers = None
    if joins is not None and launch is not None:
        tiers = participation_by_spend_tier(transactions, joins, launch, end)
    tables["participation_by_tier"] = tiers
    if tiers is None:
        head["participation_by_tier"] = dict.fromkeys(["high", "middle", "low", "top_to_bottom_ratio"])
        skipped["participation_by_tier"] = (
            "Participation by spend tier needs membership, a launch date and checks before it."
        )
    else:
        rates = dict(zip(tiers["tier"], tiers["participation_rate"], strict=True))
        head["participation_by_tier"] = {k: _num(rates[k]) for k in ("high", "middle", "low")}
        head["participation_by_tier"]["top_to_bottom_ratio"] = _ratio(rates["high"], rates["low"])

    # like-for-like ------------------------------------------------------------------------------
    until_end = _rows(transactions, transactions["date"] < _end_exclusive(end))
    tables["lfl"] = like_for_like(until_end, end, settings["same_stores"])
    revenue_rows = tables["lfl"].loc[tables["lfl"]["metric"] == "revenue"].set_index("comparison")
    head["lfl"] = {c: _num(revenue_rows.at[c, "change_pct"]) for c in ("yoy", "mom", "wow")}
    if full:
        tables["monthly_yoy"] = monthly_yoy(until_end, start, end)
        result.sentences = interpretations(result, language, currency)
    return result


def program_headline(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    points: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    config: Mapping[str, Any] | None = None,
    period: tuple[Any, Any] | None = None,
) -> dict[str, Any]:
    """The `program` block of kpis.json (see `program_kpis` for the definitions): the same numbers
    as `program_kpis(...).headline`, without building the monthly tables."""
    coded, coded_customers, id_labels = _integer_ids(transactions, customers)
    return _program_kpis(coded, coded_customers, points, nps, surveys, config, period, full=False,
                         id_labels=id_labels).headline


def previous_headline(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    points: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    config: Mapping[str, Any] | None = None,
    period: tuple[Any, Any] | None = None,
    months: int = 3,
) -> dict[str, Any] | None:
    """The `program` block as it read `months` months earlier (kpis.json `program.previous`).

    Same definitions, same period start, the period end moved back by `months` calendar months: the
    report's headline tiles show each KPI's change against it. None when that end falls before the
    period start or the program launch (there was no program to compare with), or `months` < 1.
    """
    earlier = _previous_period(transactions, config, period, months)
    if earlier is None:
        return None
    return program_headline(transactions, customers, points, nps, surveys, config, earlier)


def _previous_period(
    transactions: pd.DataFrame, config: Mapping[str, Any] | None, period: tuple[Any, Any] | None,
    months: int,
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(start, end moved back by `months`) for `previous_headline`; None when there is none."""
    start, end = _resolve_period(transactions, period)
    earlier = end - pd.DateOffset(months=months)
    launch = _timestamp((config or {}).get("program", {}).get("launch_date"))
    if months < 1 or earlier < start or (launch is not None and earlier < launch):
        return None
    return start, earlier


HEADLINE_LABELS = {
    "members": "Program members",
    "reach": "Reach (members / identified customers)",
    "active_member_share": "Active members (share)",
    "member_transaction_share": "Member share of checks",
    "member_revenue_share": "Member share of revenue",
    "avg_check.members": "Average check, members",
    "avg_check.non_members": "Average check, identified non-members",
    "avg_check.anonymous": "Average check, anonymous",
    "frequency.members": "Checks per month, members",
    "frequency.non_members": "Checks per month, identified non-members",
    "items_per_check": "Items per check",
    "redemption_rate": "Redemption rate (redeemed / accrued)",
    "breakage_rate": "Breakage (expired / accrued)",
    "points_liability": "Points liability",
    "effective_accrual_rate": "Effective accrual rate",
    "unsubscribe_rate": "Members opted out of mailings",
    "nps.score": "NPS",
    "csat.mean": "CSAT (1-5)",
    "csat.satisfied_share": "CSAT: share of 4-5",
    "awareness": "Program awareness",
    "participation_by_tier.top_to_bottom_ratio": "Participation, top vs bottom spend third",
    "lfl.yoy": "Revenue YoY (last full month)",
    "lfl.mom": "Revenue MoM (last full month)",
    "lfl.wow": "Revenue WoW (last full week)",
}
_MONEY_KEYS = ("avg_check.", "points_liability")
_PLAIN_KEYS = ("members", "frequency.", "items_per_check", "csat.mean",
               "participation_by_tier.top_to_bottom_ratio")


def headline_table(headline: Mapping[str, Any], currency: str = "", language: str = "en") -> pd.DataFrame:
    """The headline numbers as a two-column table for the report (formatted text values).

    Shares as percentages, money with the currency, NPS on the usual -100..100 scale; a missing
    input shows as "n/a".
    """
    rows = []
    for key, label in HEADLINE_LABELS.items():
        value: Any = headline
        for part in key.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        number = _num(value)
        if number is None:
            text = _missing(language)
        elif key == "nps.score":
            text = _decimal(number * 100, language, 0)
        elif key.startswith(_MONEY_KEYS):
            text = _money(number, currency, language)
        elif key == "members":
            text = _count(int(number), language)
        elif key.startswith(_PLAIN_KEYS):
            text = _decimal(number, language)
        elif key.startswith("lfl."):
            text = _pct(number, 1, language, signed=True)
        else:
            text = _pct(number, 1, language)
        rows.append({"KPI": label, "value": text})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# sentences of interpretation


# Numbers in sentences and the headline table use the report's locale formats (summary module;
# imported late: summary reads kpis' number helper).
def _missing(language: str) -> str:
    return "н/д" if language == "ru" else "n/a"


def _pct(value: float | None, digits: int = 0, language: str = "en", signed: bool = False) -> str:
    from .summary import format_percent

    return _missing(language) if value is None else format_percent(value, language, digits, signed)


def _count(value: int | None, language: str = "en") -> str:
    from .summary import format_number

    return _missing(language) if value is None else format_number(value, language)


def _money(value: float | None, currency: str, language: str = "en") -> str:
    from .summary import format_money

    return _missing(language) if value is None else format_money(value, currency, language)


def _decimal(value: float | None, language: str = "en", digits: int = 2) -> str:
    from .summary import format_number

    return _missing(language) if value is None else format_number(value, language, digits)


def interpretations(result: ProgramKpis, language: str = "en", currency: str = "") -> dict[str, str]:
    """One sentence per block of the section, in English or Russian, built from the headline."""
    head, tables = result.headline, result.tables
    ru = language == "ru"
    pct = partial(_pct, language=language)
    count = partial(_count, language=language)
    money = partial(_money, language=language)
    out: dict[str, str] = {}
    if head.get("members") is not None:
        active = pct(head.get("active_member_share"))
        out["reach"] = (
            f"В программе {count(head['members'])} участников, это {pct(head['reach'])} "
            f"идентифицированных клиентов; активны (покупали в окне активности) {active}."
            if ru else
            f"The program has {count(head['members'])} members, {pct(head['reach'])} of "
            f"identified customers; {active} of them bought within the activity window."
        )
    share = tables.get("member_share")
    if share is not None:
        flagged = share.loc[
            share["transaction_share_anomaly"] | share["revenue_share_anomaly"], "month"
        ]
        months = ", ".join(f"{m:%Y-%m}" for m in flagged) or ("нет" if ru else "none")
        out["member_share"] = (
            f"Участники дают {pct(head['member_transaction_share'])} чеков и "
            f"{pct(head['member_revenue_share'])} выручки с запуска программы; месяцы с резким "
            f"отклонением доли от нормы (технический сбой или распродажа?): {months}."
            if ru else
            f"Members make {pct(head['member_transaction_share'])} of checks and "
            f"{pct(head['member_revenue_share'])} of revenue since launch; months whose share "
            f"departs sharply from its norm (a technical fault or a sale?): {months}."
        )
    avg, freq = head.get("avg_check", {}), head.get("frequency", {})
    if avg.get("members") is not None and avg.get("non_members") is not None:
        freq_members = _decimal(freq["members"] or 0, language)
        freq_non_members = _decimal(freq["non_members"] or 0, language)
        out["checks"] = (
            f"Средний чек участника {money(avg['members'], currency)} против "
            f"{money(avg['non_members'], currency)} у идентифицированных неучастников; частота "
            f"{freq_members} против {freq_non_members} чека в месяц. Участники "
            "сами выбирают вступить, поэтому разница не равна эффекту программы."
            if ru else
            f"A member's average check is {money(avg['members'], currency)} against "
            f"{money(avg['non_members'], currency)} for identified non-members, with "
            f"{freq_members} vs {freq_non_members} checks a month; members "
            "self-select, so this gap is not the program's effect (see the uplift section)."
        )
    elif avg.get("anonymous") is not None:
        summary = tables.get("checks_summary")
        known = None
        if summary is not None:
            rows = summary.set_index("buyer_group")
            known = _num(rows["avg_check"].get("identified", rows["avg_check"].get("all")))
        out["checks"] = (
            f"Средний чек идентифицированных покупателей {money(known, currency)}, анонимных "
            f"{money(avg['anonymous'], currency)}; участников программы по данным не отличить."
            if ru else
            f"The average check is {money(known, currency)} for identified buyers and "
            f"{money(avg['anonymous'], currency)} for anonymous ones; members cannot be told apart "
            "in this data."
        )
    if tables.get("points") is not None and head.get("redemption_rate") is None:
        out["points"] = ("За период баллы не начислялись." if ru
                         else "No points were accrued in the period.")
    elif head.get("redemption_rate") is not None and head.get("breakage_rate") is None:
        out["points"] = (
            f"Погашено {pct(head['redemption_rate'])} начисленных баллов (по данным чеков; без "
            "журнала баллов сгорание и остаток неизвестны)."
            if ru else
            f"Members redeemed {pct(head['redemption_rate'])} of the points accrued (from the "
            "checks; without a points ledger, expiry and the outstanding balance are unknown)."
        )
    elif head.get("redemption_rate") is not None:
        liability = money(head.get("points_liability"), currency)
        out["points"] = (
            f"Погашено {pct(head['redemption_rate'])} начисленных баллов, сгорело "
            f"{pct(head.get('breakage_rate'))}; обязательства по остатку баллов: {liability}."
            if ru else
            f"Members redeemed {pct(head['redemption_rate'])} of the points accrued and "
            f"{pct(head.get('breakage_rate'))} expired; outstanding points are a liability of "
            f"{liability}."
        )
    if head.get("effective_accrual_rate") is not None:
        rate = pct(head["effective_accrual_rate"], 1)
        out["accrual"] = (
            f"Фактический кешбэк программы: {rate} от суммы чеков, по которым она применялась."
            if ru else
            f"The program effectively gives back {rate} of the amount of the checks it was used on."
        )
    if head.get("unsubscribe_rate") is not None:
        out["unsubscribes"] = (
            f"От рассылок отписались {pct(head['unsubscribe_rate'], 1)} участников программы."
            if ru else
            f"{pct(head['unsubscribe_rate'], 1)} of program members have opted out of mailings."
        )
    nps_head = head.get("nps") or {}
    if nps_head.get("score") is not None:
        score = nps_head["score"] * 100
        low, high = nps_head["ci_low"] * 100, nps_head["ci_high"] * 100
        out["nps"] = (
            f"NPS {score:.0f} (95% интервал {low:.0f}..{high:.0f}, {nps_head['responses']} ответов): "
            f"{pct(nps_head['promoters'])} промоутеров, {pct(nps_head['detractors'])} критиков."
            if ru else
            f"NPS is {score:.0f} (95% interval {low:.0f} to {high:.0f}, {nps_head['responses']} "
            f"answers): {pct(nps_head['promoters'])} promoters, {pct(nps_head['detractors'])} "
            "detractors."
        )
    csat = head.get("csat") or {}
    if csat.get("mean") is not None:
        out["csat"] = (
            f"Удовлетворённость (CSAT) {csat['mean']:.2f} из 5, довольны (4–5) "
            f"{pct(csat['satisfied_share'])}."
            if ru else
            f"Satisfaction (CSAT) averages {csat['mean']:.2f} out of 5; "
            f"{pct(csat['satisfied_share'])} answer 4 or 5."
        )
    if head.get("awareness") is not None:
        out["awareness"] = (
            f"О программе знают {pct(head['awareness'])} опрошенных."
            if ru else f"{pct(head['awareness'])} of respondents know the program."
        )
    motives = head.get("motives") or {}
    if motives.get("value") is not None:
        out["motive"] = (
            f"Ради выгоды участвуют {pct(motives['value'])}, ради бренда {pct(motives['brand'])}: "
            "если преобладает выгода, стоит укреплять эмоциональную связь с брендом."
            if ru else
            f"{pct(motives['value'])} take part for the value and {pct(motives['brand'])} for the "
            "brand; where value dominates, the brand bond needs work."
        )
    tiers = head.get("participation_by_tier") or {}
    if tiers.get("high") is not None:
        ratio = tiers.get("top_to_bottom_ratio")
        ratio_text = "n/a" if ratio is None else f"{ratio:.1f}"
        out["tiers"] = (
            f"Вступили {pct(tiers['high'])} крупных, {pct(tiers['middle'])} средних и "
            f"{pct(tiers['low'])} мелких покупателей: в {ratio_text} раза чаще сверху, чем снизу "
            "(по исследованиям — около 4)."
            if ru else
            f"{pct(tiers['high'])} of high spenders joined, {pct(tiers['middle'])} of middle and "
            f"{pct(tiers['low'])} of low: the top third joins {ratio_text}x as often as the bottom "
            "(the seed's benchmark is about 4x)."
        )
    lfl = head.get("lfl") or {}
    if any(v is not None for v in lfl.values()):
        parts = [f"{k.upper()} {pct(v, 1) if v is None else f'{v * 100:+.1f}%'}" for k, v in lfl.items()]
        out["lfl"] = (
            "Выручка в сопоставимых периодах: " + ", ".join(parts)
            + "; это общий тренд, а не эффект программы."
            if ru else
            "Revenue on comparable periods: " + ", ".join(parts)
            + "; this is the overall trend, not the program's effect."
        )
    return out


# --------------------------------------------------------------------------------------------
# charts (each returns a new Figure; the notebook shows and closes it)


def _figure(rows: int = 1, height: float = 3.6) -> tuple[Figure, list]:
    fig = Figure(figsize=(10, height * rows), layout="constrained")
    axes = [fig.add_subplot(rows, 1, i + 1) for i in range(rows)]
    return fig, axes


def _percent_axis(ax) -> None:
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    low, high = ax.get_ylim()
    ax.set_ylim(min(0.0, low), high + 0.05 * (high - min(0.0, low)))


def _amount_axis(ax) -> None:
    """Plain numbers with a thin-space thousands separator (no 1e6 offset)."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", " ")))


GROUP_LABELS = {MEMBER: "members", NON_MEMBER: "identified non-members", ANONYMOUS: "anonymous",
                "identified": "identified customers"}


def plot_members(members: pd.DataFrame, active: pd.DataFrame) -> Figure:
    """New members per month by origin (bars) and members vs active members (lines)."""
    fig, (top, bottom) = _figure(2)
    width = 20
    top.bar(members["month"], members["new_from_existing"], width=width, color=PALETTE[0],
            label="existing customers")
    top.bar(members["month"], members["new_from_new"], width=width, color=PALETTE[2],
            bottom=members["new_from_existing"], label="new customers")
    top.set(title="New members per month, by origin", ylabel="members")
    top.legend()
    long = pd.concat([
        members[["month"]].assign(value=members["cumulative_members"], series="members"),
        active[["month"]].assign(value=active["active_members"], series="active members"),
    ])
    sns.lineplot(data=long, x="month", y="value", hue="series", marker="o", ax=bottom)
    bottom.legend(title=None)
    bottom.set(title="Members and active members at month end", ylabel="customers", xlabel="")
    return fig


def plot_member_share(share: pd.DataFrame) -> Figure:
    """Member share of checks and of revenue per month; flagged months marked in red."""
    fig, (ax,) = _figure()
    long = share.melt(id_vars="month", value_vars=["transaction_share", "revenue_share"],
                      var_name="share", value_name="value")
    long["share"] = long["share"].map({"transaction_share": "of checks", "revenue_share": "of revenue"})
    sns.lineplot(data=long, x="month", y="value", hue="share", marker="o", ax=ax)
    top = float(long["value"].max()) if long["value"].notna().any() else 1.0
    ax.set_ylim(0, min(1.0, top * 1.2) or 1.0)
    for column in ("transaction_share", "revenue_share"):
        flagged = share.loc[share[f"{column}_anomaly"]]
        ax.scatter(flagged["month"], flagged[column], s=120, facecolors="none", edgecolors=PALETTE[1],
                   linewidths=2, zorder=5, label="sharp deviation" if column == "transaction_share" else None)
    ax.set(title="Member share of checks and revenue", ylabel="share", xlabel="")
    _percent_axis(ax)
    ax.legend()
    return fig


def plot_check_metrics(monthly: pd.DataFrame) -> Figure:
    """Average check, frequency and items per check per month: members vs non-members vs anonymous."""
    fig, axes = _figure(3, 3.0)
    titles = {"avg_check": "Average check", "frequency": "Checks per buying customer per month",
              "items_per_check": "Items per check"}
    for ax, (column, title) in zip(axes, titles.items(), strict=True):
        data = monthly.dropna(subset=[column])
        data = data.assign(buyers=data["buyer_group"].map(GROUP_LABELS))
        order = [GROUP_LABELS[g] for g in GROUP_LABELS if g in set(data["buyer_group"])]
        if len(data):
            sns.lineplot(data=data, x="month", y=column, hue="buyers", hue_order=order,
                         marker="o", ax=ax)
            ax.legend(title=None)
        ax.set(title=title, ylabel="", xlabel="")
        if column == "avg_check":
            _amount_axis(ax)
    return fig


def plot_points(points: pd.DataFrame) -> Figure:
    """Points accrued / redeemed / expired per month, cumulative rates, and liability."""
    fig, (top, middle, bottom) = _figure(3, 3.0)
    active = points[["accrued", "redeemed", "expired", "balance"]].fillna(0).abs().sum(axis=1) > 0
    if active.any():  # from the first month with any points activity
        points = points.loc[active.idxmax():]
    long = points.melt(id_vars="month", value_vars=["accrued", "redeemed", "expired"],
                       var_name="flow", value_name="points").dropna()
    long["month"] = long["month"].dt.strftime("%Y-%m")
    sns.barplot(data=long, x="month", y="points", hue="flow", ax=top)
    top.tick_params(axis="x", labelrotation=90)
    top.set(title="Points per month", xlabel="")
    top.legend(title=None)
    _amount_axis(top)
    rates = points.melt(id_vars="month",
                        value_vars=["cumulative_redemption_rate", "cumulative_breakage_rate"],
                        var_name="rate", value_name="value").dropna()
    rates["rate"] = rates["rate"].map({"cumulative_redemption_rate": "redeemed / accrued",
                                       "cumulative_breakage_rate": "expired / accrued"})
    if len(rates):
        sns.lineplot(data=rates, x="month", y="value", hue="rate", marker="o", ax=middle)
        middle.legend(title=None)
    middle.set(title="Cumulative redemption and breakage rates since the period start",
               ylabel="", xlabel="")
    _percent_axis(middle)
    if points["liability"].notna().any():
        sns.lineplot(data=points, x="month", y="liability", marker="o", ax=bottom)
    bottom.set(title="Outstanding points liability at month end (balance x point value)",
               xlabel="", ylabel="money")
    _amount_axis(bottom)
    return fig


def plot_rate(
    table: pd.DataFrame, column: str, title: str, percent: bool = True,
    limits: tuple[float, float] | None = None,
) -> Figure:
    """A single monthly rate as a line (effective accrual rate, awareness, CSAT, ...); `limits`
    fixes the y range (e.g. (1, 5) for CSAT)."""
    fig, (ax,) = _figure()
    data = table.dropna(subset=[column])
    sns.lineplot(data=data, x="month", y=column, marker="o", ax=ax)
    ax.set(title=title, ylabel="", xlabel="")
    if percent:
        _percent_axis(ax)
    else:
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    if limits is not None:
        ax.set_ylim(*limits)
    return fig


def plot_unsubscribes(monthly: pd.DataFrame) -> Figure:
    """Opt-outs per month (bars) and the cumulative share of members who opted out (line)."""
    fig, (top, bottom) = _figure(2, 3.0)
    top.bar(monthly["month"], monthly["unsubscribes"], width=20, color=PALETTE[0])
    top.set(title="Opt-outs from mailings per month", ylabel="customers")
    sns.lineplot(data=monthly.dropna(subset=["cumulative_unsubscribe_rate"]), x="month",
                 y="cumulative_unsubscribe_rate", marker="o", ax=bottom)
    bottom.set(title="Share of members who have opted out", ylabel="", xlabel="")
    _percent_axis(bottom)
    return fig


def plot_nps(monthly: pd.DataFrame) -> Figure:
    """Monthly NPS (-100..100) with its 95% interval, and the shares of each answer group."""
    fig, (top, bottom) = _figure(2)
    data = monthly.dropna(subset=["score"])
    top.fill_between(data["month"], data["ci_low"] * 100, data["ci_high"] * 100, alpha=0.25,
                     label="95% interval")
    sns.lineplot(x=data["month"], y=data["score"] * 100, marker="o", ax=top, label="NPS")
    top.axhline(0, color="grey", linewidth=0.8)
    top.set(title="NPS per month", ylabel="NPS", xlabel="")
    base = np.zeros(len(data))
    for column, color in (("detractors", PALETTE[1]), ("passives", PALETTE[6]),
                          ("promoters", PALETTE[3])):
        bottom.bar(data["month"], data[column], width=20, bottom=base, color=color, label=column)
        base = base + data[column].to_numpy(dtype=float)
    bottom.set(title="Answer composition", xlabel="")
    _percent_axis(bottom)
    bottom.legend(loc="upper left")
    return fig


def plot_motives(monthly: pd.DataFrame) -> Figure:
    """Monthly shares of motives for joining (value / brand / other)."""
    fig, (ax,) = _figure()
    long = monthly.melt(id_vars="month", value_vars=["value", "brand", "other"],
                        var_name="motive", value_name="share").dropna()
    sns.lineplot(data=long, x="month", y="share", hue="motive", marker="o", ax=ax)
    ax.set(title="Why members take part", ylabel="share of answers", xlabel="")
    _percent_axis(ax)
    return fig


def plot_participation(tiers: pd.DataFrame) -> Figure:
    """Participation rate by pre-launch spend tier."""
    fig, (ax,) = _figure()
    sns.barplot(data=tiers, x="tier", y="participation_rate", order=["low", "middle", "high"], ax=ax)
    ax.set(title="Share of customers who joined, by spend before launch", ylabel="joined",
           xlabel="spend tier (thirds)")
    _percent_axis(ax)
    return fig


def plot_monthly_yoy(yoy: pd.DataFrame) -> Figure:
    """Net revenue per month against the same month a year earlier (months with a comparison
    only, when there are any)."""
    fig, (ax,) = _figure()
    compared = yoy.dropna(subset=["revenue_year_ago"])
    long = (compared if len(compared) else yoy).melt(
        id_vars="month", value_vars=["revenue", "revenue_year_ago"], var_name="series",
        value_name="amount").dropna()
    long["series"] = long["series"].map({"revenue": "this year", "revenue_year_ago": "a year earlier"})
    sns.lineplot(data=long, x="month", y="amount", hue="series", marker="o", ax=ax)
    ax.set(title="Revenue per month vs the same month a year earlier", ylabel="revenue", xlabel="")
    ax.legend(title=None)
    _amount_axis(ax)
    return fig

"""Reach: members, where they came from, active members, and members / identified customers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.numbers import ratio
from .dates import end_exclusive, month_last_day, month_start, months_between
from .groups import customer_ids, distinct, factorize, join_day_of


def member_origin(joins: pd.Series, transactions: pd.DataFrame) -> pd.Series:
    """Where each member came from: "existing" or "new" customer, indexed like `joins`.

    existing = the customer had a check (amount > 0) dated before the join day: the program enrolled
    someone who already bought; new = joined on or before the day of their first purchase (the
    program came with the first visit). A registration without purchases does not make a customer
    existing: many systems create the account when the customer signs up for the program.
    (`origin_of` the customers' `first_purchases`.)
    """
    return origin_of(joins, first_purchases(transactions))


def first_purchases(transactions: pd.DataFrame) -> pd.DataFrame:
    """customer_id, first_purchase: the day of each identified customer's first check (amount > 0)."""
    customer = customer_ids(transactions)
    buys = (customer.notna() & (transactions["amount"] > 0)).to_numpy()
    codes, uniques = factorize(customer[buys])
    first = transactions["date"][buys].groupby(codes).min()
    return pd.DataFrame({"customer_id": uniques[first.index.to_numpy()],
                         "first_purchase": first.dt.normalize().to_numpy()})


def origin_of(joins: pd.Series, firsts: pd.DataFrame) -> pd.Series:
    """`member_origin` from the `first_purchases` rows of every customer."""
    first_check = pd.Series(firsts["first_purchase"].to_numpy(), index=firsts["customer_id"].to_numpy())
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
    months = months_between(start, end)
    frame = pd.DataFrame({"month": month_start(joins)})
    frame["origin"] = origin.reindex(joins.index) if origin is not None else "unknown"
    counts = frame.groupby(["month", "origin"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=months, fill_value=0)
    sorted_joins = np.sort(joins.to_numpy(dtype="datetime64[ns]"))
    cumulative = [
        int(np.searchsorted(sorted_joins, np.datetime64(month_last_day(m, end)), side="right"))
        for m in months
    ]
    out = pd.DataFrame({"month": months})
    out["new_members"] = counts.sum(axis=1).to_numpy(dtype=int)
    out["new_from_existing"] = counts.get("existing", pd.Series(0, index=months)).to_numpy()
    out["new_from_new"] = counts.get("new", pd.Series(0, index=months)).to_numpy()
    out["cumulative_members"] = cumulative
    return out


def active_members_of(parts: pd.DataFrame) -> pd.DataFrame:
    """`active_members_monthly` from its rows for several sets of whole customers (concatenated): the
    active members add up, the members are the same in each."""
    if parts.empty:
        return parts
    out = parts.groupby("month", sort=True).agg(members=("members", "first"),
                                                active_members=("active_members", "sum")).reset_index()
    out["active_share"] = [a / m if m else np.nan for a, m in zip(out["active_members"], out["members"],
                                                                   strict=True)]
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
    customer = customer_ids(transactions)
    joined = join_day_of(customer, joins).to_numpy()
    buys = ((transactions["amount"] > 0) & customer.notna()).to_numpy() & ~np.isnat(joined)
    codes, _ = factorize(customer[buys])  # the members who bought, numbered
    member_join = np.full(codes.max() + 1 if len(codes) else 0, np.datetime64("NaT"), "datetime64[ns]")
    member_join[codes] = joined[buys]
    dates = transactions["date"].to_numpy(dtype="datetime64[ns]")[buys]
    order = np.argsort(dates, kind="stable")
    dates, codes = dates[order], codes[order]
    join_values = joins.to_numpy(dtype="datetime64[ns]")
    rows = []
    for month in months_between(start, end):
        day = month_last_day(month, end)
        upper = np.datetime64(end_exclusive(day))
        lower = np.datetime64(end_exclusive(day) - pd.Timedelta(days=int(window_days)))
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
    return reach_of(joins, customers, known_ids(transactions, as_of)["customer_id"], as_of)


def known_ids(transactions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """customer_id: the distinct customers with a check dated on or before `as_of` (a per-customer
    part)."""
    customer = customer_ids(transactions)
    known = customer[customer.notna() & (transactions["date"] < end_exclusive(as_of.normalize()))]
    return pd.DataFrame({"customer_id": known.unique()})


def reach_of(joins: pd.Series, customers: pd.DataFrame | None, check_ids: pd.Series,
             as_of: pd.Timestamp) -> dict[str, float | int | None]:
    """`reach` from the `known_ids` of every customer (`check_ids`)."""
    day = as_of.normalize()
    members = joins.index[(joins <= day).to_numpy()]
    parts = [members, check_ids]
    if customers is not None and "customer_id" in customers.columns:
        known = customers["customer_id"].notna()
        if "registered_at" in customers.columns:
            registered = customers["registered_at"]
            known &= registered.isna() | (registered < end_exclusive(day))
        parts.append(customers.loc[known, "customer_id"])
    members_count, identified = distinct(members), distinct(*parts)
    return {
        "members": members_count,
        "identified_customers": identified,
        "reach": ratio(members_count, identified),
    }

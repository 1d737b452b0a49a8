"""Unsubscribes: members who opted out of mailings, per month and as a share of members."""

from __future__ import annotations

import pandas as pd

from ...core.numbers import ratio
from .dates import between, end_exclusive, month_last_day, months_between
from .groups import join_day_of


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
    `joined`: the customers' join days when already looked up (`join_day_of`)."""
    if joins is not None:
        if joined is None:
            joined = join_day_of(customers["customer_id"], joins)
        return (joined <= day.normalize()).fillna(False).astype(bool)
    base = _contactable(customers)
    if "registered_at" in customers.columns:
        registered = customers["registered_at"]
        base &= registered.isna() | (registered < end_exclusive(day))
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
    left = base & (customers["unsubscribed_at"] < end_exclusive(as_of)).fillna(False)
    return ratio(left.sum(), base.sum())


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
    joined = join_day_of(customers["customer_id"], joins) if joins is not None else None
    rows = []
    for month in months_between(start, end):
        first, last = max(month, start.normalize()), month_last_day(month, end)
        base = _unsubscribe_base(customers, joins, last, joined)
        subscribed = base & ~(unsub < first.normalize()).fillna(False)
        left = subscribed & between(unsub, first, last).fillna(False)
        rows.append(
            {
                "month": month,
                "subscribed": int(subscribed.sum()),
                "unsubscribes": int(left.sum()),
                "monthly_unsubscribe_rate": ratio(left.sum(), subscribed.sum()),
                "cumulative_unsubscribe_rate": _unsubscribe_rate(customers, joins, last, joined),
            }
        )
    out = pd.DataFrame(rows)
    for column in ("monthly_unsubscribe_rate", "cumulative_unsubscribe_rate"):
        out[column] = out[column].astype(float)
    return out

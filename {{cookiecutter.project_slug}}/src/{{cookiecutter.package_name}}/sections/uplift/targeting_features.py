"""Campaign targeting, part 1: what is known about each customer before a campaign is sent.

`customer_features(history, ids, as_of)` gives one row per customer id, every column computed from data
dated strictly before ``as_of`` (the send day, or the day after the period for the next campaign):

* recency_days = as_of - day of the last check (NaN: no check yet);
* frequency_90, frequency_365 = checks in the 90 / 365 days before as_of;
* monetary_365 = net revenue of those 365 days; average_check = monetary_365 / frequency_365;
* tenure_days = as_of - first known day (registration or first check, whichever is earlier);
* member = 1 when joined_program_at < as_of, else 0 (NaN: membership unknown);
  membership_days = as_of - joined_program_at for members;
* points_balance = accruals + adjustments - redemptions - expiry dated before as_of (NaN: no ledger);
* earlier_campaigns, earlier_responses = campaigns sent before as_of in which the customer was in the
  treatment group, and those in whose window they bought (NaN: no campaign history);
* region, tier = the customers table's values as categories (absent columns are left out).

The raw recency, frequency and monetary values stand in for the RFM scores: the learners are trees,
which only use the order of a feature, and quantile scores keep that order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from ...core.keys import is_in, positions_in
from .checks import Checks

CATEGORIES = ("region", "tier")
POINT_SIGNS = {"accrual": 1.0, "adjustment": 1.0, "redemption": -1.0, "expiry": -1.0}


@dataclass(frozen=True)
class History:
    """The tables features are computed from: the checks (`checks.Checks`: in memory, or a big client's
    buckets), customers and points (None when not provided) and the campaign outcomes
    (`campaign_outcomes`, None without campaigns)."""

    checks: Checks
    customers: pd.DataFrame | None
    points: pd.DataFrame | None
    outcomes: pd.DataFrame | None
    # `prefetch`ed: by as_of day, the customers asked for and their `known_features` rows
    known: dict[pd.Timestamp, tuple[pd.Index, pd.DataFrame]] = field(default_factory=dict)

    @classmethod
    def of(cls, transactions: pd.DataFrame | Checks, customers: pd.DataFrame | None,
           points: pd.DataFrame | None, outcomes: pd.DataFrame | None) -> History:
        """History from the section's tables (customer ids as strings throughout)."""
        if customers is not None and "customer_id" in customers:
            customers = customers.assign(customer_id=customers["customer_id"].astype(str))
            customers = customers.drop_duplicates("customer_id").set_index("customer_id")
        if points is not None and len(points):
            points = points.assign(customer_id=points["customer_id"].astype(str))
        return cls(Checks.of(transactions), customers, points, outcomes)

    def prefetch(self, wanted: dict[pd.Timestamp, pd.Index]) -> None:
        """The `known_features` rows of the customers wanted at each as_of day, from one pass over the
        checks (a big client's buckets are read once for every campaign); `check_features` reads them."""
        wanted = {day: ids for day, ids in wanted.items() if day not in self.known}
        if wanted:
            rows = self.checks.per_customer(partial(known_features_at, wanted=wanted))
            for k, (day, ids) in enumerate(wanted.items()):
                found = rows[rows["request"] == k].drop(columns="request").set_index("customer_id")
                self.known[day] = (_ids(ids), found)

    def known_rows(self, ids: pd.Index | None, as_of: pd.Timestamp) -> pd.DataFrame:
        """The `known_features` rows, by customer id, of the customers `ids` (None: every identified
        customer), computed per customer (bucket by bucket for a big client), or `prefetch`'s."""
        asked, rows = self.known.get(as_of, (None, None)) if ids is not None else (None, None)
        if asked is None or not is_in(pd.Series(ids), pd.Series(asked)).all():
            rows = self.checks.per_customer(partial(known_features, ids=ids, as_of=as_of))
            rows = rows.set_index("customer_id")
        return rows

    def check_features(self, ids: pd.Index | None, as_of: pd.Timestamp) -> pd.DataFrame:
        """Check features (recency_days, frequency_90, frequency_365, monetary_365, average_check,
        first_day) of the customers `ids` (None: every identified customer, in id order)."""
        rows = self.known_rows(ids, as_of)
        return filled_features(rows, _ids(rows.index.sort_values() if ids is None else ids), as_of)


def _days(later: pd.Timestamp, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days.astype(float)


def known_features(checks: pd.DataFrame, ids: pd.Index | None, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per customer of the identified `checks` among `ids` (None: every customer of `checks`):
    last_day, first_day, frequency_90, frequency_365, monetary_365 of their checks before as_of
    (customers in `ids` without such a check are left out; with ids None they have empty values)."""
    if ids is not None:
        checks = checks[is_in(checks["customer_id"], pd.Series(ids)).to_numpy()]  # core.keys
    known = checks[checks["day"] < as_of]
    recent = known[known["day"] >= as_of - pd.Timedelta(days=365)].groupby("customer_id", observed=True)
    quarter = known[known["day"] >= as_of - pd.Timedelta(days=90)].groupby("customer_id").size()
    by = known.groupby("customer_id", observed=True)["day"]
    out = pd.DataFrame({"last_day": by.max(), "first_day": by.min()})
    out["frequency_90"] = quarter.reindex(out.index, fill_value=0).astype(float)
    out["frequency_365"] = recent.size().reindex(out.index, fill_value=0).astype(float)
    out["monetary_365"] = recent["amount"].sum().reindex(out.index, fill_value=0.0)
    if ids is None:
        out = out.reindex(pd.Index(checks["customer_id"].unique(), name="customer_id"))
    out.index.name = "customer_id"
    return out.reset_index()


def known_features_at(checks: pd.DataFrame, wanted: dict[pd.Timestamp, pd.Index]) -> pd.DataFrame:
    """`known_features` of each (as_of day, customer ids) of `wanted`, numbered in column ``request``."""
    return pd.concat([known_features(checks, ids, day).assign(request=k)
                      for k, (day, ids) in enumerate(wanted.items())], ignore_index=True)


def filled_features(rows: pd.DataFrame, ids: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    """recency_days, frequency_90, frequency_365, monetary_365, average_check, first_day of the
    customers `ids` in that order, from their `known_features` rows (by customer id; a customer
    without a check before as_of: no recency, no first day, no checks)."""
    rows = rows.reindex(ids)
    out = pd.DataFrame(index=ids)
    out["recency_days"] = _days(as_of, rows["last_day"])
    for name in ("frequency_90", "frequency_365", "monetary_365"):
        out[name] = rows[name].fillna(0.0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["average_check"] = (out["monetary_365"] / out["frequency_365"]).where(out["frequency_365"] > 0)
    out["first_day"] = rows["first_day"]
    return out


def _ids(values: pd.Index | np.ndarray) -> pd.Index:
    return pd.Index(pd.unique(np.asarray(values, dtype=object)), name="customer_id")


def customer_columns(table: pd.DataFrame | None, first_day: pd.Series, as_of: pd.Timestamp,
                     categories: dict[str, list[str]]) -> pd.DataFrame:
    """tenure_days, member, membership_days and the categories (`categories_of`) of the customers
    table's rows `table` (one per customer of `first_day`, in its order; None: no customers table)."""
    out = pd.DataFrame(index=first_day.index)
    first = first_day
    if table is not None and "registered_at" in table:
        registered = pd.Series(table["registered_at"].to_numpy(), index=out.index)
        first = pd.concat([first, registered.where(registered < as_of)], axis=1).min(axis=1)
    out["tenure_days"] = _days(as_of, pd.to_datetime(first))
    if table is not None and "joined_program_at" in table:
        joined = pd.Series(table["joined_program_at"].to_numpy(), index=out.index)
        member = joined.notna() & (joined < as_of)
        out["member"] = member.astype(float)
        out["membership_days"] = _days(as_of, joined).where(member)
    for name, values in categories.items():
        out[name] = pd.Categorical(table[name].astype("string").to_numpy(), categories=values)
    return out


def categories_of(customers: pd.DataFrame | None) -> dict[str, list[str]]:
    """The values of each column of CATEGORIES in the customers table, in order."""
    if customers is None:
        return {}
    return {name: sorted(customers[name].dropna().astype(str).unique())
            for name in CATEGORIES if name in customers}


def rows_at(table: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows of `table` at `positions`, -1 giving a row of missing values (a `reindex` by positions
    found once, `core.keys`: not a hash of millions of text ids for every block of customers)."""
    return pd.DataFrame({name: pd.api.extensions.take(table[name].array, positions, allow_fill=True)
                         for name in table.columns})


def points_balance(points: pd.DataFrame | None, ids: pd.Index, as_of: pd.Timestamp) -> pd.Series:
    """Signed sum of the ledger's points dated before as_of (0 for ids without rows; NaN: no ledger)."""
    if points is None or not len(points):
        return pd.Series(np.nan, index=ids)
    # positions and signs as arrays, not a copy of the ledger's rows: a big client's target list asks
    # for all of its millions of customers against tens of millions of ledger rows
    customers = ids if isinstance(ids.dtype, pd.StringDtype) else pd.Index(ids, dtype="string")
    position = positions_in(customers)(points["customer_id"])
    keep = (position >= 0) & (points["date"] < as_of).to_numpy()
    kinds, kind = pd.factorize(points["kind"])
    sign = np.append(pd.Series(kind).map(POINT_SIGNS).astype(float).to_numpy(), np.nan)[kinds]
    signed = pd.Series(points["points"].to_numpy(float)[keep] * sign[keep])
    sums = signed.groupby(position[keep]).sum()  # in ledger order within a customer, as before
    out = np.zeros(len(ids))
    out[sums.index.to_numpy()] = sums.to_numpy()
    return pd.Series(out, index=ids)


def campaign_counts(outcomes: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """earlier_campaigns and earlier_responses by customer id, of the customers in the treatment group
    of a campaign sent before as_of (None: no such campaign)."""
    earlier = None if outcomes is None else outcomes[(outcomes["sent_day"] < as_of)
                                                      & (outcomes["group"] == "treatment")]
    if earlier is None or not len(earlier):
        return None
    by = earlier.groupby("customer_id")
    return pd.DataFrame({"earlier_campaigns": by.size(), "earlier_responses": by["responded"].sum()})


def campaign_history(outcomes: pd.DataFrame | None, ids: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    """earlier_campaigns and earlier_responses (`campaign_counts`) of the customers `ids`."""
    out = pd.DataFrame(index=ids)
    counts = campaign_counts(outcomes, as_of)
    if counts is None:
        return out
    for name in ("earlier_campaigns", "earlier_responses"):
        out[name] = counts[name].reindex(ids, fill_value=0).astype(float)
    return out


def customer_features(history: History, ids: pd.Index | None, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every feature (module docstring) of the customers `ids` (strings; None: every identified
    customer, in id order) known before `as_of`."""
    checks = history.check_features(None if ids is None else _ids(ids), as_of)
    ids = checks.index
    table = history.customers.reindex(ids) if history.customers is not None else None
    columns = customer_columns(table, checks.pop("first_day"), as_of, categories_of(history.customers))
    out = pd.concat([checks, columns, campaign_history(history.outcomes, ids, as_of)], axis=1)
    if history.points is not None:
        out["points_balance"] = points_balance(history.points, ids, as_of)
    return out


def every_customer_features(history: History, as_of: pd.Timestamp, rows: int) -> Iterator[pd.DataFrame]:
    """`customer_features` of every identified customer, in id order, `rows` customers at a time (the
    same rows): a big client's millions of customers would hold gigabytes of features at once. What
    every block reads (the checks' rows, points balances, campaign counts) is taken once."""
    known = history.known_rows(None, as_of).sort_index()
    ids = known.index
    balance = points_balance(history.points, ids, as_of) if history.points is not None else None
    counts = campaign_counts(history.outcomes, as_of)
    counted = None if counts is None else positions_in(_text(counts.index))(ids)
    customers, categories = history.customers, categories_of(history.customers)
    if customers is not None:  # the columns `customer_columns` reads, and each customer's row
        read = ("registered_at", "joined_program_at", *categories)
        customers = customers[[c for c in read if c in customers]]
        found = positions_in(_text(customers.index))(ids)
    for start in range(0, len(ids), max(1, rows)):
        block = slice(start, start + rows)
        checks = filled_features(known.iloc[block], ids[block], as_of)
        table = rows_at(customers, found[block]) if customers is not None else None
        out = pd.concat([checks, customer_columns(table, checks.pop("first_day"), as_of, categories)], axis=1)
        if counted is not None:
            for name in ("earlier_campaigns", "earlier_responses"):
                out[name] = pd.api.extensions.take(counts[name].to_numpy(float), counted[block],
                                                   allow_fill=True, fill_value=0.0)
        if balance is not None:
            out["points_balance"] = balance.to_numpy()[block]
        yield out


def _text(ids: pd.Index) -> pd.Index:
    return ids if isinstance(ids.dtype, pd.StringDtype) else pd.Index(ids, dtype="string")

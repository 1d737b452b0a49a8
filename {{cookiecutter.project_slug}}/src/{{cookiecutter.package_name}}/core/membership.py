"""Who is a member, and since when: one rule and one set of group labels for every section.

The rule
--------
A customer is a program member from their join day:

1. ``customers.joined_program_at`` when the customers table has that column (an empty cell = not a
   member, so a column with no dates at all means nobody joined; the earliest date when a customer is
   listed twice);
2. otherwise the day of the customer's first check with ``loyalty_card`` true (the till identified
   the card or phone: the customer was in the program by then);
3. otherwise membership is unknown: `join_dates` returns None and every member part of every section
   skips with `UNKNOWN_REASON`.

Join days are calendar days (times dropped). A customer is a member *on* a day when their join day is
on or before it; "members at the end of the period" are members on the period's last day.

Group labels
------------
``members``, ``non_members`` (identified customers who are not members on that day) and
``anonymous`` (checks without a customer id), the same strings in every table and kpis.json block;
``identified`` labels identified checks when membership is unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .keys import positions_in

MEMBERS = "members"
NON_MEMBERS = "non_members"
ANONYMOUS = "anonymous"
IDENTIFIED = "identified"
GROUPS = (MEMBERS, NON_MEMBERS, ANONYMOUS)

UNKNOWN_REASON = ("membership is unknown: the customers table has no join dates "
                  "(joined_program_at) and the checks carry no loyalty_card flag")


def join_dates(customers: pd.DataFrame | None,
               transactions: pd.DataFrame | None = None) -> pd.Series | None:
    """Join day of every member (datetime64[ns], normalised), indexed by customer_id as string;
    non-members are absent. None when membership is unknown (module docstring: the rule)."""
    if customers is not None and {"customer_id", "joined_program_at"} <= set(customers.columns):
        known = customers.loc[customers["customer_id"].notna() & customers["joined_program_at"].notna(),
                              ["customer_id", "joined_program_at"]]
        days = pd.to_datetime(known["joined_program_at"]).dt.normalize().astype("datetime64[ns]")
        joined = days.groupby(known["customer_id"].astype("string")).min()
    elif transactions is not None and {"loyalty_card", "customer_id"} <= set(transactions.columns):
        card = transactions["loyalty_card"].fillna(False).astype(bool)
        carded = transactions.loc[card & transactions["customer_id"].notna(), ["customer_id", "date"]]
        days = pd.to_datetime(carded["date"]).dt.normalize().astype("datetime64[ns]")
        joined = days.groupby(carded["customer_id"].astype("string")).min()
    else:
        return None
    joined.index.name = "customer_id"
    return joined.rename("joined_program_at")


def join_day_array(customer_ids: pd.Index | pd.Series, joins: pd.Series) -> np.ndarray:
    """Join day of each id as datetime64[D] (NaT = not a member): joins.reindex(ids), by `core.keys`
    (a big client's buckets look millions of ids up in the same join days)."""
    position = positions_in(joins.index)(pd.Index(customer_ids).astype("string"))
    days = np.append(joins.to_numpy("datetime64[D]"), np.datetime64("NaT", "D"))
    return days[position]  # position -1 (not a member): the NaT appended


def is_member_on(customer_ids: pd.Index | pd.Series, joins: pd.Series, day: pd.Timestamp) -> np.ndarray:
    """For each id: joined on or before `day` (False for ids that never joined)."""
    return join_day_array(customer_ids, joins) <= np.datetime64(pd.Timestamp(day).normalize().date(), "D")


def groups_on(customer_ids: pd.Index | pd.Series, joins: pd.Series, day: pd.Timestamp) -> pd.Series:
    """`members` / `non_members` per id on `day`, indexed by the ids (as given)."""
    member = is_member_on(customer_ids, joins, day)
    return pd.Series(np.where(member, MEMBERS, NON_MEMBERS), index=pd.Index(customer_ids))

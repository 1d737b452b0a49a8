"""Days, months and customer codes shared by the retention measures (activity, cohorts, joining)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.checks import as_identified
from ...core.keys import positions_in
from ...core.membership import MEMBERS, NON_MEMBERS, is_member_on

ALL = "all"
GROUPS = (ALL, MEMBERS, NON_MEMBERS)


def month_end(day: pd.Timestamp) -> pd.Timestamp:
    return (pd.Timestamp(day).normalize() + pd.offsets.MonthEnd(0))


def last_full_month_end(end: pd.Timestamp) -> pd.Timestamp:
    """`end` itself when it is the last day of a month, else the last day of the previous month."""
    end = pd.Timestamp(end).normalize()
    return end if end == month_end(end) else end - pd.offsets.MonthEnd(1)


def day_range(checks: pd.DataFrame, start: pd.Timestamp | None,
              end: pd.Timestamp | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The analysed period's first and last day: `start` / `end`, else the checks' own first / last day."""
    first = pd.Timestamp(start).normalize() if start is not None else checks["day"].min()
    last = pd.Timestamp(end).normalize() if end is not None else checks["day"].max()
    return first, last


def positions(values: pd.Index, index: pd.Index) -> np.ndarray:
    """Position in `index` (unique) of each of the distinct `values`, -1 when absent. Used on the
    distinct ids of a factorized column: each id is looked up once, by hashing (pandas' isin on
    Arrow strings converts every id of a long column to a Python object)."""
    if values.dtype != index.dtype:
        values, index = values.astype(object), index.astype(object)
    return positions_in(index)(values)


def row_positions(codes: np.ndarray, per_code: np.ndarray) -> np.ndarray:
    """`per_code` value of each row's code; -1 for rows without a code (-1)."""
    return np.append(per_code, -1)[codes]


def group_names(joins: pd.Series | None) -> tuple[str, ...]:
    """The groups `customer_groups` splits customers into: members and non_members, or all when
    membership is unknown (`joins` None)."""
    return (ALL,) if joins is None else (MEMBERS, NON_MEMBERS)


def customer_groups(transactions: pd.DataFrame, joins: pd.Series | None,
                    day: pd.Timestamp) -> dict[str, pd.Index | None]:
    """Identified customer ids split into members / non_members on `day` (`core.membership`);
    {"all": None} when membership is unknown (`joins` None; None = no restriction)."""
    if joins is None:
        return {ALL: None}
    ids = pd.Index(as_identified(transactions)["customer_id"].unique(), dtype="string")
    member = is_member_on(ids, joins, day)
    return {MEMBERS: ids[member], NON_MEMBERS: ids[~member]}

"""Segments over time and by membership: migrations between two snapshots, members' segment mix.

Members are customers who joined on or before the snapshot day by the one membership rule
(`core.membership`); `joins` None = membership unknown (no member split).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from ...core.membership import MEMBERS, NON_MEMBERS, is_member_on
from .scoring import NOT_YET, SEGMENTS, customer_rfm, score_rfm

ALL = "all"  # every customer, beside members / non_members


def member_segment_mix(scored: pd.DataFrame, joins: pd.Series | None,
                       snapshot: pd.Timestamp) -> pd.DataFrame | None:
    """Segment mix of members vs non-members at the snapshot; None when membership is unknown.

    Columns: segment, members, members_share (of all members), non_members, non_members_share.
    """
    if joins is None:
        return None
    member = pd.Series(is_member_on(scored["customer_id"], joins, snapshot), index=scored.index)
    rows = pd.DataFrame({
        MEMBERS: scored.loc[member, "segment"].value_counts(),
        NON_MEMBERS: scored.loc[~member, "segment"].value_counts(),
    }).reindex(list(SEGMENTS)).fillna(0).astype("int64")
    rows.index.name = "segment"
    for group in (MEMBERS, NON_MEMBERS):
        total = rows[group].sum()
        rows[f"{group}_share"] = rows[group] / total if total else np.nan
    return rows[["members", "members_share", "non_members", "non_members_share"]].reset_index()


def segment_changes(transactions: pd.DataFrame | Callable[[pd.Timestamp], pd.DataFrame],
                    snapshot: pd.Timestamp, compare_days: int, bins: int) -> pd.DataFrame | None:
    """Each customer's segment at snapshot - compare_days and at snapshot, and the direction of the move.

    `transactions`: the checks, or the customers' bases by snapshot day (`scoring.customer_rfm` of
    the checks at that day, however computed).

    Both snapshots are scored on their own base (quantiles are relative to the customers of that day).
    Customers without a purchase by the earlier day are "Not yet a customer" before (direction "new").
    direction: "up" / "down" = a segment earlier / later in SEGMENTS (best to worst), "same" otherwise.
    None when nobody had bought by the earlier day.
    """
    snapshot = pd.Timestamp(snapshot).normalize()
    earlier = snapshot - pd.Timedelta(days=compare_days)
    base_at = transactions if callable(transactions) else partial(customer_rfm, transactions)
    before = score_rfm(base_at(earlier), bins)
    if before.empty:
        return None
    now = score_rfm(base_at(snapshot), bins)
    out = now[["customer_id", "segment"]].rename(columns={"segment": "segment_now"})
    out = out.merge(before[["customer_id", "segment"]].rename(columns={"segment": "segment_before"}),
                    on="customer_id", how="left")
    out["segment_before"] = out["segment_before"].fillna(NOT_YET).astype("string")
    rank = {name: position for position, name in enumerate(SEGMENTS)}
    rank_before = out["segment_before"].map(rank).astype("float64")
    rank_now = out["segment_now"].map(rank).astype("float64")
    out["direction"] = np.select([rank_before.isna(), rank_now < rank_before, rank_now > rank_before],
                                 ["new", "up", "down"], "same")
    return out[["customer_id", "segment_before", "segment_now", "direction"]]


def migration_matrix(changes: pd.DataFrame, normalize: bool = False) -> pd.DataFrame:
    """Customers from segment_before (rows, "Not yet a customer" last) to segment_now (columns).

    normalize=True gives row shares: where the customers of each earlier segment are now.
    """
    rows, columns = [*SEGMENTS, NOT_YET], list(SEGMENTS)
    matrix = pd.crosstab(changes["segment_before"], changes["segment_now"])
    matrix = matrix.reindex(index=rows, columns=columns, fill_value=0).astype("int64")
    matrix.index.name = "segment_before"
    matrix.columns.name = None
    if normalize:
        totals = matrix.sum(axis=1)
        return matrix.div(totals.where(totals > 0), axis=0)
    return matrix


def migration_summary(changes: pd.DataFrame, joins: pd.Series | None,
                      snapshot: pd.Timestamp) -> pd.DataFrame:
    """Share of customers (present at both snapshots) who moved up, stayed, moved down; by group.

    Groups: all, and members / non_members at the later snapshot when membership is known.
    Columns: group, customers, up, same, down (shares of the group's customers at both snapshots).
    """
    both = changes[changes["direction"] != "new"]
    groups = [(ALL, pd.Series(True, index=both.index))]
    if joins is not None:
        member = pd.Series(is_member_on(both["customer_id"], joins, snapshot), index=both.index)
        groups += [(MEMBERS, member), (NON_MEMBERS, ~member)]
    rows = []
    for group, mask in groups:
        part = both.loc[mask, "direction"]
        n = len(part)
        rows.append({"group": group, "customers": n,
                     **{d: (part == d).sum() / n if n else np.nan for d in ("up", "same", "down")}})
    return pd.DataFrame(rows)

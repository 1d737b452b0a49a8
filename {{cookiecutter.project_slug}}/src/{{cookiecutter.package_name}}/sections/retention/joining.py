"""Before and after joining: members' spend and purchases in equal windows around their join day."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...core.checks import as_identified
from .common import day_range, positions, row_positions


def before_after_joining(transactions: pd.DataFrame, joins: pd.Series | None, window_days: int,
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
    checks = as_identified(transactions)
    if joins is None or joins.empty or checks.empty:
        return pd.DataFrame(columns=columns)
    first, last = day_range(checks, start, end)
    width = pd.Timedelta(days=window_days)
    joined = joins[(joins - width >= first) & (joins + width <= last)]
    code, ids = pd.factorize(checks["customer_id"])  # numbers: faster to group than text
    ids = pd.Index(ids)
    purchase = checks["is_purchase"].to_numpy()
    first_day = checks["day"][purchase].groupby(code[purchase]).min()
    first_purchase = pd.Series(first_day.to_numpy(), index=ids[first_day.index.to_numpy()])
    existing = first_purchase.reindex(joined.index) < joined - width
    joined = joined[existing.to_numpy()]
    member = row_positions(code, positions(ids, joined.index))  # position in joined; -1: others
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


def joining_rows(parts: pd.DataFrame) -> pd.DataFrame:
    """`before_after_joining` rows of checks split by customer (engine buckets), concatenated, in the
    order it gives the whole table's (by customer_id): each member's row depends on their checks
    alone, and in that order `before_after_summary` adds the same numbers in the same order, bit for
    bit. The rows of the whole table are returned as they are."""
    return parts.sort_values("customer_id").reset_index(drop=True)


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

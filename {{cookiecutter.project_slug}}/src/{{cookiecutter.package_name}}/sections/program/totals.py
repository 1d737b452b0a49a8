"""Sums of the checks by day and buyer group (and by day and store or region): the part of every
program KPI that adds up over checks, anonymous ones included.

`check_totals` is a function of any set of checks (numbered ids, `groups.integer_ids`) whose result
adds up over sets (`add_totals`): computed once on a client's checks in memory, or chunk by chunk over a
big client's prepared checks (`source.Source.totals`). A check's buyer group needs only its own
customer's join day, so a chunk is classified on its own. The KPIs that add up over checks (member
shares, average check, items, points on the checks, the effective accrual rate, checks by store or
region, the like-for-like sums) are then computed from these sums (`window`, `by_month`), which hold a
few rows per day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.membership import ANONYMOUS
from .dates import between, month_start
from .groups import classify_checks

KEYS = ("day", "buyer_group")
PLACES = ("store_id", "region")
# what `check_totals` reads of the checks
TOTAL_COLUMNS = ("date", "amount", "customer_id", "items", "loyalty_card", "points_earned", "points_redeemed",
                 "store_id", "region")


@dataclass(frozen=True)
class Totals:
    """The sums of `check_totals`: `days` indexed by (day, buyer_group), `places` {store_id / region:
    sums indexed by (day, place)} for the columns the checks have, and `columns`: the checks' columns."""

    days: pd.DataFrame
    places: dict[str, pd.DataFrame]
    columns: tuple[str, ...]


def _column(checks: pd.DataFrame, name: str, fill: float = 0.0) -> pd.Series:
    if name not in checks.columns:
        return pd.Series(fill, index=checks.index, dtype="float64")
    return checks[name].astype("float64")


def check_totals(transactions: pd.DataFrame, joins: pd.Series | None) -> Totals:
    """Per (day, buyer group) of `transactions` (buyer group on the check's day, `classify_checks`):
    rows; revenue = net amount; checks = rows with amount > 0 and sales = their amount; items and
    checks_with_items = item counts of checks that have one; earned = points_earned of checks;
    card_* / points_* = checks, points earned and sales of checks with loyalty_card true / with
    points earned (the bases of `points.effective_accrual_rate`); earned_rows / redeemed_rows =
    points_earned / points_redeemed of all rows. Per (day, store_id) and (day, region): rows,
    checks, sales, revenue and identified checks."""
    checks = classify_checks(transactions[[c for c in TOTAL_COLUMNS if c in transactions.columns]], joins)
    return classified_totals(checks, tuple(transactions.columns))


def _sums(codes: list[np.ndarray], sizes: list[int], columns: dict[str, np.ndarray],
          names: list[str], levels: list[pd.Index], counts: set[str]) -> pd.DataFrame:
    """`columns` summed per combination of `codes` (each 0..size-1, -1: left out), in row order, as
    a frame indexed by the combinations that occur (`levels`: the values of each code)."""
    keep = np.logical_and.reduce([c >= 0 for c in codes]) if codes else np.ones(0, dtype=bool)
    key = np.zeros(int(keep.sum()), dtype="int64")
    for code, size in zip(codes, sizes, strict=True):
        key = key * size + code[keep]
    found, inverse = np.unique(key, return_inverse=True)
    out = {}
    for name, values in columns.items():
        total = np.bincount(inverse, weights=values[keep].astype("float64"), minlength=len(found))
        out[name] = total.astype("int64") if name in counts else total
    parts, rest = [], found
    for size in reversed(sizes):
        parts.append(rest % size)
        rest = rest // size
    index = pd.MultiIndex.from_arrays([level.take(part) for level, part in zip(levels, reversed(parts),
                                                                                strict=True)], names=names)
    return pd.DataFrame(out, index=index)


def classified_totals(checks: pd.DataFrame, columns: tuple[str, ...] | None = None) -> Totals:
    """`check_totals` of checks already classified (`classify_checks`)."""
    purchase = checks["is_purchase"].to_numpy(dtype=bool)
    amount = checks["amount"].to_numpy(dtype="float64")
    earned = np.where(purchase, np.nan_to_num(_column(checks, "points_earned").to_numpy()), 0.0)
    card = (checks["loyalty_card"].fillna(False).astype(bool).to_numpy() & purchase
            if "loyalty_card" in checks.columns else np.zeros(len(checks), dtype=bool))
    pointed = earned > 0
    items = _column(checks, "items", np.nan).to_numpy()
    with_items = ~np.isnan(items) & purchase
    sums = {
        "rows": np.ones(len(checks)), "revenue": amount, "checks": purchase,
        "sales": np.where(purchase, amount, 0.0), "items": np.where(with_items, items, 0.0),
        "checks_with_items": with_items, "earned": earned, "card_checks": card,
        "card_earned": np.where(card, earned, 0.0), "card_sales": np.where(card, amount, 0.0),
        "points_checks": pointed, "points_earned": np.where(pointed, earned, 0.0),
        "points_sales": np.where(pointed, amount, 0.0),
        "earned_rows": np.nan_to_num(_column(checks, "points_earned").to_numpy()),
        "redeemed_rows": np.nan_to_num(_column(checks, "points_redeemed").to_numpy()),
    }
    counts = {"rows", "checks", "checks_with_items", "card_checks", "points_checks"}
    day_codes, days = pd.factorize(checks["date"].dt.normalize(), sort=True)
    group_codes, groups = pd.factorize(checks["buyer_group"], sort=True)
    days, groups = pd.Index(days), pd.Index(groups)
    out = _sums([day_codes, group_codes], [len(days), len(groups)], sums, list(KEYS), [days, groups], counts)
    places = {}
    identified = (checks["buyer_group"] != ANONYMOUS).to_numpy() & purchase
    for place in PLACES:
        if place not in checks.columns:
            continue
        place_codes, values = pd.factorize(checks[place], sort=True)
        place_sums = {"rows": sums["rows"], "checks": purchase, "sales": sums["sales"], "revenue": amount,
                      "identified": identified}
        places[place] = _sums([day_codes, place_codes], [len(days), len(values)], place_sums, ["day", place],
                              [days, pd.Index(values)], {"rows", "checks", "identified"})
    return Totals(out, places, tuple(checks.columns) if columns is None else columns)


def add_totals(parts: list[Totals]) -> Totals:
    """The sums of several sets of checks (chunks of one table) added up."""
    if len(parts) == 1:
        return parts[0]

    def add(frames: list[pd.DataFrame]) -> pd.DataFrame:
        frame = pd.concat(frames)
        return frame.groupby(level=list(range(frame.index.nlevels)), observed=True, sort=True).sum()

    places = {place: add([p.places[place] for p in parts if place in p.places])
              for place in PLACES if any(place in p.places for p in parts)}
    return Totals(add([p.days for p in parts]), places, parts[0].columns)


def window(sums: pd.DataFrame, first: pd.Timestamp | None, last: pd.Timestamp | None) -> pd.DataFrame:
    """The rows of `sums` (indexed by day first) whose day is from `first` to `last` (None: open), with
    the index as columns and a ``month`` column."""
    frame = sums.reset_index()
    keep = pd.Series(True, index=frame.index)
    if first is not None and last is not None:
        keep = between(frame["day"], first, last)
    elif last is not None:
        keep = between(frame["day"], frame["day"].min(), last) if len(frame) else keep
    frame = frame.loc[keep.to_numpy()].reset_index(drop=True)
    return frame.assign(month=month_start(frame["day"]))


def by_month(frame: pd.DataFrame, months: pd.DatetimeIndex, column: str, fill: float = 0.0) -> np.ndarray:
    """`column` of a `window` frame summed per month of `months` (`fill` for a month without rows)."""
    return frame.groupby("month")[column].sum().reindex(months, fill_value=fill).to_numpy()

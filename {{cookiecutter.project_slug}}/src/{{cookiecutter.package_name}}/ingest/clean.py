"""Cleaning rules for the checks (documented and counted; nothing is dropped silently).

Cleaning rules for transactions (each counted; nothing is dropped silently):
- exact duplicates: a row identical in every column to an earlier one is removed
  (`quality.drop_duplicates`);
- future-dated: a check dated after the run day + `quality.future_tolerance_days` is removed
  (`quality.drop_future`);
- outside the period: checks before `period.start` or after `period.end` are left out of the analysis;
- returns (negative amounts) and zero amounts are kept: returns net against purchases in every sum,
  and sections that model purchases (CLV) apply their own stated rule. A return is *linked* when a
  purchase carries the same transaction_id, or the same customer bought at least the returned amount in
  one check on or before the return's day; other returns (anonymous ones included) are counted as
  `returns_unlinked` (their purchase usually predates the export), and identified customers whose net
  spend is negative as `negative_net_customers`; both are kept;
- repeated transaction ids: rows that share a transaction_id with an earlier, non-identical row are
  counted (`duplicate_transaction_ids`) and kept: they are either the lines of one check or a re-sent
  check with a correction, which only the client can tell. (An export mapped as receipt lines, with
  `line_amount` or `quantity` and `price`, has its lines summed into checks before cleaning: lines.py.)

Consistency between tables (`consistency_counts`; counted, nothing removed or altered):
- `customers_without_profile` / `checks_without_profile`: identified customers in the checks who are

Reading rules (read.py) add their own counts: `mixed_date_formats` (dates written in another format than
most of their column) and `dates_with_zone` (dates with a UTC offset, converted to `data.read.timezone`);
the consistency rules between tables are in consistency.py.
Errors instead of rules (the run stops with file, column and example values): undecodable bytes, a
wrong separator, numbers in another decimal convention, unparseable dates, NPS scores outside 0–10 or
not whole, duplicate customer ids, missing required columns, empty files, unknown codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..config import as_timestamp
from ..core.keys import contains, id_keys, is_in, repeated_keys, repeated_values
from ..core.memory import release_arrow_pool
from .errors import DataError


@dataclass(frozen=True)
class CleaningRules:
    """Settings of the cleaning rules: the analysed period (default: the data's own range, after
    future-dated checks are set aside) and the config's `quality` block."""

    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    future_tolerance_days: int = 1
    drop_duplicates: bool = True
    drop_future: bool = True

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> CleaningRules:
        rules = config["quality"]
        return cls(period_start=as_timestamp(config["period"]["start"]),
                   period_end=as_timestamp(config["period"]["end"]),
                   future_tolerance_days=rules["future_tolerance_days"],
                   drop_duplicates=rules["drop_duplicates"], drop_future=rules["drop_future"])


@dataclass
class CleaningResult:
    transactions: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    removed: int = 0
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None


def clean_transactions(transactions: pd.DataFrame, *, today: pd.Timestamp, rules: CleaningRules | None = None,
                       consume: bool = False) -> CleaningResult:
    """Apply the module's cleaning rules; return the kept checks, per-rule counts and the period used.

    `rules` default to CleaningRules() (the data's own range as the period). With `consume`, the
    columns of `transactions` are moved into the kept checks one by one (the input is left without
    columns), so that millions of checks are not held twice.
    """
    rules = rules or CleaningRules()
    frame = transactions
    duplicated = duplicated_rows(frame)
    release_arrow_pool()
    future = frame["date"] > today.normalize() + pd.Timedelta(days=rules.future_tolerance_days + 1)
    drop = pd.Series(False, index=frame.index)
    if rules.drop_duplicates:
        drop |= duplicated
    if rules.drop_future:
        drop |= future
    remaining = frame.loc[~drop, "date"]
    start, end = period_bounds(rules, remaining.min(), remaining.max())
    del remaining
    outside = ~drop & ((frame["date"] < start) | (frame["date"] >= end + pd.Timedelta(days=1)))
    keep = ~drop & ~outside
    rows_read, removed = int(len(frame)), int((~keep).sum())
    if consume:
        rows = np.flatnonzero(keep.to_numpy(dtype=bool))
        moved = {}
        for name in list(frame.columns):
            moved[name] = frame[name].iloc[rows].reset_index(drop=True)
            del frame[name]
            release_arrow_pool()
        kept = pd.DataFrame(moved, index=pd.RangeIndex(len(rows)), copy=False)
    else:
        kept = frame.loc[keep].reset_index(drop=True)
    repeated_ids = repeated_values(kept["transaction_id"]) if "transaction_id" in kept else 0
    release_arrow_pool()
    customers = id_keys(kept["customer_id"]) if "customer_id" in kept else None
    unlinked = int((~_returns_linked(kept, customers)).sum())
    release_arrow_pool()
    counts = {
        "rows_read": rows_read,
        "duplicates": int(duplicated.sum()),
        "future_dated": int(future.sum()),
        "outside_period": int(outside.sum()),
        "returns": int((kept["amount"] < 0).sum()),
        "zero_amount": int((kept["amount"] == 0).sum()),
        "returns_unlinked": unlinked,
        "negative_net_customers": _negative_net_customers(kept, customers),
        "duplicate_transaction_ids": repeated_ids,
        "anonymous": int(kept["customer_id"].isna().sum()) if "customer_id" in kept else int(len(kept)),
        "rows_kept": int(len(kept)),
    }
    return CleaningResult(kept, counts, removed=removed, period=(start, end))



def period_bounds(rules: CleaningRules, first: Any, last: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The analysed period: the rules' bounds, else the first and last day of the checks kept by the
    duplicate and future-dated rules (`first`, `last`). None kept and no bound set is a DataError."""
    if (rules.period_start is None and pd.isna(first)) or (rules.period_end is None and pd.isna(last)):
        raise DataError("transactions", "no check is left to analyse: every check is future-dated "
                        "(quality.drop_future) or an exact duplicate (quality.drop_duplicates)", "date")
    start = rules.period_start if rules.period_start is not None else pd.Timestamp(first).normalize()
    end = rules.period_end if rules.period_end is not None else pd.Timestamp(last).normalize()
    return start, end


def duplicated_rows(frame: pd.DataFrame) -> pd.Series:
    """frame.duplicated(keep="first"), computed first on the date and amount columns: only rows that
    repeat those can repeat the whole row, and hashing every column of millions of rows is slow."""
    narrow = [c for c in ("date", "amount") if c in frame]
    if not narrow or len(narrow) == frame.shape[1]:
        return frame.duplicated(keep="first")
    date = frame["date"].to_numpy() if "date" in frame else None
    amount = frame["amount"].to_numpy() if "amount" in frame else None
    if (date is not None and amount is not None and np.issubdtype(date.dtype, np.datetime64)
            and amount.dtype == np.float64):
        # one integer per row, equal wherever pandas finds (date, amount) equal (0.0 is -0.0 and NaN
        # is NaN there); rows whose integer repeats are the candidates
        amount = np.where(amount == 0, 0.0, np.where(np.isnan(amount), np.nan, amount))
        mixed = (date.view(np.int64).view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ amount.view(np.uint64)
        candidates = repeated_keys(mixed)
    else:
        candidates = frame[narrow].duplicated(keep=False).to_numpy(dtype=bool)
    duplicated = np.zeros(len(frame), bool)
    if candidates.any():
        duplicated[candidates] = frame.loc[candidates].duplicated(keep="first").to_numpy(dtype=bool)
    return pd.Series(duplicated, index=frame.index)



def returns_linked(transactions: pd.DataFrame) -> pd.Series:
    """Per row: True unless the row is a return that no purchase accounts for (see the module docstring).

    Linked = a purchase with the same transaction_id exists, or the same customer has a check of at least
    the returned amount on or before the return's day. Anonymous returns without an id match are unlinked.
    """
    customers = id_keys(transactions["customer_id"]) if "customer_id" in transactions else None
    return _returns_linked(transactions, customers)


def _returns_linked(transactions: pd.DataFrame,
                    customers: list[tuple[np.ndarray, np.ndarray]] | None) -> pd.Series:
    """returns_linked, with the customer ids' keys if they have them (computed once by the caller)."""
    amount = transactions["amount"]
    returns = amount < 0
    linked = ~returns
    if not returns.any():
        return linked
    is_return = returns.to_numpy(dtype=bool)
    if "transaction_id" in transactions:
        ids = transactions["transaction_id"]
        keys = id_keys(ids)
        if keys is not None:
            key, present = keys[0]
            rows = np.flatnonzero(is_return & present)
            bought = key[present & (amount > 0).to_numpy(dtype=bool)]
            linked.iloc[rows[contains(key[rows], bought)]] = True
        else:
            bought_ids = transactions.loc[amount > 0, "transaction_id"]
            linked |= returns & is_in(ids, bought_ids)
    if "customer_id" in transactions:
        if customers is not None:  # only the checks of customers who returned something matter
            key, present = customers[0]
            rows = present & contains(key, key[present & is_return])
            customer: pd.Series | np.ndarray = key[rows]
        else:
            rows = transactions["customer_id"].notna().to_numpy(dtype=bool)
            customer = transactions["customer_id"][rows]
        chosen = amount[rows]
        frame = pd.DataFrame({"customer": customer, "day": transactions["date"][rows].dt.normalize(),
                              "purchase": chosen.where(chosen > 0), "is_return": is_return[rows]},
                             index=chosen.index)
        frame = frame.sort_values(["customer", "day", "is_return"], kind="stable")
        biggest = frame.groupby("customer")["purchase"].cummax()
        biggest = biggest.groupby(frame["customer"]).ffill()
        covered = frame["is_return"] & (biggest >= -amount.loc[frame.index])
        linked.loc[covered[covered].index] = True
    return linked


def negative_net_customers(transactions: pd.DataFrame) -> int:
    """Identified customers whose checks sum to less than zero (returns of purchases before the export)."""
    if "customer_id" not in transactions or transactions.empty:
        return 0
    return _negative_net_customers(transactions, id_keys(transactions["customer_id"]))


def _negative_net_customers(transactions: pd.DataFrame,
                            customers: list[tuple[np.ndarray, np.ndarray]] | None) -> int:
    """negative_net_customers; only customers with a negative amount can have a negative sum."""
    if "customer_id" not in transactions or transactions.empty:
        return 0
    if customers is None:
        net = transactions.groupby("customer_id")["amount"].sum()
        return int((net < 0).sum())
    key, present = customers[0]
    amount = transactions["amount"]
    negative = present & (amount < 0).to_numpy(dtype=bool)
    if not negative.any():
        return 0
    rows = present & contains(key, key[negative])
    net = amount[rows].groupby(key[rows]).sum()
    return int((net < 0).sum())

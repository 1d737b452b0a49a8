"""Consistency between tables (`consistency_counts`; counted, nothing removed or altered):
  count as members (if they joined) but not as buyers;
- `joined_after_last_purchase`: members whose join date is after their last check: none of their checks
  counts as a member's check;
- `redemptions_above_balance` / `customers_above_balance`: redemptions that take a customer's running
  points balance (accruals + adjustments − redemptions − expiries, in date order, credits first on a
  day; adjustments count as credits, as in kpis) below zero, and those customers; from the points
  ledger, or from the checks' points_earned / points_redeemed when there is no ledger. Kept: the export
  usually lacks the balances accrued before it starts.

"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.keys import id_keys, is_in, position_in
from ..core.memory import release_arrow_pool


def consistency_counts(tables: dict[str, pd.DataFrame | None]) -> dict[str, int]:
    """Counts of the consistency rules between tables (module docstring); a key is absent when the
    tables it needs are not provided. `tables["transactions"]` should be the cleaned checks."""
    checks = tables["transactions"]
    customers = tables.get("customers")
    points = tables.get("points")
    counts: dict[str, int] = {}
    buyers = checks["customer_id"] if "customer_id" in checks else pd.Series(dtype="string")
    if customers is not None:
        known = customers["customer_id"]
        keys = id_keys(buyers, known)
        if keys is not None:
            counts.update(_profile_counts(checks, customers, keys))
            del keys
            release_arrow_pool()
        else:
            unknown = buyers.notna() & ~is_in(buyers, known)
            counts["customers_without_profile"] = int(buyers[unknown].nunique())
            counts["checks_without_profile"] = int(unknown.sum())
            counts["profiles_without_checks"] = int((~is_in(known, buyers)).sum())
            if "joined_program_at" in customers and "customer_id" in checks:
                last = checks.groupby("customer_id")["date"].max()
                joined = customers.set_index("customer_id")["joined_program_at"].dropna()
                later = joined.index.isin(last.index)
                counts["joined_after_last_purchase"] = int(
                    (joined[later] > last.reindex(joined.index[later])).sum())
    ledger = _ledger_for_balance(points, checks)
    if ledger is not None:
        keys = id_keys(ledger["customer_id"])
        if keys is not None:  # integer keys sort faster; a missing id has no balance (as in groupby)
            key, present = keys[0]
            ledger = ledger.loc[present].assign(customer_id=key[present])
        ledger = ledger.sort_values(["customer_id", "date", "order"], kind="stable")
        balance = ledger.groupby("customer_id")["delta"].cumsum()
        below = (ledger["delta"] < 0) & (balance < -1e-9) & (ledger["kind"] == "redemption")
        counts["redemptions_above_balance"] = int(below.sum())
        counts["customers_above_balance"] = int(ledger.loc[below, "customer_id"].nunique())
    return counts


def _profile_counts(checks: pd.DataFrame, customers: pd.DataFrame,
                    keys: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, int]:
    """The customer-table counts of consistency_counts, from the ids' integer keys."""
    (buyer, identified), (known, listed) = keys
    rows = np.flatnonzero(listed)

    def profile_row(key: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The customer-table row that stands for each id (the same row for equal ids), -1 if none."""
        if not rows.size:
            return np.full(len(key), -1, np.int64)
        at = position_in(key, known[rows])
        return np.where(present & (at >= 0), rows[np.maximum(at, 0)], -1)

    profile = profile_row(buyer, identified)
    unknown = identified & (profile < 0)
    counts = {"customers_without_profile": int(len(np.unique(buyer[unknown]))),
              "checks_without_profile": int(unknown.sum())}
    own = profile_row(known, listed)
    bought = np.zeros(len(known), bool)
    bought[profile[profile >= 0]] = True
    has_checks = (own >= 0) & bought[np.maximum(own, 0)]
    counts["profiles_without_checks"] = int((~has_checks).sum())
    if "joined_program_at" in customers and "customer_id" in checks:
        dates = checks["date"].to_numpy()
        joined = customers["joined_program_at"].to_numpy()
        if np.issubdtype(dates.dtype, np.datetime64) and np.issubdtype(joined.dtype, np.datetime64):
            latest = np.full(len(known), np.iinfo(np.int64).min, np.int64)  # NaT until a check is seen
            seen = profile >= 0
            np.maximum.at(latest, profile[seen], dates[seen].view(np.int64))
            member = has_checks & ~np.isnat(joined)
            last = latest[own[member]].view(dates.dtype)
            counts["joined_after_last_purchase"] = int((joined[member] > last).sum())
        else:
            last_seen = checks.groupby("customer_id")["date"].max()
            members = customers.set_index("customer_id")["joined_program_at"].dropna()
            later = members.index.isin(last_seen.index)
            counts["joined_after_last_purchase"] = int(
                (members[later] > last_seen.reindex(members.index[later])).sum())
    return counts


def _ledger_for_balance(points: pd.DataFrame | None, checks: pd.DataFrame) -> pd.DataFrame | None:
    """customer_id, date, kind, delta (signed), order (accruals first on a day) from the ledger, or from
    the checks' points columns when there is no ledger; None when neither is available."""
    sign = {"accrual": 1.0, "redemption": -1.0, "expiry": -1.0, "adjustment": 1.0}
    order = {"accrual": 0, "adjustment": 1, "redemption": 2, "expiry": 3}
    if points is not None and not points.empty:
        frame = points[["customer_id", "date", "kind"]].copy()
        frame["delta"] = points["points"] * points["kind"].map(sign).astype(float)
        frame["order"] = points["kind"].map(order)
        return frame
    if "customer_id" not in checks or not {"points_earned", "points_redeemed"} & set(checks.columns):
        return None
    parts = []
    for column, kind in (("points_earned", "accrual"), ("points_redeemed", "redemption")):
        if column in checks:
            part = checks.loc[checks["customer_id"].notna() & checks[column].fillna(0).ne(0),
                              ["customer_id", "date", column]].rename(columns={column: "points"})
            part["kind"] = kind
            part["delta"] = part["points"].abs() * sign[kind]
            part["order"] = order[kind]
            parts.append(part.drop(columns="points"))
    return pd.concat(parts, ignore_index=True)

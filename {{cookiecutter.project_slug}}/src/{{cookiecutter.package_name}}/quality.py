"""Data-quality section: documented cleaning rules for checks, and the numbers that describe the inputs.

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
  check with a correction, which only the client can tell.

Consistency between tables (`consistency_counts`; counted, nothing removed or altered):
- `customers_without_profile` / `checks_without_profile`: identified customers in the checks who are
  missing from the customer table, and their checks: analysed as non-members (no join date);
- `profiles_without_checks`: customers in the customer table with no check in the analysed period: they
  count as members (if they joined) but not as buyers;
- `joined_after_last_purchase`: members whose join date is after their last check: none of their checks
  counts as a member's check;
- `redemptions_above_balance` / `customers_above_balance`: redemptions that take a customer's running
  points balance (accruals + adjustments − redemptions − expiries, in date order, credits first on a
  day; adjustments count as credits, as in kpis) below zero, and those customers; from the points
  ledger, or from the checks' points_earned / points_redeemed when there is no ledger. Kept: the export
  usually lacks the balances accrued before it starts.

Reading rules (io.py) add their own counts: `mixed_date_formats` (dates written in another format than
most of their column) and `dates_with_zone` (dates with a UTC offset, converted to `data.read.timezone`).
Errors instead of rules (the run stops with file, column and example values): undecodable bytes, a
wrong separator, numbers in another decimal convention, unparseable dates, NPS scores outside 0–10 or
not whole, duplicate customer ids, missing required columns, empty files, unknown codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAIN_DATE = {"transactions": "date", "customers": "registered_at", "points": "date", "nps": "date",
             "surveys": "date", "campaigns": "sent_at"}


@dataclass
class CleaningResult:
    transactions: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    removed: int = 0
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None


def clean_transactions(transactions: pd.DataFrame, *, today: pd.Timestamp,
                       period_start: pd.Timestamp | None = None, period_end: pd.Timestamp | None = None,
                       future_tolerance_days: int = 1, drop_duplicates: bool = True,
                       drop_future: bool = True) -> CleaningResult:
    """Apply the module's cleaning rules; return the kept checks, per-rule counts and the period used.

    The period defaults to the data's own range (after future-dated checks are set aside).
    """
    frame = transactions
    duplicated = frame.duplicated(keep="first")
    future = frame["date"] > today.normalize() + pd.Timedelta(days=future_tolerance_days + 1)
    drop = pd.Series(False, index=frame.index)
    if drop_duplicates:
        drop |= duplicated
    if drop_future:
        drop |= future
    remaining = frame.loc[~drop, "date"]
    start = period_start if period_start is not None else remaining.min().normalize()
    end = period_end if period_end is not None else remaining.max().normalize()
    outside = ~drop & ((frame["date"] < start) | (frame["date"] >= end + pd.Timedelta(days=1)))
    keep = ~drop & ~outside
    kept = frame.loc[keep].reset_index(drop=True)
    repeated_ids = (int(kept["transaction_id"].dropna().duplicated().sum())
                    if "transaction_id" in kept else 0)
    counts = {
        "rows_read": int(len(frame)),
        "duplicates": int(duplicated.sum()),
        "future_dated": int(future.sum()),
        "outside_period": int(outside.sum()),
        "returns": int((kept["amount"] < 0).sum()),
        "zero_amount": int((kept["amount"] == 0).sum()),
        "returns_unlinked": int((~returns_linked(kept)).sum()),
        "negative_net_customers": negative_net_customers(kept),
        "duplicate_transaction_ids": repeated_ids,
        "anonymous": int(kept["customer_id"].isna().sum()) if "customer_id" in kept else int(len(kept)),
        "rows_kept": int(len(kept)),
    }
    return CleaningResult(kept, counts, removed=int((~keep).sum()), period=(start, end))


def is_in(values: pd.Series, reference: pd.Series) -> pd.Series:
    """values.isin(reference) for id columns, False for missing values.

    Factorizes both into integer codes first: pandas' isin with Arrow strings turns the reference into
    a Python list of scalars (8 s for a million ids), the codes cost a hash pass each.
    """
    both = pd.concat([values.reset_index(drop=True), reference.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)
    mine, theirs = codes[: len(values)], codes[len(values):]
    return pd.Series(np.isin(mine, theirs[theirs >= 0]) & (mine >= 0), index=values.index)


def returns_linked(transactions: pd.DataFrame) -> pd.Series:
    """Per row: True unless the row is a return that no purchase accounts for (see the module docstring).

    Linked = a purchase with the same transaction_id exists, or the same customer has a check of at least
    the returned amount on or before the return's day. Anonymous returns without an id match are unlinked.
    """
    amount = transactions["amount"]
    returns = amount < 0
    linked = ~returns
    if not returns.any():
        return linked
    if "transaction_id" in transactions:
        bought_ids = transactions.loc[amount > 0, "transaction_id"]
        linked |= returns & is_in(transactions["transaction_id"], bought_ids)
    if "customer_id" in transactions:
        frame = pd.DataFrame({"customer": transactions["customer_id"],
                              "day": transactions["date"].dt.normalize(),
                              "purchase": amount.where(amount > 0), "is_return": returns})
        frame = frame[frame["customer"].notna()].sort_values(["customer", "day", "is_return"], kind="stable")
        biggest = frame.groupby("customer")["purchase"].cummax()
        biggest = biggest.groupby(frame["customer"]).ffill()
        covered = frame["is_return"] & (biggest >= -amount.loc[frame.index])
        linked.loc[covered[covered].index] = True
    return linked


def negative_net_customers(transactions: pd.DataFrame) -> int:
    """Identified customers whose checks sum to less than zero (returns of purchases before the export)."""
    if "customer_id" not in transactions or transactions.empty:
        return 0
    net = transactions.groupby("customer_id")["amount"].sum()
    return int((net < 0).sum())


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
        ledger = ledger.sort_values(["customer_id", "date", "order"], kind="stable")
        balance = ledger.groupby("customer_id")["delta"].cumsum()
        below = (ledger["delta"] < 0) & (balance < -1e-9) & (ledger["kind"] == "redemption")
        counts["redemptions_above_balance"] = int(below.sum())
        counts["customers_above_balance"] = int(ledger.loc[below, "customer_id"].nunique())
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


# key -> (what the rule looks at, what was counted, what was done); shown in this order when present.
RULES: dict[str, tuple[str, str, str]] = {
    "duplicates": ("exact duplicate checks", "checks", "removed"),
    "future_dated": ("dated in the future", "checks", "removed"),
    "outside_period": ("outside the analysed period", "checks", "left out"),
    "returns": ("returns (negative amount)", "checks", "kept, netted in sums"),
    "returns_unlinked": ("returns without a matching purchase", "checks", "kept, netted in sums"),
    "negative_net_customers": ("customers with negative net spend", "customers", "kept"),
    "zero_amount": ("zero amount", "checks", "kept"),
    "duplicate_transaction_ids": ("repeated transaction id, rows differ", "checks",
                                  "kept (lines of one check or a corrected re-send)"),
    "anonymous": ("anonymous (no customer id)", "checks", "kept, not attributed to a customer"),
    "customers_without_profile": ("customers in checks, missing from the customer table", "customers",
                                  "kept, analysed as non-members"),
    "checks_without_profile": ("checks of those customers", "checks", "kept, non-member checks"),
    "profiles_without_checks": ("customers without checks in the period", "customers", "kept"),
    "joined_after_last_purchase": ("joined the program after their last check", "customers",
                                   "kept, no member checks"),
    "redemptions_above_balance": ("redemptions above the points balance", "ledger rows",
                                  "kept (balance before the export unknown)"),
    "customers_above_balance": ("customers redeeming above their balance", "customers", "kept"),
    "mixed_date_formats": ("dates in another format than their column", "values", "parsed"),
    "dates_with_zone": ("dates with a UTC offset", "values", "converted to data.read.timezone"),
}


def rules_table(counts: dict[str, int]) -> pd.DataFrame:
    """One row per rule present in `counts`: what it counts, how many, what was done, and for rules on
    checks their share of the checks read."""
    rows = [(label, int(counts[key]), unit, action) for key, (label, unit, action) in RULES.items()
            if key in counts]
    table = pd.DataFrame(rows, columns=["rule", "count", "unit", "action"])
    read = max(int(counts.get("rows_read", 0)), 1)
    table["share_of_checks"] = (table["count"] / read).where(table["unit"] == "checks")
    return table


def overview(tables: dict[str, pd.DataFrame | None], rows_read: dict[str, int | None]) -> pd.DataFrame:
    """Rows read, rows analysed and date range of every table (missing tables shown as absent)."""
    records = []
    for name, frame in tables.items():
        if frame is None:
            records.append({"table": name, "rows_read": None, "rows_analysed": None, "columns": None,
                            "first_date": None, "last_date": None, "status": "not provided"})
            continue
        dates = frame[MAIN_DATE[name]] if MAIN_DATE[name] in frame else pd.Series(dtype="datetime64[ns]")
        records.append({
            "table": name, "rows_read": rows_read.get(name), "rows_analysed": int(len(frame)),
            "columns": int(frame.shape[1]), "first_date": dates.min(), "last_date": dates.max(),
            "status": "ok",
        })
    return pd.DataFrame(records)


def missing_values(tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Empty cells per column of every provided table, with their share of the table's rows."""
    records = []
    for name, frame in tables.items():
        if frame is None or frame.empty:
            continue
        missing = frame.isna().sum()
        for column, count in missing.items():
            records.append({"table": name, "column": column, "missing": int(count),
                            "share": float(count / len(frame))})
    return pd.DataFrame(records, columns=["table", "column", "missing", "share"])


def completeness(customers: pd.DataFrame | None) -> dict[str, float | None]:
    """Profile completeness, the seed's «наполненность данными»: share of customers with a valid email,
    a phone, a full name (first and last). None where the customer table or the field is absent."""
    if customers is None or customers.empty:
        return {"email": None, "phone": None, "name": None}
    return {key: (float(customers[f"has_{key}"].mean()) if f"has_{key}" in customers else None)
            for key in ("email", "phone", "name")}


def completeness_table(shares: dict[str, float | None]) -> pd.DataFrame:
    """The completeness shares as a table: field, share of customers with it."""
    labels = {"email": "valid email", "phone": "phone number", "name": "first and last name"}
    return pd.DataFrame({"field": [labels[k] for k in shares], "share_of_customers": list(shares.values())})


def monthly_volume(transactions: pd.DataFrame, gap_ratio: float = 0.5) -> pd.DataFrame:
    """Checks, revenue and identified customers per calendar month, every month of the range present.

    A month is flagged as a possible gap in the export when it has fewer than `gap_ratio` × the median
    monthly checks (an empty month always is): gaps usually mean a missing file, not a bad month.
    """
    month = transactions["date"].dt.to_period("M")
    grouped = transactions.groupby(month)
    table = pd.DataFrame({
        "checks": grouped.size(),
        "revenue": grouped["amount"].sum(),
        "customers": grouped["customer_id"].nunique() if "customer_id" in transactions else 0,
    })
    full_range = pd.period_range(month.min(), month.max(), freq="M")
    table = table.reindex(full_range, fill_value=0)
    table.index.name = "month"
    table["possible_gap"] = table["checks"] < gap_ratio * table["checks"].median()
    return table.reset_index()


def headline(rows_read: dict[str, int | None], rejected_rows: int,
             customers: pd.DataFrame | None) -> dict:
    """The data_quality block of kpis.json."""
    return {
        "rows": dict(rows_read),
        "rejected_rows": int(rejected_rows),
        "completeness": completeness(customers),
    }

"""Data-quality section: documented cleaning rules for checks, and the numbers that describe the inputs.

Cleaning rules for transactions (each counted; nothing is dropped silently):
- exact duplicates: a row identical in every column to an earlier one is removed
  (`quality.drop_duplicates`);
- future-dated: a check dated after the run day + `quality.future_tolerance_days` is removed
  (`quality.drop_future`);
- outside the period: checks before `period.start` or after `period.end` are left out of the analysis;
- returns (negative amounts) and zero amounts are kept: returns net against purchases in every sum,
  and sections that model purchases (CLV) apply their own stated rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    counts = {
        "rows_read": int(len(frame)),
        "duplicates": int(duplicated.sum()),
        "future_dated": int(future.sum()),
        "outside_period": int(outside.sum()),
        "returns": int((kept["amount"] < 0).sum()),
        "zero_amount": int((kept["amount"] == 0).sum()),
        "anonymous": int(kept["customer_id"].isna().sum()) if "customer_id" in kept else int(len(kept)),
        "rows_kept": int(len(kept)),
    }
    return CleaningResult(kept, counts, removed=int((~keep).sum()), period=(start, end))


def rules_table(counts: dict[str, int]) -> pd.DataFrame:
    """One row per cleaning rule: how many checks it touched and what was done with them."""
    rows = [
        ("exact duplicate checks", counts["duplicates"], "removed"),
        ("dated in the future", counts["future_dated"], "removed"),
        ("outside the analysed period", counts["outside_period"], "left out"),
        ("returns (negative amount)", counts["returns"], "kept, netted in sums"),
        ("zero amount", counts["zero_amount"], "kept"),
        ("anonymous (no customer id)", counts["anonymous"], "kept, not attributed to a customer"),
    ]
    table = pd.DataFrame(rows, columns=["rule", "checks", "action"])
    table["share"] = table["checks"] / max(counts["rows_read"], 1)
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

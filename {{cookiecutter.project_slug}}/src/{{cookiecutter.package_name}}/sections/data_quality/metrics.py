"""What the data-quality section reports: the tables read, the cleaning rules' counts, monthly volume,
profile completeness, empty cells, and the kpis.json block `data_quality`.

The cleaning itself (the rules and their counts) happens when the tables are prepared (`ingest`);
this module describes its result.
"""

from __future__ import annotations

import pandas as pd

# the date column that dates each table's rows
MAIN_DATE = {"transactions": "date", "customers": "registered_at", "points": "date", "nps": "date",
             "surveys": "date", "campaigns": "sent_at"}

# key -> (what the rule looks at, what was counted, what was done); shown in this order when present.
RULES: dict[str, tuple[str, str, str]] = {
    "duplicates": ("exact duplicate checks", "checks", "removed"),
    "future_dated": ("dated in the future", "checks", "removed"),
    "outside_period": ("outside the analysed period", "checks", "left out"),
    "total_rows": ("total lines of the export (Итого, Всего, Total)", "file lines",
                   "set aside, not analysed"),
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
    """Checks, revenue and identified customers per calendar month, every month of the range present
    (customers empty when the checks carry no customer id).

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
    if "customer_id" not in transactions:
        table["customers"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
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

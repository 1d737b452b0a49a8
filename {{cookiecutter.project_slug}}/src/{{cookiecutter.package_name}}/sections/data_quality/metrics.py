"""What the data-quality section reports: the tables read, the cleaning rules' counts, monthly volume,
profile completeness, empty cells, and the kpis.json block `data_quality`.

The cleaning itself (the rules and their counts) happens when the tables are prepared (`ingest`);
this module describes its result.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Profile:
    """A table as this section describes it: rows, columns, first and last date of its main date
    column (NaT when none), empty cells per column. Profiles of parts of a table add up (``+``), so a
    big client's checks are described chunk by chunk (`engine.customers.CustomerChecks.reduce_checks`)."""

    rows: int
    columns: tuple[str, ...]
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    missing: pd.Series

    def __add__(self, other: Profile) -> Profile:
        firsts = pd.Series([self.first_date, other.first_date], dtype="datetime64[ns]")
        lasts = pd.Series([self.last_date, other.last_date], dtype="datetime64[ns]")
        return Profile(self.rows + other.rows, self.columns, firsts.min(), lasts.max(),
                       self.missing.add(other.missing, fill_value=0).astype("int64")[list(self.columns)])


def profile(frame: pd.DataFrame, name: str) -> Profile:
    """The `Profile` of table `name` given as `frame` (or a part of it)."""
    dates = frame[MAIN_DATE[name]] if MAIN_DATE[name] in frame else pd.Series(dtype="datetime64[ns]")
    return Profile(int(len(frame)), tuple(frame.columns), dates.min(), dates.max(),
                   frame.isna().sum().astype("int64"))


def profiles_of(tables: dict[str, pd.DataFrame | None]) -> dict[str, Profile | None]:
    return {name: None if frame is None else profile(frame, name) for name, frame in tables.items()}


def overview(tables: dict[str, pd.DataFrame | None], rows_read: dict[str, int | None]) -> pd.DataFrame:
    """Rows read, rows analysed and date range of every table (missing tables shown as absent)."""
    return overview_of(profiles_of(tables), rows_read)


def overview_of(profiles: dict[str, Profile | None], rows_read: dict[str, int | None]) -> pd.DataFrame:
    """`overview` from the tables' profiles."""
    records = []
    for name, described in profiles.items():
        if described is None:
            records.append({"table": name, "rows_read": None, "rows_analysed": None, "columns": None,
                            "first_date": None, "last_date": None, "status": "not provided"})
            continue
        records.append({
            "table": name, "rows_read": rows_read.get(name), "rows_analysed": described.rows,
            "columns": len(described.columns), "first_date": described.first_date,
            "last_date": described.last_date, "status": "ok",
        })
    return pd.DataFrame(records)


def missing_values(tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Empty cells per column of every provided table, with their share of the table's rows."""
    return missing_values_of(profiles_of(tables))


def missing_values_of(profiles: dict[str, Profile | None]) -> pd.DataFrame:
    """`missing_values` from the tables' profiles."""
    records = []
    for name, described in profiles.items():
        if described is None or described.rows == 0:
            continue
        for column, count in described.missing.items():
            records.append({"table": name, "column": column, "missing": int(count),
                            "share": float(count / described.rows)})
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
    customers = month_customers(transactions) if "customer_id" in transactions else None
    return volume_table([month_parts(transactions)], customers, gap_ratio)


def month_parts(transactions: pd.DataFrame) -> pd.DataFrame:
    """Checks and revenue by calendar month of (a part of) the checks: parts add up."""
    grouped = transactions.groupby(transactions["date"].dt.to_period("M"))
    return pd.DataFrame({"checks": grouped.size(), "revenue": grouped["amount"].sum()})


def month_customers(checks: pd.DataFrame) -> pd.DataFrame:
    """Distinct customers by calendar month (columns month, customers) of (a part of) the checks;
    parts over different customers (buckets of `engine.buckets`) add up."""
    counts = checks.groupby(checks["date"].dt.to_period("M"))["customer_id"].nunique()
    return counts.rename("customers").rename_axis("month").reset_index()


def volume_table(parts: list[pd.DataFrame], customers: pd.DataFrame | None,
                 gap_ratio: float = 0.5) -> pd.DataFrame:
    """`monthly_volume` from the parts of `month_parts` and the rows of `month_customers` (of one or
    several parts; None: no customer ids), summed month by month."""
    table = parts[0] if len(parts) == 1 else pd.concat(parts).groupby(level=0).sum()
    if customers is None:
        table = table.assign(customers=0)
    else:
        by_month = customers.groupby("month")["customers"].sum()
        table = table.assign(customers=by_month.reindex(table.index, fill_value=0))
    full_range = pd.period_range(table.index.min(), table.index.max(), freq="M")
    table = table.reindex(full_range, fill_value=0)
    if customers is None:
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

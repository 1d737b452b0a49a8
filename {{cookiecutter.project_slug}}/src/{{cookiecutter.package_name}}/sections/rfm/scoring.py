"""RFM scores and segments at a snapshot day: recency, frequency, monetary; the segment grid; tables.

Base and measures at a snapshot day (checks up to and including that day; times of day are ignored):
- customers: identified customers (customer_id present; anonymous checks are left out) with at least one
  purchase (a check with a positive amount) on or before the snapshot;
- recency_days: snapshot day - day of the last purchase (0 = bought on the snapshot day);
- frequency: number of purchases (checks with a positive amount);
- monetary: net spend = sum of all the customer's check amounts, returns (negative amounts) netted.

Scores (1 = worst .. `bins` = best; bins from config rfm.bins): a customer's score is set by the share of
customers who are strictly worse on that measure:  score = 1 + floor(bins x worse / n).
Tie handling: customers with equal values always get the same score (no arbitrary splitting of equal
customers). A tie block takes the score of its lowest position (pandas rank method "min"), so the lowest
value always scores 1, and a large block of equal values (typically the many one-time buyers) collapses
into one score; the scores it spans stay empty rather than splitting identical customers. Worse means a
longer recency, a lower frequency, a lower monetary value.

Segments come from the R x F score map below (M is reported beside each segment - revenue share, average
check - rather than splitting it further, because F and M move together). The map is written for 5
scores; other bin counts are first rescaled to 1..5 with 1 + round((score - 1) x 4 / (bins - 1)).

    R \\ F    1                2                     3                     4          5
    5        New              Potential loyalists   Potential loyalists   Champions  Champions
    4        Promising        Potential loyalists   Potential loyalists   Loyal      Loyal
    3        About to sleep   About to sleep        Need attention        Loyal      Loyal
    2        Hibernating      Hibernating           At risk               At risk    Can't lose
    1        Lost             Hibernating           At risk               At risk    Can't lose
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...core.checks import as_identified

# Best to worst: also the order used to say whether a customer moved up or down between snapshots.
SEGMENTS: tuple[str, ...] = (
    "Champions", "Loyal", "Potential loyalists", "New", "Promising", "Need attention",
    "About to sleep", "At risk", "Can't lose", "Hibernating", "Lost",
)
NOT_YET = "Not yet a customer"

# SEGMENT_GRID[5 - r][f - 1] = segment of R score r and F score f on the 1..5 scale.
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"),
    ("Promising", "Potential loyalists", "Potential loyalists", "Loyal", "Loyal"),
    ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose"),
    ("Lost", "Hibernating", "At risk", "At risk", "Can't lose"),
)


def segment_key(name: str) -> str:
    """kpis key of a segment: "Can't lose" -> "cant_lose", "Potential loyalists" -> "potential_loyalists"."""
    return name.lower().replace("'", "").replace(" ", "_")


def customer_rfm(transactions: pd.DataFrame, snapshot: pd.Timestamp) -> pd.DataFrame:
    """customer_id, recency_days, frequency, monetary, first_purchase, last_purchase at `snapshot`.

    Only checks on or before the snapshot day; customers without a purchase by then are not included.
    `transactions` may be the identified checks (`core.checks.identified_checks`) instead.
    """
    snapshot = pd.Timestamp(snapshot).normalize()
    checks = as_identified(transactions)
    checks = checks[checks["day"] <= snapshot]
    purchases = checks[checks["is_purchase"]]
    by_customer = purchases.groupby("customer_id")
    out = pd.DataFrame({
        "first_purchase": by_customer["day"].min(),
        "last_purchase": by_customer["day"].max(),
        "frequency": by_customer.size().astype("int64"),
    })
    out["monetary"] = checks.groupby("customer_id")["amount"].sum().reindex(out.index).astype("float64")
    out["recency_days"] = (snapshot - out["last_purchase"]).dt.days.astype("int64")
    out.index.name = "customer_id"
    columns = ["customer_id", "recency_days", "frequency", "monetary", "first_purchase", "last_purchase"]
    return out.reset_index()[columns]


def quantile_scores(values: pd.Series, bins: int, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..bins: 1 + floor(bins x (customers strictly worse) / n); equal values share a score.

    Example (bins = 5): values 1, 1, 1, 2, 3, 4, 5, 6, 7, 8 -> scores 1, 1, 1, 2, 3, 3, 4, 4, 5, 5.
    """
    if bins < 2:
        raise ValueError("rfm.bins must be at least 2")
    n = len(values)
    if n == 0:
        return pd.Series(dtype="int64", index=values.index)
    goodness = values if higher_is_better else -values
    worse = goodness.rank(method="min").astype("int64") - 1
    return (1 + (bins * worse) // n).astype("int64")


def _to_five(scores: pd.Series, bins: int) -> np.ndarray:
    return (1 + np.floor((scores.to_numpy() - 1) * 4 / (bins - 1) + 0.5)).astype(int)


def segment_of(r_score: pd.Series, f_score: pd.Series, bins: int) -> pd.Series:
    """Segment name from R and F scores through SEGMENT_GRID (scores rescaled to 1..5 first)."""
    grid = np.array(SEGMENT_GRID, dtype=object)
    r, f = _to_five(r_score, bins), _to_five(f_score, bins)
    return pd.Series(grid[5 - r, f - 1], index=r_score.index, dtype="string")


def score_rfm(rfm: pd.DataFrame, bins: int) -> pd.DataFrame:
    """Add r_score, f_score, m_score (1..bins, higher = better) and segment to a customer_rfm frame."""
    out = rfm.copy()
    out["r_score"] = quantile_scores(out["recency_days"], bins, higher_is_better=False)
    out["f_score"] = quantile_scores(out["frequency"], bins)
    out["m_score"] = quantile_scores(out["monetary"], bins)
    out["segment"] = (segment_of(out["r_score"], out["f_score"], bins) if len(out)
                      else pd.Series(dtype="string"))
    return out


def rfm_segments(transactions: pd.DataFrame, snapshot: pd.Timestamp, bins: int) -> pd.DataFrame:
    """customer_rfm + scores + segment at `snapshot`: one row per customer."""
    return score_rfm(customer_rfm(transactions, snapshot), bins)


def segment_table(scored: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (all 11, in SEGMENTS order, empty ones with 0 customers).

    customers; share = customers / all customers; revenue (net); revenue_share = revenue / net revenue of
    all customers; average_check = revenue / purchases; frequency = mean purchases per customer;
    recency_days = mean days since the last purchase.
    """
    groups = scored.groupby("segment", observed=True)
    table = pd.DataFrame({
        "customers": groups.size(),
        "revenue": groups["monetary"].sum(),
        "purchases": groups["frequency"].sum(),
        "recency_days": groups["recency_days"].mean(),
    }).reindex(list(SEGMENTS))
    table.index.name = "segment"
    table["customers"] = table["customers"].fillna(0).astype("int64")
    table["revenue"] = table["revenue"].fillna(0.0)
    table["purchases"] = table["purchases"].fillna(0).astype("int64")
    total_customers, total_revenue = len(scored), scored["monetary"].sum()
    table["share"] = table["customers"] / total_customers if total_customers else np.nan
    table["revenue_share"] = table["revenue"] / total_revenue if total_revenue else np.nan
    table["average_check"] = table["revenue"] / table["purchases"].where(table["purchases"] > 0)
    table["frequency"] = table["purchases"] / table["customers"].where(table["customers"] > 0)
    columns = ["customers", "share", "revenue", "revenue_share", "average_check", "frequency",
               "recency_days"]
    return table[columns].reset_index()


def rf_matrix(scored: pd.DataFrame, bins: int) -> pd.DataFrame:
    """Customers per (R score, F score): rows R = bins .. 1 (index r_score), columns "1" .. str(bins)."""
    counts = pd.crosstab(scored["r_score"], scored["f_score"])
    scores = list(range(1, bins + 1))
    matrix = counts.reindex(index=scores[::-1], columns=scores, fill_value=0).astype("int64")
    matrix.index.name = "r_score"
    matrix.columns = [str(c) for c in matrix.columns]
    return matrix


def segment_export(scored: pd.DataFrame) -> pd.DataFrame:
    """customer_id -> segment for CRM activation: identifiers and segment names only, no contact data."""
    return scored[["customer_id", "segment"]].sort_values("customer_id").reset_index(drop=True)


def segment_headline(table: pd.DataFrame, snapshot: pd.Timestamp,
                     summary: pd.DataFrame | None = None) -> dict[str, Any]:
    """kpis `rfm`: snapshot, customers, segments.<key>.{customers, revenue_share}, migration shares.

    migration.{up, same, down}: shares of all customers present at both snapshots (None when there is
    no earlier snapshot). Without any identified customer every value is None.
    """
    known = bool(table["customers"].sum())
    segments = {segment_key(row["segment"]): {"customers": int(row["customers"]) if known else None,
                                              "revenue_share": row["revenue_share"] if known else None}
                for _, row in table.iterrows()}
    migration: dict[str, Any] = {"up": None, "same": None, "down": None}
    if summary is not None:
        everyone = summary.set_index("group").loc["all"]
        migration = {d: everyone[d] for d in ("up", "same", "down")}
    return {"snapshot": pd.Timestamp(snapshot).date().isoformat(),
            "customers": int(table["customers"].sum()) if known else None, "segments": segments,
            "migration": migration}

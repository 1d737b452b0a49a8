"""Program economics: cost, incremental revenue and margin, ROI and its sensitivity; discount vs points.

cost = points redeemed x point value + monthly operating cost x months since launch; incremental
revenue = member revenue since joining x effect / (1 + effect); ROI = (incremental revenue x gross
margin - cost) / cost. Discount vs points: the same benefit costs its full value as an immediate
discount, but as points only the share that is redeemed (breakage), and later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ...core.membership import join_day_array
from ...core.numbers import ratio
from .checks import Checks, exact_parts, exact_total, sorted_by_customer
from .settings import Program


def program_cost(points_redeemed: float, point_value: float, monthly_cost: float,
                 months: float) -> float:
    """Program cost = points redeemed * point value + monthly operating cost * months."""
    return float(points_redeemed) * float(point_value) + float(monthly_cost) * float(months)


def incremental_revenue(member_revenue: float, effect: float) -> float:
    """Revenue the program added: member revenue * effect / (1 + effect).

    Member revenue already includes the effect, so the counterfactual is member revenue / (1 + effect).
    """
    return float(member_revenue) * float(effect) / (1.0 + float(effect))


def roi(incremental_margin: float, cost: float) -> float | None:
    """ROI = (incremental margin - cost) / cost, incremental margin = incremental revenue * margin."""
    return ratio(incremental_margin - cost, cost)


def roi_sensitivity(member_revenue: float, cost: float, margins: list[float],
                    effects: list[float]) -> pd.DataFrame:
    """ROI over a grid: rows = gross margin, columns = relative member effect."""
    table = pd.DataFrame(index=pd.Index(margins, name="gross_margin"),
                         columns=pd.Index(effects, name="effect"), dtype=float)
    for m in margins:
        for e in effects:
            value = roi(incremental_revenue(member_revenue, e) * m, cost)
            table.loc[m, e] = np.nan if value is None else value
    return table


def sensitivity_table(grid: pd.DataFrame) -> pd.DataFrame:
    """`roi_sensitivity` as a report table: a gross-margin column and one "effect +x%" column per effect."""
    out = grid.copy()
    out.columns = [f"effect {e:+.0%}" for e in grid.columns]
    return out.reset_index()


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Length of [start, end] in months (days / (365.25 / 12))."""
    return max(((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / (365.25 / 12.0), 0.0)


def member_spend(checks: pd.DataFrame, joins: pd.Series, since: pd.Timestamp | None) -> pd.DataFrame:
    """Per member of the identified `checks`: net revenue of their checks on or after their join day
    (and on or after `since`) (customer_id, revenue)."""
    join = join_day_array(checks["customer_id"], joins)
    keep = ~np.isnat(join) & (checks["day"].to_numpy("datetime64[D]") >= join)
    if since is not None:
        keep &= (checks["day"] >= pd.Timestamp(since).normalize()).to_numpy()
    return checks[keep].groupby("customer_id")["amount"].sum().rename("revenue").reset_index()


def member_revenue_since_join(transactions: pd.DataFrame | Checks, customers: pd.DataFrame | None,
                              since: pd.Timestamp | None = None) -> float | None:
    """Net revenue of checks made by members on or after their join day (and on or after `since`);
    join days by the one rule of `core.membership`; None when membership is unknown. The members'
    revenues (`member_spend`, bucket by bucket for a big client) added in customer id order."""
    checks = Checks.of(transactions)
    joins = checks.join_dates(customers)
    if joins is None:
        return None
    rows = sorted_by_customer(checks.per_customer(partial(member_spend, joins=joins, since=since)))
    return float(rows["revenue"].sum())


def redeemed_parts(checks: pd.DataFrame, since: pd.Timestamp | None) -> list[float]:
    """The checks' points_redeemed dated on or after `since`, as exact parts of their sum."""
    rows = checks if since is None else checks[checks["date"] >= since]
    return exact_parts(rows["points_redeemed"].fillna(0.0).to_numpy(float))


def points_redeemed_total(points: pd.DataFrame | None, transactions: pd.DataFrame | Checks,
                          since: pd.Timestamp | None = None) -> float | None:
    """Points redeemed: the ledger's redemptions, else the transactions' points_redeemed (every check,
    added up exactly over chunks of the checks for a big client), else None."""
    if points is not None and len(points):
        rows = points[points["kind"] == "redemption"]
        if since is not None:
            rows = rows[rows["date"] >= since]
        return float(rows["points"].sum())
    checks = Checks.of(transactions)
    if "points_redeemed" in checks.columns:
        return exact_total(checks.chunks(partial(redeemed_parts, since=since), ["date", "points_redeemed"]))
    return None


def economics(transactions: pd.DataFrame | Checks, customers: pd.DataFrame | None,
              points: pd.DataFrame | None,
              effect: float | None, program: Program,
              period: tuple[pd.Timestamp, pd.Timestamp]) -> dict[str, Any]:
    """Program economics over [launch (or period start), period end].

    cost = points redeemed * point_value + monthly_cost * months; incremental revenue from member
    revenue since joining and the member effect; incremental margin = incremental revenue *
    gross_margin; ROI = (incremental margin - cost) / cost.
    """
    start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    transactions = Checks.of(transactions)
    launch = program.launch_date
    since = max(pd.Timestamp(launch), start) if launch is not None else start
    redeemed = points_redeemed_total(points, transactions, since)
    months = months_between(since, end)
    cost = (None if redeemed is None else
            program_cost(redeemed, program.point_value, program.monthly_cost, months))
    member_rev = member_revenue_since_join(transactions, customers, since)
    incr = None if effect is None or member_rev is None else incremental_revenue(member_rev, effect)
    margin = None if incr is None else incr * program.gross_margin
    return {"since": since, "months": months, "points_redeemed": redeemed, "program_cost": cost,
            "member_revenue": member_rev, "incremental_revenue": incr, "incremental_margin": margin,
            "roi": None if margin is None or cost is None else roi(margin, cost)}

def economics_table(result: Mapping[str, Any]) -> pd.DataFrame:
    """The economics dict as a two-column table for the report."""
    labels = {"points_redeemed": "Points redeemed", "program_cost": "Program cost",
              "member_revenue": "Member revenue since joining",
              "incremental_revenue": "Incremental revenue (member effect)",
              "incremental_margin": "Incremental gross margin", "roi": "ROI"}
    return pd.DataFrame({"item": list(labels.values()), "value": [result.get(k) for k in labels]})


def points_breakage_and_lag(points: pd.DataFrame | None) -> dict[str, float | None]:
    """Breakage and redemption lag of the points ledger.

    breakage = expired / (redeemed + expired): the share of the points whose fate is known that
    burned (points still on balances are left out; expired / accrued would count them as redeemed
    later). redemption_lag_days = sum over days of the end-of-day balance / (redeemed + expired)
    (Little's law: average time a point waits on a balance before it is spent or burns).
    Balance = accruals + adjustments - redemptions - expiry, cumulated by day from the first row.
    """
    empty = {"breakage_rate": None, "redemption_lag_days": None}
    if points is None or not len(points):
        return empty
    # plain floats whatever the kinds' dtype (text kinds map to Arrow doubles, summed otherwise)
    sign = points["kind"].map({"accrual": 1.0, "adjustment": 1.0, "redemption": -1.0, "expiry": -1.0})
    delta = sign.to_numpy(float, na_value=np.nan) * points["points"].to_numpy(float, na_value=np.nan)
    rows = points.assign(delta=delta, day=points["date"].dt.normalize()).dropna(subset=["delta"])
    redeemed = float(rows.loc[rows["kind"] == "redemption", "points"].sum())
    expired = float(rows.loc[rows["kind"] == "expiry", "points"].sum())
    outflow = redeemed + expired
    if outflow <= 0:
        return empty
    daily = rows.groupby("day")["delta"].sum()
    days = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
    balance = daily.reindex(days, fill_value=0.0).cumsum()
    return {"breakage_rate": expired / outflow, "redemption_lag_days": float(balance.sum()) / outflow}


def points_cost_ratio(breakage_rate: float, redemption_lag_days: float,
                      annual_discount_rate: float = 0.0) -> float:
    """Cost of a benefit given as points per unit of the same benefit given as an immediate discount.

    ratio = (1 - breakage) / (1 + annual_discount_rate) ** (redemption_lag_days / 365): a discount
    costs its full value today; points of the same face value cost only the share that is redeemed,
    and later. Example: breakage 0.3, lag 365 days, rate 0.1 -> 0.7 / 1.1 = 0.636.
    """
    return (1.0 - float(breakage_rate)) / (1.0 + float(annual_discount_rate)) ** (
        float(redemption_lag_days) / 365.0)


def discount_vs_points_table(revenue: float, benefit_rates: Sequence[float], breakage_rate: float,
                             redemption_lag_days: float, annual_discount_rate: float = 0.0) -> pd.DataFrame:
    """Cost of the same benefit (benefit rate * revenue) as an immediate discount vs as points.

    discount_cost = rate * revenue; points_cost = discount_cost * `points_cost_ratio`;
    saving = discount_cost - points_cost; saving_share = saving / discount_cost.
    """
    cost_ratio = points_cost_ratio(breakage_rate, redemption_lag_days, annual_discount_rate)
    rates = np.asarray(list(benefit_rates), float)
    discount = rates * float(revenue)
    points_cost = discount * cost_ratio
    return pd.DataFrame({"benefit_rate": rates, "discount_cost": discount, "points_cost": points_cost,
                         "saving": discount - points_cost, "saving_share": 1.0 - cost_ratio})


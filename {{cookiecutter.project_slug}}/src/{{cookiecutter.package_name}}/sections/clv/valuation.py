"""Customer lifetime value from the fitted models, and the tables that summarise it.

CLV: the selected model's parameters applied to each customer's whole history up to the period end
(customers acquired in the holdout included): expected purchases month by month over
``clv.horizon_months``, times the Gamma-Gamma expected spend per purchase, times the gross margin,
discounted monthly at (1 + ``clv.annual_discount_rate``) ** (1 / 12) - 1 (`customer_lifetime_value`).
Months are 365.25 / 12 days.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...core.membership import groups_on, join_dates
from .data import DAYS_PER_MONTH, unit_days
from .models.base import FittedModel, FrequencyModel
from .models.gamma_gamma import GammaGammaModel

Z95 = 1.959963984540054
P_ALIVE_BANDS = ((0.7, "likely active (P(alive) 0.7 or more)"), (0.3, "at risk (P(alive) 0.3 to 0.7)"),
                 (0.0, "likely lost (P(alive) below 0.3)"))
UNKNOWN_GROUP = "(unknown)"


def monthly_discount_factors(horizon_months: int, annual_discount_rate: float) -> np.ndarray:
    """1 / (1 + d)^k for months k = 1..H, d = (1 + annual rate)^(1/12) - 1 (end-of-month cash)."""
    months = np.arange(1, int(horizon_months) + 1)
    return (1.0 + annual_discount_rate) ** (-months / 12.0)


def discounted_increments(cumulative: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """sum_k (C_k - C_(k-1)) d_k for cumulative values C_0 = 0, C_1..C_H (columns) per row."""
    increments = np.diff(np.column_stack([np.zeros(len(cumulative)), cumulative]), axis=1)
    return increments @ discount


def customer_lifetime_value(summary: pd.DataFrame, model: FrequencyModel,
                            spend_model: GammaGammaModel | None, horizon_months: int,
                            annual_discount_rate: float, gross_margin: float,
                            time_unit: str = "W") -> pd.DataFrame:
    """CLV per customer over the horizon, discounted, in gross-margin money.

    CLV = margin * E[spend per purchase] * sum_k (E[Y(t_k)] - E[Y(t_(k-1))]) / (1 + d)^k, with
    t_k = k months (365.25 / 12 days each), E[Y(t)] the model's expected purchases in the next t given
    the customer's (x, t_x, T), d the monthly discount rate (`monthly_discount_factors`).
    E[spend] is Gamma-Gamma's conditional expectation; without a spend model, the customer's own mean
    amount over all their purchase days.
    Columns: customer_id, frequency, recency, T, monetary_value, p_alive, expected_purchases (over the
    horizon, undiscounted), expected_spend, clv.
    """
    x = summary["frequency"].to_numpy(float)
    t_x = summary["recency"].to_numpy(float)
    big_t = summary["T"].to_numpy(float)
    month = DAYS_PER_MONTH / unit_days(time_unit)
    horizon = int(horizon_months)
    cumulative = model.expected_purchases_path(np.arange(1, horizon + 1) * month, x, t_x, big_t) \
        if horizon > 0 else np.zeros((len(x), 0))
    discount = monthly_discount_factors(horizon, annual_discount_rate)
    if spend_model is not None:
        spend = spend_model.conditional_expected_spend(x, summary["monetary_value"].to_numpy(float))
    else:
        spend = summary["spend"].to_numpy(float) / (x + 1.0)
    discounted = discounted_increments(cumulative, discount) if horizon > 0 else np.zeros(len(x))
    return pd.DataFrame({
        "customer_id": summary.index.to_numpy(),
        "frequency": summary["frequency"].to_numpy(),
        "recency": t_x,
        "T": big_t,
        "monetary_value": summary["monetary_value"].to_numpy(float),
        "p_alive": model.probability_alive(x, t_x, big_t),
        "expected_purchases": cumulative[:, -1] if horizon > 0 else np.zeros(len(x)),
        "expected_spend": spend,
        "clv": gross_margin * spend * discounted,
    })


def clv_by_group(clv: pd.DataFrame, groups: pd.Series, missing: str = UNKNOWN_GROUP) -> pd.DataFrame:
    """CLV summarised by any grouping of customers (a Series indexed by customer_id).

    Columns: group, customers, share_of_customers, mean_clv, median_clv, total_clv, clv_share,
    mean_p_alive, expected_purchases (mean). Customers missing from `groups` fall in `missing`.
    """
    labels = groups.reindex(clv["customer_id"].to_numpy()).astype(object)
    labels = labels.where(labels.notna(), missing).to_numpy()
    table = clv.assign(group=labels).groupby("group", sort=True).agg(
        customers=("clv", "size"), mean_clv=("clv", "mean"), median_clv=("clv", "median"),
        total_clv=("clv", "sum"), mean_p_alive=("p_alive", "mean"),
        expected_purchases=("expected_purchases", "mean"))
    table.insert(1, "share_of_customers", table["customers"] / table["customers"].sum())
    total = table["total_clv"].sum()
    table.insert(5, "clv_share", table["total_clv"] / total if total else math.nan)
    return table.reset_index().rename(columns={"index": "group"})


def membership_groups(customer_ids: Any, customers: pd.DataFrame | None,
                      transactions: pd.DataFrame | None, as_of: Any) -> pd.Series | None:
    """``members`` / ``non_members`` per customer id on `as_of` (the period end), by the one rule of
    `core.membership` (join dates from the customers table, else the first loyalty-card check);
    None when membership is unknown."""
    return groups_by_joins(customer_ids, join_dates(customers, transactions), as_of)


def groups_by_joins(customer_ids: Any, joins: pd.Series | None, as_of: Any) -> pd.Series | None:
    """`membership_groups` from the join days (`core.membership.join_dates`; None: unknown)."""
    if joins is None:
        return None
    ids = pd.Index(pd.unique(np.asarray(customer_ids, dtype=object)))
    return groups_on(ids, joins, pd.Timestamp(as_of))


def p_alive_bands(clv: pd.DataFrame) -> pd.Series:
    """Band of P(alive) per customer_id: likely active (>= 0.7), at risk (0.3-0.7), likely lost."""
    p = clv["p_alive"].to_numpy(float)
    labels = np.select([p >= P_ALIVE_BANDS[0][0], p >= P_ALIVE_BANDS[1][0]],
                       [P_ALIVE_BANDS[0][1], P_ALIVE_BANDS[1][1]], P_ALIVE_BANDS[2][1])
    return pd.Series(labels, index=clv["customer_id"].to_numpy())


def top_customers(clv: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The n customers with the highest CLV: ids and model numbers only (no contact data)."""
    columns = ["customer_id", "clv", "p_alive", "expected_purchases", "expected_spend", "frequency"]
    top = clv.nlargest(n, "clv")[columns].reset_index(drop=True)
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    return top


def customer_export(clv: pd.DataFrame) -> pd.DataFrame:
    """Every customer's CLV numbers for downstream use (ids only), highest CLV first."""
    columns = ["customer_id", "clv", "p_alive", "expected_purchases", "expected_spend", "frequency",
               "recency", "T"]
    return clv[columns].sort_values("clv", ascending=False, kind="stable").reset_index(drop=True)


def clv_concentration(clv: pd.DataFrame, top_share: float = 0.1) -> float:
    """Share of the total CLV held by the top `top_share` of customers by CLV."""
    values = np.sort(clv["clv"].to_numpy(float))[::-1]
    total = values.sum()
    if values.size == 0 or total <= 0:
        return math.nan
    k = max(1, int(math.ceil(top_share * values.size)))
    return float(values[:k].sum() / total)


def fits_table(models: Mapping[str, FrequencyModel], spend_model: GammaGammaModel | None) -> pd.DataFrame:
    """model, parameter, estimate, std_error, ci_low, ci_high (estimate -/+ 1.96 SE), customers,
    log_likelihood, penalizer (the L2 penalty the fit needed; 0 = plain maximum likelihood): one row
    per parameter of every fitted model."""
    rows = []
    fitted: list[FittedModel] = [*models.values()] + ([spend_model] if spend_model else [])
    for model in fitted:
        for name, value in model.params.items():
            se = model.standard_errors.get(name, math.nan)
            rows.append({"model": model.label, "parameter": name, "estimate": value, "std_error": se,
                         "ci_low": value - Z95 * se, "ci_high": value + Z95 * se,
                         "customers": model.customers, "log_likelihood": model.log_likelihood,
                         "penalizer": model.penalizer_coef})
    return pd.DataFrame(rows, columns=["model", "parameter", "estimate", "std_error", "ci_low",
                                       "ci_high", "customers", "log_likelihood", "penalizer"])

"""Campaigns with random control groups: spend and response per customer, tests, MDE, ROMI.

Per (campaign, customer): spend and response in ``[sent_at, sent_at + window)``; per campaign:
revenue per customer of treatment vs control with a bootstrap interval and Welch's t-test, response
rates with a proportions z-test, the smallest effects the group sizes could detect, and ROMI from the
campaign's cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

from ...core.keys import RowsByCustomer
from ...core.numbers import percentile_interval, ratio, relative_change
from .checks import Checks
from .economics import roi
from .resampling import resampled_means


def minimum_detectable_effect(sd_treatment: float, sd_control: float, n_treatment: int,
                              n_control: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest true difference in means detectable with the given power by a two-sided test.

    MDE = (z_(1 - alpha/2) + z_power) * sqrt(sd_t^2 / n_t + sd_c^2 / n_c), in the unit of the metric
    (divide by the control mean for a relative MDE). For a share p use sd = sqrt(p (1 - p)).
    """
    z = stats.norm.ppf(1.0 - alpha / 2.0) + stats.norm.ppf(power)
    return float(z * math.sqrt(sd_treatment ** 2 / n_treatment + sd_control ** 2 / n_control))


def window_spend(checks: pd.DataFrame, sends: RowsByCustomer, window_days: int) -> pd.DataFrame:
    """Per customer of the identified `checks`: for each of their campaign sends (`sends`: campaign_id,
    customer_id, sent_day rows by customer), net revenue and purchases (checks with amount > 0) in
    [sent_day, sent_day + window_days) (campaign_id, customer_id, spend, purchases)."""
    found = sends.find(checks["customer_id"])
    checks = checks.loc[found >= 0, ["customer_id", "day", "amount"]]
    # only this bucket's sends: merging all of a big client's sends would hash millions of ids per bucket
    merged = sends.rows(found).merge(checks, on="customer_id")
    inside = merged[(merged["day"] >= merged["sent_day"])
                    & (merged["day"] < merged["sent_day"] + pd.Timedelta(days=window_days))]
    inside = inside.assign(bought=inside["amount"] > 0)
    by = inside.groupby(["campaign_id", "customer_id"])
    return pd.DataFrame({"spend": by["amount"].sum(), "purchases": by["bought"].sum()}).reset_index()


def campaign_outcomes(transactions: pd.DataFrame | Checks, campaigns: pd.DataFrame,
                      window_days: int = 30) -> pd.DataFrame:
    """Per (campaign, customer): group, spend and response in [sent_at, sent_at + window_days).

    spend = net revenue of the customer's checks in the window (0 if none); responded = at least one
    check with amount > 0 in the window. Computed per customer (`window_spend`; bucket by bucket for a
    big client).
    """
    camp = campaigns.assign(customer_id=campaigns["customer_id"].astype(str),
                            sent_day=campaigns["sent_at"].dt.normalize())
    sends = camp[["campaign_id", "customer_id", "sent_day"]].drop_duplicates()
    by_customer = RowsByCustomer(sends.reset_index(drop=True))
    rows = Checks.of(transactions).per_customer(partial(window_spend, sends=by_customer,
                                                        window_days=window_days))
    found = rows.set_index(["campaign_id", "customer_id"])
    out = camp[["campaign_id", "customer_id", "group", "sent_day"]].copy()
    key = pd.MultiIndex.from_frame(out[["campaign_id", "customer_id"]])
    out["spend"] = found["spend"].reindex(key, fill_value=0.0).to_numpy()
    out["responded"] = found["purchases"].reindex(key, fill_value=0).to_numpy() > 0
    return out


def campaign_test(treatment_spend: np.ndarray, control_spend: np.ndarray,
                  treatment_responded: np.ndarray, control_responded: np.ndarray,
                  bootstrap_samples: int = 500, seed: int = 42) -> dict[str, float | int | None]:
    """Treatment vs control of one campaign.

    uplift = revenue per customer treatment / control - 1, 95% CI by percentile bootstrap within
    groups, p_value from Welch's t-test on spend; response rates, their difference and the
    proportions z-test p-value (statsmodels); MDEs (relative revenue, response in points) at 80% power.
    """
    from statsmodels.stats.proportion import proportions_ztest

    t = np.asarray(treatment_spend, float)
    c = np.asarray(control_spend, float)
    rt = np.asarray(treatment_responded, bool)
    rc = np.asarray(control_responded, bool)
    out: dict[str, float | int | None] = {"treatment": int(t.size), "control": int(c.size)}
    if t.size < 2 or c.size < 2:
        return {**out, "uplift": None, "p_value": None, "ci_low": None, "ci_high": None}
    rng = np.random.default_rng(seed)
    boot_t = resampled_means(t, rng, bootstrap_samples)  # a block of resamples at a time
    boot_c = resampled_means(c, rng, bootstrap_samples)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = percentile_interval(boot_t / boot_c - 1.0)
    p_value = stats.ttest_ind(t, c, equal_var=False).pvalue
    mde = minimum_detectable_effect(t.std(ddof=1), c.std(ddof=1), t.size, c.size)
    p_pool = (rt.sum() + rc.sum()) / (rt.size + rc.size)
    z_p = (proportions_ztest([rt.sum(), rc.sum()], [rt.size, rc.size])[1]
           if 0 < p_pool < 1 else None)
    sd_r = math.sqrt(p_pool * (1 - p_pool))
    out.update({
        "revenue_per_customer_treatment": float(t.mean()), "revenue_per_customer_control": float(c.mean()),
        "uplift": relative_change(t.mean(), c.mean()),
        "p_value": float(p_value) if np.isfinite(p_value) else None,
        "ci_low": low, "ci_high": high,
        "incremental_revenue": float((t.mean() - c.mean()) * t.size),
        "mde_relative": ratio(mde, c.mean()),
        "response_treatment": float(rt.mean()), "response_control": float(rc.mean()),
        "response_uplift_points": float(rt.mean() - rc.mean()),
        "response_p_value": None if z_p is None else float(z_p),
        "response_mde_points": minimum_detectable_effect(sd_r, sd_r, rt.size, rc.size),
    })
    return out


def campaign_table(outcomes: pd.DataFrame, bootstrap_samples: int = 500, seed: int = 42) -> pd.DataFrame:
    """One row per campaign: sizes, revenue per customer, uplift, CI, p-values, response, MDE."""
    rows = []
    for cid, group in outcomes.groupby("campaign_id", sort=True):
        t = group[group["group"] == "treatment"]
        c = group[group["group"] == "control"]
        res = campaign_test(t["spend"].to_numpy(), c["spend"].to_numpy(), t["responded"].to_numpy(),
                            c["responded"].to_numpy(), bootstrap_samples, seed)
        rows.append({"campaign_id": cid, "sent_at": group["sent_day"].min(), **res})
    return pd.DataFrame(rows)


def campaign_romi(table: pd.DataFrame, gross_margin: float,
                  campaign_costs: Mapping[str, float] | None = None,
                  cost_per_contact: float | None = None) -> pd.DataFrame:
    """Add cost, incremental margin and ROMI to a `campaign_table`.

    cost = campaign_costs[campaign_id] if given, else cost_per_contact * treatment customers, else
    unknown (None); incremental margin = incremental revenue (treatment - control revenue per
    customer, times treatment customers) * gross_margin; ROMI = (incremental margin - cost) / cost.
    """
    costs = {str(k): v for k, v in (campaign_costs or {}).items()}
    out = table.copy()
    cost_col, margin_col, romi_col = [], [], []
    for row in out.itertuples(index=False):
        cost = costs.get(str(row.campaign_id))
        if cost is None and cost_per_contact is not None:
            cost = float(cost_per_contact) * int(row.treatment)
        incr = getattr(row, "incremental_revenue", None)
        margin = None if incr is None or pd.isna(incr) else float(incr) * float(gross_margin)
        cost_col.append(None if cost is None else float(cost))
        margin_col.append(margin)
        romi_col.append(None if cost is None or margin is None else roi(margin, float(cost)))
    out["cost"] = pd.Series(cost_col, index=out.index, dtype=float)
    out["incremental_margin"] = pd.Series(margin_col, index=out.index, dtype=float)
    out["romi"] = pd.Series(romi_col, index=out.index, dtype=float)
    return out


"""What an NPS answer predicts: churn and spend after it, promoters vs passives vs detractors, and the
revenue at risk from detractors.

Definitions (W = ``program.voice_churn_days``, 180 by default, the same window for every answer):

* Answers kept: NPS answers linked to a customer (`voice.customer_numbers`) whose window after is wholly
  observed: answer day + W <= the period end. Each customer counts once, with their last kept answer
  (on one day, the lowest score), so a frequent respondent does not weigh more.
* **Churn after the answer**: no purchase (check with amount > 0) in the W days after it, i.e. on days
  (answer day, answer day + W]. **Spend after**: net spend (purchases minus returns) on those days.
  **Spend before**: net spend on days (answer day - W, answer day].
* **Matching on spend before**: promoters are more often members and heavier buyers, who churn less
  whatever they answer, so raw rates mix the answer with the customer's spend. Each answer gets a bin
  of its spend before (``program.voice_spend_bins`` quantile bins over the kept answers,
  `rfm.scoring.quantile_scores`: equal spends share a bin), and promoters and passives are reweighted
  to the detractors' distribution over the bins: weight = detractors' share in the bin / the group's
  share in the bin (detractors: weight 1). The detractors are the reference because the question is
  what their answer costs: how much more they churn than promoters who spent as they did (the effect
  on the treated). Bins without any answer of the group are left out and the detractors' shares are
  renormalised over the others (common support).
* **Intervals**: a weighted mean p = sum(w y) / sum(w) has Var(p) ~ sum(w^2 (y - p)^2) / sum(w)^2
  (linearisation, the weights taken as known); 95% interval p +/- 1.96 sd. Groups are different
  customers, so the variance of a difference is the sum of the two.
* **Revenue at risk**: excess churn = churn after (detractors) - churn after (promoters), matched;
  S = yearly spend of the detractors = sum over customers whose last answer in the period is a detractor's
  of spend before x 365 / W; revenue at risk = excess x S, its interval the excess's interval x S (S is
  a total over known customers, not a sample). It is the yearly revenue the surveyed detractors are
  expected to lose by churning more than comparable promoters (negative: they churn less).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ...core.numbers import finite
from ..rfm.scoring import quantile_scores
from .surveys import Z95

GROUPS = ("promoters", "passives", "detractors")
REFERENCE = "detractors"
OUTCOME_COLUMNS = ("group", "answers", "churn_raw", "churn", "churn_low", "churn_high", "spend_raw",
                   "spend", "spend_low", "spend_high")


def nps_group(scores: pd.Series) -> pd.Series:
    """promoters (9-10), passives (7-8) or detractors (0-6) of each score."""
    values = pd.to_numeric(scores, errors="coerce")
    return pd.Series(np.select([values >= 9, values >= 7], ["promoters", "passives"], "detractors"),
                     index=scores.index)


def last_answers(responses: pd.DataFrame, end: pd.Timestamp | None = None, days: int = 0) -> pd.DataFrame:
    """The last linked answer of each customer (lowest score on the same day) as customer, day, score,
    group; with `end`, only answers whose `days`-day window after ends by `end`."""
    linked = responses.loc[responses["customer"].notna()]
    frame = pd.DataFrame({"customer": linked["customer"].astype(float),
                          "day": linked["date"].dt.normalize().astype("datetime64[ns]"),
                          "score": pd.to_numeric(linked["score"], errors="coerce")}).dropna()
    if end is not None:
        frame = frame.loc[frame["day"] + pd.Timedelta(days=days) <= end.normalize()]
    frame = frame.sort_values(["customer", "day", "score"], ascending=[True, True, False], kind="stable")
    last = frame.drop_duplicates("customer", keep="last").reset_index(drop=True)
    return last.assign(group=nps_group(last["score"]))


def window_sums(answers: pd.DataFrame, purchases: pd.DataFrame, days: int) -> pd.DataFrame:
    """`answers` (one per customer) with spend_before, spend_after and churned (no purchase after) over
    the `days`-day windows of the module docstring; `purchases`: customer, day, amount of the checks."""
    mine = purchases.loc[purchases["customer"].isin(answers["customer"])]
    joined = mine.merge(answers[["customer", "day"]], on="customer", suffixes=("", "_answer"))
    offset = (joined["day"] - joined["day_answer"]).dt.days
    after = (offset > 0) & (offset <= days)
    before = (offset > -days) & (offset <= 0)
    by = joined["customer"]
    spend_after = joined["amount"].where(after, 0.0).groupby(by).sum()
    spend_before = joined["amount"].where(before, 0.0).groupby(by).sum()
    bought = (after & (joined["amount"] > 0)).groupby(by).any()
    out = answers.copy()
    key = out["customer"]
    out["spend_before"] = key.map(spend_before).fillna(0.0).astype(float)
    out["spend_after"] = key.map(spend_after).fillna(0.0).astype(float)
    out["churned"] = ~key.isin(bought.index[bought.to_numpy(dtype=bool)])
    return out


def weights(frame: pd.DataFrame, bins: int) -> pd.Series:
    """The matching weight of each answer (module docstring): detractors 1, the others reweighted to
    the detractors' distribution over bins of spend before; all 1 without detractors."""
    out = pd.Series(1.0, index=frame.index)
    reference = frame["group"] == REFERENCE
    if not reference.any() or len(frame) < 2:
        return out
    score = quantile_scores(frame["spend_before"].reset_index(drop=True), bins).to_numpy()
    score = pd.Series(score, index=frame.index)
    target = score[reference].value_counts(normalize=True)
    for group in GROUPS:
        if group == REFERENCE:
            continue
        mine = frame["group"] == group
        if not mine.any():
            continue
        share = score[mine].value_counts(normalize=True)
        support = target.reindex(share.index).fillna(0.0)
        if support.sum() <= 0:
            continue
        ratio = (support / support.sum()) / share
        out[mine] = score[mine].map(ratio).to_numpy()
    return out


def weighted_mean(values: pd.Series, weight: pd.Series) -> tuple[float | None, float | None]:
    """(sum(w y) / sum(w), its variance sum(w^2 (y - p)^2) / sum(w)^2); None without weight."""
    y, w = values.to_numpy(dtype=float), weight.to_numpy(dtype=float)
    total = w.sum()
    if y.size == 0 or total <= 0:
        return None, None
    mean = float((w * y).sum() / total)
    return mean, float((w**2 * (y - mean) ** 2).sum() / total**2)


def interval(mean: float | None, variance: float | None, z: float = Z95) -> tuple[Any, Any]:
    if mean is None or variance is None:
        return None, None
    half = z * math.sqrt(max(variance, 0.0))
    return mean - half, mean + half


def outcome_table(frame: pd.DataFrame, bins: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per NPS group: answers, raw and matched churn after and spend after with their 95% intervals;
    and the excess churn of detractors over promoters {gap, gap_ci_low, gap_ci_high} (matched)."""
    weight = weights(frame, bins)
    rows, variances = [], {}
    for group in GROUPS:
        mine = frame["group"] == group
        churned = frame.loc[mine, "churned"].astype(float)
        spend = frame.loc[mine, "spend_after"]
        churn, churn_var = weighted_mean(churned, weight[mine])
        money, money_var = weighted_mean(spend, weight[mine])
        variances[group] = (churn, churn_var)
        rows.append({"group": group, "answers": int(mine.sum()),
                     "churn_raw": finite(churned.mean()) if mine.any() else None,
                     "churn": churn, **dict(zip(("churn_low", "churn_high"), interval(churn, churn_var),
                                                strict=True)),
                     "spend_raw": finite(spend.mean()) if mine.any() else None,
                     "spend": money, **dict(zip(("spend_low", "spend_high"), interval(money, money_var),
                                                strict=True))})
    (low_mean, low_var), (high_mean, high_var) = variances["promoters"], variances["detractors"]
    gap = dict.fromkeys(("gap", "gap_ci_low", "gap_ci_high"))
    if low_mean is not None and high_mean is not None:
        value = high_mean - low_mean
        gap["gap"] = value
        gap["gap_ci_low"], gap["gap_ci_high"] = interval(value, low_var + high_var)
    return pd.DataFrame(rows, columns=list(OUTCOME_COLUMNS)), gap


def revenue_at_risk(gap: dict[str, Any], detractors_spend: float, days: int) -> dict[str, Any]:
    """{revenue_at_risk, revenue_at_risk_ci_low, revenue_at_risk_ci_high, detractors_yearly_spend}:
    the excess churn (and its interval) x the detractors' yearly spend (spend before x 365 / days)."""
    yearly = float(detractors_spend) * 365.0 / days
    keys = ("revenue_at_risk", "revenue_at_risk_ci_low", "revenue_at_risk_ci_high")
    values = [None if gap[k] is None else gap[k] * yearly for k in ("gap", "gap_ci_low", "gap_ci_high")]
    return {**dict(zip(keys, values, strict=True)), "detractors_yearly_spend": yearly}

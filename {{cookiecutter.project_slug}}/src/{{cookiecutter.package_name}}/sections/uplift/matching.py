"""Matching members to customers not yet members: the check index, features, candidates, strata,
nearest-neighbour and propensity matching, common support and balance.

Notation: J = a member's join day, W = ``window_days``, C = ``confirm_days`` (see `member_effect` for
the designs that use this). One row of a matching sample is a (customer, reference day): members at
their join day J (``treated``), and customers not yet members on J (the risk set: never-members and
customers who join later) at the same day, so calendar effects hit both sides alike.

* Features (FEATURES, measured at a day A over [A - W, A)): purchases (checks with amount > 0),
  average check (net spend / purchases), recency (days from the last check before A), tenure (days from
  registration or the first check), history (checks before A). They are ``log1p``-transformed and
  standardised over the pooled sample; each member is matched to its nearest neighbour (Euclidean,
  scikit-learn ``NearestNeighbors``) among candidates with the same reference day and the same
  *stratum*, with replacement (`match_nearest`); or to the nearest logit of a logistic-regression
  propensity score (`match_propensity`, caliper 0.2 SD of the logit).
* *Exact matching* (`exact_match_columns`): customer attributes known before joining for members and
  non-members alike (the value tier) define strata; a column known for members only is skipped with a
  note. *Common support*: members whose nearest neighbour is further than the caliper are dropped.
* Who is a member, and since when: `core.membership.join_dates` (the one rule of every section).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...core.membership import join_dates
from ...text.catalogue import Text
from .matching_sample import MatchDesign, build_matching_sample

# member-control differences held at once by `match_nearest` (times 5 features, 8 bytes: 40 MB)
_PAIR_BLOCK = 1_000_000
FEATURES = ["purchases", "avg_check", "recency_days", "tenure_days", "history_checks"]
FEATURE_LABELS = {
    "purchases": "Checks in the pre window",
    "avg_check": "Average check in the pre window",
    "recency_days": "Days since the last check",
    "tenure_days": "Tenure, days",
    "history_checks": "Checks before the reference day (all history)",
    "pre_spend": "Spend in the pre window",
}
__all__ = ["FEATURES", "MatchDesign", "balance_table", "build_matching_sample", "common_support",
           "exact_match_columns", "match_nearest", "match_propensity", "propensity_scores"]


def exact_match_columns(customers: pd.DataFrame | None, columns: Sequence[str],
                        joins: pd.Series | None = None,
                        min_known_share: float = 0.95) -> tuple[list[str], list[Text]]:
    """Customer attributes usable for exact matching, and a note (a `Text`) for each one left out.

    A column is used when the customers table has it and its value is known for at least
    ``min_known_share`` of members and of non-members alike (a program tier that only members have is
    not a pre-join attribute and cannot be matched on). Members: customers with a join day
    (`joins`, default `join_dates(customers)`).
    """
    used: list[str] = []
    notes: list[Text] = []
    joins = join_dates(customers) if joins is None else joins
    if customers is None or joins is None:
        return used, notes
    member = joins.reindex(customers["customer_id"].astype("string")).notna().to_numpy()
    for col in columns:
        if col not in customers.columns:
            notes.append(Text("uplift.reason.exact_missing", {"column": col}))
            continue
        known = customers[col].notna().to_numpy()
        shares = [float(known[member].mean()) if member.any() else 0.0,
                  float(known[~member].mean()) if (~member).any() else 0.0]
        if min(shares) < min_known_share:
            notes.append(Text("uplift.reason.exact_partial",
                              {"column": col, "members": shares[0], "non_members": shares[1]}))
            continue
        used.append(col)
    return used, notes


def _standardised(sample: pd.DataFrame) -> np.ndarray:
    x = np.log1p(sample[FEATURES].to_numpy(dtype=float).clip(min=0))
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    return (x - x.mean(axis=0)) / sd


def _match_groups(sample: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """(treated, controls) row positions per reference day and stratum, groups in sorted order and
    rows in sample order; groups without a member or without a control are left out."""
    keys = ["ref_day"] + (["stratum"] if "stratum" in sample.columns else [])
    codes = sample.groupby(keys, sort=True).ngroup().to_numpy()
    treated = sample["treated"].to_numpy(bool)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    out = []
    for rows in np.split(order, bounds):
        t, c = rows[treated[rows]], rows[~treated[rows]]
        if t.size and c.size:
            out.append((t, c))
    return out


def _pairs(sample: pd.DataFrame, found: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
           caliper: float) -> pd.DataFrame:
    """Pairs (treated, control, distance positions per group) as row labels, within the caliper."""
    labels = sample.index
    if not found:
        return pd.DataFrame({"treated_row": labels[:0], "control_row": labels[:0], "distance": np.empty(0)})
    treated, control, distance = (np.concatenate(parts) for parts in zip(*found, strict=True))
    pairs = pd.DataFrame({"treated_row": labels[treated], "control_row": labels[control],
                          "distance": distance})
    return pairs[pairs["distance"] <= caliper].reset_index(drop=True)


def _nearest(members: np.ndarray, controls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of `members`, the position of the nearest row of `controls` (Euclidean; of
    several at the same distance, the first) and the distance; members in blocks so that a block's
    differences stay within _PAIR_BLOCK pairs."""
    block = max(1, _PAIR_BLOCK // len(controls))
    index, distance = np.empty(len(members), np.int64), np.empty(len(members))
    for start in range(0, len(members), block):
        diff = members[start:start + block, None, :] - controls[None, :, :]
        squared = np.einsum("ijk,ijk->ij", diff, diff)
        best = squared.argmin(axis=1)
        index[start:start + block] = best
        distance[start:start + block] = np.sqrt(squared[np.arange(len(best)), best])
    return index, distance


def match_nearest(sample: pd.DataFrame, caliper: float = 0.5) -> pd.DataFrame:
    """1:1 nearest-neighbour matching with replacement within the same reference day and stratum.

    Distance = Euclidean distance of the standardised log1p(FEATURES). Returns one row per matched
    member, by reference day and stratum then in sample order: treated_row, control_row (row labels of
    `sample`), distance. Of controls at the same smallest distance, the first in sample order is
    matched. Members whose nearest control is further than `caliper` (standardised units) are left out.
    Every member is compared with every control of its group (a group holds a day's members, a few
    dozen, and its candidate controls): exact, and faster than building a search tree per group.
    """
    z = _standardised(sample)
    found = []
    for treated, controls in _match_groups(sample):
        index, distance = _nearest(z[treated], z[controls])
        found.append((treated, controls[index], distance))
    return _pairs(sample, found, caliper)


def propensity_scores(sample: pd.DataFrame) -> np.ndarray:
    """Logit of the propensity to join: logistic regression (scikit-learn) of ``treated`` on the
    standardised log1p(FEATURES) of all rows (one model for every reference day and stratum).

    logit e(x) = b0 + b'x, e(x) = P(member | x) = 1 / (1 + exp(-logit)). Weak L2 penalty (C = 100).
    """
    from sklearn.linear_model import LogisticRegression

    z = _standardised(sample)
    y = sample["treated"].to_numpy(bool)
    if y.all() or not y.any():
        return np.zeros(len(sample))
    model = LogisticRegression(C=100.0, max_iter=1000).fit(z, y)
    return model.decision_function(z)


def match_propensity(sample: pd.DataFrame, caliper_sd: float = 0.2) -> pd.DataFrame:
    """1:1 propensity-score matching with replacement within the same reference day and stratum.

    Distance = |logit e(x_member) - logit e(x_control)| (see `propensity_scores`); members whose
    nearest control is further than ``caliper_sd`` standard deviations of the logit (Austin's 0.2)
    are left out. Same output as `match_nearest`.
    """
    score = propensity_scores(sample)
    sd = float(np.std(score)) or 1.0
    found = []
    for treated, controls in _match_groups(sample):
        order = np.argsort(score[controls], kind="stable")
        c_score, c_rows = score[controls][order], controls[order]
        t_score = score[treated]
        right = np.clip(np.searchsorted(c_score, t_score), 0, c_score.size - 1)
        left = np.clip(right - 1, 0, c_score.size - 1)
        pick = np.where(np.abs(c_score[left] - t_score) <= np.abs(c_score[right] - t_score), left, right)
        found.append((treated, c_rows[pick], np.abs(c_score[pick] - t_score)))
    return _pairs(sample, found, caliper_sd * sd)


def common_support(sample: pd.DataFrame, pairs: pd.DataFrame) -> dict[str, int]:
    """Members eligible, matched within the caliper, dropped (off support); distinct controls used."""
    eligible = int(sample["treated"].sum())
    return {"members_eligible": eligible, "members_matched": int(len(pairs)),
            "members_off_support": eligible - int(len(pairs)),
            "candidate_controls": int((~sample["treated"]).sum()),
            "controls_used": int(pairs["control_row"].nunique())}


def balance_table(sample: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Standardised mean differences of pre-period features before and after matching.

    SMD = (mean treated - mean control) / sqrt((var treated + var control) / 2), variances of the
    unmatched groups (the same denominator before and after, as usual). |SMD| < 0.1 = good balance.
    """
    columns = FEATURES + ["pre_spend"]
    treated = sample[sample["treated"]]
    control = sample[~sample["treated"]]
    m_t = sample.loc[pairs["treated_row"], columns]
    m_c = sample.loc[pairs["control_row"], columns]
    out = []
    for col in columns:
        pooled = math.sqrt((treated[col].var() + control[col].var()) / 2.0) or 1.0
        out.append({"feature": FEATURE_LABELS[col],
                    "members_mean": treated[col].mean(), "all_controls_mean": control[col].mean(),
                    "smd_before": (treated[col].mean() - control[col].mean()) / pooled,
                    "matched_controls_mean": m_c[col].mean(),
                    "smd_after": (m_t[col].mean() - m_c[col].mean()) / pooled})
    return pd.DataFrame(out)


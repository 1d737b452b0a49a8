"""Campaign targeting, part 3: how well a ranking finds the customers a campaign moves.

Customers are sorted by score, highest first (ties keep their order). For the top k of n:

* Qini curve (Radcliffe 2007): Q(k) = Y_T(k) - Y_C(k) * N_T(k) / N_C(k), with Y_T, Y_C the summed
  outcomes and N_T, N_C the counts of treated and control customers among the top k; Q(0) = 0, points
  where N_C(k) = 0 are interpolated linearly between their neighbours. Q(k) is the incremental revenue
  of sending to the treated among the top k.
* Qini area = sum_(k=0..n) (Q(k) - k/n Q(n)) / (n + 1): the mean gap between the curve and the
  random-targeting line, in money (the definition of causalml's ``qini_score(normalize=False)``; see
  `targeting` for why not that library). Zero for a ranking no better than random.
* uplift at share s (the top k = ceil(s n)): mean outcome of its treated - mean outcome of its controls,
  the incremental revenue per targeted customer; captured share = Q(k) / Q(n).

The 95% interval of the Qini area is a percentile bootstrap that resamples customers within the
treatment and the control group (counts as weights on the fixed order: each replicate is O(n)).
It holds the scores fixed: it measures the evaluation's sampling noise, not the refitting's.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ...core.numbers import percentile_interval

SHARES = (0.1, 0.2, 0.3)


def _order(score: np.ndarray) -> np.ndarray:
    return np.argsort(-np.asarray(score, float), kind="stable")


def qini_points(y: np.ndarray, treated: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Q(0..n) of rows already sorted by score (weights: bootstrap counts, default 1 each)."""
    w = np.ones(y.size) if weights is None else np.asarray(weights, float)
    t = np.asarray(treated, bool)
    n_t, n_c = np.cumsum(w * t), np.cumsum(w * ~t)
    y_t, y_c = np.cumsum(w * y * t), np.cumsum(w * y * ~t)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = y_t - y_c * n_t / n_c
    q = np.concatenate([[0.0], np.where(n_c > 0, q, np.nan)])
    bad = ~np.isfinite(q)
    if bad.any() and (~bad).sum() >= 1:
        positions = np.arange(q.size)
        q[bad] = np.interp(positions[bad], positions[~bad], q[~bad])
    return q


def area_of(q: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Qini area of the points Q(0..n): sum_k (Q(k) - x_k Q(n)) / (n + 1), x_k = k / n (or the cumulated
    weight share, for a bootstrap replicate, each point counted as often as its customer was drawn)."""
    if weights is None:
        x = np.linspace(0.0, 1.0, q.size)
        return float(np.mean(q - x * q[-1]))
    w = np.asarray(weights, float)
    x = np.concatenate([[0.0], np.cumsum(w)]) / w.sum()
    gap = q - x * q[-1]
    return float((gap[0] + np.sum(w * gap[1:])) / (1.0 + w.sum()))


def qini_curve(y: np.ndarray, treated: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    """The curve by targeted share: share (k / n) and qini (Q(k)), k = 0..n."""
    order = _order(score)
    q = qini_points(np.asarray(y, float)[order], np.asarray(treated, bool)[order])
    return pd.DataFrame({"share": np.linspace(0.0, 1.0, q.size), "qini": q})


def qini_area(y: np.ndarray, treated: np.ndarray, score: np.ndarray) -> float:
    """The Qini area of a ranking (module docstring)."""
    order = _order(score)
    return area_of(qini_points(np.asarray(y, float)[order], np.asarray(treated, bool)[order]))


def qini_interval(y: np.ndarray, treated: np.ndarray, score: np.ndarray, samples: int,
                  seed: int) -> tuple[float | None, float | None]:
    """95% percentile bootstrap interval of the Qini area, resampling within each group."""
    order = _order(score)
    y, t = np.asarray(y, float)[order], np.asarray(treated, bool)[order]
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(t), np.flatnonzero(~t)]
    areas = np.empty(samples)
    for b in range(samples):
        w = np.zeros(y.size)
        for rows in groups:
            w[rows] = np.bincount(rng.integers(0, rows.size, rows.size), minlength=rows.size)
        areas[b] = area_of(qini_points(y, t, w), w)
    return percentile_interval(areas)


def uplift_at(y: np.ndarray, treated: np.ndarray, score: np.ndarray, share: float) -> float | None:
    """Mean outcome of the treated - of the controls among the top `share` (None: a group is empty)."""
    order = _order(score)
    top = order[:max(1, math.ceil(share * len(order)))]
    y_top, t_top = np.asarray(y, float)[top], np.asarray(treated, bool)[top]
    if t_top.all() or not t_top.any():
        return None
    return float(y_top[t_top].mean() - y_top[~t_top].mean())


def captured_share(curve: pd.DataFrame, share: float) -> float | None:
    """Q(ceil(share n)) / Q(n): the share of the whole incremental revenue the top `share` gives
    (None when Q(n) <= 0: there is no incremental revenue to capture)."""
    total = float(curve["qini"].iloc[-1])
    if total <= 0:
        return None
    k = math.ceil(share * (len(curve) - 1))
    return float(curve["qini"].iloc[k]) / total


def gains_table(y: np.ndarray, treated: np.ndarray, scores: pd.DataFrame,
                shares: tuple[float, ...] = SHARES) -> pd.DataFrame:
    """Per ranking (column of `scores`) and random targeting: uplift per customer at each share and the
    share of the incremental revenue captured there (random: the overall difference and the share s)."""
    y, t = np.asarray(y, float), np.asarray(treated, bool)
    overall = float(y[t].mean() - y[~t].mean()) if t.any() and (~t).any() else None
    rows = []
    for share in shares:
        rows.append({"ranking": "random", "targeted_share": share, "uplift_per_customer": overall,
                     "captured_share": share})
        for name in scores.columns:
            score = scores[name].to_numpy(float)
            rows.append({"ranking": name, "targeted_share": share,
                         "uplift_per_customer": uplift_at(y, t, score, share),
                         "captured_share": captured_share(qini_curve(y, t, score), share)})
    return pd.DataFrame(rows)

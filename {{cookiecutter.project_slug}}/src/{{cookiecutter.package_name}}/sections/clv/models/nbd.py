"""The no-dropout boundary of BG/NBD and Pareto/NBD: the NBD model, and the check that a fit sits on it.

When customers show no detectable dropout, the likelihood of both models keeps rising towards the edge
of their parameter space: BG/NBD's a -> 0 (the dropout probability p ~ Beta(a, b) collapses on 0) and
Pareto/NBD's s -> 0 (the dropout rate mu ~ Gamma(s, beta) collapses on 0). An optimiser then never
converges, or stops at a tiny a or s that is the boundary in all but name. That is an answer, not a
failure: both models reduce to the NBD (purchases Poisson(lambda), lambda ~ Gamma(r, alpha), nobody
drops out), whose two parameters are well identified. b and beta are not identified there (None).

Rule: a fit is *on the boundary* when its log-likelihood is no more than `BOUNDARY_TOLERANCE` above
the NBD's (the extra dropout parameters buy nothing). With real dropout the gap is hundreds of
log-likelihood units (1,000 simulated customers: 670-870), at the boundary it is below 1e-4.

The NBD log-likelihood of (x, t_x, T), the common limit of both models' (FHL 2005 eq. 6 with a -> 0;
Fader & Hardie note 009 eq. 18 with s -> 0): log G(r + x) - log G(r) + r log alpha - (r + x) log(alpha + T).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize, special

from .base import PARAM_NAMES, FrequencyModel, patterns, standard_errors

BOUNDARY_TOLERANCE = 0.01  # log-likelihood units a fit may gain over the NBD and still be on the boundary


def nbd_log_likelihood(r: float, alpha: float, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Individual NBD log-likelihood of purchase timings (module docstring); t_x does not enter."""
    return special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T)


def fit_nbd(frequency: Any, recency: Any, T: Any) -> tuple[dict[str, float], dict[str, float], float]:
    """The NBD by maximum likelihood on the distinct (x, T) patterns, time rescaled to max(T) = 1:
    (params r and alpha, their standard errors, the total log-likelihood)."""
    x, _, big_t, weights = patterns(frequency, recency, T)
    scale = 1.0 / big_t.max() if big_t.size and big_t.max() > 0 else 1.0
    total = weights.sum()

    def nll(log_params: np.ndarray) -> float:
        r, alpha = np.exp(log_params)
        with np.errstate(all="ignore"):
            value = -np.sum(weights * nbd_log_likelihood(r, alpha, x, big_t * scale)) / total
        return float(value) if np.isfinite(value) else 1e10

    best = optimize.minimize(nll, np.zeros(2), method="L-BFGS-B", bounds=[(-12.0, 10.0)] * 2)
    r, alpha = float(np.exp(best.x[0])), float(np.exp(best.x[1]) / scale)
    errors = standard_errors(lambda log_p: nll(log_p) * total, best.x)
    ll = float(np.sum(weights * nbd_log_likelihood(r, alpha, x, big_t)))
    return {"r": r, "alpha": alpha}, {"r": float(errors[0]), "alpha": float(errors[1] / scale)}, ll


class NoDropout(FrequencyModel):
    """Mixin for a fit on the no-dropout boundary: predictions of the NBD with the model's r and alpha.

    E[X(t)] = r t / alpha; E[Y(t) | x, t_x, T] = (r + x) t / (alpha + T); P(alive) = 1."""

    no_dropout = True

    def _rate(self, frequency: Any, T: Any) -> np.ndarray:
        r, alpha = self.params["r"], self.params["alpha"]
        return (r + np.asarray(frequency, float)) / (alpha + np.asarray(T, float))

    def expected_purchases(self, t: Any) -> np.ndarray:
        return self.params["r"] / self.params["alpha"] * np.asarray(t, float)

    def conditional_expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        return self._rate(frequency, T) * np.asarray(t, float)

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        shape = np.broadcast_shapes(*(np.shape(v) for v in (frequency, recency, T)))
        return np.ones(shape)

    def expected_purchases_path(self, times: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        return self._rate(frequency, T)[:, None] * np.asarray(times, float)[None, :]

    def log_likelihood_of(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        return nbd_log_likelihood(self.params["r"], self.params["alpha"], np.asarray(frequency, float),
                                  np.asarray(T, float))


def boundary_model(model_class: type[FrequencyModel], frequency: Any, recency: Any, T: Any,
                   fitted_log_likelihood: float | None = None) -> FrequencyModel | None:
    """The no-dropout fit of `model_class` (a `NoDropout` subclass) when the optimum is on the
    boundary: when `fitted_log_likelihood` (the best the full model reached; None: its search found
    nothing) is at most `BOUNDARY_TOLERANCE` above the NBD's. None when the full model fits better.

    Parameters: r and alpha of the NBD, the dropout shape (a or s) 0, the other one (b or beta) NaN
    (not identified)."""
    params, errors, ll = fit_nbd(frequency, recency, T)
    if fitted_log_likelihood is not None and fitted_log_likelihood > ll + BOUNDARY_TOLERANCE:
        return None
    shape, scale = (name for name in PARAM_NAMES[model_class.key] if name not in params)
    freq = np.asarray(frequency)
    return model_class({**params, shape: 0.0, scale: np.nan}, errors, ll, int(freq.size),
                       int((freq > 0).sum()))

"""BG/NBD (Fader, Hardie & Lee 2005), fitted and predicted by lifetimes' BetaGeoFitter; on its
no-dropout boundary (a -> 0, see `nbd`) reported as `BGNBDNoDropout`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from .base import PARAM_NAMES, ClvError, FrequencyModel, check_support, lifetimes, patterns, quiet
from .nbd import NoDropout, boundary_model


class BGNBDModel(FrequencyModel):
    """BG/NBD: Poisson purchases at rate lambda ~ Gamma(r, alpha); after each purchase the customer
    drops out with probability p ~ Beta(a, b). Predictions by lifetimes."""

    key = "bgnbd"

    def _fitter(self) -> Any:
        fitter = lifetimes().BetaGeoFitter()
        fitter.params_ = pd.Series(self.params)
        return fitter

    def expected_purchases(self, t: Any) -> np.ndarray:
        with quiet():
            return np.asarray(self._fitter().expected_number_of_purchases_up_to_time(
                np.asarray(t, float)), float)

    def conditional_expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        with quiet():
            return np.asarray(self._fitter().conditional_expected_number_of_purchases_up_to_time(
                np.asarray(t, float), np.asarray(frequency, float), np.asarray(recency, float),
                np.asarray(T, float)), float)

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        with quiet():
            return np.asarray(self._fitter().conditional_probability_alive(
                np.asarray(frequency, float), np.asarray(recency, float), np.asarray(T, float)), float)

    def log_likelihood_of(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        return bgnbd_log_likelihood(tuple(self.params.values()), np.asarray(frequency, float),
                                    np.asarray(recency, float), np.asarray(T, float))


def bgnbd_log_likelihood(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray,
                         T: np.ndarray) -> np.ndarray:
    """Individual BG/NBD log-likelihood (FHL 2005, eq. 6), as lifetimes computes it."""
    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + np.maximum(x, 1) - 1)
                      - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


class BGNBDNoDropout(NoDropout, BGNBDModel):
    """BG/NBD fitted on its boundary a -> 0 (no detectable dropout): a = 0, b not identified (NaN);
    predictions of the NBD (`nbd.NoDropout`)."""


def best_log_likelihood(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weights: np.ndarray) -> float | None:
    """The highest BG/NBD log-likelihood a bounded search over log-parameters (each in [-12, 10], time
    rescaled to max(T) = 1) reaches, for when lifetimes' fit fails; None if it reaches nothing finite."""
    scale = 1.0 / T.max() if T.size and T.max() > 0 else 1.0
    total = weights.sum()

    def nll(log_params: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            value = -np.sum(weights * bgnbd_log_likelihood(tuple(np.exp(log_params)), x, t_x * scale,
                                                            T * scale)) / total
        return float(value) if np.isfinite(value) else 1e10

    best = optimize.minimize(nll, np.zeros(4), method="L-BFGS-B", bounds=[(-12.0, 10.0)] * 4)
    params = np.exp(best.x) / np.array([1.0, scale, 1.0, 1.0])
    with np.errstate(all="ignore"):
        ll = float(np.sum(weights * bgnbd_log_likelihood(tuple(params), x, t_x, T)))
    return ll if best.fun < 1e10 and np.isfinite(ll) else None


def _boundary_or_raise(error: ClvError, data: tuple[np.ndarray, ...], penalizer_coef: float,
                       customers: tuple[Any, Any, Any]) -> BGNBDModel:
    """After a failed plain fit: the no-dropout fit if nothing beats the boundary, else `error`."""
    if penalizer_coef == 0:
        boundary = boundary_model(BGNBDNoDropout, *customers, best_log_likelihood(*data))
        if boundary is not None:
            return boundary
    raise error


def fit_bgnbd(frequency: Any, recency: Any, T: Any, penalizer_coef: float = 0.0,
              min_repeat_buyers: int = 30) -> BGNBDModel:
    """BG/NBD fitted by lifetimes' BetaGeoFitter on the distinct (x, t_x, T) patterns.

    lifetimes minimises the mean negative log-likelihood + penalizer_coef * sum(params**2) with time
    rescaled so that max(T) = 1; standard errors come from its Hessian (delta method on log-params).
    A plain fit (no penalty) whose optimum is on the no-dropout boundary (`nbd`: the fit, or when
    lifetimes fails the best of a bounded search, is no better than the NBD) is returned as a
    `BGNBDNoDropout`. Raises ClvError when the data cannot support the fit.
    """
    x, t_x, big_t, weights = patterns(frequency, recency, T)
    check_support(np.asarray(frequency), "bgnbd", min_repeat_buyers)
    package = lifetimes()
    fitter = package.BetaGeoFitter(penalizer_coef=penalizer_coef)
    data, customers = (x, t_x, big_t, weights), (frequency, recency, T)
    try:
        with quiet():
            fitter.fit(x, t_x, big_t, weights=weights)
    except package.utils.ConvergenceError:
        return _boundary_or_raise(ClvError("bgnbd_no_convergence"), data, penalizer_coef, customers)
    except np.linalg.LinAlgError:
        return _boundary_or_raise(ClvError("bgnbd_singular"), data, penalizer_coef, customers)
    params = fitter.params_.to_dict()
    if not all(np.isfinite(v) and v > 0 for v in params.values()):
        invalid = ClvError("bgnbd_invalid", params=", ".join(f"{k} = {v:.4g}" for k, v in params.items()))
        return _boundary_or_raise(invalid, data, penalizer_coef, customers)
    ll = float(weights @ bgnbd_log_likelihood(tuple(params[k] for k in PARAM_NAMES["bgnbd"]),
                                              x, t_x, big_t))
    boundary = boundary_model(BGNBDNoDropout, *customers, ll) if penalizer_coef == 0 else None
    if boundary is not None:
        return boundary
    freq = np.asarray(frequency)
    model = BGNBDModel(params, fitter.standard_errors_.to_dict(), ll, int(freq.size),
                       int((freq > 0).sum()))
    model.penalizer_coef = penalizer_coef
    return model

"""BG/NBD (Fader, Hardie & Lee 2005), fitted and predicted by lifetimes' BetaGeoFitter."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .base import PARAM_NAMES, ClvError, FrequencyModel, check_support, lifetimes, patterns, quiet


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


def fit_bgnbd(frequency: Any, recency: Any, T: Any, penalizer_coef: float = 0.0,
              min_repeat_buyers: int = 30) -> BGNBDModel:
    """BG/NBD fitted by lifetimes' BetaGeoFitter on the distinct (x, t_x, T) patterns.

    lifetimes minimises the mean negative log-likelihood + penalizer_coef * sum(params**2) with time
    rescaled so that max(T) = 1; standard errors come from its Hessian (delta method on log-params).
    Raises ClvError when the data cannot support the fit.
    """
    x, t_x, big_t, weights = patterns(frequency, recency, T)
    check_support(np.asarray(frequency), "bgnbd", min_repeat_buyers)
    package = lifetimes()
    fitter = package.BetaGeoFitter(penalizer_coef=penalizer_coef)
    try:
        with quiet():
            fitter.fit(x, t_x, big_t, weights=weights)
    except package.utils.ConvergenceError as exc:
        raise ClvError("bgnbd_no_convergence") from exc
    except np.linalg.LinAlgError as exc:
        raise ClvError("bgnbd_singular") from exc
    params = fitter.params_.to_dict()
    if not all(np.isfinite(v) and v > 0 for v in params.values()):
        raise ClvError("bgnbd_invalid", params=", ".join(f"{k} = {v:.4g}" for k, v in params.items()))
    ll = float(weights @ bgnbd_log_likelihood(tuple(params[k] for k in PARAM_NAMES["bgnbd"]),
                                              x, t_x, big_t))
    freq = np.asarray(frequency)
    model = BGNBDModel(params, fitter.standard_errors_.to_dict(), ll, int(freq.size),
                       int((freq > 0).sum()))
    model.penalizer_coef = penalizer_coef
    return model

"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013) by lifetimes' fitter."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import ClvError, FittedModel, NotEnoughDataError, lifetimes, quiet


class GammaGammaModel(FittedModel):
    """Purchase amounts ~ Gamma(p, nu) per customer, nu ~ Gamma(q, v); independent of the purchase
    process. Fitted on repeat buyers only (`customers` = `repeat_buyers`)."""

    key = "gamma_gamma"

    def __init__(self, params: Mapping[str, float], standard_errors: Mapping[str, float] | None = None,
                 log_likelihood: float = math.nan, customers: int = 0) -> None:
        super().__init__(params, standard_errors, log_likelihood, customers, customers)

    @property
    def mean_spend(self) -> float:
        """Population mean spend per purchase: p v / (q - 1)."""
        return self.params["p"] * self.params["v"] / (self.params["q"] - 1.0)

    def conditional_expected_spend(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """E[M | x, m] = w m + (1 - w) p v / (q - 1), w = p x / (p x + q - 1) (F&H 2013, eq. 5);
        with x = 0 the population mean."""
        x = np.asarray(frequency, float)
        m = np.asarray(monetary_value, float)
        p, q = self.params["p"], self.params["q"]
        weight = p * x / (p * x + q - 1.0)
        return weight * np.where(x > 0, m, 0.0) + (1.0 - weight) * self.mean_spend


def fit_gamma_gamma(frequency: Any, monetary_value: Any, min_repeat_buyers: int = 30) -> GammaGammaModel:
    """Gamma-Gamma by lifetimes' GammaGammaFitter on repeat buyers (x > 0): x and the mean amount of
    their repeat purchases. Unpenalised (money is not rescaled, so an L2 penalty on v would depend on
    the currency); q is kept >= 1 (q <= 1 has no finite mean spend and is refused)."""
    x = np.asarray(frequency, float)
    m = np.asarray(monetary_value, float)
    repeat = (x > 0) & (m > 0)
    if repeat.sum() < min_repeat_buyers:
        raise NotEnoughDataError("gamma_gamma_not_enough", repeat=int(repeat.sum()),
                                 needed=min_repeat_buyers)
    package = lifetimes()
    fitter = package.GammaGammaFitter(penalizer_coef=0.0)
    try:
        with quiet():
            fitter.fit(x[repeat], m[repeat], q_constraint=True)
    except package.utils.ConvergenceError as exc:
        raise ClvError("gamma_gamma_no_convergence") from exc
    except np.linalg.LinAlgError as exc:
        raise ClvError("gamma_gamma_singular") from exc
    params = fitter.params_.to_dict()
    if not all(np.isfinite(v) and v > 0 for v in params.values()) or params["q"] <= 1.0 + 1e-6:
        raise ClvError("gamma_gamma_heavy_tail", q=params.get("q", math.nan))
    ll = -float(fitter._negative_log_likelihood_) * int(repeat.sum())
    return GammaGammaModel(params, fitter.standard_errors_.to_dict(), ll, int(repeat.sum()))


def spend_frequency_correlation(frequency: Any, monetary_value: Any) -> float:
    """Pearson correlation of frequency and mean repeat spend among repeat buyers (x > 0).

    Gamma-Gamma assumes spend per purchase is independent of how often a customer buys; a correlation
    far from 0 (see clv.max_spend_correlation) means its CLV should be read with care.
    """
    x = np.asarray(frequency, float)
    m = np.asarray(monetary_value, float)
    repeat = x > 0
    if repeat.sum() < 3 or np.std(x[repeat]) == 0 or np.std(m[repeat]) == 0:
        return math.nan
    return float(np.corrcoef(x[repeat], m[repeat])[0, 1])

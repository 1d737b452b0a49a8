"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987) with its own vectorised likelihood.

lifetimes' ParetoNBDFitter runs a Nelder-Mead search over every customer, far too slow for a
retailer's customer base; here the likelihood is vectorised with scipy and evaluated on the distinct
(frequency, recency, T) patterns, its hypergeometric terms once per distinct (x, t_x) and (x, T) pair.
A fit on the no-dropout boundary (s -> 0, see `nbd`) is reported as `ParetoNBDNoDropout`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special

from .base import PARAM_NAMES, ClvError, FrequencyModel, check_support, patterns, standard_errors
from .hypergeometric import BudgetExhausted, SeriesBudget, log1mexp, log_hyp2f1_a_a1
from .nbd import NoDropout, boundary_model

LOG_PARAM_BOUNDS = (-12.0, 10.0)  # fitted log-parameters (time rescaled to max(T) = 1) stay inside


@dataclass(frozen=True)
class ParetoData:
    """Customers' (x, t_x, T) with the distinct (x, t_x) and (x, T) pairs precomputed: the costly
    hypergeometric terms depend on those pairs only, which are far fewer than the customers."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    pairs_tx: tuple[np.ndarray, np.ndarray, np.ndarray]
    pairs_T: tuple[np.ndarray, np.ndarray, np.ndarray]

    @staticmethod
    def _pairs(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, inverse = np.unique(np.column_stack([x, t]), axis=0, return_inverse=True)
        return rows[:, 0], rows[:, 1], inverse.ravel()

    @classmethod
    def of(cls, x: Any, t_x: Any, T: Any) -> ParetoData:
        x, t_x, T = np.broadcast_arrays(np.asarray(x, float), np.asarray(t_x, float),
                                        np.asarray(T, float))
        x, t_x, T = x.ravel(), t_x.ravel(), T.ravel()
        return cls(x, t_x, T, cls._pairs(x, t_x), cls._pairs(x, T))

    def scaled(self, factor: float) -> ParetoData:
        """The same customers with time multiplied by `factor`."""
        return ParetoData(self.x, self.t_x * factor, self.T * factor,
                          (self.pairs_tx[0], self.pairs_tx[1] * factor, self.pairs_tx[2]),
                          (self.pairs_T[0], self.pairs_T[1] * factor, self.pairs_T[2]))


def pareto_nbd_log_likelihood(params: tuple[float, ...], data: ParetoData,
                              budget: SeriesBudget | None = None) -> np.ndarray:
    """Individual Pareto/NBD log-likelihood (Fader & Hardie 2005, note 009, eqs. 18-20).

    L = G(r+x) a^r b^s / G(r) * [ (alpha+T)^-(r+x) (beta+T)^-s + s / (r+s+x) * A0 ],
    A0 = F(t_x) - F(T), F(t) = 2F1(r+s+x, c; r+s+x+1; |alpha-beta| / (m+t)) / (m+t)^(r+s+x) with
    m = max(alpha, beta) and c = s+1 if alpha >= beta else r+x, so that the argument is in [0, 1).
    Everything is kept in logs; A0 is formed as log F(t_x) + log(1 - F(T) / F(t_x)).
    """
    r, alpha, s, beta = params
    big, small = max(alpha, beta), min(alpha, beta)

    def log_f(x: np.ndarray, t: np.ndarray) -> np.ndarray:
        a = r + s + x
        c = s + 1.0 if alpha >= beta else r + x
        return log_hyp2f1_a_a1(a, c, (big - small) / (big + t), budget) - a * np.log(big + t)

    x_tx, t_x, at_tx = data.pairs_tx
    x_T, big_t, at_T = data.pairs_T
    log_f_tx = log_f(x_tx, t_x)
    log_f_T = log_f(x_T, big_t)
    # terms of each distinct pair; gathered per customer below
    with np.errstate(divide="ignore"):
        dead_tx = np.log(s) - np.log(r + s + x_tx) + special.gammaln(r + x_tx) + log_f_tx
    alive_T = special.gammaln(r + x_T) - (r + x_T) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    dead = dead_tx[at_tx] + log1mexp(log_f_T[at_T] - log_f_tx[at_tx])
    return (r * np.log(alpha) + s * np.log(beta) - special.gammaln(r)
            + np.logaddexp(alive_T[at_T], dead))


def one_minus_ratio_power(k: float, log_ratio: np.ndarray) -> np.ndarray:
    """(1 - exp(-k * log_ratio)) / k, and its limit log_ratio at k = 0."""
    if abs(k) < 1e-10:
        return np.asarray(log_ratio, float)
    return -np.expm1(-k * np.asarray(log_ratio, float)) / k


class ParetoNBDModel(FrequencyModel):
    """Pareto/NBD: Poisson purchases at rate lambda ~ Gamma(r, alpha) while alive; exponential
    lifetime with rate mu ~ Gamma(s, beta)."""

    key = "pareto_nbd"

    def _tuple(self) -> tuple[float, ...]:
        return tuple(self.params[k] for k in PARAM_NAMES["pareto_nbd"])

    def expected_purchases(self, t: Any) -> np.ndarray:
        """E[X(t)] = r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]."""
        r, alpha, s, beta = self._tuple()
        t = np.asarray(t, float)
        return r / alpha * beta * one_minus_ratio_power(s - 1.0, np.log1p(t / beta))

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive) = G(r+x) a^r b^s / (G(r) (alpha+T)^(r+x) (beta+T)^s) / L (note 009, eq. 34)."""
        r, alpha, s, beta = self._tuple()
        x, t_x, big_t = (np.asarray(v, float) for v in (frequency, recency, T))
        log_alive = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
                     + s * np.log(beta) - (r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t))
        return np.exp(np.minimum(log_alive - self.log_likelihood_of(x, t_x, big_t), 0.0))

    def conditional_expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive) (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] (eq. 41)."""
        r, alpha, s, beta = self._tuple()
        x, big_t = np.asarray(frequency, float), np.asarray(T, float)
        alive = self.probability_alive(frequency, recency, T)
        t = np.asarray(t, float)
        return alive * (r + x) / (alpha + big_t) * (beta + big_t) * one_minus_ratio_power(
            s - 1.0, np.log1p(t / (beta + big_t)))

    def expected_purchases_path(self, times: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """As conditional_expected_purchases for several t, with P(alive) computed once."""
        r, alpha, s, beta = self._tuple()
        x, big_t = np.asarray(frequency, float)[:, None], np.asarray(T, float)[:, None]
        alive = self.probability_alive(frequency, recency, T)[:, None]
        t = np.asarray(times, float)[None, :]
        return alive * (r + x) / (alpha + big_t) * (beta + big_t) * one_minus_ratio_power(
            s - 1.0, np.log1p(t / (beta + big_t)))

    def log_likelihood_of(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        data = ParetoData.of(frequency, recency, T)
        shape = np.broadcast_shapes(*(np.shape(v) for v in (frequency, recency, T)))
        return pareto_nbd_log_likelihood(self._tuple(), data).reshape(shape)


def minimise_pareto_nbd(data: ParetoData, weights: np.ndarray, penalizer_coef: float,
                        start: np.ndarray) -> optimize.OptimizeResult:
    """L-BFGS-B over log-parameters (time already rescaled); Nelder-Mead if it stops early.

    When the search exhausts its series budget (see `SeriesBudget`) it stops: without a penalty the
    best point evaluated is returned with ``budget_used`` set (`fit_pareto_nbd` checks it against the
    no-dropout boundary); with a penalty a ClvError is raised."""
    total = weights.sum()
    budget = SeriesBudget()
    best = {"fun": np.inf, "x": None}

    def objective(log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        with np.errstate(all="ignore"):
            ll = pareto_nbd_log_likelihood(tuple(params), data, budget)
        # elementwise sums, not `@`: a BLAS call per evaluation costs milliseconds of thread wake-up
        value = -np.sum(weights * ll) / total + penalizer_coef * np.sum(params * params)
        value = float(value) if np.isfinite(value) else 1e10
        if value < best["fun"]:
            best.update(fun=value, x=np.array(log_params, float))
        return value

    try:
        result = optimize.minimize(objective, start, method="L-BFGS-B", bounds=[LOG_PARAM_BOUNDS] * 4,
                                   options={"maxiter": 500, "ftol": 1e-12, "gtol": 1e-7})
        if not result.success:
            polished = optimize.minimize(objective, result.x, method="Nelder-Mead",
                                         options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 3000})
            if polished.fun <= result.fun:
                return polished
    except BudgetExhausted as exc:
        if penalizer_coef > 0 or best["x"] is None:
            raise ClvError("pareto_nbd_budget", terms=budget.used) from exc
        return optimize.OptimizeResult(x=best["x"], fun=best["fun"], success=False, budget_used=budget.used)
    return result


def _start(initial_params: Mapping[str, float] | None, scale: float) -> np.ndarray:
    """Log-parameters to start from, in time rescaled by `scale`: the warm start, else 1s."""
    if not initial_params:
        return np.zeros(4)
    start = np.array([initial_params.get("r", 1.0), initial_params.get("alpha", 1.0 / scale) * scale,
                      initial_params.get("s", 1.0), initial_params.get("beta", 1.0 / scale) * scale])
    return np.log(np.clip(start, 1e-4, 1e4))


class ParetoNBDNoDropout(NoDropout, ParetoNBDModel):
    """Pareto/NBD fitted on its boundary s -> 0 (no detectable dropout): s = 0, beta not identified
    (NaN); predictions of the NBD (`nbd.NoDropout`)."""


def _check_converged(best: optimize.OptimizeResult) -> None:
    if "budget_used" in best:
        raise ClvError("pareto_nbd_budget", terms=best.budget_used)
    log_params = best.x
    if best.fun >= 1e10 or not np.all(np.isfinite(log_params)):
        raise ClvError("pareto_nbd_not_evaluated")
    at_bound = np.isclose(log_params, LOG_PARAM_BOUNDS[0], atol=0.05) | \
        np.isclose(log_params, LOG_PARAM_BOUNDS[1], atol=0.05)
    if at_bound.any():
        names = [n for n, hit in zip(PARAM_NAMES["pareto_nbd"], at_bound, strict=True) if hit]
        raise ClvError("pareto_nbd_ran_off", names=", ".join(names))


def _towards_no_dropout(best: optimize.OptimizeResult, scale: float, patterns_: tuple[np.ndarray, ...],
                        customers: tuple[Any, Any, Any]) -> ParetoNBDModel | None:
    """After a plain search that did not converge (it ran off, or spent its series budget drifting):
    the no-dropout fit when the best point it reached is no better than the boundary
    (`nbd.boundary_model`); else None. A search that ran off elsewhere than s -> 0 or beta -> inf
    (r or alpha) is not taken for the boundary.

    The search's objective is the mean negative log-likelihood in time rescaled by `scale`; in the
    original time the log-likelihood is that one + sum(x) log(scale) (each customer's differs by
    x log(scale))."""
    low, high = LOG_PARAM_BOUNDS
    if best.x is None or not np.all(np.isfinite(best.x)):
        return None
    ran_off = np.isclose(best.x[2], low, atol=0.05) or np.isclose(best.x[3], high, atol=0.05)
    if "budget_used" not in best and not ran_off:
        return None
    x, _, _, weights = patterns_
    ll = -best.fun * weights.sum() + float(weights @ x) * math.log(scale) if best.fun < 1e10 else None
    return boundary_model(ParetoNBDNoDropout, *customers, ll)


def fit_pareto_nbd(frequency: Any, recency: Any, T: Any, penalizer_coef: float = 0.0,
                   initial_params: Mapping[str, float] | None = None,
                   min_repeat_buyers: int = 30) -> ParetoNBDModel:
    """Pareto/NBD by maximum likelihood on the distinct (x, t_x, T) patterns.

    Objective as lifetimes': mean negative log-likelihood + penalizer_coef * sum(params**2), time
    rescaled so that max(T) = 1, searched over log-parameters by L-BFGS-B (finite-difference gradient;
    Nelder-Mead if it stops early) from `initial_params` (a warm start: the section passes the BG/NBD
    r and alpha, s = 1 and beta = max(T)) or from 1s in rescaled time. The hypergeometric terms are
    computed once per distinct (x, t_x) and (x, T) pair. Standard errors from a numerical Hessian of
    the log-likelihood (delta method). A plain fit (no penalty) whose optimum is on the no-dropout
    boundary (`nbd`: converged, ran off or out of series budget no better than the NBD) is returned as
    a `ParetoNBDNoDropout`. Raises ClvError when the data cannot support the fit.
    """
    x, t_x, big_t, weights = patterns(frequency, recency, T)
    freq = np.asarray(frequency)
    check_support(freq, "pareto_nbd", min_repeat_buyers)
    scale = 1.0 / big_t.max()
    data = ParetoData.of(x, t_x, big_t).scaled(scale)
    best = minimise_pareto_nbd(data, weights, penalizer_coef, _start(initial_params, scale))
    try:
        _check_converged(best)
    except ClvError:
        boundary = (_towards_no_dropout(best, scale, (x, t_x, big_t, weights), (frequency, recency, T))
                    if penalizer_coef == 0 else None)
        if boundary is None:
            raise
        return boundary
    log_params = best.x
    params_scaled = np.exp(log_params)
    params = dict(zip(PARAM_NAMES["pareto_nbd"],
                      params_scaled / np.array([1.0, scale, 1.0, scale]), strict=True))
    ll = float(weights @ pareto_nbd_log_likelihood(tuple(params.values()), ParetoData.of(x, t_x, big_t)))
    boundary = boundary_model(ParetoNBDNoDropout, frequency, recency, T, ll) if penalizer_coef == 0 else None
    if boundary is not None:
        return boundary

    def total_nll(log_p: np.ndarray) -> float:
        """Minus the log-likelihood in rescaled time: differs from the original by a constant."""
        with np.errstate(all="ignore"):
            return -float(np.sum(weights * pareto_nbd_log_likelihood(tuple(np.exp(log_p)), data)))

    relative = standard_errors(total_nll, log_params) / params_scaled  # SE of log-parameters
    errors = relative * np.array(list(params.values()))
    model = ParetoNBDModel(params, dict(zip(PARAM_NAMES["pareto_nbd"], errors, strict=True)), ll,
                           int(freq.size), int((freq > 0).sum()))
    model.penalizer_coef = penalizer_coef
    return model

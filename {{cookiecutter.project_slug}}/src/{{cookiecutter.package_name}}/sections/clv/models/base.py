"""What every buy-till-you-die fitter shares: the errors, lifetimes imported quietly, the base class.

This package is the only place of the project that imports `lifetimes` (pinned, unmaintained): its
BG/NBD and Gamma-Gamma fitters are used as they are (`bgnbd`, `gamma_gamma`); its Pareto/NBD fitter is
too slow for a retailer's customer base, so `pareto_nbd` has its own vectorised likelihood. `lifetimes`
is imported on first use, with its global warning filters and prints kept inside this module, and never
through `lifetimes.datasets` (which needs `pkg_resources`, absent from recent setuptools).

Fits never raise a traceback at the reader: a fit the data cannot support raises `ClvError`, whose
`text` is a named template of the catalogue (``clv.*``, see `..texts`) the section shows as a skip
reason; `str(error)` is the English text.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import numpy as np

from ....text.catalogue import Text
from .. import texts  # noqa: F401  (registers the clv.* texts the errors name)

MODEL_LABELS = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma"}
PARAM_NAMES = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "pareto_nbd": ("r", "alpha", "s", "beta"),
    "gamma_gamma": ("p", "q", "v"),
}


class ClvError(Exception):
    """The data (or the configuration) cannot support this part of the CLV section; says why.

    `text`: the reason as a catalogue text ``clv.<name>`` with its fields; the message is its English."""

    def __init__(self, name: str, /, **fields: Any) -> None:
        self.text = Text(f"clv.{name}", fields)
        super().__init__(self.text.render())


class NotEnoughDataError(ClvError):
    """Too few customers or repeat buyers for a model: no penalty can help."""


# --------------------------------------------------------------------------------------------
# lifetimes, imported lazily and quietly


@cache
def lifetimes() -> Any:
    """The lifetimes package; its import-time `warnings.simplefilter` calls stay inside this call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its pandas-option and scipy deprecations are not ours to fix
        import lifetimes as package
    return package


@contextlib.contextmanager
def quiet():
    """Run lifetimes code without its prints, its warnings (overflow while searching, deprecations of
    the pinned stack) or its changes to the global warning filters."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# --------------------------------------------------------------------------------------------
# shared by the fitters


def patterns(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, ...]:
    """Distinct (frequency, recency, T) rows and how many customers share each."""
    stacked = np.column_stack([np.asarray(frequency, float), np.asarray(recency, float),
                               np.asarray(T, float)])
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float)


def check_support(frequency: np.ndarray, key: str, min_repeat_buyers: int) -> None:
    """NotEnoughDataError when fewer than `min_repeat_buyers` customers bought again, or all did."""
    customers = int(frequency.size)
    repeat = int((frequency > 0).sum())
    if repeat < min_repeat_buyers:
        raise NotEnoughDataError("not_enough_repeat_buyers", model=MODEL_LABELS[key], repeat=repeat,
                                 customers=customers, needed=min_repeat_buyers)
    if repeat == customers:
        raise NotEnoughDataError("all_repeat_buyers", model=MODEL_LABELS[key])


def fit_with_fallback(fit: Callable[[float], FrequencyModel], penalizer_coef: float) -> FrequencyModel:
    """Plain maximum likelihood first; only if that fails to converge, the fit with the L2 penalty.

    A penalty on the mean log-likelihood does not fade with more data (at 100,000 customers 0.001
    moves BG/NBD's b from 6.5 to 2.2 and worsens its holdout error), so it is kept for the thin data
    it is meant for. Too few repeat buyers is final: no penalty is tried.
    """
    try:
        return fit(0.0)
    except NotEnoughDataError:
        raise
    except ClvError as plain:
        if penalizer_coef <= 0:
            raise
        try:
            return fit(penalizer_coef)
        except ClvError as penalised:
            raise ClvError("failed_with_penalty", plain=plain.text, penalty=penalizer_coef,
                           penalised=penalised.text) from penalised


def numerical_hessian(function: Callable[[np.ndarray], float], at: np.ndarray,
                      step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of a scalar function."""
    n = at.size
    hessian = np.empty((n, n))
    centre = function(at)
    unit = np.eye(n) * step
    for i in range(n):
        hessian[i, i] = (function(at + unit[i]) - 2 * centre + function(at - unit[i])) / step**2
        for j in range(i):
            hessian[i, j] = hessian[j, i] = (
                function(at + unit[i] + unit[j]) - function(at + unit[i] - unit[j])
                - function(at - unit[i] + unit[j]) + function(at - unit[i] - unit[j])
            ) / (4 * step**2)
    return hessian


def standard_errors(negative_log_likelihood: Callable[[np.ndarray], float],
                    log_params: np.ndarray) -> np.ndarray:
    """SE of exp(log_params) from the observed information (delta method); NaN if not invertible."""
    hessian = numerical_hessian(negative_log_likelihood, log_params)
    try:
        variance = np.diag(np.linalg.inv(hessian))
    except np.linalg.LinAlgError:
        return np.full(log_params.size, np.nan)
    with np.errstate(invalid="ignore"):
        return np.exp(log_params) * np.sqrt(np.where(variance > 0, variance, np.nan))


# --------------------------------------------------------------------------------------------
# the base classes


class FittedModel:
    """Parameters of a fitted model (named as in `PARAM_NAMES[key]`), their standard errors, the
    log-likelihood and the customers it was fitted on."""

    key = ""

    def __init__(self, params: Mapping[str, float], standard_errors: Mapping[str, float] | None = None,
                 log_likelihood: float = math.nan, customers: int = 0, repeat_buyers: int = 0) -> None:
        self.params = {name: float(params[name]) for name in PARAM_NAMES[self.key]}
        self.standard_errors = {name: float((standard_errors or {}).get(name, math.nan))
                                for name in PARAM_NAMES[self.key]}
        self.log_likelihood = float(log_likelihood)
        self.customers = customers
        self.repeat_buyers = repeat_buyers
        self.penalizer_coef = 0.0  # the L2 penalty the fit needed (0: plain maximum likelihood)

    @property
    def label(self) -> str:
        return MODEL_LABELS[self.key]

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"<{self.label}: {shown}>"


class FrequencyModel(FittedModel):
    """A fitted buy-till-you-die model of purchase counts; time in the summary's unit.

    `no_dropout`: the fit sits on the no-dropout boundary (`nbd`): it predicts as the NBD."""

    no_dropout = False

    def expected_purchases(self, t: Any) -> np.ndarray:
        """E[X(t)]: repeat purchases in (0, t] of a customer just acquired."""
        raise NotImplementedError

    def conditional_expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: purchases in the next t time units of a customer with that history."""
        raise NotImplementedError

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive | x, t_x, T): probability that the customer has not dropped out by T."""
        raise NotImplementedError

    def expected_purchases_path(self, times: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """E[Y(t) | x, t_x, T] for each customer (rows) and each t in `times` (columns)."""
        return np.column_stack([self.conditional_expected_purchases(t, frequency, recency, T)
                                for t in np.asarray(times, float)])

    def log_likelihood_of(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Log-likelihood of each customer's (x, t_x, T) under these parameters."""
        raise NotImplementedError

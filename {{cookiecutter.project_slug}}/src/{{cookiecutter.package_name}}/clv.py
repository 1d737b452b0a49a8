"""Customer lifetime value with buy-till-you-die models: BG/NBD, Pareto/NBD and Gamma-Gamma.

This is the only module of the package that imports `lifetimes` (pinned, unmaintained): its BG/NBD and
Gamma-Gamma fitters are used as they are; its Pareto/NBD fitter is too slow for a retailer's customer
base (a Nelder-Mead search over every customer), so the Pareto/NBD likelihood is implemented here,
vectorised with scipy and fitted on the distinct (frequency, recency, T) patterns. `lifetimes` is
imported on first use, with its global warning filters and prints kept inside this module, and never
through `lifetimes.datasets` (which needs `pkg_resources`, absent from recent setuptools).

Rules (what the models see)
---------------------------
* Customers: only identified checks (``customer_id`` present) count; anonymous checks are left out.
* Purchase occasions: a customer's checks are merged per calendar day, the day's net amount being the
  sum of its checks (a return on the day of the purchase nets against it). A day with a net amount
  >= 0 is a *purchase* (a zero-amount check is a visit: it counts, with spend 0, as in the CDNOW data
  the models were published on). Days with a net amount < 0 (a return on its own, or returns
  exceeding the day's purchases) are not purchases and count for nothing: not in frequency, recency
  or spend; they are counted (`PurchaseLog.return_days`). Returns made on a later day than the
  purchase are therefore not deducted from spend: CLV is gross of such returns (the data-quality
  section shows their size). Gamma-Gamma is fitted on repeat buyers with a positive mean spend.
* RFM in the models' (and lifetimes') conventions, at an observation end E: frequency x = purchase
  days - 1 (repeat purchases); recency t_x = last - first purchase day; T = E - first purchase day;
  both in the time unit (``D``: days, ``W``: days / 7, so weeks are continuous and same-week purchases
  stay separate); monetary_value = mean net amount of the repeat purchase days (0 without repeats).
* Acquisition: a customer's first purchase in the analysed period is taken as their acquisition (the
  models' "birth"). Customers who bought before the period are left-censored: their history looks
  shorter than it is, which biases the models towards recent buyers; load the longest history the
  client has (the period can start long before the program's launch).
* Calibration / holdout: all parameters are estimated on the calibration period (purchases up to
  ``clv.calibration_end``, or, when it is null, the period minus its last ``clv.holdout_fraction``);
  the holdout (the rest of the period) checks the predictions of the customers acquired in the
  calibration period. The model with the lower holdout error (`holdout_comparison`) is selected.
* Fits are plain maximum likelihood; the L2 penalty ``clv.penalizer_coef`` (lifetimes' convention:
  on the mean log-likelihood, time rescaled to max(T) = 1) is used only when a plain fit fails to
  converge, because it biases fits on large data (see `fit_with_fallback`).
* CLV: the selected model's parameters applied to each customer's whole history up to the period end
  (customers acquired in the holdout included): expected purchases month by month over
  ``clv.horizon_months``, times the Gamma-Gamma expected spend per purchase, times the gross margin,
  discounted monthly at (1 + ``clv.annual_discount_rate``) ** (1 / 12) - 1 (see
  `customer_lifetime_value`). Months are 365.25 / 12 days.

Parameters are reported in the configured time unit (alpha and beta in days or weeks) and in the
client's currency (v of Gamma-Gamma).
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import optimize, special

from . import i18n
from .charts import PALETTE

DAYS_PER_UNIT = {"D": 1.0, "W": 7.0}
UNIT_NAMES = {"D": "days", "W": "weeks"}
DAYS_PER_MONTH = 365.25 / 12
EPOCH = np.datetime64("1970-01-01", "D")

MODEL_LABELS = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma"}
PARAM_NAMES = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "pareto_nbd": ("r", "alpha", "s", "beta"),
    "gamma_gamma": ("p", "q", "v"),
}
Z95 = 1.959963984540054
MAX_FREQUENCY_GROUP = 7  # holdout table: calibration frequencies 0..6 and "7+"
P_ALIVE_BANDS = ((0.7, "likely active (P(alive) 0.7 or more)"), (0.3, "at risk (P(alive) 0.3 to 0.7)"),
                 (0.0, "likely lost (P(alive) below 0.3)"))


class ClvError(Exception):
    """The data (or the configuration) cannot support this part of the CLV section; says why."""


class NotEnoughDataError(ClvError):
    """Too few customers or repeat buyers for a model: no penalty can help."""


# --------------------------------------------------------------------------------------------
# lifetimes, imported lazily and quietly


@cache
def _lifetimes() -> Any:
    """The lifetimes package; its import-time `warnings.simplefilter` calls stay inside this call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its pandas-option and scipy deprecations are not ours to fix
        import lifetimes
    return lifetimes


@contextlib.contextmanager
def _quiet():
    """Run lifetimes code without its prints, its warnings (overflow while searching, deprecations of
    the pinned stack) or its changes to the global warning filters."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# --------------------------------------------------------------------------------------------
# purchase days and RFM summaries


@dataclass(frozen=True)
class PurchaseLog:
    """Purchase days of identified customers, sorted by customer then day (see the module rules).

    customer_ids[customer_code[i]] bought on day[i] (days since 1970-01-01) for amount[i] >= 0.
    """

    customer_ids: pd.Index
    customer_code: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    anonymous_checks: int = 0
    return_days: int = 0
    checks_outside_period: int = 0

    @property
    def n_customers(self) -> int:
        return int(len(np.unique(self.customer_code)))

    def to_frame(self) -> pd.DataFrame:
        """customer_id, date, amount: one row per purchase day."""
        return pd.DataFrame({
            "customer_id": self.customer_ids.take(self.customer_code),
            "date": (EPOCH + self.day.astype("timedelta64[D]")).astype("datetime64[ns]"),
            "amount": self.amount,
        })


def _day_number(value: Any) -> int:
    """Calendar day of a date-like value as days since 1970-01-01."""
    return int((np.datetime64(pd.Timestamp(value).normalize().date(), "D") - EPOCH).astype(np.int64))


def _timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(EPOCH + np.timedelta64(int(day), "D"))


def purchase_log(transactions: pd.DataFrame, start: Any = None, end: Any = None) -> PurchaseLog:
    """Merge checks into purchase days per customer (module rules); keep days in [start, end].

    Vectorised: customers are factorised to integer codes and (customer, day) pairs summed by one
    groupby on an int64 key; no per-customer Python loop.
    """
    ids = transactions["customer_id"]
    identified = ids.notna().to_numpy()
    anonymous = int((~identified).sum())
    days = transactions["date"].to_numpy()[identified].astype("datetime64[D]")
    day = (days - EPOCH).astype(np.int64)
    amount = transactions["amount"].to_numpy(dtype=float, na_value=np.nan)[identified]
    keep = np.ones(day.shape, dtype=bool)
    if start is not None:
        keep &= day >= _day_number(start)
    if end is not None:
        keep &= day <= _day_number(end)
    outside = int((~keep).sum())
    codes, uniques = pd.factorize(ids[identified][keep])
    day, amount = day[keep], amount[keep]
    if day.size == 0:
        return PurchaseLog(pd.Index(uniques), np.zeros(0, np.int64), np.zeros(0, np.int64),
                           np.zeros(0), anonymous, 0, outside)
    first_day = int(day.min())
    span = int(day.max()) - first_day + 1
    key = codes.astype(np.int64) * span + (day - first_day)
    net = pd.Series(amount).groupby(key, sort=True).sum()  # NaN amounts count as 0
    keys = net.index.to_numpy()
    values = net.to_numpy()
    purchase = values >= 0
    keys, values = keys[purchase], values[purchase]
    return PurchaseLog(
        customer_ids=pd.Index(uniques, name="customer_id"),
        customer_code=keys // span,
        day=keys % span + first_day,
        amount=values,
        anonymous_checks=anonymous,
        return_days=int((~purchase).sum()),
        checks_outside_period=outside,
    )


def _groups(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and size of each run of equal codes in a sorted array."""
    if codes.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, codes.size])
    return starts, sizes


def _unit_days(time_unit: str) -> float:
    if time_unit not in DAYS_PER_UNIT:
        raise ClvError(f"clv.time_unit must be D or W, got {time_unit!r}")
    return DAYS_PER_UNIT[time_unit]


def rfm_summary(purchases: PurchaseLog, observation_end: Any, time_unit: str = "W") -> pd.DataFrame:
    """Per customer with a purchase up to `observation_end`: frequency, recency, T, monetary_value.

    frequency = purchase days - 1; recency = last - first purchase day; T = observation_end - first
    purchase day (recency and T in `time_unit`); monetary_value = mean amount of the repeat purchase
    days (0 when frequency = 0); also first_purchase (date) and spend (total over all purchase days).
    Index: customer_id.
    """
    unit = _unit_days(time_unit)
    end = _day_number(observation_end)
    inside = purchases.day <= end
    code, day, amount = purchases.customer_code[inside], purchases.day[inside], \
        purchases.amount[inside]
    starts, sizes = _groups(code)
    first, last = day[starts], day[starts + sizes - 1]
    spend = np.add.reduceat(amount, starts) if starts.size else np.zeros(0)
    repeat_spend = spend - amount[starts]
    frequency = sizes - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_spend / np.maximum(frequency, 1), 0.0)
    summary = pd.DataFrame({
        "frequency": frequency.astype(np.int64),
        "recency": (last - first) / unit,
        "T": (end - first) / unit,
        "monetary_value": monetary,
        "first_purchase": (EPOCH + first.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "spend": spend,
    }, index=purchases.customer_ids.take(code[starts]).rename("customer_id"))
    return summary


def calibration_holdout_summary(purchases: PurchaseLog, calibration_end: Any, observation_end: Any,
                                time_unit: str = "W") -> pd.DataFrame:
    """RFM of the calibration period plus the holdout's actual purchases, per customer.

    Customers: those with a purchase up to `calibration_end`. Columns as lifetimes'
    `calibration_and_holdout_data`: frequency_cal, recency_cal, T_cal, monetary_value_cal,
    frequency_holdout (purchase days in (calibration_end, observation_end]), monetary_value_holdout
    (their mean amount, 0 without), duration_holdout (in `time_unit`).
    """
    unit = _unit_days(time_unit)
    cal_day, end_day = _day_number(calibration_end), _day_number(observation_end)
    calibration = rfm_summary(purchases, calibration_end, time_unit).drop(columns=["spend"])
    calibration.columns = [f"{c}_cal" if c != "first_purchase" else c for c in calibration.columns]
    holdout = (purchases.day > cal_day) & (purchases.day <= end_day)
    codes = purchases.customer_code[holdout]
    counts = np.bincount(codes, minlength=len(purchases.customer_ids))
    sums = np.bincount(codes, weights=purchases.amount[holdout], minlength=len(purchases.customer_ids))
    position = purchases.customer_ids.get_indexer(calibration.index)
    calibration["frequency_holdout"] = counts[position].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        calibration["monetary_value_holdout"] = np.where(
            counts[position] > 0, sums[position] / np.maximum(counts[position], 1), 0.0)
    calibration["duration_holdout"] = (end_day - cal_day) / unit
    return calibration


def default_calibration_end(start: Any, end: Any, holdout_fraction: float = 0.25) -> pd.Timestamp:
    """end minus `holdout_fraction` of the period's length (rounded to whole days)."""
    start_day, end_day = _day_number(start), _day_number(end)
    return _timestamp(end_day - int(round(holdout_fraction * (end_day - start_day))))


def _patterns(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, ...]:
    """Distinct (frequency, recency, T) rows and how many customers share each."""
    stacked = np.column_stack([np.asarray(frequency, float), np.asarray(recency, float),
                               np.asarray(T, float)])
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float)


# --------------------------------------------------------------------------------------------
# models


def _discounted_increments(cumulative: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """sum_k (C_k - C_(k-1)) d_k for cumulative values C_0 = 0, C_1..C_H (columns) per row."""
    increments = np.diff(np.column_stack([np.zeros(len(cumulative)), cumulative]), axis=1)
    return increments @ discount


def _check_support(frequency: np.ndarray, label: str, min_repeat_buyers: int) -> None:
    customers = int(frequency.size)
    repeat = int((frequency > 0).sum())
    if repeat < min_repeat_buyers:
        raise NotEnoughDataError(
            f"not enough data for {label}: {repeat} repeat buyer(s) among {customers} customer(s) in "
            f"the calibration period; at least {min_repeat_buyers} are needed (clv.min_repeat_buyers)"
        )
    if repeat == customers:
        raise NotEnoughDataError(f"{label} cannot be fitted: every customer is a repeat buyer, so the "
                                 "data say nothing about customers who buy once")


class FrequencyModel:
    """A fitted buy-till-you-die model of purchase counts; time in the summary's unit."""

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


# --- BG/NBD (lifetimes' BetaGeoFitter) -----------------------------------------------------------


class BGNBDModel(FrequencyModel):
    """BG/NBD (Fader, Hardie & Lee 2005): Poisson purchases at rate lambda ~ Gamma(r, alpha); after
    each purchase the customer drops out with probability p ~ Beta(a, b). Predictions by lifetimes."""

    key = "bgnbd"

    def _fitter(self) -> Any:
        fitter = _lifetimes().BetaGeoFitter()
        fitter.params_ = pd.Series(self.params)
        return fitter

    def expected_purchases(self, t: Any) -> np.ndarray:
        with _quiet():
            return np.asarray(self._fitter().expected_number_of_purchases_up_to_time(
                np.asarray(t, float)), float)

    def conditional_expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        with _quiet():
            return np.asarray(self._fitter().conditional_expected_number_of_purchases_up_to_time(
                np.asarray(t, float), np.asarray(frequency, float), np.asarray(recency, float),
                np.asarray(T, float)), float)

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        with _quiet():
            return np.asarray(self._fitter().conditional_probability_alive(
                np.asarray(frequency, float), np.asarray(recency, float), np.asarray(T, float)), float)

    def log_likelihood_of(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        return _bgnbd_log_likelihood(tuple(self.params.values()), np.asarray(frequency, float),
                                     np.asarray(recency, float), np.asarray(T, float))


def _bgnbd_log_likelihood(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray,
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
    x, t_x, big_t, weights = _patterns(frequency, recency, T)
    _check_support(np.asarray(frequency), "BG/NBD", min_repeat_buyers)
    lifetimes = _lifetimes()
    fitter = lifetimes.BetaGeoFitter(penalizer_coef=penalizer_coef)
    try:
        with _quiet():
            fitter.fit(x, t_x, big_t, weights=weights)
    except lifetimes.utils.ConvergenceError as exc:
        raise ClvError("BG/NBD did not converge; a larger clv.penalizer_coef or weekly time units "
                       "(clv.time_unit: W) may help") from exc
    except np.linalg.LinAlgError as exc:
        raise ClvError("BG/NBD: the fit's information matrix is singular (the data cannot "
                       "identify all four parameters)") from exc
    params = fitter.params_.to_dict()
    if not all(np.isfinite(v) and v > 0 for v in params.values()):
        raise ClvError(f"BG/NBD did not converge to valid parameters: {params}")
    ll = float(weights @ _bgnbd_log_likelihood(tuple(params[k] for k in PARAM_NAMES["bgnbd"]),
                                               x, t_x, big_t))
    freq = np.asarray(frequency)
    model = BGNBDModel(params, fitter.standard_errors_.to_dict(), ll, int(freq.size),
                       int((freq > 0).sum()))
    model.penalizer_coef = penalizer_coef
    return model


# --- Pareto/NBD (own vectorised likelihood) ------------------------------------------------------


class _SeriesBudget:
    """How many hypergeometric series terms one fit may sum before it gives up.

    The series fallback needs about 1 / (1 - z) terms, and an optimiser wandering towards "nobody
    ever drops out" (s and beta running off to infinity) drives z to 1: one likelihood evaluation then
    costs seconds and the fit minutes. Counting terms, not seconds, keeps the outcome the same on any
    machine: 2e7 terms are about 3 s of work here, far more than a fit on real data needs (CDNOW: 0).
    """

    def __init__(self, limit: float = 2e7) -> None:
        self.limit, self.used = limit, 0.0

    def spend(self, terms: int) -> None:
        self.used += terms
        if self.used > self.limit:
            raise _BudgetExhausted(f"{self.used:.3g} series terms")


class _BudgetExhausted(Exception):
    pass


def _log_hyp2f1_a_a1(a: np.ndarray, b: np.ndarray | float, z: np.ndarray,
                     budget: _SeriesBudget | None = None) -> np.ndarray:
    """log 2F1(a, b; a + 1; z) for a > 0, b > 0, 0 <= z < 1.

    scipy's hyp2f1 first; where it overflows or fails (b large with z near 1, which the plain series
    turns into huge numbers), Euler's transformation 2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b;
    a+1; z) whose second factor stays bounded (<= a / (b - 1) for b > 1); what still fails is summed
    as a series of positive terms in log space, its terms charged to `budget`.
    """
    a, b, z = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(z, float))
    with np.errstate(all="ignore"):
        out = np.log(special.hyp2f1(a, b, a + 1.0, z))
        bad = ~np.isfinite(out)
        if bad.any():
            ab, bb, zb = a[bad], b[bad], z[bad]
            out[bad] = (1.0 - bb) * np.log1p(-zb) + np.log(special.hyp2f1(1.0, ab + 1.0 - bb,
                                                                           ab + 1.0, zb))
            bad = ~np.isfinite(out)
            for i in np.flatnonzero(bad):
                out.flat[i] = _log_hyp2f1_series(a.flat[i], b.flat[i], z.flat[i], budget=budget)
    return out


def _log_hyp2f1_series(a: float, b: float, z: float, max_terms: int = 2_000_000,
                       budget: _SeriesBudget | None = None) -> float:
    """log 2F1(a, b; a + 1; z) = log sum_n a / (a + n) (b)_n z^n / n!, all terms positive."""
    if z <= 0:
        return 0.0
    peak = b * z / (1.0 - z)
    terms = int(min(max_terms, 10 * peak + 60.0 / (1.0 - z) + 100))
    if budget is not None:
        budget.spend(terms)
    n = np.arange(terms, dtype=float)
    log_terms = (np.log(a) - np.log(a + n) + special.gammaln(b + n) - special.gammaln(b)
                 - special.gammaln(n + 1.0) + n * np.log(z))
    return float(special.logsumexp(log_terms))


def _log1mexp(d: np.ndarray) -> np.ndarray:
    """log(1 - exp(d)) for d <= 0 (-inf at d = 0); absolute error ~1e-16 for very negative d."""
    with np.errstate(divide="ignore"):
        return np.log(-np.expm1(np.minimum(d, 0.0)))


@dataclass(frozen=True)
class _ParetoData:
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
    def of(cls, x: Any, t_x: Any, T: Any) -> _ParetoData:
        x, t_x, T = np.broadcast_arrays(np.asarray(x, float), np.asarray(t_x, float),
                                        np.asarray(T, float))
        x, t_x, T = x.ravel(), t_x.ravel(), T.ravel()
        return cls(x, t_x, T, cls._pairs(x, t_x), cls._pairs(x, T))

    def scaled(self, factor: float) -> _ParetoData:
        """The same customers with time multiplied by `factor`."""
        return _ParetoData(self.x, self.t_x * factor, self.T * factor,
                           (self.pairs_tx[0], self.pairs_tx[1] * factor, self.pairs_tx[2]),
                           (self.pairs_T[0], self.pairs_T[1] * factor, self.pairs_T[2]))


def _pareto_nbd_log_likelihood(params: tuple[float, ...], data: _ParetoData,
                               budget: _SeriesBudget | None = None) -> np.ndarray:
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
        return _log_hyp2f1_a_a1(a, c, (big - small) / (big + t), budget) - a * np.log(big + t)

    x_tx, t_x, at_tx = data.pairs_tx
    x_T, big_t, at_T = data.pairs_T
    log_f_tx = log_f(x_tx, t_x)
    log_f_T = log_f(x_T, big_t)
    # terms of each distinct pair; gathered per customer below
    with np.errstate(divide="ignore"):
        dead_tx = np.log(s) - np.log(r + s + x_tx) + special.gammaln(r + x_tx) + log_f_tx
    alive_T = special.gammaln(r + x_T) - (r + x_T) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    dead = dead_tx[at_tx] + _log1mexp(log_f_T[at_T] - log_f_tx[at_tx])
    return (r * np.log(alpha) + s * np.log(beta) - special.gammaln(r)
            + np.logaddexp(alive_T[at_T], dead))


def _one_minus_ratio_power(k: float, log_ratio: np.ndarray) -> np.ndarray:
    """(1 - exp(-k * log_ratio)) / k, and its limit log_ratio at k = 0."""
    if abs(k) < 1e-10:
        return np.asarray(log_ratio, float)
    return -np.expm1(-k * np.asarray(log_ratio, float)) / k


class ParetoNBDModel(FrequencyModel):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987): Poisson purchases at rate
    lambda ~ Gamma(r, alpha) while alive; exponential lifetime with rate mu ~ Gamma(s, beta)."""

    key = "pareto_nbd"

    def _tuple(self) -> tuple[float, ...]:
        return tuple(self.params[k] for k in PARAM_NAMES["pareto_nbd"])

    def expected_purchases(self, t: Any) -> np.ndarray:
        """E[X(t)] = r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]."""
        r, alpha, s, beta = self._tuple()
        t = np.asarray(t, float)
        return r / alpha * beta * _one_minus_ratio_power(s - 1.0, np.log1p(t / beta))

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
        return alive * (r + x) / (alpha + big_t) * (beta + big_t) * _one_minus_ratio_power(
            s - 1.0, np.log1p(t / (beta + big_t)))

    def expected_purchases_path(self, times: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """As conditional_expected_purchases for several t, with P(alive) computed once."""
        r, alpha, s, beta = self._tuple()
        x, big_t = np.asarray(frequency, float)[:, None], np.asarray(T, float)[:, None]
        alive = self.probability_alive(frequency, recency, T)[:, None]
        t = np.asarray(times, float)[None, :]
        return alive * (r + x) / (alpha + big_t) * (beta + big_t) * _one_minus_ratio_power(
            s - 1.0, np.log1p(t / (beta + big_t)))

    def log_likelihood_of(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        data = _ParetoData.of(frequency, recency, T)
        shape = np.broadcast_shapes(*(np.shape(v) for v in (frequency, recency, T)))
        return _pareto_nbd_log_likelihood(self._tuple(), data).reshape(shape)


def _numerical_hessian(function: Callable[[np.ndarray], float], at: np.ndarray,
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


def _standard_errors(negative_log_likelihood: Callable[[np.ndarray], float],
                     log_params: np.ndarray) -> np.ndarray:
    """SE of exp(log_params) from the observed information (delta method); NaN if not invertible."""
    hessian = _numerical_hessian(negative_log_likelihood, log_params)
    try:
        variance = np.diag(np.linalg.inv(hessian))
    except np.linalg.LinAlgError:
        return np.full(log_params.size, np.nan)
    with np.errstate(invalid="ignore"):
        return np.exp(log_params) * np.sqrt(np.where(variance > 0, variance, np.nan))


LOG_PARAM_BOUNDS = (-12.0, 10.0)  # fitted log-parameters (time rescaled to max(T) = 1) stay inside


def _minimise_pareto_nbd(data: _ParetoData, weights: np.ndarray, penalizer_coef: float,
                         start: np.ndarray) -> optimize.OptimizeResult:
    """L-BFGS-B over log-parameters (time already rescaled); Nelder-Mead if it stops early.

    Raises ClvError when the fit exhausts its series budget (see _SeriesBudget)."""
    total = weights.sum()
    budget = _SeriesBudget()

    def objective(log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        with np.errstate(all="ignore"):
            ll = _pareto_nbd_log_likelihood(tuple(params), data, budget)
        # elementwise sums, not `@`: a BLAS call per evaluation costs milliseconds of thread wake-up
        value = -np.sum(weights * ll) / total + penalizer_coef * np.sum(params * params)
        return float(value) if np.isfinite(value) else 1e10

    try:
        result = optimize.minimize(objective, start, method="L-BFGS-B", bounds=[LOG_PARAM_BOUNDS] * 4,
                                   options={"maxiter": 500, "ftol": 1e-12, "gtol": 1e-7})
        if not result.success:
            polished = optimize.minimize(objective, result.x, method="Nelder-Mead",
                                         options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 3000})
            if polished.fun <= result.fun:
                return polished
    except _BudgetExhausted as exc:
        raise ClvError("Pareto/NBD did not converge: the search drifted to parameters where the "
                       f"likelihood is too costly to evaluate ({exc}); typically the data show almost "
                       "no dropout") from exc
    return result


def fit_pareto_nbd(frequency: Any, recency: Any, T: Any, penalizer_coef: float = 0.0,
                   initial_params: Mapping[str, float] | None = None,
                   min_repeat_buyers: int = 30) -> ParetoNBDModel:
    """Pareto/NBD by maximum likelihood on the distinct (x, t_x, T) patterns.

    Objective as lifetimes': mean negative log-likelihood + penalizer_coef * sum(params**2), time
    rescaled so that max(T) = 1, searched over log-parameters by L-BFGS-B (finite-difference gradient;
    Nelder-Mead if it stops early) from `initial_params` (a warm start: the section passes the BG/NBD
    r and alpha, s = 1 and beta = max(T)) or from 1s in rescaled time. The hypergeometric terms are
    computed once per distinct (x, t_x) and (x, T) pair. Standard errors from a numerical Hessian of
    the log-likelihood (delta method). Raises ClvError when the data cannot support the fit.
    """
    x, t_x, big_t, weights = _patterns(frequency, recency, T)
    freq = np.asarray(frequency)
    _check_support(freq, "Pareto/NBD", min_repeat_buyers)
    scale = 1.0 / big_t.max()
    if initial_params:
        start = np.array([initial_params.get("r", 1.0), initial_params.get("alpha", 1.0 / scale) * scale,
                          initial_params.get("s", 1.0), initial_params.get("beta", 1.0 / scale) * scale])
        start = np.log(np.clip(start, 1e-4, 1e4))
    else:
        start = np.zeros(4)
    data = _ParetoData.of(x, t_x, big_t).scaled(scale)
    best = _minimise_pareto_nbd(data, weights, penalizer_coef, start)
    log_params = best.x
    if best.fun >= 1e10 or not np.all(np.isfinite(log_params)):
        raise ClvError("Pareto/NBD did not converge (the likelihood could not be evaluated)")
    at_bound = np.isclose(log_params, LOG_PARAM_BOUNDS[0], atol=0.05) | \
        np.isclose(log_params, LOG_PARAM_BOUNDS[1], atol=0.05)
    if at_bound.any():
        names = [n for n, hit in zip(PARAM_NAMES["pareto_nbd"], at_bound, strict=True) if hit]
        raise ClvError(f"Pareto/NBD did not converge: {', '.join(names)} ran off to 0 or infinity "
                       "(typically the data show almost no dropout); a larger clv.penalizer_coef "
                       "may help")
    params_scaled = np.exp(log_params)
    params = dict(zip(PARAM_NAMES["pareto_nbd"],
                      params_scaled / np.array([1.0, scale, 1.0, scale]), strict=True))

    def total_nll(log_p: np.ndarray) -> float:
        """Minus the log-likelihood in rescaled time: differs from the original by a constant."""
        with np.errstate(all="ignore"):
            return -float(np.sum(weights * _pareto_nbd_log_likelihood(tuple(np.exp(log_p)), data)))

    relative = _standard_errors(total_nll, log_params) / params_scaled  # SE of log-parameters
    errors = relative * np.array(list(params.values()))
    original = _ParetoData.of(x, t_x, big_t)
    ll = float(weights @ _pareto_nbd_log_likelihood(tuple(params.values()), original))
    model = ParetoNBDModel(params, dict(zip(PARAM_NAMES["pareto_nbd"], errors, strict=True)), ll,
                           int(freq.size), int((freq > 0).sum()))
    model.penalizer_coef = penalizer_coef
    return model


# --- Gamma-Gamma (lifetimes' GammaGammaFitter) --------------------------------------------------


class GammaGammaModel:
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013): purchase amounts
    ~ Gamma(p, nu) per customer, nu ~ Gamma(q, v); independent of the purchase process."""

    key = "gamma_gamma"
    label = MODEL_LABELS["gamma_gamma"]

    def __init__(self, params: Mapping[str, float], standard_errors: Mapping[str, float] | None = None,
                 log_likelihood: float = math.nan, customers: int = 0) -> None:
        self.params = {name: float(params[name]) for name in PARAM_NAMES["gamma_gamma"]}
        self.standard_errors = {name: float((standard_errors or {}).get(name, math.nan))
                                for name in PARAM_NAMES["gamma_gamma"]}
        self.log_likelihood = float(log_likelihood)
        self.customers = customers
        self.repeat_buyers = customers

    def __repr__(self) -> str:
        return "<Gamma-Gamma: " + ", ".join(f"{k}={v:.4g}" for k, v in self.params.items()) + ">"

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
        raise NotEnoughDataError(f"not enough data for Gamma-Gamma: {int(repeat.sum())} repeat buyer(s) with "
                       f"a positive spend; at least {min_repeat_buyers} are needed "
                       "(clv.min_repeat_buyers)")
    lifetimes = _lifetimes()
    fitter = lifetimes.GammaGammaFitter(penalizer_coef=0.0)
    try:
        with _quiet():
            fitter.fit(x[repeat], m[repeat], q_constraint=True)
    except lifetimes.utils.ConvergenceError as exc:
        raise ClvError("Gamma-Gamma did not converge") from exc
    except np.linalg.LinAlgError as exc:
        raise ClvError("Gamma-Gamma: the fit's information matrix is singular") from exc
    params = fitter.params_.to_dict()
    if not all(np.isfinite(v) and v > 0 for v in params.values()) or params["q"] <= 1.0 + 1e-6:
        raise ClvError("Gamma-Gamma: the spend per purchase is too heavy-tailed for the model "
                       f"(q = {params.get('q', math.nan):.3g} <= 1 has no finite mean)")
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


# --------------------------------------------------------------------------------------------
# validation


def holdout_predictions(calibration: pd.DataFrame, model: FrequencyModel) -> np.ndarray:
    """Each calibration customer's expected purchases in the holdout, given the calibration history."""
    return model.conditional_expected_purchases(
        calibration["duration_holdout"].to_numpy(), calibration["frequency_cal"].to_numpy(),
        calibration["recency_cal"].to_numpy(), calibration["T_cal"].to_numpy())


def holdout_error(predicted: float, actual: float) -> float:
    """Holdout error = |predicted - actual| / actual, on the total of holdout repeat purchases of the
    customers acquired in the calibration period (NaN when there were none)."""
    return abs(predicted - actual) / actual if actual > 0 else math.nan


def holdout_comparison(calibration: pd.DataFrame, models: Mapping[str, FrequencyModel],
                       max_frequency: int = MAX_FREQUENCY_GROUP) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Predicted vs actual holdout purchases: totals per model, and means by calibration frequency.

    totals: model, customers, actual, predicted, error (`holdout_error`), mae (mean absolute error
    per customer), log_likelihood (calibration). by_frequency: frequency (0..max-1, "max+"),
    customers, actual (mean per customer), one predicted column per model (mean per customer).
    """
    actual = calibration["frequency_holdout"].to_numpy(float)
    rows = []
    group = np.minimum(calibration["frequency_cal"].to_numpy(), max_frequency)
    by_frequency = pd.DataFrame({"group": group, "actual": actual})
    for key, model in models.items():
        predicted = holdout_predictions(calibration, model)
        by_frequency[key] = predicted
        rows.append({
            "model": model.label, "customers": int(len(actual)), "actual": float(actual.sum()),
            "predicted": float(predicted.sum()),
            "error_rate": holdout_error(float(predicted.sum()), float(actual.sum())),
            "mae": float(np.abs(predicted - actual).mean()) if len(actual) else math.nan,
            "log_likelihood": model.log_likelihood,
        })
    totals = pd.DataFrame(rows, columns=["model", "customers", "actual", "predicted", "error_rate", "mae",
                                         "log_likelihood"])
    grouped = by_frequency.groupby("group")
    table = grouped.mean()
    table.insert(0, "customers", grouped.size())
    table = table.reset_index()
    table.insert(0, "frequency", [f"{g}+" if g == max_frequency else str(g) for g in table["group"]])
    table = table.drop(columns="group").rename(
        columns={key: f"predicted_{key}" for key in models})
    return totals, table


def select_model(totals: pd.DataFrame, models: Mapping[str, FrequencyModel]) -> str | None:
    """Key of the model with the lowest holdout error; by log-likelihood when there is no holdout."""
    if not models:
        return None
    keys = list(models)
    errors = [totals.loc[totals["model"] == models[k].label, "error_rate"] for k in keys]
    errors = [float(e.iloc[0]) if len(e) else math.nan for e in errors]
    if all(math.isfinite(e) for e in errors):
        return keys[int(np.argmin(errors))]
    return max(keys, key=lambda k: models[k].log_likelihood)


def cumulative_tracking(purchases: PurchaseLog, calibration_end: Any, observation_end: Any,
                        models: Mapping[str, FrequencyModel], time_unit: str = "W") -> pd.DataFrame:
    """Weekly cumulative repeat purchases of the customers acquired in the calibration period: actual,
    and expected by each model from the acquisition days alone (sum over customers of E[X(age)]).

    Columns: date (end of each week; the last row is the observation end), actual, one per model key.
    """
    unit = _unit_days(time_unit)
    cal_day, end_day = _day_number(calibration_end), _day_number(observation_end)
    starts, sizes = _groups(purchases.customer_code)
    first = purchases.day[starts]
    in_cohort = first <= cal_day
    births, counts = np.unique(first[in_cohort], return_counts=True)
    if births.size == 0:
        return pd.DataFrame(columns=["date", "actual", *models])
    is_first = np.zeros(purchases.day.size, dtype=bool)
    is_first[starts] = True
    cohort_rows = np.repeat(in_cohort, sizes)
    repeat_days = np.sort(purchases.day[cohort_rows & ~is_first & (purchases.day <= end_day)])
    grid = np.arange(births[0] + 7, end_day + 1, 7)
    if grid.size == 0 or grid[-1] != end_day:
        grid = np.r_[grid, end_day]
    table = pd.DataFrame({
        "date": (EPOCH + grid.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "actual": np.searchsorted(repeat_days, grid, side="right").astype(float),
    })
    age = (grid[None, :] - births[:, None]) / unit
    positive = age > 0
    for key, model in models.items():
        expected = np.zeros(age.shape)
        expected[positive] = model.expected_purchases(age[positive])
        table[key] = counts @ expected
    return table


# --------------------------------------------------------------------------------------------
# CLV


def monthly_discount_factors(horizon_months: int, annual_discount_rate: float) -> np.ndarray:
    """1 / (1 + d)^k for months k = 1..H, d = (1 + annual rate)^(1/12) - 1 (end-of-month cash)."""
    months = np.arange(1, int(horizon_months) + 1)
    return (1.0 + annual_discount_rate) ** (-months / 12.0)


def customer_lifetime_value(summary: pd.DataFrame, model: FrequencyModel,
                            spend_model: GammaGammaModel | None, horizon_months: int,
                            annual_discount_rate: float, gross_margin: float,
                            time_unit: str = "W") -> pd.DataFrame:
    """CLV per customer over the horizon, discounted, in gross-margin money.

    CLV = margin * E[spend per purchase] * sum_k (E[Y(t_k)] - E[Y(t_(k-1))]) / (1 + d)^k, with
    t_k = k months (365.25 / 12 days each), E[Y(t)] the model's expected purchases in the next t given
    the customer's (x, t_x, T), d the monthly discount rate (`monthly_discount_factors`).
    E[spend] is Gamma-Gamma's conditional expectation; without a spend model, the customer's own mean
    amount over all their purchase days.
    Columns: customer_id, frequency, recency, T, monetary_value, p_alive, expected_purchases (over the
    horizon, undiscounted), expected_spend, clv.
    """
    x = summary["frequency"].to_numpy(float)
    t_x = summary["recency"].to_numpy(float)
    big_t = summary["T"].to_numpy(float)
    month = DAYS_PER_MONTH / _unit_days(time_unit)
    horizon = int(horizon_months)
    cumulative = model.expected_purchases_path(np.arange(1, horizon + 1) * month, x, t_x, big_t) \
        if horizon > 0 else np.zeros((len(x), 0))
    discount = monthly_discount_factors(horizon, annual_discount_rate)
    if spend_model is not None:
        spend = spend_model.conditional_expected_spend(x, summary["monetary_value"].to_numpy(float))
    else:
        spend = summary["spend"].to_numpy(float) / (x + 1.0)
    discounted = _discounted_increments(cumulative, discount) if horizon > 0 else np.zeros(len(x))
    return pd.DataFrame({
        "customer_id": summary.index.to_numpy(),
        "frequency": summary["frequency"].to_numpy(),
        "recency": t_x,
        "T": big_t,
        "monetary_value": summary["monetary_value"].to_numpy(float),
        "p_alive": model.probability_alive(x, t_x, big_t),
        "expected_purchases": cumulative[:, -1] if horizon > 0 else np.zeros(len(x)),
        "expected_spend": spend,
        "clv": gross_margin * spend * discounted,
    })


def clv_by_group(clv: pd.DataFrame, groups: pd.Series, missing: str = "(unknown)") -> pd.DataFrame:
    """CLV summarised by any grouping of customers (a Series indexed by customer_id).

    Columns: group, customers, share_of_customers, mean_clv, median_clv, total_clv, clv_share,
    mean_p_alive, expected_purchases (mean). Customers missing from `groups` fall in `missing`.
    """
    labels = groups.reindex(clv["customer_id"].to_numpy()).astype(object)
    labels = labels.where(labels.notna(), missing).to_numpy()
    frame = clv.assign(group=labels)
    grouped = frame.groupby("group", sort=True)
    table = pd.DataFrame({
        "customers": grouped.size(),
        "mean_clv": grouped["clv"].mean(),
        "median_clv": grouped["clv"].median(),
        "total_clv": grouped["clv"].sum(),
        "mean_p_alive": grouped["p_alive"].mean(),
        "expected_purchases": grouped["expected_purchases"].mean(),
    })
    table.insert(1, "share_of_customers", table["customers"] / table["customers"].sum())
    total = table["total_clv"].sum()
    table.insert(5, "clv_share", table["total_clv"] / total if total else math.nan)
    return table.reset_index().rename(columns={"index": "group"})


def membership_groups(customers: pd.DataFrame | None, as_of: Any) -> pd.Series | None:
    """'member' / 'non-member' per customer_id: joined_program_at on or before `as_of`."""
    if customers is None or "joined_program_at" not in customers.columns:
        return None
    joined = customers["joined_program_at"]
    member = joined.notna() & (joined.dt.normalize() <= pd.Timestamp(as_of).normalize())
    labels = pd.Series(np.where(member, "member", "non-member"), index=customers["customer_id"])
    return labels[~labels.index.duplicated()]


def p_alive_bands(clv: pd.DataFrame) -> pd.Series:
    """Band of P(alive) per customer_id: likely active (>= 0.7), at risk (0.3-0.7), likely lost."""
    p = clv["p_alive"].to_numpy(float)
    labels = np.select([p >= P_ALIVE_BANDS[0][0], p >= P_ALIVE_BANDS[1][0]],
                       [P_ALIVE_BANDS[0][1], P_ALIVE_BANDS[1][1]], P_ALIVE_BANDS[2][1])
    return pd.Series(labels, index=clv["customer_id"].to_numpy())


def top_customers(clv: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The n customers with the highest CLV: ids and model numbers only (no contact data)."""
    columns = ["customer_id", "clv", "p_alive", "expected_purchases", "expected_spend", "frequency"]
    top = clv.nlargest(n, "clv")[columns].reset_index(drop=True)
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    return top


def customer_export(clv: pd.DataFrame) -> pd.DataFrame:
    """Every customer's CLV numbers for downstream use (ids only), highest CLV first."""
    columns = ["customer_id", "clv", "p_alive", "expected_purchases", "expected_spend", "frequency",
               "recency", "T"]
    return clv[columns].sort_values("clv", ascending=False, kind="stable").reset_index(drop=True)


def clv_concentration(clv: pd.DataFrame, top_share: float = 0.1) -> float:
    """Share of the total CLV held by the top `top_share` of customers by CLV."""
    values = np.sort(clv["clv"].to_numpy(float))[::-1]
    total = values.sum()
    if values.size == 0 or total <= 0:
        return math.nan
    k = max(1, int(math.ceil(top_share * values.size)))
    return float(values[:k].sum() / total)


# --------------------------------------------------------------------------------------------
# the section


@dataclass
class ClvResult:
    """Everything the 40_clv notebook shows: headline (kpis.json `clv`), tables, fitted models,
    skip reasons of parts the data cannot support, one sentence of interpretation per block."""

    headline: dict[str, Any]
    tables: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    models: dict[str, FrequencyModel] = field(default_factory=dict)
    spend_model: GammaGammaModel | None = None
    selected_model: str | None = None
    calibration_end: pd.Timestamp | None = None
    observation_end: pd.Timestamp | None = None
    time_unit: str = "W"
    purchases: PurchaseLog | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    sentences: dict[str, str] = field(default_factory=dict)
    language: str = "en"   # of the sentences (config `language`); money in config `currency`
    currency: str = ""

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def missing(self, name: str) -> str:
        """Why table `name` is absent (the first applicable skip reason)."""
        parts = {"holdout": "holdout", "holdout_by_frequency": "holdout", "tracking": "holdout"}
        for part in (name, parts.get(name, ""), "clv"):
            if part in self.skipped:
                return self.skipped[part]
        return f"the {name} table is not available"

    def fit_failures(self) -> list[str]:
        """One message per model that could not be fitted (the reason in the result's language when
        `i18n.TEXT_RU` has it)."""
        return [f"{MODEL_LABELS[key]}: {i18n.text(self.skipped[key], self.language)}"
                for key in PARAM_NAMES if key in self.skipped]


def summary_table(result: ClvResult) -> pd.DataFrame:
    """What the models were given: customers, purchase days, exclusions, periods (item, value)."""
    rows: list[tuple[str, Any]] = []
    log = result.purchases
    def count(value: int) -> str:
        return _say(result, "{n:number}", n=value)

    if log is not None:
        rows += [("identified customers with a purchase", count(log.n_customers)),
                 ("purchase days (checks merged per customer and day)", count(log.day.size)),
                 ("anonymous checks (left out)", count(log.anonymous_checks)),
                 ("return days (net amount below 0; left out)", count(log.return_days))]
    calibration = result.table("calibration")
    if calibration is not None:
        rows += [("customers acquired in the calibration period", count(len(calibration))),
                 ("of them repeat buyers in the calibration period",
                  count(int((calibration["frequency_cal"] > 0).sum())))]
    if result.calibration_end is not None:
        weeks = (result.observation_end - result.calibration_end).days / 7
        rows += [("calibration period ends", f"{result.calibration_end:%Y-%m-%d}"),
                 ("holdout", _say(result, "{weeks:number1} weeks, to {date}", weeks=weeks,
                                  date=f"{result.observation_end:%Y-%m-%d}")),
                 ("time unit of the models", UNIT_NAMES[result.time_unit])]
    if result.selected_model:
        rows.append(("model used for CLV", MODEL_LABELS[result.selected_model]))
    return pd.DataFrame(rows, columns=["item", "value"])


def _num(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _headline(models: Mapping[str, FrequencyModel], spend_model: GammaGammaModel | None,
              selected: str | None, totals: pd.DataFrame | None, clv: pd.DataFrame | None,
              horizon_months: int) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key in PARAM_NAMES:
        fitted = spend_model if key == "gamma_gamma" else models.get(key)
        params[key] = {name: (_num(fitted.params[name]) if fitted else None)
                       for name in PARAM_NAMES[key]}
    holdout = {"predicted": None, "actual": None, "error": None}
    if selected and totals is not None and len(totals):
        row = totals.loc[totals["model"] == MODEL_LABELS[selected]]
        if len(row):
            holdout = {"predicted": _num(row["predicted"].iloc[0]), "actual": _num(row["actual"].iloc[0]),
                       "error": _num(row["error_rate"].iloc[0])}
    return {
        "model_params": params,
        "selected_model": selected,
        "holdout": holdout,
        "mean_clv": _num(clv["clv"].mean()) if clv is not None and len(clv) else None,
        "horizon_months": int(horizon_months),
    }


def fits_table(models: Mapping[str, FrequencyModel], spend_model: GammaGammaModel | None) -> pd.DataFrame:
    """model, parameter, estimate, std_error, ci_low, ci_high (estimate -/+ 1.96 SE), customers,
    log_likelihood, penalizer (the L2 penalty the fit needed; 0 = plain maximum likelihood): one row
    per parameter of every fitted model."""
    rows = []
    fitted: list[Any] = [*models.values()] + ([spend_model] if spend_model else [])
    for model in fitted:
        for name, value in model.params.items():
            se = model.standard_errors.get(name, math.nan)
            rows.append({"model": model.label, "parameter": name, "estimate": value, "std_error": se,
                         "ci_low": value - Z95 * se, "ci_high": value + Z95 * se,
                         "customers": model.customers, "log_likelihood": model.log_likelihood,
                         "penalizer": getattr(model, "penalizer_coef", 0.0)})
    return pd.DataFrame(rows, columns=["model", "parameter", "estimate", "std_error", "ci_low",
                                       "ci_high", "customers", "log_likelihood", "penalizer"])


def run_clv_section(transactions: pd.DataFrame, config: Mapping[str, Any],
                    period: tuple[Any, Any] | None = None) -> ClvResult:
    """The whole CLV section: purchase days, calibration/holdout split, BG/NBD and Pareto/NBD fits,
    Gamma-Gamma with its independence check, holdout validation and model choice, weekly tracking,
    CLV per customer. A part the data cannot support is skipped with its reason in `skipped`, and
    its headline values are None; the section itself never raises for thin data.

    Config used: clv.{time_unit, calibration_end, holdout_fraction, horizon_months,
    annual_discount_rate, penalizer_coef, min_repeat_buyers, max_spend_correlation},
    program.gross_margin (null: CLV in revenue, margin 1).
    """
    settings = config["clv"]
    time_unit = settings["time_unit"]
    horizon = int(settings["horizon_months"])
    margin_setting = config.get("program", {}).get("gross_margin")
    margin = 1.0 if margin_setting is None else float(margin_setting)
    result = ClvResult(headline=_headline({}, None, None, None, None, horizon), time_unit=time_unit,
                       language=config.get("language", "en"), currency=config.get("currency", ""))
    start, end = (period if period is not None else (None, None))
    try:
        purchases = purchase_log(transactions, start, end)
        result.purchases = purchases
        if purchases.day.size == 0:
            raise ClvError("no purchases by identified customers in the analysed period")
        first_day, last_day = int(purchases.day.min()), int(purchases.day.max())
        observation_end = pd.Timestamp(end).normalize() if end is not None else _timestamp(last_day)
        period_start = pd.Timestamp(start).normalize() if start is not None else _timestamp(first_day)
        if settings.get("calibration_end"):
            calibration_end = pd.Timestamp(settings["calibration_end"]).normalize()
        else:
            calibration_end = default_calibration_end(period_start, observation_end,
                                                      float(settings["holdout_fraction"]))
        if _day_number(calibration_end) < first_day:
            raise ClvError(f"clv.calibration_end {calibration_end.date()} is before the first "
                           f"purchase ({_timestamp(first_day).date()})")
        if calibration_end >= observation_end:
            result.skipped["holdout"] = (
                f"clv.calibration_end {calibration_end.date()} leaves no holdout before the period "
                f"end {observation_end.date()}: the models are fitted on the whole period and chosen "
                "by log-likelihood instead of holdout error")
            calibration_end = observation_end
        result.calibration_end, result.observation_end = calibration_end, observation_end
    except ClvError as exc:
        result.skipped["clv"] = str(exc)
        return result
    _fit_and_value(result, settings, margin, horizon)
    return result


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
            raise ClvError(f"{plain} (also with clv.penalizer_coef = {penalizer_coef}: "
                           f"{penalised})") from penalised


def _fit_and_value(result: ClvResult, settings: Mapping[str, Any], margin: float, horizon: int) -> None:
    purchases, unit = result.purchases, result.time_unit
    cal_end, obs_end = result.calibration_end, result.observation_end
    penalizer = float(settings["penalizer_coef"])
    min_repeat = int(settings["min_repeat_buyers"])
    calibration = calibration_holdout_summary(purchases, cal_end, obs_end, unit)
    result.tables["calibration"] = calibration
    x, t_x, big_t = (calibration[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal"))

    models: dict[str, FrequencyModel] = {}
    try:
        models["bgnbd"] = fit_with_fallback(
            lambda pen: fit_bgnbd(x, t_x, big_t, pen, min_repeat), penalizer)
    except ClvError as exc:
        result.skipped["bgnbd"] = str(exc)
    try:
        warm = models["bgnbd"].params if "bgnbd" in models else None
        start = {"r": warm["r"], "alpha": warm["alpha"], "s": 1.0, "beta": float(big_t.max())} \
            if warm else None
        models["pareto_nbd"] = fit_with_fallback(
            lambda pen: fit_pareto_nbd(x, t_x, big_t, pen, start, min_repeat), penalizer)
    except ClvError as exc:
        result.skipped["pareto_nbd"] = str(exc)
    result.models = models

    monetary = calibration["monetary_value_cal"].to_numpy()
    correlation = spend_frequency_correlation(x, monetary)
    try:
        result.spend_model = fit_gamma_gamma(x, monetary, min_repeat)
    except ClvError as exc:
        result.skipped["gamma_gamma"] = (
            f"{exc}; CLV uses each customer's own mean amount per purchase day instead")
    result.tables["fits"] = fits_table(models, result.spend_model)
    result.sentences["fits"] = _fits_sentence(result, calibration, correlation,
                                              float(settings["max_spend_correlation"]))

    has_holdout = cal_end < obs_end
    if models and has_holdout:
        totals, by_frequency = holdout_comparison(calibration, models)
        result.tables["holdout"], result.tables["holdout_by_frequency"] = totals, by_frequency
        result.tables["tracking"] = cumulative_tracking(purchases, cal_end, obs_end, models, unit)
    else:
        totals = None
    selected = select_model(totals if totals is not None else pd.DataFrame(columns=["model", "error_rate"]),
                            models)
    result.selected_model = selected
    if models and has_holdout:
        result.sentences["holdout"] = _holdout_sentence(result, totals)
    if not models:
        result.skipped["clv"] = "neither BG/NBD nor Pareto/NBD could be fitted, so there is no CLV"
        result.headline = _headline(models, result.spend_model, None, None, None, horizon)
        return

    summary = rfm_summary(purchases, obs_end, unit)
    result.tables["summary"] = summary
    clv = customer_lifetime_value(summary, models[selected], result.spend_model, horizon,
                                  float(settings["annual_discount_rate"]), margin, unit)
    result.tables["clv"] = clv
    result.tables["clv_by_p_alive"] = clv_by_group(clv, p_alive_bands(clv))
    result.sentences["clv"] = _clv_sentence(result, clv, margin, horizon,
                                            float(settings["annual_discount_rate"]))
    result.headline = _headline(models, result.spend_model, selected, totals, clv, horizon)


def _say(result: ClvResult, template: str, **fields: Any) -> str:
    """A sentence in the result's language (`i18n.sentence`: the template's translation, numbers and
    money in the language's format)."""
    return i18n.sentence(template, result.language, result.currency, **fields)


def _fits_sentence(result: ClvResult, calibration: pd.DataFrame, correlation: float,
                   max_correlation: float) -> str:
    repeat = int((calibration["frequency_cal"] > 0).sum())
    text = _say(result, "The models are fitted on {customers:number} customers acquired by {date:date} "
                "({repeat:number} of them bought again in that period); time is in {unit}.",
                customers=len(calibration), date=result.calibration_end, repeat=repeat,
                unit=UNIT_NAMES[result.time_unit])
    for model in result.models.values():
        if model.penalizer_coef > 0:
            text += " " + _say(result, "{model} converged only with the L2 penalty (clv.penalizer_coef = "
                               "{penalty}), which pulls its parameters towards 0: a sign of thin data.",
                               model=model.label, penalty=f"{model.penalizer_coef:g}")
    if math.isfinite(correlation):
        verdict = ("weak enough for the Gamma-Gamma spend model, which assumes independence"
                   if abs(correlation) <= max_correlation else
                   "stronger than the Gamma-Gamma spend model assumes (independence): its expected "
                   "spend, and so CLV, should be read with care")
        text += " " + _say(result, "The correlation between repeat purchases and average spend among "
                           "repeat buyers is {correlation:number2}: {verdict}.", correlation=correlation,
                           verdict=verdict)
    return text


def _holdout_sentence(result: ClvResult, totals: pd.DataFrame) -> str:
    weeks = (result.observation_end - result.calibration_end).days / 7
    parts = [_say(result, "{model} predicted {predicted:number} (error {error:percent})", model=row.model,
                  predicted=row.predicted, error=row.error_rate)
             for row in totals.itertuples()]
    actual = totals["actual"].iloc[0]
    return (_say(result, "In the {weeks:number}-week holdout after {date:date} the calibration customers "
                 "made {actual:number} repeat purchases;", weeks=weeks, date=result.calibration_end,
                 actual=actual)
            + " " + "; ".join(parts) + ". "
            + _say(result, "{model} is used for CLV.", model=MODEL_LABELS[result.selected_model]))


def _clv_sentence(result: ClvResult, clv: pd.DataFrame, margin: float, horizon: int,
                  rate: float) -> str:
    top = clv_concentration(clv, 0.1)
    alive = float((clv["p_alive"] >= P_ALIVE_BANDS[0][0]).mean())
    return _say(result, "Over the next {months:number} months (gross margin {margin:percent0}, "
                "{rate:percent0} a year discount) an identified customer is worth {mean:money2} on average "
                "(median {median:money2}); the top 10% of customers hold {top:percent0} of the total. "
                "{alive:percent0} of the customers are likely still active (P(alive) at least 0.7).",
                months=horizon, margin=margin, rate=rate, mean=clv["clv"].mean(),
                median=clv["clv"].median(), top=top, alive=alive)


# --------------------------------------------------------------------------------------------
# synthetic data (tests and benchmarks)


def simulate_transactions(n_customers: int, start: str = "2023-01-01", end: str = "2024-12-31",
                          pareto_nbd: Mapping[str, float] | None = None,
                          gamma_gamma: Mapping[str, float] | None = None, acquisition_days: int = 365,
                          seed: int = 0) -> pd.DataFrame:
    """Canonical transactions (date, customer_id, amount) of a Pareto/NBD + Gamma-Gamma population.

    Customers are acquired uniformly over the first `acquisition_days` days with a first purchase that
    day; then Poisson purchases at rate lambda ~ Gamma(r, rate alpha) per day until an exponential
    lifetime with rate mu ~ Gamma(s, rate beta) ends or `end` comes; amounts ~ Gamma(p, rate nu),
    nu ~ Gamma(q, rate v). Defaults: r=0.8, alpha=30, s=0.7, beta=500 (days); p=6, q=4, v=750.
    Vectorised (no per-customer loop).
    """
    pn = {"r": 0.8, "alpha": 30.0, "s": 0.7, "beta": 500.0, **(pareto_nbd or {})}
    gg = {"p": 6.0, "q": 4.0, "v": 750.0, **(gamma_gamma or {})}
    rng = np.random.default_rng(seed)
    first, last = _day_number(start), _day_number(end)
    birth = first + rng.uniform(0, acquisition_days, n_customers)
    rate = rng.gamma(pn["r"], 1.0 / pn["alpha"], n_customers)
    dropout = rng.gamma(pn["s"], 1.0 / pn["beta"], n_customers)
    lifetime = rng.exponential(1.0, n_customers) / np.maximum(dropout, 1e-12)
    active = np.clip(np.minimum(lifetime, last + 1 - birth), 0, None)
    repeats = rng.poisson(rate * active)
    owner = np.repeat(np.arange(n_customers), repeats)
    times = np.concatenate([birth, birth[owner] + rng.uniform(0, 1, owner.size) * active[owner]])
    who = np.concatenate([np.arange(n_customers), owner])
    nu = rng.gamma(gg["q"], 1.0 / gg["v"], n_customers)
    amount = np.round(rng.gamma(gg["p"], 1.0 / nu[who]), 2)
    order = np.argsort(times, kind="stable")
    days = np.floor(times[order]).astype(np.int64)
    return pd.DataFrame({
        "date": (EPOCH + days.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "customer_id": pd.array([f"C{i:07d}" for i in who[order]], dtype="string"),
        "amount": amount[order],
    })


# --------------------------------------------------------------------------------------------
# charts


def _figure(columns: int = 1, width: float = 10, height: float = 3.8) -> tuple[Figure, list]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, [fig.add_subplot(1, columns, i + 1) for i in range(columns)]


def plot_holdout(by_frequency: pd.DataFrame) -> Figure:
    """Mean holdout purchases per customer by calibration frequency: actual bars, model lines."""
    fig, (ax,) = _figure()
    positions = np.arange(len(by_frequency))
    ax.bar(positions, by_frequency["actual"], color=PALETTE[6], alpha=0.6, label="actual")
    models = [c for c in by_frequency.columns if c.startswith("predicted_")]
    for i, column in enumerate(models):
        key = column.removeprefix("predicted_")
        ax.plot(positions, by_frequency[column], marker="o", color=PALETTE[i],
                label=MODEL_LABELS.get(key, key))
    ax.set_xticks(positions, by_frequency["frequency"])
    ax.set(xlabel="repeat purchases in the calibration period",
           ylabel="purchases per customer in the holdout",
           title="Holdout: predicted vs actual purchases by calibration frequency")
    ax.legend()
    return fig


def plot_tracking(tracking: pd.DataFrame, calibration_end: Any) -> Figure:
    """Weekly cumulative repeat purchases, actual vs models; the calibration end marked."""
    fig, (ax,) = _figure()
    ax.plot(tracking["date"], tracking["actual"], color="black", linewidth=2, label="actual")
    for i, key in enumerate(c for c in tracking.columns if c not in ("date", "actual")):
        ax.plot(tracking["date"], tracking[key], linestyle="--", color=PALETTE[i],
                label=MODEL_LABELS.get(key, key))
    ax.axvline(pd.Timestamp(calibration_end), color=PALETTE[6], linestyle=":")
    ax.annotate(" calibration end", (pd.Timestamp(calibration_end), 0), color=PALETTE[6],
                xycoords=("data", "axes fraction"), va="bottom")
    ax.set(ylabel="cumulative repeat purchases", xlabel="",
           title="Tracking: cumulative repeat purchases of the calibration customers")
    ax.legend()
    return fig


def plot_clv_distribution(clv: pd.DataFrame) -> Figure:
    """Histogram of CLV (up to its 99th percentile) and the share of total CLV by top customers."""
    fig, (left, right) = _figure(2)
    values = clv["clv"].to_numpy(float)
    if values.size:
        cap = float(np.quantile(values, 0.99))
        left.hist(np.minimum(values, cap), bins=50, color=PALETTE[0])
        left.set(xlabel="CLV (values above the 99th percentile in the last bar)", ylabel="customers",
                 title="CLV per customer")
        ordered = np.sort(values)[::-1]
        total = ordered.sum()
        if total > 0:
            share = np.cumsum(ordered) / total
            right.plot(np.arange(1, ordered.size + 1) / ordered.size, share, color=PALETTE[1])
        right.plot([0, 1], [0, 1], color=PALETTE[6], linestyle=":")
        right.set(xlabel="share of customers (highest CLV first)", ylabel="share of total CLV",
                  title="Concentration of value")
    return fig


def plot_clv_by_group(table: pd.DataFrame, title: str) -> Figure:
    """Mean CLV per group (bars) with each group's share of total CLV in the labels."""
    fig, (ax,) = _figure(height=3.2)
    labels = [f"{g}\n{s:.0%} of total CLV" for g, s in zip(table["group"], table["clv_share"],
                                                            strict=True)]
    ax.bar(labels, table["mean_clv"], color=PALETTE[: len(table)])
    ax.set(ylabel="mean CLV per customer", title=title)
    return fig

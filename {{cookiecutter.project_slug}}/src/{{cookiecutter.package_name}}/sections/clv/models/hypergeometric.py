"""log 2F1(a, b; a + 1; z) for the Pareto/NBD likelihood, with a work budget for the series fallback."""

from __future__ import annotations

import numpy as np
from scipy import special


class BudgetExhausted(Exception):
    """A fit summed more series terms than its `SeriesBudget` allows."""


class SeriesBudget:
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
            raise BudgetExhausted(f"{self.used:.3g} series terms")


def log_hyp2f1_a_a1(a: np.ndarray, b: np.ndarray | float, z: np.ndarray,
                    budget: SeriesBudget | None = None) -> np.ndarray:
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
                out.flat[i] = log_hyp2f1_series(a.flat[i], b.flat[i], z.flat[i], budget=budget)
    return out


def log_hyp2f1_series(a: float, b: float, z: float, max_terms: int = 2_000_000,
                      budget: SeriesBudget | None = None) -> float:
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


def log1mexp(d: np.ndarray) -> np.ndarray:
    """log(1 - exp(d)) for d <= 0 (-inf at d = 0); absolute error ~1e-16 for very negative d."""
    with np.errstate(divide="ignore"):
        return np.log(-np.expm1(np.minimum(d, 0.0)))

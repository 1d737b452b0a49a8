"""Percentile ranks and the anonymised distribution of one KPI across the portfolio.

Percentile rank of a client = (comparable clients with a lower value + half of those with an equal
value) / (comparable clients − 1), the client itself left out: 0 = lowest of the portfolio, 1 = highest,
whatever the direction in which the KPI is good. Eight clients with distinct values get 0, 1/7, ..., 1.

Quartiles and median are Harrell–Davis estimates: a weighted average of every ordered value with
Beta weights, so that no quartile is one client's own number (the plain median of an odd count is the
middle client's value, which a card must not show).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import beta


def percentile_rank(value: float, others: Sequence[float]) -> float | None:
    """Share of `others` (the client excluded) below `value`, ties counting half; None without others."""
    if not others:
        return None
    below = sum(other < value for other in others)
    equal = sum(other == value for other in others)
    return (below + 0.5 * equal) / len(others)


def harrell_davis(values: Sequence[float], probability: float) -> float:
    """The Harrell–Davis estimate of the `probability` quantile of `values`."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    a, b = probability * (n + 1), (1 - probability) * (n + 1)
    edges = beta.cdf(np.arange(n + 1) / n, a, b)
    return float(np.dot(np.diff(edges), ordered))


@dataclass(frozen=True)
class Distribution:
    """The portfolio's spread of one KPI: number of clients, lower quartile, median, upper quartile."""

    n: int
    q1: float
    median: float
    q3: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Distribution | None:
        if not values:
            return None
        return cls(len(values), harrell_davis(values, 0.25), harrell_davis(values, 0.5),
                   harrell_davis(values, 0.75))

    def quarter(self, value: float) -> int:
        """1 = bottom quarter (below q1), 2 = below the median, 0 = at the median (equal within
        rounding), 3 = above the median, 4 = top quarter (above q3)."""
        def same(a: float, b: float) -> bool:
            return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12))

        if same(value, self.median):
            return 0
        if value < self.median:
            return 1 if value < self.q1 and not same(value, self.q1) else 2
        return 4 if value > self.q3 and not same(value, self.q3) else 3

"""Plain numbers for kpis.json and the ratios every section uses."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite(value: Any) -> float | None:
    """A plain float for kpis.json, or None for missing / NaN / infinite / non-numeric values."""
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def ratio(numerator: Any, denominator: Any) -> float | None:
    """numerator / denominator, None when either is missing or the denominator is zero."""
    top, bottom = finite(numerator), finite(denominator)
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def relative_change(value: Any, reference: Any) -> float | None:
    """value / reference - 1 (0.15 = +15%), None when the reference is missing or zero."""
    share = ratio(value, reference)
    return None if share is None else share - 1


def percentile_interval(values: np.ndarray, level: float = 0.95) -> tuple[float | None, float | None]:
    """The central `level` percentile interval of bootstrap replicates (NaNs ignored); (None, None)
    when fewer than two replicates are finite."""
    kept = np.asarray(values, dtype=float)
    kept = kept[np.isfinite(kept)]
    if kept.size < 2:
        return None, None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(kept, [tail, 100 - tail])
    return float(low), float(high)

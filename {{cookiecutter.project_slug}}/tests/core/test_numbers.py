"""Shared number rules, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.core.numbers import finite, percentile_interval, ratio, relative_change


def test_finite_turns_missing_and_infinite_values_into_none():
    assert finite(np.float32(1.5)) == 1.5
    assert [finite(v) for v in (None, math.nan, math.inf, "x")] == [None, None, None, None]


def test_ratio_and_relative_change():
    assert ratio(1, 4) == 0.25
    assert ratio(1, 0) is None and ratio(None, 2) is None
    # the seed's loyalty uplift: ARPU members 23,000 vs non-members 15,000 -> +53.3%
    assert round(relative_change(23_000, 15_000), 3) == 0.533


def test_percentile_interval_of_replicates():
    assert percentile_interval(np.arange(101.0)) == pytest.approx((2.5, 97.5))
    assert percentile_interval(np.array([1.0, np.nan])) == (None, None)

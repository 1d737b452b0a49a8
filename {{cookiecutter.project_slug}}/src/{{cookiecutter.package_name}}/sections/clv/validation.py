"""Holdout validation and tracking: do the models predict purchases they were not fitted on?

All parameters are estimated on the calibration period (purchases up to ``clv.calibration_end``, or,
when it is null, the period minus its last ``clv.holdout_fraction``); the holdout (the rest of the
period) checks the predictions of the customers acquired in the calibration period. The model with
the lower holdout error (`holdout_comparison`) is selected (`select_model`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .data import PurchaseLog, as_dates, day_number, runs, unit_days
from .models.base import FrequencyModel

MAX_FREQUENCY_GROUP = 7  # holdout table: calibration frequencies 0..6 and "7+"


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


def select_model(totals: pd.DataFrame | None, models: Mapping[str, FrequencyModel]) -> str | None:
    """Key of the model with the lowest holdout error; by log-likelihood when there is no holdout
    (`totals` None)."""
    if not models:
        return None
    if totals is None:
        totals = pd.DataFrame(columns=["model", "error_rate"])
    keys = list(models)
    errors = [totals.loc[totals["model"] == models[k].label, "error_rate"] for k in keys]
    errors = [float(e.iloc[0]) if len(e) else math.nan for e in errors]
    if all(math.isfinite(e) for e in errors):
        return keys[int(np.argmin(errors))]
    return max(keys, key=lambda k: models[k].log_likelihood)


@dataclass(frozen=True)
class TrackingCounts:
    """What tracking reads from the purchase log, per day: `births`, the first purchase days of the
    customers acquired in the calibration period (sorted, distinct) with `customers`, how many were
    acquired on each; `repeat_days`, the days of their repeat purchases up to the observation end
    (sorted, distinct) with `repeats`, how many purchase days fell on each. Counts per day of
    disjoint sets of customers add up (`combined`)."""

    births: np.ndarray
    customers: np.ndarray
    repeat_days: np.ndarray
    repeats: np.ndarray

    @classmethod
    def combined(cls, parts: list[TrackingCounts]) -> TrackingCounts:
        """The counts of the union of logs of disjoint customers: per day, the sum of the parts."""
        def per_day(days: list[np.ndarray], counts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
            if not days:
                return np.zeros(0, np.int64), np.zeros(0, np.int64)
            total = pd.Series(np.concatenate(counts).astype(np.int64)).groupby(
                np.concatenate(days).astype(np.int64), sort=True).sum()
            return total.index.to_numpy(np.int64), total.to_numpy(np.int64)

        births, customers = per_day([p.births for p in parts], [p.customers for p in parts])
        repeat_days, repeats = per_day([p.repeat_days for p in parts], [p.repeats for p in parts])
        return cls(births, customers, repeat_days, repeats)


def tracking_counts(purchases: PurchaseLog, calibration_end: Any, observation_end: Any) -> TrackingCounts:
    """`TrackingCounts` of a purchase log (sorted by customer then day): a customer's acquisition is
    their first purchase day; the calibration cohort, those acquired on or before `calibration_end`."""
    cal_day, end_day = day_number(calibration_end), day_number(observation_end)
    starts, sizes = runs(purchases.customer_code)
    first = purchases.day[starts]
    in_cohort = first <= cal_day
    births, counts = np.unique(first[in_cohort], return_counts=True)
    is_first = np.zeros(purchases.day.size, dtype=bool)
    is_first[starts] = True
    cohort_rows = np.repeat(in_cohort, sizes)
    repeat_days, repeats = np.unique(purchases.day[cohort_rows & ~is_first & (purchases.day <= end_day)],
                                     return_counts=True)
    return TrackingCounts(births.astype(np.int64), counts.astype(np.int64), repeat_days.astype(np.int64),
                          repeats.astype(np.int64))


def cumulative_tracking(purchases: PurchaseLog, calibration_end: Any, observation_end: Any,
                        models: Mapping[str, FrequencyModel], time_unit: str = "W") -> pd.DataFrame:
    """Weekly cumulative repeat purchases of the customers acquired in the calibration period: actual,
    and expected by each model from the acquisition days alone (sum over customers of E[X(age)]).

    Columns: date (end of each week; the last row is the observation end), actual, one per model key.
    """
    return tracking_table(tracking_counts(purchases, calibration_end, observation_end), observation_end,
                          models, time_unit)


def tracking_table(counts: TrackingCounts, observation_end: Any, models: Mapping[str, FrequencyModel],
                   time_unit: str = "W") -> pd.DataFrame:
    """`cumulative_tracking` from the log's `TrackingCounts`: on each week end g (from the first
    acquisition + 7 days; the last row is the observation end), actual(g) = repeat purchase days on
    or before g, expected(g) = sum over acquisition days b of customers(b) * E[X((g - b) / unit)]
    (0 for an age <= 0)."""
    unit = unit_days(time_unit)
    end_day = day_number(observation_end)
    births, acquired = counts.births, counts.customers
    if births.size == 0:
        return pd.DataFrame(columns=["date", "actual", *models])
    grid = np.arange(births[0] + 7, end_day + 1, 7)
    if grid.size == 0 or grid[-1] != end_day:
        grid = np.r_[grid, end_day]
    # repeat purchase days on or before each week end: a running total of the days' counts (integers)
    so_far = np.r_[0, np.cumsum(counts.repeats)]
    table = pd.DataFrame({
        "date": as_dates(grid),
        "actual": so_far[np.searchsorted(counts.repeat_days, grid, side="right")].astype(float),
    })
    age = (grid[None, :] - births[:, None]) / unit
    positive = age > 0
    for key, model in models.items():
        expected = np.zeros(age.shape)
        expected[positive] = model.expected_purchases(age[positive])
        table[key] = acquired @ expected
    return table

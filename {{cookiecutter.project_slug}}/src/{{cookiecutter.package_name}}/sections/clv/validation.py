"""Holdout validation and tracking: do the models predict purchases they were not fitted on?

All parameters are estimated on the calibration period (purchases up to ``clv.calibration_end``, or,
when it is null, the period minus its last ``clv.holdout_fraction``); the holdout (the rest of the
period) checks the predictions of the customers acquired in the calibration period. The model with
the lower holdout error (`holdout_comparison`) is selected (`select_model`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
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


def cumulative_tracking(purchases: PurchaseLog, calibration_end: Any, observation_end: Any,
                        models: Mapping[str, FrequencyModel], time_unit: str = "W") -> pd.DataFrame:
    """Weekly cumulative repeat purchases of the customers acquired in the calibration period: actual,
    and expected by each model from the acquisition days alone (sum over customers of E[X(age)]).

    Columns: date (end of each week; the last row is the observation end), actual, one per model key.
    """
    unit = unit_days(time_unit)
    cal_day, end_day = day_number(calibration_end), day_number(observation_end)
    starts, sizes = runs(purchases.customer_code)
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
        "date": as_dates(grid),
        "actual": np.searchsorted(repeat_days, grid, side="right").astype(float),
    })
    age = (grid[None, :] - births[:, None]) / unit
    positive = age > 0
    for key, model in models.items():
        expected = np.zeros(age.shape)
        expected[positive] = model.expected_purchases(age[positive])
        table[key] = counts @ expected
    return table

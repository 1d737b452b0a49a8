"""The purchase histories by parts: counts, summaries and tracking counts of disjoint groups of
customers combine into those of the whole log, and the split read from the counts alone (or planned
from the period) is the split of the log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.sections.clv import data, validation
from {{ cookiecutter.package_name }}.sections.clv.history import bucket_histories, combined
from {{ cookiecutter.package_name }}.synthetic.clv_simulator import simulate_transactions

PERIOD = (pd.Timestamp("2023-01-01"), pd.Timestamp("2024-12-31"))
ENDS = (pd.Timestamp("2024-06-30"), PERIOD[1])


@pytest.fixture(scope="module")
def checks() -> pd.DataFrame:
    """Simulated checks in no particular order, with anonymous checks and returns."""
    rng = np.random.default_rng(2)
    frame = simulate_transactions(300, seed=3).sample(frac=1.0, random_state=1).reset_index(drop=True)
    ids = frame["customer_id"].astype("string")
    ids[rng.random(len(frame)) < 0.1] = pd.NA
    return frame.assign(customer_id=ids,
                        amount=frame["amount"] * np.where(rng.random(len(frame)) < 0.05, -1.0, 1.0))


def parts_of(checks: pd.DataFrame, groups: int) -> list[pd.DataFrame]:
    """The checks in `groups` disjoint groups of customers (rows in their order), anonymous ones apart."""
    codes = pd.factorize(checks["customer_id"])[0]
    return [checks[(codes >= 0) & (codes % groups == k)] for k in range(groups)] + [checks[codes < 0]]


def test_the_parts_of_disjoint_customers_combine_into_the_whole(checks):
    whole = combined(bucket_histories(checks, PERIOD, ENDS, "W"))
    parts = combined(pd.concat([bucket_histories(part, PERIOD, ENDS, "W") for part in parts_of(checks, 4)],
                               ignore_index=True))
    log = data.purchase_log(checks, *PERIOD)
    assert whole.counts == parts.counts == data.LogCounts.of(log, len(checks))
    assert whole.counts.anonymous_checks == int(checks["customer_id"].isna().sum())
    pd.testing.assert_frame_equal(whole.summary, parts.summary, check_exact=True)
    pd.testing.assert_frame_equal(whole.calibration, parts.calibration, check_exact=True)
    # the summaries of the log, in customer-id order
    pd.testing.assert_frame_equal(whole.summary, data.rfm_summary(log, ENDS[1], "W").sort_index(),
                                  check_exact=True)
    pd.testing.assert_frame_equal(
        whole.calibration, data.calibration_holdout_summary(log, *ENDS, "W").sort_index(), check_exact=True)
    for name in ("births", "customers", "repeat_days", "repeats"):
        np.testing.assert_array_equal(getattr(whole.tracking, name), getattr(parts.tracking, name))
    assert whole.tracking.customers.sum() == (whole.summary["first_purchase"] <= ENDS[0]).sum()


def test_tracking_from_the_counts_is_the_tracking_of_the_log(checks):
    class Linear:
        def expected_purchases(self, t):
            return 0.1 * np.asarray(t, float)

    log = data.purchase_log(checks, *PERIOD)
    counts = combined(pd.concat([bucket_histories(part, PERIOD, ENDS, "W") for part in parts_of(checks, 3)],
                                ignore_index=True)).tracking
    table = validation.tracking_table(counts, ENDS[1], {"bgnbd": Linear()}, "W")
    pd.testing.assert_frame_equal(table, validation.cumulative_tracking(log, *ENDS, {"bgnbd": Linear()}, "W"),
                                  check_exact=True)
    cohort = data.calibration_holdout_summary(log, *ENDS, "W")
    assert table["actual"].iloc[-1] == counts.repeats.sum() == (cohort["frequency_cal"].sum()
                                                                + cohort["frequency_holdout"].sum())


@pytest.mark.parametrize("calibration_end", [None, "2024-03-31", "2024-12-31", "2025-06-30"])
def test_the_split_from_the_counts_and_the_planned_split_are_the_split_of_the_log(checks, calibration_end):
    log = data.purchase_log(checks, *PERIOD)
    counts = data.LogCounts.of(log, len(checks))
    split, reason = data.split_period(log, PERIOD, calibration_end, 0.25)
    assert data.split_period(counts, PERIOD, calibration_end, 0.25)[0] == split
    assert (reason is None) == (data.split_period(counts, PERIOD, calibration_end, 0.25)[1] is None)
    assert data.planned_split(PERIOD, calibration_end, 0.25) == split
    assert data.split_period(counts, None, calibration_end, 0.25)[0] == data.split_period(
        log, None, calibration_end, 0.25)[0]
    assert data.planned_split(None, calibration_end, 0.25) is None


def test_no_purchase_in_the_counts_is_no_purchase(checks):
    empty = data.LogCounts.combined([])
    assert (empty.purchase_days, empty.first_day, empty.last_day) == (0, None, None)
    with pytest.raises(data.ClvError):
        data.split_period(empty, PERIOD, None, 0.25)
    nobody = combined(bucket_histories(checks.iloc[:0], PERIOD, ENDS, "W"))
    assert nobody.summary.empty and nobody.tracking.births.size == 0

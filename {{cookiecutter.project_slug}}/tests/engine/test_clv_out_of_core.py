"""The CLV section out of memory: its purchase histories (per-customer summaries, additive counts and
tracking counts) computed bucket by bucket equal the in-memory ones bit for bit, so the fits, the
holdout, the tracking, the values and every table are the same (through `run`:
test_out_of_core_run.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.conditions import Facts, Shape
from {{ cookiecutter.package_name }}.engine.buckets import write_buckets
from {{ cookiecutter.package_name }}.engine.budget import Budget
from {{ cookiecutter.package_name }}.engine.customers import BUCKETS, CustomerChecks
from {{ cookiecutter.package_name }}.sections import clv
from {{ cookiecutter.package_name }}.sections.clv.history import histories
from {{ cookiecutter.package_name }}.synthetic.clv_simulator import simulate_transactions

GIB = 1 << 30
PERIOD = (pd.Timestamp("2023-01-01"), pd.Timestamp("2024-12-31"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """Simulated checks in a shuffled file order with anonymous checks, returns and loyalty cards, and
    the same checks in memory (CustomerChecks) and in 7 buckets (with the recorded table shape)."""
    rng = np.random.default_rng(5)
    checks = simulate_transactions(1200, start="2023-01-01", end="2024-12-31", seed=13)
    checks = checks.sample(frac=1.0, random_state=4).reset_index(drop=True)  # not by customer nor day
    ids = checks["customer_id"].astype("string")
    ids[rng.random(len(checks)) < 0.1] = pd.NA
    amount = checks["amount"].to_numpy() * np.where(rng.random(len(checks)) < 0.03, -1.0, 1.0)
    checks = checks.assign(customer_id=ids, amount=amount, loyalty_card=rng.random(len(checks)) < 0.5)
    folder = tmp_path_factory.mktemp("clv_cache")
    checks.to_parquet(folder / "transactions.parquet")
    buckets = write_buckets(folder / "transactions.parquet", folder / BUCKETS, Budget(GIB, 8 * GIB), 7)
    facts = Facts({"transactions": Shape(len(checks), tuple(checks.columns))}, {})
    return checks, CustomerChecks(frame=checks), CustomerChecks(buckets=buckets, facts=facts)


def assert_same_histories(one, other) -> None:
    assert one.counts == other.counts
    pd.testing.assert_frame_equal(one.summary, other.summary, check_exact=True)
    pd.testing.assert_frame_equal(one.calibration, other.calibration, check_exact=True)
    for name in ("births", "customers", "repeat_days", "repeats"):
        np.testing.assert_array_equal(getattr(one.tracking, name), getattr(other.tracking, name))


def test_histories_bucket_by_bucket_equal_the_in_memory_ones(client):
    checks, in_memory, bucketed = client
    ends = (pd.Timestamp("2024-06-30"), PERIOD[1])
    whole, parts = (histories(source, PERIOD, ends, "W") for source in (in_memory, bucketed))
    assert_same_histories(whole, parts)
    assert whole.counts.anonymous_checks == int(checks["customer_id"].isna().sum())  # the buckets hold none
    assert whole.summary.index.is_monotonic_increasing and whole.summary.index.is_unique
    assert len(whole.summary) == whole.counts.customers


def test_the_section_out_of_core_equals_the_section_in_memory(client):
    checks, in_memory, bucketed = client
    joined = checks.loc[checks["loyalty_card"] & checks["customer_id"].notna(), "customer_id"].unique()
    customers = pd.DataFrame({"customer_id": pd.array(sorted(joined)[::2], dtype="string"),
                              "joined_program_at": pd.Timestamp("2023-09-01")})
    for period, people in ((PERIOD, customers), (None, None)):  # one pass; two passes, card members
        settings = clv.Settings(min_repeat_buyers=10)
        ours = clv.analyse(clv.Inputs(checks, people, settings, period, source=in_memory))
        theirs = clv.analyse(clv.Inputs(pd.DataFrame(), people, settings, period, source=bucketed))
        assert json.dumps(ours.headline) == json.dumps(theirs.headline)  # bit for bit
        assert ours.headline["mean_clv"] is not None
        for name in ours.steps:
            mine, other = ours.steps[name].tables(), theirs.steps[name].tables()
            assert mine.keys() == other.keys()
            for table in mine:
                pd.testing.assert_frame_equal(mine[table], other[table], check_exact=True)
        pd.testing.assert_frame_equal(ours.steps["tracking"]["table"], theirs.steps["tracking"]["table"],
                                      check_exact=True)
        assert ours.steps["members"]["table"] is not None
        # the steps on the checks alone (no source given) are the in-memory section itself
        alone = clv.analyse(clv.Inputs(checks, people, settings, period))
        assert json.dumps(alone.headline) == json.dumps(ours.headline)

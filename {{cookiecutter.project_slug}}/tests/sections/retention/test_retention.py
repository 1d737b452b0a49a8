"""Retention (30): cohorts, CRR, churn, reactivation and before/after joining on examples small enough to
check by hand; the pipeline's numbers against the generator's truth."""

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.checks import identified_checks
from {{ cookiecutter.package_name }}.core.membership import is_member_on
from {{ cookiecutter.package_name }}.sections.retention import (
    before_after_headline,
    before_after_joining,
    before_after_summary,
    cohort_matrices,
    crr,
    customer_groups,
    headline_window,
    monthly_headline,
    monthly_retention,
    pooled_monthly_rates,
    retention_headline,
)
from {{ cookiecutter.package_name }}.sections.retention.activity import activity_grid

from .context_double import checks, joins

D = pd.Timestamp


def test_crr_formula_seed_example():
    # 1000 at the start, 150 acquired, 200 left: E = 1000 - 200 + 150 = 950
    assert crr(end_customers=950, new_customers=150, start_customers=1000) == pytest.approx(0.8)
    assert crr(10, 0, 0) is None


def test_crr_seed_example_from_transactions():
    # churn_days = 30; March 2024: start boundary 2024-02-29, end boundary 2024-03-31.
    rows = []
    for i in range(800):                     # retained: active on Feb 29 and on Mar 31
        rows += [(f"r{i}", "2024-02-20", 10), (f"r{i}", "2024-03-25", 10)]
    rows += [(f"l{i}", "2024-02-20", 10) for i in range(200)]   # left: 40 days without a purchase
    rows += [(f"n{i}", "2024-03-15", 10) for i in range(150)]   # new in March
    rows += [(None, "2024-03-10", 10)]                           # anonymous: ignored
    table = monthly_retention(checks(rows), None, 30, start=D("2024-01-01"), end=D("2024-03-31"))
    march = table[(table["month"] == "2024-03") & (table["group"] == "all")].iloc[0]
    assert march["start_customers"] == 1000 and march["new_customers"] == 150
    assert march["end_customers"] == 950 and march["churned"] == 200
    assert march["crr"] == pytest.approx(0.8) and march["churn_rate"] == pytest.approx(0.2)
    assert crr(march["end_customers"], march["new_customers"], march["start_customers"]) == march["crr"]
    assert set(table["group"]) == {"all"}


def churn_example() -> pd.DataFrame:
    return checks([
        ("A", "2024-01-25", 10), ("A", "2024-02-05", 10),
        ("B", "2024-01-05", 10), ("B", "2024-02-20", 10),
        ("C", "2024-01-28", 10), ("C", "2024-02-27", 10),
        ("D", "2024-02-25", 10), ("D", "2024-03-25", 10),
        ("E", "2024-03-05", -10),           # a return is not a purchase: E never becomes a customer
    ])


CHURN_MEMBERS = [("A", "2024-01-01"), ("C", "2024-02-15"), ("D", None)]


def test_activity_grid():
    grid = activity_grid(churn_example(), [D("2024-01-31"), D("2024-02-29"), D("2024-03-31")], 10)
    assert list(grid.customer_ids) == ["A", "B", "C", "D"]
    assert grid.active.tolist() == [[True, False, False], [False, True, False],
                                    [True, True, False], [False, True, True]]
    assert grid.churned(0).tolist() == [False, True, False, False]
    assert grid.bought_between(0, 1).tolist() == [True, True, True, True]
    assert grid.bought_between(1, 2).tolist() == [False, False, False, True]


def test_churn_and_reactivation_monthly():
    # churn_days = 10, period 2024-01-01 .. 2024-03-31: after the warm-up, February and March remain.
    table = monthly_retention(churn_example(), joins(CHURN_MEMBERS), 10,
                              start=D("2024-01-01"), end=D("2024-03-31"))
    rows = table.set_index(["month", "group"])
    assert list(table["month"].unique()) == ["2024-02", "2024-03"]
    feb = rows.loc[("2024-02", "all")]
    # Jan 31: A, C active; B churned (26 days). Feb 29: B (9 days), C, D active; A churned (24 days).
    assert feb[["start_customers", "end_customers", "retained", "new_customers", "churned"]].tolist() \
        == [2, 3, 1, 2, 1]
    assert feb["crr"] == 0.5 and feb["churn_rate"] == 0.5
    assert feb[["churned_at_start", "reactivated", "reactivation_rate"]].tolist() == [1, 1, 1.0]
    mar = rows.loc[("2024-03", "all")]
    # Feb 29: B, C, D active, A churned. Mar 31: only D active; nobody came back.
    assert mar[["start_customers", "end_customers", "retained", "new_customers"]].tolist() == [3, 1, 1, 0]
    assert mar["crr"] == pytest.approx(1 / 3) and mar["churn_rate"] == pytest.approx(2 / 3)
    assert mar[["churned_at_start", "reactivated", "reactivation_rate"]].tolist() == [1, 0, 0.0]
    # groups by status at the start boundary: A member since Jan 1, C since Feb 15
    assert rows.loc[("2024-02", "members"), ["start_customers", "crr"]].tolist() == [1, 0.0]
    assert rows.loc[("2024-02", "non_members"), ["start_customers", "crr"]].tolist() == [1, 1.0]
    assert rows.loc[("2024-02", "non_members"), "reactivation_rate"] == 1.0
    assert pd.isna(rows.loc[("2024-02", "members"), "reactivation_rate"])
    assert rows.loc[("2024-03", "members"), ["start_customers", "crr", "churned_at_start"]].tolist() \
        == [1, 0.0, 1]
    assert rows.loc[("2024-03", "non_members"), ["start_customers", "crr"]].tolist() == [2, 0.5]


def test_pooled_monthly_rates():
    table = monthly_retention(churn_example(), joins(CHURN_MEMBERS), 10,
                              start=D("2024-01-01"), end=D("2024-03-31"))
    pooled = pooled_monthly_rates(table).set_index("group")
    # all: S = 2 + 3, retained 1 + 1, churned-at-start 1 + 1, reactivated 1 + 0
    assert pooled.loc["all", ["months", "start_customers", "churned"]].tolist() == [2, 5, 3]
    assert pooled.loc["all", "crr"] == pytest.approx(2 / 5)
    assert pooled.loc["all", "churn_rate"] == pytest.approx(3 / 5)
    assert pooled.loc["all", "reactivation_rate"] == pytest.approx(1 / 2)
    assert pooled.loc["members", "churn_rate"] == 1.0
    last = pooled_monthly_rates(table, last_months=1).set_index("group")
    assert last.loc["all", "crr"] == pytest.approx(1 / 3)
    assert pooled_monthly_rates(table.iloc[0:0]).empty
    kpis = monthly_headline(pooled_monthly_rates(table))
    assert kpis["months"] == 2 and kpis["members"]["churn_rate"] == 1.0
    assert monthly_headline(pooled_monthly_rates(table.iloc[0:0]))["all"]["crr"] is None


def test_headline_window():
    assert headline_window(D("2023-01-01"), D("2024-12-31"), 180) == (D("2023-12-31"), D("2024-12-31"))
    # short data: the window starts after the warm-up and ends with the last full month
    assert headline_window(D("2024-01-01"), D("2024-12-15"), 30) == (D("2024-01-31"), D("2024-11-30"))
    assert headline_window(D("2024-01-01"), D("2024-03-31"), 90) is None


def test_retention_headline():
    result = retention_headline(churn_example(), joins(CHURN_MEMBERS), 10,
                                start=D("2024-01-01"), end=D("2024-03-31"))
    # window Feb 1 .. Mar 31: S = {A, C} on Jan 31, E = {D} on Mar 31, nobody of S retained;
    # B was churned on Jan 31 and bought in February.
    assert result["window"] == {"start": "2024-02-01", "end": "2024-03-31", "months": 2}
    assert (result["start_customers"], result["new_customers"], result["end_customers"]) == (2, 1, 1)
    assert result["crr"] == 0.0 and result["churn_rate"] == 1.0 and result["reactivation_rate"] == 1.0
    assert result["members"]["crr"] == 0.0 and result["members"]["reactivation_rate"] is None
    assert result["non_members"]["reactivation_rate"] == 1.0
    short = retention_headline(churn_example(), None, 90, start=D("2024-01-01"), end=D("2024-03-31"))
    assert short["crr"] is None and short["window"]["start"] is None


def cohort_example() -> pd.DataFrame:
    return checks([
        ("X", "2024-01-10", 100), ("X", "2024-02-05", 50), ("X", "2024-03-08", -20),
        ("Y", "2024-01-20", 200), ("Y", "2024-03-03", 100),
        ("Z", "2024-02-14", 80), ("Z", "2024-02-20", 20), ("Z", "2024-03-01", 40),
        (None, "2024-01-15", 500),
    ])


def test_cohort_retention_matrices():
    result = cohort_matrices(cohort_example(), end=D("2024-03-31"))
    assert result.sizes.to_dict() == {"2024-01": 2, "2024-02": 1}
    customers = result.customers
    assert list(customers.columns) == ["0", "1", "2"]
    assert customers.loc["2024-01"].tolist() == [1.0, 0.5, 0.5]     # X in Feb, Y in Mar (X only returned)
    assert customers.loc["2024-02", ["0", "1"]].tolist() == [1.0, 1.0]
    assert np.isnan(customers.loc["2024-02", "2"])                    # not observed yet
    revenue = result.revenue
    assert revenue.loc["2024-01"].tolist() == pytest.approx([1.0, 50 / 300, 80 / 300])
    assert revenue.loc["2024-02", "1"] == pytest.approx(0.4)
    assert result.average_retention(1) == pytest.approx((0.5 * 2 + 1.0 * 1) / 3)
    assert result.average_retention(2) == 0.5 and result.average_retention(3) is None


def test_cohort_matrices_drop_the_partial_month_and_filter_customers():
    partial = cohort_matrices(cohort_example(), end=D("2024-03-15"))
    assert list(partial.customers.columns) == ["0", "1"]
    assert partial.customers.loc["2024-01", "1"] == 0.5 and np.isnan(partial.customers.loc["2024-02", "1"])
    flat = partial.table("revenue")
    assert list(flat.columns) == ["cohort", "customers", "0", "1"] and flat["customers"].tolist() == [2, 1]
    only_z = cohort_matrices(cohort_example(), customer_ids=pd.Index(["Z"]), end=D("2024-03-31"))
    assert only_z.sizes.to_dict() == {"2024-02": 1}
    assert cohort_matrices(cohort_example(), customer_ids=pd.Index(["nobody"])).customers.empty


def before_after_example() -> tuple[pd.DataFrame, pd.Series]:
    tx = checks([
        ("P", "2024-01-05", 30), ("P", "2024-01-25", 100), ("P", "2024-02-01", 70),   # Feb 1: join day
        ("P", "2024-02-03", 150), ("P", "2024-02-05", -50), ("P", "2024-02-08", 60),
        ("P", "2024-02-20", 999),                                                       # after the window
        ("Q", "2024-01-03", 20), ("Q", "2024-02-12", 40),
        ("R", "2024-01-28", 50), ("R", "2024-02-05", 50),   # first purchase inside the before window
        ("S", "2024-01-02", 10), ("S", "2024-01-08", 10),   # joined too early for a full before window
        ("T", "2024-01-02", 10), ("T", "2024-03-20", 10),   # joined too late for a full after window
        ("U", "2024-01-02", 10), ("U", "2024-02-03", 10),   # not a member
        ("V", "2024-03-31", 10),
    ])
    customers = joins([("P", "2024-02-01"), ("Q", "2024-02-10"), ("R", "2024-02-01"),
                       ("S", "2024-01-05"), ("T", "2024-03-28"), ("U", None)])
    return tx, customers


def test_before_after_joining():
    tx, customers = before_after_example()
    per_customer = before_after_joining(tx, customers, 10, start=D("2024-01-01"), end=D("2024-03-31"))
    assert per_customer["customer_id"].tolist() == ["P", "Q"]
    p, q = per_customer.set_index("customer_id").loc[["P", "Q"]].to_dict("records")
    # P: before Jan 22..31 = 100 (1 purchase); after Feb 2..11 = 150 - 50 + 60 = 160 (2 purchases)
    assert (p["spend_before"], p["spend_after"], p["checks_before"], p["checks_after"]) == (100, 160, 1, 2)
    # Q: before Jan 31..Feb 9 nothing; after Feb 11..20 = 40
    assert (q["spend_before"], q["spend_after"], q["checks_before"], q["checks_after"]) == (0, 40, 0, 1)

    summary = before_after_summary(per_customer).set_index("metric")
    spend = summary.loc["spend per customer"]
    assert spend[["customers", "before", "after", "change", "relative_change"]].tolist() == [
        2, 50, 100, 50, 1.0]
    # paired differences 60 and 40: sd = 14.142, se = 10
    assert (spend["ci_low"], spend["ci_high"]) == pytest.approx((50 - 19.6, 50 + 19.6))
    assert summary.loc["purchases per customer", "relative_change"] == 2.0
    assert before_after_headline(before_after_summary(per_customer), 10) == {
        "customers": 2, "window_days": 10, "spend_change": 1.0, "frequency_change": 2.0}


def test_before_after_without_members():
    tx, _ = before_after_example()
    empty = before_after_joining(tx, None, 10)
    assert empty.empty
    headline = before_after_headline(before_after_summary(empty), 10)
    assert headline["customers"] == 0 and headline["spend_change"] is None
    assert before_after_headline(None, 10)["customers"] is None


def test_customer_groups():
    tx, customers = before_after_example()
    groups = customer_groups(tx, customers, D("2024-02-01"))
    assert sorted(groups["members"]) == ["P", "R", "S"]
    assert sorted(groups["non_members"]) == ["Q", "T", "U", "V"]
    assert customer_groups(tx, None, D("2024-02-01")) == {"all": None}


def test_membership_on_a_day():
    customers = joins([("a", "2024-01-10 15:00"), ("b", None), ("a", "2024-03-01")])
    ids = pd.Index(["a", "b", "c"], dtype="string")
    assert is_member_on(ids, customers, D("2024-01-10")).tolist() == [True, False, False]
    assert is_member_on(ids, customers, D("2024-01-09")).tolist() == [False, False, False]


def test_no_identified_purchases():
    tx = checks([(None, "2024-01-01", 10.0)])
    assert monthly_retention(tx, None, 30).empty
    assert retention_headline(tx.drop(columns="customer_id"), None, 30)["crr"] is None
    assert cohort_matrices(tx).sizes.empty


def test_every_step_takes_the_identified_checks_in_place_of_the_transactions():
    """The notebook converts the checks once (identified_checks) and hands that frame to every step:
    the same results as from the transactions themselves."""
    tx, customers = before_after_example()
    tx = pd.concat([tx, cohort_example(), churn_example()], ignore_index=True)
    known = identified_checks(tx)
    start, end = D("2024-01-01"), D("2024-03-31")
    for frame in (tx, known):
        groups = customer_groups(frame, customers, end)
        assert {k: sorted(v) for k, v in groups.items()} == {
            "members": ["P", "Q", "R", "S", "T"],
            "non_members": ["A", "B", "C", "D", "E", "U", "V", "X", "Y", "Z"]}
    for group in ("members", "non_members"):
        ids = customer_groups(tx, customers, end)[group]
        a, b = cohort_matrices(tx, ids, end), cohort_matrices(known, ids, end)
        pd.testing.assert_frame_equal(a.customers, b.customers)
        pd.testing.assert_frame_equal(a.revenue, b.revenue)
        pd.testing.assert_series_equal(a.sizes, b.sizes)
    pd.testing.assert_frame_equal(monthly_retention(tx, customers, 10, start, end),
                                  monthly_retention(known, customers, 10, start, end))
    assert retention_headline(tx, customers, 10, start, end) == retention_headline(known, customers, 10,
                                                                                   start, end)
    pd.testing.assert_frame_equal(before_after_joining(tx, customers, 10, start, end),
                                  before_after_joining(known, customers, 10, start, end))


# --- end to end ------------------------------------------------------------------------------------


def test_retention_and_churn_match_the_truth(demo_run):
    """The pipeline's retention numbers equal the generator's own customer-by-customer count."""
    _, kpis, truth = demo_run
    recorded, planted = kpis["retention"], truth["realised"]["retention"]
    assert recorded["churn_days"] == planted["churn_days"] == 180
    assert recorded["window"]["start"] == planted["window"]["start"]
    assert recorded["window"]["end"] == planted["window"]["end"]
    for key in ("start_customers", "new_customers", "end_customers"):
        assert recorded[key] == planted[key], key
    for key in ("crr", "churn_rate", "reactivation_rate"):
        assert recorded[key] == pytest.approx(planted[key], abs=1e-12), key
    assert recorded["crr"] + recorded["churn_rate"] == pytest.approx(1.0)
    for group in ("all", "members", "non_members"):
        for key in ("crr", "churn_rate", "reactivation_rate"):
            assert recorded["monthly"][group][key] == pytest.approx(planted["monthly"][group][key],
                                                                    abs=1e-12), (group, key)
    # the planted program keeps members: their monthly churn is below non-members'
    assert recorded["monthly"]["members"]["churn_rate"] < recorded["monthly"]["non_members"]["churn_rate"]

"""Uplift and ROI (sections.uplift): hand-checkable formulas, then recovery of the effects planted by the
sample generator."""

import math
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from {{ cookiecutter.package_name }} import synthetic
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.sections.uplift import (
    campaigns,
    economics,
    matching,
    member_effect,
    regions,
    section,
)
from {{ cookiecutter.package_name }}.sections.uplift.matching import MatchDesign
from {{ cookiecutter.package_name }}.sections.uplift.settings import Program, Settings

T = pd.Timestamp
PROJECT = Path(__file__).resolve().parents[3]


def ids(*values):
    return pd.array(list(values), dtype="str")


# ------------------------------------------------------------------------------ hand-checkable


def test_naive_uplift_seed_example():
    # the seeds' worked example: ARPU 23,000 for members vs 15,000 for non-members -> +53.3%
    assert member_effect.naive_uplift(23_000, 15_000) == pytest.approx(8_000 / 15_000)
    assert round(member_effect.naive_uplift(23_000, 15_000), 4) == 0.5333
    assert member_effect.naive_uplift(100, 0) is None


def test_naive_uplift_from_data():
    transactions = pd.DataFrame({
        "date": [T("2023-12-01"), T("2024-01-05"), T("2024-02-01"), T("2024-01-10"), T("2024-03-01"),
                 T("2024-01-20")],
        "amount": [999.0, 100.0, 200.0, 50.0, 150.0, 10.0],
        "customer_id": ids("a", "a", "a", "b", "c", pd.NA),
    })
    customers = pd.DataFrame({"customer_id": ids("a", "b", "c"),
                              "joined_program_at": [T("2024-01-03"), pd.NaT, pd.NaT]})
    out = member_effect.naive_uplift_from_data(transactions, customers, since=T("2024-01-01"))
    # members: a = 300; non-members: b = 50, c = 150 -> ARPU 100; uplift 300 / 100 - 1 = 2
    assert out["arpu_members"] == 300 and out["arpu_non_members"] == 100
    assert out["naive_uplift"] == pytest.approx(2.0)
    assert member_effect.naive_uplift_from_data(transactions, None)["naive_uplift"] is None


def test_matching_sample_features_by_hand():
    # window 10 days, confirm 2 days; member m joins on 20 Jan; control c never joins
    d = T("2024-01-20")
    transactions = pd.DataFrame({
        "date": [d - pd.Timedelta(days=k) for k in (15, 8, 3)] + [d, d + pd.Timedelta(days=5)]
        + [d - pd.Timedelta(days=4), d + pd.Timedelta(days=1), d + pd.Timedelta(days=2)],
        "amount": [40.0, 100.0, 300.0, 70.0, 500.0, 60.0, 20.0, 80.0],
        "customer_id": ids("m", "m", "m", "m", "m", "c", "c", "c"),
    })
    customers = pd.DataFrame({"customer_id": ids("m", "c"),
                              "registered_at": [T("2023-12-01"), T("2024-01-02")],
                              "joined_program_at": [d, pd.NaT]})
    sample_rows = matching.build_matching_sample(transactions, customers, (T("2023-12-01"), T("2024-03-01")),
                                                 MatchDesign(window_days=10, confirm_days=2))
    m = sample_rows[sample_rows["treated"]].iloc[0]
    c = sample_rows[~sample_rows["treated"]].iloc[0]
    # pre window [10 Jan, 20 Jan): days -8 and -3; post [22 Jan, 1 Feb): day +5
    assert (m["purchases"], m["avg_check"], m["recency_days"]) == (2, 200.0, 3)
    assert (m["tenure_days"], m["history_checks"], m["pre_spend"], m["post_spend"]) == (50, 3, 400, 500)
    assert c["ref_day"] == d and (c["purchases"], c["recency_days"], c["tenure_days"]) == (1, 4, 18)
    assert (c["pre_spend"], c["post_spend"]) == (60, 80)  # day +1 is the confirmation window
    # no check in [J, J + 2) for the member: it is left out (not shown to be a customer at J)
    later = transactions[transactions["date"] != d]
    assert matching.build_matching_sample(later, customers, (T("2023-12-01"), T("2024-03-01")),
                                          MatchDesign(window_days=10, confirm_days=2)) is None


def test_customers_who_join_later_are_controls_until_they_join():
    """The control pool at a member's join day J is everyone not yet a member on J. A customer who joins
    later is a control with its spend as a member (from its own join day) kept apart; one who joined
    before J is not a control. Keeping never-joiners only would select on the future."""
    d = T("2024-01-20")
    day = lambda k: d + pd.Timedelta(days=k)  # noqa: E731
    rows = [("m", day(-3), 100.0), ("m", day(0), 50.0), ("m", day(5), 80.0),
            ("late", day(-4), 60.0), ("late", day(1), 20.0), ("late", day(4), 30.0), ("late", day(9), 70.0),
            ("early", day(-4), 60.0), ("early", day(1), 20.0), ("early", day(5), 40.0)]
    transactions = pd.DataFrame({"customer_id": ids(*[r[0] for r in rows]), "date": [r[1] for r in rows],
                                 "amount": [r[2] for r in rows]})
    customers = pd.DataFrame({"customer_id": ids("m", "late", "early"),
                              "registered_at": [T("2023-12-01")] * 3,
                              "joined_program_at": [d, day(7), day(-1)]})
    sample_rows = matching.build_matching_sample(transactions, customers, (T("2023-12-01"), T("2024-03-01")),
                                                 MatchDesign(window_days=10, confirm_days=2))
    at_j = sample_rows[sample_rows["ref_day"] == d]
    controls = at_j[~at_j["treated"]]
    assert controls["customer_id"].tolist() == ["late"]  # "early" was a member on J
    late = controls.iloc[0]
    # at the other members' join days the same rule holds: m is a control on early's day (before m joined)
    on_early_day = sample_rows[sample_rows["ref_day"] == day(-1)]
    assert "m" in on_early_day.loc[~on_early_day["treated"], "customer_id"].tolist()
    # post window [22 Jan, 1 Feb): days +4 (30, before joining on +7) and +9 (70, as a member)
    assert (late["post_spend"], late["post_spend_as_member"]) == (100.0, 70.0)
    member = at_j[at_j["treated"]].iloc[0]
    assert (member["post_spend"], member["post_spend_as_member"]) == (80.0, 80.0)


def test_control_pool_is_capped_by_a_seeded_random_subset():
    """max_controls: with more never-members than the cap, a reproducible random subset is the pool."""
    d = T("2024-01-20")
    controls = [f"c{k}" for k in range(12)]
    rows = [("m", d - pd.Timedelta(days=3), 100.0), ("m", d, 50.0), ("m", d + pd.Timedelta(days=5), 80.0)]
    for name in controls:
        rows += [(name, d - pd.Timedelta(days=4), 60.0), (name, d + pd.Timedelta(days=1), 20.0)]
    transactions = pd.DataFrame({"customer_id": ids(*[r[0] for r in rows]), "date": [r[1] for r in rows],
                                 "amount": [r[2] for r in rows]})
    customers = pd.DataFrame({"customer_id": ids("m", *controls),
                              "registered_at": [T("2023-12-01")] * 13,
                              "joined_program_at": [d] + [pd.NaT] * 12})
    period = (T("2023-12-01"), T("2024-03-01"))

    def pool(**cap):
        sample_rows = matching.build_matching_sample(transactions, customers, period,
                                                     MatchDesign(window_days=10, confirm_days=2, **cap))
        return sorted(sample_rows.loc[~sample_rows["treated"], "customer_id"])

    assert pool() == sorted(controls)
    capped = pool(max_controls=5, seed=1)
    assert len(capped) == 5 and set(capped) <= set(controls)
    assert pool(max_controls=5, seed=1) == capped and pool(max_controls=5, seed=2) != capped
    assert pool(max_controls=50) == sorted(controls)


def test_members_are_capped_by_a_seeded_random_subset_and_the_pool_kept():
    """max_members: with more eligible members than the cap, a reproducible random subset of them is
    matched, against the same control pool (chosen from every eligible member's join days)."""
    d = T("2024-01-20")
    members = [f"m{k}" for k in range(10)]
    controls = [f"c{k}" for k in range(6)]
    rows = []
    for k, name in enumerate(members):  # each member joins on a day of their own
        joined = d + pd.Timedelta(days=k)
        rows += [(name, joined - pd.Timedelta(days=3), 100.0), (name, joined, 50.0)]
    for name in controls:
        rows += [(name, d - pd.Timedelta(days=4), 60.0)] + [(name, d + pd.Timedelta(days=k), 20.0)
                                                           for k in range(10)]
    transactions = pd.DataFrame({"customer_id": ids(*[r[0] for r in rows]), "date": [r[1] for r in rows],
                                 "amount": [r[2] for r in rows]})
    customers = pd.DataFrame({"customer_id": ids(*members, *controls),
                              "registered_at": [T("2023-12-01")] * 16,
                              "joined_program_at": [d + pd.Timedelta(days=k) for k in range(10)]
                              + [pd.NaT] * 6})
    period = (T("2023-12-01"), T("2024-03-01"))

    def sample(**cap):
        return matching.build_matching_sample(transactions, customers, period,
                                              MatchDesign(window_days=10, confirm_days=2, **cap))

    whole = sample()
    assert sorted(whole.loc[whole["treated"], "customer_id"]) == sorted(members)
    capped = sample(max_members=4, seed=1)
    treated = sorted(capped.loc[capped["treated"], "customer_id"])
    assert len(treated) == 4 and set(treated) <= set(members)
    assert sorted(sample(max_members=4, seed=1).loc[lambda f: f["treated"], "customer_id"]) == treated
    assert sorted(sample(max_members=4, seed=2).loc[lambda f: f["treated"], "customer_id"]) != treated
    # the pool (never-members and later joiners) is the same; it is compared at the kept join days only
    untreated = set(capped.loc[~capped["treated"], "customer_id"])
    assert set(controls) <= untreated <= set(controls) | set(members)
    kept_days = set(capped.loc[capped["treated"], "ref_day"])
    assert set(capped.loc[~capped["treated"], "ref_day"]) <= kept_days
    pd.testing.assert_frame_equal(sample(max_members=10), whole)
    assert capped.attrs["eligible_members"] == whole.attrs["eligible_members"] == 10
    # the analysis says how many were eligible and how many were kept (the step's sentence reads it)
    settings = Settings(window_days=10, confirm_days=2, exact_match=None, max_members=4, bootstrap_samples=20)
    analysis = member_effect.member_effect_analysis(transactions, customers, period, settings)
    assert (analysis["matched"]["eligible_members"], analysis["matched"]["members_subset"]) == (10, 4)
    uncapped = member_effect.member_effect_analysis(transactions, customers, period,
                                                    replace(settings, max_members=None))
    assert uncapped["matched"]["members_subset"] is None


def test_pair_effects_by_hand():
    frame = pd.DataFrame({"pre_spend": [100.0, 300.0, 100.0, 100.0],
                          "post_spend": [150.0, 330.0, 100.0, 120.0],
                          "treated": [True, True, False, False]})
    pairs = pd.DataFrame({"treated_row": [0, 1], "control_row": [2, 3], "distance": [0.0, 0.0]})
    matched = member_effect.pair_effect(frame, pairs, "matched", bootstrap_samples=50)
    # post: members 240, controls 110 -> 240 / 110 - 1
    assert matched["estimate"] == pytest.approx(240 / 110 - 1)
    did = member_effect.pair_effect(frame, pairs, "did", bootstrap_samples=50)
    # counterfactual = members' pre 200 * controls' growth 110 / 100 = 220 -> 240 / 220 - 1
    assert did["estimate"] == pytest.approx(240 / 220 - 1)
    assert did["incremental_spend_per_member"] == pytest.approx(20.0)
    assert did["ci_low"] <= did["ci_high"]
    assert member_effect.pair_effect(frame, pairs.iloc[:1], "did")["estimate"] is None


def test_pair_effects_count_a_later_joiners_member_spend_without_the_effect():
    # control 3 joined during its post window: 60 of its 120 were bought as a member
    frame = pd.DataFrame({"pre_spend": [100.0, 300.0, 100.0, 100.0],
                          "post_spend": [150.0, 330.0, 100.0, 120.0],
                          "post_spend_as_member": [150.0, 330.0, 0.0, 60.0],
                          "treated": [True, True, False, False]})
    pairs = pd.DataFrame({"treated_row": [0, 1], "control_row": [2, 3], "distance": [0.0, 0.0]})
    # matched: members 240 = x * (controls before joining 80 + as members 30 / x) -> x = (240 - 30) / 80
    matched = member_effect.pair_effect(frame, pairs, "matched", bootstrap_samples=50)
    assert matched["estimate"] == pytest.approx((240 - 30) / 80 - 1)
    x = 1 + matched["estimate"]
    assert matched["post_controls"] == pytest.approx(80 + 30 / x)  # the counterfactual
    assert 240 / matched["post_controls"] - 1 == pytest.approx(matched["estimate"])
    assert matched["controls_joined"] == 1
    # did: 240 = x * 200 * (80 + 30 / x) / 100 -> x = (240 * 100 / 200 - 30) / 80
    did = member_effect.pair_effect(frame, pairs, "did", bootstrap_samples=50)
    assert did["estimate"] == pytest.approx((240 * 100 / 200 - 30) / 80 - 1)


def test_matching_balance_and_support():
    rows = pd.DataFrame({
        "ref_day": [T("2024-01-01")] * 5,
        "treated": [True, True, False, False, False],
        "purchases": [5.0, 50.0, 5.0, 1.0, 2.0], "avg_check": [100.0, 100.0, 100.0, 90.0, 110.0],
        "recency_days": [10.0, 10.0, 10.0, 30.0, 20.0], "tenure_days": [300.0, 300.0, 300.0, 200.0, 250.0],
        "history_checks": [8.0, 80.0, 8.0, 2.0, 3.0], "pre_spend": [500.0, 5000.0, 500.0, 90.0, 220.0],
        "post_spend": [0.0] * 5,
    })
    pairs = matching.match_nearest(rows, caliper=0.5)
    assert pairs["treated_row"].tolist() == [0] and pairs["control_row"].tolist() == [2]
    support = matching.common_support(rows, pairs)
    assert support == {"members_eligible": 2, "members_matched": 1, "members_off_support": 1,
                       "candidate_controls": 3, "controls_used": 1}
    balance = matching.balance_table(rows, pairs).set_index("feature")
    assert (balance["smd_after"].abs() < 1e-12).all()
    assert balance.loc[matching.FEATURE_LABELS["purchases"], "smd_before"] > 0.5


def test_exact_match_columns_and_strata():
    customers = pd.DataFrame({"customer_id": ids("m", "a", "b"),
                              "joined_program_at": [T("2024-01-01"), pd.NaT, pd.NaT],
                              "tier": ["high", "high", "low"], "program_tier": ["gold", None, None]})
    used, notes = matching.exact_match_columns(customers, ["tier", "program_tier", "segment"])
    assert used == ["tier"]
    assert notes[0].render().startswith("program_tier: known for 100% of members and 0% of non-members")
    assert notes[1].render() == "segment: not in the customers table"
    # member 0 is closest to control 2 on features but may only take control 1 (same stratum)
    rows = pd.DataFrame({"ref_day": [T("2024-01-01")] * 3, "treated": [True, False, False],
                         "stratum": ["high", "high", "low"],
                         "purchases": [5.0, 4.0, 5.0], "avg_check": [100.0, 100.0, 100.0],
                         "recency_days": [10.0] * 3, "tenure_days": [300.0] * 3,
                         "history_checks": [8.0] * 3})
    pairs = matching.match_nearest(rows, caliper=10.0)
    assert pairs["control_row"].tolist() == [1]
    assert matching.match_nearest(rows.drop(columns="stratum"), caliper=10.0)["control_row"].tolist() == [2]


def test_nearest_matching_equals_a_brute_force_search_group_by_group():
    """Many groups, many controls with equal features (small whole numbers), labels not in order:
    every member with a control in its group gets a control at the smallest distance in its group
    (searched pair by pair here), the first in sample order of those at that distance, in group then
    sample order; the caliper leaves out exactly the members whose smallest distance exceeds it."""
    rng = np.random.default_rng(3)
    n = 3000
    rows = pd.DataFrame({"ref_day": T("2024-01-01") + pd.to_timedelta(rng.integers(0, 12, n), "D"),
                         "stratum": rng.choice(["a", "b", "c"], n), "treated": rng.random(n) < 0.2,
                         **{f: rng.integers(0, 3, n).astype(float) for f in matching.FEATURES}},
                        index=rng.permutation(np.arange(10 * n, 11 * n)))
    rows.loc[rows["ref_day"] == T("2024-01-12"), "treated"] = True  # a day without controls
    z = matching._standardised(rows)
    group = rows.groupby(["ref_day", "stratum"], sort=True).ngroup().to_numpy()
    treated = rows["treated"].to_numpy()
    expected = []
    for g in np.unique(group):
        controls = np.flatnonzero((group == g) & ~treated)
        for member in np.flatnonzero((group == g) & treated):
            if controls.size:
                distance = np.sqrt(((z[controls] - z[member]) ** 2).sum(axis=1))
                expected.append((member, controls[np.argmin(distance)], distance.min()))
    for caliper in (10.0, 0.3):
        pairs = matching.match_nearest(rows, caliper)
        kept = [pair for pair in expected if pair[2] <= caliper]
        assert 0 < len(kept) < len(rows) and (caliper > 1 or len(kept) < len(expected))
        assert pairs["treated_row"].tolist() == [rows.index[m] for m, _, _ in kept]
        assert pairs["control_row"].tolist() == [rows.index[c] for _, c, _ in kept]
        np.testing.assert_allclose(pairs["distance"], [d for _, _, d in kept], rtol=0, atol=1e-12)
        position = rows.index.get_indexer(pairs["control_row"])
        assert not treated[position].any()
        assert (group[position] == group[rows.index.get_indexer(pairs["treated_row"])]).all()
    equal = [((z == z[c]).all(axis=1) & ~treated & (group == group[m])).sum() for m, c, _ in expected]
    assert sum(count > 1 for count in equal) > 50  # the rule for equal controls is exercised


def test_propensity_matching_takes_the_nearest_score():
    rng = np.random.default_rng(0)
    n = 200
    rows = pd.DataFrame({"ref_day": [T("2024-01-01")] * n, "treated": rng.random(n) < 0.3,
                         **{f: rng.gamma(2.0, 10.0, n) for f in matching.FEATURES}})
    score = matching.propensity_scores(rows)
    pairs = matching.match_propensity(rows, caliper_sd=0.2)
    controls = np.flatnonzero(~rows["treated"].to_numpy())
    for t, c, d in pairs.itertuples(index=False):
        assert d == pytest.approx(abs(score[t] - score[c]))
        assert d == pytest.approx(np.abs(score[controls] - score[t]).min())  # nearest logit
        assert d <= 0.2 * score.std()


def test_campaign_romi_by_hand():
    table = pd.DataFrame({"campaign_id": ["a", "b", "c"], "treatment": [1000, 500, 10],
                          "incremental_revenue": [40_000.0, 10_000.0, 100.0]})
    out = campaigns.campaign_romi(table, gross_margin=0.25, campaign_costs={"a": 5_000},
                               cost_per_contact=2.0).set_index("campaign_id")
    # a: margin 10,000 vs cost 5,000 -> ROMI 1.0; b: margin 2,500 vs 500 * 2 = 1,000 -> 1.5
    assert out.loc["a", "incremental_margin"] == 10_000 and out.loc["a", "romi"] == pytest.approx(1.0)
    assert out.loc["b", "cost"] == 1_000 and out.loc["b", "romi"] == pytest.approx(1.5)
    assert out.loc["c", "romi"] == pytest.approx((25 - 20) / 20)
    assert campaigns.campaign_romi(table, 0.25)["romi"].isna().all()  # no costs: no ROMI


def test_points_breakage_lag_and_cost_by_hand():
    # 100 points accrued on 1 Jan, 60 redeemed on 11 Jan, 40 expire on 21 Jan
    points = pd.DataFrame({"customer_id": ids("a", "a", "a"),
                           "date": [T("2024-01-01"), T("2024-01-11"), T("2024-01-21")],
                           "kind": ["accrual", "redemption", "expiry"], "points": [100.0, 60.0, 40.0]})
    out = economics.points_breakage_and_lag(points)
    # balance 100 for 10 days, 40 for 10 days, then 0: 1,400 point-days / 100 points out = 14 days
    assert out["breakage_rate"] == pytest.approx(0.4) and out["redemption_lag_days"] == pytest.approx(14)
    assert economics.points_breakage_and_lag(None)["breakage_rate"] is None
    # seeds: up to 30% of points are never spent; a year's wait at 10% a year -> 0.7 / 1.1
    assert economics.points_cost_ratio(0.3, 365, 0.1) == pytest.approx(0.7 / 1.1)
    assert economics.points_cost_ratio(0.0, 100, 0.0) == 1.0
    table = economics.discount_vs_points_table(100_000, [0.05, 0.10], 0.3, 0.0)
    assert table["discount_cost"].tolist() == [5_000, 10_000]
    assert table["points_cost"].tolist() == pytest.approx([3_500, 7_000])
    assert table["saving"].tolist() == pytest.approx([1_500, 3_000])
    assert table["saving_share"][0] == pytest.approx(0.3)


def test_launch_dates_and_regional_did_by_hand():
    customers = pd.DataFrame({"customer_id": ids("a", "b", "c"), "region": ["A", "A", "B"],
                              "joined_program_at": [T("2024-01-20"), T("2024-01-15"), pd.NaT]})
    assert regions.launch_dates_by_region(customers) == {"A": T("2024-01-15")}
    assert regions.launch_dates_by_region(customers, {"B": "2024-06-01"}) == {"B": T("2024-06-01")}
    # window 14 days around 15 Jan, one check per region and week; B never launches
    launch = T("2024-01-15")
    days = [launch + pd.Timedelta(days=k) for k in (-14, -7, 0, 7)]
    transactions = pd.DataFrame({"date": days * 2, "region": ["A"] * 4 + ["B"] * 4,
                                 "amount": [40.0, 60.0, 60.0, 72.0, 100.0, 100.0, 110.0, 110.0],
                                 "customer_id": pd.array([pd.NA] * 8, dtype="str")})
    period = (T("2023-12-01"), T("2024-02-29"))
    out = regions.regional_did(transactions, customers, {"A": launch}, period,
                               Settings(window_days=14, bootstrap_samples=200))
    # A: pre 100, post 132; B: pre 200, post 220 -> 132 / (100 * 220 / 200) - 1 = 0.2
    assert out["estimate"] == pytest.approx(0.2) and out["reason"] is None
    assert out["ci_low"] <= out["ci_high"]
    assert out["cohorts"].loc[0, "control_regions"] == "B"
    both = regions.regional_did(transactions, customers, {"A": launch, "B": launch}, period,
                                Settings(window_days=14))
    assert both["estimate"] is None and both["reason"].render().startswith("no staggered launch")
    no_region = regions.regional_did(transactions.drop(columns="region"), None, {"A": launch}, period)
    assert no_region["reason"].render() == "no region in the transactions or customers table"


def test_minimum_detectable_effect():
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)  # 1.95996 + 0.84162 = 2.80158
    assert campaigns.minimum_detectable_effect(1.0, 1.0, 100, 100) == pytest.approx(z * math.sqrt(0.02))


def test_campaign_outcomes_and_test():
    transactions = pd.DataFrame({
        "date": [T("2024-03-02"), T("2024-03-20"), T("2024-04-15"), T("2024-03-05"), T("2024-02-28")],
        "amount": [100.0, 50.0, 999.0, 60.0, 500.0],
        "customer_id": ids("t1", "t1", "t1", "c1", "c2"),
    })
    sent = pd.DataFrame({"campaign_id": ["x"] * 4, "customer_id": ids("t1", "t2", "c1", "c2"),
                              "group": ["treatment", "treatment", "control", "control"],
                              "sent_at": [T("2024-03-01")] * 4})
    out = campaigns.campaign_outcomes(transactions, sent, window_days=30).set_index("customer_id")
    # t1: 100 + 50 inside [1 Mar, 31 Mar), 15 Apr outside; c2 bought before sent_at only
    assert out["spend"].to_dict() == {"t1": 150.0, "t2": 0.0, "c1": 60.0, "c2": 0.0}
    assert out["responded"].to_dict() == {"t1": True, "t2": False, "c1": True, "c2": False}

    t = np.array([150.0, 0.0, 90.0, 60.0])
    c = np.array([60.0, 0.0, 30.0, 30.0])
    res = campaigns.campaign_test(t, c, t > 0, c > 0, bootstrap_samples=200)
    assert res["uplift"] == pytest.approx(75 / 30 - 1)
    assert res["p_value"] == pytest.approx(stats.ttest_ind(t, c, equal_var=False).pvalue)
    assert res["response_treatment"] == res["response_control"] == 0.75
    assert res["response_p_value"] == pytest.approx(1.0)
    assert res["ci_low"] <= res["uplift"] <= res["ci_high"]


def test_economics_formulas():
    # 10,000 points at 0.5 + 20,000 a month for 12 months = 5,000 + 240,000
    assert economics.program_cost(10_000, 0.5, 20_000, 12) == 245_000
    # member revenue 1.1m with a +10% effect: counterfactual 1m -> incremental 100k
    assert economics.incremental_revenue(1_100_000, 0.10) == pytest.approx(100_000)
    # margin 35% of 100k = 35k against a cost of 25k -> ROI 0.4
    assert economics.roi(35_000, 25_000) == pytest.approx(0.4)
    assert economics.roi(35_000, 0) is None
    grid = economics.roi_sensitivity(1_100_000, 25_000, [0.25, 0.35], [0.0, 0.10])
    assert grid.loc[0.35, 0.10] == pytest.approx(0.4) and grid.loc[0.25, 0.0] == pytest.approx(-1.0)


def test_economics_from_tables_and_headline_without_inputs():
    transactions = pd.DataFrame({"date": [T("2023-12-20"), T("2024-01-10"), T("2024-01-20")],
                                 "amount": [500.0, 220.0, 80.0], "customer_id": ids("a", "a", "b")})
    customers = pd.DataFrame({"customer_id": ids("a", "b"), "joined_program_at": [T("2024-01-05"), pd.NaT]})
    points = pd.DataFrame({"customer_id": ids("a", "a"), "date": [T("2023-12-20"), T("2024-01-10")],
                           "kind": ["redemption", "redemption"], "points": [7.0, 10.0]})
    program = {"launch_date": "2024-01-01", "point_value": 1.0, "gross_margin": 0.5, "monthly_cost": 0.0}
    period = (T("2023-12-01"), T("2024-01-31"))
    econ = economics.economics(transactions, customers, points, 0.10,
                               Program.from_config({"program": program}), period)
    assert econ["points_redeemed"] == 10 and econ["program_cost"] == 10
    assert econ["member_revenue"] == 220 and econ["incremental_revenue"] == pytest.approx(20)
    assert econ["roi"] == pytest.approx((10 - 10) / 10)

    member = member_effect.member_effect_analysis(transactions, None, period)
    kpis = section.uplift_kpis({"naive_uplift": None}, member, None, None)
    assert kpis["matched"] == {"estimate": None, "ci_low": None, "ci_high": None}
    assert kpis["campaigns"] is None and kpis["roi"] is None


# ------------------------------------------------------------------------ recovery on sample data

TRUE_MEMBER_EFFECT = 0.10
PLANTED_CAMPAIGNS = {"spring_sale": 0.6, "summer_reminder": 0.0, "autumn_bonus": 0.3}


def _sample_tables(root: Path, n_customers: int, seed: int, params: dict) -> tuple[dict, dict, dict]:
    shutil.copytree(PROJECT / "config", root / "config")
    truth = synthetic.generate(root / "data" / "raw" / "demo", n_customers=n_customers, seed=seed,
                            params=params)
    config = load_config(root, "demo")
    prepared = prepare(root, config)
    tables = {name: prepared.table(name) for name in ("transactions", "customers", "points", "campaigns")}
    return tables, truth, {"config": config, "period": prepared.period_timestamps}


@pytest.fixture(scope="module")
def recovered(tmp_path_factory):
    params = {"member_effect": TRUE_MEMBER_EFFECT, "campaign_effects": PLANTED_CAMPAIGNS}
    tables, truth, meta = _sample_tables(tmp_path_factory.mktemp("uplift"), 6000, 2, params)
    tr, cu = tables["transactions"], tables["customers"]
    member = member_effect.member_effect_analysis(
        tr, cu, meta["period"], Settings(window_days=180, confirm_days=30, bootstrap_samples=200))
    naive = member_effect.naive_uplift_from_data(tr, cu, since=T(truth["params"]["launch_date"]))
    camp = campaigns.campaign_table(campaigns.campaign_outcomes(tr, tables["campaigns"], 30),
                                    bootstrap_samples=300)
    return {"truth": truth, "member": member, "naive": naive, "campaigns": camp, "tables": tables, **meta}


def test_naive_uplift_is_far_from_the_truth(recovered):
    naive = recovered["naive"]["naive_uplift"]
    assert naive == pytest.approx(recovered["truth"]["realised"]["naive_member_uplift"])
    assert naive > TRUE_MEMBER_EFFECT + 0.5  # self-selection: heavy buyers join


def test_matched_and_did_intervals_contain_the_planted_effect(recovered):
    # Over generator seeds the DiD is unbiased; the matched estimate keeps a little of the self-selection
    # (about +0.02..0.03 at a true 0.10): its CI covers the truth here but not always.
    naive = recovered["naive"]["naive_uplift"]
    for design in ("matched", "did"):
        effect = recovered["member"][design]["effect"]
        assert effect["pairs"] >= 100, design
        assert effect["ci_low"] < TRUE_MEMBER_EFFECT < effect["ci_high"], (design, effect)
        assert effect["ci_low"] < effect["estimate"] < effect["ci_high"]
        assert abs(effect["estimate"] - TRUE_MEMBER_EFFECT) < abs(naive - TRUE_MEMBER_EFFECT) / 4
        assert recovered["member"][design]["support"]["members_matched"] == effect["pairs"]
        # matching balances the features it matched on
        assert recovered["member"][design]["balance"]["smd_after"].iloc[:5].abs().max() < 0.1
    study = recovered["member"]["event_study"]
    assert study["period"].tolist() == list(range(-6, 7))


def test_campaign_intervals_contain_the_planted_effects(recovered):
    table = recovered["campaigns"].set_index("campaign_id")
    assert set(table.index) == set(PLANTED_CAMPAIGNS)
    for cid, effect in PLANTED_CAMPAIGNS.items():
        row = table.loc[cid]
        assert row["ci_low"] < effect < row["ci_high"], (cid, row.to_dict())
        assert row["treatment"] > 3 * row["control"] > 0
    assert table.loc["spring_sale", "p_value"] < 0.05


def test_headline_and_economics_on_sample(recovered):
    tables = recovered["tables"]
    effect = recovered["member"]["did"]["effect"]["estimate"]
    econ = economics.economics(tables["transactions"], tables["customers"], tables["points"], effect,
                            Program.from_config(recovered["config"]), recovered["period"])
    assert econ["points_redeemed"] == pytest.approx(recovered["truth"]["realised"]["points"]["redeemed"])
    kpis = section.uplift_kpis(recovered["naive"], recovered["member"], recovered["campaigns"], econ)
    assert set(kpis) == {"naive", "matched", "did", "campaigns", "incremental_revenue", "program_cost", "roi",
                         "matching", "regional", "points_vs_discount"}
    assert set(kpis["campaigns"]["autumn_bonus"]) == {"uplift", "p_value", "ci_low", "ci_high", "cost",
                                                      "romi"}
    assert kpis["regional"] == {"estimate": None, "ci_low": None, "ci_high": None}
    assert kpis["roi"] == pytest.approx((econ["incremental_margin"] - econ["program_cost"])
                                        / econ["program_cost"])


def test_member_effect_intervals_cover_the_truth_over_seeds(tmp_path):
    # Five generator seeds (6000 customers, planted effect 0.10). Before exact matching on the value tier
    # the matched estimate averaged about 0.26 over seeds and covered the truth in 3 of these 5; now
    # both designs cover it in at least 4 of 5 (20 seeds: matched 19, DiD 18; see the module docstring).
    covered = {"matched": [], "did": []}
    estimates = {"matched": [], "did": []}
    for seed in range(21, 26):
        tables, _, meta = _sample_tables(tmp_path / str(seed), 6000, seed,
                                         {"member_effect": TRUE_MEMBER_EFFECT})
        member = member_effect.member_effect_analysis(tables["transactions"], tables["customers"],
                                                      meta["period"], Settings(bootstrap_samples=200))
        assert member["exact_match_on"] == ["tier"]
        for design in covered:
            effect = member[design]["effect"]
            estimates[design].append(round(effect["estimate"], 3))
            covered[design].append(effect["ci_low"] < TRUE_MEMBER_EFFECT < effect["ci_high"])
    assert sum(covered["matched"]) >= 4, (covered, estimates)
    assert sum(covered["did"]) >= 4, (covered, estimates)
    assert abs(np.mean(estimates["matched"]) - TRUE_MEMBER_EFFECT) < 0.08, estimates


@pytest.mark.slow
def test_member_effect_intervals_cover_the_truth_on_a_large_client(tmp_path):
    # 40,000 customers (~460k checks): intervals are ~0.1 wide, so a bias of a few points shows. With
    # never-joiners as the only controls this seed gave DiD 0.166 [0.113, 0.219] (matched 0.114): the
    # pool kept customers who left before they could join and lost those who stayed and joined. Over
    # seeds 200-205 the risk-set DiD averages 0.101 and covers 0.10 in 6 of 6 (see the module docstring).
    tables, _, meta = _sample_tables(tmp_path, 40_000, 201, {"member_effect": TRUE_MEMBER_EFFECT})
    member = member_effect.member_effect_analysis(tables["transactions"], tables["customers"],
                                                  meta["period"], Settings(bootstrap_samples=200))
    for design in ("matched", "did"):
        effect = member[design]["effect"]
        assert effect["pairs"] > 1500, (design, effect)
        assert effect["ci_low"] < TRUE_MEMBER_EFFECT < effect["ci_high"], (design, effect)
        assert effect["ci_high"] - effect["ci_low"] < 0.2, (design, effect)
        assert effect["controls_joined"] > 0.1 * effect["pairs"]  # later joiners are in the pool


def test_regional_did_recovers_a_staggered_launch(tmp_path):
    # Moscow, St Petersburg and Yekaterinburg launch on 1 Jan 2024, Kazan and Novosibirsk half a year later.
    # The regional effect is the members' effect diluted by the non-members' and anonymous revenue:
    # truth = R / (R - M * e / (1 + e)) - 1, R = treated regions' revenue in the post window, M = the
    # part of it bought by members after joining, e = planted member effect.
    effect = 0.5
    late = {"Казань": "2024-07-01", "Новосибирск": "2024-07-01"}
    params = {"member_effect": effect, "region_launch_dates": late, "join_delay_mean_days": 20.0,
              "join_probability_by_tier": {"low": 0.5, "middle": 0.7, "high": 0.9}}
    tables, truth, meta = _sample_tables(tmp_path, 4000, 4, params)
    assert truth["params"]["region_launch_dates"] == late
    tr, cu = tables["transactions"], tables["customers"]
    first_join = cu.dropna(subset=["joined_program_at"]).groupby("region")["joined_program_at"].min()
    assert (first_join[list(late)] >= T("2024-07-01")).all() and first_join["Москва"] < T("2024-02-01")
    dates = regions.launch_dates_by_region(cu, {"Москва": "2024-01-01", "Санкт-Петербург": "2024-01-01",
                                               "Екатеринбург": "2024-01-01", **late})
    out = regions.regional_did(tr, cu, dates, meta["period"],
                               Settings(window_days=180, bootstrap_samples=300))
    assert out["cohorts"]["launch_date"].tolist() == [T("2024-01-01")]
    post = tr[(tr["date"] >= T("2024-01-01")) & (tr["date"] < T("2024-06-29"))
              & ~tr["region"].isin(list(late))]
    join = post["customer_id"].map(cu.set_index("customer_id")["joined_program_at"])
    revenue, member = post["amount"].sum(), post.loc[post["date"] >= join, "amount"].sum()
    planted = revenue / (revenue - member * effect / (1 + effect)) - 1
    assert out["ci_low"] < planted < out["ci_high"], (planted, out)
    assert out["ci_low"] > 0

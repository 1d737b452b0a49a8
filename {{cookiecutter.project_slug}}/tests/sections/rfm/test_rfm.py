"""RFM (20) on examples small enough to check by hand; the pipeline's segments against the generator."""

import itertools

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.sections.rfm import (
    NOT_YET,
    SEGMENTS,
    customer_rfm,
    member_segment_mix,
    migration_matrix,
    migration_summary,
    quantile_scores,
    rf_matrix,
    rfm_segments,
    score_rfm,
    segment_changes,
    segment_export,
    segment_key,
    segment_of,
    segment_table,
)
from {{ cookiecutter.package_name }}.sections.rfm import segment_headline as headline

from ..retention.context_double import checks
from ..retention.context_double import joins as members

D = pd.Timestamp


def test_scores_ties_share_the_lowest_position():
    values = pd.Series([1, 1, 1, 2, 3, 4, 5, 6, 7, 8])
    # worse-than counts 0,0,0,3,4,...,9 -> 1 + floor(5 * worse / 10)
    assert quantile_scores(values, 5).tolist() == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]


def test_scores_big_tie_leaves_scores_empty_rather_than_splitting_equals():
    values = pd.Series([1] * 6 + [2, 2, 3, 4])
    scores = quantile_scores(values, 5)
    assert scores.tolist() == [1] * 6 + [4, 4, 5, 5]
    assert scores[values == 1].nunique() == 1


def test_recency_scores_lower_is_better():
    recency = pd.Series([0, 0, 10, 20])
    # goodness = -recency; worse-than counts 2, 2, 1, 0 -> 1 + floor(2 * worse / 4)
    assert quantile_scores(recency, 2, higher_is_better=False).tolist() == [2, 2, 1, 1]


def test_scores_need_two_bins():
    with pytest.raises(ValueError):
        quantile_scores(pd.Series([1, 2]), 1)


def test_customer_rfm_nets_returns_and_drops_anonymous_and_later_checks():
    tx = checks([
        ("A", "2024-01-01", 100), ("A", "2024-01-10 18:30", 50), ("A", "2024-01-12", -30),
        ("B", "2024-01-05", 200),
        (None, "2024-01-10", 999),          # anonymous: left out
        ("C", "2024-01-20", 80),            # after the snapshot: not yet a customer
        ("D", "2024-01-03", -40),           # a return only: no purchase, not in the base
    ])
    rfm = customer_rfm(tx, D("2024-01-15")).set_index("customer_id")
    assert sorted(rfm.index) == ["A", "B"]
    assert rfm.loc["A", ["recency_days", "frequency", "monetary"]].tolist() == [5, 2, 120.0]
    assert rfm.loc["B", ["recency_days", "frequency", "monetary"]].tolist() == [10, 1, 200.0]


def test_score_map_covers_every_cell_with_the_eleven_segments():
    pairs = list(itertools.product(range(1, 6), range(1, 6)))
    r = pd.Series([p[0] for p in pairs])
    f = pd.Series([p[1] for p in pairs])
    names = segment_of(r, f, 5)
    assert set(names) == set(SEGMENTS)
    cell = dict(zip(pairs, names, strict=True))
    assert cell[(5, 5)] == "Champions" and cell[(5, 1)] == "New" and cell[(4, 1)] == "Promising"
    assert cell[(1, 1)] == "Lost" and cell[(2, 2)] == "Hibernating" and cell[(1, 5)] == "Can't lose"
    assert cell[(3, 3)] == "Need attention" and cell[(2, 3)] == "At risk" and cell[(3, 4)] == "Loyal"
    assert cell[(5, 2)] == "Potential loyalists" and cell[(3, 1)] == "About to sleep"


def test_score_map_rescales_other_bin_counts():
    names = segment_of(pd.Series([3, 1, 2, 3]), pd.Series([3, 1, 2, 1]), 3)
    assert names.tolist() == ["Champions", "Lost", "Need attention", "New"]


def test_segment_keys():
    assert [segment_key(s) for s in ("Can't lose", "Potential loyalists", "New")] == [
        "cant_lose", "potential_loyalists", "new"]


def scored_example() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series(["a", "b", "c", "d"], dtype="string"),
        "recency_days": [1, 3, 100, 200], "frequency": [4, 2, 1, 1],
        "monetary": [400.0, 100.0, 300.0, 200.0],
        "r_score": [5, 5, 2, 1], "f_score": [5, 4, 1, 1], "m_score": [5, 1, 4, 2],
        "segment": pd.Series(["Champions", "Champions", "Hibernating", "Lost"], dtype="string"),
    })


def test_segment_table():
    table = segment_table(scored_example()).set_index("segment")
    assert list(table.index) == list(SEGMENTS)
    assert table["customers"].sum() == 4
    champions = table.loc["Champions"]
    assert champions["customers"] == 2 and champions["share"] == 0.5
    assert champions["revenue"] == 500 and champions["revenue_share"] == 0.5
    assert champions["average_check"] == 500 / 6 and champions["frequency"] == 3
    assert champions["recency_days"] == 2
    assert table.loc["Lost", "revenue_share"] == 0.2
    assert table.loc["Loyal", "customers"] == 0 and np.isnan(table.loc["Loyal", "average_check"])


def test_rf_matrix():
    matrix = rf_matrix(scored_example(), 5)
    assert list(matrix.index) == [5, 4, 3, 2, 1] and list(matrix.columns) == ["1", "2", "3", "4", "5"]
    assert matrix.loc[5, "5"] == 1 and matrix.loc[5, "4"] == 1 and matrix.loc[1, "1"] == 1
    assert matrix.to_numpy().sum() == 4


def test_member_mix_uses_join_date_on_or_before_the_snapshot():
    customers = members([("a", "2024-01-01"), ("b", "2024-06-01"), ("c", "2024-02-01"), ("x", None)])
    mix = member_segment_mix(scored_example(), customers, D("2024-03-01")).set_index("segment")
    # members: a (Champions), c (Hibernating); b joined after the snapshot; d is not in the table
    assert mix.loc["Champions", ["members", "non_members"]].tolist() == [1, 1]
    assert mix.loc["Hibernating", "members"] == 1 and mix.loc["Lost", "non_members"] == 1
    assert mix["members_share"].sum() == pytest.approx(1)
    assert mix.loc["Champions", "non_members_share"] == 0.5
    assert member_segment_mix(scored_example(), None, D("2024-03-01")) is None


def migration_example() -> pd.DataFrame:
    return checks([
        ("A", "2024-01-02", 10), ("A", "2024-01-03", 10),
        ("B", "2024-01-30", 10), ("B", "2024-03-30", 10),
        ("D", "2024-01-01", 10),
        ("E", "2024-01-25", 10), ("E", "2024-01-29", 10),
        ("C", "2024-03-01", 10),
        ("G", "2024-02-15", 10),
    ])


def test_segment_changes_between_two_snapshots():
    # bins = 2, so scores 1 / 2 map to 1 / 5 on the grid: Lost, Can't lose, New, Champions.
    # 2024-01-31: R scores D1 A1 E2 B2, F scores B1 D1 A2 E2
    #   -> A Can't lose, B New, D Lost, E Champions.
    # 2024-03-31: R scores D1 A1 E1 G2 C2 B2, F scores C1 D1 G1 A2 B2 E2
    #   -> A Can't lose, B Champions, C New, D Lost, E Can't lose, G New.
    changes = segment_changes(migration_example(), D("2024-03-31"), 60, 2).set_index("customer_id")
    assert changes.loc["A"].tolist() == ["Can't lose", "Can't lose", "same"]
    assert changes.loc["B"].tolist() == ["New", "Champions", "up"]
    assert changes.loc["D"].tolist() == ["Lost", "Lost", "same"]
    assert changes.loc["E"].tolist() == ["Champions", "Can't lose", "down"]
    assert changes.loc["C"].tolist() == [NOT_YET, "New", "new"]
    assert changes.loc["G", "direction"] == "new"

    matrix = migration_matrix(changes.reset_index())
    assert matrix.loc[NOT_YET, "New"] == 2 and matrix.loc["Champions", "Can't lose"] == 1
    assert matrix.to_numpy().sum() == 6
    shares = migration_matrix(changes.reset_index(), normalize=True)
    assert shares.loc["New", "Champions"] == 1.0

    customers = members([("B", "2024-01-15"), ("E", "2024-04-10")])
    summary = migration_summary(changes.reset_index(), customers, D("2024-03-31")).set_index("group")
    assert summary.loc["all", ["customers", "up", "same", "down"]].tolist() == [4, 0.25, 0.5, 0.25]
    assert summary.loc["members", ["customers", "up"]].tolist() == [1, 1.0]
    assert summary.loc["non_members", "same"] == pytest.approx(2 / 3)
    assert segment_changes(migration_example(), D("2024-03-31"), 120, 2) is None


def test_export_has_ids_and_segments_only():
    export = segment_export(scored_example())
    assert list(export.columns) == ["customer_id", "segment"] and len(export) == 4


def test_headline_counts_add_up():
    scored = rfm_segments(migration_example(), D("2024-03-31"), 2)
    table = segment_table(scored)
    result = headline(table, D("2024-03-31"))
    assert result["customers"] == 6
    assert sum(s["customers"] for s in result["segments"].values()) == 6
    assert set(result["segments"]) == {segment_key(s) for s in SEGMENTS}
    assert result["segments"]["new"]["revenue_share"] == pytest.approx(20 / 90)
    assert result["migration"] == {"up": None, "same": None, "down": None}


def test_no_identified_customers():
    tx = checks([(None, "2024-01-01", 10.0)])
    scored = rfm_segments(tx, D("2024-01-31"), 5)
    assert scored.empty
    empty = headline(segment_table(scored), D("2024-01-31"))
    assert empty["customers"] is None and empty["segments"]["lost"]["revenue_share"] is None
    assert score_rfm(customer_rfm(tx.drop(columns="customer_id"), D("2024-01-31")), 5).empty


# --- end to end ------------------------------------------------------------------------------------


def test_rfm_segments_cover_every_customer_in_the_bundle(demo_run):
    _, kpis, truth = demo_run
    segments = kpis["rfm"]["segments"]
    buyers = truth["realised"]["customers_with_transactions"]  # every one has a clean purchase
    assert kpis["rfm"]["customers"] == buyers
    assert sum(s["customers"] for s in segments.values()) == buyers
    assert sum(s["revenue_share"] for s in segments.values()) == pytest.approx(1.0)

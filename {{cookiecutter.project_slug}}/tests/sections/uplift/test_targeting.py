"""Campaign targeting (issue #19): the Qini evaluation by hand, the features known before sending, and the
acceptance on a sample with planted heterogeneous effects (autumn_bonus: lapsed customers respond, loyal
high-tier members react negatively) and an A/A campaign (summer_reminder: no effect)."""

import dataclasses
import json
import math
import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import synthetic
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.report.xlsx import write_tables_xlsx
from {{ cookiecutter.package_name }}.sections.steps import Step
from {{ cookiecutter.package_name }}.sections.uplift import section, targeting, targeting_models
from {{ cookiecutter.package_name }}.sections.uplift.settings import Settings
from {{ cookiecutter.package_name }}.sections.uplift.targeting import (
    History,
    evaluate_campaign,
    expected_revenue,
    sampled,
    target_list,
    targeting_kpis,
)
from {{ cookiecutter.package_name }}.sections.uplift.targeting_eval import (
    area_of,
    captured_share,
    qini_area,
    qini_curve,
    qini_interval,
    qini_points,
    uplift_at,
)
from {{ cookiecutter.package_name }}.sections.uplift.targeting_features import (
    POINT_SIGNS,
    customer_features,
    every_customer_features,
    points_balance,
)

PROJECT = Path(__file__).resolve().parents[3]
T = pd.Timestamp


# ------------------------------------------------------------------------------ Qini by hand

def brute_qini(y, treated, score):
    """Q(k) for k = 0..n by a plain loop over the top k (no cumulative sums), for comparison."""
    order = sorted(range(len(y)), key=lambda i: -score[i])
    points = [0.0]
    for k in range(1, len(y) + 1):
        top = order[:k]
        yt = sum(y[i] for i in top if treated[i])
        yc = sum(y[i] for i in top if not treated[i])
        nt = sum(1 for i in top if treated[i])
        nc = k - nt
        points.append(yt - yc * nt / nc if nc else math.nan)
    return points


def test_qini_curve_and_area_by_hand():
    y = [10.0, 0.0, 8.0, 2.0, 0.0, 1.0]
    treated = [True, False, True, False, True, False]
    score = [6, 5, 4, 3, 2, 1]
    # top 1: only treated -> NaN, interpolated between Q(0) = 0 and Q(2) = 10 - 0 * 1/1 = 10
    # Q(3) = 18 - 0 = 18; Q(4) = 18 - 2 * 2/2 = 16; Q(5) = 18 - 2 * 3/2 = 15; Q(6) = 18 - 3 * 3/3 = 15
    expected = [0.0, 5.0, 10.0, 18.0, 16.0, 15.0, 15.0]
    brute = brute_qini(y, treated, score)
    assert brute[2:] == expected[2:] and math.isnan(brute[1])
    curve = qini_curve(np.array(y), np.array(treated), np.array(score, float))
    assert curve["qini"].tolist() == pytest.approx(expected)
    assert curve["share"].tolist() == pytest.approx([k / 6 for k in range(7)])
    # area = mean over k = 0..6 of Q(k) - k/6 * Q(6)
    gaps = [q - k / 6 * 15.0 for k, q in enumerate(expected)]
    assert qini_area(np.array(y), np.array(treated), np.array(score, float)) == pytest.approx(sum(gaps) / 7)
    # the reverse ranking is worse than random here, and a ranking's area is zero when it is random-like
    assert qini_area(np.array(y), np.array(treated), -np.array(score, float)) < 0
    # uplift at 50%: top 3 = treated 10, 8 and control 0 -> 9 - 0 = 9; captured at 50% = Q(3) / Q(6)
    assert uplift_at(np.array(y), np.array(treated), np.array(score, float), 0.5) == pytest.approx(9.0)
    assert captured_share(curve, 0.5) == pytest.approx(18 / 15)
    assert uplift_at(np.array(y), np.array(treated), np.array(score, float), 1 / 6) is None  # no control


def test_qini_matches_a_plain_loop_on_random_data():
    rng = np.random.default_rng(5)
    y = rng.gamma(0.5, 100.0, 300)
    treated = rng.random(300) < 0.7
    score = rng.normal(size=300)
    brute = np.array(brute_qini(list(y), list(treated), list(score)))
    fast = qini_points(y[np.argsort(-score)], treated[np.argsort(-score)])
    finite = np.isfinite(brute)
    assert fast[finite] == pytest.approx(brute[finite])


def test_bootstrap_weights_are_a_resample():
    """0/1 weights give exactly the area of the rows kept; the interval brackets the estimate."""
    rng = np.random.default_rng(2)
    y, treated, score = rng.gamma(0.5, 100.0, 400), rng.random(400) < 0.8, rng.normal(size=400)
    order = np.argsort(-score)
    keep = rng.random(400) < 0.6
    weighted = area_of(qini_points(y[order], treated[order], keep[order]), keep[order])
    assert weighted == pytest.approx(qini_area(y[keep], treated[keep], score[keep]))
    low, high = qini_interval(y, treated, score, 200, seed=1)
    assert low < qini_area(y, treated, score) < high


# ------------------------------------------------------------------------------ features

def test_features_use_only_what_was_known_before_sending():
    checks = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [100.0, 50.0, 999.0, 30.0],
                           "date": [T("2024-01-10"), T("2024-03-01"), T("2024-04-01"), T("2023-01-05")]})
    customers = pd.DataFrame({"customer_id": ["a", "b"], "joined_program_at": [T("2024-02-01"), pd.NaT],
                              "region": ["north", "south"]})
    points = pd.DataFrame({"customer_id": ["a", "a", "a"], "kind": ["accrual", "redemption", "accrual"],
                           "date": [T("2024-01-10"), T("2024-03-01"), T("2024-04-01")],
                           "points": [10.0, 4.0, 50.0]})
    outcomes = pd.DataFrame({"campaign_id": ["old"], "customer_id": ["a"], "group": ["treatment"],
                             "sent_day": [T("2024-02-20")], "spend": [50.0], "responded": [True]})
    history = History.of(checks, customers, points, outcomes)
    x = customer_features(history, pd.Index(["a", "b"]), T("2024-04-01")).loc["a"]
    assert x["recency_days"] == 31 and x["frequency_365"] == 2 and x["monetary_365"] == 150  # not Apr 1
    assert x["frequency_90"] == 2 and x["average_check"] == 75 and x["tenure_days"] == 82
    assert x["member"] == 1 and x["membership_days"] == 60 and x["points_balance"] == 6
    assert x["earlier_campaigns"] == 1 and x["earlier_responses"] == 1 and x["region"] == "north"
    b = customer_features(history, pd.Index(["b"]), T("2024-04-01")).loc["b"]
    assert b["frequency_365"] == 0 and b["member"] == 0 and np.isnan(b["membership_days"])
    assert b["earlier_campaigns"] == 0 and b["points_balance"] == 0


def test_every_customers_features_block_by_block_equal_the_features_asked_by_id():
    """The target list's features, block by block with rows and counts looked up by position, equal
    `customer_features` of the same ids: customers missing from the customers table (empty columns),
    without campaigns or points (zeros), categories of the whole table."""
    rng = np.random.default_rng(8)
    n, ids = 4000, [f"c{k:03d}" for k in range(300)]
    checks = pd.DataFrame({"customer_id": rng.choice(ids, n), "amount": rng.gamma(2.0, 40.0, n).round(2),
                           "date": T("2023-06-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D")})
    listed = ids[::3]  # two customers in three are missing from the customers table
    m = len(listed)
    registered = T("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, m), "D")
    customers = pd.DataFrame({"customer_id": listed, "region": rng.choice(["north", "south", None], m),
                              "tier": rng.choice(["high", "low"], m), "registered_at": registered})
    customers["joined_program_at"] = pd.Series([T("2024-02-01"), pd.NaT] * (m // 2))
    points = pd.DataFrame({"customer_id": rng.choice(ids[:100], 500),
                           "kind": rng.choice(list(POINT_SIGNS), 500),
                           "date": T("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, 500), unit="D"),
                           "points": rng.integers(1, 100, 500).astype(float)})
    outcomes = pd.DataFrame({"campaign_id": "old", "customer_id": rng.choice(ids[50:], 80, replace=False),
                             "group": rng.choice(["treatment", "control"], 80), "sent_day": T("2024-03-01"),
                             "spend": 1.0, "responded": rng.random(80) < 0.5})
    history = History.of(checks, customers, points, outcomes)
    as_of = T("2024-06-01")
    blocks = list(every_customer_features(history, as_of, 7))
    assert len(blocks) > 40
    found = pd.concat(blocks)
    expected = customer_features(history, pd.Index(found.index), as_of)
    assert found.index.tolist() == sorted(checks["customer_id"].unique())  # every customer with a check
    pd.testing.assert_frame_equal(found, expected, check_index_type=False)
    assert found["region"].isna().sum() > len(found) / 2 and (found["earlier_campaigns"] > 0).any()


def test_points_balance_equals_the_ledger_summed_per_customer():
    """The signed sum of each customer's ledger rows before the day, as a groupby of the rows gives it
    (unknown kinds and missing points count nothing; customers without rows get 0)."""
    rng = np.random.default_rng(5)
    n = 3000
    points = pd.DataFrame({
        "customer_id": pd.Series(rng.choice([f"c{k}" for k in range(300)] + [None], n), dtype="string"),
        "kind": rng.choice(["accrual", "redemption", "expiry", "adjustment", "bonus?", None], n),
        "date": T("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
        "points": np.where(rng.random(n) < 0.05, np.nan, rng.integers(1, 500, n) / 4)})
    ids = pd.Index([f"c{k}" for k in range(0, 400, 2)])  # half of the ledger's customers, and strangers
    as_of = T("2024-05-01")
    rows = points[(points["date"] < as_of) & points["customer_id"].isin(ids)]
    signed = rows["points"] * rows["kind"].map(POINT_SIGNS).astype(float)
    expected = signed.groupby(rows["customer_id"]).sum().reindex(ids, fill_value=0.0)
    got = points_balance(points, ids, as_of)
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    assert list(got.index) == list(ids) and (got != 0).sum() > 100 and (got.loc["c398"] == 0)


def test_the_targets_export_goes_to_exports(tmp_path):
    """A table shown with export=True goes to exports/<name>.csv however short, not to a sheet."""
    tables = tmp_path / ".parts" / "tables"
    tables.mkdir(parents=True)
    for name, export in (("uplift_targets", True), ("uplift_targeting", False)):
        pd.DataFrame({"customer_id": ["1", "2"], "score": [3.0, 1.0]}).to_parquet(tables / f"{name}.parquet")
        meta = json.dumps({"caption": name, "export": export})
        (tables / f"{name}.json").write_text(meta, encoding="utf-8")
    workbook = write_tables_xlsx(tmp_path)
    assert (tmp_path / "exports" / "uplift_targets.csv").is_file()
    assert not (tmp_path / "exports" / "uplift_targeting.csv").exists()
    assert set(pd.ExcelFile(workbook).sheet_names) == {"contents", "uplift_targeting"}


def test_kpis_of_campaigns_not_modelled_are_null_with_a_reason():
    blocks = targeting_kpis(["a", "b"], {"a": {"reason": "too_few_customers"}}, None)
    assert blocks["a"] == {"model": None, "qini_area": None, "qini_ci_low": None, "qini_ci_high": None,
                           "uplift_at_30": None, "recommended": False, "reason": "too_few_customers"}
    assert targeting_kpis(["a"], None, "no_campaigns")["a"]["reason"] == "no_campaigns"


# ------------------------------------------------------------------------------ acceptance on a sample

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """30,000 sample customers (about 8,000 per campaign): the section's inputs, the campaign tests step
    and the planted per-customer effects."""
    root = tmp_path_factory.mktemp("targeting")
    shutil.copytree(PROJECT / "config", root / "config")
    raw = root / "data" / "raw" / "demo"
    truth = synthetic.generate(raw, n_customers=30_000, seed=1)
    config = load_config(root, "demo")
    prepared = prepare(root, config)
    tables = {name: prepared.table(name) for name in ("transactions", "customers", "points", "campaigns")}
    data = section.Inputs(tables["transactions"], tables["customers"], tables["points"], tables["campaigns"],
                          prepared.period_timestamps, Settings.from_config(config))
    effects = pd.read_csv(raw / truth["realised"]["campaign_effects"]["file"], sep=";",
                          dtype={"client_id": str})
    tests = section.campaign_tests(data)
    return {"data": data, "tests": tests, "effects": effects, "truth": truth,
            "history": History.of(data.transactions, data.customers, data.points, tests["outcomes"])}


def evaluate(sample, campaign):
    outcomes = sample["tests"]["outcomes"]
    rows = outcomes[outcomes["campaign_id"] == campaign].reset_index(drop=True)
    return evaluate_campaign(rows, sample["history"], sample["data"].settings)


def test_planted_effects_average_to_the_planted_campaign_effect(sample):
    planted = sample["truth"]["realised"]["campaign_effects"]["campaigns"]
    effects = sample["effects"]
    assert set(planted) == set(effects["campaign"]) == {"spring_sale", "summer_reminder", "autumn_bonus"}
    assert (effects.loc[effects["campaign"] == "summer_reminder", "effect"] == 0).all()
    autumn = effects[effects["campaign"] == "autumn_bonus"]
    assert 0.1 < planted["autumn_bonus"]["negative_share"] < 0.3 and autumn["effect"].max() > 1
    # the spend-weighted mean effect is the planted average: realised uplift near 0.25
    assert sample["truth"]["realised"]["campaigns"]["autumn_bonus"]["realised_uplift"] == pytest.approx(
        0.25, abs=0.1)


def test_heterogeneous_campaign_is_targeted(sample):
    result = evaluate(sample, "autumn_bonus")
    assert result["reason"] is None and result["recommended"]
    best = result["rankings"][result["model"]]
    assert best["qini_ci_low"] > 0
    # the model beats sending to the likeliest buyers and random targeting at 30%
    assert best["qini_area"] > result["rankings"]["response_model"]["qini_area"]
    gains = result["gains"].set_index(["ranking", "targeted_share"])["uplift_per_customer"]
    assert gains[(result["model"], 0.3)] > gains[("random", 0.3)]
    # top decile's true mean uplift exceeds the average's, with a bootstrap CI excluding zero
    scores = result["scores"]
    effects = sample["effects"]
    truth = effects[effects["campaign"] == "autumn_bonus"].set_index("client_id")["incremental_revenue"]
    true = truth.reindex(scores["customer_id"]).to_numpy()
    assert np.isfinite(true).all()
    top = true[np.argsort(-scores[result["model"]].to_numpy(), kind="stable")[: len(true) // 10]]
    rng = np.random.default_rng(0)
    gaps = [rng.choice(top, top.size).mean() - rng.choice(true, true.size).mean() for _ in range(500)]
    low, high = np.percentile(gaps, [2.5, 97.5])
    assert top.mean() > true.mean() and low > 0, (top.mean(), true.mean(), low, high)


def test_a_big_campaign_is_evaluated_on_a_random_sample_of_each_group(sample):
    outcomes = sample["tests"]["outcomes"]
    rows = outcomes[outcomes["campaign_id"] == "autumn_bonus"].reset_index(drop=True)
    drawn = sampled(rows, len(rows) // 2, seed=3)
    shares = rows["group"].value_counts(normalize=True)
    assert abs(len(drawn) - len(rows) // 2) <= 2 and drawn.index.is_monotonic_increasing
    assert (drawn["group"].value_counts(normalize=True) - shares).abs().max() < 0.001
    assert sampled(rows, len(rows), seed=3) is rows  # under the limit: every customer
    settings = dataclasses.replace(sample["data"].settings, targeting_max_customers=len(rows) * 3 // 4)
    result = evaluate_campaign(rows, sample["history"], settings)
    assert result["treatment"] + result["control"] == len(rows)  # sizes of the whole campaign
    assert abs(result["evaluated"] - len(rows) * 3 // 4) <= 2 and len(result["scores"]) == result["evaluated"]
    from {{ cookiecutter.package_name }}.sections.uplift.targeting_show import say_campaign

    step = Step("campaign_targeting")
    say_campaign(step, "autumn_bonus", result, 200)  # the report says the model saw a sample
    said = step.items[0].text
    assert said.key == "uplift.say.targeting_sampled"
    assert (said.fields["evaluated"], said.fields["customers"]) == (result["evaluated"], len(rows))


def test_folds_fitted_side_by_side_give_the_same_scores_bit_for_bit(sample, monkeypatch):
    """A kernel with cores to spare fits the cross-fitting's folds on threads, each fit on one
    OpenMP thread: the scores, areas and intervals equal one fold at a time."""
    outcomes = sample["tests"]["outcomes"]
    rows = outcomes[outcomes["campaign_id"] == "autumn_bonus"].reset_index(drop=True)
    settings = sample["data"].settings
    alone = evaluate_campaign(rows, sample["history"], settings)
    fitted_on, score_fold = [], targeting_models._score_fold

    def recorded(*args, **kwargs):
        fitted_on.append(threading.current_thread().name)
        return score_fold(*args, **kwargs)

    monkeypatch.setattr(targeting_models, "_score_fold", recorded)
    side_by_side = evaluate_campaign(rows, sample["history"], settings, threads=3)
    assert len(fitted_on) == settings.targeting_folds == 3 and len(set(fitted_on)) > 1
    pd.testing.assert_frame_equal(side_by_side["scores"], alone["scores"], check_exact=True)
    assert side_by_side["rankings"] == alone["rankings"] and side_by_side["model"] == alone["model"]


def test_aa_campaign_is_not_targeted(sample):
    result = evaluate(sample, "summer_reminder")
    best = result["rankings"][result["model"]]
    assert best["qini_ci_low"] < 0 < best["qini_ci_high"] and not result["recommended"]
    step = Step("campaign_targeting")
    from {{ cookiecutter.package_name }}.sections.uplift.targeting_show import say_campaign

    say_campaign(step, "summer_reminder", result, 200)
    sentence = step.items[0].text
    assert sentence.key == "uplift.say.targeting_not_recommended"
    assert "targeting cannot be recommended from this test" in sentence.render("en", "RUB")
    assert "таргетинг рекомендовать нельзя" in sentence.render("ru", "RUB")


def test_expected_revenue_and_romi_by_share(sample):
    result = evaluate(sample, "autumn_bonus")
    table = expected_revenue(result, 1000, 10.0, 0.5).set_index("targeted_share")
    assert table.loc[0.3, "customers"] == 300 and table.loc[0.3, "cost"] == 3000
    assert table.loc[0.3, "incremental_revenue"] == pytest.approx(300 * result["uplift_at_30"])
    revenue = table.loc[0.3, "incremental_revenue"]
    assert table.loc[0.3, "romi"] == pytest.approx((revenue * 0.5 - 3000) / 3000)
    assert expected_revenue(result, 1000, None, 0.5)["romi"].isna().all()


def test_the_target_list_is_the_same_scored_block_by_block(sample, monkeypatch):
    """A big client's customers are scored in blocks of rows: the same list as scoring them at once."""
    result = evaluate(sample, "autumn_bonus")
    day = sample["data"].period[1] + pd.Timedelta(days=1)
    whole = target_list(sample["history"], result, day, sample["data"].settings)
    monkeypatch.setattr(targeting, "SCORE_ROWS", 997)
    blocks = target_list(sample["history"], result, day, sample["data"].settings)
    assert len(whole) > 10 * 997 and whole["score"].nunique() > 100
    pd.testing.assert_frame_equal(blocks, whole)


def test_the_target_list_is_the_same_predicted_on_two_threads(sample):
    """The target list's scores are predicted on the kernel's cores: each row's score is its own."""
    result = evaluate(sample, "autumn_bonus")
    day = sample["data"].period[1] + pd.Timedelta(days=1)
    one = target_list(sample["history"], result, day, sample["data"].settings, threads=1)
    two = target_list(sample["history"], result, day, sample["data"].settings, threads=2)
    assert one["score"].nunique() > 100
    pd.testing.assert_frame_equal(two, one)

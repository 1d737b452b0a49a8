"""The uplift section on export shapes it was not written for: it never raises, says why each missing
part is missing, and records null (same kpis keys), never an invented number."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import synthetic
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.sections import uplift
from {{ cookiecutter.package_name }}.sections.uplift.member_effect import pair_effect

PROJECT = Path(__file__).resolve().parents[3]
NO_ESTIMATE = {"estimate": None, "ci_low": None, "ci_high": None}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> SimpleNamespace:
    """The canonical tables of 300 sample customers (every table), the config and the period."""
    root = tmp_path_factory.mktemp("uplift_shapes")
    shutil.copytree(PROJECT / "config", root / "config")
    synthetic.generate(root / "data" / "raw" / "demo", n_customers=300, seed=3)
    config = load_config(root, "demo")
    config["uplift"]["bootstrap_samples"] = 50
    prepared = prepare(root, config)
    tables = {name: prepared.table(name) for name in ("transactions", "customers", "points", "campaigns")}
    return SimpleNamespace(tables=tables, config=config, period=prepared.period_timestamps)


def run(sample, period=None, **tables):
    shaped = {**sample.tables, **tables}
    ctx = SimpleNamespace(config=sample.config, period=period or sample.period, cache_dir=None,
                          table=lambda name, columns=None, categories=(): shaped.get(name))
    result = uplift.run(ctx)
    json.dumps(result.headline)  # JSON-ready
    return result


def skips(result) -> dict[str, list[str]]:
    return {name: [text.key for text in step.skipped] for name, step in result.steps.items() if step.skipped}


def shape_of(headline: dict) -> dict:
    """The kpis keys, nested (a campaign block's keys by campaign aside)."""
    return {key: shape_of(value) if isinstance(value, dict) and key != "campaigns" else None
            for key, value in headline.items()}


@pytest.fixture(scope="module")
def full(sample):
    return run(sample)


def test_membership_unknown_and_no_customer_ids(sample, full):
    checks = sample.tables["transactions"]
    unknown = run(sample, customers=None, transactions=checks.drop(columns="loyalty_card"))
    assert shape_of(unknown.headline) == shape_of(full.headline)
    assert unknown.headline["naive"] is None
    assert unknown.headline["matched"] == unknown.headline["did"] == NO_ESTIMATE
    assert skips(unknown)["naive"] == ["uplift.skip.membership_unknown"]
    for anonymous in (checks.drop(columns="customer_id"),
                      checks.assign(customer_id=pd.Series(pd.NA, index=checks.index, dtype="string"))):
        result = run(sample, transactions=anonymous)
        assert shape_of(result.headline) == shape_of(full.headline)
        assert result.headline["naive"] is None and result.headline["campaigns"] is None
        assert result.headline["matched"] == result.headline["did"] == NO_ESTIMATE
        assert skips(result)["naive"] == skips(result)["campaign_tests"] == ["uplift.skip.no_identified"]


def test_no_members_and_all_members(sample, full):
    customers = sample.tables["customers"]
    checks = sample.tables["transactions"].assign(loyalty_card=False)
    none = run(sample, customers=customers.assign(joined_program_at=pd.NaT), transactions=checks)
    assert none.headline["naive"] is None and none.headline["matched"] == NO_ESTIMATE
    reasons = [text.fields["reason"].key for text in none.steps["member_effects"].skipped]
    assert reasons == ["uplift.reason.no_members"] * 2
    everyone = run(sample, customers=customers.assign(
        joined_program_at=customers["joined_program_at"].fillna(pd.Timestamp("2022-06-01"))))
    assert shape_of(everyone.headline) == shape_of(full.headline)
    assert everyone.headline["naive"] is None  # no non-members
    for design in ("matched", "did"):  # an estimate, if any, is a possible one (spend ratio > 0)
        estimate = everyone.headline[design]["estimate"]
        assert estimate is None or estimate > -1


def test_thin_histories(sample, full):
    checks = sample.tables["transactions"]
    june = (pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-30"))
    month = run(sample, period=june, transactions=checks[checks["date"].between(*june)])
    first = checks.dropna(subset=["customer_id"]).sort_values("date").drop_duplicates("customer_id")
    single = checks[checks["customer_id"] == first["customer_id"].iloc[0]]
    for result in (month, run(sample, transactions=first), run(sample, transactions=single)):
        assert shape_of(result.headline) == shape_of(full.headline)
        assert result.headline["matched"] == result.headline["did"] == NO_ESTIMATE


def test_campaigns_without_a_group_or_without_buyers(sample, full):
    campaigns = sample.tables["campaigns"]
    names = sorted(campaigns["campaign_id"].astype(str).unique())
    for group in ("control", "treatment"):
        result = run(sample, campaigns=campaigns[campaigns["group"] != group])
        assert sorted(result.headline["campaigns"]) == names
        assert all(block["uplift"] is None and block["ci_low"] is None
                   for block in result.headline["campaigns"].values())
        assert skips(result)["campaign_tests"] == ["uplift.skip.campaign_groups"] * len(names)
    strangers = run(sample, campaigns=campaigns.assign(customer_id="x" + campaigns["customer_id"]))
    assert all(block["uplift"] is None and block["p_value"] is None
               for block in strangers.headline["campaigns"].values())
    assert skips(strangers)["campaign_tests"] == ["uplift.skip.campaign_no_revenue"] * len(names)
    empty = run(sample, campaigns=campaigns.iloc[:0])
    assert empty.headline["campaigns"] is None
    assert skips(empty)["campaign_tests"] == ["uplift.skip.empty_campaigns"]
    assert skips(run(sample, campaigns=None))["campaign_tests"] == ["uplift.skip.no_campaigns"]
    assert full.headline["campaigns"] and all(block["uplift"] is not None
                                              for block in full.headline["campaigns"].values())


def test_no_points(sample, full):
    checks = sample.tables["transactions"].drop(columns=["points_earned", "points_redeemed"])
    result = run(sample, points=None, transactions=checks)
    assert shape_of(result.headline) == shape_of(full.headline)
    assert result.headline["points_vs_discount"] == dict.fromkeys(("breakage_rate", "redemption_lag_days",
                                                                   "cost_ratio"))
    assert (result.headline["program_cost"], result.headline["roi"]) == (None, None)
    assert full.headline["program_cost"] is not None


def test_an_impossible_member_effect_is_not_recorded():
    """Controls who bought only after their own joining: 1 + effect would be negative (post spend
    per member 10, controls' spend before joining 1 and as members 20: x = (10 - 20) / 1)."""
    sample = pd.DataFrame({"post_spend": [10.0, 10.0, 21.0, 21.0], "pre_spend": [5.0] * 4,
                           "post_spend_as_member": [0.0, 0.0, 20.0, 20.0]})
    pairs = pd.DataFrame({"treated_row": [0, 1], "control_row": [2, 3]})
    effect = pair_effect(sample, pairs, "matched", bootstrap_samples=20)
    assert (effect["estimate"], effect["ci_low"], effect["ci_high"]) == (None, None, None)
    assert effect["pairs"] == 2


TARGETING_KEYS = {"model", "qini_area", "qini_ci_low", "qini_ci_high", "uplift_at_30", "recommended",
                  "reason"}


def test_targeting_on_small_and_odd_campaigns(sample, full):
    """300 customers: every campaign is below the minimum per group, so its targeting block is null with
    a reason; without a control group likewise; with the minimum lowered the models run on tiny groups."""
    blocks = [block["targeting"] for block in full.headline["campaigns"].values()]
    assert blocks and all(set(block) == TARGETING_KEYS and block["reason"] == "too_few_customers"
                          and block["qini_area"] is None and block["recommended"] is False
                          for block in blocks)
    assert "uplift.skip.targeting_no_list" in skips(full)["campaign_targeting"]
    campaigns = sample.tables["campaigns"]
    treated_only = run(sample, campaigns=campaigns[campaigns["group"] == "treatment"])
    assert all(block["targeting"]["reason"] == "too_few_customers"
               for block in treated_only.headline["campaigns"].values())
    assert skips(run(sample, campaigns=None))["campaign_targeting"] == ["uplift.skip.targeting_no_campaigns"]
    config = {**sample.config, "uplift": {**sample.config["uplift"], "targeting_min_customers": 5,
                                          "targeting_bootstrap_samples": 20}}
    tiny = run(SimpleNamespace(**{**vars(sample), "config": config}))
    for block in tiny.headline["campaigns"].values():
        assert set(block["targeting"]) == TARGETING_KEYS
        assert block["targeting"]["reason"] is None
        assert block["targeting"]["model"] in ("t_learner", "x_learner")

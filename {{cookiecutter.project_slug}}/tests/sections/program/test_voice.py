"""Voice of the customer linked to behaviour (issue #21): NPS and CSAT by segment, churn and spend after
an answer, reasons and motives, on hand-checkable examples and on a generated sample whose truth.json
plants a churn gap and reason frequencies."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.sections import program
from {{ cookiecutter.package_name }}.sections.program import Settings, Tables, prepare
from {{ cookiecutter.package_name }}.sections.program.reasons import (
    OTHER_REASONS,
    motive_churn,
    normalise,
    reason_table,
)
from {{ cookiecutter.package_name }}.sections.program.voice_outcomes import (
    outcome_table,
    revenue_at_risk,
    window_sums,
)
from {{ cookiecutter.package_name }}.sections.steps import Say, Table

from .examples import END, START, T

PRIVATE = "личный комментарий"


def nps_table():
    rows = [("2024-01-20", "a", 10.0), ("2024-02-20", "c", 3.0), ("2024-02-12", "b", 8.0),
            ("2024-02-01", None, 9.0), ("2024-01-05", "c", 6.0)]
    frame = pd.DataFrame(rows, columns=["date", "customer_id", "score"])
    return frame.assign(date=pd.to_datetime(frame["date"]),
                        customer_id=pd.array(frame["customer_id"].tolist(), dtype="str"))


def segments_of(transactions, customers, nps, surveys=None, **settings):
    inputs = prepare(Tables(transactions, customers, None, nps, surveys),
                     Settings(launch_date=T("2024-01-01"), **settings), (START, END))
    return program.nps_segments(inputs)


def test_nps_by_segment_on_a_tiny_table(transactions, customers):
    customers = customers.assign(tier=["high", "low", None])
    step = segments_of(transactions, customers, nps_table(), voice_min_answers=2)
    table = step["nps_segments"].set_index(["dimension", "group"])
    # members: a (10) and b (8) on their answer days; non-members: c (3 and 6); the anonymous 9 is unlinked
    assert table.loc[("membership", "members"), "score"] == 0.5
    assert table.loc[("membership", "members"), "responses"] == 2
    # Var = (p + d - NPS^2) / n = (0.5 - 0.25) / 2: 0.5 +/- 1.96 x 0.354, clipped at 1
    assert table.loc[("membership", "members"), "ci_low"] == pytest.approx(0.5 - 1.959964 * 0.125**0.5)
    assert table.loc[("membership", "members"), "ci_high"] == 1.0
    assert table.loc[("membership", "non_members"), "score"] == -1.0
    assert not table.loc[("membership", "members"), "small"]
    assert table.loc[("tenure", "under 3 months"), "responses"] == 2
    # c had not bought before 5 Jan; the others bought 2 to 5 days before answering
    assert table.loc[("recency", "no purchase before"), "score"] == -1.0
    assert table.loc[("recency", "0-30 days"), "responses"] == 3
    assert table.loc[("tier", "unknown"), "responses"] == 2  # c has no tier
    by_segment = step["headline"]["nps"]["by_segment"]
    assert sum(v["responses"] for v in by_segment.values()) == 4
    assert by_segment["not_yet_a_customer"]["responses"] == 2  # b on 12 Feb, c on 5 Jan
    assert set(by_segment["champions"]) == {"score", "ci_low", "ci_high", "responses"}
    assert any(isinstance(item, Table) and item.name == "program_nps_segments" for item in step.items)


def test_small_groups_are_flagged_and_missing_dimensions_said(transactions, customers):
    step = segments_of(transactions, customers, nps_table())
    assert step["nps_segments"]["small"].all()  # fewer than 30 answers everywhere
    reasons = {r.key for r in step.skipped}
    assert {"program.skip.voice_no_tier", "program.skip.voice_no_region"} <= reasons


def test_window_sums_churn_and_spend_after_the_answer():
    answers = pd.DataFrame({"customer": [1.0, 2.0], "day": [T("2024-01-10"), T("2024-01-10")],
                            "score": [3.0, 10.0], "group": ["detractors", "promoters"]})
    purchases = pd.DataFrame({"customer": [1.0, 1.0, 1.0, 2.0, 2.0],
                              "day": [T("2024-01-10"), T("2024-01-11"), T("2024-07-09"), T("2024-03-01"),
                                      T("2024-03-02")],
                              "amount": [50.0, 20.0, 30.0, -5.0, 0.0]})
    out = window_sums(answers, purchases, 180).set_index("customer")
    assert out.loc[1.0, "spend_before"] == 50.0 and out.loc[1.0, "spend_after"] == 20.0  # day 181 is out
    assert not out.loc[1.0, "churned"]
    assert out.loc[2.0, "churned"] and out.loc[2.0, "spend_after"] == -5.0  # a return is not a purchase


def test_matching_reweights_promoters_to_the_detractors_spend():
    frame = pd.DataFrame({"group": ["detractors"] * 2 + ["promoters"] * 3,
                          "spend_before": [10.0, 100.0, 10.0, 10.0, 100.0],
                          "churned": [True, False, True, False, False],
                          "spend_after": [0.0, 50.0, 0.0, 30.0, 90.0]})
    table, gap = outcome_table(frame, bins=2)
    rows = table.set_index("group")
    # bins: 10 -> 1, 100 -> 2; detractors 1/2, 1/2; promoters 2/3, 1/3: weights 0.75 and 1.5
    assert rows.at["promoters", "churn_raw"] == pytest.approx(1 / 3)
    assert rows.at["promoters", "churn"] == pytest.approx(0.25)
    assert rows.at["promoters", "spend"] == pytest.approx((0.75 * 30 + 1.5 * 90) / 3)
    assert rows.at["detractors", "churn"] == 0.5 and rows.at["passives", "answers"] == 0
    assert gap["gap"] == pytest.approx(0.25)
    # Var(promoters) = sum w^2 (y - p)^2 / sum(w)^2 = 0.4921875 / 9; Var(detractors) = 0.125
    half = 1.959964 * (0.4921875 / 9 + 0.125) ** 0.5
    assert gap["gap_ci_low"] == pytest.approx(0.25 - half, rel=1e-5)
    risk = revenue_at_risk(gap, 180.0, 180)
    assert risk["revenue_at_risk"] == pytest.approx(0.25 * 365)
    assert risk["revenue_at_risk_ci_high"] == pytest.approx((0.25 + half) * 365, rel=1e-5)


def test_reasons_are_normalised_counted_and_private_text_is_never_shown():
    reasons = ["Цены", "цены", " ЦЕНЫ  ", "my order 123 was late", "сервис", "сервис", "Цены", "сервис", ""]
    frame = pd.DataFrame({"group": ["detractors"] * 6 + ["promoters"] * 3,
                          "reason": normalise(pd.Series(reasons)),
                          "customer": [1.0, 2.0, 3.0, 5.0, 6.0, 6.0, 4.0, np.nan, 7.0]})
    table = reason_table(frame, min_count=3, top=10, quote=False)
    assert table.values.tolist() == [["promoters", "цены", 1, 0.5], ["promoters", OTHER_REASONS, 1, 0.5],
                                     ["detractors", "цены", 3, 0.5], ["detractors", OTHER_REASONS, 3, 0.5]]
    quoted = reason_table(frame, min_count=3, top=10, quote=True)
    assert "my order 123 was late" in set(quoted["reason"])
    assert quoted.loc[quoted["group"] == "detractors", "reason"].tolist() == [
        "цены", "сервис", "my order 123 was late"]


def test_value_motivated_members_churn_after_a_benefit_change():
    motives = pd.DataFrame({"customer": [1.0, 2.0, 3.0, 4.0, 5.0],
                            "day": [T("2024-01-05")] * 4 + [T("2024-03-01")],
                            "motive": ["value", "value", "brand", "brand", "value"]})
    purchases = pd.DataFrame({"customer": [2.0, 3.0, 4.0], "day": [T("2024-02-10")] * 3,
                              "amount": [10.0, 10.0, 10.0]})
    table, difference = motive_churn(motives, purchases, T("2024-02-01"), 30)
    rows = table.set_index("motive")
    assert rows.at["value", "members"] == 2 and rows.at["value", "churn"] == 0.5  # 5 answered too late
    assert rows.at["brand", "churn"] == 0.0 and difference["difference"] == 0.5


def test_without_surveys_or_nps_or_ids_the_parts_skip_with_their_reason(transactions, customers):
    inputs = prepare(Tables(transactions, customers), Settings(launch_date=T("2024-01-01")), (START, END))
    steps = program.compute(inputs)
    for name in ("nps_segments", "nps_outcomes", "nps_reasons", "motive_segments"):
        assert steps[name].skipped, name
    head = program.numbers(*steps.values())
    assert head["nps"]["churn_after"]["detractors"] is None and head["nps"]["revenue_at_risk"] is None
    assert head["nps"]["by_segment"]["champions"]["score"] is None
    anonymous = transactions.drop(columns=["customer_id"])
    nps = nps_table()
    result = program.result(prepare(Tables(anonymous, None, None, nps), Settings(), (START, END)))
    assert [r.key for r in result.steps["nps_segments"].skipped] == ["program.skip.voice_unlinked"]
    assert result.headline["nps"]["score"] is not None  # the overall NPS is still there
    json.dumps(result.headline)
    # answers only after the period end minus the window: no churn after the answer
    recent = prepare(Tables(transactions, customers, None, nps), Settings(), (START, END))
    skipped = [r.key for r in program.nps_outcomes(recent).skipped]
    assert skipped == ["program.skip.voice_no_window"]


# ------------------------------------------------------------------------------- generated sample


@pytest.fixture(scope="module")
def voice_sample(tmp_path_factory):
    """A sample with many NPS answers (half of the buyers answer): the tables as a run reads them,
    the config, the period and truth.json."""
    from {{ cookiecutter.package_name }} import synthetic
    from {{ cookiecutter.package_name }}.run.context import open_run
    from tests.conftest import PROJECT

    project = tmp_path_factory.mktemp("voice_project")
    shutil.copytree(PROJECT / "config", project / "config")
    truth = synthetic.generate(project / "data" / "raw" / "demo", n_customers=5000, seed=11, dirt=True,
                               params={"nps_response_share": 0.5})
    ctx = open_run("demo", "", str(project))
    tables = [ctx.table(n) for n in ("transactions", "customers", "points", "nps", "surveys")]
    return tables, ctx.config, ctx.period, truth


def voice_result(voice_sample, **settings):
    tables, config, period, _ = voice_sample
    base = Settings.from_config(config)
    chosen = Settings(**{**{k: getattr(base, k) for k in base.__dataclass_fields__}, "compare_months": None,
                         **settings})
    inputs = prepare(Tables(*tables), chosen, period)
    return {step.name: step for step in (program.nps_outcomes(inputs), program.nps_reasons(inputs),
                                         program.nps_segments(inputs))}


def test_the_planted_churn_gap_and_reason_frequencies_are_recovered(voice_sample):
    truth = voice_sample[3]["realised"]["voice"]
    planted = voice_sample[3]["params"]["nps_reasons"]
    steps = voice_result(voice_sample)
    outcomes = steps["nps_outcomes"]
    rows = outcomes["nps_outcomes"].set_index("group")
    for group in ("promoters", "passives", "detractors"):
        assert rows.at[group, "answers"] == truth["answers"][group]
        assert rows.at[group, "churn_raw"] == pytest.approx(truth["churn_after"][group], abs=1e-9)
    churn = outcomes["headline"]["nps"]["churn_after"]
    assert churn["gap_ci_low"] < truth["churn_gap"] < churn["gap_ci_high"]
    assert churn["gap_ci_low"] > 0  # detractors churn more, and the sample is large enough to tell
    head = outcomes["headline"]["nps"]
    assert head["revenue_at_risk_ci_low"] < head["revenue_at_risk"] < head["revenue_at_risk_ci_high"]
    assert any(isinstance(i, Say) and i.text.key == "program.say.nps_outcomes" for i in outcomes.items)
    reasons = steps["nps_reasons"]["nps_reasons"]
    for group, shares in planted.items():
        mine = reasons.loc[reasons["group"] == group].set_index("reason")["share"]
        for reason, share in shares.items():
            assert mine[reason] == pytest.approx(truth["reasons"][group][reason], abs=1e-9)
            assert mine[reason] == pytest.approx(share * (1 - 0.05), abs=0.07)  # 5% free text
    assert not reasons["reason"].str.contains(PRIVATE).any()
    by_segment = steps["nps_segments"]["headline"]["nps"]["by_segment"]
    assert sum(v["responses"] for v in by_segment.values()) > 1000


def test_no_answer_text_reaches_the_report_unless_quoting_is_allowed(voice_sample):
    def shown(steps):
        texts = [item.text.render("en", "RUB") for step in steps.values() for item in step.items
                 if isinstance(item, Say)]
        frames = [item.frame.to_csv() for step in steps.values() for item in step.items
                  if isinstance(item, Table)]
        return "\n".join(texts + frames + [json.dumps(s["headline"], ensure_ascii=False)
                                           for s in steps.values()])

    assert PRIVATE not in shown(voice_result(voice_sample))
    quoted = voice_result(voice_sample, quote_reasons=True, reason_top=100)
    assert PRIVATE in shown(quoted)
    assert "client_id" not in quoted["nps_reasons"]["nps_reasons"].columns


@pytest.mark.slow
def test_the_bundle_holds_no_single_respondents_reason(demo_run):
    """With report.quote_reasons false (the default) no free-text reason of one respondent is written to
    the bundle: kpis.json, the report, the tables and the executed notebooks."""
    result, kpis, _ = demo_run
    assert set(kpis["program"]["nps"]["churn_after"]) >= {"promoters", "passives", "detractors"}
    assert "revenue_at_risk" in kpis["program"]["nps"]
    assert "champions" in kpis["program"]["nps"]["by_segment"]
    for path in result.bundle.rglob("*"):
        if path.suffix in (".json", ".html", ".ipynb", ".csv", ".md", ".txt"):
            assert PRIVATE not in path.read_text(encoding="utf-8", errors="ignore"), path
        if path.suffix == ".xlsx":
            for frame in pd.read_excel(path, sheet_name=None).values():
                assert PRIVATE not in frame.to_csv(), path

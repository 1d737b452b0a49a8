"""The RFM section as the notebook runs it: steps, texts, the headline, the membership rule."""

import pytest

from {{ cookiecutter.package_name }}.core.checks import identified_checks
from {{ cookiecutter.package_name }}.core.membership import join_dates
from {{ cookiecutter.package_name }}.sections import rfm
from {{ cookiecutter.package_name }}.sections.registry import get
from {{ cookiecutter.package_name }}.text.catalogue import keys

from ..retention.context_double import check_notebook_matches_run, make_context, sample_tables

CONFIG = {"rfm": {"bins": 5, "snapshot_compare_days": 180}}


def context(tables=None, language="en"):
    return make_context(tables, CONFIG, language)


def test_notebook_records_what_run_returns(monkeypatch):
    recorded = check_notebook_matches_run(rfm, context, monkeypatch)
    assert recorded["customers"] > 0 and recorded["snapshot"] == "2024-12-31"


def test_headline_and_the_segments_sentence():
    tables = sample_tables()
    snapshot = ctx_end = context().period[1]
    scored = rfm.rfm_segments(tables["transactions"], snapshot, 5)
    result = rfm.run(context())
    changes = rfm.segment_changes(tables["transactions"], ctx_end, 180, 5)
    summary = rfm.migration_summary(changes, join_dates(tables["customers"]), snapshot)
    assert result.headline == rfm.segment_headline(rfm.segment_table(scored), snapshot, summary)
    (sentence,) = [item.text for item in result.steps["segments"].items if hasattr(item, "text")]
    table = rfm.segment_table(scored).set_index("segment")
    assert sentence.fields["lapsing"] == pytest.approx(table.loc["At risk", "share"]
                                                       + table.loc["Can't lose", "share"])
    assert sentence.fields["lapsing_revenue"] == pytest.approx(table.loc["At risk", "revenue_share"]
                                                               + table.loc["Can't lose", "revenue_share"])
    assert sentence.fields["top"] == table["revenue_share"].idxmax()
    assert sentence.fields["customers"] == len(scored) == result.headline["customers"]


def test_identified_checks_score_as_the_transactions_do():
    tables = sample_tables()
    snapshot = context().period[1]
    assert rfm.rfm_segments(identified_checks(tables["transactions"]), snapshot, 5).equals(
        rfm.rfm_segments(tables["transactions"], snapshot, 5))


def test_membership_falls_back_to_the_first_loyalty_card_check():
    """No join dates: the member mix and the migration by group use the first loyalty-card check
    (`core.membership`); before, the mix was skipped for want of join dates."""
    tables = sample_tables()
    no_dates = {**tables, "customers": tables["customers"].drop(columns="joined_program_at")}
    result = rfm.run(context(no_dates))
    card_days = join_dates(None, tables["transactions"])
    scored = result.steps["segments"]["scored"]
    expected = rfm.member_segment_mix(scored, card_days, context().period[1])
    assert result.steps["member_mix"]["mix"].equals(expected)
    assert set(result.steps["migration"]["summary"]["group"]) == {"all", "members", "non_members"}


def test_unknown_membership_skips_the_mix_only():
    tables = sample_tables()
    result = rfm.run(context({"transactions": tables["transactions"].drop(columns="loyalty_card"),
                              "customers": None}))
    assert [text.key for step in result.steps.values() for text in step.skipped] == [
        "common.membership_unknown"]
    assert list(result.steps["migration"]["summary"]["group"]) == ["all"]
    assert result.headline["customers"] > 0


def test_no_identified_customers_skip_everything_with_reasons():
    tables = sample_tables()
    anonymous = tables["transactions"].assign(customer_id=None)
    result = rfm.run(context({"transactions": anonymous, "customers": tables["customers"]}))
    skipped = [text.key for step in result.steps.values() for text in step.skipped]
    # every step says why: the checks carry no customer id
    assert skipped == ["common.skip.all_anonymous"] * 5
    assert result.headline["customers"] is None and result.headline["migration"]["up"] is None


def test_texts_render_in_both_languages_and_charts_draw():
    english, russian = context(), context(language="ru")
    english.draw = True
    for ctx in (english, russian):
        for step in rfm.run(ctx).steps.values():
            ctx.show(step)
    assert len(english.texts) == len(russian.texts) > 8
    assert all(a != b for a, b in zip(english.texts, russian.texts, strict=True))
    assert any("«Чемпионы»" in text or "**«" in text for text in russian.texts)


def test_registered_with_its_report_parts():
    section = get("rfm")
    assert (section.number, section.config_block, section.notebook) == (20, "rfm", "20_rfm.ipynb")
    assert [finding.priority for finding in section.findings] == [100]
    assert section.methodology[0].group == "retention" and section.methodology[0].entries == ("rfm",)
    assert {"rfm.title", "finding.rfm", "method.rfm.formula"} <= set(keys())
    kpis = {"rfm": {"customers": 10, "segments": {"champions": {"customers": 2, "revenue_share": 0.3},
                                                  "loyal": {"customers": 3, "revenue_share": 0.25}}}}
    assert section.findings[0].rule(kpis).render("en") == (
        "Champions and loyal customers are 50% of customers and bring 55% of revenue.")
    assert section.findings[0].rule({"rfm": {"customers": 0}}) is None

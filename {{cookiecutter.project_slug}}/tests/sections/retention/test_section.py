"""The retention section as the notebook runs it: steps, texts, the headline, the membership rule."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.checks import identified_checks
from {{ cookiecutter.package_name }}.core.membership import join_dates
from {{ cookiecutter.package_name }}.sections import retention
from {{ cookiecutter.package_name }}.sections.registry import get
from {{ cookiecutter.package_name }}.text.catalogue import keys

from .context_double import PERIOD, ContextDouble, check_notebook_matches_run, make_context, sample_tables

CONFIG = {"retention": {"churn_days": 90, "before_after_days": 60}}


def context(tables=None, language="en"):
    return make_context(tables, CONFIG, language)


def test_notebook_records_what_run_returns(monkeypatch):
    recorded = check_notebook_matches_run(retention, context, monkeypatch)
    assert recorded["churn_days"] == 90 and recorded["before_after"]["window_days"] == 60


def test_headline_is_the_measures_over_the_one_membership_rule():
    tables = sample_tables()
    checks, joins = identified_checks(tables["transactions"]), join_dates(tables["customers"])
    start, end = (pd.Timestamp(day) for day in PERIOD)
    headline = retention.run(context()).headline
    expected = retention.retention_headline(checks, joins, 90, start, end)
    assert {k: headline[k] for k in expected} == expected
    pooled = retention.pooled_monthly_rates(retention.monthly_retention(checks, joins, 90, start, end))
    assert headline["monthly"] == retention.monthly_headline(pooled)
    joining = retention.before_after_summary(retention.before_after_joining(checks, joins, 60, start, end))
    assert headline["before_after"] == retention.before_after_headline(joining, 60)
    assert headline["monthly"]["members"]["crr"] is not None and headline["before_after"]["customers"] > 0


def test_membership_falls_back_to_the_first_loyalty_card_check():
    """No join dates in the customers table: members are who showed a loyalty card, from their first
    card check (`core.membership`), in every part of the section (before: nobody was a member)."""
    tables = sample_tables()
    no_dates = {**tables, "customers": tables["customers"].drop(columns="joined_program_at")}
    result = retention.run(context(no_dates))
    card_days = join_dates(None, tables["transactions"])
    checks = identified_checks(tables["transactions"])
    start, end = (pd.Timestamp(day) for day in PERIOD)
    expected = retention.retention_headline(checks, card_days, 90, start, end)
    assert {k: result.headline[k] for k in expected} == expected
    assert result.headline["monthly"]["members"]["churn_rate"] is not None
    assert result.headline["before_after"]["customers"] == len(
        retention.before_after_joining(checks, card_days, 60, start, end))
    assert not any(step.skipped for step in result.steps.values())


def test_unknown_membership_shows_everyone_together_and_says_why():
    tables = sample_tables()
    no_membership = {"transactions": tables["transactions"].drop(columns="loyalty_card"), "customers": None}
    result = retention.run(context(no_membership))
    assert set(result.steps["customer_cohorts"].values["matrices"]) == {"all"}
    skipped = [text.key for step in result.steps.values() for text in step.skipped]
    assert skipped == ["retention.no_membership", "common.membership_unknown"]
    assert result.headline["members"] == {"crr": None, "churn_rate": None, "reactivation_rate": None}
    assert result.headline["before_after"]["customers"] is None
    assert result.headline["crr"] is not None


def test_texts_render_in_both_languages_and_charts_draw():
    english, russian = context(), context(language="ru")
    english.draw = True
    retention.run(english)
    for ctx in (english, russian):
        result = retention.run(ctx)
        for step in result.steps.values():
            ctx.show(step)
    assert len(english.texts) == len(russian.texts) > 10
    assert all(a != b for a, b in zip(english.texts, russian.texts, strict=True))
    assert "Customer retention by cohort: members" in english.texts
    assert "Удержание клиентов по когортам: Неучастники" in russian.texts


def test_short_data_skip_with_their_reasons():
    tables = sample_tables()
    short = {**tables, "transactions": tables["transactions"][tables["transactions"]["date"] < "2023-03-01"]}
    ctx = ContextDouble(short, ("2023-01-01", "2023-02-28"), CONFIG)
    result = retention.run(ctx)
    skipped = [text.key for step in result.steps.values() for text in step.skipped]
    # nobody had joined by then: no member cohorts
    assert skipped == ["retention.no_cohorts", "retention.too_short", "retention.no_window",
                       "retention.no_before_after"]
    assert result.headline["crr"] is None and result.headline["monthly"]["months"] is None


def test_registered_with_its_report_parts():
    section = get("retention")
    assert (section.number, section.config_block, section.notebook) == (30, "retention", "30_retention.ipynb")
    assert [tile.name for tile in section.tiles] == ["churn_rate"]
    assert [finding.priority for finding in section.findings] == [50]
    assert section.methodology[0].entries == ("crr", "churn", "reactivation")
    assert {"retention.title", "tile.churn_rate.note", "finding.churn", "method.crr.text"} <= set(keys())


def test_settings_from_config():
    settings = retention.Settings.from_config({"retention": {"churn_days": 30, "few_members": 5}})
    assert (settings.churn_days, settings.before_after_days, settings.few_members) == (30, 180, 5)
    assert retention.Settings.from_config({}).pooled_months == 12


@pytest.mark.parametrize("language", ["en", "ru"])
def test_churn_finding_and_tile(language):
    kpis = {"retention": {"crr": 0.6, "churn_rate": 0.4, "reactivation_rate": None, "window": {"months": 10},
                          "monthly": {"members": {"churn_rate": 0.02}, "non_members": {"churn_rate": 0.05}}}}
    finding = get("retention").findings[0].rule(kpis)
    assert finding.key == "finding.churn_and_monthly"
    text = finding.render(language)
    assert ("10" in text) and ("60" in text) and ("40" in text) and ("2" in text)
    note = get("retention").tiles[0].note(kpis, "retention.churn_rate").render(language)
    assert note.endswith("—")
    assert get("retention").tiles[0].label_fields(kpis) == {"months": 10}

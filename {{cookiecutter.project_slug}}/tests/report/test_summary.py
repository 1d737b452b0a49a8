"""The report frame: locale formats, headline tiles, findings, appendices, translation table, index.html."""

import datetime as dt
import re

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.report import summary
from {{ cookiecutter.package_name }}.report.summary import (
    format_date,
    format_money,
    format_number,
    format_percent,
    format_points,
)
from {{ cookiecutter.package_name }}.text import catalogue
from {{ cookiecutter.package_name }}.text.catalogue import fields_of

NB = "\u00a0"  # no-break space
MINUS = "\u2212"


# --- formats (strings checked by hand) ------------------------------------------------------------------

def test_numbers_per_language():
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(1234.5, "ru", 1) == f"1{NB}234,5"
    assert format_number(1234567, "ru") == f"1{NB}234{NB}567"
    assert format_number(-1234.5, "en", 1) == f"{MINUS}1,234.5"
    assert format_number(-0.04, "en", 1) == "0.0"  # no negative zero
    assert format_number(3, "en", signed=True) == "+3"
    assert format_number(6.25, "en", 1) == "6.3"  # half up, not half to even
    assert format_number(2.5, "ru") == "3"
    assert format_number(None, "en") == "—"
    assert format_number(float("nan"), "ru") == "—"


def test_money_per_language_and_currency():
    assert format_money(1234.5, "RUB", "ru", 1) == f"1{NB}234,5{NB}₽"
    assert format_money(1234.5, "EUR", "ru", 1) == f"1{NB}234,5{NB}€"
    assert format_money(1234, "USD", "ru") == f"1{NB}234{NB}$"
    assert format_money(1234, "KZT", "ru") == f"1{NB}234{NB}KZT"
    assert format_money(1234.5, "RUB", "en", 1) == f"1,234.5{NB}RUB"
    assert format_money(1234, "USD", "en") == "$1,234"
    assert format_money(-1234, "EUR", "en") == f"{MINUS}€1,234"
    assert format_money(None, "RUB", "ru") == "—"


def test_percent_and_points_per_language():
    assert format_percent(0.123, "ru") == f"12,3{NB}%"
    assert format_percent(0.123, "en") == "12.3%"
    assert format_percent(0.3157, "en", signed=True) == "+31.6%"
    assert format_percent(-0.55, "ru", signed=True) == f"{MINUS}55,0{NB}%"
    assert format_percent(0.5, "en", 0) == "50%"
    assert format_points(0.012, "en") == f"+1.2{NB}pp"
    assert format_points(-0.012, "ru") == f"{MINUS}1,2{NB}п.п."


def test_dates_per_language():
    assert format_date("2024-12-31", "ru") == "31.12.2024"
    assert format_date("2024-12-31", "en") == "31 Dec 2024"
    assert format_date(dt.date(2024, 3, 5), "ru") == "05.03.2024"
    assert format_date(pd.Timestamp("2024-03-05 14:30"), "en") == "5 Mar 2024"
    assert format_date("2024-01-01T00:00:00", "en") == "1 Jan 2024"
    assert format_date(None, "en") == "—"
    assert summary.format_period("2023-01-01", "2024-12-31", "ru") == "01.01.2023 – 31.12.2024"


# --- tiles ----------------------------------------------------------------------------------------------

def small_kpis() -> dict:
    """A hand-made kpis dict: some values with a previous period, some missing."""
    return {
        "meta": {"currency": "RUB", "period": {"start": "2024-01-01", "end": "2024-12-31"}},
        "program": {
            "members": 400, "active_members": 300, "active_member_share": 0.75,
            "member_revenue_share": 0.40, "member_transaction_share": 0.35, "reach": 0.25,
            "redemption_rate": 0.5, "breakage_rate": 0.1, "points_liability": 12000.0,
            "nps": {"score": -0.05, "ci_low": -0.2, "ci_high": 0.1, "responses": 80,
                    "promoters": 0.3, "detractors": 0.35},
            "lfl": {"yoy": None, "mom": 0.1, "wow": None},
            "previous": {"member_revenue_share": 0.35, "active_members": 320, "redemption_rate": 0.5},
        },
        "retention": {"crr": 0.7, "churn_rate": 0.3, "reactivation_rate": 0.2,
                      "window": {"months": 12}, "previous": {"churn_rate": 0.25}},
        "clv": {"mean_clv": None, "horizon_months": 12},
        "uplift": {"naive": 1.0, "matched": {"estimate": 0.12, "ci_low": 0.05, "ci_high": 0.2},
                   "did": {"estimate": None, "ci_low": None, "ci_high": None},
                   "incremental_revenue": 100000.0, "program_cost": 20000.0, "roi": 0.75},
    }


def test_tiles_values_changes_and_colours():
    by_name = {t["name"]: t for t in summary.tiles(small_kpis(), "en")}
    assert "mean_clv" not in by_name  # None value: no tile
    share = by_name["member_revenue_share"]
    assert (share["value"], share["change"], share["css"]) == ("40.0%", f"+5.0{NB}pp", "good")
    assert share["note"] == "35.0% of checks"
    active = by_name["active_members"]  # 300 vs 320: -6.25 %, higher is better
    assert (active["value"], active["change"], active["css"]) == ("300", f"{MINUS}6.3%", "bad")
    assert active["note"] == "75% of 400 members"
    assert by_name["redemption_rate"]["change"] == f"0.0{NB}pp"  # no change: neutral
    assert by_name["redemption_rate"]["css"] == "neutral"
    churn = by_name["churn_rate"]  # 0.30 vs 0.25, lower is better
    assert (churn["label"], churn["value"], churn["css"]) == ("Customer churn, 12 months", "30.0%", "bad")
    nps = by_name["nps"]  # no previous value: judged against zero
    assert (nps["value"], nps["change"], nps["change_raw"], nps["css"]) == (f"{MINUS}5", "—", None, "bad")
    effect = by_name["program_effect"]  # DiD missing: falls back to matched; interval above zero
    assert (effect["value"], effect["css"]) == ("+12.0%", "good")
    assert "matched comparison" in effect["note"] and "+5.0% to +20.0%" in effect["note"]
    assert (by_name["roi"]["value"], by_name["roi"]["css"]) == ("+75.0%", "good")
    assert [t["name"] for t in summary.tiles(small_kpis(), "en")] == [
        "member_revenue_share", "active_members", "redemption_rate", "nps", "churn_rate",
        "program_effect", "roi"]


def test_tiles_in_russian_and_without_sections():
    tiles = {t["name"]: t for t in summary.tiles(small_kpis(), "ru")}
    assert tiles["member_revenue_share"]["value"] == f"40,0{NB}%"
    assert tiles["churn_rate"]["label"] == "Отток клиентов за 12 мес."
    assert summary.tiles({"meta": {}}, "en") == []
    assert summary.tiles({}, "ru") == []
    assert len(summary.tile_specs()) in range(6, 9)


def test_interval_across_zero_is_neutral():
    kpis = {"uplift": {"did": {"estimate": 0.1, "ci_low": -0.05, "ci_high": 0.3}}}
    [tile] = summary.tiles(kpis, "en")
    assert (tile["name"], tile["css"]) == ("program_effect", "neutral")
    assert "difference-in-differences" in tile["note"]


# --- findings -------------------------------------------------------------------------------------------

def test_findings_only_where_inputs_exist_with_formatted_numbers():
    found = summary.findings(small_kpis(), "en")
    text = " ".join(found)
    assert found[0] == ("Members (400 customers, 25.0% of identified customers) bring 40.0% of revenue "
                        "and 35.0% of checks.")
    assert "+100.0%" in text and "+12.0% (95% CI +5.0% to +20.0%)" in text  # naive vs matched
    assert "not statistically confirmed" not in text  # the matched interval excludes zero
    # ROI: margin = (ROI + 1) x cost = 35,000
    assert f"ROI is +75.0%: incremental revenue of 100,000{NB}RUB gives 35,000{NB}RUB" in text
    assert "CRR) was 70.0%, churn 30.0%." in text
    assert f"12,000{NB}RUB" in text and "NPS is −5 (95% CI −20 to +10, 80 answers)" in text
    assert not any("CLV" in f for f in found)  # clv.mean_clv is None
    assert not any("last full month" in f for f in found)  # lfl.yoy is None
    assert summary.findings({}, "en") == []
    assert summary.findings({"program": {"member_revenue_share": 0.4}}, "ru") == [
        f"Участники программы приносят 40,0{NB}% выручки."]


def test_findings_uplift_warns_when_the_interval_includes_zero():
    kpis = {"uplift": {"naive": 1.2, "matched": {"estimate": -0.06, "ci_low": -0.3, "ci_high": 0.42},
                       "did": {"estimate": 0.19, "ci_low": -0.4, "ci_high": 3.0}}}
    [en] = summary.findings(kpis, "en")
    assert "(+120.0%) overstates" in en and "matched estimate is −6.0%" in en
    assert "difference-in-differences estimate +19.0% (95% CI −40.0% to +300.0%)" in en
    assert en.endswith("the effect is not statistically confirmed.")
    [ru] = summary.findings(kpis, "ru")
    assert f"+120,0{NB}%" in ru and "статистически не подтверждён" in ru


def test_findings_are_capped():
    assert len(summary.findings(small_kpis(), "en", limit=2)) == 2


# --- appendices and translation table -------------------------------------------------------------------

def test_both_languages_have_the_same_keys_and_fields():
    summary.tile_specs()  # every section registered, with its texts
    assert catalogue.keys("en") == catalogue.keys("ru")
    for key in catalogue.keys("en"):
        assert fields_of(catalogue.template(key, "en")) == fields_of(catalogue.template(key, "ru")), key
    assert catalogue.render("report.title", "ru") == "Анализ программы лояльности"
    assert catalogue.render("report.title", "de") == "Loyalty program analysis"  # unknown language
    with pytest.raises(KeyError, match="no.such.key"):
        catalogue.render("no.such.key", "ru")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_methodology_has_every_formula(language):
    groups = summary.methodology(language)
    entries = {e["id"]: e for g in groups for e in g["entries"]}
    assert {"crr", "churn", "reactivation", "redemption", "breakage", "nps", "naive_uplift", "matched",
            "did", "bgnbd", "pareto_nbd", "gamma_gamma", "clv", "roi"} <= set(entries)
    assert entries["crr"]["formula"] == "CRR = (E − N) / S"
    assert all(e["title"] and e["formula"] and e["text"] for e in entries.values())
    assert not any(e["title"].startswith("method.") for e in entries.values())  # all translated


def test_data_quality_rows():
    kpis = {"data_quality": {"rows": {"transactions": 17846, "points": None}, "rejected_rows": 106,
                             "completeness": {"email": 0.716}, "duplicates_removed": 12}}
    assert summary.data_quality_rows(kpis, "en") == [
        {"label": "Rows read: transactions", "value": "17,846"},
        {"label": "Rows read: points ledger", "value": "not provided"},
        {"label": "Checks set aside by the cleaning rules", "value": "106"},
        {"label": "Customers with a valid email", "value": "71.6%"},
        {"label": "duplicates removed", "value": "12"},
    ]
    assert summary.data_quality_rows(kpis, "ru")[0] == {"label": "Прочитано строк: чеки",
                                                        "value": f"17{NB}846"}
    assert summary.data_quality_rows({}, "en") == []


# --- the real report ------------------------------------------------------------------------------------

def test_index_has_summary_findings_and_appendices(demo_run):
    result, kpis, _ = demo_run
    page = (result.bundle / "index.html").read_text(encoding="utf-8")
    language = kpis["meta"]["language"]
    summary_html = page[page.index('id="summary"'):page.index("<nav")]
    assert summary_html.count('class="tile ') >= 6
    findings = re.findall(r"<li>(.*?)</li>", summary_html[summary_html.index('class="findings"'):], re.S)
    assert len(findings) >= 5
    share = format_percent(kpis["program"]["member_revenue_share"], language)
    assert share in summary_html
    assert 'id="methodology"' in page and "CRR = (E" in page
    dq = page[page.index('id="data-quality-appendix"'):]
    assert format_number(kpis["data_quality"]["rows"]["transactions"], language) in dq
    assert summary.format_period(kpis["meta"]["period"]["start"], kpis["meta"]["period"]["end"],
                                 language) in page
    assert page.index('id="summary"') < page.index("<nav") < page.index("<section")
    assert page.rindex("</section>") < page.index('id="methodology"') < page.index("<footer")


def test_every_label_of_the_template_is_in_the_table():
    from {{ cookiecutter.package_name }}.report.html import TEMPLATES
    from {{ cookiecutter.package_name }}.report.texts import frame_labels

    template = (TEMPLATES / "report.html.j2").read_text(encoding="utf-8")
    used = set(re.findall(r"labels\[[\"']([\w.]+)[\"']\]", template))
    assert used and used <= set(catalogue.keys())
    assert used <= set(frame_labels("ru")) and frame_labels("ru")["report.title"] != frame_labels("en")[
        "report.title"]


def test_program_tiles_show_the_change_against_three_months_earlier(demo_run):
    """kpis program.previous (the program block as of compare_months earlier) feeds the tiles' change."""
    _, kpis, truth = demo_run
    previous = kpis["program"]["previous"]
    assert kpis["program"]["members"] == truth["realised"]["members"]
    assert previous is not None and previous["members"] < kpis["program"]["members"]
    shown = {tile["name"]: tile for tile in summary.tiles(kpis, "en")}
    share = shown["member_revenue_share"]
    expected = kpis["program"]["member_revenue_share"] - previous["member_revenue_share"]
    assert share["change_raw"] == pytest.approx(expected)
    assert share["change"] != "—" and share["css"] in ("good", "bad")

"""The program section's texts: report parts (tiles, findings, methodology), the headline table, the
catalogue entries, and no language branch in its code."""

import re
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.sections import program, registry
from {{ cookiecutter.package_name }}.sections.program import frame, texts
from {{ cookiecutter.package_name }}.sections.program.headline import HEADLINE_ROWS, headline_table, value_text
from {{ cookiecutter.package_name }}.text import catalogue

# the program block of the demo's kpis.json (sample-data defaults), the numbers the frame reads
KPIS = {
    "meta": {"currency": "RUB"},
    "program": {
        "members": 1216, "reach": 0.2432, "member_revenue_share": 0.3542936204010976,
        "member_transaction_share": 0.33651847575057736, "active_members": 898,
        "active_member_share": 0.7384868421052632, "redemption_rate": 0.46565579756311093,
        "breakage_rate": 0.15317947991259342, "points_liability": 316343.95,
        "frequency": {"members": 2.1727865796831316, "non_members": 1.7017283950617283},
        "avg_check": {"members": 1564.6194020760058, "non_members": 1432.8070168311085},
        "lfl": {"yoy": 0.330662276201372},
        "nps": {"score": 0.13871635610766042, "promoters": 0.40372670807453415,
                "detractors": 0.2650103519668737, "ci_low": 0.06684391830262547,
                "ci_high": 0.21058879391269536, "responses": 483},
    },
}
NBSP = "\u00a0"


def rendered(text, language):
    return text.render(language, KPIS["meta"]["currency"])


def test_the_section_is_registered_with_its_report_parts():
    section = registry.get("program")
    assert (section.number, section.config_block, section.notebook) == (10, "program", "10_program.ipynb")
    assert [tile.name for tile in section.tiles] == ["member_revenue_share", "active_members",
                                                     "redemption_rate", "nps"]
    assert [f.priority for f in section.findings] == [10, 20, 70, 80, 90]
    assert [(g.group, g.entries) for g in section.methodology] == [
        ("program", ("member_share", "active_members", "redemption", "breakage", "nps", "lfl"))]
    assert catalogue.render(section.title, "ru") == "Показатели программы"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["33.7% of checks", "74% of 1,216 members", "expired (breakage): 15.3%",
            "95% CI +7 to +21; 483 answers"]),
    ("ru", [f"33,7{NBSP}% чеков", f"74{NBSP}% от числа участников (1{NBSP}216)", f"сгорело: 15,3{NBSP}%",
            "95 % ДИ: от +7 до +21; ответов: 483"]),
])
def test_tile_notes_read_as_before(language, expected):
    """The same strings the frame showed before the move (summary.py with i18n)."""
    assert [rendered(tile.note(KPIS, tile.path), language) for tile in frame.TILES] == expected
    labels = [catalogue.render(f"tile.{tile.name}", language) for tile in frame.TILES]
    assert labels[0] == {"en": "Members' share of revenue", "ru": "Доля участников в выручке"}[language]


def test_findings_read_as_before():
    english = [rendered(f.rule(KPIS), "en") for f in frame.FINDINGS]
    assert english == [
        "Members (1,216 customers, 24.3% of identified customers) bring 35.4% of revenue and 33.7% of "
        "checks.",
        "Revenue of the last full month changed by +33.1% against the same month a year earlier "
        "(like-for-like stores).",
        f"Members redeemed 46.6% of the points accrued and 15.3% expired; the outstanding points are worth "
        f"316,344{NBSP}RUB.",
        "NPS is +14 (95% CI +7 to +21, 483 answers): 40% promoters, 27% detractors.",
        f"A member makes 2.2 checks a month against 1.7 for an identified non-member; the average check is "
        f"1,565{NBSP}RUB against 1,433{NBSP}RUB.",
    ]
    russian = [rendered(f.rule(KPIS), "ru") for f in frame.FINDINGS]
    assert russian[2] == (f"Участники списали 46,6{NBSP}% начисленных баллов, сгорело 15,3{NBSP}%; "
                          f"оставшиеся на счетах баллы стоят 316{NBSP}344{NBSP}₽.")
    assert russian[3] == (f"NPS равен +14 (95 % ДИ: от +7 до +21, ответов: 483): промоутеров 40{NBSP}%, "
                          f"критиков 27{NBSP}%.")


def test_findings_and_notes_leave_out_what_is_missing():
    empty = {"meta": {}, "program": {"member_revenue_share": 0.5, "redemption_rate": 0.25}}
    assert [f.rule(empty) is None for f in frame.FINDINGS] == [False, True, False, True, True]
    assert rendered(frame.finding_member_share(empty), "en") == "Members bring 50.0% of revenue."
    assert rendered(frame.finding_points(empty), "en") == "Members redeemed 25.0% of the points accrued."
    assert all(tile.note(empty, tile.path) is None for tile in frame.TILES)


def test_methodology_texts_exist_in_both_languages():
    for language in ("en", "ru"):
        assert catalogue.render("method.group.program", language)
        for entry in frame.METHODOLOGY[0].entries:
            for part in ("title", "formula", "text"):
                assert catalogue.render(f"method.{entry}.{part}", language)
    assert catalogue.render("method.nps.title", "ru") == "Индекс потребительской лояльности (NPS)"


def test_headline_table_in_both_languages():
    head = {"members": 1216, "avg_check": {"members": 1564.6}, "nps": {"score": 0.1387},
            "lfl": {"yoy": 0.3307, "mom": None}, "csat": {"mean": 3.755}}
    table = headline_table(head, "en", "RUB").set_index("KPI")["value"]
    assert len(table) == len(HEADLINE_ROWS)
    assert table["Program members"] == "1,216"
    assert table["Average check, members"] == f"1,565{NBSP}RUB"
    assert table["NPS"] == "14" and table["CSAT (1-5)"] == "3.76"
    assert table["Revenue YoY (last full month)"] == "+33.1%"
    assert table["Revenue MoM (last full month)"] == "n/a"
    assert table["Reach (members / identified customers)"] == "n/a"
    russian = headline_table(head, "ru", "RUB").set_index("KPI")["value"]
    assert russian["Участники программы"] == f"1{NBSP}216"
    assert russian["Выручка YoY (последний полный месяц)"] == f"+33,1{NBSP}%"
    assert russian["Выручка MoM (последний полный месяц)"] == "н/д"
    assert value_text(None, "percent") is texts.NA


def test_every_text_renders_in_both_languages_and_labels_are_translated():
    names = [key for key in catalogue.keys("en") if key.startswith("program.")]
    assert len(names) > 60
    assert catalogue.label("breakage_rate", "ru") == "Доля сгорания"
    assert catalogue.label("value", "ru", "program_motives") == "Ради выгоды"
    words = "New members per month, by origin"
    assert catalogue.label(words, "ru") == "Новые участники по месяцам, по происхождению"


def test_no_language_branch_in_the_section_code():
    folder = Path(program.__file__).parent
    for path in folder.glob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\bif ru\b|language ==|== \"ru\"|ru else", code), path.name
        assert len(code.splitlines()) < 600, path.name

"""Language of the sections: Russian markdown of every notebook, the catalogue of the sections' texts,
and a Russian run whose report shows no untranslated English word."""

import ast
import re
import shutil
import string
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from {{ cookiecutter.package_name }} import i18n, quality, rfm  # noqa: E402
from {{ cookiecutter.package_name }}.context import format_table, translate_figure, translate_frame  # noqa: E402
from {{ cookiecutter.package_name }}.report import markdown_source, notebook_title  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((PROJECT / "notebooks").glob("*.ipynb"))
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- (a) markdown ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_has_a_russian_text_with_the_same_heading_level(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        english = cell.source
        russian = cell.metadata.get("i18n", {}).get("ru", "")
        assert CYRILLIC.search(russian), f"{path.name}: no Russian text for {english[:60]!r}"
        level = len(english) - len(english.lstrip("#"))
        assert len(russian) - len(russian.lstrip("#")) == level, english[:60]
    assert CYRILLIC.search(notebook_title(notebook, path.stem, "ru"))
    assert not CYRILLIC.search(notebook_title(notebook, path.stem, "en"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_were_rendered_by_the_template(path):
    """Template notebooks keep Cyrillic as \\u escapes: with much raw UTF-8 Cyrillic cookiecutter takes a
    notebook for a binary file and copies it unrendered (the package name left as a template field)."""
    template_field = "{" + "{"  # spelled apart so that the template does not render this line
    assert template_field not in path.read_text(encoding="utf-8")


def test_markdown_source_falls_back_to_english():
    cell = nbformat.v4.new_markdown_cell("# Title")
    assert markdown_source(cell, "ru") == "# Title"
    cell.metadata["i18n"] = {"ru": "# Заголовок"}
    assert markdown_source(cell, "ru") == "# Заголовок" and markdown_source(cell, "en") == "# Title"


# --- (b) catalogue -----------------------------------------------------------------------------------

TEXT_CALLS = {"say", "skip", "t"}
CAPTION_CALLS = {"show_table", "show_figure"}


def _constant_text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _notebook_texts(path: Path) -> tuple[list[str], list[str]]:
    """The literal texts a notebook passes to ctx.say / skip / t and as captions of ctx.show_*; and
    every f-string it passes there (which the catalogue cannot translate)."""
    texts, formatted = [], []
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        source = re.sub(r"\{\{[^}]*\}\}", "package", cell.source)  # the kernel's package name
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "ctx"):
                continue
            method = node.func.attr
            if method in TEXT_CALLS and node.args:
                candidates = [node.args[0]]
            elif method in CAPTION_CALLS and len(node.args) >= 3:
                candidates = [node.args[2]]
            else:
                candidates = [k.value for k in node.keywords if k.arg == "caption"] \
                    if method in CAPTION_CALLS else []
            for argument in candidates:
                if isinstance(argument, ast.JoinedStr):
                    formatted.append(ast.unparse(argument))
                text = _constant_text(argument)
                if text:
                    texts.append(text)
    return texts, formatted


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_texts_are_in_the_catalogue_with_the_same_fields(path):
    texts, formatted = _notebook_texts(path)
    assert texts
    assert not formatted, f"f-strings cannot be translated, use a template with fields: {formatted}"
    missing = [t for t in texts if t not in i18n.TEXT_RU]
    assert not missing, missing
    assert all(i18n.translated_template(t) for t in texts)


def test_catalogue_values_are_russian_and_keep_the_fields():
    for english, russian in i18n.TEXT_RU.items():
        assert russian.strip(), english
        assert _fields(english) == _fields(russian), english
    latin = {value: english_words("<p>" + re.sub(r"\{[^}]*\}", " ", value) + "</p>", ALLOWED)
               for value in i18n.TEXT_RU.values()
               if not CYRILLIC.search(value)}
    assert not {value for value, words in latin.items() if words}, latin


def test_module_labels_are_in_the_catalogue():
    labels = [*rfm.SEGMENTS, rfm.NOT_YET]
    for rule in quality.RULES.values():
        labels.extend(rule)
    assert not [label for label in labels if label not in i18n.TEXT_RU]


def test_sentence_formats_numbers_money_and_dates_for_the_language():
    template = "{n:number} checks, {share:percent} and {delta:+percent0}: {cost:money} on {day:date}"
    i18n.TEXT_RU[template] = ("{n:number} чеков, {share:percent} и {delta:+percent0}: {cost:money} на "
                              "{day:date}")
    try:
        fields = {"n": 12345, "share": 0.1234, "delta": 0.05, "cost": 1500.0,
                  "day": pd.Timestamp("2024-12-31")}
        assert (i18n.sentence(template, "en", "RUB", **fields)
                == "12,345 checks, 12.3% and +5%: 1,500\u00a0RUB on 31 Dec 2024")
        assert (i18n.sentence(template, "ru", "RUB", **fields)
                == "12\u00a0345 чеков, 12,3\u00a0% и +5\u00a0%: 1\u00a0500\u00a0₽ на 31.12.2024")
    finally:
        del i18n.TEXT_RU[template]
    assert i18n.sentence("{group}", "ru", group="members") == "Участники"
    assert i18n.text("Not in the catalogue", "ru") == "Not in the catalogue"


def test_tables_keep_number_formats_and_translate_headers_and_labels():
    frame = pd.DataFrame({"segment": pd.Series(["Champions", "Lost"], dtype="string"),
                          "customers": [1200, 3], "revenue_share": [0.25, 0.01]})
    html = format_table(frame, "ru").to_html()
    assert "Сегмент" in html and "Чемпионы" in html and "Доля выручки" in html
    assert "25,0\u00a0%" in html and "1\u00a0200" in html
    assert "revenue_share" in format_table(frame).to_html()
    assert list(translate_frame(frame, "ru")["Сегмент"]) == ["Чемпионы", "Потерянные"]
    assert translate_frame(frame, "en") is frame


def test_figure_words_are_translated():
    figure, axes = plt.subplots()
    axes.bar(["Champions", "Lost"], [1, 2], label="members")
    axes.set(title="Monthly churn rate", xlabel="cohort", ylabel="checks")
    axes.legend()
    translate_figure(figure, "ru")
    assert axes.get_title() == "Отток по месяцам" and axes.get_ylabel() == "Чеки"
    assert [t.get_text() for t in axes.get_xticklabels()] == ["Чемпионы", "Потерянные"]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Участники"]
    plt.close(figure)


# --- (c) a Russian run -------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The text a reader sees: no style, script or code (config keys and identifiers)."""

    HIDDEN = {"style", "script", "code"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


# Proper terms, method names and abbreviations kept in Latin letters in Russian texts.
ALLOWED = {
    "NPS", "CRR", "RFM", "CLV", "ROI", "ROMI", "BG", "NBD", "Pareto", "Gamma", "DiD", "CSAT", "LFL", "YoY",
    "Gamma-Gamma", "MoM", "WoW", "SMD", "ARPU", "CRM", "email", "UTC", "Recency", "Frequency", "Monetary",
    "buy-till-you-die", "breakage", "Fader", "Hardie", "alive", "Demo", "Retail", "RUB", "null",
}


def english_words(html: str, allowed: set[str]) -> set[str]:
    """Latin words of 4+ letters in the visible text that are not allowed terms; tokens with a dot
    (file names, config keys) are left out."""
    parser = _VisibleText()
    parser.feed(html)
    words = set()
    for token in " ".join(parser.parts).split():
        token = token.strip(".,;:()[]«»\"'!?*")
        if "." in token or token in allowed:
            continue
        for word in re.findall(r"[A-Za-z][A-Za-z'-]*", token):
            if sum(c.isalpha() for c in word) >= 4 and word.strip("-'") not in allowed:
                words.add(word)
    return words


def _russian_project(sample_project, tmp_path_factory) -> Path:
    """A copy of the sample project whose demo client is set to Russian."""
    source, _ = sample_project
    project = tmp_path_factory.mktemp("ru") / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("reports"))
    client = project / "config" / "clients" / "demo.yaml"
    client.write_text(client.read_text(encoding="utf-8") + "\nlanguage: ru\n", encoding="utf-8")
    return project


def _data_words(project: Path) -> set[str]:
    """Identifiers that come from the client's data (campaign ids), shown as they are."""
    campaigns = pd.read_csv(project / "data" / "raw" / "demo" / "campaigns.csv", sep=";", encoding="utf-8")
    return set(campaigns["campaign"].astype(str))


def _check_russian_report(result, project: Path) -> str:
    assert result.status == "complete", result.error
    page = (result.bundle / "index.html").read_text(encoding="utf-8")
    allowed = ALLOWED | _data_words(project) | set(re.findall(r"[A-Za-z]+", result.run_id))
    leftovers = english_words(page, allowed)
    assert not leftovers, sorted(leftovers)
    return page


@pytest.fixture(scope="module")
def russian_run(sample_project, tmp_path_factory):
    """The sample project run in Russian for three sections: (RunResult, project)."""
    from {{ cookiecutter.package_name }}.runner import run_client

    project = _russian_project(sample_project, tmp_path_factory)
    return run_client(project, "demo", only=["data_quality", "rfm", "cohorts"], progress=False), project


def test_russian_report_has_no_untranslated_english_word(russian_run):
    page = _check_russian_report(*russian_run)
    assert "Качество данных" in page and "RFM-сегменты" in page and "Когорты и удержание" in page


def test_russian_tables_xlsx_has_russian_headers(russian_run):
    result, _ = russian_run
    sheet = pd.read_excel(result.bundle / "tables.xlsx", sheet_name="rfm_segments")
    assert "Сегмент" in sheet.columns and "Чемпионы" in set(sheet["Сегмент"])
    contents = pd.read_excel(result.bundle / "tables.xlsx", sheet_name="contents")
    assert list(contents.columns) == ["Лист", "Подпись"]
    assert "Клиенты по оценкам давности и частоты" not in set(contents["Подпись"])  # a figure, not a table
    assert "Чеки, затронутые каждым правилом" in set(contents["Подпись"])


@pytest.mark.slow
def test_russian_report_of_every_section_has_no_untranslated_english_word(sample_project, tmp_path_factory):
    from {{ cookiecutter.package_name }}.runner import run_client

    project = _russian_project(sample_project, tmp_path_factory)
    result = run_client(project, "demo", progress=False)
    page = _check_russian_report(result, project)
    for title in ("Показатели программы", "Пожизненная ценность клиента (CLV)", "Эффект программы и ROI"):
        assert title in page

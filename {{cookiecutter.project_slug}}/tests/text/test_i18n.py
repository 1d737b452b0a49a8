"""Language of the report: one catalogue of named texts (same names and fields in en and ru, every
key the package uses registered), the Russian markdown of every notebook, and a Russian run whose report
shows no untranslated English word."""

import ast
import importlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from {{ cookiecutter.package_name }}.report import texts as frame_texts  # noqa: E402,F401  (registers report.*, dq.*)
from {{ cookiecutter.package_name }}.report.html import markdown_source, notebook_title  # noqa: E402
from {{ cookiecutter.package_name }}.run.context import format_table, translate_figure, translate_frame  # noqa: E402
from {{ cookiecutter.package_name }}.sections import registered  # noqa: E402
from {{ cookiecutter.package_name }}.text import catalogue, common  # noqa: E402,F401
from {{ cookiecutter.package_name }}.text.catalogue import CatalogueError, fields_of, label  # noqa: E402

PACKAGE = "{{ cookiecutter.package_name }}"
PROJECT = Path(__file__).resolve().parents[2]
SOURCE = Path(importlib.import_module(PACKAGE).__file__).parent
NOTEBOOKS = sorted((PROJECT / "notebooks").glob("*.ipynb"))
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
SECTIONS = registered()  # every section registers its texts on import


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


def test_registering_texts_whose_languages_differ_is_refused():
    with pytest.raises(CatalogueError, match="fields differ"):
        catalogue.register("test_mismatch", {"en": {"a": "{x} checks"}, "ru": {"a": "{y} чеков"}})
    with pytest.raises(CatalogueError, match="not in both languages"):
        catalogue.register("test_mismatch", {"en": {"a": "checks", "b": "more"}, "ru": {"a": "чеки"}})
    with pytest.raises(CatalogueError, match="registered twice"):
        catalogue.register("report", {"en": {"title": "Another title"}, "ru": {"title": "Другое"}})
    assert not catalogue.has("test_mismatch.a") and not catalogue.has("test_mismatch.b")


def test_every_registered_name_has_the_same_fields_in_both_languages():
    english, russian = catalogue.keys("en"), catalogue.keys("ru")
    assert english == russian
    assert {"common.skipped", "report.title", "dq.rows", "method.group.program"} <= set(english)
    for key in english:
        assert fields_of(catalogue.template(key, "en")) == fields_of(catalogue.template(key, "ru")), key


TEXT_CALLS = {"say": 0, "skip": 0, "table": 2, "chart": 2}  # Step method -> position of its text key


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a string (KEY = "rfm")."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            found.update({target.id: node.value.value for target in node.targets
                          if isinstance(target, ast.Name)})
    return found


def _key(node: ast.AST, names: dict[str, str]) -> str | None:
    """A text key written as a literal or an f-string of module constants; None when computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name) \
                    and value.value.id in names:
                parts.append(names[value.value.id])
            else:
                return None
        return "".join(parts)
    return None


def _used_keys(path: Path) -> list[tuple[str, int]]:
    """The text keys a module passes to `.say / .skip` (first argument), `.table / .chart` (third) and
    `Text(...)` (first), with their line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _constants(tree)
    if "KEY" not in names and path.parent.parent.name == "sections":
        names["KEY"] = path.parent.name  # a section's KEY imported from its section module
    used = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in TEXT_CALLS:
            position = TEXT_CALLS[func.attr]
        elif isinstance(func, (ast.Name, ast.Attribute)) and getattr(func, "id", getattr(func, "attr", "")) \
                == "Text":
            position = 0
        else:
            continue
        if len(node.args) > position:
            key = _key(node.args[position], names)
            if key is not None:
                used.append((key, node.lineno))
    return used


def _is_key(text: str) -> bool:
    return re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+", text) is not None


def test_every_text_key_used_in_the_package_is_in_the_catalogue():
    sources = [p for p in SOURCE.rglob("*.py") if p.name != "i18n.py"]
    used = {(str(path.relative_to(SOURCE)), line, key) for path in sources
            for key, line in _used_keys(path) if _is_key(key)}
    assert used, "no text key found: the scan is broken"
    missing = sorted(entry for entry in used if not catalogue.has(entry[2]))
    assert not missing, missing


def test_the_report_frame_texts_are_in_the_catalogue():
    keys = set(catalogue.keys())
    for section in SECTIONS:
        for tile in section.tiles:
            assert f"tile.{tile.name}" in keys, (section.key, tile.name)
        for group in section.methodology:
            assert f"method.group.{group.group}" in keys
            for entry in group.entries:
                assert {f"method.{entry}.{part}" for part in ("title", "formula", "text")} <= keys, entry


def _constant_text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


NOTEBOOK_TEXT_CALLS = {"say", "skip", "t"}
CAPTION_CALLS = {"show_table", "show_figure"}


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
            if method in NOTEBOOK_TEXT_CALLS and node.args:
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


def _translated(text: str) -> bool:
    """A notebook's text is a catalogue name."""
    return catalogue.has(text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_texts_are_in_the_catalogue_with_the_same_fields(path):
    texts, formatted = _notebook_texts(path)
    assert not formatted, f"f-strings cannot be translated, use a template with fields: {formatted}"
    missing = [t for t in texts if not _translated(t)]
    assert not missing, missing


def _russian_texts() -> dict[str, str]:
    """Every Russian text: the catalogue's templates and labels."""
    texts = {key: catalogue.template(key, "ru") for key in catalogue.keys("ru")}
    texts.update({f"label:{word}": label(word, "ru") for word in catalogue._LABELS["ru"]})
    return texts


def test_catalogue_values_are_russian_and_keep_the_fields():
    texts = _russian_texts()
    for name, russian in texts.items():
        english = catalogue.template(name, "en") if catalogue.has(name) else name
        assert russian.strip() or not english.strip(), name  # empty only where the English is
    latin = {value: english_words("<p>" + re.sub(r"\{[^}]*\}", " ", value) + "</p>", ALLOWED)
             for value in texts.values() if not CYRILLIC.search(value)}
    assert not {value for value, words in latin.items() if words}, latin


def _has_russian(word: str) -> bool:
    return label(word, "ru") != word


def test_module_labels_are_in_the_catalogue():
    from {{ cookiecutter.package_name }}.sections import rfm
    from {{ cookiecutter.package_name }}.sections.data_quality.metrics import RULES as rules
    labels = [*rfm.SEGMENTS, rfm.NOT_YET]
    for rule in rules.values():
        labels.extend(rule)
    assert not [word for word in labels if not _has_russian(word)]


def test_templates_format_numbers_money_and_dates_for_the_language():
    catalogue.register("test_formats", {
        "en": {"line": "{n:number} checks, {share:percent} and {delta:+percent0}: {cost:money} "
                       "on {day:date}"},
        "ru": {"line": "{n:number} чеков, {share:percent} и {delta:+percent0}: {cost:money} "
                       "на {day:date}"},
    })
    fields = {"n": 12345, "share": 0.1234, "delta": 0.05, "cost": 1500.0, "day": pd.Timestamp("2024-12-31")}
    assert (catalogue.render("test_formats.line", "en", "RUB", **fields)
            == "12,345 checks, 12.3% and +5%: 1,500\u00a0RUB on 31 Dec 2024")
    assert (catalogue.render("test_formats.line", "ru", "RUB", **fields)
            == "12\u00a0345 чеков, 12,3\u00a0% и +5\u00a0%: 1\u00a0500\u00a0₽ на 31.12.2024")
    assert catalogue.format_template("{group}", "ru", "", group="members") == "Участники"
    assert label("Not in the catalogue", "ru") == "Not in the catalogue"
    skipped = catalogue.Text(common.SKIPPED, {"reason": catalogue.Text("common.membership_unknown")})
    assert skipped.render("ru").startswith("**Пропущено:** членство в программе неизвестно")


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
    axes.set(title="month", xlabel="cohort", ylabel="checks")
    axes.legend()
    translate_figure(figure, "ru")
    assert axes.get_title() == "Месяц" and axes.get_ylabel() == "Чеки"
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
    "Qini", "T-learner", "X-learner",
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
    from {{ cookiecutter.package_name }}.run.runner import run_client

    project = _russian_project(sample_project, tmp_path_factory)
    return run_client(project, "demo", only=["data_quality", "rfm", "retention"], progress=False), project


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
    from {{ cookiecutter.package_name }}.run.runner import run_client

    project = _russian_project(sample_project, tmp_path_factory)
    result = run_client(project, "demo", progress=False)
    page = _check_russian_report(result, project)
    for title in ("Показатели программы", "Пожизненная ценность клиента (CLV)", "Эффект программы и ROI"):
        assert title in page

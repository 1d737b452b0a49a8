"""A partial run's report: the failed section's kpis.json block is null, the section shows its error in
plain words (no traceback), the cover carries a banner naming it, in English and Russian."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.report.html import (
    partial_banner,
    render_failed,
    report_context,
    write_index_html,
)
from {{ cookiecutter.package_name }}.report.kpis_json import write_kpis
from {{ cookiecutter.package_name }}.run.context import PARTS, RUN_FILE

TRACEBACK = ["Traceback (most recent call last)", 'File "/somewhere/program/section.py", line 12']


def executed(path: Path, title_en: str, title_ru: str, *, error: tuple[str, str] | None = None) -> Path:
    """An executed notebook: a heading (with its Russian text), one shown sentence and, with `error`,
    a failing cell whose output holds the error and a traceback."""
    heading = new_markdown_cell(f"# {title_en}\n\nIntro.", metadata={"i18n": {"ru": f"# {title_ru}"}})
    shown = new_code_cell("ctx.show(step)", outputs=[
        new_output("display_data", data={"text/markdown": "A sentence computed before the error."})])
    cells = [heading, shown]
    if error:
        cells.append(new_code_cell("boom()", outputs=[
            new_output("error", ename=error[0], evalue=error[1], traceback=TRACEBACK)]))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture
def run_dir(tmp_path: Path, project: Path) -> tuple[Path, dict]:
    """A bundle being written: two sections, program ran (kpis recorded), rfm failed after recording."""
    folder = tmp_path / "run"
    (folder / PARTS / "kpis").mkdir(parents=True)
    (folder / PARTS / RUN_FILE).write_text(json.dumps(
        {"client": "demo", "run_id": "20250101-000000-abcd", "cache_dir": "", "period": ["2024-01-01",
                                                                                         "2024-12-31"]}))
    (folder / PARTS / "kpis" / "program.json").write_text(json.dumps({"members": 1200}))
    (folder / PARTS / "kpis" / "rfm.json").write_text(json.dumps({"champions": 17}))
    executed(folder / "notebooks" / "10_program.ipynb", "Program KPIs", "Показатели программы")
    executed(folder / "notebooks" / "20_rfm.ipynb", "RFM segments", "RFM-сегменты",
             error=("KeyError", "'checks'"))
    config = load_config(project, "demo")
    return folder, config


def test_the_failed_sections_block_is_null_and_meta_names_it(run_dir):
    folder, config = run_dir
    kpis = write_kpis(folder, config, order=["program", "rfm"], failed=["rfm"])
    assert kpis["program"] == {"members": 1200}
    assert kpis["rfm"] is None  # what it recorded before failing is not published
    assert kpis["meta"]["failed_sections"] == ["rfm"]
    assert list(kpis) == ["meta", "program", "rfm"]
    assert json.loads((folder / "kpis.json").read_text())["rfm"] is None
    complete = write_kpis(folder, config, order=["program", "rfm"])
    assert "failed_sections" not in complete["meta"] and complete["rfm"] == {"champions": 17}


def test_the_page_shows_the_error_in_plain_words_and_a_banner(run_dir):
    folder, config = run_dir
    write_kpis(folder, config, order=["program", "rfm"], failed=["rfm"])
    notebooks = sorted((folder / "notebooks").glob("*.ipynb"))
    page = write_index_html(folder, config, notebooks, failed={"rfm": "KeyError: 'checks'"}).read_text()
    assert ('<p class="partial" role="alert">This report is partial: section “RFM segments” failed. '
            "Every other section is complete; the failed one shows its error.</p>") in page
    assert "<pre class='error'>KeyError: &#x27;checks&#x27;</pre>" in page
    assert "is in the bundle: notebooks/20_rfm.ipynb." in page
    assert "Traceback" not in page and "section.py" not in page
    assert page.count("A sentence computed before the error.") == 1  # the program section's, not rfm's
    assert '<section id="20_rfm" class="failed">' in page and '<section id="10_program">' in page
    assert '<a href="#20_rfm">RFM segments</a>' in page  # still in the contents


def test_a_complete_page_has_no_banner(run_dir):
    folder, config = run_dir
    notebooks = [folder / "notebooks" / "10_program.ipynb"]
    context = report_context(folder, config, notebooks)
    assert context["partial"] == ""
    assert "class=\"partial\"" not in write_index_html(folder, config, notebooks).read_text()


def test_banner_and_notice_in_russian(run_dir):
    folder, config = run_dir
    config = {**config, "language": "ru"}
    notebooks = sorted((folder / "notebooks").glob("*.ipynb"))
    context = report_context(folder, config, notebooks, failed={"rfm": "KeyError: 'checks'"})
    assert context["partial"] == ("Отчёт неполный: раздел «RFM-сегменты» завершился ошибкой. Остальные "
                                  "разделы полные; у раздела с ошибкой показана её причина.")
    failed = context["sections"][1]
    assert failed["title"] == "RFM-сегменты" and failed["failed"]
    assert "Этот раздел не удалось рассчитать" in failed["html"]
    assert partial_banner(["Удержание", "CLV"], "ru") == (
        "Отчёт неполный: разделы «Удержание», «CLV» завершились ошибкой. Остальные разделы полные; у "
        "разделов с ошибкой показана её причина.")
    assert partial_banner(["Retention", "CLV"], "en").startswith(
        "This report is partial: sections “Retention”, “CLV” failed.")


def test_a_notebook_that_left_no_file_is_shown_by_its_section_title(tmp_path):
    """A kernel that died before papermill saved anything: the section's catalogue title and the
    runner's error line."""
    section = render_failed(tmp_path / "notebooks" / "20_rfm.ipynb", "DeadKernelError: Kernel died")
    assert section["title"] == "RFM segments"
    assert "<pre class='error'>DeadKernelError: Kernel died</pre>" in section["html"]

"""index.html from the executed notebooks, around the report frame (`summary`).

index.html shows every notebook's prose and outputs without code, in run order, so every registered
section appears in the report. It is self-contained: images are embedded as data URIs and no script or
style is loaded from anywhere (nbconvert's templates link require.js and MathJax from a CDN and ignore
`source_hidden`, nbconvert#506, so the page is built here from the notebook JSON). Markdown cells are
shown in the run's language: their ``metadata.i18n.<language>`` text when they have one.

In a partial run a section whose notebook failed is shown by its heading and its error in plain words
(type and message, no traceback: the executed notebook in the bundle has the failing cell), not by
what it showed before failing; the cover carries a banner naming the failed sections.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mistune
import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..run.context import PARTS, RUN_FILE
from ..sections.registry import registered
from ..text import catalogue
from ..text.catalogue import DEFAULT_LANGUAGE
from ..text.formats import format_date
from . import summary
from .kpis_json import report_kpis
from .texts import frame_labels

TEMPLATES = Path(__file__).parent / "templates"

# papermill-error-cell-tag: the "An Exception was encountered" cell papermill puts atop a failed notebook
SKIPPED_TAGS = {"parameters", "injected-parameters", "remove-output", "papermill-error-cell-tag"}


def markdown_source(cell: nbformat.NotebookNode, language: str = DEFAULT_LANGUAGE) -> str:
    """A markdown cell's text in `language`: its translation in ``metadata.i18n.<language>`` when it
    has one, else the cell's own (English) source."""
    translated = cell.get("metadata", {}).get("i18n", {}).get(language)
    return translated if translated else cell.source


def notebook_title(notebook: nbformat.NotebookNode, fallback: str,
                   language: str = DEFAULT_LANGUAGE) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in markdown_source(cell, language).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def render_outputs(cell: nbformat.NotebookNode) -> list[str]:
    """HTML of a code cell's rich outputs (tables, figures, markdown); code and logs are left out."""
    parts = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "error":
            parts.append(f"<pre class='error'>{html.escape(output.get('ename', ''))}: "
                         f"{html.escape(output.get('evalue', ''))}</pre>")
            continue
        if kind not in ("display_data", "execute_result"):
            continue  # stream output is logging, not report content
        data = output.get("data", {})
        if "text/html" in data:
            parts.append(_join(data["text/html"]))
        elif "image/png" in data:
            parts.append(f"<img class='figure' alt='figure' src='data:image/png;base64,"
                         f"{_join(data['image/png']).strip()}'>")
        elif "text/markdown" in data:
            parts.append(mistune.html(_join(data["text/markdown"])))
    return parts


def _join(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def render_notebook(path: Path, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A section of the report from an executed notebook: its markdown in `language`, its outputs."""
    notebook = nbformat.read(path, as_version=4)
    blocks = []
    for cell in notebook.cells:
        if SKIPPED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            blocks.append(mistune.html(markdown_source(cell, language)))
        elif cell.cell_type == "code":
            blocks.extend(render_outputs(cell))
    anchor = path.stem
    return {"anchor": anchor, "title": notebook_title(notebook, anchor, language), "html": "\n".join(blocks)}


def notebook_error(notebook: nbformat.NotebookNode) -> str | None:
    """The error a notebook stopped with, as "<type>: <message>" (no traceback), or None."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename', '')}: {output.get('evalue', '')}".strip(": ")
    return None


def section_key(path: Path) -> str:
    """The section key of a notebook ``NN_<key>.ipynb``."""
    return path.stem.split("_", 1)[-1]


def render_failed(path: Path, error: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A section whose notebook failed: its heading (the section's title when no notebook was saved),
    a notice and the error in plain words (the notebook's own error when it was saved, else `error`)."""
    notebook = nbformat.read(path, as_version=4) if path.is_file() else None
    titles = {section.key: section.title for section in registered()}
    key = section_key(path)
    fallback = catalogue.render(titles[key], language) if key in titles else key
    title = fallback if notebook is None else notebook_title(notebook, fallback, language)
    message = (None if notebook is None else notebook_error(notebook)) or error
    notice = catalogue.render("partial.section_failed", language, notebook=f"notebooks/{path.name}")
    body = (f"<h1>{html.escape(title)}</h1>\n<div class='failed'><p>{html.escape(notice)}</p>"
            f"<pre class='error'>{html.escape(message)}</pre></div>")
    return {"anchor": path.stem, "title": title, "html": body, "failed": True}


def partial_banner(titles: list[str], language: str = DEFAULT_LANGUAGE) -> str:
    """The cover's banner of a partial report naming the failed sections ("" when none failed)."""
    quoted = [catalogue.render("partial.quoted", language, title=title) for title in titles]
    if not quoted:
        return ""
    if len(quoted) == 1:
        return catalogue.render("partial.banner_one", language, section=quoted[0])
    return catalogue.render("partial.banner_many", language, sections=", ".join(quoted))


def report_context(run_dir: Path, config: dict[str, Any], executed: list[Path],
                   today: dt.date | None = None, failed: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What templates/report.html.j2 needs: labels of the frame in the report's language, the cover
    (with the banner of a partial run), the executive summary (tiles, findings), the sections and the
    appendices (see `summary`). `failed`: section key -> error of the sections whose notebook failed."""
    run = json.loads((run_dir / PARTS / RUN_FILE).read_text(encoding="utf-8"))
    language = config["language"]
    kpis = report_kpis(run_dir, config)
    frame = summary.report_frame(kpis, language)
    failed = failed or {}
    sections = [render_failed(p, failed[section_key(p)], language) if section_key(p) in failed
                else render_notebook(p, language) for p in executed]
    return {
        "partial": partial_banner([s["title"] for s in sections if s.get("failed")], language),
        "labels": frame_labels(language), "language": language, "client": config["name"],
        "currency": config["currency"], "period": frame["period"], "run_id": run["run_id"],
        "generated": format_date(today or dt.date.today(), language),
        "tiles": frame["tiles"], "findings": frame["findings"], "methodology": frame["methodology"],
        "data_quality": frame["data_quality"], "sections": sections,
    }


def write_index_html(run_dir: Path, config: dict[str, Any], executed: list[Path],
                     failed: Mapping[str, str] | None = None) -> Path:
    """index.html of the run (`failed`: section key -> error, see `report_context`)."""
    run_dir = Path(run_dir)
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    context = report_context(run_dir, config, executed, failed=failed)
    page = environment.get_template("report.html.j2").render(**context)
    target = run_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target

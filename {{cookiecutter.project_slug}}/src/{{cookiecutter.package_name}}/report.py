"""Assemble the bundle from the executed notebooks: index.html, kpis.json, tables.xlsx.

index.html shows every notebook's prose and outputs without code, in notebook order, so a new section
appears in the report just by existing. It is self-contained: images are embedded as data URIs and no
script or style is loaded from anywhere (nbconvert's templates link require.js and MathJax from a CDN
and ignore `source_hidden`, nbconvert#506, so the page is built here from the notebook JSON).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import mistune
import nbformat
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import i18n, pdf, summary
from .context import PARTS, RUN_FILE

TEMPLATES = Path(__file__).parent / "templates"

SKIPPED_TAGS = {"parameters", "injected-parameters", "remove-output"}


def build_bundle(run_dir: Path, config: dict[str, Any], notebooks: list[Path]) -> str:
    """Write kpis.json, tables.xlsx, index.html and report.pdf into `run_dir` from what the notebooks
    left there; return one sentence on the PDF (made, or why not: a missing browser is no failure)."""
    run_dir = Path(run_dir)
    executed = [run_dir / "notebooks" / nb.name for nb in notebooks]
    write_kpis(run_dir, config, order=[_section(nb) for nb in notebooks])
    write_index_html(run_dir, config, executed)
    # the browser prints the PDF from index.html while this process writes the workbook (2-4 s each)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as side:
        printing = side.submit(pdf.write_pdf, run_dir, config)
        write_tables_xlsx(run_dir, config["language"], config["report"]["xlsx_max_rows"])
        return printing.result()


def _section(notebook: Path) -> str:
    return notebook.stem.split("_", 1)[1]


def merge_kpis(run_dir: Path, order: list[str]) -> dict[str, Any]:
    """kpis/<section>.json files merged under their section names, in notebook order."""
    recorded = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((run_dir / PARTS / "kpis").glob("*.json"))}
    ranked = sorted(recorded, key=lambda s: (order.index(s) if s in order else len(order), s))
    return {section: recorded[section] for section in ranked}


def write_kpis(run_dir: Path, config: dict[str, Any], order: list[str]) -> dict[str, Any]:
    run = json.loads((run_dir / PARTS / RUN_FILE).read_text(encoding="utf-8"))
    kpis = {
        "meta": {"client": config["client"], "name": config["name"], "run_id": run["run_id"],
                 "period": {"start": run["period"][0], "end": run["period"][1]},
                 "currency": config["currency"], "language": config["language"]},
        **merge_kpis(run_dir, order),
    }
    (run_dir / "kpis.json").write_text(json.dumps(kpis, indent=2, ensure_ascii=False), encoding="utf-8")
    return kpis


EXPORTS = "exports"


def write_tables_xlsx(run_dir: Path, language: str = i18n.DEFAULT_LANGUAGE,
                      max_rows: int = 10_000) -> Path:
    """Every table a notebook showed, one sheet each, plus a contents sheet with the captions (its
    headers in `language`; the tables and captions were saved in it by `RunContext.show_table`).

    A table longer than `max_rows` (per-customer lists for CRM activation) goes to
    ``exports/<name>.csv`` instead, UTF-8 with a byte-order mark so that Excel shows Cyrillic: openpyxl
    writes ~50,000 cells a second (a 1M-check client's customer lists took 20 s) and a sheet ends at
    1,048,576 rows. The contents sheet names the file.
    """
    folder = run_dir / PARTS / "tables"
    paths = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    target = run_dir / "tables.xlsx"
    contents = []
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for path in paths:
            meta_path = path.with_suffix(".json")
            caption = json.loads(meta_path.read_text(encoding="utf-8"))["caption"] if meta_path.is_file() \
                else ""
            frame = pd.read_parquet(path)
            if len(frame) > max_rows:
                export = Path(EXPORTS) / f"{path.stem}.csv"
                (run_dir / EXPORTS).mkdir(exist_ok=True)
                frame.to_csv(run_dir / export, index=False, encoding="utf-8-sig")
                contents.append({"sheet": export.as_posix(), "caption": caption})
                continue
            sheet = path.stem[:31]
            contents.append({"sheet": sheet, "caption": caption})
            _excel_ready(frame).to_excel(writer, sheet_name=sheet, index=False)
        headers = [i18n.text(header, language) for header in ("sheet", "caption")]
        pd.DataFrame(contents, columns=["sheet", "caption"]).set_axis(headers, axis=1).to_excel(
            writer, sheet_name="contents", index=False)
        writer.book.move_sheet("contents", offset=-len(writer.book.sheetnames) + 1)
        for sheet in writer.book.worksheets:
            for column in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    return target


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no periods, intervals or time zones: show them as text."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype, pd.DatetimeTZDtype)):
            out[column] = out[column].astype(str)
    return out


def markdown_source(cell: nbformat.NotebookNode, language: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A markdown cell's text in `language`: its translation in ``metadata.i18n.<language>`` when it
    has one, else the cell's own (English) source."""
    translated = cell.get("metadata", {}).get("i18n", {}).get(language)
    return translated if translated else cell.source


def notebook_title(notebook: nbformat.NotebookNode, fallback: str,
                   language: str = i18n.DEFAULT_LANGUAGE) -> str:
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


def render_notebook(path: Path, language: str = i18n.DEFAULT_LANGUAGE) -> dict[str, str]:
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


def report_kpis(run_dir: Path, config: dict[str, Any]) -> dict[str, Any]:
    """The merged kpis of the run: kpis.json when written (build_bundle writes it first), else merged
    from the sections' parts without writing anything."""
    path = run_dir / "kpis.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    run = json.loads((run_dir / PARTS / RUN_FILE).read_text(encoding="utf-8"))
    return {"meta": {"client": config["client"], "name": config["name"], "run_id": run["run_id"],
                     "period": {"start": run["period"][0], "end": run["period"][1]},
                     "currency": config["currency"], "language": config["language"]},
            **merge_kpis(run_dir, order=[])}


def report_context(run_dir: Path, config: dict[str, Any], executed: list[Path],
                   today: dt.date | None = None) -> dict[str, Any]:
    """What templates/report.html.j2 needs: labels of the frame in the report's language, the cover,
    the executive summary (tiles, findings), the sections and the appendices (see `summary`)."""
    run = json.loads((run_dir / PARTS / RUN_FILE).read_text(encoding="utf-8"))
    language = config["language"]
    kpis = report_kpis(run_dir, config)
    frame = summary.report_frame(kpis, language)
    return {
        "labels": i18n.labels(language), "language": language, "client": config["name"],
        "currency": config["currency"], "period": frame["period"], "run_id": run["run_id"],
        "generated": summary.format_date(today or dt.date.today(), language),
        "tiles": frame["tiles"], "findings": frame["findings"], "methodology": frame["methodology"],
        "data_quality": frame["data_quality"], "sections": [render_notebook(p, language) for p in executed],
    }


def write_index_html(run_dir: Path, config: dict[str, Any], executed: list[Path]) -> Path:
    run_dir = Path(run_dir)
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    page = environment.get_template("report.html.j2").render(**report_context(run_dir, config, executed))
    target = run_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target

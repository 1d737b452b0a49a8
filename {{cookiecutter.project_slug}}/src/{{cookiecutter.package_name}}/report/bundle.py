"""Assemble the bundle from the executed notebooks: kpis.json, index.html, tables.xlsx, report.pdf."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import pdf
from .html import write_index_html
from .kpis_json import write_kpis
from .xlsx import write_tables_xlsx


def build_bundle(run_dir: Path, config: dict[str, Any], notebooks: list[Path],
                 order: list[str] | None = None) -> str:
    """Write kpis.json, tables.xlsx, index.html and report.pdf into `run_dir` from what the notebooks
    left there; return one sentence on the PDF (made, or why not: a missing browser is no failure).
    `order`: the sections' keys in run order (kpis.json's blocks follow it)."""
    run_dir = Path(run_dir)
    executed = [run_dir / "notebooks" / nb.name for nb in notebooks]
    write_kpis(run_dir, config, order=order if order is not None else [_section(nb) for nb in notebooks])
    write_index_html(run_dir, config, executed)
    # the browser prints the PDF from index.html while this process writes the workbook (2-4 s each)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as side:
        printing = side.submit(pdf.write_pdf, run_dir, config)
        write_tables_xlsx(run_dir, config["language"], config["report"]["xlsx_max_rows"])
        return printing.result()


def _section(notebook: Path) -> str:
    return notebook.stem.split("_", 1)[1]

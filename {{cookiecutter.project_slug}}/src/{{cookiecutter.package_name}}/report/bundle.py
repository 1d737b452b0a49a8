"""Assemble the bundle from the executed notebooks: kpis.json, index.html, tables.xlsx, report.pdf."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..run.context import PARTS, SAVED_AS
from . import pdf
from .html import write_index_html
from .kpis_json import write_kpis
from .xlsx import write_tables_xlsx


def build_bundle(run_dir: Path, config: dict[str, Any], notebooks: list[Path],
                 order: list[str] | None = None, failed: Mapping[str, str] | None = None) -> str:
    """Write kpis.json, tables.xlsx, index.html and report.pdf into `run_dir` from what the notebooks
    left there; return one sentence on the PDF (made, or why not: a missing browser is no failure).
    `order`: the sections' keys in run order (kpis.json's blocks follow it). `failed`: section key ->
    the first line of its error, for the sections whose notebook failed (a partial run): their
    kpis.json blocks are null and the report shows them failed, with a banner on the cover."""
    run_dir = Path(run_dir)
    failed = dict(failed or {})
    executed = [run_dir / "notebooks" / nb.name for nb in notebooks]
    write_kpis(run_dir, config, order=order if order is not None else [_section(nb) for nb in notebooks],
               failed=list(failed))
    withdraw_saved(run_dir, [nb for nb in executed if _section(nb) in failed])
    write_index_html(run_dir, config, executed, failed)
    # the browser prints the PDF from index.html while this process writes the workbook (2-4 s each)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as side:
        printing = side.submit(pdf.write_pdf, run_dir, config)
        write_tables_xlsx(run_dir, config["language"], config["report"]["xlsx_max_rows"])
        return printing.result()


def withdraw_saved(run_dir: Path, executed: list[Path]) -> list[str]:
    """Remove the tables (from tables.xlsx) and figures (figures/*.png) that the failed sections'
    notebooks `executed` saved before they failed, as their kpis.json blocks are null and the report
    shows only their error (the executed notebooks keep everything); return what was removed."""
    import nbformat

    removed = []
    for path in executed:
        if not path.is_file():
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                saved = str(output.get("metadata", {}).get(SAVED_AS) or "")
                kind, _, name = saved.partition("/")
                files = {"tables": [PARTS + f"/tables/{name}.parquet", PARTS + f"/tables/{name}.json"],
                         "figures": [f"figures/{name}.png"]}.get(kind, [])
                for file in files:
                    (run_dir / file).unlink(missing_ok=True)
                removed += [saved] if files else []
    return removed


def _section(notebook: Path) -> str:
    return notebook.stem.split("_", 1)[1]

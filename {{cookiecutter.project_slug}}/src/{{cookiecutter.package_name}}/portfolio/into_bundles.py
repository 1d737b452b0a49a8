"""`benchmark --into-bundles`: add each client's card to its latest bundle as an extra page of the
report, without re-running the notebooks.

The card becomes a last section of index.html (``<section id="benchmark">``, with its line in the table
of contents) and so a last page of report.pdf, which is printed again from the new index.html when the
bundle has one and a browser is found; ``benchmark.html`` beside them is the card alone, to send on its
own. The report's template leaves empty marked places for it (``<!-- benchmark:page -->``), so a second
benchmark replaces the card instead of adding another; a report written before those marks existed gets
the card before its footer. The manifest records it under ``benchmark`` (portfolio day, number of
clients, files).

Every file is first written beside its target under a hidden name and renamed over it only when all of
them are whole; the manifest, renamed last, is what says the card is there. An interrupted run leaves
the bundle as it was or with the whole card.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..report.pdf import BrowserError, find_chromium, print_to_pdf
from .cards import contents_entry, render_card_section

if TYPE_CHECKING:
    from .benchmark import Benchmark

PAGE, REPORT, PDF, RECORD = "benchmark.html", "index.html", "report.pdf", "benchmark"
PAGE_MARK, CONTENTS_MARK = "benchmark:page", "benchmark:contents"


class ReportNotFound(FileNotFoundError):
    """The bundle has no index.html to add the card to."""


def _between(mark: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- {mark} -->.*?<!-- /{mark} -->", re.DOTALL)


def _place(page: str, mark: str, content: str, fallback: str | None) -> str:
    """`page` with `content` between the marks named `mark` (what was there replaced); without the
    marks, `content` goes before `fallback` (or nowhere when `fallback` is None)."""
    marked = f"<!-- {mark} -->{content}<!-- /{mark} -->"
    pattern = _between(mark)
    if pattern.search(page):
        return pattern.sub(lambda _: marked, page, count=1)
    if fallback is None or fallback not in page:
        return page
    return page.replace(fallback, f"{marked}\n{fallback}", 1)


def insert_card(report: str, section: str, contents: str) -> str:
    """The report page `report` with the card `section` as its last section and `contents` (plain
    text) as the last line of its table of contents; a card already there is replaced."""
    entry = f'<li><a href="#benchmark">{escape(contents)}</a></li>'
    with_page = _place(report, PAGE_MARK, section, "<footer>")
    return _place(with_page, CONTENTS_MARK, entry, None)


def _staged(target: Path) -> Path:
    """A hidden name beside `target` that keeps its extension (Chromium reads a page by it)."""
    return target.with_name(f".{target.stem}.partial{target.suffix}")


def _stage_pdf(page: Path, bundle: Path, browser: str | None) -> Path | None:
    """report.pdf printed from the staged `page` (None when the bundle has no PDF or none can be made)."""
    if browser is None or not (bundle / PDF).is_file():
        return None
    staged = _staged(bundle / PDF)
    try:
        return print_to_pdf(page, staged, browser)
    except (BrowserError, OSError):
        staged.unlink(missing_ok=True)
        return None


def add_card(bundle: Path, section: str, contents: str, card: Path, record: dict,
             browser: str | None = None) -> dict:
    """Add the card to the bundle's index.html (and report.pdf), copy `card` as benchmark.html and
    record `record` (+ the files written) in manifest.json under ``benchmark``."""
    report = bundle / REPORT
    if not report.is_file():
        raise ReportNotFound(f"{bundle}: no {REPORT} to add the benchmark card to")
    staged_page = _staged(report)
    staged_page.write_text(insert_card(report.read_text(encoding="utf-8"), section, contents),
                           encoding="utf-8")
    staged_card = _staged(bundle / PAGE)
    staged_card.write_bytes(card.read_bytes())
    staged_pdf = _stage_pdf(staged_page, bundle, browser)
    manifest_path = bundle / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest[RECORD] = {**record, "report": f"{REPORT}#benchmark", "page": PAGE,
                        "pdf": PDF if staged_pdf else None,
                        "added_at": dt.datetime.now().isoformat(timespec="seconds")}
    staged_manifest = _staged(manifest_path)
    staged_manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(staged_card, bundle / PAGE)
    os.replace(staged_page, report)
    if staged_pdf:
        os.replace(staged_pdf, bundle / PDF)
    os.replace(staged_manifest, manifest_path)
    return manifest[RECORD]


def add_cards(result: Benchmark, pdf: bool = True) -> list[str]:
    """Add every client's card to its latest bundle; one line per client on what was done."""
    browser = find_chromium() if pdf else None
    clients = len(result.clients)
    lines = []
    for slug, card in result.cards.items():
        latest = result.histories[slug].latest
        section = render_card_section(latest, result.columns, result.settings, clients)
        try:
            record = add_card(latest.path, section, contents_entry(latest), card,
                              {"portfolio": result.folder.name, "clients": clients}, browser)
        except ReportNotFound as exc:
            lines.append(f"{slug}: card not added: {exc}")
            continue
        files = ", ".join(f for f in (REPORT, record["pdf"], record["page"]) if f)
        lines.append(f"{slug}: card added to {files} in {latest.path}")
    return lines

"""`benchmark --into-bundles`: add each client's card to its latest bundle, without re-running it.

The card becomes ``benchmark.html`` beside index.html (and ``benchmark.pdf`` when a browser prints it:
the report's PDF is left as it is, the card is its extra page) and the manifest records it under
``benchmark`` (portfolio day, number of clients, files). Every file is written beside its target and
renamed over it (an interrupted run leaves the bundle as it was or with the whole card); the manifest,
renamed last, is what says the card is there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..report.pdf import BrowserError, find_chromium, print_to_pdf

if TYPE_CHECKING:
    from .benchmark import Benchmark

PAGE, PDF, RECORD = "benchmark.html", "benchmark.pdf", "benchmark"


def _replace(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _pdf(page: Path, target: Path, browser: str | None) -> str | None:
    if browser is None:
        return None
    try:
        print_to_pdf(page, target, browser)
    except BrowserError:
        return None
    return target.name


def add_card(bundle: Path, card: Path, day: str, clients: int, browser: str | None = None) -> dict:
    """Copy `card` into `bundle` as benchmark.html (+ benchmark.pdf) and record it in manifest.json."""
    manifest_path = bundle / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    _replace(card, bundle / PAGE)
    record = {"portfolio": day, "clients": clients, "page": PAGE,
              "pdf": _pdf(bundle / PAGE, bundle / PDF, browser),
              "added_at": dt.datetime.now().isoformat(timespec="seconds")}
    manifest[RECORD] = record
    partial = bundle / ".manifest.json.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, manifest_path)
    return record


def add_cards(result: Benchmark, pdf: bool = True) -> list[str]:
    """Add every client's card to its latest bundle; one line per client on what was done."""
    browser = find_chromium() if pdf else None
    lines = []
    for slug, card in result.cards.items():
        bundle = result.histories[slug].latest.path
        record = add_card(bundle, card, result.folder.name, len(result.clients), browser)
        files = ", ".join(f for f in (record["page"], record["pdf"]) if f)
        lines.append(f"{slug}: {files} added to {bundle}")
    return lines

"""Read the clients' bundles: kpis.json and manifest.json of every complete bundle, nothing else.

A bundle is ``reports/<client>/<run_id>/`` (run ids sort by time; hidden ``.writing`` folders and
``<run_id>.failed`` folders are not bundles). Only a manifest whose ``status`` is ``complete`` counts: a
partial bundle lacks a section's numbers and a failed one has none. Folders under ``reports/`` whose
name starts with ``_`` (``_batch``, ``_portfolio``) hold no client.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COMPLETE = "complete"


@dataclass(frozen=True)
class Bundle:
    """One complete bundle of a client: its identity, report language, currency, period, the merged
    run parameters (manifest ``parameters``) and kpis.json."""

    slug: str
    run_id: str
    path: Path
    name: str
    language: str
    currency: str
    period: tuple[str | None, str | None]
    parameters: dict[str, Any] = field(repr=False)
    kpis: dict[str, Any] = field(repr=False)

    @property
    def period_days(self) -> int | None:
        start, end = self.period
        try:
            return (dt.date.fromisoformat(str(end)[:10]) - dt.date.fromisoformat(str(start)[:10])).days + 1
        except ValueError:
            return None

    @property
    def run_day(self) -> str:
        """The run id's day as an ISO date (run ids start with YYYYMMDD)."""
        digits = self.run_id[:8]
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}" if digits.isdigit() else self.run_id


@dataclass(frozen=True)
class History:
    """Every complete bundle of one client, oldest first; `latest` is the one benchmarked."""

    bundles: tuple[Bundle, ...]

    @property
    def latest(self) -> Bundle:
        return self.bundles[-1]

    @property
    def previous(self) -> Bundle | None:
        return self.bundles[-2] if len(self.bundles) > 1 else None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_bundle(folder: Path) -> Bundle | None:
    """The bundle in `folder` when its manifest says complete and both files read; else None."""
    manifest = _read_json(folder / "manifest.json")
    if manifest is None or manifest.get("status") != COMPLETE:
        return None
    kpis = _read_json(folder / "kpis.json")
    if kpis is None:
        return None
    meta = kpis.get("meta") or {}
    parameters = manifest.get("parameters") or {}
    period = meta.get("period") or {}
    return Bundle(
        slug=str(manifest.get("client") or meta.get("client") or folder.parent.name),
        run_id=str(manifest.get("run_id") or folder.name),
        path=folder,
        name=str(meta.get("name") or parameters.get("name") or folder.parent.name),
        language=str(meta.get("language") or parameters.get("language") or "en"),
        currency=str(meta.get("currency") or parameters.get("currency") or "").upper(),
        period=(period.get("start"), period.get("end")),
        parameters=parameters,
        kpis=kpis,
    )


def _is_bundle_folder(path: Path) -> bool:
    return path.is_dir() and not path.name.startswith((".", "_")) and not path.name.endswith(".failed")


def client_history(client_folder: Path) -> History | None:
    """The complete bundles of one client's folder, oldest first (None if it has none)."""
    bundles = [read_bundle(path) for path in sorted(client_folder.iterdir()) if _is_bundle_folder(path)]
    found = tuple(bundle for bundle in bundles if bundle is not None)
    return History(found) if found else None


def read_portfolio(reports: Path, clients: list[str] | None = None) -> dict[str, History]:
    """slug -> History of every client folder under `reports` (or of `clients`) that has a complete
    bundle, in slug order."""
    reports = Path(reports)
    if not reports.is_dir():
        return {}
    folders = [reports / slug for slug in clients] if clients else sorted(reports.iterdir())
    found = {}
    for folder in folders:
        if not _is_bundle_folder(folder):
            continue
        history = client_history(folder)
        if history is not None:
            found[history.latest.slug] = history
    return found

"""kpis.json: the headline numbers every section recorded (`RunContext.record`), merged under their
section keys in run order, after a `meta` block (client, run, period, currency, language).

In a partial run the block of a section whose notebook failed is null (whatever it recorded before
failing), and `meta.failed_sections` lists those sections' keys; a complete run has no such key."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..run.context import PARTS, RUN_FILE


def merge_kpis(run_dir: Path, order: list[str], failed: Sequence[str] = ()) -> dict[str, Any]:
    """kpis/<section>.json files merged under their section names, in `order` (others after them);
    the `failed` sections' blocks are None."""
    recorded = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((run_dir / PARTS / "kpis").glob("*.json"))}
    recorded.update(dict.fromkeys(failed))
    ranked = sorted(recorded, key=lambda s: (order.index(s) if s in order else len(order), s))
    return {section: recorded[section] for section in ranked}


def kpis_meta(run_dir: Path, config: dict[str, Any]) -> dict[str, Any]:
    """The `meta` block of kpis.json: client, run, period, currency, language."""
    run = json.loads((run_dir / PARTS / RUN_FILE).read_text(encoding="utf-8"))
    return {"client": config["client"], "name": config["name"], "run_id": run["run_id"],
            "period": {"start": run["period"][0], "end": run["period"][1]},
            "currency": config["currency"], "language": config["language"]}


def write_kpis(run_dir: Path, config: dict[str, Any], order: list[str],
               failed: Sequence[str] = ()) -> dict[str, Any]:
    """kpis.json of the run; `failed`: keys of the sections whose notebook failed (module doc)."""
    meta = kpis_meta(run_dir, config)
    if failed:
        meta["failed_sections"] = sorted(failed, key=lambda s: order.index(s) if s in order else len(order))
    kpis = {"meta": meta, **merge_kpis(run_dir, order, failed)}
    (run_dir / "kpis.json").write_text(json.dumps(kpis, indent=2, ensure_ascii=False), encoding="utf-8")
    return kpis


def report_kpis(run_dir: Path, config: dict[str, Any]) -> dict[str, Any]:
    """The merged kpis of the run: kpis.json when written (build_bundle writes it first), else merged
    from the sections' parts without writing anything."""
    path = run_dir / "kpis.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"meta": kpis_meta(run_dir, config), **merge_kpis(run_dir, order=[])}

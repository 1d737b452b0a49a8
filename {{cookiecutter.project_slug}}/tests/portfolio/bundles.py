"""Cheap client bundles for the portfolio tests: kpis.json and manifest.json as a real run writes them
(meta, the sections' blocks, the manifest's status and merged parameters), with planted values."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from {{ cookiecutter.package_name }}.portfolio.measures import BY_KEY, MEASURES

PROJECT = Path(__file__).resolve().parents[2]
DEFAULTS = yaml.safe_load((PROJECT / "config" / "defaults.yaml").read_text(encoding="utf-8"))

# a client's values when a test plants nothing else (the demo's, rounded)
BASE = {"member_revenue_share": 0.347, "active_member_share": 0.735, "reach": 0.227,
        "redemption_rate": 0.452, "breakage_rate": 0.159, "nps": 0.0625, "crr": 0.649,
        "churn_rate": 0.351, "mean_clv": 3327.0, "program_effect": 0.12, "roi": 0.8}


def _put(tree: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[last] = value


OPTIONS = {"values": None, "name": None, "language": "en", "currency": "RUB", "parameters": None,
           "status": "complete", "period": ("2023-01-01", "2024-12-31")}


def write_bundle(reports: Path, slug: str, run_id: str = "20250101-120000-aaaa", **options: Any) -> Path:
    """reports/<slug>/<run_id>/ with kpis.json, manifest.json and an index.html. Options (see
    OPTIONS): `values` by KPI key over BASE, `parameters` dotted config keys over the defaults, name,
    language, currency, the manifest's status, the period."""
    unknown = set(options) - set(OPTIONS)
    assert not unknown, unknown
    chosen = {**OPTIONS, **options}
    values, name, language, currency = (chosen[k] for k in ("values", "name", "language", "currency"))
    parameters, status, period = chosen["parameters"], chosen["status"], chosen["period"]
    folder = reports / slug / run_id
    folder.mkdir(parents=True)
    planted = {**BASE, **(values or {})}
    meta = {"client": slug, "name": name or f"{slug.title()} Retail", "run_id": run_id,
            "period": {"start": period[0], "end": period[1]}, "currency": currency, "language": language}
    kpis: dict[str, Any] = {"meta": meta, "program": {"nps": {"responses": 144}}, "retention": {},
                            "clv": {"horizon_months": 12}, "uplift": {}}
    for measure in MEASURES:
        _put(kpis, measure.path, planted[measure.key])
    nps, effect = planted["nps"], planted["program_effect"]
    for path, value in (("program.nps.ci_low", None if nps is None else nps - 0.1),
                        ("program.nps.ci_high", None if nps is None else nps + 0.1),
                        ("uplift.did.ci_low", None if effect is None else effect - 0.05),
                        ("uplift.did.ci_high", None if effect is None else effect + 0.05)):
        _put(kpis, path, value)
    merged = copy.deepcopy(DEFAULTS)
    merged.update({"name": meta["name"], "language": language, "currency": currency, "client": slug})
    for path, value in (parameters or {}).items():
        _put(merged, path, value)
    manifest = {"client": slug, "run_id": run_id, "status": status, "error": None,
                "period": list(period), "notebooks": [], "parameters": merged}
    (folder / "kpis.json").write_text(json.dumps(kpis), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest, default=str), encoding="utf-8")
    (folder / "index.html").write_text(REPORT_PAGE, encoding="utf-8")
    return folder


# the frame of a report page with the places report.html.j2 leaves for the benchmark card
REPORT_PAGE = ("<!DOCTYPE html><html><body><nav><ol><li>RFM</li>\n"
               "<!-- benchmark:contents --><!-- /benchmark:contents -->\n</ol></nav>\n"
               "<section id='rfm'>RFM</section>\n<!-- benchmark:page --><!-- /benchmark:page -->\n"
               "<footer>footer</footer></body></html>")


def kpi(key: str):
    return BY_KEY[key]

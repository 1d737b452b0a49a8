"""The uplift section's parts of the report frame: headline tiles, findings, methodology entries.

Pure functions of the merged kpis dict (as written to kpis.json); each returns a `Text` (a named
template of `texts` with its fields) or None when its inputs are missing. Money fields are rendered in
the run's currency, percentages signed.

Tiles (after the other sections' tiles, in this order):

* ``program_effect``: the program's effect on member spend, the DiD estimate, else the matched one
  (``uplift.did.estimate`` / ``uplift.matched.estimate``; note: method and 95% interval), higher is
  better, judged by its interval;
* ``roi``: ROI (``uplift.roi``; note: incremental revenue and cost), higher is better, judged against 0.

Findings: the naive gap against the matched (and DiD) estimates with 95% intervals, with a warning when
the headline interval includes zero (priority 30); ROI with incremental revenue, incremental margin
(= (ROI + 1) x cost) and cost (priority 40).
"""

from __future__ import annotations

from typing import Any

from ...config import get
from ...text.catalogue import Text
from ...text.formats import as_number
from ..registry import Finding, KpiReader, MethodGroup, TileSpec
from . import texts  # noqa: F401  (registers the texts named here)

ESTIMATE_PARTS = ("estimate", "ci_low", "ci_high")
NOTHING = Text("uplift.nothing")


def _num(kpis: KpiReader, path: str) -> float | None:
    return as_number(get(dict(kpis), path))


def _all_present(*values: Any) -> bool:
    return all(value is not None for value in values)


def _method(path: str) -> Text:
    """The method's name of an effect path: DiD for ``uplift.did.*``, else the matched comparison."""
    return Text("uplift.method_name.did" if path.startswith("uplift.did") else "uplift.method_name.matched")


def note_effect(kpis: KpiReader, path: str) -> Text | None:
    """The program-effect tile's note: method and 95% interval of the estimate shown."""
    base = path.rsplit(".", 1)[0]
    low, high = _num(kpis, f"{base}.ci_low"), _num(kpis, f"{base}.ci_high")
    if not _all_present(low, high):
        return None
    return Text("uplift.tile.program_effect_note", {"method": _method(path), "low": low, "high": high})


def note_roi(kpis: KpiReader, _path: str) -> Text | None:
    """The ROI tile's note: incremental revenue and program cost."""
    revenue, cost = _num(kpis, "uplift.incremental_revenue"), _num(kpis, "uplift.program_cost")
    if not _all_present(revenue, cost):
        return None
    return Text("uplift.tile.roi_note", {"revenue": revenue, "cost": cost})


def _estimate(kpis: KpiReader, design: str) -> list[float | None]:
    return [_num(kpis, f"uplift.{design}.{part}") for part in ESTIMATE_PARTS]


def _interval_excludes_zero(low: float | None, high: float | None) -> bool:
    return low is not None and high is not None and (low > 0 or high < 0)


def finding_uplift(kpis: KpiReader) -> Text | None:
    """The naive gap against the matched (and DiD) estimates; or the headline estimate alone; with a
    warning when the headline interval (DiD, else matched) includes zero."""
    naive = _num(kpis, "uplift.naive")
    matched, did = _estimate(kpis, "matched"), _estimate(kpis, "did")
    headline = did if _all_present(*did) else matched
    unsure = NOTHING if _interval_excludes_zero(headline[1], headline[2]) else Text("uplift.finding.unsure")
    if naive is not None and _all_present(*matched):
        did_part = (Text("uplift.finding.did", {"did": did[0], "did_low": did[1], "did_high": did[2]})
                    if _all_present(*did) else NOTHING)
        return Text("uplift.finding.effect", {
            "naive": naive, "matched": matched[0], "matched_low": matched[1], "matched_high": matched[2],
            "did": did_part, "unsure": unsure})
    if _all_present(*headline):
        return Text("uplift.finding.effect_only", {
            "estimate": headline[0], "low": headline[1], "high": headline[2],
            "method": _method("uplift.did" if headline is did else "uplift.matched"), "unsure": unsure})
    return None


def finding_roi(kpis: KpiReader) -> Text | None:
    """ROI with incremental revenue, incremental margin (= (ROI + 1) x cost) and cost."""
    roi, cost = _num(kpis, "uplift.roi"), _num(kpis, "uplift.program_cost")
    if not _all_present(roi, cost):
        return None
    revenue = _num(kpis, "uplift.incremental_revenue")
    if revenue is None:
        return Text("uplift.finding.roi_short", {"roi": roi, "cost": cost})
    margin = (roi + 1) * cost  # ROI = (margin - cost) / cost
    return Text("uplift.finding.roi", {"roi": roi, "revenue": revenue, "margin": margin, "cost": cost})


TILES: tuple[TileSpec, ...] = (
    TileSpec("program_effect", "uplift.did.estimate", "signed_percent", "higher", judge="interval",
             fallbacks=("uplift.matched.estimate",), note=note_effect),
    TileSpec("roi", "uplift.roi", "signed_percent", "higher", judge="zero", note=note_roi),
)

FINDINGS: tuple[Finding, ...] = (Finding(30, finding_uplift), Finding(40, finding_roi))

METHODOLOGY: tuple[MethodGroup, ...] = (
    MethodGroup("uplift", ("naive_uplift", "matched", "did", "incremental", "roi")),
)

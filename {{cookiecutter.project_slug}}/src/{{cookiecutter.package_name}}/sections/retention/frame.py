"""The retention section's parts of the report frame: the churn tile, the churn finding, methodology.

Pure functions of the merged kpis dict (as written to kpis.json); each returns a catalogue `Text`
(templates in `texts.py`), or None when its inputs are missing.
"""

from __future__ import annotations

from typing import Any

from ...config import get
from ...text.catalogue import Text
from ...text.formats import as_number
from ..registry import Finding, KpiReader, MethodGroup, TileSpec

DEFAULT_WINDOW_MONTHS = 12


def churn_label(kpis: KpiReader) -> dict[str, Any]:
    """Fields of the churn tile's label: the months of the headline window (12 when not recorded)."""
    months = as_number(get(kpis, "retention.window.months"))
    return {"months": int(months) if months is not None else DEFAULT_WINDOW_MONTHS}


def churn_note(kpis: KpiReader, _path: str) -> Text | None:
    """CRR and reactivation over the same window (reactivation "—" when missing)."""
    crr = as_number(get(kpis, "retention.crr"))
    if crr is None:
        return None
    reactivation = as_number(get(kpis, "retention.reactivation_rate"))
    return Text("tile.churn_rate.note", {"crr": crr, "reactivation": reactivation})


def churn_finding(kpis: KpiReader) -> Text | None:
    """CRR and churn over the headline window, with members' vs non-members' monthly churn when both
    are known; the monthly comparison alone when the window is missing."""
    crr, churn = as_number(get(kpis, "retention.crr")), as_number(get(kpis, "retention.churn_rate"))
    members = as_number(get(kpis, "retention.monthly.members.churn_rate"))
    others = as_number(get(kpis, "retention.monthly.non_members.churn_rate"))
    monthly = members is not None and others is not None
    groups = {"members": members, "non_members": others}
    if crr is None or churn is None:
        return Text("finding.churn_monthly_only", groups) if monthly else None
    window = {"months": churn_label(kpis)["months"], "crr": crr, "churn": churn}
    if monthly:
        return Text("finding.churn_and_monthly", {**window, **groups})
    return Text("finding.churn", window)


TILES = (
    TileSpec("churn_rate", "retention.churn_rate", "percent", "lower", note=churn_note,
             label_fields=churn_label),
)
FINDINGS = (Finding(50, churn_finding),)
METHODOLOGY = (MethodGroup("retention", ("crr", "churn", "reactivation")),)

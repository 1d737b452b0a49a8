"""The RFM section's parts of the report frame: the champions-and-loyal finding, the methodology entry.

Pure functions of the merged kpis dict (as written to kpis.json), returning catalogue `Text`s
(templates in `texts.py`), or None when their inputs are missing.
"""

from __future__ import annotations

from ...config import get
from ...text.catalogue import Text
from ...text.formats import as_number
from ..registry import Finding, KpiReader, MethodGroup

BEST_SEGMENTS = ("champions", "loyal")


def rfm_finding(kpis: KpiReader) -> Text | None:
    """Champions and loyal customers: their share of the segmented customers and of revenue."""
    counts = [as_number(get(kpis, f"rfm.segments.{s}.customers")) for s in BEST_SEGMENTS]
    shares = [as_number(get(kpis, f"rfm.segments.{s}.revenue_share")) for s in BEST_SEGMENTS]
    total = as_number(get(kpis, "rfm.customers"))
    if any(value is None for value in (*counts, *shares, total)) or not total:
        return None
    return Text("finding.rfm", {"customers": sum(counts) / total, "revenue": sum(shares)})


FINDINGS = (Finding(100, rfm_finding),)
METHODOLOGY = (MethodGroup("retention", ("rfm",)),)

"""RFM (20): recency, frequency and monetary scores, named segments, members' mix, migrations.

Notebook notebooks/20_rfm.ipynb, config block `rfm`, kpis.json block `rfm`. `rfm_segments` (one
row per customer with scores and segment at a snapshot) is public: other sections (clv) use it.
"""

from ..registry import Section, register
from . import texts  # noqa: F401  (registers the section's texts)
from .frame import FINDINGS, METHODOLOGY
from .groups import member_segment_mix, migration_matrix, migration_summary, segment_changes
from .scoring import (
    NOT_YET,
    SEGMENT_GRID,
    SEGMENTS,
    customer_rfm,
    quantile_scores,
    rf_matrix,
    rfm_segments,
    score_rfm,
    segment_export,
    segment_headline,
    segment_key,
    segment_of,
    segment_table,
)
from .section import (
    REQUIRES,
    Inputs,
    export,
    headline,
    inputs,
    member_mix,
    migration,
    run,
    score_grid,
    segments,
)
from .settings import Settings

__all__ = [
    "NOT_YET", "REQUIRES", "SEGMENTS", "SEGMENT_GRID", "Inputs", "Settings", "customer_rfm", "export",
    "headline",
    "inputs", "member_mix", "member_segment_mix", "migration", "migration_matrix", "migration_summary",
    "quantile_scores", "rf_matrix", "rfm_segments", "run", "score_grid", "score_rfm", "segment_changes",
    "segment_export", "segment_headline", "segment_key", "segment_of", "segment_table", "segments",
]

SECTION = register(Section(
    key="rfm", number=20, title="rfm.title", run=run, config_block="rfm",
    requires=REQUIRES,
    findings=FINDINGS, methodology=METHODOLOGY, cost=0.15,
))

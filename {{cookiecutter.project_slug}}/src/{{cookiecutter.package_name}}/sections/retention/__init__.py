"""Retention (30): cohort retention, CRR, churn and reactivation, members before and after joining.

Notebook notebooks/30_retention.ipynb, config block `retention`, kpis.json block `retention`.
"""

from ..registry import Section, register
from . import texts  # noqa: F401  (registers the section's texts)
from .activity import (
    crr,
    headline_window,
    monthly_counts,
    monthly_headline,
    monthly_retention,
    monthly_table,
    pooled_monthly_rates,
    retention_headline,
    window_counts,
    window_headline,
)
from .common import customer_groups
from .frame import FINDINGS, METHODOLOGY, TILES
from .joining import before_after_headline, before_after_joining, before_after_summary, joining_rows
from .matrices import CohortMatrices, cohort_cells, cohort_matrices, group_cohort_cells, matrices_from_cells
from .section import (
    REQUIRES,
    Inputs,
    before_after,
    customer_cohorts,
    group_rates,
    headline,
    inputs,
    monthly_rates,
    revenue_cohorts,
    run,
    window_rates,
)
from .settings import Settings

__all__ = [
    "REQUIRES", "CohortMatrices", "Inputs", "Settings", "before_after", "before_after_headline",
    "before_after_joining", "before_after_summary", "cohort_cells", "cohort_matrices", "crr",
    "customer_cohorts", "customer_groups", "group_cohort_cells", "group_rates", "headline",
    "headline_window", "inputs", "joining_rows", "matrices_from_cells", "monthly_counts",
    "monthly_headline", "monthly_rates", "monthly_retention", "monthly_table", "pooled_monthly_rates",
    "retention_headline", "revenue_cohorts", "run", "window_counts", "window_headline", "window_rates",
]

SECTION = register(Section(
    key="retention", number=30, title="retention.title", run=run, config_block="retention",
    requires=REQUIRES,
    tiles=TILES, findings=FINDINGS, methodology=METHODOLOGY, cost=0.25,
))

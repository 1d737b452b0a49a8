"""Retention (30): cohort retention, CRR, churn and reactivation, members before and after joining.

Notebook notebooks/30_retention.ipynb, config block `retention`, kpis.json block `retention`.
"""

from ..registry import Section, register
from . import texts  # noqa: F401  (registers the section's texts)
from .activity import (
    crr,
    headline_window,
    monthly_headline,
    monthly_retention,
    pooled_monthly_rates,
    retention_headline,
)
from .common import customer_groups
from .frame import FINDINGS, METHODOLOGY, TILES
from .joining import before_after_headline, before_after_joining, before_after_summary
from .matrices import CohortMatrices, cohort_matrices
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
    "before_after_joining",
    "before_after_summary", "cohort_matrices", "crr", "customer_cohorts", "customer_groups", "group_rates",
    "headline", "headline_window", "inputs", "monthly_headline", "monthly_rates", "monthly_retention",
    "pooled_monthly_rates", "retention_headline", "revenue_cohorts", "run", "window_rates",
]

SECTION = register(Section(
    key="retention", number=30, title="retention.title", run=run, config_block="retention",
    requires=REQUIRES,
    tiles=TILES, findings=FINDINGS, methodology=METHODOLOGY,
))

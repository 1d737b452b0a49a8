"""Data quality (00): what the client sent, which cleaning rules touched it, monthly volume, profile
completeness and empty cells.

Notebook notebooks/00_data_quality.ipynb, config block `quality`, kpis.json block `data_quality`.
The report's data-quality appendix (report/) reads the kpis block this section records.
"""

from ..registry import Section, register
from . import metrics, texts  # noqa: F401  (texts registers the section's texts)
from .metrics import RULES
from .section import (
    REQUIRES,
    Inputs,
    cleaning_rules,
    empty_cells,
    headline,
    inputs,
    monthly_volume,
    profile_completeness,
    run,
    tables_read,
)
from .settings import Settings

__all__ = ["REQUIRES", "RULES", "Inputs", "Settings", "cleaning_rules", "empty_cells", "headline", "inputs",
           "metrics", "monthly_volume", "profile_completeness", "run", "tables_read"]

SECTION = register(Section(
    key="data_quality", number=0, title="data_quality.title", run=run, config_block="quality",
    requires=REQUIRES, cost=0.1,
))

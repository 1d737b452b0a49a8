"""Section 50, uplift and ROI: what the program and its campaigns really earn, with their uncertainty.

Notebook ``notebooks/50_uplift.ipynb``, config block ``uplift``, kpis.json block ``uplift``.

Modules: `checks` (where the measures read the checks: in memory, or a big client's buckets and
chunks, `engine`), `matching_sample` (check index, features, candidates, strata: the sample built per
customer), `matching` (nearest / propensity matching, balance), `member_effect` (naive uplift, pair
effects, DiD, event study, `member_effect_analysis`), `campaigns`, `targeting` (who to send the next
campaign to: `targeting_features`, `targeting_models`, `targeting_eval`, `targeting_show`), `regions`,
`economics` (cost, incremental revenue, ROI, sensitivity, discount vs points), `plots`, `texts`,
`settings`, `section` (the steps and `run`), `frame` (tiles, findings, methodology).
The notebook calls the steps re-exported here: ``uplift.naive(inputs)`` ...
"""

from __future__ import annotations

from ..registry import Requirement, Section, register
from .frame import FINDINGS, METHODOLOGY, TILES
from .section import (
    Inputs,
    around_joining,
    balance,
    campaign_targeting,
    campaign_tests,
    discount_or_points,
    headline,
    inputs,
    member_effects,
    naive,
    program_economics,
    regional,
    run,
    uplift_kpis,
)
from .settings import Program, Settings

__all__ = ["SECTION", "Inputs", "Program", "Settings", "around_joining", "balance", "campaign_targeting",
           "campaign_tests", "discount_or_points", "headline", "inputs", "member_effects", "naive",
           "program_economics", "regional", "run", "uplift_kpis"]

SECTION = register(Section(
    key="uplift", number=50, title="uplift.title", run=run, config_block="uplift",
    requires=(Requirement("transactions", ("date", "amount", "customer_id")),),
    tiles=TILES, findings=FINDINGS, methodology=METHODOLOGY, cost=1.0,
))

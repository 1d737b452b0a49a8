"""Section 10, program KPIs: reach, member shares, checks, points, NPS and surveys, spend tiers, LFL.

Every KPI is defined once, in the module of its subject, with its formula in the docstring:
`reach`, `shares`, `checks`, `points`, `unsubscribes`, `surveys`, `tiers`, `lfl` (membership and
buyer groups: `groups`, after `core.membership`); the voice of the customer linked to behaviour in
`voice` (NPS and CSAT by segment), `voice_outcomes` (churn and spend after an answer, revenue at
risk) and `reasons` (reasons and motives), its steps in `voice_steps`. `section` holds the notebook's steps
(``program.reach(inputs)``, ...), `headline` (the kpis.json block) and `run`; `texts` every text,
`plots` the charts, `frame` the section's tiles, findings and methodology.

Where the checks are read (`source`): every KPI that reads checks is a part that adds up over checks
(`totals`: sums by day and buyer group, anonymous checks included) or over customers (`parts`:
per-customer rows and distinct-customer counts) and a combining step. In memory each part runs once on
the whole table; a big client's checks stay on disk (`engine`): the sums chunk by chunk, the
per-customer parts bucket by bucket, together in one pass.

Conventions
-----------
* Dates are compared by calendar day: a customer who joined on day D is a member on day D.
* A *check* is a transactions row with ``amount > 0``; rows with ``amount < 0`` are returns.
  *Revenue* is the net sum of ``amount`` (purchases minus returns); *sales* is the sum over checks.
* Months are calendar months, labelled by their first day.
* Fractions are 0..1 (the NPS score too: promoters minus detractors, -1..1; multiply by 100 for the
  usual -100..100 scale). A KPI whose input is missing is None, never a guess.
"""

from __future__ import annotations

from ..registry import Requirement, Section, register
from . import texts, voice_texts  # noqa: F401  (registers the section's texts)
from .checks import check_metrics_monthly, check_metrics_summary
from .frame import FINDINGS, METHODOLOGY, TILES
from .groups import classify_checks, respondent_group
from .headline import headline_table
from .inputs import Inputs, Tables, earlier, prepare
from .lfl import lfl_windows, like_for_like, monthly_yoy, period_metrics
from .plots import (
    plot_check_metrics,
    plot_member_share,
    plot_members,
    plot_monthly_yoy,
    plot_motives,
    plot_nps,
    plot_participation,
    plot_points,
    plot_rate,
    plot_unsubscribes,
)
from .points import (
    effective_accrual_monthly,
    effective_accrual_rate,
    points_monthly_from_ledger,
    points_monthly_from_transactions,
    points_summary,
)
from .reach import active_members_monthly, member_origin, members_monthly
from .section import (
    accrual,
    awareness,
    checks,
    compute,
    csat,
    headline,
    inputs,
    lfl,
    member_share,
    motives,
    nps,
    numbers,
    overview,
    points,
    previous,
    reach,
    result,
    run,
    tiers,
    unsubscribes,
)
from .settings import Settings
from .shares import flag_anomalies, member_share_monthly
from .surveys import awareness_share, csat_summary, motive_shares, nps_composition, nps_responses
from .tiers import participation_by_spend_tier
from .unsubscribes import unsubscribe_monthly, unsubscribe_rate
from .voice_steps import engagement, motive_segments, nps_outcomes, nps_reasons, nps_segments

SECTION = register(Section(
    key="program",
    number=10,
    title="program.title",
    run=run,
    config_block="program",
    requires=(Requirement("transactions", ("date", "amount")),),
    tiles=TILES,
    findings=FINDINGS,
    methodology=METHODOLOGY,
    cost=0.7,
))

__all__ = [
    "SECTION", "Inputs", "Settings", "Tables", "accrual", "active_members_monthly", "awareness",
    "awareness_share", "check_metrics_monthly", "check_metrics_summary", "checks", "classify_checks",
    "compute", "csat", "csat_summary", "earlier", "engagement", "motive_segments", "nps_outcomes",
    "nps_reasons", "nps_segments", "effective_accrual_monthly", "effective_accrual_rate",
    "flag_anomalies", "headline", "headline_table", "inputs", "lfl", "lfl_windows", "like_for_like",
    "member_origin", "member_share", "member_share_monthly", "members_monthly", "monthly_yoy",
    "motive_shares", "motives", "nps", "nps_composition", "nps_responses", "numbers", "overview",
    "participation_by_spend_tier", "period_metrics", "plot_check_metrics", "plot_member_share",
    "plot_members", "plot_monthly_yoy", "plot_motives", "plot_nps", "plot_participation", "plot_points",
    "plot_rate", "plot_unsubscribes", "points", "points_monthly_from_ledger",
    "points_monthly_from_transactions", "points_summary", "prepare", "previous", "reach",
    "respondent_group", "result", "run", "tiers", "unsubscribe_monthly", "unsubscribe_rate",
    "unsubscribes",
]

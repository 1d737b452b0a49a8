"""The headline KPIs the portfolio compares: where each sits in kpis.json, what kind of number it is,
and which run parameters define it (two clients' values compare only when those parameters match)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..text.formats import as_number

SHARE, MONEY, RATIO, SCORE = "share", "money", "ratio", "score"  # score: NPS, -1..1 shown x100 as points


@dataclass(frozen=True)
class Measure:
    """One headline KPI: `key` names it (its texts are ``portfolio.kpi.<key>``), `path` is its dotted
    place in kpis.json, `kind` its unit (a fraction shown as a percentage, money in the client's
    currency, a plain ratio), `definition` the manifest parameters (dotted, in the merged config) that
    define it, `interval` the kpis.json paths of its 95% interval, `higher_is_better` the direction the
    card's sentence reads it in."""

    key: str
    path: str
    kind: str = SHARE
    definition: tuple[str, ...] = ()
    interval: tuple[str, str] | None = None
    higher_is_better: bool = True

    def value(self, kpis: Mapping[str, Any]) -> float | None:
        return as_number(lookup(kpis, self.path))

    def bounds(self, kpis: Mapping[str, Any]) -> tuple[float | None, float | None]:
        if self.interval is None:
            return None, None
        return as_number(lookup(kpis, self.interval[0])), as_number(lookup(kpis, self.interval[1]))


MEASURES: tuple[Measure, ...] = (
    Measure("member_revenue_share", "program.member_revenue_share"),
    Measure("active_member_share", "program.active_member_share",
            definition=("program.active_window_days",)),
    Measure("reach", "program.reach"),
    Measure("redemption_rate", "program.redemption_rate"),
    Measure("breakage_rate", "program.breakage_rate", higher_is_better=False),
    Measure("nps", "program.nps.score", kind=SCORE,
            interval=("program.nps.ci_low", "program.nps.ci_high")),
    Measure("crr", "retention.crr", definition=("retention.churn_days",)),
    Measure("churn_rate", "retention.churn_rate", definition=("retention.churn_days",),
            higher_is_better=False),
    Measure("mean_clv", "clv.mean_clv", kind=MONEY,
            definition=("clv.horizon_months", "clv.annual_discount_rate")),
    Measure("program_effect", "uplift.did.estimate", definition=("uplift.window_days",),
            interval=("uplift.did.ci_low", "uplift.did.ci_high")),
    Measure("roi", "uplift.roi", kind=RATIO, definition=("uplift.window_days",)),
)
BY_KEY = {measure.key: measure for measure in MEASURES}


def lookup(tree: Any, path: str) -> Any:
    """The value at a dotted `path` of nested mappings, None where any step is missing or null."""
    node = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node

"""The headline table of the program section: its key numbers as text, one row per KPI.

Shares as percentages, money in the client's currency, NPS on the usual -100..100 scale, LFL changes
signed; a missing input shows as "n/a". Labels and formats are catalogue texts (``program.kpi.*``,
``program.value.*``), rendered in the report's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ...core.numbers import finite
from ...text.catalogue import Text
from .texts import NA

# (dotted kpis key, format) in display order; formats are the ``program.value.<format>`` texts
HEADLINE_ROWS: tuple[tuple[str, str], ...] = (
    ("members", "count"),
    ("reach", "percent"),
    ("active_member_share", "percent"),
    ("member_transaction_share", "percent"),
    ("member_revenue_share", "percent"),
    ("avg_check.members", "money"),
    ("avg_check.non_members", "money"),
    ("avg_check.anonymous", "money"),
    ("frequency.members", "number"),
    ("frequency.non_members", "number"),
    ("items_per_check", "number"),
    ("redemption_rate", "percent"),
    ("breakage_rate", "percent"),
    ("points_liability", "money"),
    ("effective_accrual_rate", "percent"),
    ("unsubscribe_rate", "percent"),
    ("nps.score", "nps"),
    ("nps.churn_after.detractors", "percent"),
    ("nps.churn_after.promoters", "percent"),
    ("nps.revenue_at_risk", "money"),
    ("csat.mean", "number"),
    ("csat.satisfied_share", "percent"),
    ("awareness", "percent"),
    ("participation_by_tier.top_to_bottom_ratio", "number"),
    ("lfl.yoy", "signed_percent"),
    ("lfl.mom", "signed_percent"),
    ("lfl.wow", "signed_percent"),
)


def value_at(headline: Mapping[str, Any], key: str) -> float | None:
    """The number at a dotted key of the headline, None when missing or not a number."""
    value: Any = headline
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return finite(value)


def value_text(number: float | None, kind: str) -> Text:
    """A headline number as the text of its format (NPS x 100, counts as whole numbers)."""
    if number is None:
        return NA
    if kind == "nps":
        number = number * 100
    elif kind == "count":
        number = int(number)
    return Text(f"program.value.{kind}", {"value": number})


def headline_rows(headline: Mapping[str, Any]) -> list[tuple[Text, Text]]:
    """(label, value) texts of every headline row."""
    return [(Text(f"program.kpi.{key}"), value_text(value_at(headline, key), kind))
            for key, kind in HEADLINE_ROWS]


def headline_table(headline: Mapping[str, Any], language: str = "en", currency: str = "") -> pd.DataFrame:
    """The headline numbers as a two-column table (KPI, value) of text in `language`."""
    return pd.DataFrame([{"KPI": label.render(language, currency), "value": value.render(language, currency)}
                         for label, value in headline_rows(headline)], columns=["KPI", "value"])

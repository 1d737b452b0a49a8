"""KPI values as shown: a client's own value exactly, the portfolio's statistics coarsely (whole
percentages, two significant digits of money), changes in percentage points for shares."""

from __future__ import annotations

import math

from ..text.formats import DASH, format_money, format_number, format_percent, format_points
from .measures import MONEY, SCORE, SHARE


def significant(value: float, digits: int = 2) -> float:
    """`value` rounded to `digits` significant digits (12,345 -> 12,000)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def exact(kind: str, value: float | None, language: str, currency: str) -> str:
    """A client's own value: 12.3%, 3,327 RUB, +14.2 (NPS points), 1.25."""
    if value is None:
        return DASH
    if kind == SHARE:
        return format_percent(value, language, 1)
    if kind == MONEY:
        return format_money(value, currency, language)
    if kind == SCORE:
        return format_number(value * 100, language, 1, signed=True)
    return format_number(value, language, 2)


def coarse(kind: str, value: float | None, language: str, currency: str) -> str:
    """A statistic of the portfolio, rounded so it reads as a level, not as any one client's number:
    12%, 3,300 RUB, 1.3."""
    if value is None:
        return DASH
    if kind == SHARE:
        return format_percent(value, language, 0)
    if kind == MONEY:
        return format_money(significant(value), currency, language)
    if kind == SCORE:
        return format_number(value * 100, language, 0, signed=True)
    return format_number(value, language, 1)


def change(kind: str, delta: float | None, language: str) -> str:
    """A change since the previous report: +1.2 pp for shares, +123 for money, +3 NPS points, +0.12 for
    ratios."""
    if delta is None:
        return ""
    if kind == SHARE:
        return format_points(delta, language)
    if kind == SCORE:
        return format_number(delta * 100, language, 0, signed=True)
    return format_number(delta, language, 0 if kind == MONEY else 2, signed=True)

"""Reading the merged kpis dict (as written to kpis.json) for the report frame."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import get  # the value at a dotted path, None when any part is missing
from ..text.formats import DASH, as_number, format_number


def num(kpis: Mapping[str, Any], path: str) -> float | None:
    """The number at a dotted path, or None (missing, null, not a number)."""
    return as_number(get(kpis, path))


def previous_path(path: str) -> str:
    """Where a KPI's previous-period value lives: ``<section>.previous.<rest>``."""
    section, _, rest = path.partition(".")
    return f"{section}.previous.{rest}"


def currency_of(kpis: Mapping[str, Any]) -> str:
    return str(get(kpis, "meta.currency") or "")


def all_present(*values: Any) -> bool:
    return all(v is not None for v in values)


def nps_text(value: Any, language: str) -> str:
    """An NPS (a fraction, -1..1) in points: -0.05 -> "−5"."""
    number = as_number(value)
    return DASH if number is None else format_number(number * 100, language, signed=True)

"""Numbers, money, percentages and dates in the report's languages (en, ru).

Locale formats
--------------
=========  ==========================  ==========================
           en                          ru
=========  ==========================  ==========================
number     ``1,234.5``                 ``1 234,5`` (no-break space)
money      ``1,234.5 RUB``, ``$1,234``  ``1 234,5 ₽``, ``1 234 $``
percent    ``12.3%``                   ``12,3 %``
date       ``31 Dec 2024``             ``31.12.2024``
=========  ==========================  ==========================

Negative numbers take the minus sign (U+2212). English money: USD and EUR as a symbol before the
amount (``$1,234``, ``€1,234``), every other currency, RUB included, as its ISO code after it
(``1,234 RUB``: the ruble sign is rare in English business texts). Russian money: the symbol after the
amount for RUB (₽), EUR (€) and USD ($), the ISO code for any other currency. The day-month-year English
date with the month's short name cannot be misread as month-day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..core.numbers import finite

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "\u2014"
CURRENCY_SYMBOLS = {"RUB": "₽", "EUR": "€", "USD": "$"}
EN_SYMBOL_FIRST = ("USD", "EUR")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def as_number(value: Any) -> float | None:
    """A finite float, or None for missing / non-numeric / NaN values (bools are not numbers)."""
    return None if isinstance(value, bool) else finite(value)


def _digits_text(value: float, digits: int, language: str, signed: bool = False) -> str:
    """Grouped digits with the language's separators and a true minus sign, rounded half up as people
    expect (6.25 -> 6.3; Python's format rounds half to even); -0.0 shows as 0."""
    rounded = Decimal(repr(abs(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{digits}f}"
    if language == "ru":
        text = text.replace(",", NBSP).replace(".", ",")
    rounded_zero = rounded == 0
    if value < 0 and not rounded_zero:
        return MINUS + text
    if signed and value > 0 and not rounded_zero:
        return "+" + text
    return text


def format_number(value: Any, language: str = "en", digits: int = 0, signed: bool = False) -> str:
    """1234.5 -> en "1,234.5", ru "1 234,5" (no-break space); None -> "—"; `signed` adds "+"."""
    number = as_number(value)
    return DASH if number is None else _digits_text(number, digits, language, signed)


def format_money(value: Any, currency: str, language: str = "en", digits: int = 0) -> str:
    """1234.5 RUB -> en "1,234.5 RUB", ru "1 234,5 ₽"; 1234 USD -> en "$1,234", ru "1 234 $"."""
    number = as_number(value)
    if number is None:
        return DASH
    code = (currency or "").upper()
    amount = _digits_text(number, digits, language)
    if language == "ru":
        return f"{amount}{NBSP}{CURRENCY_SYMBOLS.get(code, code)}".strip()
    if code in EN_SYMBOL_FIRST:
        sign, bare = (MINUS, amount[1:]) if amount.startswith(MINUS) else ("", amount)
        return f"{sign}{CURRENCY_SYMBOLS[code]}{bare}"
    return f"{amount}{NBSP}{code}".strip() if code else amount


def format_percent(fraction: Any, language: str = "en", digits: int = 1, signed: bool = False) -> str:
    """0.123 -> en "12.3%", ru "12,3 %" (no-break space); `signed` adds "+" to positive values."""
    number = as_number(fraction)
    if number is None:
        return DASH
    text = _digits_text(number * 100, digits, language, signed)
    return f"{text}{NBSP}%" if language == "ru" else f"{text}%"


def format_points(delta: Any, language: str = "en", digits: int = 1) -> str:
    """A change of a fraction in percentage points: 0.012 -> en "+1.2 pp", ru "+1,2 п.п."."""
    number = as_number(delta)
    if number is None:
        return DASH
    unit = "п.п." if language == "ru" else "pp"
    return f"{_digits_text(number * 100, digits, language, signed=True)}{NBSP}{unit}"


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # pandas Timestamps too
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def format_date(value: Any, language: str = "en") -> str:
    """A date (or an ISO string / datetime): en "31 Dec 2024", ru "31.12.2024"; unparseable -> as given."""
    day = _as_date(value)
    if day is None:
        return DASH if value is None or str(value).strip() == "" else str(value)
    if language == "ru":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def format_period(start: Any, end: Any, language: str = "en") -> str:
    """"1 Jan 2023 – 31 Dec 2024" / "01.01.2023 – 31.12.2024"."""
    return f"{format_date(start, language)} – {format_date(end, language)}"


def format_interval(low: Any, high: Any, formatter: Callable[[Any], str], language: str = "en") -> str:
    """"−29.9% to +42.2%" / "от −29,9 % до +42,2 %" with any value formatter."""
    if language == "ru":
        return f"от {formatter(low)} до {formatter(high)}"
    return f"{formatter(low)} to {formatter(high)}"

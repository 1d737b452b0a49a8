"""Which clients' values of a KPI are comparable, and their ranks.

A KPI's values are compared only between clients whose runs defined it the same way: for each of its
definition parameters (`Measure.definition`, read from the manifest's merged parameters) the portfolio
takes the value most clients used (ties: the project's default) and leaves out, with a note, a client
run with another. Money is compared in one currency: the portfolio's (`portfolio.currency`, or the one
most clients report in); a client in another currency is converted with `portfolio.fx` (units of the
portfolio's currency per unit of the client's) or, without a rate, left out with a note. A period whose
length departs from the portfolio's median by more than `portfolio.period_tolerance` is noted, not left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import get
from ..text.catalogue import Text
from .bundles import Bundle, History
from .measures import MEASURES, MONEY, Measure
from .ranks import Distribution, percentile_rank


@dataclass(frozen=True)
class Settings:
    """The ``portfolio`` block of the config."""

    min_clients: int = 5
    currency: str | None = None
    fx: Mapping[str, float] | None = None
    period_tolerance: float = 0.1
    history: int = 6

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        block = dict(config.get("portfolio") or {})
        known = {name: block[name] for name in cls.__dataclass_fields__ if name in block}
        if known.get("currency"):
            known["currency"] = str(known["currency"]).upper()
        if known.get("fx"):
            known["fx"] = {str(code).upper(): float(rate) for code, rate in known["fx"].items()}
        return cls(**known)


@dataclass
class Entry:
    """One client's value of one KPI: `value` in the portfolio's unit (converted money), `raw` as its
    bundle has it, `included` when it is compared, `notes` why not (or how it was converted), `rank`."""

    value: float | None
    raw: float | None
    included: bool
    notes: list[Text] = field(default_factory=list)
    rank: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass
class Column:
    """One KPI across the portfolio: the reference definition, the currency of money, every client's
    entry and the distribution of the comparable values."""

    measure: Measure
    reference: dict[str, Any]
    currency: str
    entries: dict[str, Entry]
    distribution: Distribution | None = None

    def compared(self) -> dict[str, float]:
        return {slug: e.value for slug, e in self.entries.items() if e.included and e.value is not None}


def _most_common(values: list[Any], default: Any) -> Any:
    counts = Counter(repr(v) for v in values)
    if not counts:
        return default
    top = max(counts.values())
    winners = [v for v in values if counts[repr(v)] == top]
    return default if repr(default) in {repr(v) for v in winners} else winners[0]


def reference_definition(measure: Measure, bundles: list[Bundle],
                         defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Each definition parameter's value among most clients with a value (ties: the default)."""
    reference = {}
    for name in measure.definition:
        used = [get(b.parameters, name) for b in bundles if measure.value(b.kpis) is not None]
        reference[name] = _most_common([v for v in used if v is not None], get(defaults, name))
    return reference


def portfolio_currency(bundles: list[Bundle], settings: Settings, default: str) -> str:
    if settings.currency:
        return settings.currency
    return _most_common([b.currency for b in bundles if b.currency], default.upper())


def _money(bundle: Bundle, raw: float, currency: str, settings: Settings) -> tuple[float | None, Text | None]:
    if bundle.currency == currency:
        return raw, None
    rate = (settings.fx or {}).get(bundle.currency)
    if rate is None:
        return None, Text("portfolio.note.currency", {"currency": bundle.currency, "reference": currency})
    return raw * rate, Text("portfolio.note.converted", {"currency": bundle.currency, "rate": rate,
                                                         "reference": currency})


def entry_of(measure: Measure, bundle: Bundle, reference: Mapping[str, Any], currency: str,
             settings: Settings) -> Entry:
    """`bundle`'s entry of `measure`: left out with a note when a definition parameter differs from
    the reference or its money has no rate into the portfolio's currency."""
    raw = measure.value(bundle.kpis)
    low, high = measure.bounds(bundle.kpis)
    entry = Entry(value=raw, raw=raw, included=raw is not None, low=low, high=high)
    if raw is None:
        return entry
    for name, expected in reference.items():
        used = get(bundle.parameters, name)
        if used is not None and repr(used) != repr(expected):
            entry.included = False
            entry.notes.append(Text("portfolio.note.definition",
                                    {"parameter": name, "value": str(used), "reference": str(expected)}))
    if measure.kind == MONEY:
        entry.value, note = _money(bundle, raw, currency, settings)
        entry.included = entry.included and entry.value is not None
        rate = 1.0 if entry.value is None or raw == 0 else entry.value / raw
        entry.low, entry.high = [None if x is None else x * rate for x in (low, high)]
        entry.notes += [note] if note else []
    return entry


def build_columns(histories: Mapping[str, History], settings: Settings,
                  defaults: Mapping[str, Any]) -> list[Column]:
    """Every headline KPI across the latest bundles: comparable entries, ranks and distribution."""
    latest = [history.latest for history in histories.values()]
    currency = portfolio_currency(latest, settings, str(defaults.get("currency") or ""))
    columns = []
    for measure in MEASURES:
        reference = reference_definition(measure, latest, defaults)
        entries = {b.slug: entry_of(measure, b, reference, currency, settings) for b in latest}
        column = Column(measure, reference, currency, entries)
        compared = column.compared()
        for slug, value in compared.items():
            others = [v for other, v in compared.items() if other != slug]
            entries[slug].rank = percentile_rank(value, others)
        column.distribution = Distribution.of(list(compared.values()))
        columns.append(column)
    return columns


def period_notes(histories: Mapping[str, History], settings: Settings) -> dict[str, Text]:
    """slug -> a note for each client whose period length departs from the portfolio's median."""
    lengths = {slug: h.latest.period_days for slug, h in histories.items() if h.latest.period_days}
    if not lengths:
        return {}
    ordered = sorted(lengths.values())
    usual = ordered[len(ordered) // 2]
    return {slug: Text("portfolio.note.period", {"days": days, "usual": usual})
            for slug, days in lengths.items() if abs(days - usual) > settings.period_tolerance * usual}

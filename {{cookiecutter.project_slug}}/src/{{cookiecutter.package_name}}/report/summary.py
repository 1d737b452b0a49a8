"""The report's frame from the merged kpis dict: headline tiles, findings, methodology, data quality.

Pure functions of the kpis dict (as written to kpis.json: `meta` plus one block per section) and a
language ("en" | "ru"). The sections bring their parts through the registry (`sections.registered()`):
`Section.tiles` (`TileSpec`), `.findings` (`Finding`), `.methodology` (`MethodGroup`); their texts are
catalogue `Text`s, rendered here in the run's language and ``meta.currency``. A missing section or a
None value never fails: its tile, finding or row is left out.

Headline tiles
--------------
Tiles are shown by section (their numbers), then in their order within the section. A tile's change
is shown when the kpis carry the KPI's previous-period value at ``<section>.previous.<rest of the
path>`` (for example ``program.previous.member_revenue_share``; the change shows "—" otherwise).
Fractions change in percentage points, counts and money in per cent, NPS in points. Colour class:
``good`` / ``bad`` when the change goes in the better / worse direction; without a change, KPIs with a
natural zero are judged by their value (NPS and ROI above or below zero; the program effect by its 95%
interval lying wholly above or below zero); ``neutral`` otherwise.

Findings
--------
Every section's findings by `Finding.priority` (lower first); the first `MAX_FINDINGS` whose inputs
exist are shown.

Methodology
-----------
Entries are grouped under ``method.group.<group>``: the groups in `METHOD_GROUPS` order (others after
them, in section order); within a group the entries of the section named like the group first, then
the other sections' in section order. An entry's texts are ``method.<entry>.title / formula / text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..config import get
from ..sections.registry import Finding, MethodGroup, Section, TileSpec, registered
from ..text import catalogue
from ..text.formats import (  # noqa: F401  (re-exported: the report's formats)
    DASH,
    MINUS,
    NBSP,
    as_number,
    format_date,
    format_interval,
    format_money,
    format_number,
    format_percent,
    format_period,
    format_points,
)
from . import texts as _texts  # noqa: F401  (registers the frame's texts)
from .values import currency_of, nps_text, num, previous_path  # noqa: F401  (re-exported)

MAX_FINDINGS = 8
METHOD_GROUPS = ("program", "retention", "uplift", "clv")


def frame_text(key: str, language: str, currency: str = "", /, **fields: Any) -> str:
    """A frame text by its name, in `language` (see `text.catalogue`)."""
    return catalogue.render(key, language, currency, **fields)


def _rendered(text: catalogue.Text | None, language: str, currency: str) -> str:
    """A part's text in `language` ("" for None)."""
    return "" if text is None else text.render(language, currency)


def _sections(sections: Iterable[Section] | None) -> list[Section]:
    return list(registered() if sections is None else sections)


def _parts(sections: list[Section], part: str) -> list[tuple[str, tuple[Any, ...]]]:
    """(section key, its `part`: tiles, findings or methodology) in section order."""
    return [(s.key, tuple(getattr(s, part))) for s in sorted(sections, key=lambda s: s.number)]


# ------------------------------------------------------------------------------------------ tiles


def tile_specs(sections: Iterable[Section] | None = None) -> list[TileSpec]:
    """Every section's headline tiles, in section order."""
    return [spec for _, specs in _parts(_sections(sections), "tiles") for spec in specs]


def format_value(value: Any, kind: str, language: str, currency: str = "") -> str:
    """A tile value in its kind's format (see `TileSpec`)."""
    if kind == "percent":
        return format_percent(value, language)
    if kind == "signed_percent":
        return format_percent(value, language, signed=True)
    if kind == "money":
        return format_money(value, currency, language)
    if kind == "nps":
        return nps_text(value, language)
    if kind == "count":
        return format_number(value, language)
    return format_number(value, language, digits=2)


def format_change(value: float, previous: float, kind: str, language: str) -> tuple[str, float | None]:
    """The change against the previous period as text and as the signed number the colour is taken from.

    percent / signed_percent: difference in percentage points; nps: difference in NPS points;
    count / money / other: relative change value / previous - 1 (— when previous is 0)."""
    if kind in ("percent", "signed_percent"):
        delta = value - previous
        return format_points(delta, language), delta
    if kind == "nps":
        delta = value - previous
        return format_number(delta * 100, language, signed=True), delta
    if previous == 0:
        return DASH, None
    delta = value / previous - 1
    return format_percent(delta, language, signed=True), delta


def _direction_class(delta: float | None, better: str | None) -> str:
    if delta is None or delta == 0 or better not in ("higher", "lower"):
        return "neutral"
    return "good" if (delta > 0) == (better == "higher") else "bad"


def _judged_class(spec: TileSpec, kpis: Mapping[str, Any], path: str, value: float) -> str:
    if spec.judge == "zero":
        return _direction_class(value, spec.better)
    if spec.judge == "interval":
        base = path.rsplit(".", 1)[0]
        low, high = num(kpis, f"{base}.ci_low"), num(kpis, f"{base}.ci_high")
        if low is not None and low > 0:
            return _direction_class(1.0, spec.better)
        if high is not None and high < 0:
            return _direction_class(-1.0, spec.better)
    return "neutral"


def _tile(spec: TileSpec, kpis: Mapping[str, Any], language: str) -> dict[str, Any] | None:
    path = next((p for p in (spec.path, *spec.fallbacks) if num(kpis, p) is not None), None)
    if path is None:
        return None
    currency = currency_of(kpis)
    value = num(kpis, path)
    assert value is not None
    previous = num(kpis, previous_path(path))
    change, delta = (DASH, None) if previous is None else format_change(value, previous, spec.kind, language)
    css = (_direction_class(delta, spec.better) if previous is not None
           else _judged_class(spec, kpis, path, value))
    fields = spec.label_fields(kpis) if spec.label_fields else {}
    return {
        "name": spec.name,
        "label": frame_text(f"tile.{spec.name}", language, currency, **fields),
        "value": format_value(value, spec.kind, language, currency),
        "raw": value,
        "change": change,
        "change_raw": delta,
        "note": _rendered(spec.note(kpis, path) if spec.note else None, language, currency),
        "better": spec.better,
        "css": css,
    }


def tiles(kpis: Mapping[str, Any], language: str = "en",
          specs: Iterable[TileSpec] | None = None) -> list[dict[str, Any]]:
    """The headline tiles whose value exists: name, label, value (text), raw value, change (text, "—"
    without a previous value), change_raw, note (text or ""), better, css ("good" | "bad" | "neutral")."""
    shown = (_tile(spec, kpis, language) for spec in (tile_specs() if specs is None else specs))
    return [tile for tile in shown if tile is not None]


# --------------------------------------------------------------------------------------- findings


def finding_rules(sections: Iterable[Section] | None = None) -> list[Finding]:
    """Every section's findings by priority (ties in section order)."""
    rules = [rule for _, rules in _parts(_sections(sections), "findings") for rule in rules]
    return sorted(rules, key=lambda rule: rule.priority)


def findings(kpis: Mapping[str, Any], language: str = "en", limit: int = MAX_FINDINGS) -> list[str]:
    """Plain-language sentences from the numbers, each only when its inputs exist (at most `limit`)."""
    currency = currency_of(kpis)
    out = []
    for rule in finding_rules():
        if len(out) >= limit:
            break
        text = _rendered(rule.rule(kpis), language, currency)
        if text:
            out.append(text)
    return out


# ------------------------------------------------------------------------------------- appendices


def method_groups(sections: Iterable[Section] | None = None) -> list[MethodGroup]:
    """The methodology appendix's groups with their entries, merged over the sections (module doc)."""
    entries: dict[str, list[tuple[int, str]]] = {}
    for position, (key, groups) in enumerate(_parts(_sections(sections), "methodology")):
        for group in groups:
            rank = -1 if key == group.group else position  # the group's own section first
            entries.setdefault(group.group, []).extend((rank, entry) for entry in group.entries)
    order = [g for g in METHOD_GROUPS if g in entries] + [g for g in entries if g not in METHOD_GROUPS]
    return [MethodGroup(group, tuple(dict.fromkeys(entry for _, entry in sorted(entries[group],
                                                                               key=lambda e: e[0]))))
            for group in order]


def methodology(language: str = "en") -> list[dict[str, Any]]:
    """The methodology appendix: [{id, title, entries: [{id, title, formula, text}]}] in `language`."""
    return [
        {"id": group.group, "title": frame_text(f"method.group.{group.group}", language),
         "entries": [{"id": entry, **{part: frame_text(f"method.{entry}.{part}", language)
                                      for part in ("title", "formula", "text")}}
                     for entry in group.entries]}
        for group in method_groups()
    ]


def _dq_label(path: tuple[str, ...], language: str) -> str:
    """Label of a data_quality kpis key: known keys from the catalogue, other keys as their path."""
    if path[0] == "rows" and len(path) == 2:
        known = catalogue.has(f"dq.table.{path[1]}")
        table = catalogue.Text(f"dq.table.{path[1]}") if known else path[1]
        return catalogue.render("dq.rows", language, "", table=table)
    if path[0] == "completeness" and len(path) == 2:
        known = catalogue.has(f"dq.field.{path[1]}")
        field = catalogue.Text(f"dq.field.{path[1]}") if known else path[1]
        return catalogue.render("dq.completeness", language, "", field=field)
    key = "dq." + ".".join(path)
    return catalogue.render(key, language) if catalogue.has(key) else ".".join(path).replace("_", " ")


def _is_fraction_key(path: tuple[str, ...]) -> bool:
    last = path[-1]
    return path[0] == "completeness" or last.endswith(("_share", "_rate", "share", "rate"))


def _dq_rows(node: Mapping[str, Any], prefix: tuple[str, ...], language: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for key, value in node.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping):
            rows += _dq_rows(value, path, language)
            continue
        number = as_number(value)
        if number is None:
            if value is None and path[0] == "rows":
                rows.append({"label": _dq_label(path, language),
                             "value": catalogue.render("dq.not_provided", language)})
            continue
        text = (format_percent(number, language) if _is_fraction_key(path)
                else format_number(number, language, 0 if float(number).is_integer() else 2))
        rows.append({"label": _dq_label(path, language), "value": text})
    return rows


def data_quality_rows(kpis: Mapping[str, Any], language: str = "en") -> list[dict[str, str]]:
    """The data-quality appendix: one {label, value} row per number under kpis["data_quality"]
    (nested keys flattened in their order; rows of tables not provided say so; completeness and
    *_rate / *_share keys as percentages, other numbers as counts)."""
    block = kpis.get("data_quality")
    return _dq_rows(block, (), language) if isinstance(block, Mapping) else []


def report_frame(kpis: Mapping[str, Any], language: str = "en") -> dict[str, Any]:
    """Everything the report template needs around the sections: formatted period, tiles, findings,
    methodology and data-quality appendices."""
    start, end = get(kpis, "meta.period.start"), get(kpis, "meta.period.end")
    return {
        "period": format_period(start, end, language),
        "tiles": tiles(kpis, language),
        "findings": findings(kpis, language),
        "methodology": methodology(language),
        "data_quality": data_quality_rows(kpis, language),
    }

"""The report's frame from the merged kpis dict: locale formats, headline tiles, findings, appendices.

Pure functions of the kpis dict (as written to kpis.json: `meta` plus one block per section) and a
language ("en" | "ru"); every text comes from the translation table in `i18n`. A missing section or a
None value never fails: its tile, finding or row is left out.

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

Headline tiles
--------------
`TILES` lists the headline KPIs in display order, each with the kpis path of its value, its format,
whether higher is better, and a note of context. A tile's change is shown when the kpis carry the
KPI's previous-period value at ``<section>.previous.<rest of the path>`` (for example
``program.previous.member_revenue_share``; no section records one yet, the change then shows "—").
Fractions change in percentage points, counts and money in per cent, NPS in points. Colour class:
``good`` / ``bad`` when the change goes in the better / worse direction; without a change, KPIs with a
natural zero are judged by their value (NPS and ROI above or below zero; the program effect by its 95%
interval lying wholly above or below zero); ``neutral`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from .config import get  # the value at a dotted path, None when any part is missing
from .i18n import EN, translate
from .text.formats import (  # noqa: F401  (re-exported: the report's formats)
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

MAX_FINDINGS = 8


# ------------------------------------------------------------------------------------ kpis access


def num(kpis: Mapping[str, Any], path: str) -> float | None:
    """The number at a dotted path, or None (missing, null, not a number)."""
    return as_number(get(kpis, path))


def previous_path(path: str) -> str:
    """Where a KPI's previous-period value lives: ``<section>.previous.<rest>``."""
    section, _, rest = path.partition(".")
    return f"{section}.previous.{rest}"


def currency_of(kpis: Mapping[str, Any]) -> str:
    return str(get(kpis, "meta.currency") or "")


# ------------------------------------------------------------------------------------------ tiles


@dataclass(frozen=True)
class TileSpec:
    """One headline tile.

    name: the tile's id and translation key (``tile.<name>``); path: dotted kpis path of the value
    (`fallbacks`: paths tried in turn when it is None); kind: percent | count | money | nps |
    signed_percent; better: "higher" | "lower" | None; judge: how to colour a tile without a previous
    value: "zero" (the value above / below zero), "interval" (the 95% interval `<path minus
    .estimate>.ci_low / ci_high` wholly above / below zero) or None (neutral); note: builds the
    tile's second line from the kpis (None to leave it out).
    """

    name: str
    path: str
    kind: str
    better: str | None = "higher"
    judge: str | None = None
    fallbacks: tuple[str, ...] = ()
    note: Callable[[Mapping[str, Any], str, str], str | None] | None = None
    label_fields: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None


def _all_present(*values: Any) -> bool:
    return all(v is not None for v in values)


def _note_member_share(kpis: Mapping[str, Any], language: str, _path: str) -> str | None:
    share = num(kpis, "program.member_transaction_share")
    return None if share is None else translate("tile.member_revenue_share.note", language,
                                                share=format_percent(share, language))


def _note_active(kpis: Mapping[str, Any], language: str, _path: str) -> str | None:
    share, members = num(kpis, "program.active_member_share"), num(kpis, "program.members")
    if not _all_present(share, members):
        return None
    return translate("tile.active_members.note", language, share=format_percent(share, language, 0),
                     members=format_number(members, language))


def _note_redemption(kpis: Mapping[str, Any], language: str, _path: str) -> str | None:
    breakage = num(kpis, "program.breakage_rate")
    return None if breakage is None else translate("tile.redemption_rate.note", language,
                                                   breakage=format_percent(breakage, language))


def _nps_text(value: Any, language: str) -> str:
    number = as_number(value)
    return DASH if number is None else format_number(number * 100, language, signed=True)


def _note_nps(kpis: Mapping[str, Any], language: str, _path: str) -> str | None:
    low, high = num(kpis, "program.nps.ci_low"), num(kpis, "program.nps.ci_high")
    responses = num(kpis, "program.nps.responses")
    if not _all_present(low, high, responses):
        return None
    return translate("tile.nps.note", language, low=_nps_text(low, language),
                     high=_nps_text(high, language), responses=format_number(responses, language))


def _note_churn(kpis: Mapping[str, Any], language: str, _path: str) -> str | None:
    crr, reactivation = num(kpis, "retention.crr"), num(kpis, "retention.reactivation_rate")
    if crr is None:
        return None
    return translate("tile.churn_rate.note", language, crr=format_percent(crr, language),
                     reactivation=format_percent(reactivation, language))


def _churn_label(kpis: Mapping[str, Any]) -> dict[str, Any]:
    months = num(kpis, "retention.window.months")
    return {"months": int(months) if months is not None else 12}


def _model_name(kpis: Mapping[str, Any]) -> str | None:
    names = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD"}
    selected = get(kpis, "clv.selected_model")
    return names.get(str(selected), str(selected)) if selected else None


def _note_clv(kpis: Mapping[str, Any], language: str, _path: str) -> str | None:
    months, model = num(kpis, "clv.horizon_months"), _model_name(kpis)
    if not _all_present(months, model):
        return None
    return translate("tile.mean_clv.note", language, months=int(months), model=model)


def _method_of(path: str) -> str:
    return "did" if path.startswith("uplift.did") else "matched"


def _note_effect(kpis: Mapping[str, Any], language: str, path: str) -> str | None:
    base = path.rsplit(".", 1)[0]
    low, high = num(kpis, f"{base}.ci_low"), num(kpis, f"{base}.ci_high")
    if not _all_present(low, high):
        return None
    pct = partial(format_percent, language=language, signed=True)
    return translate("tile.program_effect.note", language,
                     method=translate(f"tile.method.{_method_of(path)}", language),
                     low=pct(low), high=pct(high))


def _note_roi(kpis: Mapping[str, Any], language: str, _path: str) -> str | None:
    revenue, cost = num(kpis, "uplift.incremental_revenue"), num(kpis, "uplift.program_cost")
    if not _all_present(revenue, cost):
        return None
    currency = currency_of(kpis)
    return translate("tile.roi.note", language, revenue=format_money(revenue, currency, language),
                     cost=format_money(cost, currency, language))


TILES: tuple[TileSpec, ...] = (
    TileSpec("member_revenue_share", "program.member_revenue_share", "percent", "higher",
             note=_note_member_share),
    TileSpec("active_members", "program.active_members", "count", "higher", note=_note_active),
    TileSpec("redemption_rate", "program.redemption_rate", "percent", "higher", note=_note_redemption),
    TileSpec("nps", "program.nps.score", "nps", "higher", judge="zero", note=_note_nps),
    TileSpec("churn_rate", "retention.churn_rate", "percent", "lower", note=_note_churn,
             label_fields=_churn_label),
    TileSpec("mean_clv", "clv.mean_clv", "money", "higher", note=_note_clv),
    TileSpec("program_effect", "uplift.did.estimate", "signed_percent", "higher", judge="interval",
             fallbacks=("uplift.matched.estimate",), note=_note_effect),
    TileSpec("roi", "uplift.roi", "signed_percent", "higher", judge="zero", note=_note_roi),
)
"""The headline tiles, in display order:

1. members' share of revenue (program.member_revenue_share; note: share of checks), higher is better;
2. active members (program.active_members; note: their share of all members), higher is better;
3. points redeemed / accrued (program.redemption_rate; note: breakage), higher is better (engagement);
4. NPS (program.nps.score x 100; note: 95% interval, answers), higher is better, judged against 0;
5. customer churn over the retention window (retention.churn_rate; note: CRR, reactivation), lower is
   better;
6. mean CLV per customer (clv.mean_clv; note: horizon, selected model), higher is better;
7. program effect on member spend: the DiD estimate, else the matched one (uplift.did / matched; note:
   method and 95% interval), higher is better, judged by its interval;
8. ROI (uplift.roi; note: incremental revenue and cost), higher is better, judged against 0.
"""


def format_value(value: Any, kind: str, language: str, currency: str = "") -> str:
    """A tile value in its kind's format (see `TileSpec`)."""
    if kind == "percent":
        return format_percent(value, language)
    if kind == "signed_percent":
        return format_percent(value, language, signed=True)
    if kind == "money":
        return format_money(value, currency, language)
    if kind == "nps":
        return _nps_text(value, language)
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


def tiles(kpis: Mapping[str, Any], language: str = "en",
          specs: tuple[TileSpec, ...] = TILES) -> list[dict[str, Any]]:
    """The headline tiles whose value exists: name, label, value (text), raw value, change (text, "—"
    without a previous value), change_raw, note (text or ""), better, css ("good" | "bad" | "neutral")."""
    currency = currency_of(kpis)
    out = []
    for spec in specs:
        path = next((p for p in (spec.path, *spec.fallbacks) if num(kpis, p) is not None), None)
        if path is None:
            continue
        value = num(kpis, path)
        assert value is not None
        previous = num(kpis, previous_path(path))
        change, delta = (DASH, None) if previous is None else format_change(value, previous, spec.kind,
                                                                             language)
        css = (_direction_class(delta, spec.better) if previous is not None
               else _judged_class(spec, kpis, path, value))
        fields = spec.label_fields(kpis) if spec.label_fields else {}
        out.append({
            "name": spec.name,
            "label": translate(f"tile.{spec.name}", language, **fields),
            "value": format_value(value, spec.kind, language, currency),
            "raw": value,
            "change": change,
            "change_raw": delta,
            "note": (spec.note(kpis, language, path) if spec.note else None) or "",
            "better": spec.better,
            "css": css,
        })
    return out


# --------------------------------------------------------------------------------------- findings


def _finding_member_share(kpis: Mapping[str, Any], language: str) -> str | None:
    revenue = num(kpis, "program.member_revenue_share")
    if revenue is None:
        return None
    members, reach = num(kpis, "program.members"), num(kpis, "program.reach")
    checks = num(kpis, "program.member_transaction_share")
    if _all_present(members, reach, checks):
        return translate("finding.member_share", language, members=format_number(members, language),
                         reach=format_percent(reach, language),
                         revenue_share=format_percent(revenue, language),
                         check_share=format_percent(checks, language))
    return translate("finding.member_share_short", language, revenue_share=format_percent(revenue, language))


def _finding_behaviour(kpis: Mapping[str, Any], language: str) -> str | None:
    values = [num(kpis, f"program.{k}") for k in ("frequency.members", "frequency.non_members",
                                                   "avg_check.members", "avg_check.non_members")]
    if not _all_present(*values):
        return None
    currency = currency_of(kpis)
    return translate("finding.member_behaviour", language,
                     freq_members=format_number(values[0], language, 1),
                     freq_others=format_number(values[1], language, 1),
                     check_members=format_money(values[2], currency, language),
                     check_others=format_money(values[3], currency, language))


def _finding_lfl(kpis: Mapping[str, Any], language: str) -> str | None:
    yoy = num(kpis, "program.lfl.yoy")
    return None if yoy is None else translate("finding.lfl", language,
                                              yoy=format_percent(yoy, language, signed=True))


def _interval_excludes_zero(low: float | None, high: float | None) -> bool:
    return low is not None and high is not None and (low > 0 or high < 0)


def _finding_uplift(kpis: Mapping[str, Any], language: str) -> str | None:
    pct = partial(format_percent, language=language, signed=True)
    naive = num(kpis, "uplift.naive")
    matched = [num(kpis, f"uplift.matched.{k}") for k in ("estimate", "ci_low", "ci_high")]
    did = [num(kpis, f"uplift.did.{k}") for k in ("estimate", "ci_low", "ci_high")]
    headline = did if _all_present(*did) else matched
    if naive is not None and _all_present(*matched):
        text = translate("finding.uplift", language, naive=pct(naive), matched=pct(matched[0]),
                         matched_low=pct(matched[1]), matched_high=pct(matched[2]))
        if _all_present(*did):
            text += translate("finding.uplift_did", language, did=pct(did[0]), did_low=pct(did[1]),
                              did_high=pct(did[2]))
        text += translate("finding.uplift_end", language)
    elif _all_present(*headline):
        method = "did" if headline is did else "matched"
        text = translate("finding.uplift_only", language, estimate=pct(headline[0]), low=pct(headline[1]),
                         high=pct(headline[2]), method=translate(f"tile.method.{method}", language))
    else:
        return None
    if not _interval_excludes_zero(headline[1], headline[2]):
        text += translate("finding.uplift_unsure", language)
    return text


def _finding_roi(kpis: Mapping[str, Any], language: str) -> str | None:
    roi, cost = num(kpis, "uplift.roi"), num(kpis, "uplift.program_cost")
    if not _all_present(roi, cost):
        return None
    currency = currency_of(kpis)
    revenue = num(kpis, "uplift.incremental_revenue")
    if revenue is None:
        return translate("finding.roi_short", language, roi=format_percent(roi, language, signed=True),
                         cost=format_money(cost, currency, language))
    margin = (roi + 1) * cost  # ROI = (margin - cost) / cost
    return translate("finding.roi", language, roi=format_percent(roi, language, signed=True),
                     revenue=format_money(revenue, currency, language),
                     margin=format_money(margin, currency, language),
                     cost=format_money(cost, currency, language))


def _finding_churn(kpis: Mapping[str, Any], language: str) -> str | None:
    crr, churn = num(kpis, "retention.crr"), num(kpis, "retention.churn_rate")
    members = num(kpis, "retention.monthly.members.churn_rate")
    others = num(kpis, "retention.monthly.non_members.churn_rate")
    monthly = _all_present(members, others)
    fields = {"members": format_percent(members, language),
              "non_members": format_percent(others, language)} if monthly else {}
    if not _all_present(crr, churn):
        return translate("finding.churn_monthly_only", language, **fields) if monthly else None
    text = translate("finding.churn", language, months=_churn_label(kpis)["months"],
                     crr=format_percent(crr, language), churn=format_percent(churn, language))
    if monthly:
        text += translate("finding.churn_monthly", language, **fields)
    return text + translate("finding.churn_end", language)


def _finding_clv(kpis: Mapping[str, Any], language: str) -> str | None:
    clv, months = num(kpis, "clv.mean_clv"), num(kpis, "clv.horizon_months")
    if not _all_present(clv, months):
        return None
    currency = currency_of(kpis)
    model = _model_name(kpis)
    predicted, actual = num(kpis, "clv.holdout.predicted"), num(kpis, "clv.holdout.actual")
    error = num(kpis, "clv.holdout.error")
    if _all_present(model, predicted, actual, error):
        return translate("finding.clv", language, model=model, months=int(months),
                         clv=format_money(clv, currency, language),
                         predicted=format_number(predicted, language),
                         actual=format_number(actual, language), error=format_percent(error, language))
    return translate("finding.clv_short", language, months=int(months),
                     clv=format_money(clv, currency, language))


def _finding_points(kpis: Mapping[str, Any], language: str) -> str | None:
    redemption = num(kpis, "program.redemption_rate")
    if redemption is None:
        return None
    breakage, liability = num(kpis, "program.breakage_rate"), num(kpis, "program.points_liability")
    if _all_present(breakage, liability):
        return translate("finding.points", language, redemption=format_percent(redemption, language),
                         breakage=format_percent(breakage, language),
                         liability=format_money(liability, currency_of(kpis), language))
    return translate("finding.points_short", language, redemption=format_percent(redemption, language))


def _finding_nps(kpis: Mapping[str, Any], language: str) -> str | None:
    keys = ("score", "ci_low", "ci_high", "responses", "promoters", "detractors")
    score, low, high, responses, promoters, detractors = (num(kpis, f"program.nps.{k}") for k in keys)
    if not _all_present(score, low, high, responses, promoters, detractors):
        return None
    return translate("finding.nps", language, score=_nps_text(score, language), low=_nps_text(low, language),
                     high=_nps_text(high, language), responses=format_number(responses, language),
                     promoters=format_percent(promoters, language, 0),
                     detractors=format_percent(detractors, language, 0))


def _finding_rfm(kpis: Mapping[str, Any], language: str) -> str | None:
    segments = ("champions", "loyal")
    counts = [num(kpis, f"rfm.segments.{s}.customers") for s in segments]
    shares = [num(kpis, f"rfm.segments.{s}.revenue_share") for s in segments]
    total = num(kpis, "rfm.customers")
    if not _all_present(*counts, *shares, total) or not total:
        return None
    return translate("finding.rfm", language, customers=format_percent(sum(counts) / total, language, 0),
                     revenue=format_percent(sum(shares), language, 0))


FINDINGS: tuple[Callable[[Mapping[str, Any], str], str | None], ...] = (
    _finding_member_share, _finding_lfl, _finding_uplift, _finding_roi, _finding_churn, _finding_clv,
    _finding_points, _finding_nps, _finding_behaviour, _finding_rfm,
)
"""Finding rules in display order; the first `MAX_FINDINGS` that have their inputs are shown:

1. member share: members' count, reach, share of revenue and of checks (program.*);
2. LFL: revenue of the last full month vs the same month a year earlier (program.lfl.yoy);
3. uplift: the naive gap against the matched (and DiD) estimates with 95% intervals, and a warning when
   the headline interval includes zero (uplift.naive / matched / did);
4. ROI with incremental revenue, incremental margin (= (ROI + 1) x cost) and cost (uplift.*);
5. retention: CRR and churn over the window, monthly churn of members vs non-members (retention.*);
6. CLV: model, mean CLV over the horizon, holdout predicted vs actual and error (clv.*);
7. points: redemption, breakage, liability (program.*);
8. NPS with its interval, answers, promoters and detractors (program.nps.*);
9. members' frequency and average check against identified non-members (program.*);
10. RFM: champions and loyal customers' share of customers and of revenue (rfm.segments.*).
"""


def findings(kpis: Mapping[str, Any], language: str = "en", limit: int = MAX_FINDINGS) -> list[str]:
    """Plain-language sentences from the numbers, each only when its inputs exist (at most `limit`)."""
    out = []
    for rule in FINDINGS:
        text = rule(kpis, language)
        if text:
            out.append(text)
        if len(out) >= limit:
            break
    return out


# ------------------------------------------------------------------------------------- appendices


METHODOLOGY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("program", ("member_share", "active_members", "redemption", "breakage", "nps", "lfl")),
    ("retention", ("crr", "churn", "reactivation", "rfm")),
    ("uplift", ("naive_uplift", "matched", "did", "incremental", "roi")),
    ("clv", ("bgnbd", "pareto_nbd", "gamma_gamma", "clv")),
)
"""Groups of the methodology appendix and their entries; texts under ``method.<entry>.{title,formula,
text}`` and ``method.group.<group>`` in `i18n`."""


def methodology(language: str = "en") -> list[dict[str, Any]]:
    """The methodology appendix: [{title, entries: [{id, title, formula, text}]}] in `language`."""
    return [
        {"id": group, "title": translate(f"method.group.{group}", language),
         "entries": [{"id": entry, **{part: translate(f"method.{entry}.{part}", language)
                                      for part in ("title", "formula", "text")}}
                     for entry in entries]}
        for group, entries in METHODOLOGY
    ]


def _dq_label(path: tuple[str, ...], language: str) -> str:
    """Label of a data_quality kpis key: known keys from the table, other keys as their path."""
    if path[0] == "rows" and len(path) == 2:
        table = translate(f"dq.table.{path[1]}", language)
        return translate("dq.rows", language, table=path[1] if table == f"dq.table.{path[1]}" else table)
    if path[0] == "completeness" and len(path) == 2:
        field = translate(f"dq.field.{path[1]}", language)
        return translate("dq.completeness", language, field=path[1] if field.startswith("dq.") else field)
    key = "dq." + ".".join(path)
    return translate(key, language) if key in EN else ".".join(path).replace("_", " ")


def _is_fraction_key(path: tuple[str, ...]) -> bool:
    last = path[-1]
    return path[0] == "completeness" or last.endswith(("_share", "_rate", "share", "rate"))


def data_quality_rows(kpis: Mapping[str, Any], language: str = "en") -> list[dict[str, str]]:
    """The data-quality appendix: one {label, value} row per number under kpis["data_quality"]
    (nested keys flattened in their order; rows of tables not provided say so; completeness and
    *_rate / *_share keys as percentages, other numbers as counts)."""
    block = kpis.get("data_quality")
    if not isinstance(block, Mapping):
        return []
    rows: list[dict[str, str]] = []

    def walk(node: Mapping[str, Any], prefix: tuple[str, ...]) -> None:
        for key, value in node.items():
            path = (*prefix, str(key))
            if isinstance(value, Mapping):
                walk(value, path)
                continue
            number = as_number(value)
            if number is None:
                if value is None and path[0] == "rows":
                    rows.append({"label": _dq_label(path, language),
                                 "value": translate("dq.not_provided", language)})
                continue
            text = (format_percent(number, language) if _is_fraction_key(path)
                    else format_number(number, language, 0 if float(number).is_integer() else 2))
            rows.append({"label": _dq_label(path, language), "value": text})

    walk(block, ())
    return rows


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

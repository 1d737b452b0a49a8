"""The consultant's view of the portfolio: clients × headline KPIs with percentile ranks, the change
since each client's previous complete report, notes on what was left out, the distribution of each KPI
and each client's trend over its earlier reports; as an HTML page (sortable) and as tables (csv, xlsx)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..text.catalogue import Text, render
from . import values
from .bundles import History
from .compare import Column, Settings
from .layout import render_page
from .texts import kpi_name


@dataclass(frozen=True)
class Cell:
    text: str
    sort: float | None
    rank: int | None
    change: str
    included: bool
    note: str
    interval: str = ""


@dataclass
class Row:
    slug: str
    name: str
    day: str
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    trend: list[str] = field(default_factory=list)


def _cell(column: Column, history: History, language: str) -> Cell:
    measure, slug = column.measure, history.latest.slug
    entry = column.entries[slug]
    previous = measure.value(history.previous.kpis) if history.previous else None
    delta = None if previous is None or entry.raw is None else entry.raw - previous
    currency = history.latest.currency
    return Cell(
        text=values.exact(measure.kind, entry.raw, language, currency),
        sort=entry.value,
        rank=None if entry.rank is None else round(100 * entry.rank),
        change=values.change(measure.kind, delta, language),
        included=entry.included,
        note="; ".join(note.render(language, column.currency) for note in entry.notes),
        interval=_interval(measure.kind, entry.low, entry.high, language, currency),
    )


def _interval(kind: str, low: float | None, high: float | None, language: str, currency: str) -> str:
    if low is None or high is None:
        return ""
    return render("portfolio.page.interval", language, low=values.exact(kind, low, language, currency),
                  high=values.exact(kind, high, language, currency))


def _trend(column: Column, history: History, language: str, keep: int) -> str:
    measure = column.measure
    shown = [values.exact(measure.kind, measure.value(b.kpis), language, b.currency)
             for b in history.bundles[-keep:]]
    return " → ".join(shown)


def build_rows(histories: Mapping[str, History], columns: list[Column], language: str,
               settings: Settings, period_notes: Mapping[str, Text]) -> list[Row]:
    rows = []
    for slug, history in histories.items():
        latest = history.latest
        row = Row(slug, latest.name, latest.run_day)
        row.cells = [_cell(column, history, language) for column in columns]
        row.trend = [_trend(column, history, language, settings.history) for column in columns]
        if slug in period_notes:
            row.notes.append(period_notes[slug].render(language))
        rows.append(row)
    return rows


def distribution_rows(columns: list[Column], language: str) -> list[dict[str, Any]]:
    """Per KPI: its name, number of comparable clients, quartiles and median, the reference definition."""
    found = []
    for column in columns:
        kind, spread = column.measure.kind, column.distribution
        stat = [None] * 3 if spread is None else [spread.q1, spread.median, spread.q3]
        found.append({
            "kpi": render(kpi_name(column.measure.key), language),
            "n": 0 if spread is None else spread.n,
            "stats": [values.exact(kind, value, language, column.currency) for value in stat],
            "definition": ", ".join(f"{k} = {v}" for k, v in column.reference.items()),
        })
    return found


def render_portfolio(rows: list[Row], columns: list[Column], language: str, day: str,
                     cards: Mapping[str, str]) -> str:
    """portfolio.html: the sortable table, the distributions, the trends and links to the cards."""
    def word(name: str, **fields: Any) -> str:
        return render(f"portfolio.page.{name}", language, **fields)

    currency = columns[0].currency if columns else ""
    return render_page(
        "portfolio.html.j2", language=language, title=word("title"),
        intro=word("intro", clients=len(rows), day=day), currency=word("currency", currency=currency),
        kpis=[render(kpi_name(c.measure.key), language) for c in columns],
        rows=rows, distribution=distribution_rows(columns, language), cards=cards,
        words={name: word(name) for name in ("client", "report", "notes", "rank", "change", "distribution",
                                             "kpi", "clients", "q1", "median", "q3", "trend",
                                             "definition", "cards")},
    )


def portfolio_frame(histories: Mapping[str, History], columns: list[Column], language: str) -> pd.DataFrame:
    """One row per client: each KPI's value (as its bundle has it), percentile rank (0..1), change since
    the previous report and note: what portfolio.csv and the first sheet of portfolio.xlsx hold."""
    records = []
    for slug, history in histories.items():
        latest = history.latest
        record: dict[str, Any] = {"client": slug, "name": latest.name, "run_id": latest.run_id,
                                  "currency": latest.currency, "language": latest.language}
        for column in columns:
            key, entry = column.measure.key, column.entries[slug]
            previous = column.measure.value(history.previous.kpis) if history.previous else None
            record[key] = entry.raw
            record[f"{key}_rank"] = entry.rank
            record[f"{key}_change"] = None if previous is None or entry.raw is None else entry.raw - previous
            record[f"{key}_note"] = "; ".join(n.render(language, column.currency) for n in entry.notes)
        records.append(record)
    return pd.DataFrame.from_records(records)


def trend_frame(histories: Mapping[str, History], columns: list[Column]) -> pd.DataFrame:
    """Long table of every complete report of every client: client, run id, KPI, value."""
    records = [{"client": slug, "run_id": bundle.run_id, "kpi": column.measure.key,
                "value": column.measure.value(bundle.kpis)}
               for slug, history in histories.items() for bundle in history.bundles for column in columns]
    return pd.DataFrame.from_records(records, columns=["client", "run_id", "kpi", "value"])

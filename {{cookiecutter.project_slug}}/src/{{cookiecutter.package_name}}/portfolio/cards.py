"""One benchmark card per client, in the client's report language: each headline KPI's value against
the portfolio's anonymised distribution (median, quartiles, number of programs, a strip chart) with a
sentence in plain words.

A card shows its own client's name and values, and of the others only the count, the coarsely rounded
quartiles and median (Harrell–Davis estimates, see `ranks`) and unlabelled dots; never another
client's name, slug or value in words. Below `portfolio.min_clients` programs in the portfolio the card
says so instead of showing any distribution; below that many comparable values of one KPI, that KPI's
line says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text.catalogue import Text, render
from . import values
from .bundles import Bundle
from .charts import strip_chart
from .compare import Column, Settings
from .layout import render_page
from .texts import kpi_name

VERDICTS = {(4, True): "better", (1, True): "worse", (4, False): "worse", (1, False): "better"}


@dataclass(frozen=True)
class CardLine:
    """One KPI on a card: its name, the sentence, and the strip chart (a data URI) when one is shown."""

    kpi: str
    sentence: str
    chart: str | None = None
    alt: str = ""


def _line(column: Column, bundle: Bundle, settings: Settings) -> CardLine:
    language, currency = bundle.language, column.currency
    measure = column.measure
    name = render(kpi_name(measure.key), language)
    entry = column.entries[bundle.slug]
    distribution = column.distribution
    if entry.raw is None:
        return CardLine(name, render("portfolio.card.no_value", language, currency, kpi=name))
    if not entry.included:
        note = "; ".join(t.render(language, currency) for t in entry.notes)
        return CardLine(name, render("portfolio.card.excluded", language, currency, kpi=name, note=note))
    if distribution is None or distribution.n < settings.min_clients:
        n = distribution.n if distribution else 0
        return CardLine(name, render("portfolio.card.too_few", language, currency, kpi=name, n=n,
                                     minimum=settings.min_clients))
    quarter = distribution.quarter(entry.value)
    verdict = VERDICTS.get((quarter, measure.higher_is_better), "typical")

    def coarse(value: float) -> str:
        return values.coarse(measure.kind, value, language, currency)

    sentence = render(
        "portfolio.card.sentence", language, currency, kpi=name,
        value=values.exact(measure.kind, entry.value, language, currency),
        position=Text(f"portfolio.card.position.{quarter}"), n=distribution.n,
        median=coarse(distribution.median), q1=coarse(distribution.q1), q3=coarse(distribution.q3),
        verdict=Text(f"portfolio.card.verdict.{verdict}"),
    )
    words = (render("portfolio.card.you", language), render("portfolio.card.others", language))
    def tick(value: float) -> str:
        return values.exact(measure.kind, value, language, currency)

    chart = strip_chart(list(column.compared().values()), entry.value, distribution, tick, words)
    alt = render("portfolio.card.chart", language, currency, kpi=name, n=distribution.n)
    return CardLine(name, sentence, chart, alt)


def card_lines(bundle: Bundle, columns: list[Column], settings: Settings) -> list[CardLine]:
    return [_line(column, bundle, settings) for column in columns]


def _card_context(bundle: Bundle, columns: list[Column], settings: Settings, clients: int) -> dict:
    language = bundle.language
    too_small = clients < settings.min_clients
    return {
        "language": language,
        "title": render("portfolio.card.title", language, name=bundle.name),
        "intro": render("portfolio.card.intro", language, day=bundle.run_day),
        "too_small": render("portfolio.card.too_small", language, n=clients, minimum=settings.min_clients)
        if too_small else "",
        "lines": [] if too_small else card_lines(bundle, columns, settings),
    }


def render_card(bundle: Bundle, columns: list[Column], settings: Settings, clients: int) -> str:
    """The card of `bundle`'s client as a self-contained HTML page (`clients`: the portfolio's size)."""
    return render_page("card.html.j2", **_card_context(bundle, columns, settings, clients))


def render_card_section(bundle: Bundle, columns: list[Column], settings: Settings, clients: int) -> str:
    """The same card as one ``<section id="benchmark">`` of the client's report (see `into_bundles`)."""
    return render_page("card_section.html.j2", **_card_context(bundle, columns, settings, clients))


def contents_entry(bundle: Bundle) -> str:
    """The card's line in the report's table of contents, in the client's language."""
    return render("portfolio.card.contents", bundle.language)

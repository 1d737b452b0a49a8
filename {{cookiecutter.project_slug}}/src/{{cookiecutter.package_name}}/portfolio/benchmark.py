"""The `benchmark` command: read the latest complete bundle of every client and write
``reports/_portfolio/<day>/`` (portfolio.html, portfolio.csv, portfolio.xlsx, cards/<client>.html).

The folder is written as a hidden ``.<day>.writing`` folder and renamed when whole; a second benchmark
on the same day replaces it. Settings: the ``portfolio`` block of config/defaults.yaml, overridden by
``config/portfolio.yaml`` (a ``portfolio:`` block) when present.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..config import ConfigError, merge
from . import texts  # noqa: F401  (registers the portfolio's texts)
from .bundles import History, read_portfolio
from .cards import render_card
from .compare import Column, Settings, build_columns, period_notes
from .pages import build_rows, portfolio_frame, render_portfolio, trend_frame

PORTFOLIO = "_portfolio"
CARDS = "cards"


class NoBundles(ConfigError):
    """No client has a complete bundle to compare."""


@dataclass
class Benchmark:
    """What a benchmark wrote: the folder, the clients compared, each client's card."""

    folder: Path
    clients: list[str]
    cards: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    histories: dict[str, History] = field(default_factory=dict, repr=False)
    columns: list[Column] = field(default_factory=list, repr=False)
    settings: Settings = field(default_factory=Settings, repr=False)


def portfolio_config(project: Path) -> dict[str, Any]:
    """config/defaults.yaml with config/portfolio.yaml merged over it (unknown keys refused)."""
    defaults = yaml.safe_load((project / "config" / "defaults.yaml").read_text(encoding="utf-8")) or {}
    extra = project / "config" / "portfolio.yaml"
    overrides = yaml.safe_load(extra.read_text(encoding="utf-8")) if extra.is_file() else None
    return merge(defaults, overrides or {}, source=extra)


def _write_tables(folder: Path, histories: Mapping[str, History], columns: list[Column],
                  language: str) -> None:
    frame = portfolio_frame(histories, columns, language)
    frame.to_csv(folder / "portfolio.csv", index=False, encoding="utf-8-sig")
    spread = pd.DataFrame.from_records([
        {"kpi": c.measure.key, "clients": c.distribution.n if c.distribution else 0,
         "q1": c.distribution.q1 if c.distribution else None,
         "median": c.distribution.median if c.distribution else None,
         "q3": c.distribution.q3 if c.distribution else None, "currency": c.currency,
         "definition": ", ".join(f"{k}={v}" for k, v in c.reference.items())} for c in columns])
    with pd.ExcelWriter(folder / "portfolio.xlsx", engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="portfolio", index=False)
        spread.to_excel(writer, sheet_name="distribution", index=False)
        trend_frame(histories, columns).to_excel(writer, sheet_name="trend", index=False)


def _publish(writing: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    writing.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def benchmark(project: Path, clients: list[str] | None = None, day: str | None = None,
              config: Mapping[str, Any] | None = None) -> Benchmark:
    """Compare the latest complete bundles under ``<project>/reports/`` and write the portfolio folder."""
    started = time.perf_counter()
    project = Path(project)
    config = dict(config) if config is not None else portfolio_config(project)
    settings = Settings.from_config(config)
    histories = read_portfolio(project / "reports", clients)
    if not histories:
        raise NoBundles(f"no complete bundle under {project / 'reports'}: run some clients first")
    columns = build_columns(histories, settings, config)
    language = str(config.get("language") or "en")
    day = day or dt.date.today().isoformat()
    target = project / "reports" / PORTFOLIO / day
    writing = target.with_name(f".{day}.writing")
    shutil.rmtree(writing, ignore_errors=True)
    (writing / CARDS).mkdir(parents=True)
    cards = {}
    for slug, history in histories.items():
        page = render_card(history.latest, columns, settings, clients=len(histories))
        (writing / CARDS / f"{slug}.html").write_text(page, encoding="utf-8")
        cards[slug] = target / CARDS / f"{slug}.html"
    rows = build_rows(histories, columns, language, settings, period_notes(histories, settings))
    links = {slug: f"{CARDS}/{slug}.html" for slug in cards}
    (writing / "portfolio.html").write_text(render_portfolio(rows, columns, language, day, links),
                                            encoding="utf-8")
    _write_tables(writing, histories, columns, language)
    _publish(writing, target)
    return Benchmark(target, list(histories), cards, time.perf_counter() - started, dict(histories), columns,
                     settings)

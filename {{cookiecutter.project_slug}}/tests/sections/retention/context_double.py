"""Small tables and a stand-in for the run context (`context.RunContext`) over tables in memory, and a
runner for a section's notebook against it: the sections' tests check that the notebook records what
`run(ctx)` returns without papermill, files or a kernel. Shared by the tests of data_quality, rfm,
retention."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.core.membership import join_dates
from {{ cookiecutter.package_name }}.run import context
from {{ cookiecutter.package_name }}.sections.registry import get
from {{ cookiecutter.package_name }}.sections.steps import Chart, Say, Skip, Step, Table

PROJECT = Path(__file__).resolve().parents[3]
PERIOD = ("2023-01-01", "2024-12-31")


class ContextDouble:
    """Tables, period and config of a run; `show` keeps the steps and renders every text (and draws
    every chart when `draw`), `record` keeps the headlines."""

    def __init__(self, tables: dict[str, pd.DataFrame | None], period: tuple[str, str],
                 config: dict[str, Any] | None = None, language: str = "en",
                 prepared: dict[str, Any] | None = None) -> None:
        self.tables, self.config, self.language = tables, config or {}, language
        self.period = (pd.Timestamp(period[0]), pd.Timestamp(period[1]))
        self.prepared = prepared or {}
        self.cache_dir = None  # no prepared files: every section computes in memory
        self.shown: list[Step] = []
        self.texts: list[str] = []
        self.recorded: dict[str, Any] = {}
        self.draw = False

    # columns, categories: the whole table will do
    def table(self, name: str, columns=None, categories=()) -> pd.DataFrame | None:
        frame = self.tables.get(name)
        return None if frame is None else frame.copy()

    def preparation(self) -> dict[str, Any]:
        return self.prepared

    def render(self, text: Any) -> str:
        return text.render(self.language, "RUB")

    def show(self, step: Step) -> None:
        self.shown.append(step)
        for item in step.items:
            if isinstance(item, Table | Chart):
                self.texts.append(self.render(item.caption))
            elif isinstance(item, Say):
                self.texts.append(self.render(item.text))
            elif isinstance(item, Skip):
                self.texts.append(self.render(item.reason))
            if isinstance(item, Chart) and self.draw:
                plt.close(item.draw())

    def record(self, section: str, values: dict[str, Any]) -> None:
        self.recorded[section] = values


def run_notebook(name: str, ctx: ContextDouble, monkeypatch: Any) -> dict[str, Any]:
    """Execute the code cells of notebooks/<name> (parameters cell included) with `open_run` giving
    `ctx`; the headline the notebook records."""
    monkeypatch.setattr(context, "open_run", lambda client, run_dir: ctx)
    cells = json.loads((PROJECT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)  # noqa: S102  (our own notebook)
    (section,) = ctx.recorded
    return ctx.recorded[section]


def sample_tables(customers: int = 300, seed: int = 5) -> dict[str, pd.DataFrame]:
    """Two years of checks (2023-2024) of `customers` customers, some anonymous checks and returns,
    and a customers table in which 40% joined the program during 2024 (their checks after joining
    carry the loyalty card)."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2023-01-01")
    for number in range(customers):
        first = rng.integers(0, 600)
        lifetime = rng.integers(30, 730 - first)
        for day in np.sort(rng.integers(first, first + lifetime, size=rng.integers(1, 15))):
            rows.append((f"c{number:04d}", start + pd.Timedelta(days=int(day)),
                         float(rng.choice([-1, 1], p=[0.05, 0.95]) * rng.integers(5, 300))))
    rows += [(None, start + pd.Timedelta(days=int(d)), 50.0) for d in rng.integers(0, 730, size=80)]
    transactions = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    transactions["customer_id"] = transactions["customer_id"].astype("string")
    ids = pd.Series([f"c{n:04d}" for n in range(customers)], dtype="string")
    joined = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 330, customers), "D"))
    joined[rng.random(customers) > 0.4] = pd.NaT
    table = pd.DataFrame({"customer_id": ids, "joined_program_at": joined})
    join_day = transactions["customer_id"].map(dict(zip(ids, joined, strict=True)))
    transactions["loyalty_card"] = (transactions["date"] >= join_day).fillna(False).astype(bool)
    return {"transactions": transactions, "customers": table}


def checks(rows: list[tuple]) -> pd.DataFrame:
    """(customer_id or None, 'YYYY-MM-DD', amount) -> canonical transactions."""
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    frame["amount"] = frame["amount"].astype("float64")
    return frame


def joins(rows: list[tuple]) -> pd.Series:
    """Join days (`core.membership.join_dates`) of a customers table with these (customer_id,
    joined_program_at) rows."""
    frame = pd.DataFrame(rows, columns=["customer_id", "joined_program_at"])
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame["joined_program_at"] = pd.to_datetime(frame["joined_program_at"], format="ISO8601")
    return join_dates(frame)


def make_context(tables: dict[str, pd.DataFrame | None] | None, config: dict[str, Any],
                 language: str = "en", prepared: dict[str, Any] | None = None) -> ContextDouble:
    """A context over `tables` (default: `sample_tables()`) for 2023-2024."""
    return ContextDouble(sample_tables() if tables is None else tables, PERIOD, config, language, prepared)


def check_notebook_matches_run(section: Any, make: Any, monkeypatch: Any) -> dict[str, Any]:
    """Run the section's notebook on `make()` and `section.run` on another `make()`: the same headline,
    the same steps shown, every item shown; the headline."""
    ctx = make()
    recorded = run_notebook(get(section.SECTION.key).notebook, ctx, monkeypatch)
    result = section.run(make())
    assert recorded == result.headline
    assert [step.name for step in ctx.shown] == list(result.steps)
    assert len(ctx.texts) == sum(len(step.items) for step in result.steps.values())
    return recorded

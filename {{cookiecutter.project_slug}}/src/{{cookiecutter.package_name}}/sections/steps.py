"""What a section's step gives the notebook and the report: tables, charts, sentences, skips, values.

A step is one call into a section's tested code (``program.reach(inputs)``); it returns a `Step`
that the notebook keeps in a named variable and shows with ``ctx.show(step)``: a consultant can inspect
its tables and values, change a setting and call it again. ``run(ctx)`` of a section calls every step
and returns a `SectionResult` with the headline numbers for kpis.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..text.catalogue import Text


@dataclass(frozen=True)
class Table:
    """A table shown in the report and written to tables.xlsx as sheet `name` (`export`: to
    exports/<name>.csv instead, whatever its length: a list for CRM activation)."""

    name: str
    frame: pd.DataFrame
    caption: Text
    max_rows: int = 40
    export: bool = False


@dataclass(frozen=True)
class Chart:
    """A chart saved as figures/<name>.png; drawn only when shown (`draw()` returns the figure)."""

    name: str
    draw: Callable[[], Any]
    caption: Text


@dataclass(frozen=True)
class Say:
    """A sentence of interpretation."""

    text: Text


@dataclass(frozen=True)
class Skip:
    """(Part of) the step could not be computed, and why."""

    reason: Text


Item = Table | Chart | Say | Skip


@dataclass
class Step:
    """The result of one step: what to show, in order (`items`), and the numbers and frames it
    computed (`values`), which later steps and the headline use."""

    name: str
    items: list[Item] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str, frame: pd.DataFrame, caption: str, /, max_rows: int = 40,
              export: bool = False, **fields: Any) -> Step:
        self.items.append(Table(name, frame, Text(caption, fields), max_rows, export))
        return self

    def chart(self, name: str, draw: Callable[[], Any], caption: str, /, **fields: Any) -> Step:
        self.items.append(Chart(name, draw, Text(caption, fields)))
        return self

    def say(self, key: str, /, **fields: Any) -> Step:
        self.items.append(Say(Text(key, fields)))
        return self

    def skip(self, key: str, /, **fields: Any) -> Step:
        self.items.append(Skip(Text(key, fields)))
        return self

    @property
    def skipped(self) -> list[Text]:
        return [item.reason for item in self.items if isinstance(item, Skip)]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {item.name: item.frame for item in self.items if isinstance(item, Table)}

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


@dataclass
class SectionResult:
    """Every step of a section, in order, and its headline numbers (its kpis.json block)."""

    key: str
    steps: dict[str, Step]
    headline: dict[str, Any]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: frame for step in self.steps.values() for name, frame in step.tables().items()}

"""The section registry, in the spirit of papermill's engines: `register(Section(...))` once per section.

`registered()` imports every sub-package of `sections` (each registers itself on import) and returns
the sections in run order. The runner takes the notebooks, the report its tiles, findings and
methodology, kpis.json its blocks, and the input checks their requirements from here.

Input checks: a section's `inputs(ctx)` calls ``check(REQUIRES, tables)`` once; the `Unmet` it gets
says, for the whole section or for each of its steps, why it cannot run (a catalogue `Text`, see
`core.conditions`). A step asks ``unmet.reason("<step>")`` first and, when there is one, shows it as
its skip reason and leaves its kpis.json keys None (the same keys as when it runs).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core import conditions
from ..text.catalogue import Text

KpiReader = Mapping[str, Any]  # the merged kpis dict, as written to kpis.json


@dataclass(frozen=True)
class Requirement:
    """An input a section (or some of its steps) needs.

    table: canonical table name; columns: canonical columns it must have; condition: a content
    condition (e.g. ``"some_members"``, see `core.conditions`) that must hold; steps: the steps that
    need it (empty: the whole section)."""

    table: str
    columns: tuple[str, ...] = ()
    condition: str | None = None
    steps: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.condition is not None and self.condition not in conditions.CONDITIONS:
            raise ValueError(f"unknown content condition {self.condition!r}; known: "
                             f"{', '.join(conditions.CONDITIONS)}")

    def missing(self, tables: Mapping[str, pd.DataFrame | None]) -> Text | None:
        """Why this requirement is not met by `tables` (None when it is)."""
        return conditions.missing(tables, self.table, self.columns, self.condition)


@dataclass(frozen=True)
class Unmet:
    """Why a section, or some of its steps, cannot run: `section` for the whole section (None: it
    can), `steps` {step name: reason} for the steps whose own requirements fail."""

    section: Text | None = None
    steps: Mapping[str, Text] = field(default_factory=dict)

    def reason(self, step: str) -> Text | None:
        """Why `step` cannot run: the section's reason, else the step's own; None when it can."""
        return self.section if self.section is not None else self.steps.get(step)


def check(requires: tuple[Requirement, ...], tables: Mapping[str, pd.DataFrame | None]) -> Unmet:
    """The requirements of a section checked once against its tables: the first unmet requirement
    of the whole section, and per step the first unmet requirement naming it. A table the section
    did not load counts as not provided."""
    section: Text | None = None
    steps: dict[str, Text] = {}
    for requirement in requires:
        if section is not None and not requirement.steps:
            continue
        if requirement.steps and all(step in steps for step in requirement.steps):
            continue
        reason = requirement.missing(tables)
        if reason is None:
            continue
        if not requirement.steps:
            section = reason
        for step in requirement.steps:
            steps.setdefault(step, reason)
    return Unmet(section, steps)


@dataclass(frozen=True)
class TileSpec:
    """One headline tile of the executive summary.

    name: the tile's id; its label is the text ``tile.<name>`` (filled with `label_fields(kpis)`);
    path: dotted kpis path of the value (`fallbacks`: paths tried in turn when it is None); kind:
    percent | count | money | nps | signed_percent; better: "higher" | "lower" | None; judge: how to
    colour a tile without a previous value: "zero" (the value above / below zero), "interval" (the 95%
    interval ``<path minus .estimate>.ci_low / ci_high`` wholly above / below zero) or None; note: the
    tile's second line from the kpis and the path shown (None to leave it out)."""

    name: str
    path: str
    kind: str
    better: str | None = "higher"
    judge: str | None = None
    fallbacks: tuple[str, ...] = ()
    note: Callable[[KpiReader, str], Text | None] | None = None
    label_fields: Callable[[KpiReader], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Finding:
    """A plain-language finding of the executive summary: `rule(kpis)` gives its text, or None when
    its inputs are missing. Findings are shown by `priority` (lower first), at most eight."""

    priority: int
    rule: Callable[[KpiReader], Text | None]


@dataclass(frozen=True)
class MethodGroup:
    """Entries of the methodology appendix under the group ``method.group.<group>``; each entry's
    texts are ``method.<entry>.title / .formula / .text``."""

    group: str
    entries: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A section of the report.

    key: its name everywhere: notebook ``NN_<key>.ipynb``, kpis.json block, `--only` value;
    number: NN, the position in a run; title: text name of its heading; config_block: its block of
    the client config (None: none); requires: inputs it needs (`Requirement`); run: ``run(ctx) ->
    SectionResult`` (all its steps, for tests and scripts; the notebook calls the same steps one by
    one); tiles, findings, methodology: its parts of the report frame; cost: its notebook's running
    time relative to the other sections' (docs/benchmarks.md), so that kernels side by side take the
    longest notebooks first."""

    key: str
    number: int
    title: str
    run: Callable[[Any], Any]
    config_block: str | None = None
    requires: tuple[Requirement, ...] = ()
    tiles: tuple[TileSpec, ...] = ()
    findings: tuple[Finding, ...] = ()
    methodology: tuple[MethodGroup, ...] = ()
    cost: float = 1.0

    @property
    def notebook(self) -> str:
        return f"{self.number:02d}_{self.key}.ipynb"


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add `section` to the registry (a key or number already taken by another section is refused)."""
    for other in _SECTIONS.values():
        if other.key != section.key and other.number == section.number:
            raise ValueError(f"section {section.key!r}: number {section.number} is taken by {other.key!r}")
    _SECTIONS[section.key] = section
    return section


def _import_sections() -> None:
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.ispkg:
            importlib.import_module(f"{__package__}.{module.name}")


def registered() -> list[Section]:
    """Every section, in run order (their numbers)."""
    _import_sections()
    return sorted(_SECTIONS.values(), key=lambda section: section.number)


def get(key: str) -> Section:
    """The section registered as `key` (KeyError naming the known ones otherwise)."""
    sections = {section.key: section for section in registered()}
    if key not in sections:
        raise KeyError(f"unknown section {key!r}; sections are: {', '.join(sections)}")
    return sections[key]

"""The section registry, in the spirit of papermill's engines: `register(Section(...))` once per section.

`registered()` imports every sub-package of `sections` (each registers itself on import) and returns
the sections in run order. The runner takes the notebooks, the report its tiles, findings and
methodology, kpis.json its blocks, and the input checks their requirements from here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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
    one); tiles, findings, methodology: its parts of the report frame."""

    key: str
    number: int
    title: str
    run: Callable[[Any], Any]
    config_block: str | None = None
    requires: tuple[Requirement, ...] = ()
    tiles: tuple[TileSpec, ...] = ()
    findings: tuple[Finding, ...] = ()
    methodology: tuple[MethodGroup, ...] = ()

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

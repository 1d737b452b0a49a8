"""Read options of a client's files (data.read in the config) and the counts of reading rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import ConfigError

SEPARATOR_ALIASES = {"\\t": "\t", "tab": "\t", "TAB": "\t", "Tab": "\t"}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(frozen=True)
class ReadOptions:
    sep: str = ","
    decimal: str = "."
    thousands: str | None = None
    encoding: str = "utf-8"
    date_format: str | None = None
    header_row: int = 0
    sheet: str | int | None = None
    timezone: str | None = None

    @classmethod
    def from_config(cls, defaults: dict[str, Any], override: dict[str, Any]) -> ReadOptions:
        merged = {**defaults, **(override or {})}
        options = cls(**{k: merged[k] for k in cls.__dataclass_fields__ if k in merged})
        if options.sep in SEPARATOR_ALIASES:
            options = cls(**{**options.__dict__, "sep": SEPARATOR_ALIASES[options.sep]})
        if options.timezone:
            try:
                pd.Timestamp("2024-01-01", tz="UTC").tz_convert(options.timezone)
            except Exception as exc:  # noqa: BLE001 - any failure means the name is unusable
                raise ConfigError(f"data.read.timezone: unknown time zone {options.timezone!r} "
                                  "(use an IANA name such as 'Europe/Moscow')") from exc
        return options


# Counts of reading rules that touched values (see the module docstring), summed over tables.
ReadingNotes = dict[str, int]


def note(notes: ReadingNotes | None, key: str, count: int) -> None:
    if notes is not None and count:
        notes[key] = notes.get(key, 0) + int(count)


def encoding_of(path: Path, configured: str) -> str:
    """A byte-order mark decides the encoding (it cannot be mistaken); otherwise the configured one."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    return configured

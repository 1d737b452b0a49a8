"""The RFM section's settings: the `rfm` block of the client config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """bins: quantile bins of each of the R, F and M scores; snapshot_compare_days: the migration
    compares segments now with segments this many days earlier; export_rows: rows of the CRM export
    shown (the whole export goes to tables.xlsx)."""

    bins: int = 5
    snapshot_compare_days: int = 180
    export_rows: int = 10

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        block = config.get("rfm") or {}
        return cls(**{name: block[name] for name in cls.__dataclass_fields__ if name in block})

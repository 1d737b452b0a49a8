"""The RFM section's settings: the `rfm` block of the client config."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.settings import ConfigBlock


@dataclass(frozen=True)
class Settings(ConfigBlock, block="rfm"):
    """bins: quantile bins of each of the R, F and M scores; snapshot_compare_days: the migration
    compares segments now with segments this many days earlier; export_rows: rows of the CRM export
    shown (the whole export goes to tables.xlsx)."""

    bins: int = 5
    snapshot_compare_days: int = 180
    export_rows: int = 10

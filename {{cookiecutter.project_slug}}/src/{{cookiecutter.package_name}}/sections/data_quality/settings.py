"""The data-quality section's settings: the `quality` block of the client config."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.settings import ConfigBlock


@dataclass(frozen=True)
class Settings(ConfigBlock, block="quality"):
    """future_tolerance_days, drop_duplicates, drop_future: the cleaning rules applied when the tables
    are prepared (shown here); monthly_gap_ratio: a month with fewer checks than this fraction of the
    median month is flagged as a possible gap in the export."""

    future_tolerance_days: int = 1
    drop_duplicates: bool = True
    drop_future: bool = True
    monthly_gap_ratio: float = 0.5

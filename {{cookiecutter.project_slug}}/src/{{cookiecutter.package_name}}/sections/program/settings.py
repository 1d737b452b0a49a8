"""The `program` block of the client config, as one object (config/defaults.yaml documents each key)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .dates import timestamp


@dataclass(frozen=True)
class Settings:
    """launch_date: the program's start (None: the first join day in the data); point_value: money
    value of a point; active_window_days: a member is active with a check in this many days;
    anomaly_window / anomaly_z / anomaly_min_deviation: the rule that flags a month's member share
    (`shares.flag_anomalies`); lfl_same_stores: like-for-like on stores open in both periods;
    compare_months: the headline also as it read this many months earlier (None: not computed)."""

    launch_date: pd.Timestamp | None = None
    point_value: float = 1.0
    active_window_days: int = 90
    anomaly_window: int = 6
    anomaly_z: float = 3.0
    anomaly_min_deviation: float = 0.05
    lfl_same_stores: bool = True
    compare_months: int | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> Settings:
        """From a whole client config (its `program` block; missing keys take the defaults)."""
        program = dict((config or {}).get("program") or {})
        months = program.get("compare_months")
        return cls(
            launch_date=timestamp(program.get("launch_date")),
            point_value=float(program.get("point_value", 1.0) or 0.0),
            active_window_days=int(program.get("active_window_days", 90)),
            anomaly_window=int(program.get("share_anomaly_window_months", 6)),
            anomaly_z=float(program.get("share_anomaly_z", 3.0)),
            anomaly_min_deviation=float(program.get("share_anomaly_min_deviation", 0.05)),
            lfl_same_stores=bool(program.get("lfl_same_stores", True)),
            compare_months=None if months is None else int(months),
        )

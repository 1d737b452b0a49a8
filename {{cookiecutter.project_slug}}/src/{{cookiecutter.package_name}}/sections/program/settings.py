"""The `program` block of the client config, as one object (config/defaults.yaml documents each key)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...core.settings import ConfigBlock, setting


@dataclass(frozen=True)
class Settings(ConfigBlock, block="program"):
    """launch_date: the program's start (None: the first join day in the data); point_value: money
    value of a point (null: 0); active_window_days: a member is active with a check in this many days;
    anomaly_window / anomaly_z / anomaly_min_deviation: the rule that flags a month's member share
    (`shares.flag_anomalies`; the config's share_anomaly_* keys); lfl_same_stores: like-for-like on
    stores open in both periods; compare_months: the headline also as it read this many months earlier
    (None: not computed)."""

    launch_date: pd.Timestamp | None = None
    point_value: float = setting(1.0, null=0.0)
    active_window_days: int = 90
    anomaly_window: int = setting(6, key="share_anomaly_window_months")
    anomaly_z: float = setting(3.0, key="share_anomaly_z")
    anomaly_min_deviation: float = setting(0.05, key="share_anomaly_min_deviation")
    lfl_same_stores: bool = True
    compare_months: int | None = 3

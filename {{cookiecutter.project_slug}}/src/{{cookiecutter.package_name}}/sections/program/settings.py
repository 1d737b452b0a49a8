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
    (None: not computed). Voice of the customer (`voice`, `voice_outcomes`, `reasons`):
    voice_min_answers: a segment group with fewer answers is flagged small; voice_churn_days: the
    window after an answer (churn, spend) and before it (matching); voice_spend_bins: quantile bins of
    spend before the answer for matching; rfm_bins: the RFM scores (``rfm.bins``); reason_min_count /
    reason_top / quote_reasons (``report.quote_reasons``): which reasons are shown (`reasons`);
    benefit_change_date: the day the program's benefit changed (None: motive churn not computed)."""

    launch_date: pd.Timestamp | None = None
    point_value: float = setting(1.0, null=0.0)
    active_window_days: int = 90
    anomaly_window: int = setting(6, key="share_anomaly_window_months")
    anomaly_z: float = setting(3.0, key="share_anomaly_z")
    anomaly_min_deviation: float = setting(0.05, key="share_anomaly_min_deviation")
    lfl_same_stores: bool = True
    compare_months: int | None = 3
    voice_min_answers: int = 30
    voice_churn_days: int = 180
    voice_spend_bins: int = 5
    rfm_bins: int = setting(5, key="rfm.bins")
    reason_min_count: int = 5
    reason_top: int = 10
    quote_reasons: bool = setting(False, key="report.quote_reasons")
    benefit_change_date: pd.Timestamp | None = None

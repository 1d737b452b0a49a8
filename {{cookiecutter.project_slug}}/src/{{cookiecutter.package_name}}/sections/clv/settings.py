"""The CLV section's settings: the `clv` block of the client config (plus the two values it takes from
other blocks: program.gross_margin and rfm.bins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.settings import ConfigBlock, setting


@dataclass(frozen=True)
class Settings(ConfigBlock, block="clv"):
    """time_unit: D or W for the models; calibration_end: last day of the calibration period (None:
    the last `holdout_fraction` of the period is the holdout); horizon_months and annual_discount_rate
    of CLV; penalizer_coef: the L2 penalty tried only when a plain fit fails; min_repeat_buyers: fewer
    in the calibration period and a model is not fitted; max_spend_correlation: above it Gamma-Gamma's
    independence is doubtful; top_customers: customers listed by CLV; export_rows: rows of the
    every-customer export shown (all go to tables.xlsx); gross_margin: program.gross_margin (null: CLV
    in revenue, margin 1); rfm_bins: rfm.bins, for CLV by RFM segment."""

    time_unit: str = "W"
    calibration_end: Any = None
    horizon_months: int = 12
    annual_discount_rate: float = 0.1
    penalizer_coef: float = 0.001
    holdout_fraction: float = 0.25
    min_repeat_buyers: int = 30
    max_spend_correlation: float = 0.3
    top_customers: int = 20
    export_rows: int = 10
    gross_margin: float = setting(0.35, key="program.gross_margin", null=1.0)
    rfm_bins: int = setting(5, key="rfm.bins")

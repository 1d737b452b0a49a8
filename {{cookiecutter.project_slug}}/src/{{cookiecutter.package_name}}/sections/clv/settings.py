"""The CLV section's settings: the `clv` block of the client config (plus the two values it takes from
other blocks: program.gross_margin and rfm.bins)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Settings:
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
    gross_margin: float = 1.0
    rfm_bins: int = 5

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        block = dict(config.get("clv") or {})
        margin = (config.get("program") or {}).get("gross_margin")
        block["gross_margin"] = 1.0 if margin is None else float(margin)
        block["rfm_bins"] = (config.get("rfm") or {}).get("bins", cls.rfm_bins)
        known = {field.name for field in fields(cls)}
        values = {name: value for name, value in block.items() if name in known}
        for name in ("horizon_months", "min_repeat_buyers", "top_customers", "export_rows", "rfm_bins"):
            if name in values:
                values[name] = int(values[name])
        for name in ("annual_discount_rate", "penalizer_coef", "holdout_fraction", "max_spend_correlation"):
            if name in values:
                values[name] = float(values[name])
        return cls(**values)

"""The uplift section's settings: the client config's ``uplift`` block and the program facts it uses.

`Settings.from_config(config)` reads the merged config (``config/defaults.yaml`` documents every key);
`Settings()` holds the same defaults, for tests and scripts. Frozen: change one setting with
``dataclasses.replace(settings, window_days=90)`` and call the step again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Program:
    """Program facts of the ``program`` block used by the economics."""

    launch_date: pd.Timestamp | None = None
    point_value: float = 1.0
    gross_margin: float = 0.35
    monthly_cost: float = 0.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Program:
        block = config.get("program") or {}
        launch = block.get("launch_date")
        return cls(launch_date=None if launch is None else pd.Timestamp(launch),
                   point_value=float(block.get("point_value", 1.0)),
                   gross_margin=float(block.get("gross_margin", 0.35)),
                   monthly_cost=float(block.get("monthly_cost", 0.0) or 0.0))


@dataclass(frozen=True)
class Settings:
    """The ``uplift`` block (see config/defaults.yaml for each key) and the program facts."""

    bootstrap_samples: int = 500
    campaign_window_days: int = 30
    random_seed: int = 42
    window_days: int = 180
    confirm_days: int = 30
    caliper: float = 0.5
    matching: str = "nearest"
    propensity_caliper: float = 0.2
    exact_match: tuple[str, ...] = ("tier",)
    max_controls: int | None = 50_000
    region_launch_dates: Mapping[str, Any] | None = None
    campaign_costs: Mapping[str, float] | None = None
    cost_per_contact: float | None = None
    benefit_rates: tuple[float, ...] = (0.03, 0.05, 0.10)
    annual_discount_rate: float = 0.1
    roi_margins: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5)
    roi_effects: tuple[float, ...] = (0.02, 0.05, 0.1, 0.15, 0.2)
    program: Program = field(default_factory=Program)

    def __post_init__(self) -> None:
        if self.matching not in ("nearest", "propensity"):
            raise ValueError(f"uplift.matching must be nearest or propensity, got {self.matching!r}")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """The settings of a merged client config (its ``uplift`` and ``program`` blocks)."""
        block = dict(config.get("uplift") or {})
        known = {name for name in cls.__dataclass_fields__ if name != "program"}
        values: dict[str, Any] = {key: value for key, value in block.items() if key in known}
        for key in ("exact_match", "benefit_rates", "roi_margins", "roi_effects"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        for key in ("benefit_rates", "roi_margins", "roi_effects"):
            if key in values:
                values[key] = tuple(float(value) for value in values[key])
        return cls(**values, program=Program.from_config(config))

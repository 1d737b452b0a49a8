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

from ...core.settings import ConfigBlock, setting


@dataclass(frozen=True)
class Program(ConfigBlock, block="program"):
    """Program facts of the ``program`` block used by the economics (a null point value or monthly
    cost: 0)."""

    launch_date: pd.Timestamp | None = None
    point_value: float = setting(1.0, null=0.0)
    gross_margin: float = 0.35
    monthly_cost: float = 0.0


@dataclass(frozen=True)
class Settings(ConfigBlock, block="uplift"):
    """The ``uplift`` block (see config/defaults.yaml for each key) and the program facts."""

    bootstrap_samples: int = 500
    campaign_window_days: int = 30
    random_seed: int = 42
    window_days: int = 180
    confirm_days: int = 30
    caliper: float = 0.5
    matching: str = "nearest"
    propensity_caliper: float = 0.2
    exact_match: tuple[str, ...] | None = ("tier",)
    max_controls: int | None = 50_000
    max_members: int | None = 100_000
    region_launch_dates: Mapping[str, Any] | None = None
    campaign_costs: Mapping[str, float] | None = None
    cost_per_contact: float | None = None
    benefit_rates: tuple[float, ...] = (0.03, 0.05, 0.10)
    annual_discount_rate: float = 0.1
    roi_margins: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5)
    roi_effects: tuple[float, ...] = (0.02, 0.05, 0.1, 0.15, 0.2)
    targeting_min_customers: int = 200
    targeting_folds: int = 3
    targeting_bootstrap_samples: int = 200
    targeting_max_customers: int = 100_000
    program: Program = field(default_factory=Program)

    def __post_init__(self) -> None:
        if self.matching not in ("nearest", "propensity"):
            raise ValueError(f"uplift.matching must be nearest or propensity, got {self.matching!r}")

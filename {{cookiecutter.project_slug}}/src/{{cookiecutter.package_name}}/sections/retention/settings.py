"""The retention section's settings: the `retention` block of the client config."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.settings import ConfigBlock


@dataclass(frozen=True)
class Settings(ConfigBlock, block="retention"):
    """churn_days: churned = no purchase for more than this many days; before_after_days: length of each
    window before and after the join day; pooled_months: months pooled in the members vs non-members
    rates; few_members: below this many members the before/after change is called indicative."""

    churn_days: int = 180
    before_after_days: int = 180
    pooled_months: int = 12
    few_members: int = 100

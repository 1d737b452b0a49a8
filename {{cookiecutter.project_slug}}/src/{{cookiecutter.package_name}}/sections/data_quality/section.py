"""The data-quality section (00): its inputs, its steps in notebook order, and `run(ctx)`.

Each step is one call from notebooks/00_data_quality.ipynb; `run` calls the same steps in the same
order and returns the kpis.json block `data_quality` as the headline.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import partial, reduce
from typing import Any

import pandas as pd

from ...engine.customers import CustomerChecks, customer_checks
from ..registry import Requirement, Unmet, check
from ..steps import SectionResult, Step
from . import metrics, plots
from .settings import Settings

KEY = "data_quality"
# what the steps need (`registry.check`): the section itself runs on any export
REQUIRES = (Requirement("transactions", ("date", "amount"), steps=("monthly_volume",)),
            Requirement("customers", steps=("profile_completeness",)))


@dataclass(frozen=True)
class Inputs:
    """Every table provided (None = not provided; the checks too when a big client's stay on disk),
    their profiles (`metrics.Profile`), what preparing them recorded (rows read, cleaning counts, rows
    set aside), the analysed period, the settings, what the steps miss (`REQUIRES`), and `source`:
    where the checks are read from (`engine.customers`)."""

    tables: dict[str, pd.DataFrame | None]
    prepared: dict[str, Any]
    start: pd.Timestamp
    end: pd.Timestamp
    settings: Settings
    unmet: Unmet = Unmet()
    source: CustomerChecks | None = None
    profiles: dict[str, metrics.Profile | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.profiles:
            object.__setattr__(self, "profiles", metrics.profiles_of(self.tables))

    @property
    def checks(self) -> CustomerChecks:
        return self.source or CustomerChecks(frame=self.tables["transactions"])


def inputs(ctx: Any) -> Inputs:
    """The section's inputs from a run context (a big client's checks described chunk by chunk)."""
    prepared, source = ctx.preparation(), customer_checks(ctx)
    tables = {name: source.frame if name == "transactions" else ctx.table(name)
              for name in prepared["rows_read"]}
    profiles = metrics.profiles_of(tables)
    if source.out_of_core:
        profiles["transactions"] = reduce(operator.add, source.reduce_checks(
            partial(metrics.profile, name="transactions")))
    start, end = ctx.period
    return Inputs(tables, prepared, start, end, Settings.from_config(ctx.config),
                  check(REQUIRES, source.requirement_tables(tables)), source, profiles)


def _customers(checks: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"customers": [checks["customer_id"].nunique()]})


def tables_read(inputs: Inputs) -> Step:
    """Rows read and analysed and the dates of every table; the period, checks and customers analysed."""
    step = Step("tables_read")
    overview = metrics.overview_of(inputs.profiles, inputs.prepared["rows_read"])
    checks = inputs.profiles["transactions"]
    step.values["overview"] = overview
    step.table("quality_inputs", overview, f"{KEY}.inputs_table")
    if "customer_id" not in checks.columns or checks.missing["customer_id"] == checks.rows:
        return step.say(f"{KEY}.coverage_checks", start=inputs.start, end=inputs.end, checks=checks.rows)
    customers = int(inputs.checks.apply(_customers, ["customer_id"])["customers"].sum())
    return step.say(f"{KEY}.coverage", start=inputs.start, end=inputs.end, checks=checks.rows,
                    customers=customers)


def cleaning_rules(inputs: Inputs) -> Step:
    """How many checks each cleaning rule touched and what was done; the share set aside and anonymous."""
    step = Step("cleaning_rules")
    counts = inputs.prepared["cleaning"]
    rules = metrics.rules_table(counts)
    step.values["rules"] = rules
    step.table("quality_rules", rules, f"{KEY}.rules_table")
    step.say(f"{KEY}.set_aside", rejected=inputs.prepared["rejected_rows"], read=counts["rows_read"],
             anonymous=counts["anonymous"] / max(counts["rows_kept"], 1))
    lines = inputs.prepared.get("lines")  # receipt lines summed into checks (ingest/lines.py)
    return step.say(f"{KEY}.lines", **lines) if lines else step


def monthly_volume(inputs: Inputs) -> Step:
    """Checks per month with the months that look like gaps in the export. values: volume, gaps."""
    step = Step("monthly_volume")
    step.values.update(volume=None, gaps=[])
    if (reason := inputs.unmet.reason(step.name)) is not None:
        return step.skip(reason.key, **reason.fields)
    source, columns = inputs.checks, ["date", "amount", "customer_id"]
    identified = "customer_id" in inputs.profiles["transactions"].columns
    volume = metrics.volume_table(
        source.reduce_checks(metrics.month_parts, columns[:2]),
        source.apply(metrics.month_customers, columns) if identified else None,
        inputs.settings.monthly_gap_ratio)
    gaps = volume.loc[volume["possible_gap"], "month"].astype(str).tolist()
    step.values.update(volume=volume, gaps=gaps)
    step.chart("quality_monthly_volume", partial(plots.monthly_volume, volume), f"{KEY}.volume_chart")
    if gaps:
        return step.say(f"{KEY}.gaps", months=", ".join(gaps))
    return step.say(f"{KEY}.no_gaps")


def profile_completeness(inputs: Inputs) -> Step:
    """Share of customers with a valid email, a phone, a full name. values: shares."""
    step = Step("profile_completeness")
    shares = metrics.completeness(inputs.tables["customers"])
    step.values["shares"] = shares
    if (reason := inputs.unmet.reason(step.name)) is not None:
        return step.skip(reason.key, **reason.fields)
    return step.table("quality_completeness", metrics.completeness_table(shares), f"{KEY}.completeness_table")


def empty_cells(inputs: Inputs) -> Step:
    """Empty cells per column of every provided table."""
    step = Step("empty_cells")
    return step.table("quality_missing_values", metrics.missing_values_of(inputs.profiles),
                      f"{KEY}.missing_table")


def headline(inputs: Inputs) -> dict[str, Any]:
    """The kpis.json block `data_quality`: rows read per table, rows set aside, profile completeness."""
    lines = inputs.prepared.get("lines") or {}  # null for check-level exports
    return {**metrics.headline(inputs.prepared["rows_read"], inputs.prepared["rejected_rows"],
                               inputs.tables["customers"]),
            "lines": {key: lines.get(key) for key in ("read", "checks", "per_check")}}


def run(ctx: Any) -> SectionResult:
    """Every step of the section in notebook order, and its headline."""
    data = inputs(ctx)
    steps = [tables_read(data), cleaning_rules(data), monthly_volume(data), profile_completeness(data),
             empty_cells(data)]
    return SectionResult(KEY, {step.name: step for step in steps}, headline(data))

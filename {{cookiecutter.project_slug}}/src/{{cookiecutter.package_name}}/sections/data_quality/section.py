"""The data-quality section (00): its inputs, its steps in notebook order, and `run(ctx)`.

Each step is one call from notebooks/00_data_quality.ipynb; `run` calls the same steps in the same
order and returns the kpis.json block `data_quality` as the headline.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

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
    """Every table provided (None = not provided), what preparing them recorded (rows read, cleaning
    counts, rows set aside), the analysed period, the settings and what the steps miss (`REQUIRES`)."""

    tables: dict[str, pd.DataFrame | None]
    prepared: dict[str, Any]
    start: pd.Timestamp
    end: pd.Timestamp
    settings: Settings
    unmet: Unmet = Unmet()


def inputs(ctx: Any) -> Inputs:
    """The section's inputs from a run context."""
    prepared = ctx.preparation()
    tables = {name: ctx.table(name) for name in prepared["rows_read"]}
    start, end = ctx.period
    return Inputs(tables, prepared, start, end, Settings.from_config(ctx.config), check(REQUIRES, tables))


def tables_read(inputs: Inputs) -> Step:
    """Rows read and analysed and the dates of every table; the period, checks and customers analysed."""
    step = Step("tables_read")
    overview = metrics.overview(inputs.tables, inputs.prepared["rows_read"])
    transactions = inputs.tables["transactions"]
    step.values["overview"] = overview
    step.table("quality_inputs", overview, f"{KEY}.inputs_table")
    if "customer_id" not in transactions or transactions["customer_id"].isna().all():
        return step.say(f"{KEY}.coverage_checks", start=inputs.start, end=inputs.end,
                        checks=len(transactions))
    return step.say(f"{KEY}.coverage", start=inputs.start, end=inputs.end, checks=len(transactions),
                    customers=transactions["customer_id"].nunique())


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
    volume = metrics.monthly_volume(inputs.tables["transactions"], inputs.settings.monthly_gap_ratio)
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
    return step.table("quality_missing_values", metrics.missing_values(inputs.tables), f"{KEY}.missing_table")


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

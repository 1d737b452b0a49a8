"""What every section must do on any shape of export: run without raising, show texts that render in
both languages, record the same kpis.json keys as on the full export, leave the KPIs whose inputs
are missing None, and say why wherever it leaves something out."""

from __future__ import annotations

from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }}.sections.steps import Chart, Say, Skip, Table
from {{ cookiecutter.package_name }}.text.catalogue import Text

from ..sections.retention.context_double import ContextDouble
from .shapes import Base, Shape

# kpis.json blocks whose keys depend on the data (one entry per segment, campaign, table...)
DATA_KEYED = ("rfm.segments", "uplift.campaigns", "data_quality.rows", "program.previous")


def context(shape: Shape, base: Base, language: str = "en") -> ContextDouble:
    tables, period, prepared = shape.apply(base)
    days = (period[0].date().isoformat(), period[1].date().isoformat())
    return ContextDouble(tables, days, base.config, language, prepared)


def leaves(block: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> value of every leaf of a kpis block (an empty dict is a leaf)."""
    if isinstance(block, dict) and block:
        out: dict[str, Any] = {}
        for key, value in block.items():
            out.update(leaves(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): block}


def texts(result: Any) -> list[Text]:
    """Every text a section's result shows: captions, sentences, skip reasons."""
    out = []
    for step in result.steps.values():
        for item in step.items:
            if isinstance(item, Table | Chart):
                out.append(item.caption)
            elif isinstance(item, Say):
                out.append(item.text)
            elif isinstance(item, Skip):
                out.append(item.reason)
    return out


def skips(result: Any) -> list[Text]:
    return [reason for step in result.steps.values() for reason in step.skipped]


def fixed_keys(paths: dict[str, Any]) -> set[str]:
    return {path for path in paths if not (path + ".").startswith(tuple(f"{k}." for k in DATA_KEYED))}


def _identified(shape: Shape) -> bool:
    return "customer_id" not in shape.dropped and shape.condition not in ("all_anonymous",)


def _membership(shape: Shape) -> str:
    """known / unknown / none: what the membership rule finds on this shape."""
    if not _identified(shape):
        return "unknown"
    customers = "customers" in shape.tables
    dates = customers and "joined_program_at" not in shape.dropped
    if not dates and "loyalty_card" in shape.dropped:
        return "unknown"
    if shape.condition == "no_members" or (dates and shape.condition == "empty_tables"):
        return "none"
    return "known"


def expected_nulls(shape: Shape) -> set[str]:
    """kpis.json paths that must be None on `shape`: their inputs are missing."""
    tables = frozenset() if shape.condition == "empty_tables" else shape.tables
    out: set[str] = set()
    if not _identified(shape):
        out |= {"rfm.customers", "retention.crr", "retention.churn_rate", "retention.reactivation_rate",
                "retention.monthly.all.crr", "retention.before_after.spend_change",
                "program.frequency.members", "program.frequency.non_members", "program.avg_check.members",
                "program.avg_check.non_members", "clv.mean_clv", "clv.model_params.bgnbd.r", "uplift.naive",
                "uplift.matched.estimate", "uplift.did.estimate"}
    membership = _membership(shape)
    if membership == "unknown":
        out |= {"program.members", "program.reach", "program.member_revenue_share",
                "program.member_transaction_share", "program.participation_by_tier.high",
                "retention.members.crr", "retention.monthly.members.crr"}
    if membership != "known":
        out |= {"program.avg_check.members", "program.frequency.members",
                "retention.before_after.spend_change",
                "uplift.naive", "uplift.matched.estimate", "uplift.did.estimate"}
    if "points" not in tables and ("points_columns" in shape.dropped or shape.condition == "no_members"):
        out |= {"program.redemption_rate", "program.points_liability"}
    if "points" not in tables:
        out |= {"program.breakage_rate", "program.points_liability"}
    if "nps" not in tables:
        out |= {"program.nps.score", "program.nps.responses"}
    if "surveys" not in tables:
        out |= {"program.csat.mean", "program.awareness", "program.motives.value"}
    if "customers" not in tables:
        out |= {"data_quality.completeness.email", "data_quality.completeness.phone",
                "data_quality.completeness.name", "program.unsubscribe_rate"}
    if "items" in shape.dropped:
        out.add("program.items_per_check")
    if shape.condition == "one_month":
        out |= {"program.lfl.yoy", "retention.crr", "clv.mean_clv"}
    if shape.condition in ("no_repeat_buyers", "single_customer", "few_checks"):
        out |= {"clv.model_params.bgnbd.r", "clv.mean_clv"}
    return out


def check_section(key: str, result: Any, full: dict[str, Any], shape: Shape) -> None:
    """The promises of the module docstring for section `key`'s `result` on `shape` (`full`: its
    headline on the full export)."""
    for text in texts(result):
        for language in ("en", "ru"):
            assert text.render(language, "RUB"), (key, text)
    paths, full_paths = leaves(result.headline, f"{key}."), leaves(full, f"{key}.")
    assert fixed_keys(paths) == fixed_keys(full_paths), (shape.id, fixed_keys(paths) ^ fixed_keys(full_paths))
    for path, value in paths.items():
        assert value is None or not (isinstance(value, float) and pd.isna(value)), (shape.id, path, value)
    made_up = {path: paths[path] for path in expected_nulls(shape) if path.startswith(f"{key}.")
               and paths.get(path) is not None}
    assert made_up == {}, f"{shape.id}: values without their inputs: {made_up}"
    lost = [path for path in fixed_keys(paths)
            if paths[path] is None and full_paths.get(path) is not None]
    if lost:
        assert skips(result), f"{shape.id}: {key} left {lost[:5]} empty without saying why"

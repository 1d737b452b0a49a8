"""The uplift section's steps, in the order the notebook calls them, and `run(ctx)` that calls them all.

Each step takes the section's `Inputs` (and the steps it builds on) and returns a `Step`: the tables,
chart, sentences and skip reasons to show, and in ``step.values`` what later steps and the headline
use. The notebook ``50_uplift.ipynb`` calls the same steps one by one and shows each; `run(ctx)` gives
the same headline (the kpis.json block ``uplift``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

import pandas as pd

from ...core.numbers import finite
from ...engine.buckets import empty_checks
from ...engine.customers import CustomerChecks, customer_checks
from ...text.catalogue import Text
from ..steps import SectionResult, Step
from .campaigns import campaign_outcomes, campaign_romi, campaign_table
from .checks import Checks
from .economics import (
    discount_vs_points_table,
    economics,
    economics_table,
    points_breakage_and_lag,
    points_cost_ratio,
    roi_sensitivity,
    sensitivity_table,
)
from .member_effect import effects_table, member_effect_analysis, naive_uplift_from_data, support_table
from .plots import event_study_figure
from .regions import launch_dates_by_region, regional_did
from .settings import Settings
from .targeting import targeting_analysis, targeting_kpis, with_targeting
from .targeting_show import show_targeting

ESTIMATE_PARTS = ("estimate", "ci_low", "ci_high")
CAMPAIGN_KEYS = ("uplift", "p_value", "ci_low", "ci_high", "cost", "romi")


@dataclass(frozen=True, eq=False)
class Inputs:
    """What the steps read: the client's tables (None when not provided), the period, the settings,
    and `source`: where the checks are read from when it is not `transactions` (a big client's checks
    bucketed by customer, `engine.customers`; `transactions` is then an empty table with the prepared
    columns). The steps read the checks through `checks` (`checks.Checks`), never `transactions`.

    Checks without a customer_id column (a store-level export) are taken as all anonymous: the
    column is added, empty, so every step reads one shape and skips its customer parts with a reason."""

    transactions: pd.DataFrame
    customers: pd.DataFrame | None
    points: pd.DataFrame | None
    campaigns: pd.DataFrame | None
    period: tuple[pd.Timestamp, pd.Timestamp]
    settings: Settings
    source: CustomerChecks | None = None

    def __post_init__(self) -> None:
        checks = self.transactions
        if "customer_id" not in checks.columns:
            anonymous = pd.Series(pd.NA, index=checks.index, dtype="string")
            object.__setattr__(self, "transactions", checks.assign(customer_id=anonymous))

    @cached_property
    def checks(self) -> Checks:
        """The checks every measure reads: in memory once, or bucket by bucket / chunk by chunk."""
        if self.source is not None and self.source.out_of_core:
            return Checks(self.source)
        return Checks.of(self.transactions)

    @property
    def threads(self) -> int:
        """Cores a step starting now may use side by side: the kernel's, as far as the budget allows
        beside what the kernel holds (`engine.customers.CustomerChecks.threads_now`)."""
        return 1 if self.source is None else self.source.threads_now()

    @cached_property
    def identified(self) -> bool:
        """Whether any check carries a customer id."""
        return self.checks.any_identified()


def inputs(ctx: Any) -> Inputs:
    """The section's inputs from a run context (`context.open_run`); a big client's checks stay on
    disk (`engine.customers.customer_checks`)."""
    source = customer_checks(ctx)
    checks = empty_checks(source.buckets) if source.out_of_core else source.frame
    points = ctx.table("points", categories=("kind",))  # 24M rows at 100M checks: kinds as categories
    return Inputs(checks, ctx.table("customers"), points, ctx.table("campaigns"), ctx.period,
                  Settings.from_config(ctx.config), source)


def _listed(words: list[str]) -> str | Text:
    """Words as "a, b, c", each one translated as a label when shown."""
    if len(words) == 1:
        return words[0]
    return Text("uplift.list", {"first": words[0], "rest": _listed(words[1:])})


def naive(data: Inputs) -> Step:
    """Naive uplift: ARPU of members vs non-members (members on the period end) since the launch."""
    since = data.settings.program.launch_date or data.period[0]
    result = naive_uplift_from_data(data.checks, data.customers, since, data.period[1])
    step = Step("naive", values={"naive": result})
    if not data.identified:
        return step.skip("uplift.skip.no_identified")
    if not result["membership_known"]:
        return step.skip("uplift.skip.membership_unknown")
    if result["naive_uplift"] is None:
        return step.skip("uplift.skip.no_naive")
    return step.say("uplift.say.naive", uplift=result["naive_uplift"], members=result["arpu_members"],
                    non_members=result["arpu_non_members"])


def member_effects(data: Inputs, naive_step: Step) -> Step:
    """Matched and DiD member effects (with the naive one in the table), and what was matched on."""
    member = member_effect_analysis(data.checks, data.customers, data.period, data.settings)
    step = Step("member_effects", values={"member": member, "matching": data.settings.matching})
    step.table("uplift_member_effects", effects_table(naive_step["naive"], member), "uplift.caption.effects")
    for design in ("matched", "did"):
        if member[design]["reason"] is not None:
            step.skip("uplift.skip.design", design=design, reason=member[design]["reason"])
    if member["exact_match_on"]:
        step.say("uplift.say.exact_match", features=_listed(member["exact_match_on"]),
                 matching=data.settings.matching)
    for note in member["notes"]:
        step.skip("uplift.skip.exact_match", note=note)
    for design in ("matched", "did"):
        if member[design].get("members_subset"):
            step.say("uplift.say.members_subset", design=design, eligible=member[design]["eligible_members"],
                     kept=member[design]["members_subset"])
    return step


def balance(member_step: Step) -> Step:
    """Balance of the matching features before and after matching, and common support."""
    member = member_step["member"]
    step = Step("balance")
    if member["matched"]["balance"] is not None:
        step.table("uplift_balance", member["matched"]["balance"], "uplift.caption.balance")
        step.table("uplift_support", support_table(member), "uplift.caption.support")
    return step


def around_joining(member_step: Step) -> Step:
    """The event study: spend per customer of the DiD pairs by 30-day period around joining."""
    study = member_step["member"]["event_study"]
    step = Step("around_joining", values={"event_study": study})
    if study is not None:
        step.table("uplift_event_study", study, "uplift.caption.event_study")
        step.chart("uplift_event_study", partial(event_study_figure, study),
                   "uplift.caption.event_study_chart")
    return step


def campaign_tests(data: Inputs) -> Step:
    """Campaigns: treatment vs control, tests, MDE and ROMI (when costs are configured)."""
    step = Step("campaign_tests", values={"campaigns": None})
    if data.campaigns is None:
        return step.skip("uplift.skip.no_campaigns")
    if not len(data.campaigns):
        return step.skip("uplift.skip.empty_campaigns")
    if not data.identified:
        return step.skip("uplift.skip.no_identified")
    settings = data.settings
    outcomes = campaign_outcomes(data.checks, data.campaigns, settings.campaign_window_days)
    results = campaign_table(outcomes, settings.bootstrap_samples, settings.random_seed)
    results = campaign_romi(results, settings.program.gross_margin, settings.campaign_costs,
                            settings.cost_per_contact)
    step.values.update(campaigns=results, outcomes=outcomes)
    step.table("uplift_campaigns", results, "uplift.caption.campaigns")
    _say_missing_uplifts(step, results, settings.campaign_window_days)
    if results["uplift"].notna().any() and results["romi"].isna().all():
        step.skip("uplift.skip.no_campaign_costs")
    return step


def _say_missing_uplifts(step: Step, results: pd.DataFrame, window_days: int) -> None:
    """Why a campaign has no uplift: a group with fewer than two customers (no control group), or a
    control group that bought nothing in the window."""
    for row in results.itertuples(index=False):
        if pd.notna(row.uplift):
            continue
        if min(row.treatment, row.control) < 2:
            step.skip("uplift.skip.campaign_groups", campaign=str(row.campaign_id), treatment=row.treatment,
                      control=row.control)
        else:
            step.skip("uplift.skip.campaign_no_revenue", campaign=str(row.campaign_id), days=window_days)


def campaign_targeting(data: Inputs, campaigns_step: Step) -> Step:
    """Per campaign: cross-fitted uplift models, Qini against random and the response model; the next
    campaign's target list (exports) and expected incremental revenue by targeted share."""
    step = Step("campaign_targeting", values={"targeting": None, "reason": "no_campaigns"})
    table = campaigns_step["campaigns"]
    if table is None:
        return step.skip("uplift.skip.targeting_no_campaigns")
    analysis = targeting_analysis(data.checks, data.customers, data.points, campaigns_step["outcomes"],
                                  data.period[1], data.settings, data.threads)
    step.values.update(targeting=analysis, reason=None)
    return show_targeting(step, analysis, data.settings)


def program_economics(data: Inputs, member_step: Step) -> Step:
    """Program cost, incremental revenue (DiD effect), ROI and its sensitivity to margin and effect."""
    effect = member_step["member"]["did"]["effect"]["estimate"]
    settings = data.settings
    econ = economics(data.checks, data.customers, data.points, effect, settings.program, data.period)
    step = Step("program_economics", values={"economics": econ})
    step.table("uplift_economics", economics_table(econ), "uplift.caption.economics")
    if econ["member_revenue"] is None or not econ["program_cost"]:
        return step.skip("uplift.skip.no_roi")
    grid = roi_sensitivity(econ["member_revenue"], econ["program_cost"], list(settings.roi_margins),
                           list(settings.roi_effects))
    step.values["sensitivity"] = grid
    return step.table("uplift_roi_sensitivity", sensitivity_table(grid), "uplift.caption.sensitivity")


def regional(data: Inputs) -> Step:
    """Regions that launched vs regions not launched yet (ratio DiD)."""
    dates = launch_dates_by_region(data.customers, data.settings.region_launch_dates, data.checks)
    result = regional_did(data.checks, data.customers, dates, data.period, data.settings)
    step = Step("regional", values={"regional": result})
    if result["reason"] is not None:
        return step.skip("uplift.skip.regions", reason=result["reason"])
    step.table("uplift_regions", result["cohorts"], "uplift.caption.regions")
    return step.say("uplift.say.regions", estimate=result["estimate"], low=result["ci_low"],
                    high=result["ci_high"])


def discount_or_points(data: Inputs, economics_step: Step) -> Step:
    """The cost of a benefit given as points vs as an immediate discount (breakage, redemption lag)."""
    points_cost = points_breakage_and_lag(data.points)
    member_revenue = economics_step["economics"]["member_revenue"]
    step = Step("discount_or_points", values={"points_cost": points_cost})
    if points_cost["breakage_rate"] is None or member_revenue is None:
        return step.skip("uplift.skip.no_points_ledger")
    rate = data.settings.annual_discount_rate
    breakage, lag = points_cost["breakage_rate"], points_cost["redemption_lag_days"]
    points_cost["cost_ratio"] = points_cost_ratio(breakage, lag, rate)
    table = discount_vs_points_table(member_revenue, data.settings.benefit_rates, breakage, lag, rate)
    step.table("uplift_discount_vs_points", table, "uplift.caption.discount_vs_points")
    return step.say("uplift.say.discount_vs_points", breakage=breakage, lag=lag,
                    ratio=points_cost["cost_ratio"])


def uplift_kpis(naive_result: dict[str, Any], member: dict[str, Any], campaigns: pd.DataFrame | None,
                econ: dict[str, Any] | None, regional_result: dict[str, Any] | None = None,
                points_cost: dict[str, Any] | None = None, matching: str = "nearest") -> dict[str, Any]:
    """The dict recorded under `uplift` in kpis.json (keys in DESIGN.md and the README); None where
    input is missing. Campaigns carry cost and romi when `campaign_romi` was applied."""
    camp = {}
    if campaigns is not None:
        for row in campaigns.itertuples(index=False):
            camp[str(row.campaign_id)] = {k: finite(getattr(row, k, None)) for k in CAMPAIGN_KEYS}
    econ, regional_result, points_cost = econ or {}, regional_result or {}, points_cost or {}
    return {
        "matching": matching,
        "regional": {k: regional_result.get(k) for k in ESTIMATE_PARTS},
        "points_vs_discount": {k: points_cost.get(k) for k in ("breakage_rate", "redemption_lag_days",
                                                               "cost_ratio")},
        "naive": naive_result.get("naive_uplift"),
        "matched": {k: member["matched"]["effect"].get(k) for k in ESTIMATE_PARTS},
        "did": {k: member["did"]["effect"].get(k) for k in ESTIMATE_PARTS},
        "campaigns": camp or None,
        "incremental_revenue": econ.get("incremental_revenue"),
        "program_cost": econ.get("program_cost"),
        "roi": econ.get("roi"),
    }


def headline(naive_step: Step, member_step: Step, campaigns_step: Step, targeting_step: Step,
             economics_step: Step, regional_step: Step, discount_step: Step) -> dict[str, Any]:
    """The section's kpis.json block from its steps (`uplift_kpis`, each campaign with its targeting)."""
    kpis = uplift_kpis(naive_step["naive"], member_step["member"], campaigns_step["campaigns"],
                       economics_step["economics"], regional_step["regional"], discount_step["points_cost"],
                       member_step["matching"])
    analysis = targeting_step["targeting"]
    targeting = targeting_kpis(list(kpis["campaigns"] or {}), analysis and analysis["results"],
                               targeting_step["reason"])
    return with_targeting(kpis, targeting)


def run(ctx: Any) -> SectionResult:
    """Every step in the notebook's order, and the headline."""
    data = inputs(ctx)
    steps = {"naive": naive(data)}
    steps["member_effects"] = member_effects(data, steps["naive"])
    steps["balance"] = balance(steps["member_effects"])
    steps["around_joining"] = around_joining(steps["member_effects"])
    steps["campaign_tests"] = campaign_tests(data)
    steps["campaign_targeting"] = campaign_targeting(data, steps["campaign_tests"])
    steps["program_economics"] = program_economics(data, steps["member_effects"])
    steps["regional"] = regional(data)
    steps["discount_or_points"] = discount_or_points(data, steps["program_economics"])
    numbers = headline(steps["naive"], steps["member_effects"], steps["campaign_tests"],
                       steps["campaign_targeting"], steps["program_economics"], steps["regional"],
                       steps["discount_or_points"])
    return SectionResult("uplift", steps, numbers)

"""The program section's steps, in the order of the notebook ``10_program.ipynb``, and `run`.

Each step takes the section's `Inputs` (`inputs(ctx)`) and returns a `Step`: what to show (tables,
charts, sentences, skip reasons) and its numbers; ``step.values["headline"]`` holds its part of the
kpis.json block, which `headline` merges in step order. With ``inputs.full`` False (the earlier
period of ``program.previous``) a step computes its headline numbers only.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ...core import conditions
from ...core.membership import ANONYMOUS, IDENTIFIED, MEMBERS, NON_MEMBERS
from ...core.numbers import finite, ratio
from ...engine.buckets import empty_checks
from ...engine.customers import customer_checks
from ...text.catalogue import Text
from ...text.common import SKIP
from ..registry import check
from ..steps import SectionResult, Step
from . import plots
from .checks import check_metrics_table, check_summary_table, place_table_of
from .dates import between, end_exclusive
from .headline import headline_table
from .inputs import REQUIRES, Inputs, Tables, earlier, number_checks, prepare, prepared
from .lfl import like_for_like_of, monthly_yoy_of
from .parts import part
from .points import (
    LEDGER_COLUMNS,
    accrual_monthly_of,
    accrual_rate_of,
    points_monthly_from_ledger,
    points_monthly_from_sums,
    points_summary,
)
from .reach import active_members_of, members_monthly, origin_of, reach_of
from .settings import Settings
from .shares import member_share_of, member_share_table
from .surveys import (
    Window,
    awareness_of,
    breakdowns,
    csat_of,
    motives_of,
    nps_of,
    nps_responses,
    survey_answers,
)
from .texts import known
from .tiers import participation_of
from .totals import window as window_sums
from .unsubscribes import unsubscribe_monthly, unsubscribe_rate
from .voice_steps import engagement, motive_segments, nps_outcomes, nps_reasons, nps_segments

REACH_KEYS = ("members", "identified_customers", "reach", "active_members", "active_member_share")
NPS_KEYS = ("score", "promoters", "passives", "detractors", "ci_low", "ci_high", "responses")
# each step's part of the kpis.json block when nothing is known: the keys a step records when it runs
NULLS: dict[str, dict[str, Any]] = {
    "reach": dict.fromkeys(REACH_KEYS),
    "member_share": dict.fromkeys(("member_transaction_share", "member_revenue_share")),
    "checks": {"avg_check": dict.fromkeys((MEMBERS, NON_MEMBERS, ANONYMOUS)),
               "frequency": dict.fromkeys((MEMBERS, NON_MEMBERS)), "items_per_check": None},
    "points": dict.fromkeys(("points_source", "redemption_rate", "breakage_rate", "points_balance",
                             "points_liability")),
    "accrual": {"effective_accrual_rate": None},
    "unsubscribes": {"unsubscribe_rate": None},
    "nps": {"nps": dict.fromkeys(NPS_KEYS)},
    "csat": {"csat": dict.fromkeys(("mean", "satisfied_share"))},
    "awareness": {"awareness": None},
    "motive": {"motives": dict.fromkeys(("value", "brand", "other"))},
    "tiers": {"participation_by_tier": dict.fromkeys(("high", "middle", "low", "top_to_bottom_ratio"))},
    "lfl": {"lfl": dict.fromkeys(("yoy", "mom", "wow"))},
}


def nulls(name: str) -> dict[str, Any]:
    """A fresh copy of `NULLS[name]`."""
    return {k: dict(v) if isinstance(v, dict) else v for k, v in NULLS[name].items()}


def unmet(inputs: Inputs, name: str) -> Step | None:
    """The step `name` skipped with the reason it cannot run (`Inputs.unmet`) and its kpis None;
    None when it can run."""
    reason = inputs.unmet.reason(name)
    if reason is None:
        return None
    step = Step(name, values={"headline": nulls(name)})
    return step.skip(reason.key, **reason.fields)


def whole(value: Any) -> int | None:
    """A count for kpis.json: the nearest whole number, None for a missing value."""
    number = finite(value)
    return None if number is None else int(round(number))


def inputs(ctx: Any) -> Inputs:
    """The section's inputs in a run: the context's tables, its `program` settings and period. A big
    client's checks stay on disk (`engine`): its requirements come from the facts recorded when the
    tables were prepared, its ids and join days are gathered bucket by bucket."""
    source = customer_checks(ctx)
    others = [ctx.table("customers"), ctx.table("points", LEDGER_COLUMNS, categories=("kind",)),
              ctx.table("nps"), ctx.table("surveys")]
    settings, currency = Settings.from_config(ctx.config), str(ctx.config.get("currency", ""))
    if not source.out_of_core:
        return prepare(Tables(source.frame, *others), settings, ctx.period, ctx.language, currency)
    tables = Tables(empty_checks(source.buckets), *others)
    unmet = check(REQUIRES, source.requirement_tables({"customers": tables.customers}))
    return prepared(number_checks(source, tables), unmet, settings, ctx.period, ctx.language, currency)


# ------------------------------------------------------------------------------------------- reach


def reach(inputs: Inputs) -> Step:
    """Members and reach at the period end, active members; new members per month by origin."""
    if (skipped := unmet(inputs, "reach")) is not None:
        return skipped
    step = Step("reach")
    head: dict[str, Any] = nulls("reach")
    step.values["headline"] = head
    joins = inputs.joins
    if joins is None:
        return step.skip("program.skip.no_membership")
    active = active_members_of(part(inputs, "active"))  # without `full`: of the last month only
    head.update(reach_of(joins, inputs.customers, part(inputs, "known")["customer_id"], inputs.end))
    last = active.iloc[-1]
    head["active_members"] = whole(last["active_members"])
    head["active_member_share"] = finite(last["active_share"])
    if not inputs.full:
        return step
    origin = origin_of(joins, part(inputs, "first"))
    members = members_monthly(joins, origin, inputs.start, inputs.end)
    step.values.update(members=members, active_members=active,
                       member_origin=origin.value_counts().rename_axis("origin").reset_index(name="members"))
    step.chart("program_members", partial(plots.plot_members, members, active),
               "program.caption.members_chart")
    step.table("program_members", members.merge(active, on="month"), "program.caption.members")
    return step.say("program.say.reach", members=head["members"], reach=known(head["reach"]),
                    active=known(head["active_member_share"]))


# ------------------------------------------------------------------------------------ member share


def member_share(inputs: Inputs) -> Step:
    """Members' share of checks and revenue since the launch; per month with sharp deviations."""
    if (skipped := unmet(inputs, "member_share")) is not None:
        return skipped
    step = Step("member_share")
    step.values["headline"] = head = nulls("member_share")
    if inputs.joins is None:
        return step.skip("program.skip.no_membership")
    head.update(member_share_of(inputs.sums(inputs.window_start)))
    if not inputs.full:
        return step
    settings = inputs.settings
    share = member_share_table(inputs.sums(), inputs.start, inputs.end, inputs.launch,
                               settings.anomaly_window, settings.anomaly_z, settings.anomaly_min_deviation)
    step.values["member_share"] = share
    step.chart("program_member_share", partial(plots.plot_member_share, share),
               "program.caption.member_share_chart")
    step.table("program_member_share", share, "program.caption.member_share")
    flagged = share.loc[share["transaction_share_anomaly"] | share["revenue_share_anomaly"], "month"]
    months = ", ".join(f"{m:%Y-%m}" for m in flagged)
    return step.say("program.say.member_share", checks=known(head["member_transaction_share"]),
                    revenue=known(head["member_revenue_share"]),
                    months=months or Text("program.no_months"))


# ------------------------------------------------------------------------------------------ checks


def checks(inputs: Inputs) -> Step:
    """Average check, frequency and items per check: members, identified non-members, anonymous."""
    if (skipped := unmet(inputs, "checks")) is not None:
        return skipped
    step = Step("checks")
    summary = check_summary_table(inputs.sums(inputs.window_start), part(inputs, "months_window"))

    def metric(group: str, column: str) -> float | None:
        return finite(summary.at[group, column]) if group in summary.index else None

    avg = {"members": metric(MEMBERS, "avg_check"), "non_members": metric(NON_MEMBERS, "avg_check"),
           "anonymous": metric(ANONYMOUS, "avg_check")}
    frequency = {"members": metric(MEMBERS, "frequency"), "non_members": metric(NON_MEMBERS, "frequency")}
    step.values["headline"] = {"avg_check": avg, "frequency": frequency,
                               "items_per_check": metric("all", "items_per_check")}
    step.values["checks_summary"] = summary.reset_index()
    if not inputs.full:
        return step
    monthly = check_metrics_table(inputs.sums(), part(inputs, "months_period"))
    step.values["checks_monthly"] = monthly
    step.chart("program_checks", partial(plots.plot_check_metrics, monthly), "program.caption.checks_chart")
    step.table("program_checks_summary", step.values["checks_summary"], "program.caption.checks_summary")
    step.table("program_checks_monthly", monthly, "program.caption.checks_monthly")
    places = inputs.source.totals().places
    for column in ("store_id", "region"):
        by_place = (None if column not in places
                    else place_table_of(window_sums(places[column], inputs.start, inputs.end), column))
        if by_place is not None:
            step.values[f"checks_by_{column}"] = by_place
            step.table(f"program_checks_by_{column}", by_place, f"program.caption.checks_by_{column}")
    if avg["members"] is not None and avg["non_members"] is not None:
        step.say("program.say.checks", check_members=avg["members"], check_others=avg["non_members"],
                 freq_members=frequency["members"] or 0, freq_others=frequency["non_members"] or 0)
    elif avg["anonymous"] is not None and set(summary.index) <= {ANONYMOUS, "all"}:
        step.say("program.say.checks_all_anonymous", average=avg["anonymous"])
    elif avg["anonymous"] is not None:
        identified = summary["avg_check"].get(IDENTIFIED, summary["avg_check"].get("all"))
        step.say("program.say.checks_anonymous", identified=known(finite(identified)),
                 anonymous=avg["anonymous"])
    for reason in _missing_parts(inputs, step.values["headline"]):
        step.skip(reason.key, **reason.fields)
    return step


def _condition(inputs: Inputs, name: str) -> Text | None:
    """The condition `name` (`core.conditions`) on the tables, or as recorded for a big client."""
    checks = inputs.source.checks
    if inputs.source.out_of_core and checks.facts is not None:
        return checks.facts.results.get(name)
    tables = {"transactions": inputs.transactions, "customers": inputs.customers}
    return conditions.CONDITIONS[name](tables)


def _missing_parts(inputs: Inputs, head: dict[str, Any]) -> list[Text]:
    """Why parts of the checks step are empty: no anonymous check, no member or non-member check
    (membership unknown, nobody joined, everybody did), no item counts."""
    avg, reasons = head["avg_check"], []
    if avg[ANONYMOUS] is None:
        reasons.append(_condition(inputs, "some_anonymous"))
    if avg[MEMBERS] is None:
        reasons.append(inputs.unmet.reason("member_share") or _condition(inputs, "some_members"))
    if avg[NON_MEMBERS] is None:
        reasons.append(_condition(inputs, "some_non_members"))
    if head["items_per_check"] is None and "items" not in inputs.transactions.columns:
        reasons.append(Text(f"{SKIP}.no_columns", {"table": "transactions", "columns": "items"}))
    return [reason for number, reason in enumerate(reasons)
            if reason is not None and reason not in reasons[:number]]


# ------------------------------------------------------------------------------------------ points


def _points_table(inputs: Inputs) -> tuple[Any, str | None]:
    """The monthly points table and its source: the ledger, else the checks' points, else none."""
    settings, start, end = inputs.settings, inputs.start, inputs.end
    if inputs.points is not None and len(inputs.points):
        return points_monthly_from_ledger(inputs.points, start, end, settings.point_value), "ledger"
    if {"points_earned", "points_redeemed"} <= set(inputs.transactions.columns):
        return (points_monthly_from_sums(inputs.sums(), inputs.source.columns, start, end,
                                         settings.point_value), "transactions")
    return None, None


def points(inputs: Inputs) -> Step:
    """Points accrued, redeemed and expired; redemption and breakage rates; balance and liability."""
    if (skipped := unmet(inputs, "points")) is not None:
        skipped.values.update(points=None, ledger_accrued=None)
        return skipped
    step = Step("points")
    table, source = _points_table(inputs)
    totals = points_summary(table) if table is not None else {}
    head = {"points_source": source, "redemption_rate": totals.get("redemption_rate"),
            "breakage_rate": totals.get("breakage_rate"), "points_balance": totals.get("balance"),
            "points_liability": totals.get("liability")}
    step.values.update(headline=head, points=table,
                       ledger_accrued=totals.get("accrued") if source == "ledger" else None)
    if table is None:
        return step.skip("program.skip.no_points")
    if not inputs.full:
        return step
    step.chart("program_points", partial(plots.plot_points, table), "program.caption.points_chart")
    step.table("program_points", table, "program.caption.points")
    if source == "transactions":
        step.skip("program.skip.points_balance")
    redemption, breakage = head["redemption_rate"], head["breakage_rate"]
    if redemption is None:
        return step.say("program.say.points_none")
    if breakage is None:
        return step.say("program.say.points_checks", redemption=redemption)
    return step.say("program.say.points_ledger", redemption=redemption, breakage=breakage,
                    liability=known(head["points_liability"]))


def accrual(inputs: Inputs, points_step: Step) -> Step:
    """The effective accrual rate: points value earned per money unit of the program's checks."""
    if (skipped := unmet(inputs, "accrual")) is not None:
        return skipped
    step = Step("accrual")
    point_value = inputs.settings.point_value
    sums, columns = inputs.sums(inputs.window_start), inputs.source.columns
    rate = accrual_rate_of(sums, columns, point_value, points_step["ledger_accrued"])
    step.values["headline"] = {"effective_accrual_rate": rate}
    if rate is None:
        return step.skip("program.skip.no_accrual")
    if not inputs.full:
        return step
    ledger = points_step["points"] if points_step["headline"]["points_source"] == "ledger" else None
    monthly = accrual_monthly_of(sums, columns, point_value, ledger)
    step.values["effective_accrual"] = monthly
    if monthly is None:
        return step.skip("program.skip.no_monthly_accrual")
    step.chart("program_accrual", partial(plots.plot_rate, monthly, "effective_accrual_rate",
                                          "Effective accrual rate per month"),
               "program.caption.accrual_chart")
    return step.say("program.say.accrual", rate=rate)


# ------------------------------------------------------------------------------------ unsubscribes


def unsubscribes(inputs: Inputs) -> Step:
    """Members who opted out of mailings: per month and as a share of members."""
    if (skipped := unmet(inputs, "unsubscribes")) is not None:
        return skipped
    step = Step("unsubscribes")
    customers = inputs.customers
    step.values["headline"] = head = {"unsubscribe_rate": None}
    if customers is None or "unsubscribed_at" not in customers.columns:
        return step.skip("program.skip.no_unsubscribes")
    head["unsubscribe_rate"] = unsubscribe_rate(customers, inputs.joins, inputs.end)
    if not inputs.full:
        return step
    monthly = unsubscribe_monthly(customers, inputs.joins, inputs.start, inputs.end)
    step.values["unsubscribes"] = monthly
    step.chart("program_unsubscribes", partial(plots.plot_unsubscribes, monthly),
               "program.caption.unsubscribes_chart")
    step.table("program_unsubscribes", monthly, "program.caption.unsubscribes")
    if head["unsubscribe_rate"] is not None:
        step.say("program.say.unsubscribes", rate=head["unsubscribe_rate"])
    return step


# --------------------------------------------------------------------------------------------- NPS


def nps(inputs: Inputs) -> Step:
    """NPS with its 95% interval and composition, per month and for members vs non-members."""
    if (skipped := unmet(inputs, "nps")) is not None:
        return skipped
    step = Step("nps")
    responses = nps_responses(inputs.nps, inputs.surveys)
    step.values["headline"] = {"nps": dict.fromkeys(NPS_KEYS)}
    if responses is None or not between(responses["date"], inputs.start, inputs.end).any():
        return step.skip("program.skip.no_nps")
    monthly, groups = breakdowns(responses, nps_of, Window(inputs.start, inputs.end,
                                                           inputs.respondent_joins, inputs.full))
    total = groups.iloc[0]
    head = {k: (whole(total[k]) if k == "responses" else finite(total[k])) for k in NPS_KEYS}
    step.values.update(headline={"nps": head}, nps_monthly=monthly, nps_groups=groups)
    if not inputs.full:
        return step
    step.chart("program_nps", partial(plots.plot_nps, monthly), "program.caption.nps_chart")
    step.table("program_nps_groups", groups, "program.caption.nps_groups")
    step.table("program_nps_monthly", monthly, "program.caption.nps_monthly")
    if head["score"] is not None:
        step.say("program.say.nps", score=head["score"] * 100, low=head["ci_low"] * 100,
                 high=head["ci_high"] * 100, responses=head["responses"], promoters=head["promoters"],
                 detractors=head["detractors"])
    return step


# ---------------------------------------------------------------------------------------- like-for-like


def lfl(inputs: Inputs) -> Step:
    """Revenue, checks, average check and active customers YoY, MoM and WoW; revenue per month
    against the same month a year earlier."""
    if (skipped := unmet(inputs, "lfl")) is not None:
        return skipped
    step = Step("lfl")
    end, totals = inputs.end, inputs.source.totals()
    if not (totals.days.index.get_level_values("day") < end_exclusive(end)).any():
        step.values["headline"] = nulls("lfl")
        return step.skip(f"{SKIP}.empty_table", table="transactions")
    table = like_for_like_of(totals, end, inputs.settings.lfl_same_stores,
                             lambda _: part(inputs, "lfl"))
    revenue = table.loc[table["metric"] == "revenue"].set_index("comparison")
    changes = {c: finite(revenue.at[c, "change_pct"]) for c in ("yoy", "mom", "wow")}
    step.values.update(headline={"lfl": changes}, lfl=table)
    if not inputs.full:
        return step
    yoy = monthly_yoy_of(totals, inputs.start, end)
    step.values["monthly_yoy"] = yoy
    step.table("program_lfl", table, "program.caption.lfl")
    step.chart("program_monthly_yoy", partial(plots.plot_monthly_yoy, yoy), "program.caption.yoy_chart")
    if all(value is None for value in changes.values()):
        return step.skip("program.skip.no_lfl")
    parts = {k: (Text("program.lfl_change_na", {"name": k.upper()}) if v is None
                 else Text("program.lfl_change", {"name": k.upper(), "change": v * 100}))
             for k, v in changes.items()}
    return step.say("program.say.lfl", **parts)


# ---------------------------------------------------------------------------------------- surveys


def _survey(inputs: Inputs, question: str, summarise: Any) -> tuple[Step, Any, Any] | None:
    """The step of a survey question with its (per month, per group) tables; the step skipped and no
    tables when the question has no answers in the period (or the section cannot run)."""
    if (skipped := unmet(inputs, question)) is not None:
        return skipped, None, None
    step = Step(question)
    answers = survey_answers(inputs.surveys, question)
    if answers is None or not between(answers["date"], inputs.start, inputs.end).any():
        step.skip(f"program.skip.no_{question}")
        return step, None, None
    monthly, groups = breakdowns(answers, summarise, Window(inputs.start, inputs.end,
                                                           inputs.respondent_joins, inputs.full))
    step.values.update({f"{question}_monthly": monthly, f"{question}_groups": groups})
    return step, monthly, groups


def csat(inputs: Inputs) -> Step:
    """Satisfaction (CSAT 1-5): mean and share of 4-5, per month and for members vs non-members."""
    step, monthly, groups = _survey(inputs, "csat", csat_of)
    head = {"mean": None, "satisfied_share": None}
    step.values["headline"] = {"csat": head}
    if groups is None:
        return step
    total = groups.iloc[0]
    head.update(mean=finite(total["mean"]), satisfied_share=finite(total["satisfied_share"]))
    if not inputs.full:
        return step
    draw = partial(plots.plot_rate, monthly, "mean", "CSAT per month (1-5)", percent=False, limits=(1, 5))
    step.chart("program_csat", draw, "program.caption.csat_chart")
    step.table("program_csat", groups, "program.caption.csat")
    if head["mean"] is not None:
        step.say("program.say.csat", mean=head["mean"], satisfied=known(head["satisfied_share"]))
    return step


def awareness(inputs: Inputs) -> Step:
    """Program awareness: share of respondents who know the program."""
    step, monthly, groups = _survey(inputs, "awareness", awareness_of)
    step.values["headline"] = {"awareness": None if groups is None else finite(groups.iloc[0]["awareness"])}
    if groups is None or not inputs.full:
        return step
    draw = partial(plots.plot_rate, monthly, "awareness", "Program awareness per month")
    step.chart("program_awareness", draw, "program.caption.awareness_chart")
    step.table("program_awareness", groups, "program.caption.awareness")
    value = step.values["headline"]["awareness"]
    return step if value is None else step.say("program.say.awareness", awareness=value)


def motives(inputs: Inputs) -> Step:
    """Why members take part: for the value, for the brand, other."""
    step, monthly, groups = _survey(inputs, "motive", motives_of)
    head = dict.fromkeys(("value", "brand", "other"))
    step.values["headline"] = {"motives": head}
    if groups is None:
        return step
    head.update({k: finite(groups.iloc[0][k]) for k in head})
    if not inputs.full:
        return step
    step.chart("program_motives", partial(plots.plot_motives, monthly), "program.caption.motives_chart")
    step.table("program_motives", groups, "program.caption.motives")
    if head["value"] is not None:
        step.say("program.say.motive", value=head["value"], brand=known(head["brand"]))
    return step


# ------------------------------------------------------------------------------------- spend tiers


def tiers(inputs: Inputs) -> Step:
    """Who joins: the share of low, middle and high spenders before the launch who joined."""
    if (skipped := unmet(inputs, "tiers")) is not None:
        return skipped
    step = Step("tiers")
    step.values["headline"] = nulls("tiers")
    table = None
    if inputs.joins is not None and inputs.launch is not None:
        table = participation_of(part(inputs, "tiers"), inputs.joins, inputs.end)
    step.values["participation_by_tier"] = table
    if table is None:
        return step.skip("program.skip.no_tiers")
    rates = dict(zip(table["tier"], table["participation_rate"], strict=True))
    head = {k: finite(rates[k]) for k in ("high", "middle", "low")}
    head["top_to_bottom_ratio"] = ratio(rates["high"], rates["low"])
    step.values["headline"] = {"participation_by_tier": head}
    if not inputs.full:
        return step
    step.chart("program_tiers", partial(plots.plot_participation, table), "program.caption.tiers_chart")
    step.table("program_tiers", table, "program.caption.tiers")
    if head["high"] is not None:
        step.say("program.say.tiers", high=head["high"], middle=known(head["middle"]), low=known(head["low"]),
                 ratio=known(head["top_to_bottom_ratio"]))
    return step


# ---------------------------------------------------------------------------------------- headline


def compute(inputs: Inputs) -> dict[str, Step]:
    """Every step of the section, in order (as the notebook calls them)."""
    points_step, reach_step, awareness_step = points(inputs), reach(inputs), awareness(inputs)
    steps = [reach_step, member_share(inputs), checks(inputs), points_step, accrual(inputs, points_step),
             unsubscribes(inputs), nps(inputs), csat(inputs), awareness_step, motives(inputs),
             nps_segments(inputs), nps_outcomes(inputs), nps_reasons(inputs), motive_segments(inputs),
             engagement(inputs, reach_step, awareness_step), tiers(inputs), lfl(inputs)]
    return {step.name: step for step in steps}


def numbers(*steps: Step) -> dict[str, Any]:
    """The headline numbers of `steps`, merged in their order (a block two steps share, such as
    ``nps``, is merged key by key)."""
    out: dict[str, Any] = {}
    for step in steps:
        for key, value in step.values["headline"].items():
            both = isinstance(value, dict) and isinstance(out.get(key), dict)
            out[key] = {**out[key], **value} if both else value
    return out


def previous(inputs: Inputs) -> dict[str, Any] | None:
    """The headline numbers as they read ``program.compare_months`` months earlier (same definitions,
    same period start, on the same prepared tables): kpis.json `program.previous`, against which the
    report's tiles show each KPI's change. None when not configured or there is no such period."""
    months = inputs.settings.compare_months
    moved = None if months is None else earlier(inputs, months)
    return None if moved is None else numbers(*compute(moved).values())


def headline(inputs: Inputs, *steps: Step) -> dict[str, Any]:
    """The `program` block of kpis.json: the numbers of `steps` (every step, in order) and
    ``previous`` (see `previous`)."""
    return {**numbers(*steps), "previous": previous(inputs)}


def overview(inputs: Inputs, head: dict[str, Any]) -> Step:
    """The headline numbers as a table of text (`headline.headline_table`) in the report's language."""
    step = Step("overview")
    return step.table("program_headline", headline_table(head, inputs.language, inputs.currency),
                      "program.caption.headline")


def result(inputs: Inputs) -> SectionResult:
    """Every step, the headline table and the kpis.json block of `inputs`."""
    steps = compute(inputs)
    head = headline(inputs, *steps.values())
    steps["overview"] = overview(inputs, head)
    return SectionResult("program", steps, head)


def run(ctx: Any) -> SectionResult:
    """The whole section in a run: the same steps, in the same order, as the notebook."""
    return result(inputs(ctx))

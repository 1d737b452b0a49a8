"""The voice-of-the-customer steps of the program section (issue #21), called by `section.compute` and
the notebook after the survey steps: NPS and CSAT by segment (`nps_segments`), what an answer
predicts (`nps_outcomes`), the reasons given (`nps_reasons`), motives by segment (`motive_segments`)
and awareness next to engagement and reach per month (`engagement`). The definitions are in `voice`,
`voice_outcomes` and `reasons`."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from ...core.numbers import finite
from ..steps import Step
from . import voice_plots
from .dates import between
from .inputs import Inputs
from .reasons import motive_churn, motive_of, normalise, reason_table, top_reason
from .surveys import motive_shares, nps_responses, survey_answers
from .texts import known
from .voice import (
    by_dimension,
    csat_by_dimension,
    customer_numbers,
    nps_by_dimension,
    profile,
    segment_headline,
)
from .voice_outcomes import last_answers, nps_group, outcome_table, revenue_at_risk, window_sums

CHURN_KEYS = ("promoters", "passives", "detractors", "gap", "gap_ci_low", "gap_ci_high", "answers")
RISK_KEYS = ("revenue_at_risk", "revenue_at_risk_ci_low", "revenue_at_risk_ci_high")
MISSING_DIMENSIONS = {"rfm_segment": "voice_no_ids", "membership": "voice_no_membership",
                      "tier": "voice_no_tier", "region": "voice_no_region"}


def _skipped(inputs: Inputs, name: str, headline: dict[str, Any]) -> Step | None:
    """The step skipped with the section's reason (`Inputs.unmet`), None when it can run."""
    reason = inputs.unmet.reason(name)
    if reason is None:
        return None
    return Step(name, values={"headline": headline}).skip(reason.key, **reason.fields)


def _nps_answers(inputs: Inputs, name: str, headline: dict[str, Any],
                 linked: bool = True) -> tuple[Step, pd.DataFrame | None]:
    """The step `name` (its kpis `headline` null until it computes) and the period's NPS answers
    (`_linked`); None with the step skipped: the section's reason, no answer, or (`linked`) no answer
    linked to a customer."""
    if (skipped := _skipped(inputs, name, headline)) is not None:
        return skipped, None
    step = Step(name, values={"headline": headline})
    answers = _linked(nps_responses(inputs.nps, inputs.surveys), inputs)
    if answers is None:
        return step.skip("program.skip.no_nps"), None
    if linked and answers["customer"].isna().all():
        return step.skip("program.skip.voice_unlinked"), None
    return step, answers


def _linked(frame: pd.DataFrame | None, inputs: Inputs) -> pd.DataFrame | None:
    """The answers of the period with ``customer`` (the number of their customer, NaN when unlinked);
    None without any answer in the period."""
    if frame is None:
        return None
    frame = frame.loc[between(frame["date"], inputs.start, inputs.end)]
    if frame.empty:
        return None
    return frame.assign(customer=customer_numbers(frame, inputs.numbered.labels))


def _profile(inputs: Inputs, answers: pd.DataFrame) -> pd.DataFrame:
    source = inputs.source
    segments = source.segments(inputs.settings.rfm_bins) if "customer_id" in source.columns else None
    return profile(answers, source.purchases(), inputs.customers, inputs.joins, segments)


# ------------------------------------------------------------------------------------ by segment


def nps_segments(inputs: Inputs) -> Step:
    """NPS and CSAT by RFM segment, membership and its age, tier, region and recency at the answer,
    each with its 95% interval and answers; small groups flagged."""
    head = {"nps": {"by_segment": segment_headline(None)}}
    step, answers = _nps_answers(inputs, "nps_segments", head)
    if answers is None:
        return step
    settings = inputs.settings
    described = _profile(inputs, answers)
    table = nps_by_dimension(described, settings.voice_min_answers)
    if "rfm_segment" in described.columns:
        head["nps"]["by_segment"] = segment_headline(table)
    step.values["nps_segments"] = table
    if not inputs.full:
        return step
    step.table("program_nps_segments", table, "program.caption.nps_segments", max_rows=60,
               min_answers=settings.voice_min_answers)
    step.chart("program_nps_segments", partial(voice_plots.plot_segments, table, "score"),
               "program.caption.nps_segments_chart")
    for dimension, key in MISSING_DIMENSIONS.items():
        if dimension not in described.columns:
            step.skip(f"program.skip.{key}")
    reliable = table.loc[(table["dimension"] == "rfm_segment") & ~table["small"] & table["score"].notna()]
    if len(reliable) >= 2:
        best, worst = reliable.loc[reliable["score"].idxmax()], reliable.loc[reliable["score"].idxmin()]
        step.say("program.say.nps_segments", best=best["group"], best_score=best["score"] * 100,
                 worst=worst["group"], worst_score=worst["score"] * 100,
                 min_answers=settings.voice_min_answers)
    else:
        step.say("program.say.nps_segments_small", min_answers=settings.voice_min_answers)
    csat = _linked(survey_answers(inputs.surveys, "csat"), inputs)
    if csat is None or csat["customer"].isna().all():
        return step.skip("program.skip.voice_no_csat")
    csat_table = csat_by_dimension(_profile(inputs, csat), settings.voice_min_answers)
    step.values["csat_segments"] = csat_table
    return step.table("program_csat_segments", csat_table, "program.caption.csat_segments", max_rows=60,
                      min_answers=settings.voice_min_answers)


# -------------------------------------------------------------------------------- after the answer


def _outcome_nulls() -> dict[str, Any]:
    return {"nps": {"churn_after": dict.fromkeys(CHURN_KEYS), **dict.fromkeys(RISK_KEYS)}}


def nps_outcomes(inputs: Inputs) -> Step:
    """Churn and spend in the window after an NPS answer, promoters vs passives vs detractors matched
    on spend before it, with 95% intervals; the revenue at risk from detractors (`voice_outcomes`)."""
    head = _outcome_nulls()
    step, answers = _nps_answers(inputs, "nps_outcomes", head)
    if answers is None:
        return step
    settings = inputs.settings
    days = settings.voice_churn_days
    purchases = inputs.source.purchases()
    kept = last_answers(answers, inputs.end, days)
    if kept.empty:
        return step.skip("program.skip.voice_no_window", days=days)
    outcomes = window_sums(kept, purchases, days)
    table, gap = outcome_table(outcomes, settings.voice_spend_bins)
    rates = table.set_index("group")["churn"]
    head["nps"]["churn_after"] = {**{g: finite(rates[g]) for g in ("promoters", "passives", "detractors")},
                                  **{k: finite(v) for k, v in gap.items()}, "answers": int(len(kept))}
    latest = window_sums(last_answers(answers), purchases, days)
    spend = float(latest.loc[latest["group"] == "detractors", "spend_before"].sum())
    risk = revenue_at_risk(gap, spend, days)
    head["nps"].update({k: finite(risk[k]) for k in RISK_KEYS})
    step.values.update(nps_outcomes=table, churn_gap=gap, revenue_at_risk=risk)
    if not inputs.full:
        return step
    step.table("program_nps_outcomes", table, "program.caption.nps_outcomes", days=days)
    step.chart("program_nps_outcomes", partial(voice_plots.plot_outcomes, table),
               "program.caption.nps_outcomes_chart", days=days)
    if int(table["answers"].min()) < settings.voice_min_answers:
        step.skip("program.skip.voice_few", min_answers=settings.voice_min_answers)
    if gap["gap"] is None:
        return step.skip("program.skip.voice_no_gap")
    significant = gap["gap_ci_low"] > 0 or gap["gap_ci_high"] < 0
    step.say("program.say.nps_outcomes" if significant else "program.say.nps_outcomes_unclear",
             detractors=rates["detractors"], promoters=rates["promoters"], gap=gap["gap"] * 100,
             low=gap["gap_ci_low"] * 100, high=gap["gap_ci_high"] * 100, days=days)
    return step.say("program.say.revenue_at_risk", risk=risk["revenue_at_risk"],
                    low=risk["revenue_at_risk_ci_low"], high=risk["revenue_at_risk_ci_high"],
                    spend=risk["detractors_yearly_spend"])


# ------------------------------------------------------------------------------------------- why


def nps_reasons(inputs: Inputs) -> Step:
    """The most frequent reasons of detractors, passives and promoters (only reasons many respondents
    gave, unless ``report.quote_reasons``; `reasons`)."""
    step, answers = _nps_answers(inputs, "nps_reasons", {}, linked=False)
    if answers is None:
        return step
    if "reason" not in answers.columns or normalise(answers["reason"]).isna().all():
        return step.skip("program.skip.no_reasons")
    settings = inputs.settings
    frame = pd.DataFrame({"group": nps_group(answers["score"]), "reason": normalise(answers["reason"]),
                          "customer": answers["customer"]})
    table = reason_table(frame, settings.reason_min_count, settings.reason_top, settings.quote_reasons)
    step.values["nps_reasons"] = table
    if not inputs.full:
        return step
    rule = "program.caption.nps_reasons_quoted" if settings.quote_reasons else "program.caption.nps_reasons"
    step.table("program_nps_reasons", table, rule, min_count=settings.reason_min_count)
    step.chart("program_nps_reasons", partial(voice_plots.plot_reasons, table),
               "program.caption.nps_reasons_chart")
    worst, best = top_reason(table, "detractors"), top_reason(table, "promoters")
    if worst is None or best is None:
        return step.skip("program.skip.reasons_few", min_count=settings.reason_min_count)
    return step.say("program.say.nps_reasons", detractors=worst[0], detractors_share=worst[1],
                    promoters=best[0], promoters_share=best[1])


def motive_segments(inputs: Inputs) -> Step:
    """Motives (value / brand / other) by segment; value- vs brand-motivated members' churn after the
    benefit changed (``program.benefit_change_date``), when the data allow."""
    if (skipped := _skipped(inputs, "motive_segments", {})) is not None:
        return skipped
    step = Step("motive_segments", values={"headline": {}})
    answers = _linked(survey_answers(inputs.surveys, "motive"), inputs)
    if answers is None:
        return step.skip("program.skip.no_motive")
    if answers["customer"].isna().all():
        return step.skip("program.skip.voice_unlinked")
    settings = inputs.settings
    described = _profile(inputs, answers)
    table = by_dimension(described, lambda part: motive_shares(part["answer"]), settings.voice_min_answers)
    step.values["motive_segments"] = table
    if not inputs.full:
        return step
    step.table("program_motive_segments", table, "program.caption.motive_segments", max_rows=60)
    change, days = settings.benefit_change_date, settings.voice_churn_days
    if change is None:
        return step.skip("program.skip.no_benefit_change")
    if change + pd.Timedelta(days=days) > inputs.end:
        return step.skip("program.skip.benefit_change_recent", change=change, days=days)
    motives = described.assign(motive=motive_of(described["answer"]))
    churn, difference = motive_churn(motives, inputs.source.purchases(), change, days)
    step.values.update(motive_churn=churn, motive_churn_difference=difference)
    step.table("program_motive_churn", churn, "program.caption.motive_churn", change=change, days=days)
    if difference["difference"] is None:
        return step.skip("program.skip.motive_churn_none")
    return step.say("program.say.motive_churn", difference=difference["difference"] * 100,
                    low=difference["ci_low"] * 100, high=difference["ci_high"] * 100, change=change,
                    days=days)


# ------------------------------------------------------------------------------------ engagement


def engagement(inputs: Inputs, reach_step: Step, awareness_step: Step) -> Step:
    """Awareness of the program and the members' engagement (active share) per month, next to the
    program's reach (members at month end): the tables of the reach and awareness steps side by side."""
    if (skipped := _skipped(inputs, "engagement", {})) is not None:
        return skipped
    step = Step("engagement", values={"headline": {}})
    if not inputs.full:
        return step
    aware, active = awareness_step.values.get("awareness_monthly"), reach_step.values.get("active_members")
    members = reach_step.values.get("members")
    if aware is None and active is None:
        return step.skip("program.skip.no_engagement")
    parts = [part[columns] for part, columns in ((aware, ["month", "awareness", "responses"]),
                                                 (members, ["month", "cumulative_members"]),
                                                 (active, ["month", "active_members", "active_share"]))
             if part is not None]
    table = parts[0]
    for part in parts[1:]:
        table = table.merge(part, on="month", how="outer")
    table = table.sort_values("month").reset_index(drop=True)
    step.values["engagement"] = table
    step.table("program_engagement", table, "program.caption.engagement")
    step.chart("program_engagement", partial(voice_plots.plot_engagement, table),
               "program.caption.engagement_chart")
    if aware is None:
        step.skip("program.skip.no_awareness")
    if active is None:
        step.skip("program.skip.no_membership")
    first, last = (_first_last(table, "awareness") if aware is not None else (None, None))
    start, end = (_first_last(table, "active_share") if active is not None else (None, None))
    return step.say("program.say.engagement", aware_first=known(first), aware_last=known(last),
                    active_first=known(start), active_last=known(end))


def _first_last(table: pd.DataFrame, column: str) -> tuple[float | None, float | None]:
    values = table[column].dropna()
    return (None, None) if values.empty else (finite(values.iloc[0]), finite(values.iloc[-1]))

"""The RFM section (20): its inputs, its steps in notebook order, and `run(ctx)`.

Each step is one call from notebooks/20_rfm.ipynb; `run` calls the same steps in the same order and
returns the kpis.json block `rfm` as the headline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from ...core.checks import identified_checks
from ...core.membership import MEMBERS, NON_MEMBERS
from ...engine.customers import CustomerChecks, customer_checks
from ...text.catalogue import Text
from ..registry import Requirement, Unmet, check
from ..steps import SectionResult, Step
from . import plots
from .groups import ALL, member_segment_mix, migration_matrix, migration_summary, segment_changes
from .scoring import customer_rfm, rf_matrix, score_rfm, segment_export, segment_headline, segment_table
from .settings import Settings

KEY = "rfm"
LAPSING = ["At risk", "Can't lose"]  # used to buy often, not lately: the win-back audience
BEST = ["Champions", "Loyal"]
# what the section and its steps need (`registry.check`)
REQUIRES = (Requirement("transactions", ("customer_id", "date", "amount"), "some_identified"),
            Requirement("transactions", (), "some_members", steps=("member_mix",)))


def _english(text: Text) -> str:
    return text.render()


@dataclass(frozen=True)
class Inputs:
    """Identified checks (`core.checks`), join days (`core.membership.join_dates`; None = membership
    unknown), the snapshot day (the period's end), the settings, `render`: a catalogue text in
    the run's language (for words drawn on charts), what the steps miss (`REQUIRES`), and `source`:
    where the per-customer bases are computed from when it is not `checks` (a big client's checks
    bucketed by customer, `engine.customers`)."""

    checks: pd.DataFrame
    joins: pd.Series | None
    snapshot: pd.Timestamp
    settings: Settings
    render: Callable[[Text], str] = _english
    unmet: Unmet = Unmet()
    source: CustomerChecks | None = None

    def base(self, snapshot: pd.Timestamp) -> pd.DataFrame:
        """`scoring.customer_rfm` at `snapshot`: from `checks`, or bucket by bucket from `source`."""
        if self.source is None or not self.source.out_of_core:
            return customer_rfm(self.checks, snapshot)
        return self.source.apply(partial(customer_rfm, snapshot=snapshot), ["customer_id", "date", "amount"])


def inputs(ctx: Any) -> Inputs:
    """The section's inputs from a run context (a big client's checks stay on disk, `engine`)."""
    source, customers = customer_checks(ctx), ctx.table("customers")
    unmet = check(REQUIRES, source.requirement_tables({"customers": customers}))
    checks = identified_checks(pd.DataFrame() if source.out_of_core else source.frame)
    return Inputs(checks, source.join_dates(customers), ctx.period[1], Settings.from_config(ctx.config),
                  ctx.render, unmet, source)


def _skip(step: Step, reason: Text) -> Step:
    return step.skip(reason.key, **reason.fields)


def _not_segmented(inputs: Inputs, step: Step) -> Text | None:
    """Why `step` has nobody to show: its unmet requirement, or no segmented customer."""
    return inputs.unmet.reason(step.name) or Text(f"{KEY}.no_customers")


def segments(inputs: Inputs) -> Step:
    """Every identified customer scored and segmented at the snapshot; one row per segment and a
    sentence on champions, the top revenue segment and the lapsing customers. values: scored, table."""
    step = Step("segments")
    scored = score_rfm(inputs.base(inputs.snapshot), inputs.settings.bins)
    table = segment_table(scored)
    step.values.update(scored=scored, table=table)
    if scored.empty or inputs.unmet.reason(step.name) is not None:
        return _skip(step, _not_segmented(inputs, step))
    step.table("rfm_segments", table, f"{KEY}.segments_table", date=inputs.snapshot)
    by_name = table.set_index("segment")
    top = table.sort_values("revenue_share", ascending=False).iloc[0]
    lapsing = by_name.loc[LAPSING].sum()
    return step.say(f"{KEY}.segments", customers=len(scored), date=inputs.snapshot,
                    champions=by_name.loc["Champions", "share"],
                    champions_revenue=by_name.loc["Champions", "revenue_share"], top=top["segment"],
                    top_revenue=top["revenue_share"], lapsing=lapsing["share"],
                    lapsing_revenue=lapsing["revenue_share"])


def score_grid(inputs: Inputs, segmented: Step) -> Step:
    """Customers per pair of R and F scores, as a heatmap and a table. values: rf (None when empty)."""
    step = Step("score_grid")
    step.values["rf"] = None
    if segmented["scored"].empty:
        return _skip(step, _not_segmented(inputs, step))
    rf = rf_matrix(segmented["scored"], inputs.settings.bins)
    step.values["rf"] = rf
    step.chart("rfm_rf_heatmap", partial(plots.rf_heatmap, rf), f"{KEY}.rf_chart")
    return step.table("rfm_rf_matrix", rf.reset_index(), f"{KEY}.rf_table")


def member_mix(inputs: Inputs, segmented: Step) -> Step:
    """Segment mix of members and non-members at the snapshot. values: mix (None when membership is
    unknown or nobody is segmented)."""
    step = Step("member_mix")
    scored = segmented["scored"]
    reason = inputs.unmet.reason(step.name)
    mix = None if scored.empty or reason is not None else member_segment_mix(scored, inputs.joins,
                                                                               inputs.snapshot)
    step.values["mix"] = mix
    if mix is None:
        return _skip(step, reason or Text(f"{KEY}.no_mix"))
    step.table("rfm_member_mix", mix, f"{KEY}.mix_table")
    step.chart("rfm_member_mix", partial(plots.member_mix, mix), f"{KEY}.mix_chart")
    best = mix.set_index("segment").loc[BEST, ["members_share", "non_members_share"]].sum()
    return step.say(f"{KEY}.mix", members=best["members_share"], non_members=best["non_members_share"])


def migration(inputs: Inputs, segmented: Step) -> Step:
    """Segments now against segments `snapshot_compare_days` earlier: row shares as a heatmap, counts,
    and who moved up, stayed or moved down (by group when membership is known). values: changes,
    summary (None without an earlier snapshot)."""
    step = Step("migration")
    settings, snapshot = inputs.settings, inputs.snapshot
    earlier = snapshot - pd.Timedelta(days=settings.snapshot_compare_days)
    changes = None if segmented["scored"].empty else segment_changes(
        inputs.base, snapshot, settings.snapshot_compare_days, settings.bins)
    step.values.update(changes=changes, summary=None)
    if segmented["scored"].empty:
        return _skip(step, _not_segmented(inputs, step))
    if changes is None:
        return step.skip(f"{KEY}.no_earlier", date=earlier)
    labels = [inputs.render(Text(f"{KEY}.segment_on", {"date": day})) for day in (snapshot, earlier)]
    step.chart("rfm_migration", partial(plots.migration_heatmap, migration_matrix(changes, normalize=True),
                                        *labels), f"{KEY}.migration_chart")
    step.table("rfm_migration_matrix", migration_matrix(changes).reset_index(), f"{KEY}.migration_table")
    summary = migration_summary(changes, inputs.joins, snapshot)
    step.values["summary"] = summary
    step.table("rfm_migration_summary", summary, f"{KEY}.moves_table")
    moves = summary.set_index("group")
    overall = {"customers": moves.loc[ALL, "customers"], "up": moves.loc[ALL, "up"],
               "down": moves.loc[ALL, "down"]}
    if MEMBERS not in moves.index:
        return step.say(f"{KEY}.moves", **overall)
    return step.say(f"{KEY}.moves_groups", **overall, members_up=moves.loc[MEMBERS, "up"],
                    members_down=moves.loc[MEMBERS, "down"], others_up=moves.loc[NON_MEMBERS, "up"],
                    others_down=moves.loc[NON_MEMBERS, "down"])


def export(inputs: Inputs, segmented: Step) -> Step:
    """customer_id -> segment for the client's CRM (ids only; the first rows shown, all in tables.xlsx)."""
    step = Step("export")
    if segmented["scored"].empty:
        return _skip(step, _not_segmented(inputs, step))
    return step.table("rfm_customer_segments", segment_export(segmented["scored"]), f"{KEY}.export_table",
                      max_rows=inputs.settings.export_rows)


def headline(inputs: Inputs, segmented: Step, moved: Step) -> dict[str, Any]:
    """The kpis.json block `rfm`: snapshot, customers, segments, migration shares."""
    return segment_headline(segmented["table"], inputs.snapshot, moved["summary"])


def run(ctx: Any) -> SectionResult:
    """Every step of the section in notebook order, and its headline."""
    data = inputs(ctx)
    segmented = segments(data)
    grid = score_grid(data, segmented)
    mix = member_mix(data, segmented)
    moved = migration(data, segmented)
    exported = export(data, segmented)
    steps = {step.name: step for step in (segmented, grid, mix, moved, exported)}
    return SectionResult(KEY, steps, headline(data, segmented, moved))

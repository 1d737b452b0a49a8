"""The RFM section's charts: score grid, members' segment mix, migration between snapshots."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ...core.plots import PALETTE, new_figure


def _annotated_heatmap(frame: pd.DataFrame, size: tuple[float, float], fmt: str,
                       labels: tuple[str, str], **style: object) -> Figure:
    """A seaborn heatmap with every cell labelled, no colour bar, no grid; labels = (x, y)."""
    figure, axes = new_figure(*size)
    sns.heatmap(frame, annot=True, fmt=fmt, cmap="Blues", cbar=False, linewidths=0.5, ax=axes, **style)
    axes.grid(False)
    axes.set(xlabel=labels[0], ylabel=labels[1])
    return figure


def rf_heatmap(rf: pd.DataFrame) -> Figure:
    """Customers per R score (rows, best first) and F score (`scoring.rf_matrix`)."""
    return _annotated_heatmap(rf, (6, 4.5), "d", ("F score (frequency)", "R score (recency)"))


def migration_heatmap(flows: pd.DataFrame, now: str, before: str) -> Figure:
    """Row shares of `groups.migration_matrix(normalize=True)`; `now` / `before`: the axis labels."""
    return _annotated_heatmap(flows, (9, 6), ".0%", (now, before), annot_kws={"size": 7})


def member_mix(mix: pd.DataFrame) -> Figure:
    """Horizontal bars of each segment's share of members and of non-members (`groups.member_segment_mix`)."""
    shares = mix.set_index("segment")[["members_share", "non_members_share"]]
    figure, axes = new_figure(8, 4.5)
    shares.rename(columns={"members_share": "members", "non_members_share": "non-members"}).plot.barh(
        ax=axes, color=PALETTE[:2])
    axes.invert_yaxis()
    axes.set(xlabel="share of the group", ylabel="")
    axes.xaxis.set_major_formatter("{x:.0%}")
    return figure

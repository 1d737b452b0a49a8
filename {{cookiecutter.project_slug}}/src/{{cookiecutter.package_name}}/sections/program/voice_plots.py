"""Charts of the voice-of-the-customer steps (`voice_steps`); each returns a new Figure. Their words are
English labels, translated by the run (`voice_texts.LABELS`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ...core.plots import PALETTE, figure_grid, percent_axis
from .voice_outcomes import GROUPS

DIMENSION_TITLES = {"rfm_segment": "RFM segment", "membership": "membership", "tenure": "time in the program",
                    "tier": "tier", "region": "region", "recency": "last purchase before the answer"}


def plot_segments(table: pd.DataFrame, column: str = "score") -> Figure:
    """NPS (x 100) with its 95% interval per group, one panel per dimension; small groups in grey."""
    dimensions = list(dict.fromkeys(table["dimension"])) or ["rfm_segment"]
    heights = [max(1, int((table["dimension"] == d).sum())) + 1.5 for d in dimensions]
    fig = Figure(figsize=(10, 0.3 * sum(heights) + 0.5), layout="constrained")
    grid = fig.add_gridspec(len(dimensions), 1, height_ratios=heights)
    axes = [fig.add_subplot(grid[row]) for row in range(len(dimensions))]
    for ax, dimension in zip(axes, dimensions, strict=True):
        rows = table.loc[(table["dimension"] == dimension) & table[column].notna()]
        y = np.arange(len(rows))
        colours = [PALETTE[6] if small else PALETTE[0] for small in rows["small"]]
        low = (rows[column] - rows["ci_low"]).to_numpy(dtype=float) * 100
        high = (rows["ci_high"] - rows[column]).to_numpy(dtype=float) * 100
        ax.errorbar(rows[column] * 100, y, xerr=[low, high], fmt="none", ecolor="#999999", capsize=3)
        ax.scatter(rows[column] * 100, y, c=colours, zorder=3)
        ax.set_yticks(y, [str(g) for g in rows["group"]])
        ax.axvline(0, color="#666666", linewidth=0.8)
        ax.set(title=DIMENSION_TITLES.get(dimension, dimension), xlabel="NPS", xlim=(-100, 100),
               ylim=(max(len(rows), 1) - 0.4, -0.6))
    return fig


def plot_outcomes(table: pd.DataFrame) -> Figure:
    """Churn after the answer (matched, with its 95% interval; raw as a hollow marker) and spend
    after it, per NPS group."""
    fig, axes = figure_grid(1, 2, width=10, height=3.6)
    churn_ax, spend_ax = np.atleast_1d(axes).ravel()
    rows = table.set_index("group").reindex(list(GROUPS))
    x = np.arange(len(GROUPS))
    for ax, column, title in ((churn_ax, "churn", "Churn after the answer"),
                              (spend_ax, "spend", "Spend after the answer")):
        values = rows[column].to_numpy(dtype=float)
        low = values - rows[f"{column}_low"].to_numpy(dtype=float)
        high = rows[f"{column}_high"].to_numpy(dtype=float) - values
        ax.bar(x, np.nan_to_num(values), color=[PALETTE[3], PALETTE[2], PALETTE[1]],
               yerr=[np.nan_to_num(low), np.nan_to_num(high)], capsize=4, label="matched")
        ax.scatter(x, rows[f"{column}_raw"].to_numpy(dtype=float), facecolors="none", edgecolors="black",
                   zorder=3, label="raw")
        ax.set_xticks(x, list(GROUPS))
        ax.set(title=title)
        ax.legend()
    percent_axis(churn_ax)
    return fig


def plot_reasons(table: pd.DataFrame) -> Figure:
    """The shares of the reasons shown, detractors and promoters side by side."""
    fig, axes = figure_grid(1, 2, width=10, height=3.8)
    for ax, group in zip(np.atleast_1d(axes).ravel(), ("detractors", "promoters"), strict=True):
        rows = table.loc[table["group"] == group]
        y = np.arange(len(rows))
        ax.barh(y, rows["share"], color=PALETTE[1] if group == "detractors" else PALETTE[3])
        ax.set_yticks(y, [str(r) for r in rows["reason"]])
        ax.invert_yaxis()
        ax.set(title=group, xlabel="share of answers")
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def plot_engagement(table: pd.DataFrame) -> Figure:
    """Awareness and the active share of members per month (top); members at month end (bottom)."""
    fig, axes = figure_grid(2, 1, width=10, height=3.4)
    top, bottom = np.atleast_1d(axes).ravel()
    for column, colour, label in (("awareness", PALETTE[0], "awareness"),
                                  ("active_share", PALETTE[3], "active members' share")):
        if column in table.columns:
            top.plot(table["month"], table[column], marker="o", color=colour, label=label)
    top.set(title="Awareness and engagement per month", ylabel="share")
    top.set_ylim(0, 1)
    percent_axis(top)
    top.legend()
    if "cumulative_members" in table.columns:
        bottom.bar(table["month"], table["cumulative_members"], width=20, color=PALETTE[2])
    bottom.set(title="Program reach: members at month end", ylabel="members")
    return fig

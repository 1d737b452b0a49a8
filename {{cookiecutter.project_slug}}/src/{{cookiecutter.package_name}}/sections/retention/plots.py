"""The retention section's charts: cohort heatmaps and monthly rates by group."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ...core.plots import new_figure


def cohort_heatmap(matrix: pd.DataFrame, cmap: str, fmt: str = ".0%") -> Figure:
    """A cohort matrix (cohorts as rows, months since the first purchase as columns) as an annotated
    heatmap: the look of `seaborn.heatmap(matrix, annot=True, fmt=fmt, cmap=cmap, robust=True,
    cbar=False, annot_kws={"size": 6})`, drawn directly with matplotlib.

    Same colours (robust range: 2nd to 98th percentile), cell labels (dark on light cells, white on
    dark ones), ticks and tick rotation as seaborn's, without seaborn's full draw of the figure to
    test whether tick labels overlap (their extents are measured directly): the same pixels.
    """
    from seaborn.utils import axis_ticklabels_overlap, relative_luminance

    figure, axes = new_figure(11, 0.32 * len(matrix) + 1.5)
    values = np.ma.masked_invalid(matrix.to_numpy(dtype="float64"))
    known = values.compressed()
    low, high = (np.percentile(known, 2), np.percentile(known, 98)) if known.size else (None, None)
    sns.despine(ax=axes, left=True, bottom=True)
    mesh = axes.pcolormesh(values, cmap=plt.get_cmap(cmap), vmin=low, vmax=high, linewidths=0,
                           edgecolor="white")
    axes.set(xlim=(0, matrix.shape[1]), ylim=(0, matrix.shape[0]))
    axes.invert_yaxis()
    x_ticks, x_labels = _heatmap_ticks(axes, [str(c) for c in matrix.columns], 0)
    y_ticks, y_labels = _heatmap_ticks(axes, [str(c) for c in matrix.index], 1)
    axes.set(xticks=x_ticks, yticks=y_ticks)
    x_texts = axes.set_xticklabels(x_labels)
    y_texts = axes.set_yticklabels(y_labels, rotation="vertical")
    plt.setp(y_texts, va="center")
    axes.xaxis.get_ticklabels()  # places the tick labels, so that their extents can be measured
    axes.yaxis.get_ticklabels()
    if axis_ticklabels_overlap(x_texts):
        plt.setp(x_texts, rotation="vertical")
    if axis_ticklabels_overlap(y_texts):
        plt.setp(y_texts, rotation="horizontal")
    mesh.update_scalarmappable()
    faces = mesh.get_facecolors()
    columns = values.shape[1]
    for position, value in enumerate(values.flat):
        if value is np.ma.masked:
            continue
        row, column = divmod(position, columns)
        color = ".15" if relative_luminance(faces[position]) > .408 else "w"
        axes.text(column + .5, row + .5, format(value, fmt), color=color, ha="center", va="center",
                  size=6)
    axes.grid(False)
    axes.set(xlabel="months since the first purchase", ylabel="cohort")
    return figure


def _heatmap_ticks(axes: plt.Axes, labels: list[str], axis: int) -> tuple[np.ndarray, list[str]]:
    """Tick positions and labels at cell centres, every n-th cell when they would not fit (seaborn's
    rule: at most one label per font height of the axis)."""
    size = axes.get_window_extent().transformed(axes.figure.dpi_scale_trans.inverted()).size[axis]
    tick, = (axes.xaxis, axes.yaxis)[axis].set_ticks([0])
    max_ticks = int(size // (tick.label1.get_size() / 72))
    if max_ticks < 1:
        return np.array([]), []
    every = len(labels) // max_ticks + 1
    return np.arange(0, len(labels), every) + .5, labels[::every]


def monthly_rate(monthly: pd.DataFrame, column: str, ylabel: str) -> Figure:
    """One line per group of a monthly_retention table's `column` (a rate) by month."""
    figure, axes = new_figure(10, 4)
    sns.lineplot(data=monthly, x="month", y=column, hue="group", marker="o", ax=axes)
    axes.set(xlabel="", ylabel=ylabel)
    axes.yaxis.set_major_formatter("{x:.1%}")
    axes.tick_params(axis="x", rotation=90)
    return figure

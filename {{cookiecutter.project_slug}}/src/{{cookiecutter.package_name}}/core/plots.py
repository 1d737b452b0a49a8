"""One look for every chart of the report: a seaborn theme, a palette, figure builders, axis formats."""

from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

PALETTE = ["#2f6690", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#3a7ca5", "#7b8794"]


def apply_theme() -> None:
    sns.set_theme(style="whitegrid", palette=PALETTE, rc={"figure.dpi": 100, "axes.titleweight": "bold"})


apply_theme()


def new_figure(width: float = 9, height: float = 3.8) -> tuple[Figure, plt.Axes]:
    """A pyplot figure with one axes (for seaborn-drawn charts)."""
    figure, axes = plt.subplots(figsize=(width, height))
    return figure, axes


def figure_grid(rows: int = 1, columns: int = 1, width: float = 10,
                height: float = 3.6) -> tuple[Figure, list]:
    """A constrained-layout figure of `rows` x `columns` axes (height per row), outside pyplot's state:
    nothing to close, nothing shown twice."""
    figure = Figure(figsize=(width, height * rows), layout="constrained")
    axes = [figure.add_subplot(rows, columns, i + 1) for i in range(rows * columns)]
    return figure, axes


def percent_axis(axes: plt.Axes) -> None:
    """Fractions on the y axis as percentages, from zero (or below) with a little headroom."""
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    low, high = axes.get_ylim()
    axes.set_ylim(min(0.0, low), high + 0.05 * (high - min(0.0, low)))


def amount_axis(axes: plt.Axes) -> None:
    """Plain numbers with a thin-space thousands separator (no 1e6 offset)."""
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", " ")))

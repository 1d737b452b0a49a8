"""One look for every chart of the report: a seaborn theme, a palette, and the shared chart builders."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

PALETTE = ["#2f6690", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#3a7ca5", "#7b8794"]


def apply_theme() -> None:
    sns.set_theme(style="whitegrid", palette=PALETTE, rc={"figure.dpi": 100, "axes.titleweight": "bold"})


apply_theme()


def new_figure(width: float = 9, height: float = 3.8) -> tuple[Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=(width, height))
    return figure, axes


def monthly_volume(volume: pd.DataFrame) -> Figure:
    """Bars of checks per month; months flagged as possible gaps in red."""
    figure, axes = new_figure()
    labels = volume["month"].astype(str)
    colors = [PALETTE[1] if gap else PALETTE[0] for gap in volume["possible_gap"]]
    axes.bar(labels, volume["checks"], color=colors)
    axes.set_xlabel("")
    axes.set_ylabel("checks")
    axes.tick_params(axis="x", rotation=90)
    sns.despine(figure)
    figure.tight_layout()
    return figure

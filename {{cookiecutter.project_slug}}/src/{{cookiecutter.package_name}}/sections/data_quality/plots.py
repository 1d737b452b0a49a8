"""The data-quality section's chart: checks per month, possible gaps in the export marked."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ...core.plots import PALETTE, new_figure


def monthly_volume(volume: pd.DataFrame) -> Figure:
    """Bars of checks per month (`metrics.monthly_volume`); months flagged as possible gaps in red."""
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

"""The CLV section's charts (matplotlib figures outside pyplot's state; words in English, translated
with the section's labels in a Russian run)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ...core.plots import PALETTE, figure_grid
from .models.base import MODEL_LABELS

WIDTH, HEIGHT = 10, 3.8
MEMBERSHIP_TITLE = "Mean CLV: members vs non-members"


def plot_holdout(by_frequency: pd.DataFrame) -> Figure:
    """Mean holdout purchases per customer by calibration frequency: actual bars, model lines."""
    fig, (ax,) = figure_grid(1, 1, WIDTH, HEIGHT)
    positions = np.arange(len(by_frequency))
    ax.bar(positions, by_frequency["actual"], color=PALETTE[6], alpha=0.6, label="actual")
    models = [c for c in by_frequency.columns if c.startswith("predicted_")]
    for i, column in enumerate(models):
        key = column.removeprefix("predicted_")
        ax.plot(positions, by_frequency[column], marker="o", color=PALETTE[i],
                label=MODEL_LABELS.get(key, key))
    ax.set_xticks(positions, by_frequency["frequency"])
    ax.set(xlabel="repeat purchases in the calibration period",
           ylabel="purchases per customer in the holdout",
           title="Holdout: predicted vs actual purchases by calibration frequency")
    ax.legend()
    return fig


def plot_tracking(tracking: pd.DataFrame, calibration_end: Any) -> Figure:
    """Weekly cumulative repeat purchases, actual vs models; the calibration end marked."""
    fig, (ax,) = figure_grid(1, 1, WIDTH, HEIGHT)
    ax.plot(tracking["date"], tracking["actual"], color="black", linewidth=2, label="actual")
    for i, key in enumerate(c for c in tracking.columns if c not in ("date", "actual")):
        ax.plot(tracking["date"], tracking[key], linestyle="--", color=PALETTE[i],
                label=MODEL_LABELS.get(key, key))
    ax.axvline(pd.Timestamp(calibration_end), color=PALETTE[6], linestyle=":")
    ax.annotate(" calibration end", (pd.Timestamp(calibration_end), 0), color=PALETTE[6],
                xycoords=("data", "axes fraction"), va="bottom")
    ax.set(ylabel="cumulative repeat purchases", xlabel="",
           title="Tracking: cumulative repeat purchases of the calibration customers")
    ax.legend()
    return fig


def plot_clv_distribution(clv: pd.DataFrame) -> Figure:
    """Histogram of CLV (up to its 99th percentile) and the share of total CLV by top customers."""
    fig, (left, right) = figure_grid(1, 2, WIDTH, HEIGHT)
    values = clv["clv"].to_numpy(float)
    if values.size:
        cap = float(np.quantile(values, 0.99))
        left.hist(np.minimum(values, cap), bins=50, color=PALETTE[0])
        left.set(xlabel="CLV (values above the 99th percentile in the last bar)", ylabel="customers",
                 title="CLV per customer")
        ordered = np.sort(values)[::-1]
        total = ordered.sum()
        if total > 0:
            share = np.cumsum(ordered) / total
            right.plot(np.arange(1, ordered.size + 1) / ordered.size, share, color=PALETTE[1])
        right.plot([0, 1], [0, 1], color=PALETTE[6], linestyle=":")
        right.set(xlabel="share of customers (highest CLV first)", ylabel="share of total CLV",
                  title="Concentration of value")
    return fig


def plot_clv_by_group(table: pd.DataFrame, title: str = MEMBERSHIP_TITLE) -> Figure:
    """Mean CLV per group (bars, labelled with the group), each bar topped by the group's share of
    total CLV."""
    fig, (ax,) = figure_grid(1, 1, WIDTH, 3.2)
    bars = ax.bar(table["group"].astype(str).tolist(), table["mean_clv"], color=PALETTE[: len(table)])
    ax.bar_label(bars, labels=[f"{share:.0%}" for share in table["clv_share"]], padding=2)
    ax.set(ylabel="mean CLV per customer", xlabel="share of total CLV above the bars", title=title)
    return fig

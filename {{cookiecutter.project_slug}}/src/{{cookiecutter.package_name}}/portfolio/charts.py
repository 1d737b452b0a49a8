"""The card's strip chart: one dot per comparable program on the KPI's axis, the middle half shaded,
the median marked, the client's own program highlighted; embedded as a PNG data URI."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..core.plots import PALETTE
from .ranks import Distribution

OTHERS, YOU, BAND = "#7b8794", PALETTE[1], "#dbe7f0"


def strip_chart(values: Sequence[float], own: float, distribution: Distribution,
                tick: Callable[[float], str], words: tuple[str, str]) -> str:
    """A PNG data URI: `values` (every comparable program's, `own` among them) as dots, jittered
    vertically by a fixed seed; `tick` formats the axis, `words` = (own label, others label)."""
    figure = Figure(figsize=(6.4, 1.35), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.axvspan(distribution.q1, distribution.q3, color=BAND, zorder=0)
    axes.axvline(distribution.median, color=PALETTE[0], linewidth=1.5, zorder=1)
    others = list(values)
    if own in others:
        others.remove(own)
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, len(others))
    axes.scatter(others, jitter, s=36, color=OTHERS, alpha=0.8, label=words[1], zorder=2)
    axes.scatter([own], [0], s=110, marker="D", color=YOU, label=words[0], zorder=3)
    axes.set_ylim(-0.6, 0.6)
    axes.set_yticks([])
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: tick(v)))
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 0.1
    axes.set_xlim(low - pad, high + pad)
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

"""The uplift section's charts (functions returning matplotlib figures; words in English, translated
when shown through the labels registered in `texts`)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ...core.membership import MEMBERS
from ...core.plots import new_figure
from .member_effect import CONTROLS


def event_study_figure(study: pd.DataFrame) -> Figure:
    """Spend per customer by 30-day period around joining, members vs matched controls."""
    figure, axis = new_figure()
    axis.plot(study["days_from"], study[MEMBERS], marker="o", label=MEMBERS)
    axis.plot(study["days_from"], study[CONTROLS], marker="o", label="matched controls")
    axis.axvline(0, color="grey", linestyle="--", linewidth=1)
    axis.set_xlabel("days from joining (start of period)")
    axis.set_ylabel("spend per customer")
    axis.legend()
    return figure


def qini_figure(curves: dict[str, pd.DataFrame]) -> Figure:
    """Qini curves (incremental revenue by share targeted) of the rankings given, and random targeting."""
    figure, axis = new_figure()
    for name, curve in curves.items():
        axis.plot(curve["share"], curve["qini"], label=name)
    last = next(iter(curves.values()))
    axis.plot([0.0, 1.0], [0.0, float(last["qini"].iloc[-1])], color="grey", linestyle="--", label="random")
    axis.set_xlabel("share of customers targeted")
    axis.set_ylabel("incremental revenue")
    axis.legend()
    return figure

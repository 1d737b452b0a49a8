"""Charts of the program section; each returns a new Figure (the run shows, saves and closes it).

Their words are English labels (`texts.LABELS` has them in Russian): the run translates a figure's
words into the report's language when it shows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ...core.membership import ANONYMOUS, IDENTIFIED, MEMBERS, NON_MEMBERS
from ...core.plots import PALETTE, amount_axis, figure_grid, percent_axis

GROUP_LABELS = {MEMBERS: "members", NON_MEMBERS: "identified non-members", ANONYMOUS: "anonymous",
                IDENTIFIED: "identified customers"}


def _figure(rows: int = 1, height: float = 3.6) -> tuple[Figure, list]:
    return figure_grid(rows, 1, width=10, height=height)


def plot_members(members: pd.DataFrame, active: pd.DataFrame) -> Figure:
    """New members per month by origin (bars) and members vs active members (lines)."""
    fig, (top, bottom) = _figure(2)
    width = 20
    top.bar(members["month"], members["new_from_existing"], width=width, color=PALETTE[0],
            label="existing customers")
    top.bar(members["month"], members["new_from_new"], width=width, color=PALETTE[2],
            bottom=members["new_from_existing"], label="new customers")
    top.set(title="New members per month, by origin", ylabel="members")
    top.legend()
    long = pd.concat([
        members[["month"]].assign(value=members["cumulative_members"], series="members"),
        active[["month"]].assign(value=active["active_members"], series="active members"),
    ])
    sns.lineplot(data=long, x="month", y="value", hue="series", marker="o", ax=bottom)
    bottom.legend(title=None)
    bottom.set(title="Members and active members at month end", ylabel="customers", xlabel="")
    return fig


def plot_member_share(share: pd.DataFrame) -> Figure:
    """Member share of checks and of revenue per month; flagged months marked in red."""
    fig, (ax,) = _figure()
    long = share.melt(id_vars="month", value_vars=["transaction_share", "revenue_share"],
                      var_name="share", value_name="value")
    long["share"] = long["share"].map({"transaction_share": "of checks", "revenue_share": "of revenue"})
    sns.lineplot(data=long, x="month", y="value", hue="share", marker="o", ax=ax)
    top = float(long["value"].max()) if long["value"].notna().any() else 1.0
    ax.set_ylim(0, min(1.0, top * 1.2) or 1.0)
    for column in ("transaction_share", "revenue_share"):
        flagged = share.loc[share[f"{column}_anomaly"]]
        ax.scatter(flagged["month"], flagged[column], s=120, facecolors="none", edgecolors=PALETTE[1],
                   linewidths=2, zorder=5, label="sharp deviation" if column == "transaction_share" else None)
    ax.set(title="Member share of checks and revenue", ylabel="share", xlabel="")
    percent_axis(ax)
    ax.legend()
    return fig


def plot_check_metrics(monthly: pd.DataFrame) -> Figure:
    """Average check, frequency and items per check per month: members vs non-members vs anonymous."""
    fig, axes = _figure(3, 3.0)
    titles = {"avg_check": "Average check", "frequency": "Checks per buying customer per month",
              "items_per_check": "Items per check"}
    for ax, (column, title) in zip(axes, titles.items(), strict=True):
        data = monthly.dropna(subset=[column])
        data = data.assign(buyers=data["buyer_group"].map(GROUP_LABELS))
        order = [GROUP_LABELS[g] for g in GROUP_LABELS if g in set(data["buyer_group"])]
        if len(data):
            sns.lineplot(data=data, x="month", y=column, hue="buyers", hue_order=order,
                         marker="o", ax=ax)
            ax.legend(title=None)
        ax.set(title=title, ylabel="", xlabel="")
        if column == "avg_check":
            amount_axis(ax)
    return fig


def plot_points(points: pd.DataFrame) -> Figure:
    """Points accrued / redeemed / expired per month, cumulative rates, and liability."""
    fig, (top, middle, bottom) = _figure(3, 3.0)
    active = points[["accrued", "redeemed", "expired", "balance"]].fillna(0).abs().sum(axis=1) > 0
    if active.any():  # from the first month with any points activity
        points = points.loc[active.idxmax():]
    long = points.melt(id_vars="month", value_vars=["accrued", "redeemed", "expired"],
                       var_name="flow", value_name="points").dropna()
    long["month"] = long["month"].dt.strftime("%Y-%m")
    sns.barplot(data=long, x="month", y="points", hue="flow", ax=top)
    top.tick_params(axis="x", labelrotation=90)
    top.set(title="Points per month", xlabel="")
    top.legend(title=None)
    amount_axis(top)
    rates = points.melt(id_vars="month",
                        value_vars=["cumulative_redemption_rate", "cumulative_breakage_rate"],
                        var_name="rate", value_name="value").dropna()
    rates["rate"] = rates["rate"].map({"cumulative_redemption_rate": "redeemed / accrued",
                                       "cumulative_breakage_rate": "expired / accrued"})
    if len(rates):
        sns.lineplot(data=rates, x="month", y="value", hue="rate", marker="o", ax=middle)
        middle.legend(title=None)
    middle.set(title="Cumulative redemption and breakage rates since the period start",
               ylabel="", xlabel="")
    percent_axis(middle)
    if points["liability"].notna().any():
        sns.lineplot(data=points, x="month", y="liability", marker="o", ax=bottom)
    bottom.set(title="Outstanding points liability at month end (balance x point value)",
               xlabel="", ylabel="money")
    amount_axis(bottom)
    return fig


def plot_rate(
    table: pd.DataFrame, column: str, title: str, percent: bool = True,
    limits: tuple[float, float] | None = None,
) -> Figure:
    """A single monthly rate as a line (effective accrual rate, awareness, CSAT, ...); `limits`
    fixes the y range (e.g. (1, 5) for CSAT)."""
    fig, (ax,) = _figure()
    data = table.dropna(subset=[column])
    sns.lineplot(data=data, x="month", y=column, marker="o", ax=ax)
    ax.set(title=title, ylabel="", xlabel="")
    if percent:
        percent_axis(ax)
    else:
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    if limits is not None:
        ax.set_ylim(*limits)
    return fig


def plot_unsubscribes(monthly: pd.DataFrame) -> Figure:
    """Opt-outs per month (bars) and the cumulative share of members who opted out (line)."""
    fig, (top, bottom) = _figure(2, 3.0)
    top.bar(monthly["month"], monthly["unsubscribes"], width=20, color=PALETTE[0])
    top.set(title="Opt-outs from mailings per month", ylabel="customers")
    sns.lineplot(data=monthly.dropna(subset=["cumulative_unsubscribe_rate"]), x="month",
                 y="cumulative_unsubscribe_rate", marker="o", ax=bottom)
    bottom.set(title="Share of members who have opted out", ylabel="", xlabel="")
    percent_axis(bottom)
    return fig


def plot_nps(monthly: pd.DataFrame) -> Figure:
    """Monthly NPS (-100..100) with its 95% interval, and the shares of each answer group."""
    fig, (top, bottom) = _figure(2)
    data = monthly.dropna(subset=["score"])
    top.fill_between(data["month"], data["ci_low"] * 100, data["ci_high"] * 100, alpha=0.25,
                     label="95% interval")
    sns.lineplot(x=data["month"], y=data["score"] * 100, marker="o", ax=top, label="NPS")
    top.axhline(0, color="grey", linewidth=0.8)
    top.set(title="NPS per month", ylabel="NPS", xlabel="")
    base = np.zeros(len(data))
    for column, color in (("detractors", PALETTE[1]), ("passives", PALETTE[6]),
                          ("promoters", PALETTE[3])):
        bottom.bar(data["month"], data[column], width=20, bottom=base, color=color, label=column)
        base = base + data[column].to_numpy(dtype=float)
    bottom.set(title="Answer composition", xlabel="")
    percent_axis(bottom)
    bottom.legend(loc="upper left")
    return fig


def plot_motives(monthly: pd.DataFrame) -> Figure:
    """Monthly shares of motives for joining (value / brand / other)."""
    fig, (ax,) = _figure()
    long = monthly.melt(id_vars="month", value_vars=["value", "brand", "other"],
                        var_name="motive", value_name="share").dropna()
    sns.lineplot(data=long, x="month", y="share", hue="motive", marker="o", ax=ax)
    ax.set(title="Why members take part", ylabel="share of answers", xlabel="")
    percent_axis(ax)
    return fig


def plot_participation(tiers: pd.DataFrame) -> Figure:
    """Participation rate by pre-launch spend tier."""
    fig, (ax,) = _figure()
    sns.barplot(data=tiers, x="tier", y="participation_rate", order=["low", "middle", "high"], ax=ax)
    ax.set(title="Share of customers who joined, by spend before launch", ylabel="joined",
           xlabel="spend tier (thirds)")
    percent_axis(ax)
    return fig


def plot_monthly_yoy(yoy: pd.DataFrame) -> Figure:
    """Net revenue per month against the same month a year earlier (months with a comparison
    only, when there are any)."""
    fig, (ax,) = _figure()
    compared = yoy.dropna(subset=["revenue_year_ago"])
    long = (compared if len(compared) else yoy).melt(
        id_vars="month", value_vars=["revenue", "revenue_year_ago"], var_name="series",
        value_name="amount").dropna()
    long["series"] = long["series"].map({"revenue": "this year", "revenue_year_ago": "a year earlier"})
    sns.lineplot(data=long, x="month", y="amount", hue="series", marker="o", ax=ax)
    ax.set(title="Revenue per month vs the same month a year earlier", ylabel="revenue", xlabel="")
    ax.legend(title=None)
    amount_axis(ax)
    return fig

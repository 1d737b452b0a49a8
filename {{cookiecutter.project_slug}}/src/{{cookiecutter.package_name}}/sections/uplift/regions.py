"""Regions that launched the program vs regions not launched yet: ratio difference-in-differences.

Where the program started in some regions before others, the launched regions' revenue is compared
with their own revenue before the launch, grown as the not-yet-launched regions' revenue grew, with a
bootstrap interval over customers (`regional_did`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ...core.checks import as_identified
from ...core.membership import join_dates
from ...core.numbers import percentile_interval, relative_change
from ...text.catalogue import Text
from .checks import Checks, exact_parts, exact_total
from .member_effect import NO_ESTIMATE
from .settings import Settings

CELLS = ("T_pre", "T_post", "C_pre", "C_post")


def launch_dates_by_region(customers: pd.DataFrame | None, configured: Mapping[str, Any] | None = None,
                           transactions: pd.DataFrame | Checks | None = None) -> dict[str, pd.Timestamp]:
    """Launch day of the program per region: the configured dates, else the first join day per region.

    Derived dates: the earliest join day (`core.membership.join_dates` of the customers, and of
    `transactions` when the customers have no join dates) over the customers of each region
    (customers.region); a region without members has no launch date (it never launched within the data).
    """
    if configured:
        return {str(k): pd.Timestamp(v).normalize() for k, v in configured.items()}
    if customers is None or "region" not in customers.columns:
        return {}
    joins = join_dates(customers) if transactions is None else Checks.of(transactions).join_dates(customers)
    if joins is None:
        return {}
    known = customers.dropna(subset=["customer_id", "region"])
    home = known.groupby(known["customer_id"].astype("string"))["region"].first()
    first = joins.groupby(home.reindex(joins.index)).min()
    return {str(k): pd.Timestamp(v).normalize() for k, v in first.items()}


def _home_regions(customers: pd.DataFrame | None) -> pd.Series | None:
    """Each customer's home region (customers.region; the first row of an id), None without one."""
    if customers is None or "region" not in customers.columns:
        return None
    return customers.assign(customer_id=customers["customer_id"].astype(str)).drop_duplicates(
        "customer_id").set_index("customer_id")["region"]


def _with_region(checks: pd.DataFrame, home: pd.Series | None) -> pd.DataFrame:
    """Checks with day, amount, region (the check's, or with `home` the customer's home region) and
    customer_id; checks without a region left out."""
    if home is None:
        out = checks[["date", "amount", "region", "customer_id"]].dropna(subset=["region"])
        out = out.assign(day=out["date"].dt.normalize())
    else:
        ident = as_identified(checks)
        out = ident.assign(region=ident["customer_id"].map(home)).dropna(subset=["region"])
    return out.assign(region=out["region"].astype(str))


def check_regions(checks: pd.DataFrame) -> set[str]:
    """The regions named on `checks` (a part: the union over chunks of all checks)."""
    return set(checks["region"].dropna().astype(str).unique())


def customer_ids(checks: pd.DataFrame) -> pd.DataFrame:
    """Per customer of the identified `checks`: their id."""
    return pd.DataFrame({"customer_id": checks["customer_id"].unique()})


def _launch_cells(checks: pd.DataFrame, day: pd.Timestamp, sides: tuple[list[str], list[str]],
                  window: pd.Timedelta, block_days: int) -> pd.DataFrame:
    """Unit, cell (``<day> T_pre`` ...) and amount of the checks of the treated / control regions in
    [day - W, day + W); a unit is an identified customer or a block of anonymous checks."""
    treated, controls = sides
    inside = (checks["day"] >= day - window) & (checks["day"] < day + window)
    part = checks[inside]
    side = np.where(part["region"].isin(treated), "T", np.where(part["region"].isin(controls), "C", ""))
    when = np.where(part["day"] < day, "pre", "post")
    block = np.floor_divide((part["day"] - day).dt.days, block_days)
    customer = part["customer_id"].astype(object)
    unit = customer.where(customer.notna(), "anonymous block " + block.astype(str))
    cell = pd.Series(side, index=part.index) + "_" + when
    return pd.DataFrame({"unit": unit.astype(str).to_numpy(), "cell": f"{day.date()} " + cell.to_numpy(),
                         "amount": part["amount"].to_numpy()})[side != ""]


@dataclass(frozen=True)
class _Plan:
    """What the cells are made of: the launch days with their (treated, control) regions, the window,
    the anonymous blocks' length and the home regions (None: the checks' own regions)."""

    days: tuple[tuple[pd.Timestamp, tuple[list[str], list[str]]], ...]
    window: pd.Timedelta
    block_days: int
    home: pd.Series | None


def _cells(checks: pd.DataFrame, plan: _Plan, anonymous: bool) -> pd.DataFrame:
    rows = _with_region(checks, plan.home)
    rows = rows[rows["customer_id"].isna() if anonymous else rows["customer_id"].notna()]
    frames = [_launch_cells(rows, day, sides, plan.window, plan.block_days) for day, sides in plan.days]
    return pd.concat(frames, ignore_index=True)


def customer_cells(checks: pd.DataFrame, plan: _Plan) -> pd.DataFrame:
    """Per customer of `checks`: their sum in every cell (unit, cell, amount)."""
    return _cells(checks, plan, anonymous=False).groupby(["unit", "cell"])["amount"].sum().reset_index()


def anonymous_cells(checks: pd.DataFrame, plan: _Plan) -> pd.Series:
    """The anonymous checks of `checks` (a chunk): the exact parts (`checks.exact_parts`) of each
    (block unit, cell)'s sum."""
    cells = _cells(checks, plan, anonymous=True)
    groups = cells.groupby(["unit", "cell"])["amount"]
    parts = {key: exact_parts(group.to_numpy(float)) for key, group in groups}
    keys = list(parts) or [("", "")]
    index = pd.MultiIndex.from_tuples(keys, names=["unit", "cell"])
    return pd.Series(list(parts.values()), index=index[:len(parts)], dtype=object)


def _plan(regions: set[str], launch_dates: Mapping[str, pd.Timestamp],
          period: tuple[pd.Timestamp, pd.Timestamp], window_days: int) -> list:
    """Each launch day with controls and a full window inside the period, and its sides."""
    start, end = pd.Timestamp(period[0]).normalize(), pd.Timestamp(period[1]).normalize()
    regions = sorted(regions | set(launch_dates))
    far = pd.Timestamp.max.normalize()
    launch = {r: launch_dates.get(r, far) for r in regions}
    w = pd.Timedelta(days=window_days)
    days = []
    for day in sorted({d for d in launch.values() if d != far}):
        sides = ([r for r in regions if launch[r] == day], [r for r in regions if launch[r] >= day + w])
        if sides[1] and day - w >= start and day + w <= end + pd.Timedelta(days=1):
            days.append((day, sides))
    return days


def _unit_matrix(checks: Checks, plan: _Plan) -> pd.DataFrame:
    """Units x cells sums: customers' from their own checks (bucket by bucket for a big client), the
    anonymous blocks' added up exactly over chunks of all checks."""
    columns = ["customer_id", "date", "amount", "region"]
    if plan.home is None:
        rows = [checks.per_customer_checks(partial(customer_cells, plan=plan), columns)]
        parts = pd.concat(checks.chunks(partial(anonymous_cells, plan=plan), columns))
        sums = {key: exact_total(group) for key, group in parts.groupby(level=["unit", "cell"])}
        rows.append(pd.DataFrame([(*key, value) for key, value in sums.items()],
                                 columns=["unit", "cell", "amount"]))
    else:
        rows = [checks.per_customer(partial(customer_cells, plan=plan))]
    return pd.concat(rows, ignore_index=True).pivot_table(index="unit", columns="cell", values="amount",
                                                          aggfunc="sum", fill_value=0.0)


def _cohort_row(total: pd.Series, day: pd.Timestamp, sides: tuple[list[str], list[str]]) -> dict[str, Any]:
    """The four sums of one launch day and its own estimate."""
    pick = {k: float(total.get(f"{day.date()} {k}", 0.0)) for k in CELLS}
    return {"launch_date": day, "treated_regions": ", ".join(sides[0]),
            "control_regions": ", ".join(sides[1]),
            "pre_treated": pick["T_pre"], "post_treated": pick["T_post"],
            "pre_controls": pick["C_pre"], "post_controls": pick["C_post"],
            "estimate": relative_change(pick["T_post"], pick["T_pre"] * pick["C_post"] / pick["C_pre"])
            if pick["C_pre"] else None}


def _stacked_effect(rows: list[dict[str, Any]], matrix: pd.DataFrame, bootstrap_samples: int,
                    seed: int) -> tuple[float, np.ndarray]:
    """The stacked estimate and its bootstrap replicates over units (rows of a units x cells matrix:
    the cohorts' four sums are its column sums)."""
    names = [str(row["launch_date"].date()) for row in rows]
    cols = {k: [matrix.columns.get_loc(f"{n} {k}") if f"{n} {k}" in matrix.columns else None for n in names]
            for k in CELLS}
    values = matrix.to_numpy(float)

    def stat(sums: np.ndarray) -> float:
        get = {k: np.array([sums[c] if c is not None else 0.0 for c in v]) for k, v in cols.items()}
        return get["T_post"].sum() / (get["T_pre"] * get["C_post"] / get["C_pre"]).sum() - 1.0

    rng = np.random.default_rng(seed)
    n = values.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = np.array([stat(values[rng.integers(0, n, n)].sum(axis=0)) for _ in range(bootstrap_samples)])
        estimate = stat(values.sum(axis=0))
    return estimate, boot


def _regions(checks: Checks, home: pd.Series | None) -> tuple[set[str] | None, bool]:
    """The regions of the checks and whether they are the checks' own: their own (every check), else
    the customers' home regions; None when neither is known."""
    if "region" in checks.columns:
        named = set().union(*checks.chunks(check_regions, ["region"]))
        if named:
            return named, True
    if home is None:
        return None, False
    ids = checks.per_customer(customer_ids)["customer_id"].astype(str)
    return set(ids.map(home).dropna().astype(str)), False


def regional_did(transactions: pd.DataFrame | Checks, customers: pd.DataFrame | None,
                 launch_dates: Mapping[str, pd.Timestamp], period: tuple[pd.Timestamp, pd.Timestamp],
                 settings: Settings | None = None, block_days: int = 7) -> dict[str, Any]:
    """Regions that launched the program vs regions not launched yet: ratio difference-in-differences.

    Revenue of a region = net amount of all its checks (anonymous included; the check's region, else
    the customer's home region). For each launch day L, *treated* regions launched on L and
    *controls* are regions that launch on or after L + W or never (W = settings.window_days);
    pre = [L - W, L), post = [L, L + W), both inside the period. Stacked over launch days:
    effect = sum_L post_T / sum_L (pre_T * post_C / pre_C) - 1, the relative change of the launched
    regions' revenue against their own pre revenue grown as the controls' revenue grew.
    95% CI: percentile bootstrap (settings.bootstrap_samples, settings.random_seed) over units, a unit
    being an identified customer (all their checks in the four cells move together, so the drift of a
    region's finite customer base is in the interval) or the anonymous checks of one
    ``block_days``-day block. It ignores region-level shocks other than the program (a store opening,
    a local competitor): with few regions treat it as optimistic.
    Returns estimate, ci_low, ci_high, cohorts (table per launch day) and reason (None, or a `Text`:
    why the estimate is missing).
    The units x cells sums: a customer's from their own checks (`customer_cells`, bucket by bucket for
    a big client), an anonymous block's added up exactly over chunks of all checks (`anonymous_cells`);
    the cohorts' sums are the matrix's column sums, so both kinds of client give the same numbers.
    """
    settings = settings or Settings()
    empty: dict[str, Any] = {**NO_ESTIMATE, "cohorts": None, "reason": None}
    checks = Checks.of(transactions)
    home = _home_regions(customers)
    regions, own = _regions(checks, home)
    if regions is None:
        return {**empty, "reason": Text("uplift.reason.no_region")}
    if not launch_dates:
        return {**empty, "reason": Text("uplift.reason.no_launch_dates")}
    days = _plan(regions, launch_dates, period, settings.window_days)
    if not days:
        return {**empty, "reason": Text("uplift.reason.no_staggered_launch", {"days": settings.window_days})}
    plan = _Plan(tuple(days), pd.Timedelta(days=settings.window_days), block_days, None if own else home)
    matrix = _unit_matrix(checks, plan)
    total = matrix.sum(axis=0)
    rows = [_cohort_row(total, day, sides) for day, sides in days]
    estimate, boot = _stacked_effect(rows, matrix, settings.bootstrap_samples, settings.random_seed)
    low, high = percentile_interval(boot)
    return {"estimate": float(estimate) if np.isfinite(estimate) else None, "ci_low": low,
            "ci_high": high, "cohorts": pd.DataFrame(rows), "reason": None}

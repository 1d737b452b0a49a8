"""Points: accrual, redemption, breakage, balance and liability; the effective accrual rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.membership import IDENTIFIED, MEMBERS
from ...core.numbers import finite, ratio
from .dates import end_exclusive, months_between
from .shares import sums_of
from .totals import by_month, check_totals, window

POINT_KINDS = ("accrual", "redemption", "expiry", "adjustment")
LEDGER_COLUMNS = ("date", "kind", "points")  # what the section reads of the points ledger


def points_monthly_from_ledger(
    points: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, point_value: float
) -> pd.DataFrame:
    """Monthly points flows, rates and outstanding balance from the points ledger.

    Definitions (one set, used everywhere; points are positive magnitudes):
    accrued / redeemed / expired / adjusted(m) = points of that kind dated in month m (within the
    analysed period); other kinds are ignored;
    redemption_rate(m) = redeemed(m) / accrued(m);
    cumulative_redemption_rate(m) = sum of redeemed / sum of accrued from the period start to m;
    breakage_rate(m) = expired(m) / accrued(m); cumulative_breakage_rate likewise cumulative
    (expiry lags accrual, so breakage of recent months is still incomplete);
    balance(m) = all accruals + adjustments - redemptions - expiries in the ledger up to the end of m
    (the whole ledger history, not only the analysed period; adjustments count as credits);
    liability(m) = balance(m) x point_value (money the program owes its members).
    """
    # sums by month and kind through one whole-number key made in place over the ledger's arrays: a
    # 100M-check client's ledger holds 24M rows, and a copy of it grouped by its month and kind columns
    # (kinds as text) took 1.7 GiB at once, the program section's peak
    dates = points["date"].to_numpy()
    kind = np.full(len(points), -1, dtype=np.int8)
    for code, name in enumerate(POINT_KINDS):  # other kinds are ignored
        kind[(points["kind"] == name).to_numpy(bool, na_value=False)] = code
    rows = (dates < end_exclusive(end).to_datetime64()) & (kind >= 0)
    key = dates.astype("datetime64[M]").astype(np.int64)
    first_month = key[rows].min() if rows.any() else 0
    key -= first_month
    key *= len(POINT_KINDS)
    key += kind
    del kind
    left_out = -1  # the key of rows outside the sums (its group is dropped)
    key[~rows] = left_out
    amount = points["points"].to_numpy(float)
    months = months_between(start, end)

    def by_kind(index: pd.DatetimeIndex) -> pd.DataFrame:
        sums = pd.Series(amount).groupby(key).sum().drop(left_out, errors="ignore")  # rows in order
        if sums.empty:
            return pd.DataFrame(0.0, index=index, columns=list(POINT_KINDS))
        number, code = np.divmod(sums.index.to_numpy(), len(POINT_KINDS))
        at = (number + first_month).astype("datetime64[M]").astype(index.dtype)
        table = pd.Series(sums.to_numpy(), index=pd.MultiIndex.from_arrays(
            [at, np.asarray(POINT_KINDS)[code]], names=["month", "kind"])).unstack("kind")
        return table.reindex(index=index, columns=list(POINT_KINDS), fill_value=0.0).fillna(0.0)

    first = np.datetime64(int(first_month), "M")
    history_start = min(pd.Timestamp(first), months[0]) if rows.any() else months[0]
    history = by_kind(months_between(history_start, end))
    balance = (
        history["accrual"] + history["adjustment"] - history["redemption"] - history["expiry"]
    ).cumsum()
    key[dates < start.normalize().to_datetime64()] = left_out  # the period's flows only
    flows = by_kind(months)
    out = pd.DataFrame({"month": months})
    out["accrued"] = flows["accrual"].to_numpy()
    out["redeemed"] = flows["redemption"].to_numpy()
    out["expired"] = flows["expiry"].to_numpy()
    out["adjusted"] = flows["adjustment"].to_numpy()
    out["balance"] = balance.reindex(months).to_numpy()
    return _points_rates(out, point_value)


def points_monthly_from_transactions(
    transactions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, point_value: float
) -> pd.DataFrame:
    """Fallback without a ledger: points flows from the checks' points_earned / points_redeemed.

    accrued(m) = sum of points_earned on checks of month m; redeemed(m) = sum of points_redeemed;
    redemption rates as in `points_monthly_from_ledger`. Expiry, breakage, balance and liability are
    unknown without a ledger (NaN): checks carry no expiry and no points granted outside purchases.
    (`points_monthly_from_sums` of the checks' day sums.)
    """
    sums = check_totals(transactions, None)
    return points_monthly_from_sums(window(sums.days, start, end), sums.columns, start, end, point_value)


def points_monthly_from_sums(sums: pd.DataFrame, columns: tuple[str, ...], start: pd.Timestamp,
                             end: pd.Timestamp, point_value: float) -> pd.DataFrame:
    """`points_monthly_from_transactions` from the day sums of the period's checks (`totals.window`;
    `columns`: the checks' columns)."""
    months = months_between(start, end)
    out = pd.DataFrame({"month": months})
    for column, total, name in (("points_earned", "earned_rows", "accrued"),
                                ("points_redeemed", "redeemed_rows", "redeemed")):
        out[name] = by_month(sums, months, total).astype(float) if column in columns else np.nan
    out["expired"] = np.nan
    out["adjusted"] = np.nan
    out["balance"] = np.nan
    return _points_rates(out, point_value)


def _points_rates(out: pd.DataFrame, point_value: float) -> pd.DataFrame:
    accrued = out["accrued"].where(out["accrued"] > 0)
    cumulative_accrued = out["accrued"].cumsum()
    cumulative_accrued = cumulative_accrued.where(cumulative_accrued > 0)
    out["redemption_rate"] = out["redeemed"] / accrued
    out["cumulative_redemption_rate"] = out["redeemed"].cumsum() / cumulative_accrued
    out["breakage_rate"] = out["expired"] / accrued
    out["cumulative_breakage_rate"] = out["expired"].cumsum() / cumulative_accrued
    out["liability"] = out["balance"] * float(point_value)
    return out


def points_summary(monthly: pd.DataFrame) -> dict[str, float | None]:
    """Period totals of a points table (from either builder).

    redemption_rate = total redeemed / total accrued over the analysed period;
    breakage_rate = total expired / total accrued; balance and liability at the period end.
    """
    last = monthly.iloc[-1] if len(monthly) else pd.Series(dtype=float)
    accrued = monthly["accrued"].sum(min_count=1)
    return {
        "accrued": finite(accrued),
        "redeemed": finite(monthly["redeemed"].sum(min_count=1)),
        "expired": finite(monthly["expired"].sum(min_count=1)),
        "redemption_rate": ratio(monthly["redeemed"].sum(min_count=1), accrued),
        "breakage_rate": ratio(monthly["expired"].sum(min_count=1), accrued),
        "balance": finite(last.get("balance")),
        "liability": finite(last.get("liability")),
    }


def effective_accrual_rate(
    checks: pd.DataFrame, point_value: float, ledger_accrued: float | None = None
) -> float | None:
    """Effective accrual rate: the cashback the program really gives where it is used.

    With points on checks: rate = sum(points_earned) x point_value / sum(amount) over the program's
    checks (amount > 0): checks with loyalty_card == True when that column exists, else member checks
    (else, with membership unknown, checks that earned points); a missing points_earned counts as 0.
    Without points_earned but with a ledger: rate = ledger accruals of the period (`ledger_accrued`)
    x point_value / sales of those checks (an upper bound if the ledger also holds welcome or
    birthday bonuses). None when neither source exists. (`accrual_rate_of` the checks' sums.)
    """
    return accrual_rate_of(sums_of(checks), tuple(checks.columns), point_value, ledger_accrued)


def accrual_rate_of(sums: pd.DataFrame, columns: tuple[str, ...], point_value: float,
                    ledger_accrued: float | None = None) -> float | None:
    """`effective_accrual_rate` from the day sums of the checks (`totals.window`; `columns`: the
    checks' columns)."""
    group = sums["buyer_group"]
    if "loyalty_card" in columns:
        base = "card"
    elif (sums.loc[group == IDENTIFIED, "checks"] > 0).any():  # membership unknown
        base = "points"
    else:
        base = "member"
    if base == "member":
        member = sums.loc[group == MEMBERS]
        checks, earned, sales = member["checks"].sum(), member["earned"].sum(), member["sales"].sum()
    else:
        checks, earned, sales = (sums[f"{base}_{k}"].sum() for k in ("checks", "earned", "sales"))
    if "points_earned" in columns:
        return ratio(earned * float(point_value), sales)
    if ledger_accrued is not None and checks > 0:
        return ratio(ledger_accrued * float(point_value), sales)
    return None


def effective_accrual_monthly(
    checks: pd.DataFrame, point_value: float, points: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    """`effective_accrual_rate` per month: from points on the checks, else from a monthly points
    table's ``accrued`` column (ledger); None when neither exists or no month has a rate."""
    return accrual_monthly_of(sums_of(checks), tuple(checks.columns), point_value, points)


def accrual_monthly_of(sums: pd.DataFrame, columns: tuple[str, ...], point_value: float,
                       points: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """`effective_accrual_monthly` from the day sums of the checks (`totals.window`)."""
    accrued = None
    if "points_earned" not in columns:
        if points is None:
            return None
        accrued = points.set_index("month")["accrued"]
    rows = []
    for month, frame in sums.groupby("month"):
        ledger = None if accrued is None else finite(accrued.get(month))
        rows.append({"month": month,
                     "effective_accrual_rate": accrual_rate_of(frame, columns, point_value, ledger)})
    out = pd.DataFrame(rows, columns=["month", "effective_accrual_rate"])
    out["effective_accrual_rate"] = out["effective_accrual_rate"].astype(float)
    return out if out["effective_accrual_rate"].notna().any() else None

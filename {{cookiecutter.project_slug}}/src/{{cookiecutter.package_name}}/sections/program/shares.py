"""Member share of checks and revenue: per month with flags of sharp deviations, and over a period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.membership import MEMBERS
from ...core.numbers import ratio
from .dates import months_between
from .totals import by_month, classified_totals
from .totals import window as totals_window


def flag_anomalies(
    values: pd.Series, window: int = 6, z_threshold: float = 3.0, min_deviation: float = 0.05,
    min_periods: int = 3,
) -> pd.DataFrame:
    """Flag values that deviate sharply from their rolling norm (robust rule, no look-ahead).

    norm(t) = median of the previous `window` values (t-window .. t-1; at least `min_periods`);
    scale(t) = 1.4826 x median absolute deviation of those values (a robust standard deviation);
    deviation(t) = value(t) - norm(t);
    anomaly(t) = |deviation| >= min_deviation AND |deviation| > z_threshold x scale.
    The first rule ignores tiny wiggles of a very stable series (scale near 0); the second ignores
    moves that are usual for this series. Values without enough history are never flagged.
    Returns a frame with columns norm, deviation, anomaly aligned with `values`.
    """
    previous = values.astype(float).shift(1)
    rolling = previous.rolling(window, min_periods=min_periods)
    norm = rolling.median()
    mad = rolling.apply(lambda x: np.nanmedian(np.abs(x - np.nanmedian(x))), raw=True)
    deviation = values.astype(float) - norm
    anomaly = (deviation.abs() >= min_deviation) & (deviation.abs() > z_threshold * 1.4826 * mad)
    return pd.DataFrame(
        {"norm": norm, "deviation": deviation, "anomaly": anomaly.fillna(False).astype(bool)},
        index=values.index,
    )


def member_share_monthly(
    checks: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    launch: pd.Timestamp | None = None,
    window: int = 6,
    z_threshold: float = 3.0,
    min_deviation: float = 0.05,
) -> pd.DataFrame:
    """Member share of transactions and of revenue per month, with anomaly flags.

    transaction_share(m) = member checks / all checks in month m (checks: amount > 0);
    revenue_share(m) = net amount of member rows / net amount of all rows in m (returns included).
    Each share gets <share>_norm / <share>_anomaly columns from `flag_anomalies`, computed only on
    months from the launch month on, with a full window of history (min_periods = window): the
    jump at launch and the ramp-up of the first `window` months build the norm and are not judged.
    `checks` comes from `classify_checks`; the table is `member_share_table` of its sums.
    """
    return member_share_table(sums_of(checks), start, end, launch, window, z_threshold, min_deviation)


def sums_of(checks: pd.DataFrame) -> pd.DataFrame:
    """The day sums (`totals.check_totals`) of classified checks, as a `totals.window` frame."""
    return totals_window(classified_totals(checks).days, None, None)


def member_share_table(
    sums: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    launch: pd.Timestamp | None = None,
    window: int = 6,
    z_threshold: float = 3.0,
    min_deviation: float = 0.05,
) -> pd.DataFrame:
    """`member_share_monthly` from the day sums of the period's checks (`totals.window`)."""
    months = months_between(start, end)
    member = sums.loc[sums["buyer_group"] == MEMBERS]
    out = pd.DataFrame({"month": months})
    out["checks"] = by_month(sums, months, "checks").astype("int64")
    out["member_checks"] = by_month(member, months, "checks").astype("int64")
    out["revenue"] = by_month(sums, months, "revenue").astype("float64")
    out["member_revenue"] = by_month(member, months, "revenue").astype("float64")
    out["transaction_share"] = out["member_checks"] / out["checks"].where(out["checks"] > 0)
    out["revenue_share"] = out["member_revenue"] / out["revenue"].where(out["revenue"] != 0)
    eligible = out["month"] >= (launch.to_period("M").to_timestamp() if launch is not None else months[0])
    for share in ("transaction_share", "revenue_share"):
        flags = flag_anomalies(
            out.loc[eligible, share], window, z_threshold, min_deviation, min_periods=window
        )
        out[f"{share}_norm"] = flags["norm"]
        out[f"{share}_anomaly"] = flags["anomaly"].reindex(out.index, fill_value=False).astype(bool)
    return out


def member_share(checks: pd.DataFrame) -> dict[str, float | None]:
    """Member share over the whole frame given (one period): `member_share_of` its sums.

    member_transaction_share = member checks / all checks (amount > 0);
    member_revenue_share = net amount of member rows / net amount of all rows.
    """
    return member_share_of(sums_of(checks))


def member_share_of(sums: pd.DataFrame) -> dict[str, float | None]:
    """`member_share` from the day sums of the checks (`totals.window`)."""
    member = sums["buyer_group"] == MEMBERS
    return {
        "member_transaction_share": ratio(sums.loc[member, "checks"].sum(), sums["checks"].sum()),
        "member_revenue_share": ratio(sums.loc[member, "revenue"].sum(), sums["revenue"].sum()),
    }

"""Calendar helpers of the program KPIs: days, months and the analysed period.

Dates are compared by calendar day; months are calendar months labelled by their first day, and
months cut by the analysed period are kept (shares and rates are unaffected; counts of a partial
month are smaller).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def timestamp(value: Any) -> pd.Timestamp | None:
    """Parse a date-like value (papermill passes dates as strings); None for empty values."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        return None
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def end_exclusive(end: pd.Timestamp) -> pd.Timestamp:
    """The first instant after the day `end` (the analysed period includes its whole last day)."""
    return end.normalize() + pd.Timedelta(days=1)


def between(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Whether each date falls on a day from `start` to `end` (both included)."""
    return (dates >= start.normalize()) & (dates < end_exclusive(end))


# the dtype pandas gives month starts (datetime64[us] in pandas 3, [ns] before): the fast path below
# returns the same values in the same dtype
_MONTH_DTYPE = pd.Series(pd.DatetimeIndex(["2000-01-15"])).dt.to_period("M").dt.to_timestamp().dtype


def month_start(dates: pd.Series) -> pd.Series:
    """First day of each date's calendar month (NaT stays NaT), named and indexed like `dates`."""
    values = dates.to_numpy()
    if values.dtype.kind != "M":  # time-zone aware or object values: the general (slower) path
        return dates.dt.to_period("M").dt.to_timestamp()
    days = values.astype("datetime64[D]")
    known = ~np.isnat(days)
    months = np.full(len(days), np.datetime64("NaT"), dtype=_MONTH_DTYPE)
    if known.any():  # month of every day of the span, looked up (faster than converting each date)
        numbers = days[known].astype("int64")
        first = numbers.min()
        span = np.arange(first, numbers.max() + 1).astype("datetime64[D]")
        months[known] = span.astype("datetime64[M]").astype(_MONTH_DTYPE)[numbers - first]
    return pd.Series(months, index=dates.index, name=dates.name)


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """First days of the calendar months that overlap [start, end]."""
    return pd.period_range(start, end, freq="M").to_timestamp()


def month_last_day(month: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    """Last day of `month`, capped at the period end."""
    return min(month + pd.offsets.MonthEnd(0), end.normalize())


def resolve_period(transactions: pd.DataFrame,
                   period: tuple[Any, Any] | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(start, end) of the analysed period: `period`'s days, else the first / last check's day."""
    start = timestamp(period[0]) if period else None
    end = timestamp(period[1]) if period else None
    if start is None:
        start = transactions["date"].min().normalize()
    if end is None:
        end = transactions["date"].max().normalize()
    return start, end

"""What the models see: purchase days of identified customers and their RFM summaries.

Rules
-----
* Customers: only identified checks (``customer_id`` present) count; anonymous checks are left out.
* Purchase occasions: a customer's checks are merged per calendar day, the day's net amount being the
  sum of its checks (a return on the day of the purchase nets against it). A day with a net amount
  >= 0 is a *purchase* (a zero-amount check is a visit: it counts, with spend 0, as in the CDNOW data
  the models were published on). Days with a net amount < 0 (a return on its own, or returns
  exceeding the day's purchases) are not purchases and count for nothing: not in frequency, recency
  or spend; they are counted (`PurchaseLog.return_days`). Returns made on a later day than the
  purchase are therefore not deducted from spend: CLV is gross of such returns (the data-quality
  section shows their size). Gamma-Gamma is fitted on repeat buyers with a positive mean spend.
* RFM in the models' (and lifetimes') conventions, at an observation end E: frequency x = purchase
  days - 1 (repeat purchases); recency t_x = last - first purchase day; T = E - first purchase day;
  both in the time unit (``D``: days, ``W``: days / 7, so weeks are continuous and same-week purchases
  stay separate); monetary_value = mean net amount of the repeat purchase days (0 without repeats).
* Acquisition: a customer's first purchase in the analysed period is taken as their acquisition (the
  models' "birth"). Customers who bought before the period are left-censored: their history looks
  shorter than it is, which biases the models towards recent buyers; load the longest history the
  client has (the period can start long before the program's launch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .models.base import ClvError

DAYS_PER_UNIT = {"D": 1.0, "W": 7.0}
UNIT_NAMES = {"D": "days", "W": "weeks"}
DAYS_PER_MONTH = 365.25 / 12
EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class PurchaseLog:
    """Purchase days of identified customers, sorted by customer then day (see the module rules).

    customer_ids[customer_code[i]] bought on day[i] (days since 1970-01-01) for amount[i] >= 0.
    """

    customer_ids: pd.Index
    customer_code: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    anonymous_checks: int = 0
    return_days: int = 0
    checks_outside_period: int = 0

    @property
    def n_customers(self) -> int:
        return int(len(np.unique(self.customer_code)))

    @property
    def purchase_days(self) -> int:
        return int(self.day.size)

    @property
    def first_day(self) -> int | None:
        """The first purchase day (days since 1970-01-01); None without a purchase."""
        return int(self.day.min()) if self.day.size else None

    @property
    def last_day(self) -> int | None:
        return int(self.day.max()) if self.day.size else None

    def to_frame(self) -> pd.DataFrame:
        """customer_id, date, amount: one row per purchase day."""
        return pd.DataFrame({
            "customer_id": self.customer_ids.take(self.customer_code),
            "date": as_dates(self.day),
            "amount": self.amount,
        })


@dataclass(frozen=True)
class LogCounts:
    """What the section reports and splits on from a purchase log, without its rows: `checks` read,
    of them `anonymous_checks`, `return_days` and `checks_outside_period` (as in `PurchaseLog`),
    `customers` with a purchase, `purchase_days`, and the first and last purchase days (days since
    1970-01-01; None without a purchase). All but the two days add up over disjoint sets of
    customers; the days combine by min and max (`combined`)."""

    checks: int = 0
    anonymous_checks: int = 0
    customers: int = 0
    purchase_days: int = 0
    return_days: int = 0
    checks_outside_period: int = 0
    first_day: int | None = None
    last_day: int | None = None

    @classmethod
    def of(cls, log: PurchaseLog, checks: int) -> LogCounts:
        """The counts of `log`, made from `checks` checks."""
        return cls(int(checks), log.anonymous_checks, log.n_customers, log.purchase_days, log.return_days,
                   log.checks_outside_period, log.first_day, log.last_day)

    @classmethod
    def combined(cls, parts: list[LogCounts]) -> LogCounts:
        """The counts of the union of logs of disjoint customers: sums, and min / max of the days."""
        firsts = [p.first_day for p in parts if p.first_day is not None]
        lasts = [p.last_day for p in parts if p.last_day is not None]
        return cls(*(sum(getattr(p, name) for p in parts) for name in
                     ("checks", "anonymous_checks", "customers", "purchase_days", "return_days",
                      "checks_outside_period")),
                   min(firsts) if firsts else None, max(lasts) if lasts else None)


def day_number(value: Any) -> int:
    """Calendar day of a date-like value as days since 1970-01-01."""
    return int((np.datetime64(pd.Timestamp(value).normalize().date(), "D") - EPOCH).astype(np.int64))


def timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(EPOCH + np.timedelta64(int(day), "D"))


def as_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (since 1970-01-01) as datetime64[ns]."""
    return (EPOCH + days.astype("timedelta64[D]")).astype("datetime64[ns]")


def purchase_log(transactions: pd.DataFrame, start: Any = None, end: Any = None) -> PurchaseLog:
    """Merge checks into purchase days per customer (module rules); keep days in [start, end]. Without
    a customer_id column (a store-level export) every check is anonymous.

    Vectorised: customers are factorised to integer codes and (customer, day) pairs summed by one
    groupby on an int64 key; no per-customer Python loop.
    """
    ids = (transactions["customer_id"] if "customer_id" in transactions
           else pd.Series(pd.NA, index=transactions.index, dtype="string"))  # a store-level export
    identified = ids.notna().to_numpy()
    anonymous = int((~identified).sum())
    days = transactions["date"].to_numpy()[identified].astype("datetime64[D]")
    day = (days - EPOCH).astype(np.int64)
    amount = transactions["amount"].to_numpy(dtype=float, na_value=np.nan)[identified]
    keep = np.ones(day.shape, dtype=bool)
    if start is not None:
        keep &= day >= day_number(start)
    if end is not None:
        keep &= day <= day_number(end)
    outside = int((~keep).sum())
    codes, uniques = pd.factorize(ids[identified][keep])
    day, amount = day[keep], amount[keep]
    if day.size == 0:
        return PurchaseLog(pd.Index(uniques), np.zeros(0, np.int64), np.zeros(0, np.int64),
                           np.zeros(0), anonymous, 0, outside)
    first_day = int(day.min())
    span = int(day.max()) - first_day + 1
    key = codes.astype(np.int64) * span + (day - first_day)
    net = pd.Series(amount).groupby(key, sort=True).sum()  # NaN amounts count as 0
    keys = net.index.to_numpy()
    values = net.to_numpy()
    purchase = values >= 0
    keys, values = keys[purchase], values[purchase]
    return PurchaseLog(
        customer_ids=pd.Index(uniques, name="customer_id"),
        customer_code=keys // span,
        day=keys % span + first_day,
        amount=values,
        anonymous_checks=anonymous,
        return_days=int((~purchase).sum()),
        checks_outside_period=outside,
    )


def runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and size of each run of equal codes in a sorted array."""
    if codes.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, codes.size])
    return starts, sizes


def unit_days(time_unit: str) -> float:
    """Days per time unit (D: 1, W: 7); ClvError for any other unit."""
    if time_unit not in DAYS_PER_UNIT:
        raise ClvError("bad_time_unit", unit=str(time_unit))
    return DAYS_PER_UNIT[time_unit]


def rfm_summary(purchases: PurchaseLog, observation_end: Any, time_unit: str = "W") -> pd.DataFrame:
    """Per customer with a purchase up to `observation_end`: frequency, recency, T, monetary_value.

    frequency = purchase days - 1; recency = last - first purchase day; T = observation_end - first
    purchase day (recency and T in `time_unit`); monetary_value = mean amount of the repeat purchase
    days (0 when frequency = 0); also first_purchase (date) and spend (total over all purchase days).
    Index: customer_id.
    """
    unit = unit_days(time_unit)
    end = day_number(observation_end)
    inside = purchases.day <= end
    code, day, amount = purchases.customer_code[inside], purchases.day[inside], \
        purchases.amount[inside]
    starts, sizes = runs(code)
    first, last = day[starts], day[starts + sizes - 1]
    spend = np.add.reduceat(amount, starts) if starts.size else np.zeros(0)
    repeat_spend = spend - amount[starts]
    frequency = sizes - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_spend / np.maximum(frequency, 1), 0.0)
    summary = pd.DataFrame({
        "frequency": frequency.astype(np.int64),
        "recency": (last - first) / unit,
        "T": (end - first) / unit,
        "monetary_value": monetary,
        "first_purchase": as_dates(first),
        "spend": spend,
    }, index=purchases.customer_ids.take(code[starts]).rename("customer_id"))
    return summary


def calibration_holdout_summary(purchases: PurchaseLog, calibration_end: Any, observation_end: Any,
                                time_unit: str = "W") -> pd.DataFrame:
    """RFM of the calibration period plus the holdout's actual purchases, per customer.

    Customers: those with a purchase up to `calibration_end`. Columns as lifetimes'
    `calibration_and_holdout_data`: frequency_cal, recency_cal, T_cal, monetary_value_cal,
    frequency_holdout (purchase days in (calibration_end, observation_end]), monetary_value_holdout
    (their mean amount, 0 without), duration_holdout (in `time_unit`).
    """
    unit = unit_days(time_unit)
    cal_day, end_day = day_number(calibration_end), day_number(observation_end)
    calibration = rfm_summary(purchases, calibration_end, time_unit).drop(columns=["spend"])
    calibration.columns = [f"{c}_cal" if c != "first_purchase" else c for c in calibration.columns]
    holdout = (purchases.day > cal_day) & (purchases.day <= end_day)
    codes = purchases.customer_code[holdout]
    counts = np.bincount(codes, minlength=len(purchases.customer_ids))
    sums = np.bincount(codes, weights=purchases.amount[holdout], minlength=len(purchases.customer_ids))
    position = purchases.customer_ids.get_indexer(calibration.index)
    calibration["frequency_holdout"] = counts[position].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        calibration["monetary_value_holdout"] = np.where(
            counts[position] > 0, sums[position] / np.maximum(counts[position], 1), 0.0)
    calibration["duration_holdout"] = (end_day - cal_day) / unit
    return calibration


def default_calibration_end(start: Any, end: Any, holdout_fraction: float = 0.25) -> pd.Timestamp:
    """end minus `holdout_fraction` of the period's length (rounded to whole days)."""
    start_day, end_day = day_number(start), day_number(end)
    return timestamp(end_day - int(round(holdout_fraction * (end_day - start_day))))


@dataclass(frozen=True)
class Split:
    """The observation window of the models: calibration (parameters) up to `calibration_end`, the
    holdout (checks) after it up to `observation_end`; equal ends mean no holdout."""

    start: pd.Timestamp
    calibration_end: pd.Timestamp
    observation_end: pd.Timestamp

    @property
    def has_holdout(self) -> bool:
        return self.calibration_end < self.observation_end

    @property
    def holdout_weeks(self) -> float:
        return (self.observation_end - self.calibration_end).days / 7


def split_period(purchases: PurchaseLog | LogCounts, period: tuple[Any, Any] | None, calibration_end: Any,
                 holdout_fraction: float) -> tuple[Split, ClvError | None]:
    """The calibration / holdout split of `period` (None: first to last purchase day).

    `calibration_end` (None: the period minus its last `holdout_fraction`) at or after the period end
    leaves no holdout: the split then ends the calibration at the period end, and the reason why
    comes back as the second value. ClvError when there is no purchase or the calibration ends before
    the first one. `purchases` may be the log's counts alone (`LogCounts`): only its purchase days,
    first and last day are read."""
    if purchases.purchase_days == 0 or purchases.first_day is None or purchases.last_day is None:
        raise ClvError("no_purchases")
    start, end = period if period is not None else (None, None)
    first_day, last_day = purchases.first_day, purchases.last_day
    observation_end = pd.Timestamp(end).normalize() if end is not None else timestamp(last_day)
    period_start = pd.Timestamp(start).normalize() if start is not None else timestamp(first_day)
    cal_end = calibration_end_of(period_start, observation_end, calibration_end, holdout_fraction)
    if day_number(cal_end) < first_day:
        raise ClvError("calibration_before_first_purchase", calibration_end=cal_end,
                       first=timestamp(first_day))
    return split_of(period_start, cal_end, observation_end)


def calibration_end_of(period_start: pd.Timestamp, observation_end: pd.Timestamp, calibration_end: Any,
                       holdout_fraction: float) -> pd.Timestamp:
    """`calibration_end` as a day, or (None) the period minus its last `holdout_fraction`."""
    if calibration_end:
        return pd.Timestamp(calibration_end).normalize()
    return default_calibration_end(period_start, observation_end, holdout_fraction)


def split_of(period_start: pd.Timestamp, cal_end: pd.Timestamp,
             observation_end: pd.Timestamp) -> tuple[Split, ClvError | None]:
    """The split ending the calibration at `cal_end`; at or after `observation_end` there is no
    holdout (the calibration then ends at the observation end, and the reason comes second)."""
    if cal_end >= observation_end:
        reason = ClvError("no_holdout", calibration_end=cal_end, observation_end=observation_end)
        return Split(period_start, observation_end, observation_end), reason
    return Split(period_start, cal_end, observation_end), None


def planned_split(period: tuple[Any, Any] | None, calibration_end: Any,
                  holdout_fraction: float) -> Split | None:
    """The split `split_period` gives for `period` when the data allow one, known before reading
    any check (None without a period: its ends are then the first and last purchase days)."""
    if period is None or period[0] is None or period[1] is None:
        return None
    start, end = pd.Timestamp(period[0]).normalize(), pd.Timestamp(period[1]).normalize()
    return split_of(start, calibration_end_of(start, end, calibration_end, holdout_fraction), end)[0]

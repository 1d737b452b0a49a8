"""The purchase histories the models see, computed from the checks in memory or bucket by bucket.

The purchase log (`data.purchase_log`: one row per customer and purchase day) is about as big as the
checks, so a big client's log is never held whole. What the section reads from it is either per
customer or additive over customers, and both come out of one function applied to each bucket of
checks (`engine.customers.CustomerChecks.apply`; every customer's checks are in one bucket, so each
bucket's log is exactly that customer's part of the whole log):

* per customer (one row each, concatenated): the RFM summary at the observation end
  (`data.rfm_summary`) and the calibration / holdout summary (`data.calibration_holdout_summary`);
* additive: the log's counts (`data.LogCounts`: checks, purchase days, returns; first and last day by
  min and max) and the tracking counts per day (`validation.TrackingCounts`: acquisitions and repeat
  purchase days of the calibration cohort).

In memory the function is applied once, to the whole table: the same definitions either way. The
per-customer rows are then sorted by customer id in both modes, so every later sum over customers
(fits, holdout totals, CLV means) adds the same numbers in the same order, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ...engine.customers import CustomerChecks
from .data import (
    DAYS_PER_UNIT,
    LogCounts,
    Split,
    calibration_holdout_summary,
    planned_split,
    purchase_log,
    rfm_summary,
)
from .validation import TrackingCounts, tracking_counts

COLUMNS = ["customer_id", "date", "amount"]  # the check columns the histories read
PARTS = ("counts", "summary", "calibration", "tracking")


@dataclass(frozen=True)
class Histories:
    """The purchase log's `counts`, and at the split's ends (None when only the counts were asked
    for): `summary`, the RFM summary at the observation end, `calibration`, the calibration / holdout
    summary (both indexed by customer_id, sorted by it), `tracking`, the tracking counts per day."""

    counts: LogCounts
    summary: pd.DataFrame | None = None
    calibration: pd.DataFrame | None = None
    tracking: TrackingCounts | None = None


def _cell(value: Any) -> np.ndarray:
    cell = np.empty(1, dtype=object)  # an object cell holds a frame as it is: no dtype changes
    cell[0] = value
    return cell


def bucket_histories(checks: pd.DataFrame, period: tuple[Any, Any] | None, ends: tuple[Any, Any] | None,
                     time_unit: str) -> pd.DataFrame:
    """One row of object cells: the `Histories` parts of `checks`' purchase log (days in `period`):
    counts, and with `ends` (calibration end, observation end) the two summaries and the tracking
    counts. The engine concatenates the rows of the buckets; `combined` adds them up."""
    log = purchase_log(checks, *(period or (None, None)))
    parts: dict[str, Any] = {"counts": LogCounts.of(log, len(checks))}
    if ends is not None:
        cal_end, observation_end = ends
        parts.update(summary=rfm_summary(log, observation_end, time_unit),
                     calibration=calibration_holdout_summary(log, cal_end, observation_end, time_unit),
                     tracking=tracking_counts(log, cal_end, observation_end))
    return pd.DataFrame({name: _cell(parts.get(name)) for name in PARTS})


def _by_customer(frames: list[pd.DataFrame]) -> pd.DataFrame:
    # customers are disjoint across buckets: concatenated, then in one order for both modes
    return pd.concat(frames).sort_index(kind="stable")


def combined(rows: pd.DataFrame, total_checks: int | None = None) -> Histories:
    """The `Histories` of the union of the buckets' rows (`bucket_histories`): summaries concatenated
    and sorted by customer id, counts added. `total_checks`: the checks of the whole table when the
    buckets left the anonymous ones out (they are the checks the buckets did not see)."""
    counts = LogCounts.combined(list(rows["counts"]))
    if total_checks is not None:
        unseen = int(total_checks) - counts.checks
        counts = replace(counts, checks=int(total_checks), anonymous_checks=counts.anonymous_checks + unseen)
    if any(part is None for part in rows["summary"]):
        return Histories(counts)
    return Histories(counts, _by_customer(list(rows["summary"])), _by_customer(list(rows["calibration"])),
                     TrackingCounts.combined(list(rows["tracking"])))


def _total_checks(source: CustomerChecks) -> int | None:
    """All the client's checks, anonymous ones included, when the buckets (identified checks only)
    are read: from the facts recorded when the tables were prepared (None: not recorded)."""
    if not source.out_of_core or source.facts is None:
        return None
    shape = source.facts.get("transactions")
    return None if shape is None else shape.rows


def histories(source: CustomerChecks, period: tuple[Any, Any] | None, ends: tuple[Any, Any] | None,
              time_unit: str) -> Histories:
    """`Histories` of the client's checks (`source`: in memory, or bucket by bucket)."""
    rows = source.apply(partial(bucket_histories, period=period, ends=ends, time_unit=time_unit), COLUMNS)
    return combined(rows, _total_checks(source))


def planned_ends(period: tuple[Any, Any] | None, settings: Any) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The split's ends known before reading the checks (`data.planned_split`), so that one pass
    gives the counts and the summaries; None when the data decide them (no period) or when the time
    unit is not one the summaries know (the step then reports the split first, as it always has)."""
    plan = planned_split(period, settings.calibration_end, settings.holdout_fraction)
    if plan is None or settings.time_unit not in DAYS_PER_UNIT:
        return None
    return plan.calibration_end, plan.observation_end


def ends_of(split: Split) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The calibration end and the observation end of `split`: what the summaries are computed at."""
    return split.calibration_end, split.observation_end


def histories_at(source: CustomerChecks, period: tuple[Any, Any] | None, split: Split, first: Histories,
                 first_ends: tuple[Any, Any] | None, time_unit: str) -> Histories:
    """`first` when it was computed at `split`'s ends, else the histories at them (a second pass)."""
    if first.summary is not None and first_ends == ends_of(split):
        return first
    return histories(source, period, ends_of(split), time_unit)


__all__ = ["COLUMNS", "Histories", "bucket_histories", "combined", "ends_of", "histories", "histories_at",
           "planned_ends"]

"""The per-customer parts of the program KPIs of one period (`source.Source.per_customer`), each named,
computed once and remembered: a big client's are computed together, in one pass over its buckets
(those of the earlier period of ``program.compare_months``, the survey respondents' purchases and
RFM tallies included), since reading the buckets costs more than any one part."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from .checks import customer_months
from .dates import between, end_exclusive, month_start, months_between
from .inputs import Inputs, earlier
from .lfl import lfl_specs, window_customers
from .reach import active_members_monthly, first_purchases, known_ids
from .tiers import baseline_spend
from .voice import customer_numbers

Part = Callable[[pd.DataFrame], pd.DataFrame]


def customer_parts(inputs: Inputs) -> dict[str, Part]:
    """The per-customer parts the steps read for `inputs` (module docstring), by name."""
    end, settings, joins = inputs.end, inputs.settings, inputs.joins
    parts: dict[str, Part] = {
        "months_window": partial(customer_months, joins=joins, first=inputs.window_start, last=end)}
    if inputs.full:
        parts["months_period"] = partial(customer_months, joins=joins, first=inputs.start, last=end)
    if joins is not None:
        first = inputs.start if inputs.full else months_between(inputs.start, end)[-1]
        parts["active"] = partial(active_members_monthly, joins=joins, start=first, end=end,
                                  window_days=settings.active_window_days)
        parts["known"] = partial(known_ids, as_of=end)
        if inputs.full:
            parts["first"] = first_purchases
        if inputs.launch is not None:
            parts["tiers"] = partial(baseline_spend, joins=joins, launch=inputs.launch)
    totals = inputs.source.totals()
    if (totals.days.index.get_level_values("day") < end_exclusive(end)).any():
        parts["lfl"] = partial(window_customers, specs=lfl_specs(totals, end, settings.lfl_same_stores))
    return parts


def _key(inputs: Inputs, name: str) -> tuple:
    return name, inputs.start, inputs.end, inputs.full


def part(inputs: Inputs, name: str) -> pd.DataFrame:
    """The per-customer part `name` of `customer_parts(inputs)`: of the table in memory, or of every
    bucket with every other part not computed yet (module docstring)."""
    source, key = inputs.source, _key(inputs, name)
    if key not in source.memo:
        if not source.out_of_core:
            source.memo[key] = source.per_customer(customer_parts(inputs)[name])
        else:
            _compute_together(inputs)
    return source.memo[key]


def _snapshots(inputs: Inputs) -> tuple[pd.Timestamp, ...]:
    """The RFM snapshots the voice steps may ask (the day before each month with a linked answer)."""
    days = []
    for frame in (inputs.nps, inputs.surveys):
        if frame is None or "date" not in frame.columns:
            continue
        linked = frame.loc[customer_numbers(frame, inputs.numbered.labels).notna().to_numpy()]
        dates = linked.loc[between(linked["date"], inputs.start, inputs.end).fillna(False), "date"]
        days += [pd.Timestamp(m) - pd.Timedelta(days=1) for m in month_start(dates).dropna().unique()]
    return tuple(sorted(set(days)))


def _compute_together(inputs: Inputs) -> None:
    """Every part of `inputs` (and of its earlier period) not computed yet, in one pass."""
    source, wanted = inputs.source, {}
    periods = [inputs]
    months = inputs.settings.compare_months
    if inputs.full and months is not None and (moved := earlier(inputs, months)) is not None:
        periods.append(moved)
    for period in periods:
        wanted.update({_key(period, name): func for name, func in customer_parts(period).items()
                       if _key(period, name) not in source.memo})
    if "purchases" not in source.memo:
        wanted["purchases"] = source.respondent_purchases()
    bins = inputs.settings.rfm_bins
    snapshots = tuple(s for s in _snapshots(inputs) if (s, bins) not in source.memo)
    if snapshots and "customer_id" in source.columns:
        wanted["tallies"] = source.tallies(snapshots)
    found = dict(zip(wanted, source.per_customer_many(list(wanted.values())), strict=True))
    if "tallies" in found:
        source.keep_segments(found.pop("tallies"), snapshots, bins)
    source.memo.update(found)

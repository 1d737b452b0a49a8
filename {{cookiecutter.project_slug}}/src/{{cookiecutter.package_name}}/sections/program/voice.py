"""Voice of the customer by segment: NPS and CSAT of the respondents split by who they are.

Every answer linked to a customer (its customer_id is one of the checks' or customers' ids) is
described on the day of the answer (`profile`):

* ``rfm_segment``: the customer's RFM segment at the end of the day before the answer's month
  (`sections.rfm.scoring.rfm_segments` over every identified check up to that day, ``rfm.bins``
  scores): what the customer was when answering, not what they became; "Not yet a customer" without
  a purchase by then;
* ``membership``: members / non_members on the answer day (`core.membership`'s rule);
* ``tenure``: a member's time in the program on the answer day: under 3 months, 3-12 months, over
  12 months (non-members: non_members);
* ``tier`` and ``region``: the customers table's columns (unknown where empty);
* ``recency``: days from the customer's last purchase (a check with amount > 0) on or before the
  answer day to the answer: 0-30, 31-90, 91-180, over 180 days, or no purchase before.

Answers without a customer (or whose customer is in neither table) are "unlinked": counted in no
group. A dimension whose input is missing (no membership, no tier column...) is left out.
Per group: the NPS with its 95% interval (`surveys.nps_composition`), CSAT mean with its interval
(mean +/- 1.96 x sd / sqrt(n), normal approximation) and satisfied share; ``small`` is True when the
group has fewer than ``program.voice_min_answers`` answers (its interval is then unreliable).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from ...core.keys import as_text, positions_in
from ...core.membership import MEMBERS, NON_MEMBERS
from ...core.numbers import finite
from ..rfm.scoring import NOT_YET, SEGMENTS, segment_key, segment_of
from .dates import month_start
from .groups import customer_ids, factorize, join_day_of
from .surveys import Z95, csat_summary, nps_composition

DIMENSIONS = ("rfm_segment", "membership", "tenure", "tier", "region", "recency")
UNKNOWN = "unknown"
TENURE = ((90, "under 3 months"), (365, "3-12 months"), (None, "over 12 months"))
RECENCY = ((30, "0-30 days"), (90, "31-90 days"), (180, "91-180 days"), (None, "over 180 days"))
NO_PURCHASE = "no purchase before"
SEGMENT_KEYS = tuple(segment_key(name) for name in (*SEGMENTS, NOT_YET))
NPS_COLUMNS = ("responses", "score", "ci_low", "ci_high", "promoters", "passives", "detractors")


def customer_numbers(frame: pd.DataFrame, labels: pd.Index | None) -> pd.Series:
    """The number (`groups.integer_ids`) of each row's customer_id; NaN when empty or unknown (the id
    is in neither the checks nor the customers table, or there are no ids at all)."""
    ids = customer_ids(frame)
    out = np.full(len(frame), np.nan)
    if labels is not None and len(labels):
        known = ids.notna().to_numpy()
        position = positions_in(as_text(labels))(ids[known].astype("string"))  # core.keys
        out[np.flatnonzero(known)[position >= 0]] = position[position >= 0]
    return pd.Series(out, index=frame.index)


def _bins(days: pd.Series, edges: tuple[tuple[int | None, str], ...], missing: str) -> pd.Series:
    """The label of each number of days: the first edge it does not exceed; `missing` for NaN."""
    out = pd.Series(missing, index=days.index, dtype=object)
    for limit, label in reversed(edges):
        out[days.notna() & ((days <= limit) if limit is not None else True)] = label
    return out


def purchases_of(transactions: pd.DataFrame, respondents: np.ndarray | None = None) -> pd.DataFrame:
    """customer (number), day, amount of every identified check (returns included, amount < 0); of
    the customers numbered `respondents` only, when given (a per-customer part)."""
    if "customer_id" not in transactions.columns:
        return pd.DataFrame({"customer": pd.Series(dtype=float), "day": pd.Series(dtype="datetime64[ns]"),
                             "amount": pd.Series(dtype=float)})
    known = transactions["customer_id"].notna()
    if respondents is not None:
        known &= transactions["customer_id"].isin(respondents)
    known = transactions.loc[known]
    return pd.DataFrame({"customer": known["customer_id"].astype(float).to_numpy(),
                         "day": known["date"].dt.normalize().astype("datetime64[ns]").to_numpy(),
                         "amount": known["amount"].astype(float).to_numpy()})


def last_purchase(answers: pd.DataFrame, purchases: pd.DataFrame) -> pd.Series:
    """Day of each answer's customer's last purchase (amount > 0) on or before the answer day."""
    out = pd.Series(pd.NaT, index=answers.index, dtype="datetime64[ns]")
    linked = answers.loc[answers["customer"].notna(), ["customer", "day"]]
    bought = purchases.loc[purchases["amount"] > 0, ["customer", "day"]].rename(columns={"day": "bought"})
    if linked.empty or bought.empty:
        return out
    left = linked.reset_index().sort_values("day", kind="stable")
    right = bought.sort_values("bought", kind="stable")
    merged = pd.merge_asof(left, right, left_on="day", right_on="bought", by="customer")
    out.loc[merged["index"].to_numpy()] = merged["bought"].to_numpy()
    return out


Segments = Callable[[list[pd.Timestamp]], dict[pd.Timestamp, pd.Series]]


def rfm_at_answers(answers: pd.DataFrame, segments: Segments) -> pd.Series:
    """The RFM segment of each linked answer's customer at the end of the day before the answer's
    month; NOT_YET without a purchase by then. `segments`: the segments (by customer number) at each
    snapshot day asked (`rfm_tallies` and `segments_of`, scored once per snapshot)."""
    out = pd.Series(pd.NA, index=answers.index, dtype=object)
    linked = answers.loc[answers["customer"].notna()]
    if linked.empty:
        return out
    month = month_start(linked["day"])
    starts = list(month.dropna().unique())
    scored = segments([pd.Timestamp(start) - pd.Timedelta(days=1) for start in starts])
    for start in starts:
        segment = scored[pd.Timestamp(start) - pd.Timedelta(days=1)]
        these = linked.loc[month == start]
        out.loc[these.index] = _segment_of_each(segment, these["customer"].to_numpy(dtype="float64"))
    return out


def _segment_of_each(segments: pd.Series, customers: np.ndarray) -> np.ndarray:
    """The segment of each customer number in `segments` (`segments_of`: sorted by number), NOT_YET
    where it has none. Looked up by bisection: a hash table of a big client's respondents, kept by
    pandas beside every snapshot's segments, would hold hundreds of MB."""
    numbers = segments.index.to_numpy(dtype="float64")
    if not len(numbers):
        return np.full(len(customers), NOT_YET, dtype=object)
    at = np.minimum(np.searchsorted(numbers, customers), len(numbers) - 1)
    codes = np.where(numbers[at] == customers, segments.cat.codes.to_numpy()[at], -1)
    names = np.append(np.asarray(segments.cat.categories, dtype=object), NOT_YET)
    return names[codes]  # code -1: the last name, NOT_YET


TALLY_COLUMNS = ("snapshot", "kind", "customer", "recency", "frequency", "count")
# cells (customers x snapshot days) of the per-snapshot matrices computed at once: a block of snapshot
# days at a time keeps them to a few tens of MB whatever the number of customers and snapshots
_TALLY_CELLS = 4_000_000
_NO_DAY = np.iinfo(np.int64).min


def _frequency_and_last_day(codes: np.ndarray, days: np.ndarray, customers: int,
                            at: np.ndarray) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Per customer code (0..customers-1) and each day of `at` (sorted, distinct): the checks (`codes`,
    `days`, sorted by code then day) on or before it, and the day of the last of them (`_NO_DAY`:
    none), as (customers, days of the block) matrices, a block of days at a time: (first column,
    frequency, last day). Each check is counted once, in the cell of the first day of `at` it does
    not follow; running sums and maxima along the days do the rest."""
    slot = np.searchsorted(at, days, side="left")  # len(at): after every day asked, never counted
    frequency = np.zeros((customers, 1), dtype=np.int64)
    last = np.full((customers, 1), _NO_DAY, dtype=np.int64)
    width = max(1, _TALLY_CELLS // max(customers, 1))
    for begin in range(0, at.size, width):
        stop = min(begin + width, at.size)
        inside = (slot >= begin) & (slot < stop)
        cell = codes[inside] * (stop - begin) + (slot[inside] - begin)  # non-decreasing: rows sorted
        counts = np.bincount(cell, minlength=customers * (stop - begin)).reshape(customers, -1)
        frequency = np.cumsum(counts, axis=1) + frequency[:, -1:]
        ends = np.flatnonzero(np.append(cell[1:] != cell[:-1], True)) if cell.size else cell
        block_last = np.full(customers * (stop - begin), _NO_DAY, dtype=np.int64)
        block_last[cell[ends]] = days[inside][ends]
        block_last = block_last.reshape(customers, -1)
        block_last[:, 0] = np.maximum(block_last[:, 0], last[:, -1])
        last = np.maximum.accumulate(block_last, axis=1)
        yield begin, frequency, last


def _value_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of non-negative integers, ascending, and how often each occurs (as
    `np.unique(values, return_counts=True)`, by counting instead of sorting)."""
    counts = np.bincount(values) if values.size else np.zeros(0, dtype=np.int64)
    value = np.flatnonzero(counts)
    return value.astype(np.int64), counts[value].astype(np.int64)


def _tallies_at(day: int, frequency: np.ndarray, last: np.ndarray, customers: np.ndarray,
                wanted: np.ndarray) -> list[dict[str, Any]]:
    """The "r", "f" and "who" columns of one snapshot day (`rfm_tallies`) from its frequency and
    last day per customer."""
    has = frequency > 0
    recency = day - np.where(has, last, day)
    value_r, count_r = _value_counts(recency[has])
    value_f, count_f = _value_counts(frequency[has])
    who = has & wanted
    return [{"kind": "r", "recency": value_r, "count": count_r},
            {"kind": "f", "frequency": value_f, "count": count_f},
            {"kind": "who", "customer": customers[who], "recency": recency[who], "frequency": frequency[who]}]


def rfm_tallies(transactions: pd.DataFrame, snapshots: tuple[pd.Timestamp, ...],
                respondents: np.ndarray) -> pd.DataFrame:
    """What the RFM segments of `respondents` (customer numbers) at `snapshots` need, as rows that add
    up over sets of whole customers (a per-customer part): per snapshot, the customers per recency
    (kind "r": recency, count) and per frequency (kind "f": frequency, count) of `sections.rfm`'s
    `customer_rfm` (recency = days from the last check with amount > 0 on or before the snapshot day,
    frequency = those checks; customers without one are not counted), and the respondents' own
    recency and frequency (kind "who")."""
    customer = customer_ids(transactions)
    bought = (customer.notna() & (transactions["amount"] > 0)).to_numpy()
    codes, uniques = factorize(customer[bought])
    days = transactions["date"].to_numpy(dtype="datetime64[ns]")[bought]
    days = days.astype("datetime64[D]").astype("int64")
    asked = [int(np.datetime64(pd.Timestamp(s).normalize().date(), "D").astype("int64")) for s in snapshots]
    by_day: dict[int, list[dict[str, Any]]] = {}
    if len(codes):
        order = np.lexsort((days, codes))
        codes, days = codes[order], days[order]
        # customers numbered by their order among those with a check here: `factorize` may number a
        # bucket's few customers among millions
        starts = np.append(True, codes[1:] != codes[:-1])
        customers = np.asarray(uniques, dtype="float64")[codes[starts]]
        wanted = pd.Index(customers).isin(pd.Index(np.asarray(respondents, dtype="float64")))
        at = np.unique([day for day in asked if day >= days.min()]).astype(np.int64)
        blocks = _frequency_and_last_day(np.cumsum(starts) - 1, days, customers.size, at)
        for begin, frequency, last in blocks:
            for column in range(frequency.shape[1]):
                day = int(at[begin + column])
                by_day[day] = _tallies_at(day, frequency[:, column], last[:, column], customers, wanted)
    parts = [pd.DataFrame({"snapshot": snapshot, **columns})
             for snapshot, day in zip(snapshots, asked, strict=True) if day in by_day
             for columns in by_day[day]]
    if not parts:
        return pd.DataFrame(columns=list(TALLY_COLUMNS))
    return pd.concat(parts, ignore_index=True).reindex(columns=list(TALLY_COLUMNS))


def _worse(values: pd.Series, counts: pd.Series, mine: np.ndarray, lower_is_better: bool) -> np.ndarray:
    """Customers strictly worse than each of `mine`, from the customers per value."""
    totals = counts.groupby(values.to_numpy()).sum().sort_index()
    keys, cumulative = totals.index.to_numpy(dtype="int64"), totals.to_numpy(dtype="int64").cumsum()
    if lower_is_better:  # worse = a higher value
        below_or_equal = np.searchsorted(keys, mine, side="right")
        done = np.where(below_or_equal > 0, cumulative[np.maximum(below_or_equal - 1, 0)], 0)
        return cumulative[-1] - done
    below = np.searchsorted(keys, mine, side="left")
    return np.where(below > 0, cumulative[np.maximum(below - 1, 0)], 0)


def no_segments() -> pd.Series:
    """The segments of `segments_of` at a snapshot when no respondent is scored."""
    return pd.Series(dtype="category", index=pd.Index([], dtype="float64"))


def segments_of(tallies: pd.DataFrame, bins: int) -> dict[pd.Timestamp, pd.Series]:
    """The respondents' RFM segments at each snapshot of `rfm_tallies` rows (of every customer): the
    scores of `sections.rfm.scoring.quantile_scores` (1 + bins x customers strictly worse // customers)
    and `segment_of`, indexed by the customer number in order (categories: a big client's respondents
    number millions at each of dozens of snapshots)."""
    out = {}
    for snapshot, rows in tallies.groupby("snapshot", sort=False):
        recency, frequency = rows.loc[rows["kind"] == "r"], rows.loc[rows["kind"] == "f"]
        who = rows.loc[rows["kind"] == "who"]
        customers = int(recency["count"].sum())
        if who.empty or customers == 0:
            out[pd.Timestamp(snapshot)] = no_segments()
            continue
        mine_r, mine_f = who["recency"].to_numpy(dtype="int64"), who["frequency"].to_numpy(dtype="int64")
        r_worse = _worse(recency["recency"], recency["count"], mine_r, lower_is_better=True)
        f_worse = _worse(frequency["frequency"], frequency["count"], mine_f, lower_is_better=False)
        r_score = pd.Series(1 + (bins * r_worse) // customers)
        f_score = pd.Series(1 + (bins * f_worse) // customers)
        segment = segment_of(r_score, f_score, bins)
        customer = who["customer"].to_numpy(dtype="float64")
        order = np.argsort(customer, kind="stable")
        out[pd.Timestamp(snapshot)] = pd.Series(pd.Categorical(segment.astype(object).to_numpy()[order]),
                                                index=customer[order])
    return out


def _from_customers(answers: pd.DataFrame, customers: pd.DataFrame | None, column: str) -> pd.Series | None:
    """The customers table's `column` for each linked answer (unknown where empty); None without it."""
    if customers is None or column not in customers.columns or "customer_id" not in customers.columns:
        return None
    values = customers.dropna(subset=["customer_id"]).drop_duplicates("customer_id")
    by_id = pd.Series(values[column].astype("string").str.strip().to_numpy(),
                      index=values["customer_id"].astype(float).to_numpy())
    found = by_id.reindex(answers["customer"].to_numpy()).to_numpy(dtype=object)
    out = pd.Series(found, index=answers.index, dtype=object)
    return out.where(out.notna() & (out != ""), UNKNOWN).where(answers["customer"].notna())


def profile(answers: pd.DataFrame, purchases: pd.DataFrame, customers: pd.DataFrame | None,
            joins: pd.Series | None, segments: Segments | None) -> pd.DataFrame:
    """`answers` (with ``customer``: the number of its customer, NaN when unlinked) and a column per
    dimension (module docstring) that its inputs allow; NaN for unlinked answers. `purchases`: the
    respondents' checks (`purchases_of`); `segments`: see `rfm_at_answers`, None when the checks carry
    no customer ids."""
    out = answers.assign(day=answers["date"].dt.normalize().astype("datetime64[ns]"))
    linked = out["customer"].notna()
    if segments is not None:
        out["rfm_segment"] = rfm_at_answers(out, segments)
        last = last_purchase(out, purchases)
        days = (out["day"] - last).dt.days
        out["recency"] = _bins(days, RECENCY, NO_PURCHASE).where(linked)
    if joins is not None:
        joined = join_day_of(out["customer"], joins)
        member = joined.notna() & (joined <= out["day"])
        out["membership"] = pd.Series(np.where(member, MEMBERS, NON_MEMBERS), index=out.index).where(linked)
        tenure = (out["day"] - joined).dt.days.where(member)
        out["tenure"] = _bins(tenure, TENURE, NON_MEMBERS).where(linked)
    for column in ("tier", "region"):
        values = _from_customers(out, customers, column)
        if values is not None:
            out[column] = values
    return out


def csat_of_answers(answers: pd.Series, z: float = Z95) -> dict[str, Any]:
    """`surveys.csat_summary` with the 95% interval of the mean: mean +/- z x sd / sqrt(n)."""
    out: dict[str, Any] = dict(csat_summary(answers))
    values = pd.to_numeric(answers, errors="coerce")
    values = values[(values >= 1) & (values <= 5)]
    half = z * float(values.std(ddof=1)) / math.sqrt(values.size) if values.size > 1 else None
    out["ci_low"] = None if half is None else out["mean"] - half
    out["ci_high"] = None if half is None else out["mean"] + half
    return out


def by_dimension(frame: pd.DataFrame, summarise: Callable[[pd.DataFrame], dict[str, Any]],
                 min_answers: int) -> pd.DataFrame:
    """One row per (dimension, group) of a `profile` frame: `summarise` of its answers and ``small``
    (fewer than `min_answers` answers). Groups in their natural order (segments best to worst,
    bins in order), the others alphabetically."""
    order = {"rfm_segment": (*SEGMENTS, NOT_YET), "membership": (MEMBERS, NON_MEMBERS),
             "tenure": (*(label for _, label in TENURE), NON_MEMBERS),
             "recency": (*(label for _, label in RECENCY), NO_PURCHASE)}
    rows = []
    for dimension in DIMENSIONS:
        if dimension not in frame.columns:
            continue
        present = frame[dimension].dropna()
        known = [g for g in order.get(dimension, ()) if (present == g).any()]
        groups = known + sorted(set(present.astype(str)) - set(known))
        for group in groups:
            part = frame.loc[frame[dimension] == group]
            summary = summarise(part)
            rows.append({"dimension": dimension, "group": group, **summary,
                         "small": int(summary["responses"] or 0) < min_answers})
    return pd.DataFrame(rows)


def nps_by_dimension(frame: pd.DataFrame, min_answers: int) -> pd.DataFrame:
    """`by_dimension` of NPS answers (``score`` column)."""
    table = by_dimension(frame, lambda part: nps_composition(part["score"]), min_answers)
    if table.empty:
        return pd.DataFrame(columns=["dimension", "group", *NPS_COLUMNS, "small"])
    return table[["dimension", "group", *NPS_COLUMNS, "small"]]


def csat_by_dimension(frame: pd.DataFrame, min_answers: int) -> pd.DataFrame:
    """`by_dimension` of CSAT answers (``answer`` column)."""
    columns = ["dimension", "group", "responses", "mean", "ci_low", "ci_high", "satisfied_share", "small"]
    table = by_dimension(frame, lambda part: csat_of_answers(part["answer"]), min_answers)
    return pd.DataFrame(columns=columns) if table.empty else table[columns]


def segment_headline(table: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """kpis.json ``program.nps.by_segment``: {segment key: score, ci_low, ci_high, responses} for every
    RFM segment (and not_yet_a_customer); None where nothing is known, responses 0 without answers."""
    out = {key: dict.fromkeys(("score", "ci_low", "ci_high", "responses")) for key in SEGMENT_KEYS}
    if table is None:
        return out
    rows = table.loc[table["dimension"] == "rfm_segment"].set_index("group")
    for name in (*SEGMENTS, NOT_YET):
        row = rows.loc[name] if name in rows.index else None
        entry = out[segment_key(name)]
        entry["responses"] = 0 if row is None else int(row["responses"])
        if row is not None:
            entry.update({k: finite(row[k]) for k in ("score", "ci_low", "ci_high")})
    return out

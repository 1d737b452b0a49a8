"""The matching sample: members at their join day and candidate controls, with their features.

See `matching` for the design (notation: J = a member's join day, W = ``window_days``, C =
``confirm_days``). Every row of the sample is computed from one customer's checks (a window sum, a
count, the last check before a day), so the sample is built per customer: once on the client's checks,
or bucket by bucket for a big client whose checks stay on disk (`checks.Checks.per_customer`), and
put in one order before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ...core.keys import positions_in
from .checks import Checks

# candidate (control, reference day) rows are screened in blocks of about this many rows, so that
# memory stays bounded however many never-members and join days there are
_CANDIDATE_BLOCK_ROWS = 2_000_000
_FAR_FUTURE = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class MatchDesign:
    """One matching design (`build_matching_sample`).

    window_days: W, the length of the pre and post windows; feature_lag_days: features are measured at
    J - lag (0: the matched design; W: the DiD); confirm_days: C, members and controls need a purchase
    in [J, J + C); exact_columns: customer columns matched exactly (strata); max_controls: cap of the
    control pool (a random subset, `seed`); max_members: cap of the eligible members (a random subset,
    `seed`: a big client's sample would hold every member at their join day and the pool at every join
    day, GiBs at 100M checks; the interval widens as one over the root of the members matched: at 100M
    checks, 0.108 [0.104, 0.111] with every member, 0.115 [0.102, 0.130] with 100,000)."""

    window_days: int = 180
    feature_lag_days: int = 0
    confirm_days: int = 0
    exact_columns: tuple[str, ...] = ()
    max_controls: int | None = None
    max_members: int | None = None
    seed: int = 42


class _CheckIndex:
    """Checks sorted by (customer, day) with running sums that start again at each customer: O(log n)
    window sums for any customer, from that customer's checks alone (the same numbers whether the index
    holds every customer or one bucket of them). Days are int64 since the epoch; `first` and `last`
    bound the days of the checks (the analysed period)."""

    def __init__(self, checks: pd.DataFrame, codes: pd.Index, first: int, last: int) -> None:
        self.codes = codes
        code = positions_in(codes)(checks["customer_id"])  # codes.get_indexer, once per bucket
        keep = code >= 0
        day = (checks["day"].to_numpy("datetime64[D]").astype(np.int64))[keep]
        amount = checks["amount"].to_numpy(float)[keep]
        self.span = int(last - first + 10)
        self.origin = int(first)
        key = code[keep].astype(np.int64) * self.span * 4 + (day - self.origin + self.span)
        order = np.argsort(key, kind="stable")
        self.key = key[order]
        self.day = day[order]
        owner = code[keep][order]
        self.owner = np.r_[-1, owner]  # owner[p]: the customer of the check before position p
        self.spend = np.r_[0.0, pd.Series(amount[order]).groupby(owner).cumsum().to_numpy(float)]
        self.buys = np.r_[0, np.cumsum(amount[order] > 0)]

    def position(self, code: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the first check of `code` on or after `day` (days as int64 since the epoch)."""
        day = np.clip(day - self.origin + self.span, 0, self.span * 4 - 1)
        return np.searchsorted(self.key, code * self.span * 4 + day, side="left")

    def _spent_before(self, code: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The customer's running spend before position `at` (0 at their first check)."""
        return np.where(self.owner[at] == code, self.spend[at], 0.0)

    def window(self, code: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, ...]:
        """Spend and purchases (checks with amount > 0) in [first, last)."""
        lo, hi = self.position(code, first), self.position(code, last)
        return self._spent_before(code, hi) - self._spent_before(code, lo), self.buys[hi] - self.buys[lo]


def _features(index: _CheckIndex, code: np.ndarray, ref: np.ndarray, first_seen: np.ndarray,
              joined: np.ndarray, design: MatchDesign) -> pd.DataFrame:
    """Features at ref - lag over the window before it; pre spend [ref - W, ref), post spend
    [ref + C, ref + C + W) and the part of it from the customer's own join day on (`joined`, days;
    a far-future day for never-members)."""
    window_days, confirm_days = design.window_days, design.confirm_days
    pre_spend, _ = index.window(code, ref - window_days, ref)
    post_first, post_end = ref + confirm_days, ref + confirm_days + window_days
    post_spend, _ = index.window(code, post_first, post_end)
    as_member, _ = index.window(code, np.clip(joined, post_first, post_end), post_end)
    _, confirmed = index.window(code, ref, ref + confirm_days)
    at = ref - design.feature_lag_days
    spend, purchases = index.window(code, at - window_days, at)
    _, history = index.window(code, np.full_like(at, index.origin - 1), at)
    before = index.position(code, at) - 1
    start_of_code = index.position(code, np.full_like(at, index.origin - 1))
    has_before = before >= start_of_code
    last_day = np.where(has_before, index.day[np.clip(before, 0, None)], -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # average check over checks with amount > 0 would need a separate running sum; net spend
        # per purchase is close enough and keeps returns in (documented in FEATURE_LABELS)
        avg_check = np.where(purchases > 0, spend / np.maximum(purchases, 1), 0.0)
    return pd.DataFrame({
        "purchases": purchases.astype(float),
        "avg_check": avg_check,
        "recency_days": np.where(has_before, at - last_day, np.nan).astype(float),
        "tenure_days": (at - first_seen).astype(float),
        "history_checks": history.astype(float),
        "pre_spend": pre_spend,
        "post_spend": post_spend,
        "post_spend_as_member": as_member,
        "confirmed": confirmed > 0 if confirm_days > 0 else np.ones(code.size, bool),
    })


def _candidates(index: _CheckIndex, code: np.ndarray, ref: np.ndarray, seen: np.ndarray,
                design: MatchDesign, joined: np.ndarray | None = None) -> np.ndarray:
    """Positions of the (code, ref) rows that `build_matching_sample` keeps, in their order: first
    seen before ref - lag, not yet a member on ref (with `joined`, the join days of controls), a check
    in the feature window [ref - lag - W, ref - lag) and, with confirm_days > 0, a purchase in
    [ref, ref + C). Screening before `_features` computes everything for the survivors only; the
    result is the same as filtering afterwards."""
    window_days, confirm_days = design.window_days, design.confirm_days
    at = ref - design.feature_lag_days
    keep = seen[code] < at
    if joined is not None:
        keep &= joined[code] > ref
    rows = np.flatnonzero(keep)
    _, purchases = index.window(code[rows], at[rows] - window_days, at[rows])
    rows = rows[purchases > 0]
    if confirm_days > 0:
        _, confirmed = index.window(code[rows], ref[rows], ref[rows] + confirm_days)
        rows = rows[confirmed > 0]
    return rows


def _customer_frame(customers: pd.DataFrame, joins: pd.Series) -> pd.DataFrame:
    """Customers by id (string, first row of an id kept) with their join day (`joined`, NaT: never)."""
    cust = customers.assign(customer_id=customers["customer_id"].astype(str)).drop_duplicates(
        "customer_id").set_index("customer_id")
    return cust.assign(joined=joins.reindex(cust.index.astype("string")).to_numpy())


def first_days(checks: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Per customer of the identified `checks`: the day of their first check in [start, end]."""
    inside = checks[(checks["day"] >= start) & (checks["day"] <= end)]
    return inside.groupby("customer_id")["day"].min().rename("first_day").reset_index()


def _first_seen(first: pd.DataFrame, cust: pd.DataFrame) -> pd.Series:
    """Registration day, else the first check's day (`first_days` rows), of every customer."""
    first_seen = first.set_index("customer_id")["first_day"].reindex(cust.index)
    if "registered_at" in cust.columns:
        first_seen = pd.concat([cust["registered_at"].dt.normalize(), first_seen], axis=1).min(axis=1)
    return first_seen


def _control_pool(cust: pd.DataFrame, first_seen: pd.Series, eligible: pd.Series,
                  design: MatchDesign) -> pd.Index:
    """Customers not yet members on the first eligible join day, seen by then; at most max_controls.

    Controls: customers not yet members on the member's join day, later joiners included. Keeping only
    those who never joined would select on the future: a customer about to join who stopped buying
    first never joins and stays a control, while one who kept buying joins and leaves the pool, so the
    pool would lose its survivors (+0.02..0.03 on a planted 0.10, see `member_effect`)."""
    joined = cust["joined"]
    pool = cust.index[(joined.isna() | (joined > eligible.min())) & first_seen.notna()]
    if design.max_controls is not None and pool.size > design.max_controls:
        rng = np.random.default_rng(design.seed)
        pool = pool[np.sort(rng.choice(pool.size, design.max_controls, replace=False))]
    return pool


def _strata(cust: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """The values of the exact-match columns joined by " | " per customer ("all" without columns), as
    an object array in which equal values are one string: a string per customer would hold about
    60 bytes each, for every customer of a big client, as long as the plan lives."""
    stratum = pd.Series("all", index=cust.index, dtype=object)
    if columns:
        parts = [cust[col].astype(object).fillna("(missing)").astype(str) for col in columns]
        stratum = parts[0]
        for part in parts[1:]:
            stratum = stratum + " | " + part
    codes, values = pd.factorize(stratum)
    return np.asarray(values, dtype=object)[codes]


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[D]").astype(np.int64)


@dataclass(frozen=True, eq=False)
class SamplePlan:
    """Who the sample's rows are about (customers-table sized, no checks): customer ids by code,
    first-seen and join days by code (int days; `_FAR_FUTURE`: never joined), the eligible members'
    codes and join days in order, the control pool's codes in order, the member join days (sorted),
    the strata by code, the period's first and last days and the design."""

    customers: pd.Index
    seen: np.ndarray
    joined: np.ndarray
    members: np.ndarray
    member_days: np.ndarray
    controls: np.ndarray
    ref_days: np.ndarray
    strata: np.ndarray
    period: tuple[int, int]
    design: MatchDesign
    eligible: int = 0  # members eligible before `design.max_members` kept a random subset of them


def _screened(index: _CheckIndex, plan: SamplePlan) -> tuple[np.ndarray, ...]:
    """Codes, reference days and order keys of the members (at their join day) and the pool's
    candidates (at every member join day) that have checks in `index`, screened by `_candidates` in
    bounded blocks. The order key is a row's place in the whole sample: members in order, then
    candidates by reference day and place in the pool."""
    present = np.zeros(len(plan.customers), bool)
    present[np.unique(index.owner[1:])] = True
    members = np.flatnonzero(present[plan.members])
    code, ref = plan.members[members], plan.member_days[members]
    rows = _candidates(index, code, ref, plan.seen, plan.design)
    kept = [(code[rows], ref[rows], members[rows])]
    pool = np.flatnonzero(present[plan.controls])
    controls, first = plan.controls[pool], plan.members.size
    per_block = max(1, _CANDIDATE_BLOCK_ROWS // max(controls.size, 1))
    for block in range(0, plan.ref_days.size, per_block):
        # customer by customer, each at every day of the block: the window queries then come in the
        # index's own order, which makes the binary searches several times faster; `order` restores
        # the sample's order afterwards
        days = plan.ref_days[block:block + per_block]
        code, ref = np.repeat(controls, days.size), np.tile(days, controls.size)
        rows = _candidates(index, code, ref, plan.seen, plan.design, plan.joined)
        place = (np.tile(np.arange(block, block + days.size), controls.size) * plan.controls.size
                 + np.repeat(pool, days.size))
        kept.append((code[rows], ref[rows], first + place[rows]))
    return tuple(np.concatenate([k[i] for k in kept]) for i in range(3))


def _plan_rows(index: _CheckIndex, plan: SamplePlan) -> pd.DataFrame:
    codes, refs, order = _screened(index, plan)
    treated = order < plan.members.size
    feats = _features(index, codes, refs, plan.seen[codes], plan.joined[codes], plan.design)
    feats.insert(0, "customer_id", plan.customers[codes].to_numpy())
    feats.insert(1, "ref_day", pd.to_datetime(refs.astype("datetime64[D]")).astype("datetime64[ns]"))
    feats.insert(2, "treated", treated)
    feats.insert(3, "stratum", plan.strata[codes])
    feats["order"] = order
    return feats[(feats["purchases"] > 0) & feats["confirmed"]].drop(columns="confirmed")


def sample_rows(checks: pd.DataFrame, plans: tuple[SamplePlan, ...]) -> pd.DataFrame:
    """Per customer of the identified `checks`: their rows of the matching sample of each plan (column
    ``plan``: its number; members at their join day, pool customers at every member join day, kept by
    `_candidates`), with their features and ``order``, the row's place in the plan's whole sample
    (`_screened`). The plans share the customers and the period, so one check index serves them all."""
    first, last = plans[0].period
    days = checks["day"].to_numpy("datetime64[D]").astype(np.int64)
    index = _CheckIndex(checks[(days >= first) & (days <= last)], plans[0].customers, first, last)
    return pd.concat([_plan_rows(index, plan).assign(plan=k) for k, plan in enumerate(plans)],
                     ignore_index=True)


def _sample_plan(cust: pd.DataFrame, first_seen: pd.Series, period: tuple[pd.Timestamp, pd.Timestamp],
                 design: MatchDesign) -> SamplePlan | None:
    """Who the sample of `design` is about; None when no member is eligible or no control is left."""
    start, end = period
    history = pd.Timedelta(days=design.window_days + design.feature_lag_days)
    after = pd.Timedelta(days=design.window_days + design.confirm_days - 1)
    joined = cust["joined"]
    eligible = joined[(joined >= start + history) & (joined + after <= end)]
    if eligible.empty:
        return None
    count = int(eligible.size)
    pool = _control_pool(cust, first_seen, eligible, design)  # of every eligible member's days
    if design.max_members is not None and eligible.size > design.max_members:
        rng = np.random.default_rng(design.seed + 1)  # not the pool's draw
        eligible = eligible.iloc[np.sort(rng.choice(eligible.size, design.max_members, replace=False))]
    if pool.empty:
        return None
    return SamplePlan(cust.index, _days(first_seen), np.where(joined.notna(), _days(joined), _FAR_FUTURE),
                      cust.index.get_indexer(eligible.index), _days(eligible), cust.index.get_indexer(pool),
                      np.unique(_days(eligible)), _strata(cust, design.exact_columns),
                      (int(_days(pd.Series([start]))[0]), int(_days(pd.Series([end]))[0])), design, count)


def build_matching_samples(transactions: pd.DataFrame | Checks, customers: pd.DataFrame | None,
                           period: tuple[pd.Timestamp, pd.Timestamp],
                           designs: Sequence[MatchDesign]) -> list[pd.DataFrame | None]:
    """`build_matching_sample` of each design, from two passes over the checks whatever the number of
    designs."""
    checks = Checks.of(transactions)
    joins = checks.join_dates(customers)
    if customers is None or joins is None:
        return [None] * len(designs)
    start, end = pd.Timestamp(period[0]).normalize(), pd.Timestamp(period[1]).normalize()
    first = checks.per_customer(partial(first_days, start=start, end=end))
    if first.empty:
        return [None] * len(designs)
    cust = _customer_frame(customers, joins)
    first_seen = _first_seen(first, cust)
    plans = [_sample_plan(cust, first_seen, (start, end), design) for design in designs]
    wanted = tuple(plan for plan in plans if plan is not None)
    rows = checks.per_customer(partial(sample_rows, plans=wanted)) if wanted else None
    samples: list[pd.DataFrame | None] = []
    for plan in plans:
        if plan is None:
            samples.append(None)
            continue
        # one copy of the plan's rows, taken in the sample's order (a big client's samples hold
        # millions of rows: filtering, sorting and dropping columns each copied them)
        mine = np.flatnonzero(rows["plan"].to_numpy() == wanted.index(plan))
        mine = mine[np.argsort(rows["order"].to_numpy()[mine], kind="stable")]
        sample = rows.drop(columns=["plan", "order"]).take(mine).reset_index(drop=True)
        sample.attrs["eligible_members"] = plan.eligible  # read by `member_effect` (a subset is said)
        samples.append(sample if sample["treated"].any() else None)
    return samples


def build_matching_sample(transactions: pd.DataFrame | Checks, customers: pd.DataFrame | None,
                          period: tuple[pd.Timestamp, pd.Timestamp],
                          design: MatchDesign = MatchDesign()) -> pd.DataFrame | None:
    """Members eligible for the matched design and their candidate controls, with their features.

    One row per (customer, reference day): ``treated`` True for members (reference day = their join
    day J, `core.membership.join_dates`), False for customers not yet members on J (never-members and
    later joiners), evaluated at a member's join day. Columns: customer_id, ref_day, treated, stratum
    (the values of ``design.exact_columns`` joined by " | ", "all" without them; members are matched only
    to controls of the same stratum), FEATURES (measured at J - feature_lag_days over the window_days
    before it), pre_spend (net revenue in [J - W, J)), post_spend ([J + C, J + C + W)) and
    post_spend_as_member (the part of post_spend from the customer's own join day on: all of it for
    members, the spend of a control that joined later). A row needs a check in its feature window.
    None when there is nothing to match (no customers table, membership unknown, no eligible member).

    ``design.max_controls``: with more possible controls than that, a random subset of that size
    (``design.seed``) is the control pool. Every such customer is a candidate at every member's join
    day, so the work grows with controls x join days (180M candidate rows at 10M checks);
    nearest-neighbour matching needs a pool far larger than the members, not all of it.

    Two passes over the checks, each per customer (`checks.Checks`: once in memory, or bucket by
    bucket for a big client): first check days (`first_days`), then each customer's rows
    (`sample_rows`), put back in the in-memory order (members, then candidates by reference day and
    place in the pool) so the matching and its draws see the same rows in the same order.
    """
    return build_matching_samples(transactions, customers, period, [design])[0]

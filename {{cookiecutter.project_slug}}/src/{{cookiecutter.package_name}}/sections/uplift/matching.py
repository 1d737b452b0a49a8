"""Matching members to customers not yet members: the check index, features, candidates, strata,
nearest-neighbour and propensity matching, common support and balance.

Notation: J = a member's join day, W = ``window_days``, C = ``confirm_days`` (see `member_effect` for
the designs that use this). One row of a matching sample is a (customer, reference day): members at
their join day J (``treated``), and customers not yet members on J (the risk set: never-members and
customers who join later) at the same day, so calendar effects hit both sides alike.

* Features (FEATURES, measured at a day A over [A - W, A)): purchases (checks with amount > 0),
  average check (net spend / purchases), recency (days from the last check before A), tenure (days from
  registration or the first check), history (checks before A). They are ``log1p``-transformed and
  standardised over the pooled sample; each member is matched to its nearest neighbour (Euclidean,
  scikit-learn ``NearestNeighbors``) among candidates with the same reference day and the same
  *stratum*, with replacement (`match_nearest`); or to the nearest logit of a logistic-regression
  propensity score (`match_propensity`, caliper 0.2 SD of the logit).
* *Exact matching* (`exact_match_columns`): customer attributes known before joining for members and
  non-members alike (the value tier) define strata; a column known for members only is skipped with a
  note. *Common support*: members whose nearest neighbour is further than the caliper are dropped.
* Who is a member, and since when: `core.membership.join_dates` (the one rule of every section).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.checks import as_identified
from ...core.membership import join_dates
from ...text.catalogue import Text

FEATURES = ["purchases", "avg_check", "recency_days", "tenure_days", "history_checks"]
FEATURE_LABELS = {
    "purchases": "Checks in the pre window",
    "avg_check": "Average check in the pre window",
    "recency_days": "Days since the last check",
    "tenure_days": "Tenure, days",
    "history_checks": "Checks before the reference day (all history)",
    "pre_spend": "Spend in the pre window",
}
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
    control pool (a random subset, `seed`)."""

    window_days: int = 180
    feature_lag_days: int = 0
    confirm_days: int = 0
    exact_columns: tuple[str, ...] = ()
    max_controls: int | None = None
    seed: int = 42


class _CheckIndex:
    """Checks sorted by (customer, day) with running sums: O(log n) window sums for any customer."""

    def __init__(self, checks: pd.DataFrame, codes: pd.Index) -> None:
        self.codes = codes
        code = codes.get_indexer(checks["customer_id"])
        keep = code >= 0
        day = (checks["day"].to_numpy("datetime64[D]").astype(np.int64))[keep]
        amount = checks["amount"].to_numpy(float)[keep]
        self.span = int(day.max() - day.min() + 10) if day.size else 10
        self.origin = int(day.min()) if day.size else 0
        key = code[keep].astype(np.int64) * self.span * 4 + (day - self.origin + self.span)
        order = np.argsort(key, kind="stable")
        self.key = key[order]
        self.day = day[order]
        self.spend = np.r_[0.0, np.cumsum(amount[order])]
        self.buys = np.r_[0, np.cumsum(amount[order] > 0)]

    def position(self, code: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the first check of `code` on or after `day` (days as int64 since the epoch)."""
        day = np.clip(day - self.origin + self.span, 0, self.span * 4 - 1)
        return np.searchsorted(self.key, code * self.span * 4 + day, side="left")

    def window(self, code: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, ...]:
        """Spend and purchases (checks with amount > 0) in [first, last)."""
        lo, hi = self.position(code, first), self.position(code, last)
        return self.spend[hi] - self.spend[lo], self.buys[hi] - self.buys[lo]



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
                design: MatchDesign, joined: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """The (code, ref) rows that `build_matching_sample` keeps, in their order: first seen before
    ref - lag, not yet a member on ref (with `joined`, the join days of controls), a check in the
    feature window [ref - lag - W, ref - lag) and, with confirm_days > 0, a purchase in [ref, ref + C).
    Screening before `_features` computes everything for the survivors only; the result is the same
    as filtering afterwards."""
    window_days, confirm_days = design.window_days, design.confirm_days
    at = ref - design.feature_lag_days
    keep = seen[code] < at
    if joined is not None:
        keep &= joined[code] > ref
    code, ref, at = code[keep], ref[keep], at[keep]
    _, purchases = index.window(code, at - window_days, at)
    keep = purchases > 0
    if confirm_days > 0:
        code, ref = code[keep], ref[keep]
        _, confirmed = index.window(code, ref, ref + confirm_days)
        keep = confirmed > 0
    return code[keep], ref[keep]
def exact_match_columns(customers: pd.DataFrame | None, columns: Sequence[str],
                        joins: pd.Series | None = None,
                        min_known_share: float = 0.95) -> tuple[list[str], list[Text]]:
    """Customer attributes usable for exact matching, and a note (a `Text`) for each one left out.

    A column is used when the customers table has it and its value is known for at least
    ``min_known_share`` of members and of non-members alike (a program tier that only members have is
    not a pre-join attribute and cannot be matched on). Members: customers with a join day
    (`joins`, default `join_dates(customers)`).
    """
    used: list[str] = []
    notes: list[Text] = []
    joins = join_dates(customers) if joins is None else joins
    if customers is None or joins is None:
        return used, notes
    member = joins.reindex(customers["customer_id"].astype("string")).notna().to_numpy()
    for col in columns:
        if col not in customers.columns:
            notes.append(Text("uplift.reason.exact_missing", {"column": col}))
            continue
        known = customers[col].notna().to_numpy()
        shares = [float(known[member].mean()) if member.any() else 0.0,
                  float(known[~member].mean()) if (~member).any() else 0.0]
        if min(shares) < min_known_share:
            notes.append(Text("uplift.reason.exact_partial",
                              {"column": col, "members": shares[0], "non_members": shares[1]}))
            continue
        used.append(col)
    return used, notes


def _customer_frame(customers: pd.DataFrame, joins: pd.Series) -> pd.DataFrame:
    """Customers by id (string, first row of an id kept) with their join day (`joined`, NaT: never)."""
    cust = customers.assign(customer_id=customers["customer_id"].astype(str)).drop_duplicates(
        "customer_id").set_index("customer_id")
    return cust.assign(joined=joins.reindex(cust.index.astype("string")).to_numpy())


def _first_seen(checks: pd.DataFrame, cust: pd.DataFrame) -> pd.Series:
    """Registration day, else the first check's day, of every customer."""
    first_seen = checks.groupby("customer_id")["day"].min().reindex(cust.index)
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


def _strata(cust: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The values of the exact-match columns joined by " | " per customer ("all" without columns)."""
    stratum = pd.Series("all", index=cust.index, dtype=object)
    if columns:
        parts = [cust[col].astype(object).fillna("(missing)").astype(str) for col in columns]
        stratum = parts[0]
        for part in parts[1:]:
            stratum = stratum + " | " + part
    return stratum


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[D]").astype(np.int64)


def _screened(index: _CheckIndex, cust: pd.DataFrame, first_seen: pd.Series, eligible: pd.Series,
              pool: pd.Index, design: MatchDesign) -> tuple[np.ndarray, ...]:
    """Codes and reference days of members (at their join day) and of the pool's candidates (at every
    member join day), screened by `_candidates` in bounded blocks; and how many rows are members."""
    seen = _days(first_seen)
    joined = cust["joined"]
    joined_days = np.where(joined.notna(), _days(joined), _FAR_FUTURE)
    ref_days = np.unique(_days(eligible))
    control_codes = cust.index.get_indexer(pool)
    member_codes = cust.index.get_indexer(eligible.index)
    kept = [_candidates(index, member_codes, _days(eligible), seen, design)]
    per_block = max(1, _CANDIDATE_BLOCK_ROWS // max(control_codes.size, 1))
    for block in range(0, ref_days.size, per_block):
        days = ref_days[block:block + per_block]
        kept.append(_candidates(index, np.tile(control_codes, days.size),
                                np.repeat(days, control_codes.size), seen, design, joined_days))
    codes, refs = np.concatenate([k[0] for k in kept]), np.concatenate([k[1] for k in kept])
    return codes, refs, seen, joined_days, kept[0][0].size


def build_matching_sample(transactions: pd.DataFrame, customers: pd.DataFrame | None,
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
    """
    joins = join_dates(customers, transactions)
    if customers is None or joins is None:
        return None
    start, end = pd.Timestamp(period[0]).normalize(), pd.Timestamp(period[1]).normalize()
    checks = as_identified(transactions)
    checks = checks[(checks["day"] >= start) & (checks["day"] <= end)]
    if checks.empty:
        return None
    cust = _customer_frame(customers, joins)
    first_seen = _first_seen(checks, cust)
    history = pd.Timedelta(days=design.window_days + design.feature_lag_days)
    after = pd.Timedelta(days=design.window_days + design.confirm_days - 1)
    joined = cust["joined"]
    eligible = joined[(joined >= start + history) & (joined + after <= end)]
    if eligible.empty:
        return None
    pool = _control_pool(cust, first_seen, eligible, design)
    if pool.empty:
        return None
    index = _CheckIndex(checks, cust.index)
    codes, refs, seen, joined_days, members = _screened(index, cust, first_seen, eligible, pool, design)
    treated = np.zeros(codes.size, bool)
    treated[:members] = True
    feats = _features(index, codes, refs, seen[codes], joined_days[codes], design)
    feats.insert(0, "customer_id", cust.index[codes].to_numpy())
    feats.insert(1, "ref_day", pd.to_datetime(refs.astype("datetime64[D]")).astype("datetime64[ns]"))
    feats.insert(2, "treated", treated)
    feats.insert(3, "stratum", _strata(cust, design.exact_columns).to_numpy()[codes])
    feats = feats[(feats["purchases"] > 0) & feats["confirmed"]].drop(columns="confirmed")
    feats = feats.reset_index(drop=True)
    return feats if feats["treated"].any() else None


def _standardised(sample: pd.DataFrame) -> np.ndarray:
    x = np.log1p(sample[FEATURES].to_numpy(dtype=float).clip(min=0))
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    return (x - x.mean(axis=0)) / sd


def _match_groups(sample: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """(treated, controls) row labels per reference day and stratum."""
    keys = ["ref_day"] + (["stratum"] if "stratum" in sample.columns else [])
    codes = sample.groupby(keys, sort=True).ngroup().to_numpy()
    treated = sample["treated"].to_numpy(bool)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    labels = sample.index.to_numpy()
    out = []
    for rows in np.split(order, bounds):
        t, c = rows[treated[rows]], rows[~treated[rows]]
        if t.size and c.size:
            out.append((labels[t], labels[c]))
    return out


def match_nearest(sample: pd.DataFrame, caliper: float = 0.5) -> pd.DataFrame:
    """1:1 nearest-neighbour matching with replacement within the same reference day and stratum.

    Distance = Euclidean distance of the standardised log1p(FEATURES). Returns one row per matched
    member: treated_row, control_row (row labels of `sample`), distance. Members whose nearest
    control is further than `caliper` (standardised units) are left out.
    """
    from sklearn.neighbors import NearestNeighbors

    z = _standardised(sample)
    position = pd.Series(np.arange(len(sample)), index=sample.index)
    rows = []
    for treated, controls in _match_groups(sample):
        nn = NearestNeighbors(n_neighbors=1).fit(z[position[controls].to_numpy()])
        distance, index = nn.kneighbors(z[position[treated].to_numpy()])
        rows.append(pd.DataFrame({"treated_row": treated, "control_row": controls[index[:, 0]],
                                  "distance": distance[:, 0]}))
    if not rows:
        return pd.DataFrame(columns=["treated_row", "control_row", "distance"])
    pairs = pd.concat(rows, ignore_index=True)
    return pairs[pairs["distance"] <= caliper].reset_index(drop=True)


def propensity_scores(sample: pd.DataFrame) -> np.ndarray:
    """Logit of the propensity to join: logistic regression (scikit-learn) of ``treated`` on the
    standardised log1p(FEATURES) of all rows (one model for every reference day and stratum).

    logit e(x) = b0 + b'x, e(x) = P(member | x) = 1 / (1 + exp(-logit)). Weak L2 penalty (C = 100).
    """
    from sklearn.linear_model import LogisticRegression

    z = _standardised(sample)
    y = sample["treated"].to_numpy(bool)
    if y.all() or not y.any():
        return np.zeros(len(sample))
    model = LogisticRegression(C=100.0, max_iter=1000).fit(z, y)
    return model.decision_function(z)


def match_propensity(sample: pd.DataFrame, caliper_sd: float = 0.2) -> pd.DataFrame:
    """1:1 propensity-score matching with replacement within the same reference day and stratum.

    Distance = |logit e(x_member) - logit e(x_control)| (see `propensity_scores`); members whose
    nearest control is further than ``caliper_sd`` standard deviations of the logit (Austin's 0.2)
    are left out. Same output as `match_nearest`.
    """
    score = propensity_scores(sample)
    sd = float(np.std(score)) or 1.0
    rows = []
    for treated, controls in _match_groups(sample):
        pos = sample.index.get_indexer(controls)
        order = np.argsort(score[pos], kind="stable")
        c_score, c_rows = score[pos][order], controls[order]
        t_score = score[sample.index.get_indexer(treated)]
        right = np.clip(np.searchsorted(c_score, t_score), 0, c_score.size - 1)
        left = np.clip(right - 1, 0, c_score.size - 1)
        pick = np.where(np.abs(c_score[left] - t_score) <= np.abs(c_score[right] - t_score), left, right)
        rows.append(pd.DataFrame({"treated_row": treated, "control_row": c_rows[pick],
                                  "distance": np.abs(c_score[pick] - t_score)}))
    if not rows:
        return pd.DataFrame(columns=["treated_row", "control_row", "distance"])
    pairs = pd.concat(rows, ignore_index=True)
    return pairs[pairs["distance"] <= caliper_sd * sd].reset_index(drop=True)


def common_support(sample: pd.DataFrame, pairs: pd.DataFrame) -> dict[str, int]:
    """Members eligible, matched within the caliper, dropped (off support); distinct controls used."""
    eligible = int(sample["treated"].sum())
    return {"members_eligible": eligible, "members_matched": int(len(pairs)),
            "members_off_support": eligible - int(len(pairs)),
            "candidate_controls": int((~sample["treated"]).sum()),
            "controls_used": int(pairs["control_row"].nunique())}


def balance_table(sample: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Standardised mean differences of pre-period features before and after matching.

    SMD = (mean treated - mean control) / sqrt((var treated + var control) / 2), variances of the
    unmatched groups (the same denominator before and after, as usual). |SMD| < 0.1 = good balance.
    """
    columns = FEATURES + ["pre_spend"]
    treated = sample[sample["treated"]]
    control = sample[~sample["treated"]]
    m_t = sample.loc[pairs["treated_row"], columns]
    m_c = sample.loc[pairs["control_row"], columns]
    out = []
    for col in columns:
        pooled = math.sqrt((treated[col].var() + control[col].var()) / 2.0) or 1.0
        out.append({"feature": FEATURE_LABELS[col],
                    "members_mean": treated[col].mean(), "all_controls_mean": control[col].mean(),
                    "smd_before": (treated[col].mean() - control[col].mean()) / pooled,
                    "matched_controls_mean": m_c[col].mean(),
                    "smd_after": (m_t[col].mean() - m_c[col].mean()) / pooled})
    return pd.DataFrame(out)


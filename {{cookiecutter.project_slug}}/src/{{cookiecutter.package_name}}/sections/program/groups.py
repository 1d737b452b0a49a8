"""Buyer groups of checks and survey answers, and the customer-id helpers of the program KPIs.

Membership follows the one rule of `core.membership` (join day from ``joined_program_at``, else the
first loyalty-card check); a check is a *member check* when its customer had joined by the check's
day. Group labels are the shared ones: ``members``, ``non_members`` (identified, not (yet) joined),
``anonymous`` (no customer_id); ``identified`` when membership is unknown. Survey answers without a
customer are ``unlinked``.

For speed, the tables' customer ids are replaced by numbers once (`integer_ids`): every KPI here only
matches, counts and sorts ids, and numbers are many times faster to group and match than text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.keys import as_text, positions_in
from ...core.membership import ANONYMOUS, IDENTIFIED, MEMBERS, NON_MEMBERS
from .dates import month_start

UNLINKED = "unlinked"
BUYER_GROUPS = (MEMBERS, NON_MEMBERS, ANONYMOUS)


def customer_ids(frame: pd.DataFrame) -> pd.Series:
    """The frame's customer_id column, or an empty one (all missing) when it has none."""
    if "customer_id" in frame.columns:
        return frame["customer_id"]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """`pd.factorize(values)` (codes, with -1 for empty values, and the distinct values), free for the
    numbered ids of `integer_ids` (whole numbers 0..n-1 as floats): each number is its own code,
    and the distinct values are 0..max (some may not occur). Hashing ten million ids takes seconds."""
    if values.dtype == "float64":
        array = values.to_numpy()
        known = ~np.isnan(array)
        numbers = array[known].astype(np.int64)
        top = int(numbers.max()) + 1 if len(numbers) else 0
        if (len(numbers) == 0 or numbers.min() >= 0) and top <= 2 * len(array) + 1024 \
                and np.array_equal(numbers, array[known]):
            codes = np.full(len(array), -1, dtype=np.intp)
            codes[known] = numbers
            return codes, pd.Index(np.arange(top, dtype="float64"))
    return pd.factorize(values)


def join_day_of(customer: pd.Series, joins: pd.Series) -> pd.Series:
    """Join day of each customer id in `customer` (NaT for non-members and empty ids).

    Numbered ids (`integer_ids`) are looked up by one gather per check; other ids are factorized
    first, so each distinct id is looked up once (a check file repeats every customer many times)."""
    lookup = positions_in(joins.index)  # joins.index.get_indexer, memoized per index (core.keys)
    values = np.append(joins.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    if customer.dtype.kind == "f" and lookup.numbered():  # numbered ids: one gather per check
        return pd.Series(values[lookup(customer)], index=customer.index)  # -1: the NaT appended
    codes, uniques = factorize(customer)  # empty ids get code -1
    target = pd.Index(uniques)
    if target.dtype != joins.index.dtype:
        target = target.astype(object)
    per_id = np.append(values[lookup(target)], np.datetime64("NaT", "ns"))
    return pd.Series(per_id[codes], index=customer.index)  # code -1 (empty id): the NaT appended


# the dtype pandas gives a column of text labels (str in pandas 3, object before)
_LABEL_DTYPE = pd.Series(np.array(["label"])).dtype


def text_labels(codes: np.ndarray, labels: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
    """The label of each code (an index into `labels`) as a text column, built by one take (much
    faster than converting a numpy array of strings for a million rows)."""
    return pd.array(np.array(labels, dtype=object), dtype=_LABEL_DTYPE).take(codes)


def distinct(*parts: pd.Series | pd.Index | np.ndarray) -> int:
    """Number of distinct non-empty values over all `parts` (like the size of a Python set of them)."""
    values = [pd.Series(part).dropna().unique() for part in parts]
    values = [v for v in values if len(v)]
    for kind in ("i", "f"):  # numbered ids (float) or integers: one typed pass, no Python objects
        if values and all(np.asarray(v).dtype.kind == kind for v in values):
            return len(pd.unique(np.concatenate([np.asarray(v) for v in values])))
    values = [np.asarray(v, dtype=object) for v in values]
    return len(pd.unique(np.concatenate(values))) if values else 0


def integer_ids(
    transactions: pd.DataFrame, customers: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.Index | None]:
    """The two tables with each customer_id replaced by a number (float64; NaN for an empty id), and
    the ids in number order. The numbers follow the sorted order of the ids, so every KPI here,
    which only matches, counts and sorts ids, comes out the same, while grouping and matching
    numbers is many times faster than text. (None for the labels when there are no ids.)"""
    parts: list[tuple[pd.DataFrame, np.ndarray, pd.Index]] = []
    for frame in (transactions, customers):
        if frame is not None and "customer_id" in frame.columns:
            codes, uniques = pd.factorize(frame["customer_id"])
            parts.append((frame, codes, pd.Index(uniques)))
    if not parts:
        return transactions, customers, None
    labels = parts[0][2].append([uniques for _, _, uniques in parts[1:]]).unique().sort_values()
    out = {}
    for frame, codes, uniques in parts:
        numbers = labels.get_indexer(uniques).astype("float64")
        ids = np.full(len(codes), np.nan)
        ids[codes >= 0] = numbers[codes[codes >= 0]]
        out[id(frame)] = frame.assign(customer_id=ids)
    return (out.get(id(transactions), transactions),
            None if customers is None else out.get(id(customers), customers), labels)


def numbered_joins(joins: pd.Series | None, labels: pd.Index | None) -> pd.Series | None:
    """`core.membership.join_dates` (indexed by the ids as text) re-indexed by the numbers of
    `integer_ids` (`labels`: the ids in number order), in number order."""
    if joins is None or labels is None:
        return joins
    numbers = positions_in(as_text(labels))(joins.index.astype("string"))
    numbered = pd.Series(joins.to_numpy(), index=pd.Index(numbers.astype("float64"), name=joins.index.name),
                         name=joins.name)
    return numbered.sort_index()


def classify_checks(transactions: pd.DataFrame, joins: pd.Series | None) -> pd.DataFrame:
    """Copy of `transactions` with ``month``, ``is_purchase`` and ``buyer_group`` columns.

    buyer_group = "anonymous" if customer_id is empty; "members" if the customer's join day <= the
    check's day; otherwise "non_members" (identified, not a member at that date). With unknown
    membership (joins is None) identified checks get "identified".
    is_purchase = amount > 0 (returns are not checks).
    """
    checks = transactions.copy(deep=False)  # new columns only: the rows are not copied
    checks["month"] = month_start(checks["date"])
    checks["is_purchase"] = checks["amount"] > 0
    customer = customer_ids(checks)
    anonymous = customer.isna().to_numpy()
    if joins is None:
        checks["buyer_group"] = text_labels(np.where(anonymous, 0, 1), (ANONYMOUS, IDENTIFIED))
        return checks
    joined = join_day_of(customer, joins)
    member = (joined.notna() & (joined <= checks["date"].dt.normalize())).to_numpy()
    checks["buyer_group"] = text_labels(np.select([anonymous, member], [0, 1], default=2),
                                        (ANONYMOUS, MEMBERS, NON_MEMBERS))
    return checks


def respondent_group(responses: pd.DataFrame, joins: pd.Series | None) -> pd.Series:
    """members / non_members / unlinked for each survey answer: members if the respondent's
    customer_id had joined by the answer's date, non_members if linked but not (yet) joined, unlinked
    without a customer_id (or with membership unknown)."""
    customer = customer_ids(responses)
    if joins is None:
        return pd.Series(UNLINKED, index=responses.index)
    joined = join_day_of(customer, joins)
    member = joined.notna() & (joined <= responses["date"].dt.normalize())
    return pd.Series(
        np.select([customer.isna().to_numpy(), member.to_numpy()], [UNLINKED, MEMBERS], NON_MEMBERS),
        index=responses.index,
    )

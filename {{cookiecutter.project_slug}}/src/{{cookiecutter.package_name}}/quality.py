"""Data-quality section: documented cleaning rules for checks, and the numbers that describe the inputs.

Cleaning rules for transactions (each counted; nothing is dropped silently):
- exact duplicates: a row identical in every column to an earlier one is removed
  (`quality.drop_duplicates`);
- future-dated: a check dated after the run day + `quality.future_tolerance_days` is removed
  (`quality.drop_future`);
- outside the period: checks before `period.start` or after `period.end` are left out of the analysis;
- returns (negative amounts) and zero amounts are kept: returns net against purchases in every sum,
  and sections that model purchases (CLV) apply their own stated rule. A return is *linked* when a
  purchase carries the same transaction_id, or the same customer bought at least the returned amount in
  one check on or before the return's day; other returns (anonymous ones included) are counted as
  `returns_unlinked` (their purchase usually predates the export), and identified customers whose net
  spend is negative as `negative_net_customers`; both are kept;
- repeated transaction ids: rows that share a transaction_id with an earlier, non-identical row are
  counted (`duplicate_transaction_ids`) and kept: they are either the lines of one check or a re-sent
  check with a correction, which only the client can tell.

Consistency between tables (`consistency_counts`; counted, nothing removed or altered):
- `customers_without_profile` / `checks_without_profile`: identified customers in the checks who are
  missing from the customer table, and their checks: analysed as non-members (no join date);
- `profiles_without_checks`: customers in the customer table with no check in the analysed period: they
  count as members (if they joined) but not as buyers;
- `joined_after_last_purchase`: members whose join date is after their last check: none of their checks
  counts as a member's check;
- `redemptions_above_balance` / `customers_above_balance`: redemptions that take a customer's running
  points balance (accruals + adjustments − redemptions − expiries, in date order, credits first on a
  day; adjustments count as credits, as in kpis) below zero, and those customers; from the points
  ledger, or from the checks' points_earned / points_redeemed when there is no ledger. Kept: the export
  usually lacks the balances accrued before it starts.

Reading rules (io.py) add their own counts: `mixed_date_formats` (dates written in another format than
most of their column) and `dates_with_zone` (dates with a UTC offset, converted to `data.read.timezone`).
Errors instead of rules (the run stops with file, column and example values): undecodable bytes, a
wrong separator, numbers in another decimal convention, unparseable dates, NPS scores outside 0–10 or
not whole, duplicate customer ids, missing required columns, empty files, unknown codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
from numpy.lib.stride_tricks import as_strided

MAIN_DATE = {"transactions": "date", "customers": "registered_at", "points": "date", "nps": "date",
             "surveys": "date", "campaigns": "sent_at"}


@dataclass
class CleaningResult:
    transactions: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    removed: int = 0
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None


def clean_transactions(transactions: pd.DataFrame, *, today: pd.Timestamp,
                       period_start: pd.Timestamp | None = None, period_end: pd.Timestamp | None = None,
                       future_tolerance_days: int = 1, drop_duplicates: bool = True,
                       drop_future: bool = True, consume: bool = False) -> CleaningResult:
    """Apply the module's cleaning rules; return the kept checks, per-rule counts and the period used.

    The period defaults to the data's own range (after future-dated checks are set aside). With
    `consume`, the columns of `transactions` are moved into the kept checks one by one (the input is
    left without columns), so that millions of checks are not held twice.
    """
    frame = transactions
    duplicated = duplicated_rows(frame)
    _release_memory()
    future = frame["date"] > today.normalize() + pd.Timedelta(days=future_tolerance_days + 1)
    drop = pd.Series(False, index=frame.index)
    if drop_duplicates:
        drop |= duplicated
    if drop_future:
        drop |= future
    remaining = frame.loc[~drop, "date"]
    start = period_start if period_start is not None else remaining.min().normalize()
    end = period_end if period_end is not None else remaining.max().normalize()
    del remaining
    outside = ~drop & ((frame["date"] < start) | (frame["date"] >= end + pd.Timedelta(days=1)))
    keep = ~drop & ~outside
    rows_read, removed = int(len(frame)), int((~keep).sum())
    if consume:
        rows = np.flatnonzero(keep.to_numpy(dtype=bool))
        moved = {}
        for name in list(frame.columns):
            moved[name] = frame[name].iloc[rows].reset_index(drop=True)
            del frame[name]
            _release_memory()
        kept = pd.DataFrame(moved, index=pd.RangeIndex(len(rows)), copy=False)
    else:
        kept = frame.loc[keep].reset_index(drop=True)
    repeated_ids = repeated_values(kept["transaction_id"]) if "transaction_id" in kept else 0
    _release_memory()
    customers = _id_keys(kept["customer_id"]) if "customer_id" in kept else None
    unlinked = int((~_returns_linked(kept, customers)).sum())
    _release_memory()
    counts = {
        "rows_read": rows_read,
        "duplicates": int(duplicated.sum()),
        "future_dated": int(future.sum()),
        "outside_period": int(outside.sum()),
        "returns": int((kept["amount"] < 0).sum()),
        "zero_amount": int((kept["amount"] == 0).sum()),
        "returns_unlinked": unlinked,
        "negative_net_customers": _negative_net_customers(kept, customers),
        "duplicate_transaction_ids": repeated_ids,
        "anonymous": int(kept["customer_id"].isna().sum()) if "customer_id" in kept else int(len(kept)),
        "rows_kept": int(len(kept)),
    }
    return CleaningResult(kept, counts, removed=removed, period=(start, end))


def _release_memory() -> None:
    """Give the memory Arrow has freed back to the system (its allocator keeps freed blocks for reuse,
    which for millions of checks counts for hundreds of megabytes that nothing uses)."""
    pyarrow.default_memory_pool().release_unused()


# --- ids as integer keys ----------------------------------------------------------------------------
# Hashing ten million id strings takes seconds per pass; the ids of real exports are short (up to 8
# bytes) or numeric (up to 16 digits), and then each packs exactly into one 64-bit integer, which Arrow
# hashes and numpy sorts several times faster. Other ids (or other dtypes) take pandas' exact paths.

_BYTE_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_LOW_NIBBLES = np.uint64(0x0F0F0F0F0F0F0F0F)
_ONES = np.uint64(0x0101010101010101)


def _arrow_chunks(values: pd.Series) -> list[pyarrow.Array] | None:
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return None
    array = pyarrow.array(values.array)
    chunks = array.chunks if isinstance(array, pyarrow.ChunkedArray) else [array]
    return [chunk.cast(pyarrow.large_string()) for chunk in chunks]


def _pack_digits(words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Up to 8 ASCII digits per little-endian word to 8 nibbles (digit + 1; 0 = past the end): 32 bits."""
    x = (words & _LOW_NIBBLES) + (_ONES & _BYTE_MASKS[lengths])
    x = (x | (x >> np.uint64(4))) & np.uint64(0x00FF00FF00FF00FF)
    x = (x | (x >> np.uint64(8))) & np.uint64(0x0000FFFF0000FFFF)
    return (x | (x >> np.uint64(16))) & np.uint64(0x00000000FFFFFFFF)


def _id_keys(*columns: pd.Series) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Per column (keys, present): uint64 keys equal exactly where the ids are equal (the same packing
    for all the columns given), or None when the ids are not short Arrow strings (see above)."""
    chunked = [_arrow_chunks(column) for column in columns]
    if any(chunks is None for chunks in chunked):
        return None
    pieces: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = []
    longest, has_nul, digits_only = 0, False, True
    for chunks in chunked:
        parts = []
        for chunk in chunks or []:
            n = len(chunk)
            buffers = chunk.buffers()
            offsets = np.frombuffer(buffers[1], dtype=np.int64)[chunk.offset: chunk.offset + n + 1]
            data = (np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None
                    else np.zeros(0, np.uint8))[offsets[0]: offsets[-1]]
            lengths = np.diff(offsets)
            longest = max(longest, int(lengths.max(initial=0)))
            has_nul = has_nul or bool((data == 0).any())
            digits_only = digits_only and bool(((data >= 48) & (data <= 57)).all())
            parts.append((offsets - offsets[0], data, lengths))
        pieces.append(parts)
    if not (longest <= 8 and not has_nul) and not (digits_only and longest <= 16):
        return None
    out = []
    for chunks, parts in zip(chunked, pieces, strict=True):
        keys, present = [], []
        for chunk, (offsets, data, lengths) in zip(chunks or [], parts, strict=True):
            padded = np.zeros(len(data) + 16, np.uint8)
            padded[: len(data)] = data
            windows = as_strided(padded, shape=(len(data) + 9, 8), strides=(1, 1))
            first = np.ascontiguousarray(windows[offsets[:-1]]).view("<u8").ravel()
            if longest <= 8 and not has_nul:
                key = first & _BYTE_MASKS[lengths]
            else:
                second = np.ascontiguousarray(windows[offsets[:-1] + 8]).view("<u8").ravel()
                head = _pack_digits(first & _BYTE_MASKS[np.minimum(lengths, 8)], np.minimum(lengths, 8))
                tail = np.clip(lengths - 8, 0, 8)
                key = (head << np.uint64(32)) | _pack_digits(second & _BYTE_MASKS[tail], tail)
            keys.append(key)
            present.append(chunk.is_valid().to_numpy(zero_copy_only=False))
        out.append((np.concatenate(keys) if keys else np.zeros(0, np.uint64),
                    np.concatenate(present) if present else np.zeros(0, bool)))
    return out


def _contains(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """keys found among `wanted` (uint64 arrays); a long `wanted` is first cut to the keys it shares
    with `keys`, since probing a small set is much faster than building a big one."""
    if not len(wanted) or not len(keys):
        return np.zeros(len(keys), bool)
    mine = pyarrow.array(keys)
    if len(wanted) > 4 * len(keys):
        shared = pc.is_in(pyarrow.array(wanted), value_set=mine).to_numpy(zero_copy_only=False)
        wanted = wanted[shared.astype(bool)]
        if not len(wanted):
            return np.zeros(len(keys), bool)
    found = pc.is_in(mine, value_set=pyarrow.array(wanted))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _repeated_keys(keys: np.ndarray) -> np.ndarray:
    """Per key: does the same key occur elsewhere (duplicated(keep=False)), by one sort."""
    ordered = np.sort(keys)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    return _contains(keys, repeated)


def _position_in(keys: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """For each key, the first position of the same key in `reference`, -1 where it is absent."""
    if not len(reference) or not len(keys):
        return np.full(len(keys), -1, np.int64)
    found = pc.index_in(pyarrow.array(keys), value_set=pyarrow.array(reference))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def duplicated_rows(frame: pd.DataFrame) -> pd.Series:
    """frame.duplicated(keep="first"), computed first on the date and amount columns: only rows that
    repeat those can repeat the whole row, and hashing every column of millions of rows is slow."""
    narrow = [c for c in ("date", "amount") if c in frame]
    if not narrow or len(narrow) == frame.shape[1]:
        return frame.duplicated(keep="first")
    date = frame["date"].to_numpy() if "date" in frame else None
    amount = frame["amount"].to_numpy() if "amount" in frame else None
    if (date is not None and amount is not None and np.issubdtype(date.dtype, np.datetime64)
            and amount.dtype == np.float64):
        # one integer per row, equal wherever pandas finds (date, amount) equal (0.0 is -0.0 and NaN
        # is NaN there); rows whose integer repeats are the candidates
        amount = np.where(amount == 0, 0.0, np.where(np.isnan(amount), np.nan, amount))
        mixed = (date.view(np.int64).view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ amount.view(np.uint64)
        candidates = _repeated_keys(mixed)
    else:
        candidates = frame[narrow].duplicated(keep=False).to_numpy(dtype=bool)
    duplicated = np.zeros(len(frame), bool)
    if candidates.any():
        duplicated[candidates] = frame.loc[candidates].duplicated(keep="first").to_numpy(dtype=bool)
    return pd.Series(duplicated, index=frame.index)


def repeated_values(values: pd.Series) -> int:
    """How many non-missing values repeat an earlier one (values.dropna().duplicated().sum())."""
    keys = _id_keys(values)
    if keys is None:
        return int(values.dropna().duplicated().sum())
    key, present = keys[0]
    ordered = key[present]  # a copy, sorted in place
    ordered.sort()
    return int((ordered[1:] == ordered[:-1]).sum())


def is_in(values: pd.Series, reference: pd.Series) -> pd.Series:
    """values.isin(reference) for id columns, False for missing values.

    Short ids are compared as integer keys (see _id_keys); others are factorized into integer codes
    first: pandas' isin with Arrow strings turns the reference into a Python list of scalars (8 s for a
    million ids), the codes cost a hash pass each.
    """
    keys = _id_keys(values, reference)
    if keys is not None:
        (mine, present), (theirs, known) = keys
        return pd.Series(_contains(mine, theirs[known]) & present, index=values.index)
    both = pd.concat([values.reset_index(drop=True), reference.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)
    mine, theirs = codes[: len(values)], codes[len(values):]
    return pd.Series(np.isin(mine, theirs[theirs >= 0]) & (mine >= 0), index=values.index)


def returns_linked(transactions: pd.DataFrame) -> pd.Series:
    """Per row: True unless the row is a return that no purchase accounts for (see the module docstring).

    Linked = a purchase with the same transaction_id exists, or the same customer has a check of at least
    the returned amount on or before the return's day. Anonymous returns without an id match are unlinked.
    """
    customers = _id_keys(transactions["customer_id"]) if "customer_id" in transactions else None
    return _returns_linked(transactions, customers)


def _returns_linked(transactions: pd.DataFrame,
                    customers: list[tuple[np.ndarray, np.ndarray]] | None) -> pd.Series:
    """returns_linked, with the customer ids' keys if they have them (computed once by the caller)."""
    amount = transactions["amount"]
    returns = amount < 0
    linked = ~returns
    if not returns.any():
        return linked
    is_return = returns.to_numpy(dtype=bool)
    if "transaction_id" in transactions:
        ids = transactions["transaction_id"]
        keys = _id_keys(ids)
        if keys is not None:
            key, present = keys[0]
            rows = np.flatnonzero(is_return & present)
            bought = key[present & (amount > 0).to_numpy(dtype=bool)]
            linked.iloc[rows[_contains(key[rows], bought)]] = True
        else:
            bought_ids = transactions.loc[amount > 0, "transaction_id"]
            linked |= returns & is_in(ids, bought_ids)
    if "customer_id" in transactions:
        if customers is not None:  # only the checks of customers who returned something matter
            key, present = customers[0]
            rows = present & _contains(key, key[present & is_return])
            customer: pd.Series | np.ndarray = key[rows]
        else:
            rows = transactions["customer_id"].notna().to_numpy(dtype=bool)
            customer = transactions["customer_id"][rows]
        chosen = amount[rows]
        frame = pd.DataFrame({"customer": customer, "day": transactions["date"][rows].dt.normalize(),
                              "purchase": chosen.where(chosen > 0), "is_return": is_return[rows]},
                             index=chosen.index)
        frame = frame.sort_values(["customer", "day", "is_return"], kind="stable")
        biggest = frame.groupby("customer")["purchase"].cummax()
        biggest = biggest.groupby(frame["customer"]).ffill()
        covered = frame["is_return"] & (biggest >= -amount.loc[frame.index])
        linked.loc[covered[covered].index] = True
    return linked


def negative_net_customers(transactions: pd.DataFrame) -> int:
    """Identified customers whose checks sum to less than zero (returns of purchases before the export)."""
    if "customer_id" not in transactions or transactions.empty:
        return 0
    return _negative_net_customers(transactions, _id_keys(transactions["customer_id"]))


def _negative_net_customers(transactions: pd.DataFrame,
                            customers: list[tuple[np.ndarray, np.ndarray]] | None) -> int:
    """negative_net_customers; only customers with a negative amount can have a negative sum."""
    if "customer_id" not in transactions or transactions.empty:
        return 0
    if customers is None:
        net = transactions.groupby("customer_id")["amount"].sum()
        return int((net < 0).sum())
    key, present = customers[0]
    amount = transactions["amount"]
    negative = present & (amount < 0).to_numpy(dtype=bool)
    if not negative.any():
        return 0
    rows = present & _contains(key, key[negative])
    net = amount[rows].groupby(key[rows]).sum()
    return int((net < 0).sum())


def consistency_counts(tables: dict[str, pd.DataFrame | None]) -> dict[str, int]:
    """Counts of the consistency rules between tables (module docstring); a key is absent when the
    tables it needs are not provided. `tables["transactions"]` should be the cleaned checks."""
    checks = tables["transactions"]
    customers = tables.get("customers")
    points = tables.get("points")
    counts: dict[str, int] = {}
    buyers = checks["customer_id"] if "customer_id" in checks else pd.Series(dtype="string")
    if customers is not None:
        known = customers["customer_id"]
        keys = _id_keys(buyers, known)
        if keys is not None:
            counts.update(_profile_counts(checks, customers, keys))
            del keys
            _release_memory()
        else:
            unknown = buyers.notna() & ~is_in(buyers, known)
            counts["customers_without_profile"] = int(buyers[unknown].nunique())
            counts["checks_without_profile"] = int(unknown.sum())
            counts["profiles_without_checks"] = int((~is_in(known, buyers)).sum())
            if "joined_program_at" in customers and "customer_id" in checks:
                last = checks.groupby("customer_id")["date"].max()
                joined = customers.set_index("customer_id")["joined_program_at"].dropna()
                later = joined.index.isin(last.index)
                counts["joined_after_last_purchase"] = int(
                    (joined[later] > last.reindex(joined.index[later])).sum())
    ledger = _ledger_for_balance(points, checks)
    if ledger is not None:
        keys = _id_keys(ledger["customer_id"])
        if keys is not None:  # integer keys sort faster; a missing id has no balance (as in groupby)
            key, present = keys[0]
            ledger = ledger.loc[present].assign(customer_id=key[present])
        ledger = ledger.sort_values(["customer_id", "date", "order"], kind="stable")
        balance = ledger.groupby("customer_id")["delta"].cumsum()
        below = (ledger["delta"] < 0) & (balance < -1e-9) & (ledger["kind"] == "redemption")
        counts["redemptions_above_balance"] = int(below.sum())
        counts["customers_above_balance"] = int(ledger.loc[below, "customer_id"].nunique())
    return counts


def _profile_counts(checks: pd.DataFrame, customers: pd.DataFrame,
                    keys: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, int]:
    """The customer-table counts of consistency_counts, from the ids' integer keys."""
    (buyer, identified), (known, listed) = keys
    rows = np.flatnonzero(listed)

    def profile_row(key: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The customer-table row that stands for each id (the same row for equal ids), -1 if none."""
        if not rows.size:
            return np.full(len(key), -1, np.int64)
        at = _position_in(key, known[rows])
        return np.where(present & (at >= 0), rows[np.maximum(at, 0)], -1)

    profile = profile_row(buyer, identified)
    unknown = identified & (profile < 0)
    counts = {"customers_without_profile": int(len(np.unique(buyer[unknown]))),
              "checks_without_profile": int(unknown.sum())}
    own = profile_row(known, listed)
    bought = np.zeros(len(known), bool)
    bought[profile[profile >= 0]] = True
    has_checks = (own >= 0) & bought[np.maximum(own, 0)]
    counts["profiles_without_checks"] = int((~has_checks).sum())
    if "joined_program_at" in customers and "customer_id" in checks:
        dates = checks["date"].to_numpy()
        joined = customers["joined_program_at"].to_numpy()
        if np.issubdtype(dates.dtype, np.datetime64) and np.issubdtype(joined.dtype, np.datetime64):
            latest = np.full(len(known), np.iinfo(np.int64).min, np.int64)  # NaT until a check is seen
            seen = profile >= 0
            np.maximum.at(latest, profile[seen], dates[seen].view(np.int64))
            member = has_checks & ~np.isnat(joined)
            last = latest[own[member]].view(dates.dtype)
            counts["joined_after_last_purchase"] = int((joined[member] > last).sum())
        else:
            last_seen = checks.groupby("customer_id")["date"].max()
            members = customers.set_index("customer_id")["joined_program_at"].dropna()
            later = members.index.isin(last_seen.index)
            counts["joined_after_last_purchase"] = int(
                (members[later] > last_seen.reindex(members.index[later])).sum())
    return counts


def _ledger_for_balance(points: pd.DataFrame | None, checks: pd.DataFrame) -> pd.DataFrame | None:
    """customer_id, date, kind, delta (signed), order (accruals first on a day) from the ledger, or from
    the checks' points columns when there is no ledger; None when neither is available."""
    sign = {"accrual": 1.0, "redemption": -1.0, "expiry": -1.0, "adjustment": 1.0}
    order = {"accrual": 0, "adjustment": 1, "redemption": 2, "expiry": 3}
    if points is not None and not points.empty:
        frame = points[["customer_id", "date", "kind"]].copy()
        frame["delta"] = points["points"] * points["kind"].map(sign).astype(float)
        frame["order"] = points["kind"].map(order)
        return frame
    if "customer_id" not in checks or not {"points_earned", "points_redeemed"} & set(checks.columns):
        return None
    parts = []
    for column, kind in (("points_earned", "accrual"), ("points_redeemed", "redemption")):
        if column in checks:
            part = checks.loc[checks["customer_id"].notna() & checks[column].fillna(0).ne(0),
                              ["customer_id", "date", column]].rename(columns={column: "points"})
            part["kind"] = kind
            part["delta"] = part["points"].abs() * sign[kind]
            part["order"] = order[kind]
            parts.append(part.drop(columns="points"))
    return pd.concat(parts, ignore_index=True)


# key -> (what the rule looks at, what was counted, what was done); shown in this order when present.
RULES: dict[str, tuple[str, str, str]] = {
    "duplicates": ("exact duplicate checks", "checks", "removed"),
    "future_dated": ("dated in the future", "checks", "removed"),
    "outside_period": ("outside the analysed period", "checks", "left out"),
    "returns": ("returns (negative amount)", "checks", "kept, netted in sums"),
    "returns_unlinked": ("returns without a matching purchase", "checks", "kept, netted in sums"),
    "negative_net_customers": ("customers with negative net spend", "customers", "kept"),
    "zero_amount": ("zero amount", "checks", "kept"),
    "duplicate_transaction_ids": ("repeated transaction id, rows differ", "checks",
                                  "kept (lines of one check or a corrected re-send)"),
    "anonymous": ("anonymous (no customer id)", "checks", "kept, not attributed to a customer"),
    "customers_without_profile": ("customers in checks, missing from the customer table", "customers",
                                  "kept, analysed as non-members"),
    "checks_without_profile": ("checks of those customers", "checks", "kept, non-member checks"),
    "profiles_without_checks": ("customers without checks in the period", "customers", "kept"),
    "joined_after_last_purchase": ("joined the program after their last check", "customers",
                                   "kept, no member checks"),
    "redemptions_above_balance": ("redemptions above the points balance", "ledger rows",
                                  "kept (balance before the export unknown)"),
    "customers_above_balance": ("customers redeeming above their balance", "customers", "kept"),
    "mixed_date_formats": ("dates in another format than their column", "values", "parsed"),
    "dates_with_zone": ("dates with a UTC offset", "values", "converted to data.read.timezone"),
}


def rules_table(counts: dict[str, int]) -> pd.DataFrame:
    """One row per rule present in `counts`: what it counts, how many, what was done, and for rules on
    checks their share of the checks read."""
    rows = [(label, int(counts[key]), unit, action) for key, (label, unit, action) in RULES.items()
            if key in counts]
    table = pd.DataFrame(rows, columns=["rule", "count", "unit", "action"])
    read = max(int(counts.get("rows_read", 0)), 1)
    table["share_of_checks"] = (table["count"] / read).where(table["unit"] == "checks")
    return table


def overview(tables: dict[str, pd.DataFrame | None], rows_read: dict[str, int | None]) -> pd.DataFrame:
    """Rows read, rows analysed and date range of every table (missing tables shown as absent)."""
    records = []
    for name, frame in tables.items():
        if frame is None:
            records.append({"table": name, "rows_read": None, "rows_analysed": None, "columns": None,
                            "first_date": None, "last_date": None, "status": "not provided"})
            continue
        dates = frame[MAIN_DATE[name]] if MAIN_DATE[name] in frame else pd.Series(dtype="datetime64[ns]")
        records.append({
            "table": name, "rows_read": rows_read.get(name), "rows_analysed": int(len(frame)),
            "columns": int(frame.shape[1]), "first_date": dates.min(), "last_date": dates.max(),
            "status": "ok",
        })
    return pd.DataFrame(records)


def missing_values(tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Empty cells per column of every provided table, with their share of the table's rows."""
    records = []
    for name, frame in tables.items():
        if frame is None or frame.empty:
            continue
        missing = frame.isna().sum()
        for column, count in missing.items():
            records.append({"table": name, "column": column, "missing": int(count),
                            "share": float(count / len(frame))})
    return pd.DataFrame(records, columns=["table", "column", "missing", "share"])


def completeness(customers: pd.DataFrame | None) -> dict[str, float | None]:
    """Profile completeness, the seed's «наполненность данными»: share of customers with a valid email,
    a phone, a full name (first and last). None where the customer table or the field is absent."""
    if customers is None or customers.empty:
        return {"email": None, "phone": None, "name": None}
    return {key: (float(customers[f"has_{key}"].mean()) if f"has_{key}" in customers else None)
            for key in ("email", "phone", "name")}


def completeness_table(shares: dict[str, float | None]) -> pd.DataFrame:
    """The completeness shares as a table: field, share of customers with it."""
    labels = {"email": "valid email", "phone": "phone number", "name": "first and last name"}
    return pd.DataFrame({"field": [labels[k] for k in shares], "share_of_customers": list(shares.values())})


def monthly_volume(transactions: pd.DataFrame, gap_ratio: float = 0.5) -> pd.DataFrame:
    """Checks, revenue and identified customers per calendar month, every month of the range present.

    A month is flagged as a possible gap in the export when it has fewer than `gap_ratio` × the median
    monthly checks (an empty month always is): gaps usually mean a missing file, not a bad month.
    """
    month = transactions["date"].dt.to_period("M")
    grouped = transactions.groupby(month)
    table = pd.DataFrame({
        "checks": grouped.size(),
        "revenue": grouped["amount"].sum(),
        "customers": grouped["customer_id"].nunique() if "customer_id" in transactions else 0,
    })
    full_range = pd.period_range(month.min(), month.max(), freq="M")
    table = table.reindex(full_range, fill_value=0)
    table.index.name = "month"
    table["possible_gap"] = table["checks"] < gap_ratio * table["checks"].median()
    return table.reset_index()


def headline(rows_read: dict[str, int | None], rejected_rows: int,
             customers: pd.DataFrame | None) -> dict:
    """The data_quality block of kpis.json."""
    return {
        "rows": dict(rows_read),
        "rejected_rows": int(rejected_rows),
        "completeness": completeness(customers),
    }

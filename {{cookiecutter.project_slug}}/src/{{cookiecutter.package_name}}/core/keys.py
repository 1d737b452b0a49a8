"""Ids as integer keys: the fast paths of the cleaning and consistency rules, and of the sections that
select the checks of a set of customers bucket by bucket, on millions of ids.

Hashing ten million id strings takes seconds per pass; the ids of real exports are short (up to 8
bytes) or numeric (up to 16 digits), and then each packs exactly into one 64-bit integer, which Arrow
hashes and numpy sorts several times faster. Other ids (or other dtypes) take pandas' exact paths.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
from numpy.lib.stride_tricks import as_strided

_BYTE_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_LOW_NIBBLES = np.uint64(0x0F0F0F0F0F0F0F0F)
_ONES = np.uint64(0x0101010101010101)


def _string_chunks(values: pd.Series) -> list[pyarrow.Array] | None:
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


@dataclass(frozen=True)
class _Column:
    """One id column's Arrow chunks, their offsets, bytes and lengths, and what the packing needs."""

    chunks: list[pyarrow.Array]
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    longest: int
    has_nul: bool
    digits_only: bool


def _column(values: pd.Series | pd.Index) -> _Column | None:
    chunks = _string_chunks(values)
    if chunks is None:
        return None
    parts, longest, has_nul, digits_only = [], 0, False, True
    for chunk in chunks:
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
    return _Column(chunks, parts, longest, has_nul, digits_only)


def _packing(columns: list[_Column]) -> str | None:
    """"bytes" (every id up to 8 bytes, no NUL), "digits" (digits only, up to 16), else None."""
    longest = max((c.longest for c in columns), default=0)
    if longest <= 8 and not any(c.has_nul for c in columns):
        return "bytes"
    if longest <= 16 and all(c.digits_only for c in columns):
        return "digits"
    return None


def _pack(column: _Column, packing: str) -> tuple[np.ndarray, np.ndarray]:
    keys, present = [], []
    for chunk, (offsets, data, lengths) in zip(column.chunks, column.parts, strict=True):
        padded = np.zeros(len(data) + 16, np.uint8)
        padded[: len(data)] = data
        windows = as_strided(padded, shape=(len(data) + 9, 8), strides=(1, 1))
        first = np.ascontiguousarray(windows[offsets[:-1]]).view("<u8").ravel()
        if packing == "bytes":
            key = first & _BYTE_MASKS[lengths]
        else:
            second = np.ascontiguousarray(windows[offsets[:-1] + 8]).view("<u8").ravel()
            head = _pack_digits(first & _BYTE_MASKS[np.minimum(lengths, 8)], np.minimum(lengths, 8))
            tail = np.clip(lengths - 8, 0, 8)
            key = (head << np.uint64(32)) | _pack_digits(second & _BYTE_MASKS[tail], tail)
        keys.append(key)
        present.append(chunk.is_valid().to_numpy(zero_copy_only=False))
    return (np.concatenate(keys) if keys else np.zeros(0, np.uint64),
            np.concatenate(present) if present else np.zeros(0, bool))


def id_keys(*columns: pd.Series) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Per column (keys, present): uint64 keys equal exactly where the ids are equal (the same packing
    for all the columns given), or None when the ids are not short Arrow strings (see above)."""
    read = [_column(column) for column in columns]
    if any(column is None for column in read):
        return None
    packing = _packing(read)
    if packing is None:
        return None
    return [_pack(column, packing) for column in read]


class IdPositions:
    """reference.get_indexer(values) for a fixed, unique index of ids looked up many times (a big
    client's customers, bucket after bucket): the reference's keys are packed and sorted once, each
    lookup packs its values and binary-searches them. pandas' get_indexer turns every Arrow string
    looked up into a Python object (seconds per million ids). Other ids take get_indexer.
    `memo` keeps what is computed of the reference (`positions_in` shares it while the index lives)."""

    def __init__(self, reference: pd.Index, memo: dict | None = None) -> None:
        self.reference = reference
        self._memo = {} if memo is None else memo

    def _column(self) -> _Column | None:
        if "column" not in self._memo:
            self._memo["column"] = _column(self.reference)
        return self._memo["column"]

    def _keys(self, packing: str) -> tuple[np.ndarray, np.ndarray]:
        if packing not in self._memo:
            keys, present = _pack(self._column(), packing)
            where = np.flatnonzero(present)
            order = where[np.argsort(keys[where], kind="stable")]
            self._memo[packing] = keys[order], order
        return self._memo[packing]

    def _slots(self) -> np.ndarray | None:
        """For a reference of numbered ids (distinct whole numbers 0..n, as the sections number
        customers): the position of each number, -1 for the numbers it lacks; None otherwise."""
        if "slots" not in self._memo:
            self._memo["slots"] = _number_slots(self.reference)
        return self._memo["slots"]

    def numbered(self) -> bool:
        """Whether numbers are looked up by one gather (`_number_slots`)."""
        return self._slots() is not None

    def __call__(self, values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
        """The position in the reference of each value (int64), -1 where absent (or missing: a missing
        id is never looked up)."""
        values = values if isinstance(values, (pd.Series, pd.Index)) else pd.Index(values)
        if values.dtype.kind in "fiu" and self.numbered():
            return _gather(self._slots(), values.to_numpy(dtype="float64", na_value=np.nan))
        mine = self._column()
        column = _column(values) if mine is not None else None
        packing = None if column is None else _packing([column, mine])
        if packing is None:
            return self.reference.get_indexer(pd.Index(values)).astype(np.int64)
        keys, present = _pack(column, packing)
        ordered, order = self._keys(packing)
        if not len(ordered):
            return np.full(len(keys), -1, np.int64)
        # each distinct key searched once, in increasing order (a column repeats its ids, and random
        # probes into millions of sorted keys miss the cache)
        codes, distinct = pd.factorize(keys, sort=True)
        at = np.minimum(np.searchsorted(ordered, distinct), len(ordered) - 1)
        per_key = np.where(ordered[at] == distinct, order[at], -1)
        return np.where(present, per_key[codes], -1).astype(np.int64)


# numbered references above this many slots (and four per id) take the general path: the table of
# slots would cost more memory than it saves time
_MAX_SLOTS = 1 << 24


def _number_slots(reference: pd.Index) -> np.ndarray | None:
    """Position of each number 0..max in a reference of distinct whole numbers (float or integer
    dtype, no missing values), -1 where absent; None for any other reference."""
    if reference.dtype.kind not in "fiu" or not len(reference):
        return None
    numbers = reference.to_numpy(dtype="float64")
    top = numbers.max()
    if not (numbers.min() >= 0 and top < max(_MAX_SLOTS, 4 * len(numbers))) \
            or not np.array_equal(numbers, np.floor(numbers)) or not reference.is_unique:
        return None
    slots = np.full(int(top) + 1, -1, dtype=np.int32 if len(numbers) < 1 << 31 else np.int64)
    slots[numbers.astype(np.int64)] = np.arange(len(numbers))
    return slots


def _gather(slots: np.ndarray, values: np.ndarray) -> np.ndarray:
    """get_indexer of float `values` against the numbers of `slots` (-1: absent, missing, not a whole
    number or out of range), by indexing."""
    inside = (values >= 0) & (values < len(slots))  # False for NaN
    out = np.full(len(values), -1, dtype=np.int64)
    whole = values[inside]
    exact = whole == np.floor(whole)
    out[np.flatnonzero(inside)[exact]] = slots[whole[exact].astype(np.int64)]
    return out


def as_text(index: pd.Index) -> pd.Index:
    """`index` as text ids ("string" dtype): the index itself when it already is text, so that
    `positions_in` finds its memo."""
    return index if isinstance(index.dtype, pd.StringDtype) else pd.Index(index).astype("string")


# id(index) -> (weak reference to it, its memo); the memo holds arrays only, never the index, so the
# entry goes when the index does (the weak reference's callback)
_MEMOS: dict[int, tuple[weakref.ref, dict]] = {}


def positions_in(reference: pd.Index) -> IdPositions:
    """The `IdPositions` of `reference`, its sorted keys made once per index object while it lives (the
    sections look the same customers up in every bucket)."""
    key = id(reference)
    entry = _MEMOS.get(key)
    if entry is None or entry[0]() is not reference:
        entry = (weakref.ref(reference, lambda _, key=key: _MEMOS.pop(key, None)), {})
        _MEMOS[key] = entry
    return IdPositions(reference, entry[1])


class RowsByCustomer:
    """A table with a customer id per row (a campaign's sends, matched units) taken bucket by bucket:
    sorted by id once, so that a bucket finds its own rows by looking its ids up among the table's
    distinct ids (`positions_in`). `is_in` of a bucket against the whole table instead packed the
    table's millions of ids again for every bucket (199 s of a 100M client's campaign tests)."""

    def __init__(self, table: pd.DataFrame, column: str = "customer_id") -> None:
        self.table = table
        codes, uniques = pd.factorize(table[column], sort=True)
        self.customers = pd.Index(uniques)
        self._order = np.argsort(codes, kind="stable")
        self._starts = np.searchsorted(codes[self._order], np.arange(len(uniques) + 1))

    def find(self, ids: pd.Series) -> np.ndarray:
        """The position of each id among the table's distinct ids, -1 where it has no row."""
        return positions_in(self.customers)(ids)

    def rows(self, found: np.ndarray) -> pd.DataFrame:
        """The table's rows of the customers at positions `found` (`find`; -1 ignored), in table
        order."""
        wanted = np.unique(found[found >= 0])
        starts, ends = self._starts[wanted], self._starts[wanted + 1]
        lengths = ends - starts
        shift = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        rows = np.sort(self._order[np.arange(lengths.sum()) + shift])
        return self.table.iloc[rows]


def contains(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
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


def repeated_keys(keys: np.ndarray) -> np.ndarray:
    """Per key: does the same key occur elsewhere (duplicated(keep=False)), by one sort."""
    ordered = np.sort(keys)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    return contains(keys, repeated)


def position_in(keys: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """For each key, the first position of the same key in `reference`, -1 where it is absent."""
    if not len(reference) or not len(keys):
        return np.full(len(keys), -1, np.int64)
    found = pc.index_in(pyarrow.array(keys), value_set=pyarrow.array(reference))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)



def repeated_values(values: pd.Series) -> int:
    """How many non-missing values repeat an earlier one (values.dropna().duplicated().sum())."""
    keys = id_keys(values)
    if keys is None:
        return int(values.dropna().duplicated().sum())
    key, present = keys[0]
    ordered = key[present]  # a copy, sorted in place
    ordered.sort()
    return int((ordered[1:] == ordered[:-1]).sum())


def is_in(values: pd.Series, reference: pd.Series) -> pd.Series:
    """values.isin(reference) for id columns, False for missing values.

    Short ids are compared as integer keys (see id_keys); others are factorized into integer codes
    first: pandas' isin with Arrow strings turns the reference into a Python list of scalars (8 s for a
    million ids), the codes cost a hash pass each.
    """
    if isinstance(values.dtype, pd.StringDtype) and reference.dtype == object:
        # ids gathered into a Python list (object) compare as the column's strings: keeps the fast path
        reference = reference.astype(values.dtype)
    keys = id_keys(values, reference)
    if keys is not None:
        (mine, present), (theirs, known) = keys
        return pd.Series(contains(mine, theirs[known]) & present, index=values.index)
    both = pd.concat([values.reset_index(drop=True), reference.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)
    mine, theirs = codes[: len(values)], codes[len(values):]
    return pd.Series(np.isin(mine, theirs[theirs >= 0]) & (mine >= 0), index=values.index)

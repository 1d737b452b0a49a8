"""Ids as integer keys: the fast paths of the cleaning and consistency rules, and of the sections that
select the checks of a set of customers bucket by bucket, on millions of ids.

Hashing ten million id strings takes seconds per pass; the ids of real exports are short (up to 8
bytes) or numeric (up to 16 digits), and then each packs exactly into one 64-bit integer, which Arrow
hashes and numpy sorts several times faster. Other ids (or other dtypes) take pandas' exact paths.
"""

from __future__ import annotations

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


def id_keys(*columns: pd.Series) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Per column (keys, present): uint64 keys equal exactly where the ids are equal (the same packing
    for all the columns given), or None when the ids are not short Arrow strings (see above)."""
    chunked = [_string_chunks(column) for column in columns]
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
    keys = id_keys(values, reference)
    if keys is not None:
        (mine, present), (theirs, known) = keys
        return pd.Series(contains(mine, theirs[known]) & present, index=values.index)
    both = pd.concat([values.reset_index(drop=True), reference.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)
    mine, theirs = codes[: len(values)], codes[len(values):]
    return pd.Series(np.isin(mine, theirs[theirs >= 0]) & (mine >= 0), index=values.index)

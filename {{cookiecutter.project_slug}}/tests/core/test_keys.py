"""core.keys: the integer-key fast paths give exactly pandas' answers (isin, get_indexer) for every
kind of id: short text, long digit strings, long text (pandas' path), object and numeric ids."""

import gc

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core import keys
from {{ cookiecutter.package_name }}.core.keys import IdPositions, id_keys, is_in, positions_in

RNG = np.random.default_rng(7)
NUMBERS = RNG.choice(10**7, 3000, replace=False)
KINDS = {
    "short text": [f"C{x % 10**6:06d}" for x in NUMBERS],  # 7 bytes: packed as bytes
    "long digits": [f"{x:014d}" for x in NUMBERS],  # 14 digits: packed as digits
    "long text": [f"customer-{x}" for x in NUMBERS],  # neither: pandas' own path
}


def _reference_and_values(ids: list[str]) -> tuple[pd.Index, pd.Series]:
    reference = pd.Index(ids[:2000], dtype="str").unique().sort_values()
    # ids among the reference (repeated), ids not in it, a missing one and the empty string
    drawn = list(np.array(ids)[RNG.integers(0, 3000, 5000)]) + [None, ""]
    return reference, pd.Series(drawn, dtype="str")


@pytest.mark.parametrize("kind", KINDS)
def test_positions_equal_get_indexer(kind: str) -> None:
    reference, values = _reference_and_values(KINDS[kind])
    expected = reference.get_indexer(values)
    expected[values.isna().to_numpy()] = -1
    got = IdPositions(reference)(values)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)
    assert (got >= 0).sum() > 1000 and (got == -1).sum() > 1000  # both kinds of answer were asked


@pytest.mark.parametrize("kind", KINDS)
def test_is_in_equals_isin(kind: str) -> None:
    reference, values = _reference_and_values(KINDS[kind])
    expected = values.isin(reference) & values.notna()
    pd.testing.assert_series_equal(is_in(values, pd.Series(reference)), expected, check_names=False)
    # a reference gathered into Python objects answers the same
    as_objects = pd.Series(list(reference), dtype=object)
    pd.testing.assert_series_equal(is_in(values, as_objects), expected, check_names=False)


def test_packing_follows_every_column() -> None:
    """Keys are equal exactly where ids are: 8-byte ids beside 12-digit ones switch both columns to
    the digits packing, and a long text id anywhere leaves the keys to pandas."""
    short = pd.Series(["12345678", "1", "00000001"], dtype="str")
    long_digits = pd.Series(["000000000001", "12345678"], dtype="str")
    (a, _), (b, _) = id_keys(short, long_digits)
    assert a[0] == b[1] and a[1] != b[0] and a[2] != b[0]  # "1", "00000001", "000000000001" all differ
    assert id_keys(short, pd.Series(["customer-long-id"], dtype="str")) is None
    assert id_keys(pd.Series([1, 2])) is None


def test_positions_of_other_ids_and_edges() -> None:
    numeric = IdPositions(pd.Index([30.0, 10.0, 20.0]))
    np.testing.assert_array_equal(numeric(pd.Index([10.0, 40.0, 30.0])), [1, -1, 0])
    objects = IdPositions(pd.Index(["b", "a"], dtype=object))
    np.testing.assert_array_equal(objects(pd.Series(["a", "x"], dtype="str")), [1, -1])
    np.testing.assert_array_equal(IdPositions(pd.Index([], dtype="str"))(pd.Series(["a"], dtype="str")), [-1])
    assert IdPositions(pd.Index(["a"], dtype="str"))(pd.Series([], dtype="str")).shape == (0,)


def test_positions_are_made_once_per_index_and_forgotten_with_it() -> None:
    reference = pd.Index(["b", "a", "c"], dtype="str")
    first = positions_in(reference)
    np.testing.assert_array_equal(first(pd.Series(["c", "a"], dtype="str")), [2, 1])
    memo = first._memo
    assert memo and positions_in(reference)._memo is memo  # the sorted keys are made once
    assert positions_in(reference.copy())._memo is not memo  # an equal index is another object
    count = len(keys._MEMOS)
    del reference, first
    gc.collect()
    assert len(keys._MEMOS) < count  # the memo went with its index: no big index is held forever


@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_numbered_ids_are_gathered_and_equal_get_indexer(dtype: str) -> None:
    """A reference of distinct whole numbers (the sections' numbered customers, any order, gaps) is
    looked up by one gather: the same answer as get_indexer for numbers inside, outside, missing,
    negative, fractional, as integers or floats; references that are not numbered take get_indexer."""
    reference = pd.Index(RNG.permutation(np.arange(0, 6000, 3)), dtype=dtype)
    values = np.concatenate([RNG.integers(-5, 6100, 5000).astype(float), [np.nan, 2.5, -0.0, 1e300]])
    lookup = IdPositions(reference)
    assert lookup.numbered()
    expected = reference.get_indexer(pd.Index(values))
    np.testing.assert_array_equal(lookup(pd.Series(values)), expected)
    integers = values[np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 1e9)].astype(int)
    np.testing.assert_array_equal(lookup(pd.Index(integers)), reference.get_indexer(pd.Index(integers)))
    assert (expected >= 0).sum() > 1000 and (expected == -1).sum() > 1000
    assert not IdPositions(pd.Index([1.0, 1.0])).numbered()  # repeated numbers
    for other in (pd.Index([0.5, 2.0]), pd.Index([-1.0, 2.0]), pd.Index([1.0, np.nan])):
        assert not IdPositions(other).numbered()
        asked = pd.Index([2.0, 0.5, -1.0, np.nan])
        np.testing.assert_array_equal(IdPositions(other)(asked), other.get_indexer(asked))


def test_rows_by_customer_are_the_rows_isin_keeps_in_table_order():
    rng = np.random.default_rng(5)
    ids = pd.Series(rng.choice([f"c{i}" for i in range(300)], 5000), dtype="string[pyarrow]")
    ids[rng.random(5000) < 0.05] = pd.NA
    table = pd.DataFrame({"customer_id": ids, "row": np.arange(5000)})
    rows = keys.RowsByCustomer(table)
    for asked in (["c1", "c7", "nobody", None, "c299"], [f"c{i}" for i in range(0, 300, 3)], []):
        bucket = pd.Series(asked * 2, dtype="string[pyarrow]")
        found = rows.find(bucket)
        assert ((found >= 0) == bucket.isin(table["customer_id"].dropna()).to_numpy()).all()
        expected = table[table["customer_id"].isin(bucket.dropna()).fillna(False).to_numpy(bool)]
        pd.testing.assert_frame_equal(rows.rows(found), expected)

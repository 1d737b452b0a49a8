"""Receipt lines: an export with one row per line of a check (most POS and 1C exports), summed into checks.

A transactions file is line-level when `line_amount`, or `quantity` and `price`, are mapped (schema.py:
it then needs `transaction_id` instead of `amount`). Its lines become checks before any cleaning rule:
- every line needs its check number: lines without a `transaction_id` are an error that names the file,
  the column and example rows (their row in the file and what they hold);
- amount = Σ line_amount over the check's lines; a line without `line_amount` counts quantity × price;
  a line with neither is an error. A check whose net is negative is a return (the returns rules apply);
- items = Σ quantity (or Σ items where the export calls the line's quantity `items`);
- discount, points_earned and points_redeemed are summed too (exports give them per line); empty lines
  count as 0, a check all of whose lines are empty keeps an empty value;
- date, customer_id, store_id, region and loyalty_card are the check's: taken from its first line in the
  file. Checks whose lines disagree on any of them are counted (`conflicts`) and keep the first line's;
- sums are exact in the decimals the values are written with (up to 6): lines of 0,10 + 0,20 make a
  check of 0,30, the same number a check export writes;
- lines are not de-duplicated: two identical lines are two units of the check (exports carry no line
  number); exact duplicate checks are then removed by the cleaning rule as for check exports;
- checks are ordered by their first line; the lines of a check need not be adjacent (the file is read in
  chunks and a check's lines may lie in different chunks, or anywhere in the file).
Mapping `amount` beside line columns, `quantity` without `price` (and no `line_amount`), or both
`quantity` and `items` is an error: which is meant is the client's to say.

Memory: the lines are read into their typed columns (as a check export of as many rows), then each
column is moved into the checks one at a time and freed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from ..core.keys import id_keys
from ..core.memory import release_arrow_pool
from .errors import MAX_EXAMPLES, DataError
from .schema import LINES_REQUIRED

LINE_COLUMNS = ("quantity", "price", "line_amount")
SUMMED = ("discount", "points_earned", "points_redeemed")
FIRST_LINE = ("date", "customer_id", "store_id", "region", "loyalty_card")
MAX_DECIMALS = 6


def is_lines(columns: Any) -> bool:
    """Does a transactions table with these columns hold receipt lines?"""
    names = set(columns)
    return "line_amount" in names or {"quantity", "price"} <= names


def check_columns(columns: Any, file: Path | str) -> None:
    """Refuse mappings that leave it unclear whether the rows are checks or lines (module docstring)."""
    names = set(columns)
    if not is_lines(names):
        stray = [c for c in ("quantity", "price") if c in names]
        if stray:
            raise DataError(file, "receipt lines need quantity and price together, or line_amount; for one "
                            "row per check map the check's amount (and its number of items to items)",
                            stray[0])
        return
    if "amount" in names:
        raise DataError(file, "both a check amount and receipt-line columns (line_amount / quantity and "
                        "price) are mapped: map amount for one row per check, or the line columns for one "
                        "row per receipt line (the check's amount is then the sum of its lines)", "amount")
    if "quantity" in names and "items" in names:
        raise DataError(file, "both quantity and items are mapped for receipt lines: items is the sum of "
                        "the lines' quantity, map only quantity", "items")


def summary(lines: int, checks: int, conflicts: int) -> dict[str, Any]:
    """What prepared.json records under `lines`: lines read, checks formed, lines per check, and the
    checks whose lines disagree on a check column."""
    return {"read": int(lines), "checks": int(checks),
            "per_check": float(lines / checks) if checks else None, "conflicts": int(conflicts)}


def to_checks(lines: pd.DataFrame, file: Path | str, header_row: int = 0,
              record: dict[str, Any] | None = None) -> pd.DataFrame:
    """The checks the receipt lines make (module docstring). The columns of `lines` are moved out one by
    one (it is left empty). `record`, when given, receives `summary(...)`; `header_row` places the
    example rows of an error in the file."""
    check_columns(lines.columns, file)
    n_lines = len(lines)
    codes = _check_codes(lines, file, header_row)
    amount = _line_amounts(lines, file, header_row)
    first = _first_lines(codes)
    n_checks = len(first)
    conflicts = _conflicts(lines, codes, first) if n_checks < n_lines else 0
    out: dict[str, Any] = {}  # in the file's order; amount where the first line column is
    for name in list(lines.columns):
        if name in (*LINE_COLUMNS, "items") and "amount" not in out:
            out["amount"] = _exact_sums(amount, codes, n_checks, missing=False)
            del amount
        column = lines[name]
        if name in ("quantity", "items"):
            out["items"] = _exact_sums(column.to_numpy(dtype=float, na_value=np.nan), codes, n_checks)
        elif name in SUMMED:
            out[name] = _exact_sums(column.to_numpy(dtype=float, na_value=np.nan), codes, n_checks)
        elif name not in LINE_COLUMNS:
            out[name] = column.iloc[first].reset_index(drop=True)
        del column, lines[name]
        release_arrow_pool()
    if record is not None:
        record.update(summary(n_lines, n_checks, conflicts))
    return pd.DataFrame(out, index=pd.RangeIndex(n_checks), copy=False)


def _shown(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ") if value != value.normalize() else value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_shown(lines: pd.DataFrame, bad: np.ndarray, header_row: int) -> list[str]:
    """Example rows: their row in the file (1 = the first row; a header at `header_row`) and their values."""
    shown = []
    for position in np.flatnonzero(bad)[:MAX_EXAMPLES]:
        values = [f"{name} {_shown(lines[name].iloc[position])}" for name in
                  ("date", "customer_id", "quantity", "price", "line_amount")
                  if name in lines and not pd.isna(lines[name].iloc[position])]
        shown.append(f"row {int(position) + header_row + 2}: {', '.join(values)}")
    return shown


def _check_codes(lines: pd.DataFrame, file: Path | str, header_row: int) -> np.ndarray:
    """Per line, the number of its check in order of first appearance (0, 1, ...)."""
    ids = lines[LINES_REQUIRED[1]]
    keys = id_keys(ids)
    if keys is not None:
        key, present = keys[0]
    else:
        present = ids.notna().to_numpy(dtype=bool)
    if not present.all():
        bad = ~present
        raise DataError(file, f"{int(bad.sum())} receipt line(s) have no check number: lines are summed into "
                        "checks by transaction_id, so every line needs one", "transaction_id",
                        _rows_shown(lines, bad, header_row))
    codes, _ = pd.factorize(key if keys is not None else ids)
    return codes.astype(np.int64, copy=False)


def _line_amounts(lines: pd.DataFrame, file: Path | str, header_row: int) -> np.ndarray:
    """Per line, line_amount, else quantity × price; an error where neither is given."""
    nan = np.full(len(lines), np.nan)
    amount = lines["line_amount"].to_numpy(dtype=float, na_value=np.nan) if "line_amount" in lines else nan
    if "quantity" in lines and "price" in lines:
        product = (lines["quantity"].to_numpy(dtype=float, na_value=np.nan)
                   * lines["price"].to_numpy(dtype=float, na_value=np.nan))
        amount = np.where(np.isnan(amount), product, amount)
    bad = np.isnan(amount)
    if bad.any():
        column = "line_amount" if "line_amount" in lines else ("quantity" if lines["quantity"].isna().any()
                                                                else "price")
        raise DataError(file, f"{int(bad.sum())} receipt line(s) have no amount: neither line_amount nor "
                        "quantity and price", column, _rows_shown(lines, bad, header_row))
    return amount


def _first_lines(codes: np.ndarray) -> np.ndarray:
    """Position of the first line of each check (codes number checks in order of first appearance)."""
    if not len(codes):
        return np.zeros(0, np.int64)
    seen = np.maximum.accumulate(codes)
    new = np.empty(len(codes), bool)
    new[0] = True
    new[1:] = codes[1:] > seen[:-1]
    return np.flatnonzero(new)


def _differs(column: pd.Series, of_line: np.ndarray) -> np.ndarray:
    """Per line: does its value differ from its check's first line (`of_line`: that line's position)?
    Two missing values agree."""
    if isinstance(column.dtype, pd.StringDtype):  # Arrow compares strings faster than it hashes them
        values = pyarrow.chunked_array(pyarrow.array(column.array))
        reference = values.take(pyarrow.array(of_line))
        unequal = pc.fill_null(pc.not_equal(values, reference), False).to_numpy(zero_copy_only=False)
        if values.null_count:
            unequal |= (values.is_valid().to_numpy(zero_copy_only=False)
                        != reference.is_valid().to_numpy(zero_copy_only=False))
        return unequal
    values = column.to_numpy()
    reference = values[of_line]
    differs = values != reference
    if values.dtype.kind in "mM":
        differs &= ~(np.isnat(values) & np.isnat(reference))
    elif values.dtype.kind == "f":
        differs &= ~(np.isnan(values) & np.isnan(reference))
    return np.asarray(differs, dtype=bool)


def _conflicts(lines: pd.DataFrame, codes: np.ndarray, first: np.ndarray) -> int:
    """Checks whose lines disagree on a check column (date, customer, store, region, card)."""
    of_line = first[codes]
    differs = np.zeros(len(codes), bool)
    for name in FIRST_LINE:
        if name in lines:
            differs |= _differs(lines[name], of_line)
    return int(np.count_nonzero(np.bincount(codes[differs], minlength=len(first))))


def _whole_units(values: np.ndarray, decimals: int) -> np.ndarray | None:
    """values × 10^decimals as whole numbers (float64), if every value has at most `decimals` decimals
    and their sum stays exact in float64; None otherwise. Missing values must be 0."""
    scaled = values * 10.0**decimals
    units = np.rint(scaled)
    np.subtract(scaled, units, out=scaled)
    np.abs(scaled, out=scaled)
    largest = float(np.abs(units).max(initial=0.0))
    if float(scaled.max(initial=0.0)) > max(1e-6, largest * 1e-12) or largest * len(values) >= 2.0**53:
        return None
    return units


def _exact_sums(values: np.ndarray, codes: np.ndarray, n: int, missing: bool = True) -> np.ndarray:
    """Σ values per check, exact in the decimals the values are written with (up to MAX_DECIMALS; a plain
    float sum beyond); with `missing`, empty values count 0 and a check with only empty values gets NaN."""
    empty = np.isnan(values) if missing else np.zeros(0, bool)
    if empty.any():
        values = np.where(empty, 0.0, values)
    probe = values[:65536]
    first = next((d for d in range(MAX_DECIMALS + 1) if _whole_units(probe, d) is not None), MAX_DECIMALS)
    units, decimals = None, first
    for decimals in range(first, MAX_DECIMALS + 1):
        units = _whole_units(values, decimals)
        if units is not None:
            break
    sums = np.bincount(codes, weights=values if units is None else units, minlength=n)
    if units is not None and decimals:
        sums /= 10.0**decimals
    if empty.any():
        sums[np.bincount(codes, weights=~empty, minlength=n) == 0] = np.nan
    return sums

"""Converting canonical columns: yes/no, codes, identifiers and text here; numbers and dates in their
own modules. `column_converter` picks the converter of a column by its kind in the contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from .arrays import WHITESPACE, arrow_strings, has_byte, string_buffers, trimmed
from .column import Column, Strings
from .dates import Dates
from .errors import example_values, value_error
from .numbers import Numbers
from .options import ReadingNotes, ReadOptions
from .schema import CODES, FALSE_WORDS, SCHEMA, TRUE_WORDS


class Bools(Column):
    def add(self, text: pd.Series, start: int) -> None:
        lowered = pc.fill_null(pc.utf8_lower(pc.utf8_trim_whitespace(arrow_strings(text))), "")
        known = pc.is_in(lowered, value_set=pyarrow.array(sorted(TRUE_WORDS | FALSE_WORDS)))
        bad = ~known.to_numpy(zero_copy_only=False)
        if bad.any():
            raise value_error(self.file, self.column, 1, int(bad.sum()),
                              "values are not yes/no (1/0, true/false, да/нет)", example_values(text[bad]),
                              counted=False)
        true = pc.is_in(lowered, value_set=pyarrow.array(sorted(TRUE_WORDS)))
        self._store(true.to_numpy(zero_copy_only=False).astype(bool))

    def finish(self, notes: ReadingNotes | None) -> np.ndarray:
        values = np.concatenate(self.parts) if self.parts else np.zeros(0, bool)
        self.parts = []
        return values


def to_bool(text: pd.Series, file: Path, column: str) -> pd.Series:
    converter = Bools(Path(file), column, ReadOptions())
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index)


class Codes(Strings):
    def __init__(self, file: Path, column: str, options: ReadOptions, mapping: dict[str, str],
                 allowed: tuple[str, ...]) -> None:
        super().__init__(file, column, options)
        self.mapping, self.allowed = mapping, allowed

    def add(self, text: pd.Series, start: int) -> None:
        stripped = pc.utf8_trim_whitespace(arrow_strings(text))
        distinct = pc.unique(pc.drop_null(stripped))
        # the mapping and lower-casing of each distinct value, as pandas does them value by value
        named = pd.Series(pd.arrays.ArrowStringArray(distinct))
        mapped = named.map(lambda v: self.mapping.get(v, v) if v is not pd.NA else v)
        lowered = pyarrow.array(mapped.astype("string").str.lower().array)
        codes = pc.take(lowered, pc.index_in(stripped, value_set=distinct))
        known = pc.is_in(codes, value_set=pyarrow.array(list(self.allowed), type=codes.type))
        bad = (codes.is_valid().to_numpy(zero_copy_only=False)
               & ~known.to_numpy(zero_copy_only=False))
        if bad.any():
            raise value_error(self.file, self.column, 1, int(bad.sum()),
                              f"unknown codes; expected {', '.join(self.allowed)} — map the client's codes "
                              f"under data.<table>.values.{self.column}", example_values(text[bad]),
                              counted=False)
        self._store(codes.cast(pyarrow.large_string()))


def to_code(text: pd.Series, mapping: dict[str, str], allowed: tuple[str, ...], file: Path,
            column: str) -> pd.Series:
    converter = Codes(Path(file), column, ReadOptions(), mapping, allowed)
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index)


_SPREADSHEET_ID = r"^(\d+)[.,]0$"
# a number in Excel's scientific notation (1,23457E+11, 1.23457E+11, 1E+15): the digits past the
# sixth are lost, so different ids become one
SCIENTIFIC_ID = r"^[+-]?\d+(?:[.,]\d+)?[eE]\+\d+$"


class Ids(Strings):
    """Identifiers as text, surrounding spaces removed; a spreadsheet's `7.0` is `7`; ids in scientific
    notation are an error (SCIENTIFIC_ID)."""

    def add(self, text: pd.Series, start: int) -> None:
        ids = trimmed(text)
        if has_byte(ids, 0x2B):  # a '+': only then can a value be in scientific notation
            scientific = pc.fill_null(pc.match_substring_regex(ids, SCIENTIFIC_ID), False)
            bad = scientific.to_numpy(zero_copy_only=False)
            if bad.any():
                raise value_error(
                    self.file, self.column, 1, int(bad.sum()),
                    " value(s) are numbers in scientific notation, as Excel shows long numbers in a "
                    "'General' column: their last digits are lost and different ids merge. Re-export the "
                    "file with this column formatted as text (in Excel: select the column, Format Cells "
                    "→ Text, before the values are entered or pasted; or save the export from the "
                    "source system straight to CSV without opening it in Excel)",
                    example_values(text[bad]))
        if pc.any(pc.or_(pc.ends_with(ids, ".0"), pc.ends_with(ids, ",0"))).as_py():
            ids = pc.replace_substring_regex(ids, pattern=_SPREADSHEET_ID, replacement=r"\1")
        self._store(ids.cast(pyarrow.large_string()))


def to_id(text: pd.Series) -> pd.Series:
    """Identifiers as strings; numeric-looking ids lose a trailing '.0' that spreadsheets add."""
    converter = Ids(Path(), "", ReadOptions())
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index)


class Texts(Strings):
    def add(self, text: pd.Series, start: int) -> None:
        self._store(trimmed(text).cast(pyarrow.large_string()))


# Total lines (read.py's docstring): the column whose cell is empty (or holds the total word) on a total
# line of each table's export, and the words that open a total line's cell, in any case, alone or
# followed by a colon, a space or punctuation ("Итого", "ИТОГО:", "Всего по магазину", "Total: 15")
TOTAL_KEYS = {"transactions": "date", "points": "date", "nps": "date", "surveys": "date",
              "campaigns": "sent_at", "customers": "customer_id"}
TOTAL_WORD = (f"(?i)^[{WHITESPACE}]*(?:итого|всего|итог|total|totals|grand total|subtotal|sub-total)"
              f"(?:$|[{WHITESPACE}:.,;(-])")


def _is_total(values: pd.Series) -> np.ndarray:
    return pc.fill_null(pc.match_substring_regex(arrow_strings(values), TOTAL_WORD), False).to_numpy(
        zero_copy_only=False)


def set_aside_totals(chunk: pd.DataFrame, table: str,
                     picked: list[tuple[int, str]]) -> tuple[pd.DataFrame, int]:
    """The chunk without its total lines, and how many there were. A total line has an empty key cell
    (TOTAL_KEYS: the date of checks) or the total word in it, and a text cell, mapped or not, that opens
    with a total word (TOTAL_WORD): the sums 1C and Excel add under (or inside) an export."""
    position = next((p for p, name in picked if name == TOTAL_KEYS.get(table)), None)
    if position is None or not len(chunk):
        return chunk, 0
    key = arrow_strings(chunk.iloc[:, position])
    offsets, data, valid = string_buffers(key)
    if not len(data):
        data = np.zeros(1, np.uint8)
    first = data[np.minimum(offsets[:-1], len(data) - 1)]  # of each key (another's for empty ones)
    rows = np.flatnonzero(~valid | (offsets[1:] == offsets[:-1]) | (first < 0x30) | (first > 0x39))
    if not rows.size:
        return chunk, 0
    candidates = chunk.iloc[rows]
    key_text = pc.utf8_trim_whitespace(arrow_strings(candidates.iloc[:, position]))
    empty = pc.fill_null(pc.equal(pc.binary_length(key_text), 0), True).to_numpy(zero_copy_only=False)
    rows, candidates = rows[empty | _is_total(candidates.iloc[:, position])], None
    if not rows.size:
        return chunk, 0
    total = np.zeros(rows.size, bool)
    for j in range(chunk.shape[1]):
        cells = chunk.iloc[rows, j]
        if not pd.api.types.is_numeric_dtype(cells.dtype):
            total |= _is_total(cells)
    if not total.any():
        return chunk, 0
    keep = np.ones(len(chunk), bool)
    keep[rows[total]] = False
    return chunk[keep], int(total.sum())


def column_converter(table: str, column: str, options: ReadOptions, values: dict[str, dict[str, str]],
                     file: Path) -> Column:
    kind = SCHEMA[table][column]
    if kind == "number":
        return Numbers(file, column, options)
    if kind == "date":
        return Dates(file, column, options)
    if kind == "bool":
        return Bools(file, column, options)
    if kind == "code":
        return Codes(file, column, options, values.get(column, {}), CODES[(table, column)])
    if kind == "id":
        return Ids(file, column, options)
    return Texts(file, column, options)


def convert(mapped: pd.DataFrame, table: str, options: ReadOptions, values: dict[str, dict[str, str]],
            file: Path, notes: ReadingNotes | None = None) -> pd.DataFrame:
    """Convert each canonical column by its kind (see SCHEMA)."""
    out = {}
    for column in mapped.columns:
        converter = column_converter(table, column, options, values, file)
        converter.add(mapped[column].set_axis(pd.RangeIndex(len(mapped))), 0)
        out[column] = converter.finish(notes)
    return pd.DataFrame(out).set_axis(mapped.index)

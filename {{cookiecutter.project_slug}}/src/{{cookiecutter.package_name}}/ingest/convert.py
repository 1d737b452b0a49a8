"""Converting canonical columns: yes/no, codes, identifiers and text here; numbers and dates in their
own modules. `column_converter` picks the converter of a column by its kind in the contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from .arrays import arrow_strings, trimmed
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


class Ids(Strings):
    def add(self, text: pd.Series, start: int) -> None:
        ids = trimmed(text)
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

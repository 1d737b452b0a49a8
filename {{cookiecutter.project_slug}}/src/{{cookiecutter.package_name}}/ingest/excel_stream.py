"""Streaming read of an Excel workbook (.xlsx, .xlsm): a sheet's rows as text, a chunk at a time.

The in-memory path reads a sheet with pd.read_excel (spreadsheet.read_typed), whose openpyxl reader
opens the workbook read-only with cached formula values, converts every cell (an empty cell is "", an
error cell such as #N/A or #DIV/0! is missing, a number equal to an integer is that integer, booleans,
dates, times and texts are kept), trims each row's trailing "" cells, drops the rows left empty at the
end of the sheet (empty rows between rows are kept), pads every row to the widest, and parses the rows
with its Python parser: the header row (`header_row`, the rows above it skipped), "Unnamed: i" for an
empty name, ".1", ".2" suffixes for a repeated one, pandas' missing markers ("", "NA", "N/A", "#N/A",
"NULL", "nan", ...) as missing, every column of dtype object; the cells are then rendered as text
(spreadsheet.sheet_as_text).

excel_chunks does the same through the same calls, a chunk of rows at a time: the workbook is opened
by pd.ExcelFile (same format check, engine and errors), the sheet is iterated as pandas iterates it,
cells are converted as pandas' `_convert_cell` does, each chunk is parsed by pandas' TextParser with
the rows down to the header row in front of it, so names, missing markers and types are those of the
whole sheet. A run of empty rows is only counted until a row with data follows it (dropped at the end).
Only the width needs the whole sheet: rows are padded to the widest row of the first chunk; a later
row wider than that raises Wider, and stream.stream_table reads the sheet again with the width of the
whole sheet (sheet_width), so such a file is read two or three times, any other once.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.parsers import TextParser

from .errors import reading_errors
from .options import ReadOptions
from .spreadsheet import sheet_as_text, sheet_of

STREAMED_SUFFIXES = (".xlsx", ".xlsm")  # openpyxl's formats; an .xls (xlrd) is read whole


def is_streamed_excel(path: Path) -> bool:
    return path.suffix.lower() in STREAMED_SUFFIXES


class Wider(Exception):
    """A row after the first chunk is wider than the rows before it: the sheet is read again."""


def _convert_cell(cell: Any) -> Any:
    """pandas' OpenpyxlReader._convert_cell."""
    if cell.value is None:
        return ""
    if cell.data_type == "e":  # openpyxl TYPE_ERROR
        return np.nan  # the one object, as pandas (a header of several is deduplicated by identity)
    if cell.data_type == "n":  # TYPE_NUMERIC
        value = int(cell.value)
        return value if value == cell.value else float(cell.value)
    return cell.value


def _sheet(book: pd.ExcelFile, options: ReadOptions) -> Any:
    """The worksheet pandas reads, with its errors (BaseExcelReader.raise_if_bad_sheet_by_*)."""
    sheet = sheet_of(options)
    if isinstance(sheet, str):
        if sheet not in book.sheet_names:
            raise ValueError(f"Worksheet named '{sheet}' not found")
        return book.book[sheet]
    if sheet >= len(book.sheet_names):
        raise ValueError(f"Worksheet index {sheet} is invalid, {len(book.sheet_names)} worksheets found")
    return book.book.worksheets[sheet]


def _sheet_rows(path: Path, options: ReadOptions) -> Iterator[list[Any]]:
    """Every row of the sheet, its cells converted and trailing "" cells trimmed (pandas'
    OpenpyxlReader.get_sheet_data, row by row)."""
    with reading_errors(path, options), pd.ExcelFile(path) as book:
        if book.engine != "openpyxl":
            raise ValueError(f"{path}: only openpyxl workbooks are streamed, not {book.engine}")
        sheet = _sheet(book, options)
        sheet.reset_dimensions()  # declared dimensions can be wrong: pandas infers the extent too
        for cells in sheet.rows:
            row = [_convert_cell(cell) for cell in cells]
            while row and row[-1] == "":
                row.pop()
            yield row


def sheet_width(path: Path, options: ReadOptions) -> int:
    """The widest row of the sheet (its cells trimmed): the width pandas pads every row to."""
    return max((len(row) for row in _sheet_rows(path, options)), default=0)


@contextlib.contextmanager
def _parser_errors(options: ReadOptions) -> Iterator[None]:
    """pandas adds the sheet to the message of its parser's errors (_BaseExcelReader._parse_sheet)."""
    try:
        yield
    except Exception as error:
        if error.args:
            error.args = (f"{error.args[0]} (sheet: {sheet_of(options)})", *error.args[1:])
        raise


class _Chunks:
    """Rows gathered into chunks as excel_chunks yields them."""

    def __init__(self, path: Path, options: ReadOptions, rows: int, width: int) -> None:
        self.path, self.options, self.rows, self.width = path, options, rows, width
        self.head: list[list[Any]] = []  # the header row and the rows above it
        self.chunk: list[list[Any]] = []
        self.started = False  # a chunk was yielded: the width is fixed

    def take(self, row: list[Any]) -> pd.DataFrame | None:
        """Add a row (of a sheet's rows with data, or between them); a full chunk when there is one."""
        if len(self.head) <= self.options.header_row:
            self.head.append(row)
            return None
        if len(row) > self.width:
            if self.started:
                raise Wider(len(row))
            self.width = len(row)
        self.chunk.append(row)
        return self.parsed() if len(self.chunk) >= self.rows else None

    def parsed(self) -> pd.DataFrame:
        """The chunk's rows, the header row and those above it first, parsed as pandas parses the
        sheet (_BaseExcelReader._parse_sheet) and rendered as text."""
        if not self.started:
            self.width = max([self.width, *(len(row) for row in self.head)])
        padded = [row + [""] * (self.width - len(row)) for row in self.head + self.chunk]
        self.started, self.chunk = True, []
        with reading_errors(self.path, self.options):
            with _parser_errors(self.options):
                frame = TextParser(padded, header=self.options.header_row, dtype=object,
                                   skip_blank_lines=False).read()
            return sheet_as_text(frame, self.options)


def excel_chunks(path: Path, options: ReadOptions, rows: int = 200_000,
                 width: int = 0) -> Iterator[pd.DataFrame]:
    """The sheet's cells as text (spreadsheet.read_typed), at most `rows` rows at a time, padded to at
    least `width` columns; Wider when a row after the first chunk is wider than the first chunk's."""
    chunks = _Chunks(path, options, rows, width)
    empty = 0  # empty rows not yet known to lie between rows with data (dropped at the end)
    for row in _sheet_rows(path, options):
        if not row:
            empty += 1
            continue
        for kept in itertools.chain(itertools.repeat([], empty), [row]):  # rows are never changed
            chunk = chunks.take(kept)
            if chunk is not None:
                yield chunk
        empty = 0
    if chunks.head and (chunks.chunk or not chunks.started):
        yield chunks.parsed()  # with too few rows for the header, what pandas gives (an error, no rows)

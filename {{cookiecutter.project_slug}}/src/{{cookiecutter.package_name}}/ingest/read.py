"""Read a client's exports into the canonical tables of the data contract, and validate them.

Every file is read as text first and each canonical column is converted by its own rule, so that an
error can name the file, the column and example values that failed. Read options (separator, decimal
mark, thousands separator, encoding, date format, header row, Excel sheet) come from the client config.

Rules applied while reading (all documented in the README's "Reading and cleaning rules"):
- encoding: a file that starts with a byte-order mark is read in the BOM's encoding (UTF-8 or UTF-16)
  whatever `encoding` says; otherwise `encoding` is used and a byte it cannot decode is an error.
- separator: `sep` may be written "\\t" or "tab" for tab-separated files; a header that arrives as one
  column holding another separator is reported as a wrong `sep`.
- Excel and Parquet cells that are typed (numbers, dates, booleans) are used as typed: numbers are not
  re-read with the text rules below, date cells are accepted beside `date_format`.
- numbers: spaces and non-breaking spaces inside numbers are thousands separators and are removed, as is
  the configured `thousands` separator (which must group exactly three digits); the configured decimal
  mark becomes '.'; with a decimal comma a '.' that is not the configured thousands separator is an error
  (1.234 would otherwise silently become 1.234 instead of 1234); non-finite values are an error; an
  empty cell is missing.
- dates: parsed with the configured `date_format`; values that do not fit it but are ISO 8601
  (2024-12-31, typed Excel dates) are accepted too. Without a format: ISO 8601 first, then day-first
  (dd.mm.yyyy, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yy, optionally with hh:mm[:ss]) for the values that are
  not ISO; month-first is never guessed (12/31/2024 is an error). Values written
  in another format than most of their column are counted (`mixed_date_formats`). Values with a UTC
  offset (Z, +03:00) are converted to `timezone` (default UTC) and the zone dropped; values without one
  are taken as already in that zone; converted values are counted (`dates_with_zone`).
- codes (points.kind, campaigns.group, surveys.question): mapped through the config's `values` table,
  then lower-cased; a code outside the contract is an error.
- contact fields (email, phone, first/last name, full name) are turned into has_email / has_phone /
  has_name flags and the values dropped, so that no personal data travels further than this module.
- receipt lines (transactions with `line_amount`, or `quantity` and `price`, mapped) are summed into
  checks by `transaction_id` once the file is converted (lines.py: rules, errors, what is counted).
- exports damaged by Excel or 1C: ids in scientific notation (1,23457E+11) are an error (convert.Ids);
  total lines (Итого, Всего, Total with an empty date) are set aside and counted as `total_rows`
  (convert.set_aside_totals); a currency mark beside a number is dropped (numbers.py); Excel serial
  dates are read with `date_format: excel` (dates.py).
Input files are opened read-only and never modified.

How a file is read (the result is the same as reading it whole; only time and memory differ):
- CSV files are read in chunks (`CHUNK_BYTES` of text, or `CHUNK_ROWS` rows) and every chunk is
  converted to its typed columns before the next is read, so the text of the whole file never sits in
  memory. Arrow's CSV reader is used when the file is plain (one-character separator other than a space,
  header on the first row, distinct header names, no quote characters left in any value); otherwise,
  and whenever anything in the file is an error, pandas' reader (the reference for the rules above)
  reads it again, so that errors quote the values exactly as written.
- Arrow first parses the number columns itself while reading; if one value is not a plain finite
  number in the configured decimal mark (spaces, thousands separators, a negative zero, text), the
  file is read again as text. Text values in the common layouts take vectorised fast paths (plain
  digits with an optional '-' and decimal mark; dates in a fixed-width day/month/year [time] layout);
  all other values go through the rules above. Dates that need the rules are parsed together once the
  whole file is read, and numbers and errors are combined over all chunks, so counts, examples and
  values are those of the whole file.
- Excel and Parquet files are read whole (their cells are typed) and converted in chunks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import TABLES
from ..core.memory import release_arrow_pool
from . import csv_reader
from .column import Column
from .convert import column_converter, set_aside_totals
from .errors import DataError, NotPlain, NotTyped, check_file, combined_error, reading_errors
from .lines import check_columns, is_lines, to_checks
from .options import ReadingNotes, ReadOptions, encoding_of, note
from .schema import mapped_positions, strip_contacts, validate
from .spreadsheet import read_typed

# Arrow's CSV reader for plain files; False reads every CSV with pandas' reader (slower, same result).
FAST_CSV = True


@dataclass(frozen=True)
class TableSource:
    """One input file and how to read it into a canonical table."""

    file: Path
    table: str
    options: ReadOptions
    columns: dict[str, str]  # client column name -> canonical name
    values: dict[str, dict[str, str]]  # canonical column -> {client code: canonical code}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_raw(path: Path, options: ReadOptions) -> pd.DataFrame:
    """The file's cells as text (None for empty), with its own header names; the file is not modified."""
    path = Path(path)
    check_file(path)
    with reading_errors(path, options):
        if not csv_reader.is_csv(path):
            return read_typed(path, options)
        encoding = encoding_of(path, options.encoding)
        return pd.read_csv(path, encoding=encoding, **csv_reader.csv_options(options))
    raise AssertionError("unreachable")  # pragma: no cover - reading_errors always raises or returns


class _ChunkedTable:
    """Maps and converts a file chunk by chunk (`add`), with the errors reading it whole would give, in
    the same order (`finish`): reading errors, no rows, column mapping, then the first column (and the
    first check of that column) that fails anywhere in the file, with its count and examples over the
    whole file."""

    def __init__(self, source: TableSource) -> None:
        self.source = source
        self.picked: list[tuple[int, str]] | None = None
        self.mapping_error: DataError | None = None
        self.converters: list[Column] = []
        self.failures: list[tuple[int, DataError]] = []  # (column number, error) per chunk
        self.rows = 0
        self.totals = 0  # total lines set aside (convert.set_aside_totals)

    def add(self, chunk: pd.DataFrame) -> None:
        if self.picked is None and self.mapping_error is None:
            self._map(list(chunk.columns))
        if self.picked is not None and len(chunk):
            chunk, totals = set_aside_totals(chunk, self.source.table, self.picked)
            self.totals += totals
        if self.picked is not None and len(chunk):
            self._convert(chunk.set_axis(pd.RangeIndex(self.rows, self.rows + len(chunk))), self.picked)
        self.rows += len(chunk)

    def _map(self, header: list[Any]) -> None:
        source = self.source
        try:
            self.picked = mapped_positions(header, source.table, source.columns, source.file)
        except DataError as error:
            self.mapping_error = error
        else:
            self.converters = [column_converter(source.table, name, source.options, source.values,
                                                source.file) for _, name in self.picked]

    def _convert(self, chunk: pd.DataFrame, picked: list[tuple[int, str]]) -> None:
        failed = False
        earliest = min((number for number, _ in self.failures), default=len(picked))
        for number, ((position, _), converter) in enumerate(zip(picked, self.converters, strict=True)):
            if not converter.deferred and (failed or number > earliest):
                continue  # cannot change which error is raised
            try:
                converter.add(chunk.iloc[:, position], self.rows)
            except DataError as error:
                self.failures.append((number, error))
                failed = True
        if failed:
            for converter in self.converters:
                converter.discard()

    def finish(self, notes: ReadingNotes | None) -> pd.DataFrame:
        if self.rows == 0:
            raise DataError(self.source.file, "the file has a header but no rows")
        if self.mapping_error is not None:
            raise self.mapping_error
        assert self.picked is not None
        failures = self.failures
        first_failure = min((number for number, _ in failures), default=len(self.picked))
        out = {}
        for number, ((_, name), converter) in enumerate(zip(self.picked, self.converters, strict=True)):
            if number >= first_failure:
                break
            if failures and not converter.deferred:
                continue
            out[name] = converter.finish(notes)  # deferred columns check their values here
        if failures:
            same_column = [error for number, error in failures if number == first_failure]
            rule = min(error.rule for error in same_column)
            raise combined_error([error for error in same_column if error.rule == rule])
        note(notes, "total_rows", self.totals)
        return pd.DataFrame(out, index=pd.RangeIndex(self.rows), copy=False)  # no copy into 2-D blocks


def _convert_chunks(chunks: Iterator[pd.DataFrame], source: TableSource,
                    notes: ReadingNotes | None) -> pd.DataFrame:
    """Map and convert a file chunk by chunk (see _ChunkedTable)."""
    table = _ChunkedTable(source)
    for chunk in chunks:
        table.add(chunk)
        del chunk
        release_arrow_pool()  # the chunk's text is freed: let the system have it back
    return table.finish(notes)


def _read_table(source: TableSource, notes: ReadingNotes | None) -> pd.DataFrame:
    """The file's canonical columns, converted (module docstring: how a file is read)."""
    try:
        return _read_converted(source, notes)
    finally:
        release_arrow_pool()


def _read_converted(source: TableSource, notes: ReadingNotes | None) -> pd.DataFrame:
    file, options = source.file, source.options
    check_file(file)
    if not csv_reader.is_csv(file):
        raw = read_raw(file, options)
        if raw.empty:
            raise DataError(file, "the file has a header but no rows")
        return _convert_chunks(csv_reader.frame_chunks(raw), source, notes)
    if FAST_CSV:
        for numbers in (csv_reader.number_columns(file, source.table, options, source.columns), None):
            counted: ReadingNotes = {}
            try:
                frame = _convert_chunks(csv_reader.arrow_chunks(file, options, numbers), source, counted)
            except NotTyped:
                continue  # a number needs the number rules: read the numbers as text
            except (NotPlain, DataError):
                break  # read again by the reference reader, which also words any error
            for key, count in counted.items():
                note(notes, key, count)
            return frame
    return _convert_chunks(csv_reader.pandas_chunks(file, options), source, notes)


def load_table(project_dir: Path, table: str, table_config: dict[str, Any],
               read_defaults: dict[str, Any], notes: ReadingNotes | None = None,
               lines: dict[str, Any] | None = None) -> pd.DataFrame:
    """One canonical table from the file in `table_config['path']` (relative to the project).

    `notes`, when given, receives the counts of reading rules that touched values (module docstring).
    Receipt lines (transactions with line columns) are summed into checks (lines.py); `lines`, when
    given, then receives what lines.summary records (lines read, checks formed, lines per check).
    """
    file = Path(project_dir) / table_config["path"]
    options = ReadOptions.from_config(read_defaults, table_config.get("read") or {})
    source = TableSource(file, table, options, table_config.get("columns") or {},
                         table_config.get("values") or {})
    frame = _read_table(source, notes)
    if table == "transactions":
        check_columns(frame.columns, file)
        if is_lines(frame.columns):
            frame = to_checks(frame, file, options.header_row, lines)
    if table == "points":
        # kind carries the direction of accruals, redemptions and expiries (exports write them as
        # positive or negative magnitudes); an adjustment can go either way, so it keeps its sign
        # (negative = a debit) and counts as a signed credit in the balance
        directed = frame["kind"] != "adjustment"
        frame["points"] = frame["points"].where(~directed, frame["points"].abs())
    if table == "customers":
        frame = strip_contacts(frame)
    validate(frame, table, file)
    return frame.reset_index(drop=True)


def input_files(project_dir: Path, config: dict[str, Any]) -> dict[str, Path]:
    """table -> file of every table the config names."""
    data = config["data"]
    return {t: Path(project_dir) / data[t]["path"] for t in TABLES if data[t].get("path")}


def load_all(project_dir: Path, config: dict[str, Any], notes: ReadingNotes | None = None,
             lines: dict[str, Any] | None = None) -> dict[str, pd.DataFrame | None]:
    """Every table of the contract: canonical frames, None where the config names no file.

    A table whose path is null is not provided (its sections are skipped); a path that names no file is
    an error, since it is usually a typo. `lines` receives the receipt-line summary (load_table).
    """
    data = config["data"]
    if not data["transactions"].get("path"):
        raise DataError(f"config/clients/{config.get('client', '?')}.yaml",
                        "data.transactions.path is not set; transactions are required")
    return {
        table: load_table(project_dir, table, data[table], data["read"], notes, lines)
        if data[table].get("path")
        else None
        for table in TABLES
    }


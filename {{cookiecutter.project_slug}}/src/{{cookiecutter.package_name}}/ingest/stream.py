"""Streaming read of a big transactions file: converted chunk by chunk into Parquet parts on disk.

Above `run.stream_min_bytes` (prepare.py) the transactions file is not read into memory: each chunk is
converted by the same converters, rules and errors as read.py's chunked reading (`_ChunkedTable`), and
its typed columns are written to a Parquet part in a staging folder with `_row`, the row's number in the
converted table (its order), so that at most a chunk is in memory. What differs from reading it whole:
- dates that need the date rules (not in a fixed-width layout) are parsed at the end of their chunk, not
  together with those of the whole column; each value is parsed on its own by the same rules, so values,
  counts (`mixed_date_formats` adds the values per layout over the whole column; `dates_with_zone`) and
  errors (combined over the chunks as for every other column) are the same. Only when pandas raises
  instead of coercing a batch of values (never seen with real exports) could the batches differ;
- an integer-looking negative zero ("-0") gets the sign the whole column gives it (numbers.py) once the
  file is read: the parts that hold one are rewritten.
CSV files are streamed (Arrow's reader for plain files, else pandas' reader, as read.py), Parquet files
by batches of rows (their typed cells rendered as text as spreadsheet.read_typed does, with the pandas
types of the whole file), Excel workbooks (.xlsx, .xlsm) by chunks of rows parsed as pandas parses the
whole sheet (excel_stream.py); an old .xls workbook takes the in-memory path.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from ..core.memory import release_arrow_pool
from . import csv_reader
from . import read as reader
from .column import Column
from .dates import Dates
from .errors import DataError, NotPlain, NotTyped, check_file, combined_error, reading_errors
from .excel_stream import Wider, excel_chunks, is_streamed_excel, sheet_width
from .numbers import Numbers
from .options import ReadingNotes, ReadOptions, note
from .read import TableSource, _ChunkedTable
from .spreadsheet import typed_as_text

ROW = "_row"  # the row's number in the converted table (the file's order)
# Chunks of a streamed file (at most csv_reader's): smaller than reading whole needs, since the chunk is
# most of what is held (measured on 10M checks: 16 MiB of text, 1.0 GiB peak; 64 MiB, 1.5 GiB)
STREAM_CHUNK_BYTES = 16 << 20
STREAM_CHUNK_ROWS = 200_000


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


@dataclass
class Staged:
    """The converted table as Parquet parts (in order), with its canonical columns and pandas types."""

    folder: Path
    columns: list[str]
    empty: pd.DataFrame  # no rows, the columns with the types reading the file whole gives
    rows: int
    parts: list[tuple[Path, int, int]] = field(default_factory=list)  # (file, first row, end row)

    @property
    def glob(self) -> str:
        return str(self.folder / "part-*.parquet")


def _chunk_values(converter: Column) -> object:
    """The values the converter holds for the chunk just added (then it holds none)."""
    if isinstance(converter, (Dates, Numbers)):
        values = np.concatenate(converter.parts) if converter.parts else np.zeros(0)
        converter.parts = []
        return values.view("datetime64[ns]") if isinstance(converter, Dates) else values
    return converter.finish(None)  # texts, codes, ids and yes/no hold nothing column-wide


def arrow_column(values: object) -> pyarrow.ChunkedArray | pyarrow.Array:
    """A converted column as Arrow, missing values (NaN, NaT) as nulls, as pandas writes them."""
    if isinstance(values, np.ndarray):
        return pyarrow.array(values, from_pandas=True)
    array = pyarrow.array(values)
    return array if isinstance(array, pyarrow.ChunkedArray) else pyarrow.chunked_array([array])


class PartWriter:
    """Writes the parts on a thread of its own while the next chunk is converted (Parquet's encoding
    releases the GIL), one at a time: at most one written chunk waits in memory. Without dictionary
    encoding: the parts are read once, by the cleaning, and dictionaries took half the writing's time
    (200,000 checks: 78 -> 41 ms a part, 5.0 -> 5.7 MB). Leaving the block waits for the last part; a
    write's error is raised there or by the next write, unless the block already fails."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="part")
        self.pending: Future | None = None

    def write(self, table: pyarrow.Table, path: Path) -> None:
        self.wait()
        self.pending = self.pool.submit(pq.write_table, table, path, use_dictionary=False)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if kind is None:
                self.wait()
            elif self.pending is not None:
                self.pending.exception()  # waited for, its own error dropped: the block's is raised
        finally:
            self.pool.shutdown(wait=True)


class _StreamedTable(_ChunkedTable):
    """_ChunkedTable that writes each converted chunk to a Parquet part instead of keeping it."""

    def __init__(self, source: TableSource, folder: Path, writer: PartWriter) -> None:
        super().__init__(source)
        self.folder = folder
        self.writer = writer
        self.parts: list[tuple[Path, int, int]] = []
        self.empty: pd.DataFrame | None = None

    def _convert(self, chunk: pd.DataFrame, picked: list[tuple[int, str]]) -> None:
        super()._convert(chunk, picked)
        start = self.rows
        earliest = min((number for number, _ in self.failures), default=len(picked))
        for number, converter in enumerate(self.converters):
            if isinstance(converter, Dates) and number > earliest:
                converter.rest = []  # an earlier column fails: its values cannot matter
            elif isinstance(converter, Dates):
                try:
                    converter.settle(start)
                except DataError as error:
                    self.failures.append((number, error))
                    for other in self.converters:
                        other.discard()
                    earliest = number
        if self.failures:
            return
        values = {name: _chunk_values(converter)
                  for (_, name), converter in zip(picked, self.converters, strict=True)}
        if self.empty is None:
            self.empty = pd.DataFrame({name: pd.Series(column).iloc[:0] for name, column in values.items()})
        table = pyarrow.table({**{name: arrow_column(column) for name, column in values.items()},
                               ROW: pyarrow.array(np.arange(start, start + len(chunk), dtype=np.int64))})
        path = self.folder / f"part-{len(self.parts):06d}.parquet"
        self.writer.write(table, path)
        self.parts.append((path, start, start + len(chunk)))

    def finish(self, notes: ReadingNotes | None) -> Staged:  # type: ignore[override]
        if self.rows == 0:
            raise DataError(self.source.file, "the file has a header but no rows")
        if self.mapping_error is not None:
            raise self.mapping_error
        assert self.picked is not None
        first_failure = min((number for number, _ in self.failures), default=len(self.picked))
        for converter in self.converters[:first_failure]:  # as the columns read._ChunkedTable finishes
            if isinstance(converter, Dates):
                converter.settled_notes(notes)
        if self.failures:
            same_column = [error for number, error in self.failures if number == first_failure]
            rule = min(error.rule for error in same_column)
            raise combined_error([error for error in same_column if error.rule == rule])
        note(notes, "total_rows", self.totals)
        self._negative_zeros()
        assert self.empty is not None
        return Staged(self.folder, [name for _, name in self.picked], self.empty, self.rows, self.parts)

    def _negative_zeros(self) -> None:
        """Give integer-looking negative zeros the sign reading the whole column gives (numbers.py)."""
        assert self.picked is not None
        for (_, name), converter in zip(self.picked, self.converters, strict=True):
            if not isinstance(converter, Numbers) or not converter.negative_zeros:
                continue
            rows = np.concatenate(converter.negative_zeros)
            zero = converter.zero_value()
            for path, start, end in self.parts:
                mine = rows[(rows >= start) & (rows < end)] - start
                if not mine.size:
                    continue
                table = pq.read_table(path)
                values = table[name].to_numpy(zero_copy_only=False).astype(np.float64)
                values[mine] = zero
                table = table.set_column(table.schema.get_field_index(name), name,
                                         pyarrow.array(values, from_pandas=True))
                pq.write_table(table, path)


def _stream_chunks(chunks: object, source: TableSource, folder: Path, notes: ReadingNotes | None) -> Staged:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with PartWriter() as writer:
        table = _StreamedTable(source, folder, writer)
        for chunk in chunks:  # type: ignore[attr-defined]
            table.add(chunk)
            del chunk
            release_arrow_pool()
    return table.finish(notes)


def _integers_with_nulls(parquet: pq.ParquetFile) -> list[str]:
    """Integer columns of the file with a missing value somewhere: pandas reads them whole as floats."""
    schema = parquet.schema_arrow
    integers = [field.name for field in schema if pyarrow.types.is_integer(field.type)]
    found = []
    metadata = parquet.metadata
    for name in integers:
        j = parquet.schema_arrow.get_field_index(name)
        counts = [metadata.row_group(g).column(j).statistics for g in range(metadata.num_row_groups)]
        if all(stats is not None and stats.has_null_count for stats in counts):
            if sum(stats.null_count for stats in counts):
                found.append(name)
        elif any(batch.column(0).null_count for batch in parquet.iter_batches(columns=[name])):
            found.append(name)
    return found


def parquet_chunks(path: Path, options: ReadOptions) -> Iterator[pd.DataFrame]:
    """A Parquet file's cells as text (spreadsheet.read_typed), STREAM_CHUNK_ROWS at a time, each batch
    with the pandas types reading the whole file gives (integers with a missing value anywhere are
    floats), so that its cells render as the same text."""
    with reading_errors(path, options):
        parquet = pq.ParquetFile(path)
        floats = _integers_with_nulls(parquet)
        for batch in parquet.iter_batches(batch_size=min(csv_reader.CHUNK_ROWS, STREAM_CHUNK_ROWS)):
            frame = pyarrow.Table.from_batches([batch]).to_pandas()
            yield typed_as_text(frame.astype(dict.fromkeys(floats, "float64")), options)


def _stream_excel(source: TableSource, folder: Path, notes: ReadingNotes | None) -> Staged:
    """An Excel sheet streamed; read again with the whole sheet's width when a row after the first
    chunk is wider than the rows before it (excel_stream.py)."""
    rows = min(csv_reader.CHUNK_ROWS, STREAM_CHUNK_ROWS)
    try:
        return _stream_chunks(excel_chunks(source.file, source.options, rows), source, folder, notes)
    except Wider:  # raised while reading, before finish() notes anything
        width = sheet_width(source.file, source.options)
    return _stream_chunks(excel_chunks(source.file, source.options, rows, width), source, folder, notes)


def stream_table(source: TableSource, folder: Path, notes: ReadingNotes | None) -> Staged:
    """The CSV, Parquet or Excel (.xlsx, .xlsm) file of `source` converted into Parquet parts in
    `folder` (read.py's rules and errors; the CSV readers are tried as in read._read_converted)."""
    file, options = source.file, source.options
    check_file(file)
    if is_parquet(file):
        with reading_errors(file, options):
            empty = pq.ParquetFile(file).metadata.num_rows == 0
        if empty:
            raise DataError(file, "the file has a header but no rows")
        return _stream_chunks(parquet_chunks(file, options), source, folder, notes)
    if is_streamed_excel(file):
        return _stream_excel(source, folder, notes)
    if not csv_reader.is_csv(file):
        raise ValueError(f"{file}: .xls workbooks are not streamed")
    block = min(csv_reader.CHUNK_BYTES, STREAM_CHUNK_BYTES)
    rows = min(csv_reader.CHUNK_ROWS, STREAM_CHUNK_ROWS)
    if reader.FAST_CSV:
        for numbers in (csv_reader.number_columns(file, source.table, options, source.columns), None):
            counted: ReadingNotes = {}
            try:
                chunks = csv_reader.arrow_chunks(file, options, numbers, block)
                staged = _stream_chunks(chunks, source, folder, counted)
            except NotTyped:
                continue
            except (NotPlain, DataError):
                break
            for key, count in counted.items():
                note(notes, key, count)
            return staged
    return _stream_chunks(csv_reader.pandas_chunks(file, options, rows), source, folder, notes)

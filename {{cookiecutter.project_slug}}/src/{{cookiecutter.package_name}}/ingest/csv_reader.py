"""CSV files in chunks: Arrow's streaming reader for plain files, pandas' reader (the reference for the
reading rules) for the others; Excel and Parquet frames cut into chunks the same way."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow
import pyarrow.csv as pacsv

from .arrays import has_byte
from .errors import NotPlain, NotTyped, reading_errors
from .options import ReadOptions, encoding_of
from .schema import SCHEMA, mapped_positions

# Chunked reading (module docstring): bytes of CSV text per chunk with Arrow's reader, rows per chunk
# with pandas' reader and for Excel / Parquet frames. Tests set them tiny to compare with one chunk.
CHUNK_BYTES = 64 << 20
CHUNK_ROWS = 500_000


def is_csv(path: Path) -> bool:
    return path.suffix.lower() not in (".parquet", ".pq", ".xlsx", ".xlsm", ".xls")


def csv_options(options: ReadOptions) -> dict[str, Any]:
    """pandas.read_csv options of the reference reader (every cell as text, only '' is missing)."""
    return {"sep": options.sep, "header": options.header_row, "dtype": str, "keep_default_na": False,
            "na_values": [""], "skipinitialspace": True}



def pandas_chunks(path: Path, options: ReadOptions, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """The reference reader, `rows` (default CHUNK_ROWS) rows at a time (same text as read_raw)."""
    with reading_errors(path, options):
        encoding = encoding_of(path, options.encoding)
        with pd.read_csv(path, encoding=encoding, chunksize=rows or CHUNK_ROWS,
                         **csv_options(options)) as reader:
            yield from reader


def _arrow_encoding(encoding: str) -> str:
    """Arrow reads UTF-8 itself (and rejects invalid bytes); other encodings go through Python's codec."""
    return "utf8" if codecs.lookup(encoding).name == "utf-8" else encoding



def _typed_numbers_allowed(options: ReadOptions) -> bool:
    """Arrow may parse number columns while reading when every value it accepts is one the number rules
    read the same way: a '.' or ',' decimal mark and a thousands separator (if any) that Arrow refuses."""
    thousands = options.thousands if options.thousands and options.thousands.strip() else None
    return options.decimal in (".", ",") and (
        thousands is None or (all(ch in ".,'\u2019 \u00a0\u202f" for ch in thousands)
                              and options.decimal not in thousands))


def arrow_chunks(path: Path, options: ReadOptions, numbers: set[str] | None = None,
                 block_bytes: int | None = None) -> Iterator[pd.DataFrame]:
    """Arrow's streaming reader, `block_bytes` (default CHUNK_BYTES) of text at a time; raises NotPlain
    (before or between chunks) when the file needs pandas' reader: what both readers give for a plain
    file is the same once surrounding spaces are stripped, which every conversion does.

    Columns named in `numbers` are parsed as float64 by Arrow (with the decimal mark): a value Arrow
    cannot parse raises NotTyped, and Numbers refuses the values it parses differently from the
    number rules (non-finite values and negative zeros), so that the file is read again as text."""
    if options.header_row != 0 or len(options.sep) != 1 or options.sep in ' "\r\n':
        raise NotPlain("separator or header row")
    numeric: set[str] = set()
    try:
        encoding = _arrow_encoding(encoding_of(path, options.encoding))
        parse = pacsv.ParseOptions(delimiter=options.sep, quote_char='"', double_quote=True,
                                   escape_char=False, newlines_in_values=True, ignore_empty_lines=True)
        probe = pacsv.open_csv(path, read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 20),
                               parse_options=parse)
        names = probe.schema.names
        probe.close()
        stripped = [name.strip() for name in names]
        if "" in stripped or len(set(stripped)) < len(stripped) or any('"' in name for name in names):
            raise NotPlain("header names")
        typed = numbers is not None and _typed_numbers_allowed(options)
        numeric = set(numbers or ()) if typed else set()
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=block_bytes or CHUNK_BYTES),
            parse_options=parse,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pyarrow.float64() if name in numeric else pyarrow.string()
                              for name in names},
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
                decimal_point=options.decimal if typed else "."))
    except NotPlain:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever Arrow dislikes, pandas' reader decides
        raise (NotTyped if numeric else NotPlain)(str(exc)) from exc  # (opening reads a block)
    start = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001
            raise (NotTyped if numeric else NotPlain)(str(exc)) from exc
        columns = batch.columns
        text = [pyarrow.types.is_string(array.type) for array in columns]
        if any(has_byte(array, 0x22) for array, is_text in zip(columns, text, strict=True) if is_text):
            raise NotPlain("quote characters inside values")  # pandas decides what they mean
        index = pd.RangeIndex(start, start + batch.num_rows)
        wrapped = [pd.arrays.ArrowStringArray(array) if is_text else pd.arrays.ArrowExtensionArray(array)
                   for array, is_text in zip(columns, text, strict=True)]
        yield pd.DataFrame({j: pd.Series(values, index=index, copy=False)
                            for j, values in enumerate(wrapped)}).set_axis(names, axis=1)
        start += batch.num_rows


def frame_chunks(raw: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(raw), CHUNK_ROWS):
        yield raw.iloc[start: start + CHUNK_ROWS]


def number_columns(file: Path, table: str, options: ReadOptions, columns: dict[str, str]) -> set[str] | None:
    """Header names of the file's number columns (for Arrow to parse while reading), if it has any."""
    if not _typed_numbers_allowed(options):
        return None
    try:
        parse = pacsv.ParseOptions(delimiter=options.sep, newlines_in_values=True)
        encoding = _arrow_encoding(encoding_of(file, options.encoding))
        probe = pacsv.open_csv(file, read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 20),
                               parse_options=parse)
        names = probe.schema.names
        probe.close()
        picked = mapped_positions(names, table, columns, file)
    except Exception:  # noqa: BLE001 - the text reading decides
        return None
    found = {names[position] for position, name in picked if SCHEMA[table][name] == "number"}
    return found or None

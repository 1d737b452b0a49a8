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
- contact fields (email, phone, first/last name) are turned into has_email / has_phone / has_name flags
  and the values dropped, so that no personal data travels further than this module.
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

import codecs
import contextlib
import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.lib.stride_tricks import as_strided

from .config import TABLES, ConfigError

# canonical column -> kind of conversion
SCHEMA: dict[str, dict[str, str]] = {
    "transactions": {
        "date": "date", "amount": "number", "customer_id": "id", "transaction_id": "id",
        "items": "number", "store_id": "id", "region": "text", "discount": "number",
        "loyalty_card": "bool", "points_earned": "number", "points_redeemed": "number",
    },
    "customers": {
        "customer_id": "id", "registered_at": "date", "joined_program_at": "date", "tier": "text",
        "region": "text", "email": "text", "phone": "text", "first_name": "text", "last_name": "text",
        "unsubscribed_at": "date",
    },
    "points": {"customer_id": "id", "date": "date", "kind": "code", "points": "number"},
    "nps": {"date": "date", "score": "number", "customer_id": "id"},
    "surveys": {"date": "date", "question": "code", "answer": "text", "customer_id": "id"},
    "campaigns": {"campaign_id": "id", "customer_id": "id", "group": "code", "sent_at": "date"},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "transactions": ("date", "amount"),
    "customers": ("customer_id",),
    "points": ("customer_id", "date", "kind", "points"),
    "nps": ("date", "score"),
    "surveys": ("date", "question", "answer"),
    "campaigns": ("campaign_id", "customer_id", "group", "sent_at"),
}
CODES: dict[tuple[str, str], tuple[str, ...]] = {
    ("points", "kind"): ("accrual", "redemption", "expiry", "adjustment"),
    ("campaigns", "group"): ("treatment", "control"),
    ("surveys", "question"): ("csat", "awareness", "motive", "nps"),
}
CONTACT_FIELDS = ("email", "phone", "first_name", "last_name")
TRUE_WORDS = {"1", "true", "yes", "y", "да", "д", "t", "+", "1.0"}
FALSE_WORDS = {"0", "false", "no", "n", "нет", "н", "f", "-", "0.0", ""}
MAX_EXAMPLES = 3
SEPARATOR_ALIASES = {"\\t": "\t", "tab": "\t", "TAB": "\t", "Tab": "\t"}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))

# Chunked reading (module docstring): bytes of CSV text per chunk with Arrow's reader, rows per chunk
# with pandas' reader and for Excel / Parquet frames. Tests set them tiny to compare with one chunk.
CHUNK_BYTES = 64 << 20
CHUNK_ROWS = 500_000
# Arrow's CSV reader for plain files; False reads every CSV with pandas' reader (slower, same result).
FAST_CSV = True


class DataError(ValueError):
    """Input that cannot be analysed: names the file, the column and example bad values."""

    def __init__(self, file: Path | str, message: str, column: str | None = None,
                 examples: list[Any] | None = None) -> None:
        self.file, self.column, self.examples = str(file), column, list(examples or [])
        where = f"{self.file}" + (f", column {column!r}" if column else "")
        shown = f" (e.g. {', '.join(repr(e) for e in self.examples[:MAX_EXAMPLES])})" if examples else ""
        super().__init__(f"{where}: {message}{shown}")
        # set by _value_error: which check of the column failed (its order), how many values, and the
        # message after the count, so that the same error found in several chunks can be combined
        self.rule: int = 0
        self.count: int | None = None
        self.counted_message: tuple[bool, str] | None = None


def _value_error(file: Path | str, column: str, rule: int, count: int, message: str,
                 examples: list[Any], counted: bool = True) -> DataError:
    """A DataError about `count` values of a column; `message` follows the count when `counted`."""
    error = DataError(file, f"{count}{message}" if counted else message, column, examples)
    error.rule, error.count, error.counted_message = rule, int(count), (counted, message)
    return error


def _combined_error(errors: list[DataError]) -> DataError:
    """One error from the same check failing in several chunks: counts added, examples in file order."""
    first = errors[0]
    if len(errors) == 1 or first.counted_message is None:
        return first
    examples: list[Any] = []
    for error in errors:
        examples += [e for e in error.examples if e not in examples]
    counted, message = first.counted_message
    return _value_error(first.file, first.column or "", first.rule, sum(e.count or 0 for e in errors),
                        message, examples[:MAX_EXAMPLES], counted)


@dataclass(frozen=True)
class ReadOptions:
    sep: str = ","
    decimal: str = "."
    thousands: str | None = None
    encoding: str = "utf-8"
    date_format: str | None = None
    header_row: int = 0
    sheet: str | int | None = None
    timezone: str | None = None

    @classmethod
    def from_config(cls, defaults: dict[str, Any], override: dict[str, Any]) -> ReadOptions:
        merged = {**defaults, **(override or {})}
        options = cls(**{k: merged[k] for k in cls.__dataclass_fields__ if k in merged})
        if options.sep in SEPARATOR_ALIASES:
            options = cls(**{**options.__dict__, "sep": SEPARATOR_ALIASES[options.sep]})
        if options.timezone:
            try:
                pd.Timestamp("2024-01-01", tz="UTC").tz_convert(options.timezone)
            except Exception as exc:  # noqa: BLE001 - any failure means the name is unusable
                raise ConfigError(f"data.read.timezone: unknown time zone {options.timezone!r} "
                                  "(use an IANA name such as 'Europe/Moscow')") from exc
        return options


# Counts of reading rules that touched values (see the module docstring), summed over tables.
ReadingNotes = dict[str, int]


def _note(notes: ReadingNotes | None, key: str, count: int) -> None:
    if notes is not None and count:
        notes[key] = notes.get(key, 0) + int(count)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise DataError(path, "file not found")
    if path.stat().st_size == 0:
        raise DataError(path, "the file is empty")


@contextlib.contextmanager
def _reading_errors(path: Path, options: ReadOptions) -> Iterator[None]:
    """Turn the errors of reading a file into DataErrors that name it."""
    try:
        yield
    except DataError:
        raise
    except UnicodeError as exc:
        start = getattr(exc, "start", 0)
        raw = getattr(exc, "object", b"")
        bad = raw[max(start - 20, 0): start + 20] if isinstance(raw, bytes) else b""
        raise DataError(
            path, f"cannot be decoded as {options.encoding} (byte {start}); set data.read.encoding "
            "(cp1251 is common for Russian exports)", examples=[bad] if bad else None,
        ) from exc
    except LookupError as exc:
        raise DataError(path, f"unknown encoding {options.encoding!r} in data.read.encoding") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(path, "the file has no rows") from exc
    except Exception as exc:  # noqa: BLE001 - parser, zip, xml and OS errors all mean "cannot be read"
        raise DataError(path, f"cannot be read: {type(exc).__name__}: {exc}") from exc


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() not in (".parquet", ".pq", ".xlsx", ".xlsm", ".xls")


def _csv_options(options: ReadOptions) -> dict[str, Any]:
    """pandas.read_csv options of the reference reader (every cell as text, only '' is missing)."""
    return {"sep": options.sep, "header": options.header_row, "dtype": str, "keep_default_na": False,
            "na_values": [""], "skipinitialspace": True}


def read_raw(path: Path, options: ReadOptions) -> pd.DataFrame:
    """The file's cells as text (None for empty), with its own header names; the file is not modified."""
    path = Path(path)
    _check_file(path)
    suffix = path.suffix.lower()
    with _reading_errors(path, options):
        if suffix in (".parquet", ".pq"):
            return _typed_as_text(pd.read_parquet(path), options)
        if suffix in (".xlsx", ".xlsm", ".xls"):
            sheet = 0 if options.sheet is None else options.sheet
            frame = pd.read_excel(path, sheet_name=sheet, header=options.header_row, dtype=object)
            frame.columns = [_cell_text(c, options) or f"Unnamed: {i}" for i, c in enumerate(frame.columns)]
            return _typed_as_text(frame, options)
        encoding = _encoding_of(path, options.encoding)
        return pd.read_csv(path, encoding=encoding, **_csv_options(options))
    raise AssertionError("unreachable")  # pragma: no cover - _reading_errors always raises or returns


def _encoding_of(path: Path, configured: str) -> str:
    """A byte-order mark decides the encoding (it cannot be mistaken); otherwise the configured one."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    return configured


def _cell_text(value: Any, options: ReadOptions) -> str | None:
    """A typed spreadsheet cell as the text the converters expect (numbers in the file's decimal mark)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", options.decimal) if options.decimal != "." else text
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _typed_as_text(frame: pd.DataFrame, options: ReadOptions) -> pd.DataFrame:
    """Every cell as text (None for empty): typed cells rendered so that the text rules read them back."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            text = values.map(lambda v: None if pd.isna(v) else v.isoformat(), na_action=None)
        elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            text = values.astype(str)  # vectorised; "7.0" ids are handled by to_id
            if options.decimal != ".":
                text = text.str.replace(".", options.decimal, regex=False)
            text = text.where(values.notna(), None)
        else:
            text = values.map(lambda v: _cell_text(v, options))
        out[str(column)] = text.astype(object).where(text.notna(), None)
    return pd.DataFrame(out, index=frame.index)


# --- chunks of text ----------------------------------------------------------------------------------

class _NotPlain(Exception):
    """The file is not plain enough for Arrow's reader: pandas' reader reads it (module docstring)."""


def _pandas_chunks(path: Path, options: ReadOptions) -> Iterator[pd.DataFrame]:
    """The reference reader, CHUNK_ROWS rows at a time (same text as read_raw)."""
    with _reading_errors(path, options):
        encoding = _encoding_of(path, options.encoding)
        with pd.read_csv(path, encoding=encoding, chunksize=CHUNK_ROWS, **_csv_options(options)) as reader:
            yield from reader


def _arrow_encoding(encoding: str) -> str:
    """Arrow reads UTF-8 itself (and rejects invalid bytes); other encodings go through Python's codec."""
    return "utf8" if codecs.lookup(encoding).name == "utf-8" else encoding


class _NotTyped(Exception):
    """A number column that Arrow parsed has a value that needs the number rules: read it as text."""


def _typed_numbers_allowed(options: ReadOptions) -> bool:
    """Arrow may parse number columns while reading when every value it accepts is one the number rules
    read the same way: a '.' or ',' decimal mark and a thousands separator (if any) that Arrow refuses."""
    thousands = options.thousands if options.thousands and options.thousands.strip() else None
    return options.decimal in (".", ",") and (
        thousands is None or (all(ch in ".,'\u2019 \u00a0\u202f" for ch in thousands)
                              and options.decimal not in thousands))


def _arrow_chunks(path: Path, options: ReadOptions,
                  numbers: set[str] | None = None) -> Iterator[pd.DataFrame]:
    """Arrow's streaming reader, CHUNK_BYTES of text at a time; raises _NotPlain (before or between
    chunks) when the file needs pandas' reader: what both readers give for a plain file is the same
    once surrounding spaces are stripped, which every conversion does.

    Columns named in `numbers` are parsed as float64 by Arrow (with the decimal mark): a value Arrow
    cannot parse raises _NotTyped, and _Numbers refuses the values it parses differently from the
    number rules (non-finite values and negative zeros), so that the file is read again as text."""
    if options.header_row != 0 or len(options.sep) != 1 or options.sep in ' "\r\n':
        raise _NotPlain("separator or header row")
    numeric: set[str] = set()
    try:
        encoding = _arrow_encoding(_encoding_of(path, options.encoding))
        parse = pacsv.ParseOptions(delimiter=options.sep, quote_char='"', double_quote=True,
                                   escape_char=False, newlines_in_values=True, ignore_empty_lines=True)
        probe = pacsv.open_csv(path, read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 20),
                               parse_options=parse)
        names = probe.schema.names
        probe.close()
        stripped = [name.strip() for name in names]
        if "" in stripped or len(set(stripped)) < len(stripped) or any('"' in name for name in names):
            raise _NotPlain("header names")
        typed = numbers is not None and _typed_numbers_allowed(options)
        numeric = set(numbers or ()) if typed else set()
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(encoding=encoding, block_size=CHUNK_BYTES),
            parse_options=parse,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pyarrow.float64() if name in numeric else pyarrow.string()
                              for name in names},
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
                decimal_point=options.decimal if typed else "."))
    except _NotPlain:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever Arrow dislikes, pandas' reader decides
        raise (_NotTyped if numeric else _NotPlain)(str(exc)) from exc  # (opening reads a block)
    start = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001
            raise (_NotTyped if numeric else _NotPlain)(str(exc)) from exc
        columns = batch.columns
        text = [pyarrow.types.is_string(array.type) for array in columns]
        if any(_has_byte(array, 0x22) for array, is_text in zip(columns, text, strict=True) if is_text):
            raise _NotPlain("quote characters inside values")  # pandas decides what they mean
        index = pd.RangeIndex(start, start + batch.num_rows)
        wrapped = [pd.arrays.ArrowStringArray(array) if is_text else pd.arrays.ArrowExtensionArray(array)
                   for array, is_text in zip(columns, text, strict=True)]
        yield pd.DataFrame({j: pd.Series(values, index=index, copy=False)
                            for j, values in enumerate(wrapped)}).set_axis(names, axis=1)
        start += batch.num_rows


def _frame_chunks(raw: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(raw), CHUNK_ROWS):
        yield raw.iloc[start: start + CHUNK_ROWS]


# --- Arrow string arrays as numpy --------------------------------------------------------------------

def _arrow_strings(text: pd.Series) -> pyarrow.Array:
    """The column as one Arrow (large) string array, nulls for missing values."""
    array = pyarrow.array(text.astype("string").array)
    if isinstance(array, pyarrow.ChunkedArray):
        array = array.combine_chunks()
    return array


def _string_buffers(array: pyarrow.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """offsets (n + 1, into data), data bytes and validity of a string array, without copying the text."""
    n = len(array)
    buffers = array.buffers()
    width = np.int64 if pyarrow.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=width)[array.offset: array.offset + n + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    valid = (np.ones(n, bool) if array.null_count == 0
             else array.is_valid().to_numpy(zero_copy_only=False))
    return offsets, data, valid


def _has_byte(array: pyarrow.Array, byte: int) -> bool:
    offsets, data, _ = _string_buffers(array)
    if not len(offsets) or offsets[-1] == offsets[0]:
        return False
    return bool((data[offsets[0]: offsets[-1]] == byte).any())


def _examples(values: pd.Series) -> list[Any]:
    return list(pd.unique(values.dropna())[:MAX_EXAMPLES])


# Patterns are plain strings, not re.compile'd, so that pandas runs them in Arrow's vectorised RE2 instead
# of calling Python's re per value (5 s per million values); RE2's \s is ASCII-only, so the whitespace
# class lists every character Python's \s matches (NBSP and narrow NBSP included).
_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if re.fullmatch(r"\s", ch))
_SPACES = "[" + _WHITESPACE + "]"


# --- numbers -----------------------------------------------------------------------------------------

def _careful_numbers(text: pd.Series, options: ReadOptions, file: Path,
                     column: str) -> tuple[pd.Series, pd.Series]:
    """The number rules (module docstring) on any text: float64 values and the cleaned text."""
    stripped = text.astype("string").str.strip()
    cleaned = stripped.str.replace(_SPACES, "", regex=True)
    thousands = options.thousands if options.thousands and options.thousands.strip() else None
    if thousands:
        grouped = re.compile(r"^[+-]?\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+(?:"
                             + re.escape(options.decimal) + r"\d*)?(?:[eE][+-]?\d+)?$")
        has_sep = cleaned.str.contains(thousands, regex=False).fillna(False)
        misgrouped = has_sep & ~cleaned.str.fullmatch(grouped).fillna(False)
        if misgrouped.any():
            raise _value_error(file, column, 1, int(misgrouped.sum()),
                               f" value(s) use the thousands separator {thousands!r} but not in groups of "
                               "three digits; check data.read.thousands and data.read.decimal",
                               _examples(text[misgrouped]))
        cleaned = cleaned.str.replace(thousands, "", regex=False)
    if options.decimal != ".":
        dotted = cleaned.str.contains(".", regex=False).fillna(False)
        if dotted.any():
            raise _value_error(file, column, 2, int(dotted.sum()),
                               f" value(s) contain '.' but the decimal mark is {options.decimal!r}; set "
                               "data.read.thousands: '.' if '.' groups thousands, or data.read.decimal: '.'",
                               _examples(text[dotted]))
        cleaned = cleaned.str.replace(options.decimal, ".", regex=False)
    cleaned = cleaned.replace("", pd.NA)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = cleaned.notna() & ~np.isfinite(numbers.fillna(0.0)) | (cleaned.notna() & numbers.isna())
    if bad.any():
        raise _value_error(file, column, 3, int(bad.sum()),
                           f" value(s) are not numbers (decimal mark {options.decimal!r})",
                           _examples(text[bad]))
    return numbers, cleaned


_POWERS = 10.0 ** np.arange(23)  # exact in float64
_MAX_PLAIN_DIGITS = 15  # an integer of 15 digits is below 2**53: exact in float64


def _plain_mark(options: ReadOptions) -> int | None:
    """The decimal mark's byte when plain numbers can be parsed fast: one ASCII character that is not a
    digit or sign, and a thousands separator (if any) that shares no character with plain numbers."""
    decimal = options.decimal
    if not (isinstance(decimal, str) and len(decimal) == 1 and decimal.isascii()
            and not decimal.isdigit() and decimal not in "+-" and not decimal.isspace()):
        return None
    thousands = options.thousands if options.thousands and options.thousands.strip() else None
    if thousands and any(ch.isdigit() or ch in "+-" or ch == decimal for ch in thousands):
        return None
    return ord(decimal)


def _plain_numbers(array: pyarrow.Array, mark: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values written plainly: digits, an optional leading '-', at most one decimal mark between digits,
    at most 15 digits in all. Returns (plain, value, has_mark) per value (value NaN where not plain).

    The value is the integer of the digits divided by a power of ten, both exact in float64, so the one
    division is correctly rounded: the same double as float() or pandas.to_numeric of the text.
    """
    offsets, data, valid = _string_buffers(array)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    plain = np.zeros(n, bool)
    values = np.full(n, np.nan)
    has_mark = np.zeros(n, bool)
    if n == 0 or offsets[-1] == offsets[0]:
        return plain, values, has_mark
    data = data[offsets[0]: offsets[-1]]
    starts = offsets[:-1] - offsets[0]
    owner = np.repeat(np.arange(n), lengths)  # the value each byte belongs to
    digit = (data >= 48) & (data <= 57)
    minus = data == 45
    dot = data == mark
    other = ~(digit | minus | dot)
    position = np.arange(len(data)) - starts[owner]
    n_other = np.bincount(owner, weights=other, minlength=n)
    n_minus = np.bincount(owner, weights=minus, minlength=n)
    n_mark = np.bincount(owner, weights=dot, minlength=n)
    mark_at = np.bincount(owner, weights=dot * position, minlength=n).astype(np.int64)
    nonempty = lengths > 0
    lead = np.zeros(n, bool)
    lead[nonempty] = data[starts[nonempty]] == 45
    n_digits = lengths - n_minus - n_mark
    plain = (valid & nonempty & (n_other == 0) & (n_minus == lead) & (n_mark <= 1)
             & (n_digits >= 1) & (n_digits <= _MAX_PLAIN_DIGITS)
             & ((n_mark == 0) | ((mark_at > lead) & (mark_at < lengths - 1))))
    if not plain.any():
        return plain, values, has_mark
    seen = np.cumsum(digit)
    ends = np.where(nonempty, starts + lengths - 1, 0)
    after = seen[ends][owner] - seen  # digits after each byte in its value
    weights = np.where(digit, (data.astype(np.float64) - 48.0) * _POWERS[np.minimum(after, 22)], 0.0)
    mantissa = np.bincount(owner, weights=weights, minlength=n)  # partial sums < 2**53: exact
    has_mark = plain & (n_mark == 1)
    scale = np.where(has_mark, lengths - 1 - mark_at, 0).clip(0, 22)
    magnitude = mantissa / _POWERS[scale]
    values = np.where(plain, np.where(lead, -magnitude, magnitude), np.nan)
    return plain, values, has_mark


class _Column:
    """Converts one canonical column chunk by chunk (`add`), then gives its values (`finish`).

    `add` raises a DataError (from _value_error) for values of the chunk that break a rule; errors of
    several chunks are combined by the caller. A `deferred` column keeps what needs the whole column
    and checks it in `finish`.
    """

    deferred = False

    def __init__(self, file: Path, column: str, options: ReadOptions) -> None:
        self.file, self.column, self.options = file, column, options
        self.parts: list[Any] = []
        self.keep = True

    def discard(self) -> None:
        """Stop keeping values (the table has failed; only its errors still matter)."""
        self.keep = False
        self.parts.clear()

    def _store(self, values: Any) -> None:
        if self.keep:
            self.parts.append(values)

    def add(self, text: pd.Series, start: int) -> None:
        raise NotImplementedError

    def finish(self, notes: ReadingNotes | None) -> Any:
        raise NotImplementedError


class _Strings(_Column):
    """Columns whose values stay text (ids, codes, free text): Arrow strings, NA for missing."""

    def finish(self, notes: ReadingNotes | None) -> pd.arrays.ArrowStringArray:
        chunks = pyarrow.chunked_array(self.parts, type=pyarrow.large_string())
        self.parts = []
        return pd.arrays.ArrowStringArray(chunks)


def _trimmed(text: pd.Series) -> pyarrow.Array:
    """Surrounding whitespace removed (as str.strip), empty values as missing."""
    values = pc.utf8_trim_whitespace(_arrow_strings(text))
    empty = pc.equal(pc.binary_length(values), 0)
    if not pc.any(empty).as_py():
        return values
    return pc.if_else(empty, pyarrow.scalar(None, values.type), values)


class _Numbers(_Column):
    """Numbers: plain values fast, the others by the number rules; float64.

    pandas.to_numeric writes an integer-looking negative zero ("-0") as -0.0 or 0.0 depending on the
    other values of the column (whether any is not an integer); `finish` gives it the sign the whole
    column would, from one example of each kind of value seen.
    """

    def __init__(self, file: Path, column: str, options: ReadOptions) -> None:
        super().__init__(file, column, options)
        self.mark = _plain_mark(options)
        self.kinds: dict[str, str] = {}  # kind of value -> first example (cleaned text)
        self.negative_zeros: list[np.ndarray] = []

    def add(self, text: pd.Series, start: int) -> None:
        if isinstance(text.dtype, pd.ArrowDtype) and pyarrow.types.is_floating(text.dtype.pyarrow_dtype):
            self._store(self._typed(pyarrow.array(text.array)))
            return
        array = _arrow_strings(text)
        n = len(array)
        valid = array.is_valid().to_numpy(zero_copy_only=False)
        plain, values = np.zeros(n, bool), np.full(n, np.nan)
        minus_zero = np.zeros(n, bool)  # integer-looking zeros written with a minus: sign set in finish
        if self.mark is not None:
            plain, values, has_mark = _plain_numbers(array, self.mark)
            integer = plain & ~has_mark
            if "float" not in self.kinds and has_mark.any():
                self.kinds["float"] = array[int(np.argmax(has_mark))].as_py().replace(chr(self.mark), ".")
            negative = integer & (values < 0)
            if "negative" not in self.kinds and negative.any():
                self.kinds["negative"] = array[int(np.argmax(negative))].as_py()
            minus_zero |= integer & (values == 0) & np.signbit(values)
        slow = valid & ~plain
        if slow.any():
            numbers, cleaned = _careful_numbers(text[slow], self.options, self.file, self.column)
            values[slow] = numbers.to_numpy()
            minus_zero[slow] = self._kinds(numbers, cleaned)
        if minus_zero.any():
            self.negative_zeros.append(np.flatnonzero(minus_zero) + start)
        self._store(values)

    @staticmethod
    def _typed(array: pyarrow.Array | pyarrow.ChunkedArray) -> np.ndarray:
        """Values Arrow parsed while reading, unless one may differ from the number rules' reading."""
        values = array.to_numpy(zero_copy_only=False).astype(np.float64)
        valid = array.is_valid().to_numpy(zero_copy_only=False)
        if (valid & ~np.isfinite(values)).any() or ((values == 0) & np.signbit(values)).any():
            raise _NotTyped("non-finite values or negative zeros")
        return values

    def _kinds(self, numbers: pd.Series, cleaned: pd.Series) -> np.ndarray:
        """Record the kinds of the cleaned values that pandas.to_numeric tells apart; return where the
        values are integer-looking zeros written with a minus."""
        present = cleaned.notna().to_numpy()
        integer = cleaned.str.fullmatch(r"[+-]?[0-9]+").fillna(False).to_numpy(dtype=bool) & present
        values = numbers.to_numpy()
        texts = cleaned.to_numpy(dtype=object, na_value=None)
        if "float" not in self.kinds and (present & ~integer).any():
            self.kinds["float"] = texts[int(np.argmax(present & ~integer))]
        long = np.flatnonzero(integer & (np.abs(values) >= 9e18))
        for i in long[:1000]:
            number = int(texts[i])
            kind = ("float" if number < -(2 ** 63) or number >= 2 ** 64
                    else "unsigned" if number >= 2 ** 63 else None)
            if kind and kind not in self.kinds:
                self.kinds[kind] = texts[i]
        if "negative" not in self.kinds and (integer & (values < 0)).any():
            self.kinds["negative"] = texts[int(np.argmax(integer & (values < 0)))]
        starts_minus = cleaned.str.startswith("-").fillna(False).to_numpy(dtype=bool)
        return integer & starts_minus & (values == 0)

    def finish(self, notes: ReadingNotes | None) -> np.ndarray:
        values = np.concatenate(self.parts) if self.parts else np.zeros(0)
        self.parts = []
        if self.negative_zeros:
            example = ["-0", *self.kinds.values()]
            zero = pd.to_numeric(pd.Series(example, dtype="string"), errors="coerce").astype("float64")
            values[np.concatenate(self.negative_zeros)] = zero.iloc[0]
        return values


def to_number(text: pd.Series, options: ReadOptions, file: Path, column: str) -> pd.Series:
    """Text to float64: strip (nb)spaces and the thousands separator, decimal mark to '.'."""
    converter = _Numbers(Path(file), column, options)
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index, dtype="float64")


# --- dates -------------------------------------------------------------------------------------------

# A UTC offset after a time of day: 10:00Z, 10:00:00+03:00, 10:00 +0300, 10:00 UTC.
_ZONE = (r"(?i)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?" + _SPACES + r"*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$")
# Day-first layouts tried (with an optional time) when no date_format is set; month-first never is.
DAY_FIRST = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y")
_FIRST_NS, _LAST_NS = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")


def _try_dates(values: pd.Series, aware: bool, **kwargs: Any) -> pd.Series:
    """pd.to_datetime with errors='coerce' that never raises: naive datetime64[us], NaT where it failed."""
    empty = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if values.empty:
        return empty
    try:
        parsed = pd.to_datetime(values, errors="coerce", utc=aware, **kwargs)
    except (ValueError, TypeError, OverflowError):
        return empty
    if not pd.api.types.is_datetime64_any_dtype(parsed.dtype):
        return empty
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _parse_dates(values: pd.Series, options: ReadOptions, aware: bool) -> tuple[pd.Series, dict[str, int]]:
    """Parse by the rules in order (configured format, ISO 8601, day-first layouts); count values per
    date layout (a time of day or its absence does not make another layout)."""
    rules: list[tuple[str, dict[str, Any]]] = []
    if options.date_format:
        rules.append(("configured", {"format": options.date_format}))
    rules.append(("iso", {"format": "ISO8601"}))
    if not options.date_format:
        rules += [(day, {"format": day + time}) for day in DAY_FIRST for time in ("", " %H:%M", " %H:%M:%S")]
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    per_layout: dict[str, int] = {}
    for layout, rule in rules:
        todo = parsed.isna()
        if not todo.any():
            break
        got = _try_dates(values[todo], aware, **rule)
        parsed[todo] = got
        per_layout[layout] = per_layout.get(layout, 0) + int(got.notna().sum())
    return parsed, per_layout


def _careful_dates(text: pd.Series, options: ReadOptions, file: Path,
                   column: str) -> tuple[pd.Series, dict[str, int], int]:
    """The date rules (module docstring) on any text: naive datetime64[us], values per layout, and how
    many values had a UTC offset; unparseable or out-of-range values are an error."""
    stripped = text.astype("string").str.strip().replace("", pd.NA)
    present = stripped.notna()
    aware = present & stripped.str.contains(_ZONE, regex=True).fillna(False).astype(bool)
    naive = present & ~aware
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    per_layout: dict[str, int] = {}
    for mask, is_aware in ((naive, False), (aware, True)):
        if not mask.any():
            continue
        got, counts = _parse_dates(stripped[mask], options, is_aware)
        if is_aware:  # parsed as UTC; shift to the configured zone's wall clock
            got = got.dt.tz_localize("UTC").dt.tz_convert(options.timezone or "UTC").dt.tz_localize(None)
        parsed[mask] = got
        for layout, count in counts.items():
            per_layout[layout] = per_layout.get(layout, 0) + count
    bad = present & parsed.isna()
    if bad.any():
        fmt = options.date_format or "ISO 8601 or day-first"
        raise _value_error(file, column, 1, int(bad.sum()),
                           f" value(s) do not parse as dates ({fmt}); set data.read.date_format",
                           _examples(text[bad]))
    out_of_range = present & ((parsed < _FIRST_NS) | (parsed >= _LAST_NS))
    if out_of_range.any():
        raise _value_error(file, column, 2, int(out_of_range.sum()),
                           " date(s) outside 1678-2261, which cannot be analysed (placeholders such as "
                           "01.01.0001 should be empty cells)", _examples(text[out_of_range]))
    return parsed, per_layout, int(aware.sum())


@dataclass(frozen=True)
class _Layout:
    """A fixed-width date layout: width in bytes, byte offsets of the fields, literal bytes."""

    width: int
    fields: dict[str, tuple[int, int]]  # d m Y H M S -> (offset, digits)
    literals: tuple[tuple[int, int], ...]  # (offset, byte)


_FIXED = re.compile(r"(%[dmY])([./-])(%[dmY])([./-])(%[dmY])(?:([ T])(%H:%M)(:%S)?)?")
_DIGITS = {"d": 2, "m": 2, "Y": 4, "H": 2, "M": 2, "S": 2}


def _fixed_layout(fmt: str) -> _Layout | None:
    """The layout of a strptime format of day, month, four-digit year (each once) separated by '.', '/'
    or '-', optionally followed by ' ' or 'T' and %H:%M[:%S]; None for any other format. Values of these
    layouts never look like a UTC offset, so they never take the time-zone rule."""
    match = _FIXED.fullmatch(fmt)
    if not match or {match[1], match[3], match[5]} != {"%d", "%m", "%Y"}:
        return None
    tokens = [t for t in match.groups() if t]
    fields: dict[str, tuple[int, int]] = {}
    literals: list[tuple[int, int]] = []
    offset = 0
    for token in tokens:
        for piece in re.findall(r"%[dmYHMS]|[^%]", token):
            if piece.startswith("%"):
                fields[piece[1]] = (offset, _DIGITS[piece[1]])
                offset += _DIGITS[piece[1]]
            else:
                literals.append((offset, ord(piece)))
                offset += 1
    return _Layout(offset, fields, tuple(literals))


def _fast_layouts(options: ReadOptions) -> list[tuple[str, _Layout]]:
    """(layout name as the rules count it, layout) that the rules would parse first for such values:
    the configured format, or without one the four-digit-year day-first layouts (ISO 8601 would not
    parse them, and no earlier day-first rule would)."""
    if options.date_format:
        layout = _fixed_layout(options.date_format)
        return [("configured", layout)] if layout else []
    found = [(day, _fixed_layout(day + time))
             for day in DAY_FIRST[:3] for time in ("", " %H:%M", " %H:%M:%S")]
    return [(name, layout) for name, layout in found if layout]


_NAT = np.iinfo(np.int64).min
_FIRST_YEAR, _LAST_YEAR = 1700, 2200
# days from 1970-01-01 to the first day of each month of 1700-2200 (and one month past the end)
_MONTH_STARTS = (np.arange(f"{_FIRST_YEAR}-01", f"{_LAST_YEAR + 1}-02", dtype="datetime64[M]")
                 .astype("datetime64[D]").astype(np.int64))


def _fixed_dates(array: pyarrow.Array, layouts: list[tuple[str, _Layout]]
                 ) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Values written exactly in one of the layouts, with a valid date and time in 1700-2200: their
    datetime64[ns] as int64 (NaT elsewhere), where they are, and how many per layout name.

    The bytes of each candidate are read as 64-bit words (8 bytes at a time) and checked and taken
    apart with bit operations on whole columns of words."""
    offsets, data, valid = _string_buffers(array)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    values = np.full(n, _NAT, dtype=np.int64)
    done = np.zeros(n, bool)
    counts: dict[str, int] = {}
    for name, layout in layouts:
        rows = np.flatnonzero(valid & ~done & (lengths == layout.width))
        if not rows.size:
            continue
        width = 8 * ((layout.width + 7) // 8)
        padded = np.zeros(len(data) + width, np.uint8)
        padded[: len(data)] = data
        windows = as_strided(padded, shape=(len(data) + 1, width), strides=(1, 1))
        words = windows[offsets[rows]].view("<u8")  # (candidates, width / 8)
        ok = np.ones(rows.size, bool)
        digits = []
        for j in range(width // 8):
            word = words[:, j]
            literal_mask, literal, digit_mask = _word_masks(layout, j)
            if literal_mask:
                ok &= (word & np.uint64(literal_mask)) == np.uint64(literal)
            shifted = (word ^ np.uint64(0x3030303030303030)) & np.uint64(digit_mask)
            ok &= (shifted & np.uint64(0xF0F0F0F0F0F0F0F0)) == 0  # digit bytes are 0x30-0x3F
            ok &= ((shifted + (np.uint64(0x0606060606060606) & np.uint64(digit_mask)))
                   & np.uint64(0xF0F0F0F0F0F0F0F0)) == 0  # and not 0x3A-0x3F
            digits.append(shifted)
        number = {}
        for field, (offset, count) in layout.fields.items():
            value = np.zeros(rows.size, np.int64)
            for position in range(offset, offset + count):
                digit = (digits[position // 8] >> np.uint64(8 * (position % 8))) & np.uint64(0x0F)
                value = value * 10 + digit.astype(np.int64)
            number[field] = value
        year, month, day = number["Y"], number["m"], number["d"]
        hour, minute, second = (number.get(k, np.zeros(rows.size, np.int64)) for k in "HMS")
        ok &= ((year >= _FIRST_YEAR) & (year <= _LAST_YEAR) & (month >= 1) & (month <= 12) & (day >= 1)
               & (hour <= 23) & (minute <= 59) & (second <= 59))
        month_index = np.where(ok, (year - _FIRST_YEAR) * 12 + month - 1, 0)
        first_day = _MONTH_STARTS[month_index]
        ok &= day <= _MONTH_STARTS[month_index + 1] - first_day  # days in that month
        days = first_day + day - 1
        nanoseconds = (((days * 24 + hour) * 60 + minute) * 60 + second) * 1_000_000_000
        values[rows[ok]] = nanoseconds[ok]
        done[rows[ok]] = True
        counts[name] = counts.get(name, 0) + int(ok.sum())
    return values, done, counts


def _word_masks(layout: _Layout, word: int) -> tuple[int, int, int]:
    """For the 8 bytes of one word of a layout: mask and value of its literal bytes, mask of its digits."""
    literal_mask = literal = digit_mask = 0
    for offset, byte in layout.literals:
        if offset // 8 == word:
            literal_mask |= 0xFF << (8 * (offset % 8))
            literal |= byte << (8 * (offset % 8))
    for offset, count in layout.fields.values():
        for position in range(offset, offset + count):
            if position // 8 == word:
                digit_mask |= 0xFF << (8 * (position % 8))
    return literal_mask, literal, digit_mask


class _Dates(_Column):
    """Dates: fixed-width values fast, the others kept and parsed by the date rules in `finish`, all
    together (the rules try each layout on all the remaining values of the column at once)."""

    deferred = True

    def __init__(self, file: Path, column: str, options: ReadOptions) -> None:
        super().__init__(file, column, options)
        self.layouts = _fast_layouts(options)
        self.per_layout: dict[str, int] = {}
        self.rest: list[pd.Series] = []

    def add(self, text: pd.Series, start: int) -> None:
        text = text.set_axis(pd.RangeIndex(start, start + len(text)))
        array = _arrow_strings(text)
        values, done, counts = _fixed_dates(array, self.layouts)
        for name, count in counts.items():
            self.per_layout[name] = self.per_layout.get(name, 0) + count
        rest = array.is_valid().to_numpy(zero_copy_only=False) & ~done
        if rest.any():
            self.rest.append(text[rest])
        self._store(values)

    def finish(self, notes: ReadingNotes | None) -> np.ndarray:
        values = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int64)
        self.parts = []
        per_layout, zoned = dict(self.per_layout), 0
        if self.rest:
            text = pd.concat(self.rest) if len(self.rest) > 1 else self.rest[0]
            self.rest = []
            parsed, counts, zoned = _careful_dates(text, self.options, self.file, self.column)
            for layout, count in counts.items():
                per_layout[layout] = per_layout.get(layout, 0) + count
            if self.keep:
                values[text.index.to_numpy()] = parsed.to_numpy().astype("datetime64[ns]").view(np.int64)
        _note(notes, "mixed_date_formats", sum(per_layout.values()) - max(per_layout.values(), default=0))
        _note(notes, "dates_with_zone", zoned)
        return values.view("datetime64[ns]")


def to_datetime(text: pd.Series, options: ReadOptions, file: Path, column: str,
                notes: ReadingNotes | None = None) -> pd.Series:
    """Text to naive datetime64 by the date rules of the module docstring; unparseable values are an error."""
    converter = _Dates(Path(file), column, options)
    converter.add(text, 0)
    return pd.Series(converter.finish(notes), index=text.index)


# --- yes/no, codes, identifiers, text ---------------------------------------------------------------

class _Bools(_Column):
    def add(self, text: pd.Series, start: int) -> None:
        lowered = pc.fill_null(pc.utf8_lower(pc.utf8_trim_whitespace(_arrow_strings(text))), "")
        known = pc.is_in(lowered, value_set=pyarrow.array(sorted(TRUE_WORDS | FALSE_WORDS)))
        bad = ~known.to_numpy(zero_copy_only=False)
        if bad.any():
            raise _value_error(self.file, self.column, 1, int(bad.sum()),
                               "values are not yes/no (1/0, true/false, да/нет)", _examples(text[bad]),
                               counted=False)
        true = pc.is_in(lowered, value_set=pyarrow.array(sorted(TRUE_WORDS)))
        self._store(true.to_numpy(zero_copy_only=False).astype(bool))

    def finish(self, notes: ReadingNotes | None) -> np.ndarray:
        values = np.concatenate(self.parts) if self.parts else np.zeros(0, bool)
        self.parts = []
        return values


def to_bool(text: pd.Series, file: Path, column: str) -> pd.Series:
    converter = _Bools(Path(file), column, ReadOptions())
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index)


class _Codes(_Strings):
    def __init__(self, file: Path, column: str, options: ReadOptions, mapping: dict[str, str],
                 allowed: tuple[str, ...]) -> None:
        super().__init__(file, column, options)
        self.mapping, self.allowed = mapping, allowed

    def add(self, text: pd.Series, start: int) -> None:
        stripped = pc.utf8_trim_whitespace(_arrow_strings(text))
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
            raise _value_error(self.file, self.column, 1, int(bad.sum()),
                               f"unknown codes; expected {', '.join(self.allowed)} — map the client's codes "
                               f"under data.<table>.values.{self.column}", _examples(text[bad]),
                               counted=False)
        self._store(codes.cast(pyarrow.large_string()))


def to_code(text: pd.Series, mapping: dict[str, str], allowed: tuple[str, ...], file: Path,
            column: str) -> pd.Series:
    converter = _Codes(Path(file), column, ReadOptions(), mapping, allowed)
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index)


_SPREADSHEET_ID = r"^(\d+)[.,]0$"


class _Ids(_Strings):
    def add(self, text: pd.Series, start: int) -> None:
        ids = _trimmed(text)
        if pc.any(pc.or_(pc.ends_with(ids, ".0"), pc.ends_with(ids, ",0"))).as_py():
            ids = pc.replace_substring_regex(ids, pattern=_SPREADSHEET_ID, replacement=r"\1")
        self._store(ids.cast(pyarrow.large_string()))


def to_id(text: pd.Series) -> pd.Series:
    """Identifiers as strings; numeric-looking ids lose a trailing '.0' that spreadsheets add."""
    converter = _Ids(Path(), "", ReadOptions())
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index)


class _Texts(_Strings):
    def add(self, text: pd.Series, start: int) -> None:
        self._store(_trimmed(text).cast(pyarrow.large_string()))


def _converter(table: str, column: str, options: ReadOptions, values: dict[str, dict[str, str]],
               file: Path) -> _Column:
    kind = SCHEMA[table][column]
    if kind == "number":
        return _Numbers(file, column, options)
    if kind == "date":
        return _Dates(file, column, options)
    if kind == "bool":
        return _Bools(file, column, options)
    if kind == "code":
        return _Codes(file, column, options, values.get(column, {}), CODES[(table, column)])
    if kind == "id":
        return _Ids(file, column, options)
    return _Texts(file, column, options)


def _mapped_positions(header: list[Any], table: str, columns: dict[str, str],
                      file: Path) -> list[tuple[int, str]]:
    """(position in the file's header, canonical name) of every column kept, in map_columns' order;
    the same errors as map_columns."""
    known = SCHEMA[table]
    for client_name, canonical in columns.items():
        if canonical not in known:
            raise DataError(file, f"data.{table}.columns maps {client_name!r} to {canonical!r}, which is "
                            f"not a column of {table} ({', '.join(known)})", client_name)
    header = [str(c).strip() for c in header]
    rename = {c: columns[c] for c in header if c in columns}
    for name in header:  # a column already named canonically needs no mapping
        if name not in rename and name in known and name not in rename.values():
            rename[name] = name
    picked = [(position, canonical) for name, canonical in rename.items()
              for position, found in enumerate(header) if found == name]
    names = pd.Index([canonical for _, canonical in picked])
    if names.duplicated().any():
        dupes = sorted(set(names[names.duplicated()]))
        raise DataError(file, f"several columns map to {', '.join(dupes)}", dupes[0])
    missing = [c for c in REQUIRED[table] if c not in set(names)]
    if missing:
        expected_from = {canon: client for client, canon in columns.items()}
        hints = [f"{c} (mapped from {expected_from[c]!r})" if c in expected_from else c for c in missing]
        hint = ""
        if len(header) == 1:
            seen = [name for sep, name in ((";", "';'"), ("\t", "tab"), (",", "','"), ("|", "'|'"))
                    if sep in header[0]]
            if seen:
                hint = (f"; the header is read as one column: is data.read.sep right "
                        f"(the file seems to use {seen[0]})?")
        raise DataError(file, f"required column(s) missing: {', '.join(hints)}; the file has "
                        f"{', '.join(map(repr, header[:12]))}{hint}", missing[0])
    return picked


def map_columns(raw: pd.DataFrame, table: str, columns: dict[str, str], file: Path) -> pd.DataFrame:
    """Rename client columns to canonical ones; keep only canonical columns; check required ones."""
    picked = _mapped_positions(list(raw.columns), table, columns, file)
    mapped = raw.iloc[:, [position for position, _ in picked]]
    return mapped.set_axis([canonical for _, canonical in picked], axis=1)


def convert(mapped: pd.DataFrame, table: str, options: ReadOptions, values: dict[str, dict[str, str]],
            file: Path, notes: ReadingNotes | None = None) -> pd.DataFrame:
    """Convert each canonical column by its kind (see SCHEMA)."""
    out = {}
    for column in mapped.columns:
        converter = _converter(table, column, options, values, file)
        converter.add(mapped[column].set_axis(pd.RangeIndex(len(mapped))), 0)
        out[column] = converter.finish(notes)
    return pd.DataFrame(out).set_axis(mapped.index)


def _convert_chunks(chunks: Iterator[pd.DataFrame], table: str, options: ReadOptions,
                    columns: dict[str, str], values: dict[str, dict[str, str]], file: Path,
                    notes: ReadingNotes | None) -> pd.DataFrame:
    """Map and convert a file chunk by chunk, with the errors reading it whole would give, in the same
    order: reading errors, no rows, column mapping, then the first column (and the first check of that
    column) that fails anywhere in the file, with its count and examples over the whole file."""
    picked: list[tuple[int, str]] | None = None
    mapping_error: DataError | None = None
    converters: list[_Column] = []
    failures: list[tuple[int, DataError]] = []  # (column number, error) per chunk
    rows = 0
    for chunk in chunks:
        if picked is None and mapping_error is None:
            try:
                picked = _mapped_positions(list(chunk.columns), table, columns, file)
            except DataError as error:
                mapping_error = error
            else:
                converters = [_converter(table, name, options, values, file) for _, name in picked]
        if picked is not None and len(chunk):
            chunk = chunk.set_axis(pd.RangeIndex(rows, rows + len(chunk)))
            failed = False
            earliest = min((number for number, _ in failures), default=len(picked))
            for number, ((position, _), converter) in enumerate(zip(picked, converters, strict=True)):
                if not converter.deferred and (failed or number > earliest):
                    continue  # cannot change which error is raised
                try:
                    converter.add(chunk.iloc[:, position], rows)
                except DataError as error:
                    failures.append((number, error))
                    failed = True
            if failed:
                for converter in converters:
                    converter.discard()
        rows += len(chunk)
        del chunk
        release_memory()  # the chunk's text is freed: let the system have it back
    if rows == 0:
        raise DataError(file, "the file has a header but no rows")
    if mapping_error is not None:
        raise mapping_error
    assert picked is not None
    first_failure = min((number for number, _ in failures), default=len(picked))
    out = {}
    for number, ((_, name), converter) in enumerate(zip(picked, converters, strict=True)):
        if number >= first_failure:
            break
        if failures and not converter.deferred:
            continue
        out[name] = converter.finish(notes)  # deferred columns check their values here
    if failures:
        same_column = [error for number, error in failures if number == first_failure]
        rule = min(error.rule for error in same_column)
        raise _combined_error([error for error in same_column if error.rule == rule])
    return pd.DataFrame(out, index=pd.RangeIndex(rows), copy=False)  # no copy into 2-D blocks


def release_memory() -> None:
    """Give the memory Arrow has freed back to the system (its allocator keeps freed blocks for reuse,
    which after reading millions of rows would count for gigabytes that nothing uses)."""
    pyarrow.default_memory_pool().release_unused()


def _read_table(file: Path, table: str, options: ReadOptions, columns: dict[str, str],
                values: dict[str, dict[str, str]], notes: ReadingNotes | None) -> pd.DataFrame:
    """The file's canonical columns, converted (module docstring: how a file is read)."""
    try:
        return _read_converted(file, table, options, columns, values, notes)
    finally:
        release_memory()


def _read_converted(file: Path, table: str, options: ReadOptions, columns: dict[str, str],
                    values: dict[str, dict[str, str]], notes: ReadingNotes | None) -> pd.DataFrame:
    _check_file(file)
    if not _is_csv(file):
        raw = read_raw(file, options)
        if raw.empty:
            raise DataError(file, "the file has a header but no rows")
        return _convert_chunks(_frame_chunks(raw), table, options, columns, values, file, notes)
    if FAST_CSV:
        for numbers in (_number_columns(file, table, options, columns), None):
            counted: ReadingNotes = {}
            try:
                frame = _convert_chunks(_arrow_chunks(file, options, numbers), table, options, columns,
                                        values, file, counted)
            except _NotTyped:
                continue  # a number needs the number rules: read the numbers as text
            except (_NotPlain, DataError):
                break  # read again by the reference reader, which also words any error
            for key, count in counted.items():
                _note(notes, key, count)
            return frame
    return _convert_chunks(_pandas_chunks(file, options), table, options, columns, values, file, notes)


def _number_columns(file: Path, table: str, options: ReadOptions, columns: dict[str, str]) -> set[str] | None:
    """Header names of the file's number columns (for Arrow to parse while reading), if it has any."""
    if not _typed_numbers_allowed(options):
        return None
    try:
        parse = pacsv.ParseOptions(delimiter=options.sep, newlines_in_values=True)
        encoding = _arrow_encoding(_encoding_of(file, options.encoding))
        probe = pacsv.open_csv(file, read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 20),
                               parse_options=parse)
        names = probe.schema.names
        probe.close()
        picked = _mapped_positions(names, table, columns, file)
    except Exception:  # noqa: BLE001 - the text reading decides
        return None
    found = {names[position] for position, name in picked if SCHEMA[table][name] == "number"}
    return found or None


def strip_contacts(customers: pd.DataFrame) -> pd.DataFrame:
    """Replace contact fields with has_email / has_phone / has_name flags (the seed's data completeness).

    has_email: an '@' with text on both sides; has_phone: at least 10 digits; has_name: first and last
    name both present. The contact values themselves are dropped here.
    """
    frame = customers.copy()
    empty = pd.Series(pd.NA, index=frame.index, dtype="string")
    email = frame.get("email", empty).astype("string")
    phone = frame.get("phone", empty).astype("string")
    first = frame.get("first_name", empty).astype("string")
    last = frame.get("last_name", empty).astype("string")
    if "email" in frame:
        valid = email.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", regex=True)
        frame["has_email"] = valid.fillna(False).astype(bool)
    if "phone" in frame:
        frame["has_phone"] = phone.str.count(r"\d").fillna(0).ge(10).astype(bool)
    if "first_name" in frame and "last_name" in frame:
        frame["has_name"] = ((first.str.strip().fillna("") != "")
                             & (last.str.strip().fillna("") != "")).astype(bool)
    return frame.drop(columns=[c for c in CONTACT_FIELDS if c in frame.columns])


def _contract(table: str) -> pa.DataFrameSchema:
    """The data contract of one canonical table, checked with pandera after conversion."""
    checks: dict[str, pa.Column] = {
        "transactions": {"date": pa.Column("datetime64[ns]", nullable=False),
                         "amount": pa.Column(float, nullable=False)},
        "customers": {"customer_id": pa.Column(nullable=False, unique=True)},
        "points": {"customer_id": pa.Column(nullable=False), "date": pa.Column(nullable=False),
                   "points": pa.Column(float, nullable=False)},
        "nps": {"date": pa.Column(nullable=False),
                "score": pa.Column(float, [pa.Check.in_range(0, 10, error="scores outside 0-10"),
                                           pa.Check(lambda s: s == s.round(), element_wise=False,
                                                    error="scores that are not whole numbers")],
                                   nullable=False)},
        "surveys": {"date": pa.Column(nullable=False), "question": pa.Column(nullable=False),
                    "answer": pa.Column(nullable=False)},
        "campaigns": {"campaign_id": pa.Column(nullable=False), "customer_id": pa.Column(nullable=False),
                      "group": pa.Column(nullable=False), "sent_at": pa.Column(nullable=False)},
    }[table]
    return pa.DataFrameSchema(checks, strict=False)


def validate(frame: pd.DataFrame, table: str, file: Path) -> None:
    """Raise DataError for the first contract violation, with the column and example values."""
    try:
        _contract(table).validate(frame, lazy=True, inplace=True)  # no coercion: nothing to change, no copy
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        first = cases.iloc[0]
        column = first.get("column")
        check = str(first.get("check"))
        same = cases[(cases["column"] == column) & (cases["check"].astype(str) == check)]
        examples = [v.item() if hasattr(v, "item") else v
                    for v in same["failure_case"].dropna().unique()[:MAX_EXAMPLES]]
        label = {"not_nullable": "empty values where a value is required",
                 "field_uniqueness": "duplicate values where each must be unique"}.get(check, check)
        raise DataError(file, f"{len(same)} row(s) break the data contract: {label}", column,
                        examples) from exc


def load_table(project_dir: Path, table: str, table_config: dict[str, Any],
               read_defaults: dict[str, Any], notes: ReadingNotes | None = None) -> pd.DataFrame:
    """One canonical table from the file in `table_config['path']` (relative to the project).

    `notes`, when given, receives the counts of reading rules that touched values (module docstring).
    """
    file = Path(project_dir) / table_config["path"]
    options = ReadOptions.from_config(read_defaults, table_config.get("read") or {})
    frame = _read_table(file, table, options, table_config.get("columns") or {},
                        table_config.get("values") or {}, notes)
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


def load_all(project_dir: Path, config: dict[str, Any],
             notes: ReadingNotes | None = None) -> dict[str, pd.DataFrame | None]:
    """Every table of the contract: canonical frames, None where the config names no file.

    A table whose path is null is not provided (its sections are skipped); a path that names no file is
    an error, since it is usually a typo.
    """
    data = config["data"]
    if not data["transactions"].get("path"):
        raise DataError(f"config/clients/{config.get('client', '?')}.yaml",
                        "data.transactions.path is not set; transactions are required")
    return {
        table: load_table(project_dir, table, data[table], data["read"], notes) if data[table].get("path")
        else None
        for table in TABLES
    }


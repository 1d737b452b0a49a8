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
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

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


class DataError(ValueError):
    """Input that cannot be analysed: names the file, the column and example bad values."""

    def __init__(self, file: Path | str, message: str, column: str | None = None,
                 examples: list[Any] | None = None) -> None:
        self.file, self.column, self.examples = str(file), column, list(examples or [])
        where = f"{self.file}" + (f", column {column!r}" if column else "")
        shown = f" (e.g. {', '.join(repr(e) for e in self.examples[:MAX_EXAMPLES])})" if examples else ""
        super().__init__(f"{where}: {message}{shown}")


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


def read_raw(path: Path, options: ReadOptions) -> pd.DataFrame:
    """The file's cells as text (None for empty), with its own header names; the file is not modified."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    if path.stat().st_size == 0:
        raise DataError(path, "the file is empty")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return _typed_as_text(pd.read_parquet(path), options)
        if suffix in (".xlsx", ".xlsm", ".xls"):
            sheet = 0 if options.sheet is None else options.sheet
            frame = pd.read_excel(path, sheet_name=sheet, header=options.header_row, dtype=object)
            frame.columns = [_cell_text(c, options) or f"Unnamed: {i}" for i, c in enumerate(frame.columns)]
            return _typed_as_text(frame, options)
        encoding = _encoding_of(path, options.encoding)
        return pd.read_csv(
            path, sep=options.sep, encoding=encoding, header=options.header_row, dtype=str,
            keep_default_na=False, na_values=[""], skipinitialspace=True,
        )
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


def _examples(values: pd.Series) -> list[Any]:
    return list(pd.unique(values.dropna())[:MAX_EXAMPLES])


# Patterns are plain strings, not re.compile'd, so that pandas runs them in Arrow's vectorised RE2 instead
# of calling Python's re per value (5 s per million values); RE2's \s is ASCII-only, so the whitespace
# class lists every character Python's \s matches (NBSP and narrow NBSP included).
_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if re.fullmatch(r"\s", ch))
_SPACES = "[" + _WHITESPACE + "]"


def to_number(text: pd.Series, options: ReadOptions, file: Path, column: str) -> pd.Series:
    """Text to float64: strip (nb)spaces and the thousands separator, decimal mark to '.'."""
    stripped = text.astype("string").str.strip()
    cleaned = stripped.str.replace(_SPACES, "", regex=True)
    thousands = options.thousands if options.thousands and options.thousands.strip() else None
    if thousands:
        grouped = re.compile(r"^[+-]?\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+(?:"
                             + re.escape(options.decimal) + r"\d*)?(?:[eE][+-]?\d+)?$")
        has_sep = cleaned.str.contains(thousands, regex=False).fillna(False)
        misgrouped = has_sep & ~cleaned.str.fullmatch(grouped).fillna(False)
        if misgrouped.any():
            raise DataError(file, f"{int(misgrouped.sum())} value(s) use the thousands separator "
                            f"{thousands!r} but not in groups of three digits; check data.read.thousands "
                            "and data.read.decimal", column, _examples(text[misgrouped]))
        cleaned = cleaned.str.replace(thousands, "", regex=False)
    if options.decimal != ".":
        dotted = cleaned.str.contains(".", regex=False).fillna(False)
        if dotted.any():
            raise DataError(file, f"{int(dotted.sum())} value(s) contain '.' but the decimal mark is "
                            f"{options.decimal!r}; set data.read.thousands: '.' if '.' groups thousands, "
                            "or data.read.decimal: '.'", column, _examples(text[dotted]))
        cleaned = cleaned.str.replace(options.decimal, ".", regex=False)
    cleaned = cleaned.replace("", pd.NA)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = cleaned.notna() & ~np.isfinite(numbers.fillna(0.0)) | (cleaned.notna() & numbers.isna())
    if bad.any():
        raise DataError(file, f"{int(bad.sum())} value(s) are not numbers "
                        f"(decimal mark {options.decimal!r})", column, _examples(text[bad]))
    return numbers


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


def to_datetime(text: pd.Series, options: ReadOptions, file: Path, column: str,
                notes: ReadingNotes | None = None) -> pd.Series:
    """Text to naive datetime64 by the date rules of the module docstring; unparseable values are an error."""
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
        raise DataError(file, f"{int(bad.sum())} value(s) do not parse as dates ({fmt}); "
                        "set data.read.date_format", column, _examples(text[bad]))
    out_of_range = present & ((parsed < _FIRST_NS) | (parsed >= _LAST_NS))
    if out_of_range.any():
        raise DataError(file, f"{int(out_of_range.sum())} date(s) outside 1678-2261, which cannot be "
                        "analysed (placeholders such as 01.01.0001 should be empty cells)", column,
                        _examples(text[out_of_range]))
    _note(notes, "mixed_date_formats", sum(per_layout.values()) - max(per_layout.values(), default=0))
    _note(notes, "dates_with_zone", int(aware.sum()))
    return parsed.astype("datetime64[ns]")


def to_bool(text: pd.Series, file: Path, column: str) -> pd.Series:
    lowered = text.astype("string").str.strip().str.lower().fillna("")
    bad = ~lowered.isin(TRUE_WORDS | FALSE_WORDS)
    if bad.any():
        raise DataError(file, "values are not yes/no (1/0, true/false, да/нет)", column,
                        _examples(text[bad]))
    return lowered.isin(TRUE_WORDS).astype(bool)


def to_code(text: pd.Series, mapping: dict[str, str], allowed: tuple[str, ...], file: Path,
            column: str) -> pd.Series:
    stripped = text.astype("string").str.strip()
    mapped = stripped.map(lambda v: mapping.get(v, v) if v is not pd.NA else v)
    codes = mapped.astype("string").str.lower()
    bad = codes.notna() & ~codes.isin(allowed)
    if bad.any():
        raise DataError(file, f"unknown codes; expected {', '.join(allowed)} — map the client's codes "
                        f"under data.<table>.values.{column}", column, _examples(text[bad]))
    return codes


def to_id(text: pd.Series) -> pd.Series:
    """Identifiers as strings; numeric-looking ids lose a trailing '.0' that spreadsheets add."""
    ids = text.astype("string").str.strip().replace("", pd.NA)
    return ids.str.replace(r"^(\d+)[.,]0$", r"\1", regex=True)


def map_columns(raw: pd.DataFrame, table: str, columns: dict[str, str], file: Path) -> pd.DataFrame:
    """Rename client columns to canonical ones; keep only canonical columns; check required ones."""
    known = SCHEMA[table]
    for client_name, canonical in columns.items():
        if canonical not in known:
            raise DataError(file, f"data.{table}.columns maps {client_name!r} to {canonical!r}, which is "
                            f"not a column of {table} ({', '.join(known)})", client_name)
    header = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(header, axis=1)
    rename = {c: columns[c] for c in header if c in columns}
    for name in header:  # a column already named canonically needs no mapping
        if name not in rename and name in known and name not in rename.values():
            rename[name] = name
    mapped = raw[list(rename)].rename(columns=rename)
    if mapped.columns.duplicated().any():
        dupes = sorted(set(mapped.columns[mapped.columns.duplicated()]))
        raise DataError(file, f"several columns map to {', '.join(dupes)}", dupes[0])
    missing = [c for c in REQUIRED[table] if c not in mapped.columns]
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
    return mapped


def convert(mapped: pd.DataFrame, table: str, options: ReadOptions, values: dict[str, dict[str, str]],
            file: Path, notes: ReadingNotes | None = None) -> pd.DataFrame:
    """Convert each canonical column by its kind (see SCHEMA)."""
    out = {}
    for column in mapped.columns:
        kind = SCHEMA[table][column]
        text = mapped[column]
        if kind == "number":
            out[column] = to_number(text, options, file, column)
        elif kind == "date":
            out[column] = to_datetime(text, options, file, column, notes)
        elif kind == "bool":
            out[column] = to_bool(text, file, column)
        elif kind == "code":
            out[column] = to_code(text, values.get(column, {}), CODES[(table, column)], file, column)
        elif kind == "id":
            out[column] = to_id(text)
        else:
            out[column] = text.astype("string").str.strip().replace("", pd.NA)
    return pd.DataFrame(out, index=mapped.index)


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
        _contract(table).validate(frame, lazy=True)
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
    raw = read_raw(file, options)
    if raw.empty:
        raise DataError(file, "the file has a header but no rows")
    mapped = map_columns(raw, table, table_config.get("columns") or {}, file)
    frame = convert(mapped, table, options, table_config.get("values") or {}, file, notes)
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


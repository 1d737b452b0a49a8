"""Read a client's exports into the canonical tables of the data contract, and validate them.

Every file is read as text first and each canonical column is converted by its own rule, so that an
error can name the file, the column and example values that failed. Read options (separator, decimal
mark, thousands separator, encoding, date format, header row, Excel sheet) come from the client config.

Rules applied while reading (all documented in the README's data contract):
- numbers: spaces and non-breaking spaces inside numbers are thousands separators and are removed; the
  configured decimal mark becomes '.'; an empty cell is missing.
- dates: parsed with the configured format, or ISO 8601 / day-first when none is set; time-zone-aware
  values are converted to UTC and the zone dropped, so that mixed zones compare correctly.
- codes (points.kind, campaigns.group, surveys.question): mapped through the config's `values` table,
  then lower-cased; a code outside the contract is an error.
- contact fields (email, phone, first/last name) are turned into has_email / has_phone / has_name flags
  and the values dropped, so that no personal data travels further than this module.
Input files are opened read-only and never modified.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .config import TABLES

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

    @classmethod
    def from_config(cls, defaults: dict[str, Any], override: dict[str, Any]) -> ReadOptions:
        merged = {**defaults, **(override or {})}
        return cls(**{k: merged[k] for k in cls.__dataclass_fields__ if k in merged})


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
            frame = pd.read_parquet(path)
            return frame.astype(object).where(frame.notna(), None).astype(str).where(frame.notna(), None)
        if suffix in (".xlsx", ".xlsm", ".xls"):
            sheet = 0 if options.sheet is None else options.sheet
            return pd.read_excel(path, sheet_name=sheet, header=options.header_row, dtype=str)
        encoding = "utf-8-sig" if options.encoding.lower().replace("_", "-") in ("utf-8", "utf8") \
            else options.encoding
        return pd.read_csv(
            path, sep=options.sep, encoding=encoding, header=options.header_row, dtype=str,
            keep_default_na=False, na_values=[""], skipinitialspace=True,
        )
    except UnicodeDecodeError as exc:
        bad = exc.object[max(exc.start - 20, 0): exc.end + 20]
        raise DataError(
            path, f"cannot be decoded as {options.encoding} (byte {exc.start}); set data.read.encoding "
            "(cp1251 is common for Russian exports)", examples=[bad],
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(path, "the file has no rows") from exc
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataError(path, f"cannot be read: {exc}") from exc


def _examples(values: pd.Series) -> list[Any]:
    return list(pd.unique(values.dropna())[:MAX_EXAMPLES])


_SPACES = re.compile(r"[\s\u00a0\u202f]")


def to_number(text: pd.Series, options: ReadOptions, file: Path, column: str) -> pd.Series:
    """Text to float64: strip (nb)spaces and the thousands separator, decimal mark to '.'."""
    cleaned = text.astype("string").str.replace(_SPACES, "", regex=True)
    if options.thousands and options.thousands.strip():
        cleaned = cleaned.str.replace(options.thousands, "", regex=False)
    if options.decimal != ".":
        cleaned = cleaned.str.replace(options.decimal, ".", regex=False)
    cleaned = cleaned.replace("", pd.NA)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = cleaned.notna() & numbers.isna()
    if bad.any():
        raise DataError(file, f"{int(bad.sum())} value(s) are not numbers "
                        f"(decimal mark {options.decimal!r})", column, _examples(text[bad]))
    return numbers


def to_datetime(text: pd.Series, options: ReadOptions, file: Path, column: str) -> pd.Series:
    """Text to naive datetime64; aware values go to UTC first; unparseable values are an error."""
    stripped = text.astype("string").str.strip().replace("", pd.NA)
    if options.date_format:
        parsed = pd.to_datetime(stripped, format=options.date_format, errors="coerce")
    else:
        parsed = pd.to_datetime(stripped, format="ISO8601", errors="coerce", utc=True)
        if (stripped.notna() & parsed.isna()).any():
            parsed = pd.to_datetime(stripped, format="mixed", dayfirst=True, errors="coerce", utc=True)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    bad = stripped.notna() & parsed.isna()
    if bad.any():
        fmt = options.date_format or "ISO 8601 or day-first"
        raise DataError(file, f"{int(bad.sum())} value(s) do not parse as dates ({fmt}); "
                        "set data.read.date_format", column, _examples(text[bad]))
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
    return ids.str.replace(r"^(\d+)\.0$", r"\1", regex=True)


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
        raise DataError(file, f"required column(s) missing: {', '.join(hints)}; the file has "
                        f"{', '.join(map(repr, header[:12]))}", missing[0])
    return mapped


def convert(mapped: pd.DataFrame, table: str, options: ReadOptions, values: dict[str, dict[str, str]],
            file: Path) -> pd.DataFrame:
    """Convert each canonical column by its kind (see SCHEMA)."""
    out = {}
    for column in mapped.columns:
        kind = SCHEMA[table][column]
        text = mapped[column]
        if kind == "number":
            out[column] = to_number(text, options, file, column)
        elif kind == "date":
            out[column] = to_datetime(text, options, file, column)
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
                "score": pa.Column(float, pa.Check.in_range(0, 10), nullable=False)},
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
        examples = list(same["failure_case"].dropna().unique()[:MAX_EXAMPLES])
        label = {"not_nullable": "empty values where a value is required",
                 "field_uniqueness": "duplicate values where each must be unique"}.get(check, check)
        raise DataError(file, f"{len(same)} row(s) break the data contract: {label}", column,
                        examples) from exc


def load_table(project_dir: Path, table: str, table_config: dict[str, Any],
               read_defaults: dict[str, Any]) -> pd.DataFrame:
    """One canonical table from the file in `table_config['path']` (relative to the project)."""
    file = Path(project_dir) / table_config["path"]
    options = ReadOptions.from_config(read_defaults, table_config.get("read") or {})
    raw = read_raw(file, options)
    if raw.empty:
        raise DataError(file, "the file has a header but no rows")
    mapped = map_columns(raw, table, table_config.get("columns") or {}, file)
    frame = convert(mapped, table, options, table_config.get("values") or {}, file)
    if table == "points":
        frame["points"] = frame["points"].abs()  # kind carries the direction; magnitudes are positive
    if table == "customers":
        frame = strip_contacts(frame)
    validate(frame, table, file)
    return frame.reset_index(drop=True)


def input_files(project_dir: Path, config: dict[str, Any]) -> dict[str, Path]:
    """table -> file of every table the config names."""
    data = config["data"]
    return {t: Path(project_dir) / data[t]["path"] for t in TABLES if data[t].get("path")}


def load_all(project_dir: Path, config: dict[str, Any]) -> dict[str, pd.DataFrame | None]:
    """Every table of the contract: canonical frames, None where the config names no file."""
    data = config["data"]
    if not data["transactions"].get("path"):
        raise DataError(f"config/clients/{config.get('client', '?')}.yaml",
                        "data.transactions.path is not set; transactions are required")
    return {
        table: load_table(project_dir, table, data[table], data["read"]) if data[table].get("path")
        else None
        for table in TABLES
    }


"""The data contract: canonical tables and columns, how each column is converted, which are required,
the codes allowed; mapping a file's columns onto them, the contact-field rule, and the pandera checks
of the converted tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc

from .arrays import WHITESPACE, arrow_strings
from .errors import MAX_EXAMPLES, DataError

# canonical column -> kind of conversion
SCHEMA: dict[str, dict[str, str]] = {
    "transactions": {
        "date": "date", "amount": "number", "customer_id": "id", "transaction_id": "id",
        "items": "number", "store_id": "id", "region": "text", "discount": "number",
        "loyalty_card": "bool", "points_earned": "number", "points_redeemed": "number",
        "quantity": "number", "price": "number", "line_amount": "number",  # receipt lines (lines.py)
    },
    "customers": {
        "customer_id": "id", "registered_at": "date", "joined_program_at": "date", "tier": "text",
        "region": "text", "email": "text", "phone": "text", "first_name": "text", "last_name": "text",
        "full_name": "text", "unsubscribed_at": "date",
    },
    "points": {"customer_id": "id", "date": "date", "kind": "code", "points": "number"},
    # reason: the respondent's stated reason (free text or a code), optional; counted, never quoted by
    # default (sections/program/reasons.py)
    "nps": {"date": "date", "score": "number", "customer_id": "id", "reason": "text"},
    "surveys": {"date": "date", "question": "code", "answer": "text", "customer_id": "id", "reason": "text"},
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
# receipt lines (lines.py): a transactions file with line_amount, or quantity and price, has one row per
# line; its lines are summed into checks by transaction_id, which it needs instead of amount
LINES_REQUIRED = ("date", "transaction_id")


def required_columns(table: str, names: set[str]) -> tuple[str, ...]:
    if table == "transactions" and ("line_amount" in names or {"quantity", "price"} <= names):
        return LINES_REQUIRED
    return REQUIRED[table]


CODES: dict[tuple[str, str], tuple[str, ...]] = {
    ("points", "kind"): ("accrual", "redemption", "expiry", "adjustment"),
    ("campaigns", "group"): ("treatment", "control"),
    ("surveys", "question"): ("csat", "awareness", "motive", "nps"),
}
CONTACT_FIELDS = ("email", "phone", "first_name", "last_name", "full_name")
# a word of a full name: text between spaces with a letter in it (RE2: \p{L} is any script's letter)
_WORD = "[^" + WHITESPACE + "]*" + r"\p{L}" + "[^" + WHITESPACE + "]*"
TRUE_WORDS = {"1", "true", "yes", "y", "да", "д", "t", "+", "1.0"}
FALSE_WORDS = {"0", "false", "no", "n", "нет", "н", "f", "-", "0.0", ""}


def mapped_positions(header: list[Any], table: str, columns: dict[str, str],
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
    missing = [c for c in required_columns(table, set(names)) if c not in set(names)]
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
    picked = mapped_positions(list(raw.columns), table, columns, file)
    mapped = raw.iloc[:, [position for position, _ in picked]]
    return mapped.set_axis([canonical for _, canonical in picked], axis=1)


def strip_contacts(customers: pd.DataFrame) -> pd.DataFrame:
    """Replace contact fields with has_email / has_phone / has_name flags (the seed's data completeness).

    has_email: an '@' with text on both sides; has_phone: at least 10 digits; has_name: first and last
    name both present, or a full name (`full_name`, the one-column ФИО of Russian CRMs) of at least two
    words, a word being text between spaces with a letter in it ("Иванов Иван", "Иванов И.И."; not
    "Иванов", "Иванов-Петров" or "Иванов -"). has_name exists when the table has full_name or both
    first_name and last_name. The contact values are dropped here.
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
    named = pd.Series(False, index=frame.index)
    if "first_name" in frame and "last_name" in frame:
        named |= ((first.str.strip().fillna("") != "") & (last.str.strip().fillna("") != "")).astype(bool)
    if "full_name" in frame:
        words = pc.count_substring_regex(arrow_strings(frame["full_name"]), _WORD)
        named |= pc.fill_null(words, 0).to_numpy(zero_copy_only=False) >= 2
    if "full_name" in frame or ("first_name" in frame and "last_name" in frame):
        frame["has_name"] = named.to_numpy(dtype=bool)
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

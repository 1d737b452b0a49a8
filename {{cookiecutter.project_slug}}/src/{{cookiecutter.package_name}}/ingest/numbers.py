"""Numbers: the number rules of the reading (read.py's docstring), with a vectorised path for plain values.

Currency marks: a value may carry one known currency sign or code before or after the number (after a
sign: `-$12.50`), with or without a space: `1 234,50 ₽`, `12,50 руб.`, `$12.50`, `12.50 USD`, `€ 5`.
The mark is dropped; every value of a column that carries one must carry the same currency (RUB, USD,
...), else the values in the others are an error. Any other text beside a number is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow

from .arrays import SPACES, arrow_strings, string_buffers
from .column import Column
from .errors import NotTyped, example_values, value_error
from .options import ReadingNotes, ReadOptions

# currency mark (matched without regard to case) -> the currency it names
CURRENCY_MARKS = {
    "₽": "RUB", "руб.": "RUB", "руб": "RUB", "р.": "RUB", "rub": "RUB", "rur": "RUB",
    "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "₸": "KZT", "тг.": "KZT", "тг": "KZT", "kzt": "KZT", "byn": "BYN", "бел. руб.": "BYN",
    "₴": "UAH", "грн.": "UAH", "грн": "UAH", "uah": "UAH", "¥": "CNY", "cny": "CNY",
}
_MARK = "|".join(re.escape(mark) for mark in sorted(CURRENCY_MARKS, key=len, reverse=True))
_WITH_MARK = re.compile(rf"(?i)^([+-]?){SPACES}*(?:({_MARK}){SPACES}*)?(.*?)(?:{SPACES}*({_MARK}))?$")


def _without_currency(stripped: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Values with a known currency mark before or after the number lose it (module docstring): the
    values, and the currency of each (NA where none); a mark with no number beside it stays (an error)."""
    parts = stripped.str.extract(_WITH_MARK)
    mark = parts[1].fillna(parts[3])
    marked = mark.notna() & parts[2].fillna("").ne("") & ~(parts[1].notna() & parts[3].notna())
    if not marked.any():
        return stripped, pd.Series(pd.NA, index=stripped.index, dtype="string")
    currency = mark.where(marked).str.lower().map(CURRENCY_MARKS, na_action="ignore").astype("string")
    return stripped.where(~marked, parts[0] + parts[2]), currency


def _careful_numbers(text: pd.Series, options: ReadOptions, file: Path,
                     column: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The number rules (module docstring) on any text: float64 values, the cleaned text and the
    currency each value was written in (NA where none)."""
    stripped, currency = _without_currency(text.astype("string").str.strip())
    cleaned = stripped.str.replace(SPACES, "", regex=True)
    thousands = options.thousands if options.thousands and options.thousands.strip() else None
    if thousands:
        grouped = re.compile(r"^[+-]?\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+(?:"
                             + re.escape(options.decimal) + r"\d*)?(?:[eE][+-]?\d+)?$")
        has_sep = cleaned.str.contains(thousands, regex=False).fillna(False)
        misgrouped = has_sep & ~cleaned.str.fullmatch(grouped).fillna(False)
        if misgrouped.any():
            raise value_error(file, column, 1, int(misgrouped.sum()),
                              f" value(s) use the thousands separator {thousands!r} but not in groups of "
                              "three digits; check data.read.thousands and data.read.decimal",
                              example_values(text[misgrouped]))
        cleaned = cleaned.str.replace(thousands, "", regex=False)
    if options.decimal != ".":
        dotted = cleaned.str.contains(".", regex=False).fillna(False)
        if dotted.any():
            raise value_error(file, column, 2, int(dotted.sum()),
                              f" value(s) contain '.' but the decimal mark is {options.decimal!r}; set "
                              "data.read.thousands: '.' if '.' groups thousands, or data.read.decimal: '.'",
                              example_values(text[dotted]))
        cleaned = cleaned.str.replace(options.decimal, ".", regex=False)
    cleaned = cleaned.replace("", pd.NA)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = cleaned.notna() & ~np.isfinite(numbers.fillna(0.0)) | (cleaned.notna() & numbers.isna())
    if bad.any():
        raise value_error(file, column, 3, int(bad.sum()),
                          f" value(s) are not numbers (decimal mark {options.decimal!r})",
                          example_values(text[bad]))
    return numbers, cleaned, currency


_POWERS = 10.0 ** np.arange(23)  # exact in float64
_MAX_PLAIN_DIGITS = 15  # an integer of 15 digits is below 2**53: exact in float64


def plain_mark(options: ReadOptions) -> int | None:
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


def plain_numbers(array: pyarrow.Array, mark: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values written plainly: digits, an optional leading '-', at most one decimal mark between digits,
    at most 15 digits in all. Returns (plain, value, has_mark) per value (value NaN where not plain).

    The value is the integer of the digits divided by a power of ten, both exact in float64, so the one
    division is correctly rounded: the same double as float() or pandas.to_numeric of the text.
    """
    offsets, data, valid = string_buffers(array)
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



class Numbers(Column):
    """Numbers: plain values fast, the others by the number rules; float64.

    pandas.to_numeric writes an integer-looking negative zero ("-0") as -0.0 or 0.0 depending on the
    other values of the column (whether any is not an integer); `finish` gives it the sign the whole
    column would, from one example of each kind of value seen.
    """

    def __init__(self, file: Path, column: str, options: ReadOptions) -> None:
        super().__init__(file, column, options)
        self.mark = plain_mark(options)
        self.kinds: dict[str, str] = {}  # kind of value -> first example (cleaned text)
        self.negative_zeros: list[np.ndarray] = []
        self.currency: str | None = None  # the currency of the first value with a currency mark

    def add(self, text: pd.Series, start: int) -> None:
        if isinstance(text.dtype, pd.ArrowDtype) and pyarrow.types.is_floating(text.dtype.pyarrow_dtype):
            self._store(self._typed(pyarrow.array(text.array)))
            return
        array = arrow_strings(text)
        n = len(array)
        valid = array.is_valid().to_numpy(zero_copy_only=False)
        plain, values = np.zeros(n, bool), np.full(n, np.nan)
        minus_zero = np.zeros(n, bool)  # integer-looking zeros written with a minus: sign set in finish
        if self.mark is not None:
            plain, values, has_mark = plain_numbers(array, self.mark)
            integer = plain & ~has_mark
            if "float" not in self.kinds and has_mark.any():
                self.kinds["float"] = array[int(np.argmax(has_mark))].as_py().replace(chr(self.mark), ".")
            negative = integer & (values < 0)
            if "negative" not in self.kinds and negative.any():
                self.kinds["negative"] = array[int(np.argmax(negative))].as_py()
            minus_zero |= integer & (values == 0) & np.signbit(values)
        slow = valid & ~plain
        if slow.any():
            numbers, cleaned, currency = _careful_numbers(text[slow], self.options, self.file, self.column)
            self._one_currency(text[slow], currency)
            values[slow] = numbers.to_numpy()
            minus_zero[slow] = self._kinds(numbers, cleaned)
        if minus_zero.any():
            self.negative_zeros.append(np.flatnonzero(minus_zero) + start)
        self._store(values)

    def _one_currency(self, text: pd.Series, currency: pd.Series) -> None:
        """The first currency mark seen is the column's; values in another currency are an error."""
        seen = currency.dropna()
        if seen.empty:
            return
        if self.currency is None:
            self.currency = str(seen.iloc[0])
        other = currency.notna() & currency.ne(self.currency)
        if other.any():
            others = ", ".join(sorted(set(currency[other])))
            raise value_error(self.file, self.column, 4, int(other.sum()),
                              f" value(s) are in another currency ({others}) than the column's first "
                              f"marked value ({self.currency}); one column holds one currency: convert "
                              "them, or export each currency to its own file",
                              example_values(text[other]))

    @staticmethod
    def _typed(array: pyarrow.Array | pyarrow.ChunkedArray) -> np.ndarray:
        """Values Arrow parsed while reading, unless one may differ from the number rules' reading."""
        values = array.to_numpy(zero_copy_only=False).astype(np.float64)
        valid = array.is_valid().to_numpy(zero_copy_only=False)
        if (valid & ~np.isfinite(values)).any() or ((values == 0) & np.signbit(values)).any():
            raise NotTyped("non-finite values or negative zeros")
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
            values[np.concatenate(self.negative_zeros)] = self.zero_value()
        return values

    def zero_value(self) -> float:
        """What an integer-looking negative zero of this column is: -0.0 or 0.0 (class docstring)."""
        example = ["-0", *self.kinds.values()]
        zero = pd.to_numeric(pd.Series(example, dtype="string"), errors="coerce").astype("float64")
        return float(zero.iloc[0])


def to_number(text: pd.Series, options: ReadOptions, file: Path, column: str) -> pd.Series:
    """Text to float64: strip (nb)spaces and the thousands separator, decimal mark to '.'."""
    converter = Numbers(Path(file), column, options)
    converter.add(text, 0)
    return pd.Series(converter.finish(None), index=text.index, dtype="float64")

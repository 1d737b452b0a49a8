"""Dates: the date rules of the reading (read.py's docstring), with a vectorised path for fixed-width
day/month/year [time] values.

Excel serial dates (`date_format: excel`): a number of days in Excel's 1900 date system, the
fraction a time of day (45292 is 2024-01-01, 45292.5 its noon), rounded to the millisecond. Serial 1
is 1900-01-01; 60 is the 29 February 1900 that Excel counts but that did not exist, so an error; from
61 on a serial is days since 1899-12-30. Written in the configured decimal mark; ISO 8601 values (typed
date cells) are accepted beside them, as with any format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow
from numpy.lib.stride_tricks import as_strided

from .arrays import SPACES, arrow_strings, string_buffers
from .column import Column
from .errors import example_values, value_error
from .numbers import plain_mark, plain_numbers
from .options import ReadingNotes, ReadOptions, note

# A UTC offset after a time of day: 10:00Z, 10:00:00+03:00, 10:00 +0300, 10:00 UTC.
_ZONE = (r"(?i)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?" + SPACES + r"*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$")
# Day-first layouts tried (with an optional time) when no date_format is set; month-first never is.
DAY_FIRST = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y")
_FIRST_NS, _LAST_NS = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")
EXCEL = "excel"  # date_format of Excel serial dates (module docstring)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ms")  # day 0 of serials from 61 on
_EXCEL_LAST = float((np.datetime64("2262-01-01", "D") - np.datetime64("1899-12-30", "D")).astype(int))
_MS_PER_DAY = 86_400_000


def is_excel(options: ReadOptions) -> bool:
    return isinstance(options.date_format, str) and options.date_format.strip().lower() == EXCEL


def _excel_serials(days: np.ndarray) -> np.ndarray:
    """Excel 1900-system serials (float days) as datetime64[ms]; NaT for what is not a date: below 1,
    from 60 to 61 (the 29 February 1900 that did not exist), non-finite, or from 2262 on."""
    days = np.asarray(days, dtype=np.float64)
    ok = np.isfinite(days) & (days >= 1) & ~((days >= 60) & (days < 61)) & (days < _EXCEL_LAST)
    shifted = np.where(days < 60, days + 1, days)  # serial 1 is 1900-01-01, 1899-12-30 + 2 days
    milliseconds = np.round(np.where(ok, shifted, 0.0) * _MS_PER_DAY).astype(np.int64)
    out = _EXCEL_EPOCH + milliseconds.astype("timedelta64[ms]")
    return np.where(ok, out, np.datetime64("NaT", "ms"))


def _excel_dates(values: pd.Series, options: ReadOptions) -> pd.Series:
    """Text of Excel serials (in the configured decimal mark) as naive datetime64[us], NaT elsewhere."""
    text = values.astype("string").str.replace(SPACES, "", regex=True)
    if options.decimal and options.decimal != ".":
        text = text.where(~text.str.contains(".", regex=False).fillna(False))
        text = text.str.replace(options.decimal, ".", regex=False)
    days = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    return pd.Series(_excel_serials(days), index=values.index).astype("datetime64[us]")


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
    if is_excel(options):
        rules.append(("configured", {EXCEL: True}))
    elif options.date_format:
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
        if EXCEL in rule:  # serials have no time zone: a value with an offset is not one
            got = (_excel_dates(values[todo], options) if not aware
                   else pd.Series(pd.NaT, index=values[todo].index, dtype="datetime64[us]"))
        else:
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
        fmt = ("Excel serial days" if is_excel(options)
               else options.date_format or "ISO 8601 or day-first")
        raise value_error(file, column, 1, int(bad.sum()),
                          f" value(s) do not parse as dates ({fmt}); set data.read.date_format",
                          example_values(text[bad]))
    out_of_range = present & ((parsed < _FIRST_NS) | (parsed >= _LAST_NS))
    if out_of_range.any():
        raise value_error(file, column, 2, int(out_of_range.sum()),
                          " date(s) outside 1678-2261, which cannot be analysed (placeholders such as "
                          "01.01.0001 should be empty cells)", example_values(text[out_of_range]))
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
    offsets, data, valid = string_buffers(array)
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


def _plain_serials(array: pyarrow.Array, mark: int) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Excel serials written plainly (numbers.plain_numbers): their datetime64[ns] as int64 (NaT
    elsewhere), where they are, and their count under the configured layout."""
    plain, days, _ = plain_numbers(array, mark)
    dates = _excel_serials(np.where(plain, days, np.nan))
    done = plain & ~np.isnat(dates)
    values = np.where(done, dates.astype("datetime64[ns]").view(np.int64), _NAT)
    return values, done, {"configured": int(done.sum())}


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


class Dates(Column):
    """Dates: fixed-width values fast, the others kept and parsed by the date rules in `finish`, all
    together (the rules try each layout on all the remaining values of the column at once)."""

    deferred = True

    def __init__(self, file: Path, column: str, options: ReadOptions) -> None:
        super().__init__(file, column, options)
        self.layouts = _fast_layouts(options)
        self.serial_mark = (plain_mark(options) or ord(".")) if is_excel(options) else None
        self.per_layout: dict[str, int] = {}
        self.rest: list[pd.Series] = []
        self.zoned = 0  # values with a UTC offset parsed by `settle`

    def add(self, text: pd.Series, start: int) -> None:
        text = text.set_axis(pd.RangeIndex(start, start + len(text)))
        array = arrow_strings(text)
        if self.serial_mark is not None:
            values, done, counts = _plain_serials(array, self.serial_mark)
        else:
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
        note(notes, "mixed_date_formats", sum(per_layout.values()) - max(per_layout.values(), default=0))
        note(notes, "dates_with_zone", zoned)
        return values.view("datetime64[ns]")


    def settle(self, start: int) -> None:
        """Streaming (stream.py): parse now the values of the chunk just added (rows from `start`) that
        need the date rules, into its part; the counts are noted by `settled_notes`."""
        if not self.rest:
            return
        text = pd.concat(self.rest) if len(self.rest) > 1 else self.rest[0]
        self.rest = []
        parsed, counts, zoned = _careful_dates(text, self.options, self.file, self.column)
        for layout, count in counts.items():
            self.per_layout[layout] = self.per_layout.get(layout, 0) + count
        self.zoned += zoned
        if self.keep and self.parts:
            self.parts[-1][text.index.to_numpy() - start] = (
                parsed.to_numpy().astype("datetime64[ns]").view(np.int64))

    def settled_notes(self, notes: ReadingNotes | None) -> None:
        """The counts `finish` notes, for a column parsed chunk by chunk with `settle`."""
        per_layout = self.per_layout
        note(notes, "mixed_date_formats", sum(per_layout.values()) - max(per_layout.values(), default=0))
        note(notes, "dates_with_zone", self.zoned)


def to_datetime(text: pd.Series, options: ReadOptions, file: Path, column: str,
                notes: ReadingNotes | None = None) -> pd.Series:
    """Text to naive datetime64 by the date rules of the module docstring; unparseable values are an error."""
    converter = Dates(Path(file), column, options)
    converter.add(text, 0)
    return pd.Series(converter.finish(notes), index=text.index)

"""DataError, the one error a bad input gives (file, column, example values), and its builders."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .options import ReadOptions

MAX_EXAMPLES = 3


class DataError(ValueError):
    """Input that cannot be analysed: names the file, the column and example bad values."""

    def __init__(self, file: Path | str, message: str, column: str | None = None,
                 examples: list[Any] | None = None) -> None:
        self.file, self.column, self.examples = str(file), column, list(examples or [])
        where = f"{self.file}" + (f", column {column!r}" if column else "")
        shown = f" (e.g. {', '.join(repr(e) for e in self.examples[:MAX_EXAMPLES])})" if examples else ""
        super().__init__(f"{where}: {message}{shown}")
        # set by value_error: which check of the column failed (its order), how many values, and the
        # message after the count, so that the same error found in several chunks can be combined
        self.rule: int = 0
        self.count: int | None = None
        self.counted_message: tuple[bool, str] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled whole (a big export is read in a child process, run/reading.py): the default would
        # call DataError(message) and lose the file, column and examples
        return (_rebuilt, (type(self), str(self), self.__dict__))


def _rebuilt(cls: type[DataError], text: str, state: dict[str, Any]) -> DataError:
    error = cls.__new__(cls)
    ValueError.__init__(error, text)
    error.__dict__.update(state)
    return error


def value_error(file: Path | str, column: str, rule: int, count: int, message: str,
                examples: list[Any], counted: bool = True) -> DataError:
    """A DataError about `count` values of a column; `message` follows the count when `counted`."""
    error = DataError(file, f"{count}{message}" if counted else message, column, examples)
    error.rule, error.count, error.counted_message = rule, int(count), (counted, message)
    return error


def combined_error(errors: list[DataError]) -> DataError:
    """One error from the same check failing in several chunks: counts added, examples in file order."""
    first = errors[0]
    if len(errors) == 1 or first.counted_message is None:
        return first
    examples: list[Any] = []
    for error in errors:
        examples += [e for e in error.examples if e not in examples]
    counted, message = first.counted_message
    return value_error(first.file, first.column or "", first.rule, sum(e.count or 0 for e in errors),
                       message, examples[:MAX_EXAMPLES], counted)


def example_values(values: pd.Series) -> list[Any]:
    return list(pd.unique(values.dropna())[:MAX_EXAMPLES])


def check_file(path: Path) -> None:
    if not path.is_file():
        raise DataError(path, "file not found")
    if path.stat().st_size == 0:
        raise DataError(path, "the file is empty")


@contextlib.contextmanager
def reading_errors(path: Path, options: ReadOptions) -> Iterator[None]:
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


class NotPlain(Exception):
    """The file is not plain enough for Arrow's reader: pandas' reader reads it (module docstring)."""


class NotTyped(Exception):
    """A number column that Arrow parsed has a value that needs the number rules: read it as text."""

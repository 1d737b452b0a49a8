"""The converter of one canonical column, fed chunk by chunk: the base the number, date, code, id,
yes/no and text converters share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow

from .options import ReadingNotes, ReadOptions


class Column:
    """Converts one canonical column chunk by chunk (`add`), then gives its values (`finish`).

    `add` raises a DataError (from value_error) for values of the chunk that break a rule; errors of
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


class Strings(Column):
    """Columns whose values stay text (ids, codes, free text): Arrow strings, NA for missing."""

    def finish(self, notes: ReadingNotes | None) -> pd.arrays.ArrowStringArray:
        chunks = pyarrow.chunked_array(self.parts, type=pyarrow.large_string())
        self.parts = []
        return pd.arrays.ArrowStringArray(chunks)

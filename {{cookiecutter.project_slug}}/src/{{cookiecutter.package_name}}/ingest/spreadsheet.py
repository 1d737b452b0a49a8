"""Excel and Parquet files: their typed cells rendered as the text the conversion rules read back."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .options import ReadOptions


def read_typed(path: Path, options: ReadOptions) -> pd.DataFrame:
    """An Excel or Parquet file's cells as text (None for empty), with its own header names."""
    if path.suffix.lower() in (".parquet", ".pq"):
        return typed_as_text(pd.read_parquet(path), options)
    frame = pd.read_excel(path, sheet_name=sheet_of(options), header=options.header_row, dtype=object)
    return sheet_as_text(frame, options)


def sheet_of(options: ReadOptions) -> str | int:
    """The sheet read: by name, or by position (the first when none is configured)."""
    return 0 if options.sheet is None else options.sheet


def sheet_as_text(frame: pd.DataFrame, options: ReadOptions) -> pd.DataFrame:
    """Rows of a sheet as pandas parsed them (dtype object): header names and cells as text. Also the
    chunks of a streamed sheet (excel_stream.py)."""
    frame.columns = [cell_text(c, options) or f"Unnamed: {i}" for i, c in enumerate(frame.columns)]
    return typed_as_text(frame, options)


def cell_text(value: Any, options: ReadOptions) -> str | None:
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


def typed_as_text(frame: pd.DataFrame, options: ReadOptions) -> pd.DataFrame:
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
            text = values.map(lambda v: cell_text(v, options))
        out[str(column)] = text.astype(object).where(text.notna(), None)
    return pd.DataFrame(out, index=frame.index)

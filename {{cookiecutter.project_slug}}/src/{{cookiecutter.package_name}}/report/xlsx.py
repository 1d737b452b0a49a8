"""tables.xlsx: every table the notebooks showed, one sheet each, with a contents sheet; tables too
long for a sheet, and those shown for export (`Step.table(..., export=True)`), go to exports/<name>.csv."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.csv

from ..run.context import PARTS
from ..text import common  # noqa: F401  (registers the contents sheet's headers)
from ..text.catalogue import DEFAULT_LANGUAGE, label

EXPORTS = "exports"
CSV_ROWS = 500_000  # rows of an export converted to Arrow at a time


def write_tables_xlsx(run_dir: Path, language: str = DEFAULT_LANGUAGE, max_rows: int = 10_000) -> Path:
    """Every table a notebook showed, one sheet each, plus a contents sheet with the captions (its
    headers in `language`; the tables and captions were saved in it by `RunContext.show_table`).

    A table longer than `max_rows` (per-customer lists for CRM activation) goes to
    ``exports/<name>.csv`` instead, UTF-8 with a byte-order mark so that Excel shows Cyrillic: openpyxl
    writes ~50,000 cells a second (a 1M-check client's customer lists took 20 s) and a sheet ends at
    1,048,576 rows. The contents sheet names the file. A table shown with ``export=True`` (its
    metadata's "export") goes there whatever its length: a list meant for another system.
    """
    folder = run_dir / PARTS / "tables"
    paths = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    target = run_dir / "tables.xlsx"
    contents = []
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for path in paths:
            meta_path = path.with_suffix(".json")
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
            caption = meta.get("caption", "")
            frame = pd.read_parquet(path)
            if len(frame) > max_rows or meta.get("export"):
                export = Path(EXPORTS) / f"{path.stem}.csv"
                (run_dir / EXPORTS).mkdir(exist_ok=True)
                write_csv(frame, run_dir / export)
                contents.append({"sheet": export.as_posix(), "caption": caption})
                continue
            sheet = path.stem[:31]
            contents.append({"sheet": sheet, "caption": caption})
            _excel_ready(frame).to_excel(writer, sheet_name=sheet, index=False)
        headers = [label(header, language) for header in ("sheet", "caption")]
        pd.DataFrame(contents, columns=["sheet", "caption"]).set_axis(headers, axis=1).to_excel(
            writer, sheet_name="contents", index=False)
        writer.book.move_sheet("contents", offset=-len(writer.book.sheetnames) + 1)
        for sheet in writer.book.worksheets:
            for column in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    return target


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """`frame` as CSV, UTF-8 with a byte-order mark (so that Excel shows Cyrillic), written by Arrow
    CSV_ROWS rows at a time: pandas' `to_csv` formats every value in Python (a 100M-check client's
    8.6M rows of CLV took about a minute, Arrow a tenth of it). Text and the header are quoted, missing
    values are empty, whole floats have no ".0"; columns other than numbers (dates, flags, categories)
    are written as pandas shows them."""
    plain = frame.copy()
    for column in plain.columns:
        dtype = plain[column].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            plain[column] = plain[column].astype("string")
    plain.columns = [str(column) for column in plain.columns]
    schema = pyarrow.Schema.from_pandas(plain, preserve_index=False)
    with path.open("wb") as sink:
        sink.write(codecs.BOM_UTF8)
        with pyarrow.csv.CSVWriter(sink, schema) as writer:
            for start in range(0, len(plain), CSV_ROWS):
                block = plain.iloc[start: start + CSV_ROWS]
                writer.write_table(pyarrow.Table.from_pandas(block, schema=schema, preserve_index=False))


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no periods, intervals or time zones: show them as text."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype, pd.DatetimeTZDtype)):
            out[column] = out[column].astype(str)
    return out

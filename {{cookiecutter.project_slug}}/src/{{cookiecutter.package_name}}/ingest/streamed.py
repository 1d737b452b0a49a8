"""prepare() of a client whose transactions file is big: streamed to Parquet, cleaned in DuckDB.

Above `run.stream_min_bytes` bytes (default 256 MiB, about 4M checks of a typical CSV export) a CSV or
Parquet transactions file is never held in memory: it is converted chunk by chunk into Parquet parts
(stream.py), its receipt lines are summed into checks and the cleaning rules applied in DuckDB within
the run's memory budget, spilling beyond it (clean_sql.py), and the consistency counts and the
requirement facts are queried from the written table (facts_sql.py). The other tables are read in
memory as always. The prepared tables, prepared.json and the errors are those of the in-memory path
(tests/ingest/test_stream*.py). An Excel workbook (.xlsx, .xlsm) is streamed from an eighth of that
size (EXCEL_SHARE); an old .xls workbook takes the in-memory path.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ..config import TABLES
from ..engine.budget import Budget
from ..engine.duck import connect
from .clean import CleaningRules
from .clean_sql import check_contract, clean_checks, lines_to_checks
from .csv_reader import is_csv
from .excel_stream import is_streamed_excel
from .facts_sql import consistency_sql, record_facts_sql
from .lines import check_columns, is_lines
from .options import ReadingNotes, ReadOptions, note
from .read import TableSource, load_table
from .stream import Staged, is_parquet, stream_table

DEFAULT_MIN_BYTES = 256 << 20
# An Excel workbook is streamed from an EXCEL_SHARE of that size: reading a sheet whole costs far more
# memory per row than a CSV (every cell a Python object), and an .xlsx holds more rows per byte. Measured
# on the sample export (1M checks, 11 columns, typed cells): 55 MB as .xlsx, 78 MB as CSV; prepared in
# memory 1.39 GiB peak (145 s) against 0.58 GiB for the CSV; streamed 0.67 GiB (128 s, no slower). So an
# .xlsx needs about 1.4 x 4.5 = 6 times fewer bytes for the same peak; an eighth streams at 32 MiB (about
# 600,000 rows, half a full sheet's 1,048,576), where reading whole would need about 1 GiB.
EXCEL_SHARE = 8


def min_bytes(config: dict[str, Any]) -> int:
    value = (config.get("run") or {}).get("stream_min_bytes")
    return DEFAULT_MIN_BYTES if value is None else int(value)


def streams(project_dir: Path, config: dict[str, Any]) -> bool:
    """Is the transactions file a CSV or Parquet file of at least `run.stream_min_bytes` bytes, or an
    Excel workbook (.xlsx, .xlsm) of at least an EXCEL_SHARE of that?"""
    path = (config["data"]["transactions"] or {}).get("path")
    if not path:
        return False
    file = Path(project_dir) / path
    if not file.is_file():
        return False
    if is_streamed_excel(file):
        return file.stat().st_size >= min_bytes(config) // EXCEL_SHARE
    return (is_csv(file) or is_parquet(file)) and file.stat().st_size >= min_bytes(config)


def stream_transactions(con: duckdb.DuckDBPyConnection, source: TableSource, work: Path,
                        notes: ReadingNotes | None, lines: dict[str, Any] | None) -> Staged:
    """read.load_table of a transactions file, streamed: its checks as Parquet in `work` (ordered by
    stream.ROW), with load_table's errors; receipt lines are summed into checks, `lines` receiving
    their summary."""
    staged = stream_table(source, work / "parts", notes)
    check_columns(staged.columns, source.file)
    if is_lines(staged.columns):
        staged = lines_to_checks(con, staged, source.file, source.options.header_row, lines, work)
    check_contract(con, staged, source.file)
    return staged


def read_others(project_dir: Path, data: dict[str, Any],
                notes: ReadingNotes) -> dict[str, pd.DataFrame | None]:
    """The tables other than transactions, read in memory (read.load_table), None when not given."""
    return {name: load_table(project_dir, name, data[name], data["read"], notes) if data[name].get("path")
            else None for name in TABLES[1:]}


# Reading the other tables beside the stream holds both at once. Measured at 10M checks: the streaming
# process peaks at about 1.1 GiB (imports included), reading the other tables' 0.23 GiB of CSV files
# whole adds up to 0.77 GiB (3.3 times the files); a Parquet file is compressed and an Excel sheet costs
# far more per byte (EXCEL_SHARE's measurements), hence their larger factors.
STREAM_PEAK_BYTES = 1100 << 20
READ_PEAK_PER_FILE_BYTE = {".parquet": 10.0, ".pq": 10.0, ".xlsx": 25.0, ".xlsm": 25.0, ".xls": 25.0}
READ_PEAK_PER_CSV_BYTE = 3.5


def others_beside_stream(project_dir: Path, data: dict[str, Any], budget: Budget) -> bool:
    """Whether the other tables may be read while the transactions stream: both fit in `budget`."""
    need = STREAM_PEAK_BYTES
    for name in TABLES[1:]:
        path = (data.get(name) or {}).get("path")
        file = Path(project_dir) / path if path else None
        if file is not None and file.is_file():
            factor = READ_PEAK_PER_FILE_BYTE.get(file.suffix.lower(), READ_PEAK_PER_CSV_BYTE)
            need += int(factor * file.stat().st_size)
    return need <= budget.limit


def prepare_streamed(project_dir: Path, config: dict[str, Any], today: pd.Timestamp, key: str,
                     inputs: dict[str, dict[str, Any]], cache_dir: Path) -> dict[str, Any]:
    """What prepare() writes and returns (its prepared.json), for a streamed transactions file."""
    data = config["data"]
    table = data["transactions"]
    file = Path(project_dir) / table["path"]
    options = ReadOptions.from_config(data["read"], table.get("read") or {})
    source = TableSource(file, "transactions", options, table.get("columns") or {}, table.get("values") or {})
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{cache_dir.name}-", dir=cache_dir.parent))
    work = staging / "stream"
    try:
        reading: dict[str, int] = {}
        lines: dict[str, Any] = {}
        budget = Budget.from_config(config)
        with connect(budget, work / "spill") as con:
            # the other tables are read on a second thread while the transactions stream, when both fit
            # in the budget (both mostly in Arrow and numpy, which release the GIL: 10M checks prepared
            # in 29.7 s instead of 38.4); a bad transactions file is reported first either way
            others_notes: ReadingNotes = {}
            with ThreadPoolExecutor(1, thread_name_prefix="tables") as pool:
                others = (pool.submit(read_others, project_dir, data, others_notes)
                          if others_beside_stream(project_dir, data, budget) else None)
                staged = stream_transactions(con, source, work, reading, lines)
                read = others.result() if others else read_others(project_dir, data, others_notes)
            tables: dict[str, pd.DataFrame | None] = {"transactions": None, **read}
            for key, count in others_notes.items():
                note(reading, key, count)
            rows_read = {name: None if frame is None else int(len(frame)) for name, frame in tables.items()}
            rows_read["transactions"] = lines["read"] if lines else staged.rows
            out = staging / "transactions.parquet"
            cleaned = clean_checks(con, staged, today=today, rules=CleaningRules.from_config(config), out=out,
                                   folder=work)
            counts = {**cleaned["counts"], **consistency_sql(con, out, staged.empty, tables, work), **reading}
            facts = record_facts_sql(con, out, staged.empty, tables)
        start, end = cleaned["period"]
        meta = {
            "key": key, "inputs": inputs, "rows_read": rows_read, "cleaning": counts,
            "rejected_rows": cleaned["removed"], "period": [start.date().isoformat(), end.date().isoformat()],
            "lines": lines or None, "requirements": facts.to_json(),
        }
        shutil.rmtree(work, ignore_errors=True)
        for name in TABLES[1:]:
            if tables.get(name) is not None:
                tables[name].to_parquet(staging / f"{name}.parquet", index=False)
        (staging / "prepared.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = cache_dir.with_name(f".{cache_dir.name}-old-{os.getpid()}")
    if cache_dir.exists():
        cache_dir.rename(old)
    staging.rename(cache_dir)
    shutil.rmtree(old, ignore_errors=True)
    return meta

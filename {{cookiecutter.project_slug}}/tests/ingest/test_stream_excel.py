"""Streaming a big Excel transactions file (issue #17): an .xlsx sheet read a chunk of rows at a time
(ingest/excel_stream.py) gives the same text cells, header names and errors as pd.read_excel reading it
whole, and prepare() streamed gives the same prepared tables, prepared.json and errors as in memory."""

import datetime as dt
import math

import openpyxl
import pandas as pd
import pytest
import yaml
from openpyxl.cell.cell import TYPE_ERROR

from {{ cookiecutter.package_name }}.ingest import stream, streamed
from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.ingest.excel_stream import Wider, excel_chunks, sheet_width
from {{ cookiecutter.package_name }}.ingest.options import ReadOptions
from {{ cookiecutter.package_name }}.ingest.read import load_table, read_raw

from .test_stream import (  # noqa: F401 - clients is a fixture
    DEFAULT,
    READ,
    TX,
    assert_same,
    assert_same_prepared,
    chunked,
    clients,
    prepared,
    streamed_table,
)

ERROR = object()  # an error cell (#DIV/0!)


def workbook(path, rows, header_row=None, other_sheet=True):
    """An .xlsx whose sheet "Чеки" holds `rows` (None = no cell, ERROR = an error cell) below
    `header_row` rows (a title), another sheet before it, and styled empty cells below and right of
    the data (pandas drops them)."""
    book = openpyxl.Workbook()
    sheet = book.active
    if other_sheet:
        sheet.title = "Сводка"
        sheet["A1"] = "not this sheet"
        sheet = book.create_sheet("Чеки")
    if header_row:
        sheet["A1"] = "Выгрузка чеков за 2024 год"
    for number, row in enumerate(rows, start=(header_row or 0) + 1):
        for column, value in enumerate(row, start=1):
            if value is ERROR:
                cell = sheet.cell(number, column, "#DIV/0!")
                cell.data_type = TYPE_ERROR
            elif value is not None:
                sheet.cell(number, column, value)
    last = (header_row or 0) + len(rows)
    for extra in range(1, 4):
        sheet.cell(last + extra, 1).number_format = "0.00"
    sheet.cell(2, len(rows[0]) + 3).number_format = "0.00"
    book.save(path)
    return path


def streamed_rows(path, options, rows):
    """excel_chunks as stream.stream_table runs it: read again with the sheet's width on Wider."""
    try:
        chunks = list(excel_chunks(path, options, rows))
    except Wider:
        chunks = list(excel_chunks(path, options, rows, sheet_width(path, options)))
    assert all(len(chunk) <= rows for chunk in chunks)
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()


def outcome(read):
    try:
        return read()
    except DataError as error:
        return str(error)


CELLS = [1, 2.0, 2.5, -0.0, 1e16, 10**12, True, False, "", " ", "abc", "NA", "n/a", "#N/A", "null",
         dt.datetime(2024, 3, 5, 14, 30), dt.datetime(2024, 3, 5), dt.date(2024, 3, 6),
         dt.datetime(2024, 3, 5, 1, 2, 3, 450000), dt.time(9, 15), ERROR, None, "7.0", "1 234,50"]
HEADER = ["Дата", None, "Сумма", "Сумма", "", "Сумма.1", 2024, 1.5, ERROR, ERROR, "Итог"]


def typed_rows(n, wide_at=None):
    """The header and n rows cycling through CELLS (a row left empty now and then; a cell right of
    every other at row `wide_at`)."""
    out = [HEADER]
    for i in range(n):
        row = [CELLS[(i * 7 + j * 3) % len(CELLS)] for j in range(len(HEADER) - 1)]
        out.append([] if i % 11 == 5 else row)
    if wide_at is not None:
        out[wide_at] = out[wide_at] + [None, None, "заметка"]
    return out


@pytest.mark.parametrize("rows", [1, 4, 1000])
@pytest.mark.parametrize("case", [
    {"options": {}, "other_sheet": False},
    {"options": {"header_row": 2, "sheet": "Чеки", "decimal": ","}, "header_row": 2},
    {"options": {"sheet": 1}, "wide_at": 30},
    {"options": {"sheet": 1}, "wide_at": 2},
    {"options": {"sheet": "Лист"}},
    {"options": {"sheet": 7}},
    {"options": {"header_row": 5}, "header_row": 2, "n": 1},
    {"options": {}, "n": 0, "other_sheet": False},
], ids=["defaults", "header-row-by-name", "wider-late", "wider-early", "no-such-sheet", "no-such-index",
        "header-past-the-rows", "header-only"])
def test_a_sheet_streams_to_the_cells_reading_it_whole_gives(tmp_path, rows, case):
    """Texts, typed numbers (integer-valued floats), booleans, dates, times, error cells, missing
    markers, empty strings; empty, repeated and typed header names; empty rows between rows and at the
    end, styled empty cells right of the data; a row wider than those before it."""
    path = workbook(tmp_path / "export.xlsx", typed_rows(case.get("n", 60), case.get("wide_at")),
                    header_row=case.get("header_row"), other_sheet=case.get("other_sheet", True))
    options = ReadOptions(**case["options"])
    expected = outcome(lambda: read_raw(path, options))
    got = outcome(lambda: streamed_rows(path, options, rows))
    if isinstance(expected, str):
        assert got == expected
    else:
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    if case["options"] == {} and "n" not in case:
        assert list(expected.columns) == ["Дата", "Unnamed: 1", "Сумма", "Сумма.2", "Unnamed: 4", "Сумма.1",
                                          "2024", "1.5", "Unnamed: 8", "nan.1", "Итог"]
        cells = set(expected.stack().dropna())
        assert {"2", "2.5", "0", "10000000000000000", "1000000000000", "true", "false", "abc", "7.0",
                "2024-03-05T14:30:00", "2024-03-05T00:00:00", "2024-03-05T01:02:03.450000",
                "09:15:00"} <= cells
        assert not cells & {"", " ", "NA", "n/a", "#N/A", "null", "#DIV/0!"}
        assert expected.iloc[5].isna().all() and len(expected) == 60  # an empty row kept, none at the end
    if case.get("wide_at") == 30:
        assert expected.columns[-1] == "Unnamed: 12" and expected.iloc[29, -1] == "заметка"


def test_the_stream_reads_a_wider_sheet_again_only_when_needed(tmp_path, monkeypatch):
    """A row wider than the first chunk's rows after it: the sheet is read again with the whole
    sheet's width (excel_stream.Wider); otherwise once."""
    calls = []
    monkeypatch.setattr(stream, "excel_chunks", lambda *args: calls.append(args) or excel_chunks(*args))
    monkeypatch.setattr(stream, "STREAM_CHUNK_ROWS", 4)
    for wide_at, reads in ((None, 1), (2, 1), (30, 2)):
        calls.clear()
        rows = [["date", "amount"]] + [["01.02.2024", 5] + (["x"] if i == wide_at else []) for i in range(40)]
        source = stream.TableSource(workbook(tmp_path / "export.xlsx", rows, other_sheet=False),
                                    "transactions", ReadOptions(), {}, {})
        staged = stream.stream_table(source, tmp_path / "parts", {})
        assert staged.rows == 40 and len(calls) == reads
        assert [args[3:] for args in calls] == [(), (3,)][:reads]  # the second with the sheet's width


# --- load_table and the streamed table of a transactions sheet --------------------------------------------

def check_sheet(n, bad=None):
    """n checks with typed and text cells, columns as TX names them; `bad` puts amounts on rows."""
    rows = [list(TX)]
    for i in range(n):
        date = (dt.datetime(2024, i % 9 + 1, i % 28 + 1, i % 24) if i % 4
                else f"{i % 28 + 1:02d}.0{i % 9 + 1}.2024")
        amount = [1234.5, 99.9, -5, 0, "1 000", 7.0, " 12,25 ", -0.0][i % 8]
        customer = [None, 7.0, f" {i % 13} ", i % 31][i % 4]
        card = ["да", 0, True, " Yes ", None][i % 5]
        rows.append([date, customer, (bad or {}).get(i, amount), f"T{i // 2}", card, "Казань", i % 4])
    return rows


def sheet_both_ways(tmp_path, monkeypatch, rows, chunk_rows):
    """(frame or the error's text, column and examples; notes; lines summary) of load_table and of
    the streamed table, the stream in chunks of `chunk_rows` rows."""
    workbook(tmp_path / "export.xlsx", rows, other_sheet=False)
    table = {"path": "export.xlsx", "columns": TX}
    results = []
    for how in ("memory", "stream"):
        chunked(monkeypatch, DEFAULT)
        monkeypatch.setattr(stream, "STREAM_CHUNK_ROWS", chunk_rows)
        notes: dict[str, int] = {}
        summary: dict = {}
        try:
            frame = (load_table(tmp_path, "transactions", table, READ, notes, summary)
                     if how == "memory" else streamed_table(tmp_path, table, notes, summary))
            results.append((frame, notes, summary))
        except DataError as error:
            results.append(((str(error), error.column, error.examples), notes, summary))
    return results


@pytest.mark.parametrize("chunk_rows", [7, 200_000])
def test_a_check_sheet_streams_to_the_same_table(tmp_path, monkeypatch, chunk_rows):
    results = sheet_both_ways(tmp_path, monkeypatch, check_sheet(120), chunk_rows)
    assert isinstance(results[0][0], pd.DataFrame) and len(results[0][0]) == 120
    assert results[0][1]["mixed_date_formats"] > 0
    assert_same(results)


@pytest.mark.parametrize("chunk_rows", [7, 200_000])
def test_a_text_in_the_amount_column_is_the_same_error(tmp_path, monkeypatch, chunk_rows):
    results = sheet_both_ways(tmp_path, monkeypatch, check_sheet(60, bad={9: "abc", 50: "12,3,4"}),
                              chunk_rows)
    assert_same(results)
    message, column, examples = results[1][0]
    assert column == "amount" and examples == ["abc", "12,3,4"] and "2 value(s)" in message
    assert message.startswith(str(tmp_path / "export.xlsx"))


# --- prepare(): the sample client's checks as an Excel export ----------------------------------------------

def typed(value):
    """A CSV cell as an Excel export types it: numbers and dates typed, the rest (dirt) as text."""
    if not value:
        return None
    if value.lstrip("-").isdigit() and len(value) < 15:
        return int(value)
    for parse in (lambda v: dt.datetime.strptime(v, "%d.%m.%Y %H:%M"), lambda v: float(v.replace(",", "."))):
        try:
            parsed = parse(value)
        except ValueError:
            continue
        return value if isinstance(parsed, float) and not math.isfinite(parsed) else parsed
    return value


@pytest.fixture(scope="module")
def excel_client(clients):  # noqa: F811 - the fixture imported above
    """The sample's checks (dirt included) as an .xlsx: a title row above the header, another sheet
    first, typed cells, a note right of the data in the last rows."""
    demo = clients / "data" / "raw" / "demo"
    text = pd.read_csv(demo / "transactions.csv", sep=";", encoding="cp1251", dtype=str,
                       keep_default_na=False)
    rows = [list(text.columns)] + [[typed(v) for v in row] for row in text.itertuples(index=False)]
    rows[-3] = rows[-3] + [None, "проверить"]
    workbook(demo / "checks.xlsx", rows, header_row=1)
    config = yaml.safe_load((clients / "config" / "clients" / "demo.yaml").read_text(encoding="utf-8"))
    config["data"]["transactions"]["path"] = "data/raw/demo/checks.xlsx"
    config["data"]["transactions"]["read"] = {"date_format": "%d.%m.%Y %H:%M", "header_row": 1,
                                              "sheet": "Чеки"}
    (clients / "config" / "clients" / "excel.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                                               encoding="utf-8")
    return clients


@pytest.mark.parametrize("chunk_rows", [3000, 200_000], ids=["parts", "one-part"])
def test_a_streamed_excel_export_is_prepared_as_in_memory(excel_client, monkeypatch, chunk_rows):
    chunked(monkeypatch, DEFAULT)
    expected = prepared(excel_client, "excel", stream=False)
    meta, tables = expected
    assert len(tables["transactions"]) > 10_000 and meta["cleaning"]["duplicates"] > 0
    assert meta["cleaning"]["future_dated"] > 0 and meta["cleaning"]["dates_with_zone"] == 1
    monkeypatch.setattr(stream, "STREAM_CHUNK_ROWS", chunk_rows)
    assert_same_prepared(prepared(excel_client, "excel", stream=True), expected)


def test_excel_workbooks_stream_from_an_eighth_of_the_threshold(excel_client, tmp_path):
    config = yaml.safe_load((excel_client / "config" / "clients" / "excel.yaml").read_text(encoding="utf-8"))
    size = (excel_client / config["data"]["transactions"]["path"]).stat().st_size
    for threshold, expected in ((size * 8, True), (size * 8 + 8, False)):
        assert streamed.streams(excel_client, {**config, "run": {"stream_min_bytes": threshold}}) == expected
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    config["data"]["transactions"]["path"] = "old.xls"
    assert not streamed.streams(tmp_path, {**config, "run": {"stream_min_bytes": 0}})

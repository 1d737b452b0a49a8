"""Exports damaged by Excel or 1C (issue #16): ids in scientific notation are refused, total lines are set
aside and counted, amounts with a currency mark are numbers, Excel serial dates are dates. Each rule on
hand examples; each error message asserted (file, column, example values)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest import csv_reader
from {{ cookiecutter.package_name }}.ingest import read as table_reader
from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.ingest.read import load_table
from {{ cookiecutter.package_name }}.sections.data_quality import metrics as quality

from ..conftest import write_client

READ = {"sep": ";", "decimal": ",", "thousands": None, "encoding": "utf-8", "date_format": "%d.%m.%Y",
        "header_row": 0, "sheet": None, "timezone": None}
TX = {"Дата": "date", "Клиент": "customer_id", "Сумма": "amount", "Чек": "transaction_id"}
HEADER = "Дата;Клиент;Сумма;Чек\n"
# (Arrow's reader?, bytes per Arrow chunk, rows per pandas chunk): one chunk, and tiny chunks both ways
READERS = [pytest.param((True, 64 << 20, 1_000_000), id="arrow"),
           pytest.param((True, 64, 2), id="arrow-tiny-chunks"),
           pytest.param((False, 64 << 20, 2), id="pandas-tiny-chunks")]


def read(tmp_path: Path, text: str, table: str = "transactions", notes: dict | None = None,
         name: str = "export.csv", **given) -> pd.DataFrame:
    """`given`: the table's columns (default TX) and read options."""
    (tmp_path / name).write_bytes(text.encode("utf-8"))
    config = {"path": name, "columns": given.get("columns", TX), "read": given.get("read") or {},
              "values": {}}
    return load_table(tmp_path, table, config, READ, notes)


def reader(monkeypatch, settings) -> None:
    fast, size, rows = settings
    monkeypatch.setattr(table_reader, "FAST_CSV", fast)
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", size)
    monkeypatch.setattr(csv_reader, "CHUNK_ROWS", rows)


# --- (a) ids in scientific notation ---------------------------------------------------------------------

@pytest.mark.parametrize("settings", READERS)
def test_ids_in_scientific_notation_are_refused_with_how_to_re_export(tmp_path, monkeypatch, settings):
    reader(monkeypatch, settings)
    text = (HEADER + "01.02.2024;123456789012;10;1\n02.02.2024;1,23457E+11;10;2\n"
            "03.02.2024;1.23457E+11;10;3\n04.02.2024;1,23457E+11;5;4\n05.02.2024;7.0;5;5\n")
    with pytest.raises(DataError) as error:
        read(tmp_path, text)
    assert error.value.column == "customer_id"
    assert error.value.examples == ["1,23457E+11", "1.23457E+11"]
    assert str(error.value) == (
        f"{tmp_path / 'export.csv'}, column 'customer_id': 3 value(s) are numbers in scientific notation, "
        "as Excel shows long numbers in a 'General' column: their last digits are lost and different ids "
        "merge. Re-export the file with this column formatted as text (in Excel: select the column, "
        "Format Cells → Text, before the values are entered or pasted; or save the export from the source "
        "system straight to CSV without opening it in Excel) (e.g. '1,23457E+11', '1.23457E+11')")


def test_scientific_notation_is_refused_in_every_id_column_and_nothing_else_is(tmp_path):
    with pytest.raises(DataError, match=r"column 'transaction_id': 1 value\(s\) are numbers in scientific "
                                        r"notation.*formatted as text.*'4,5E\+15'"):
        read(tmp_path, HEADER + "01.02.2024;1;10;4,5E+15\n")
    # ids that merely hold an E, a '+' or digits are ids: only a number with an exponent is refused
    frame = read(tmp_path, HEADER + "01.02.2024;1E5;10;A+1\n02.02.2024;12E+;10;+7\n03.02.2024;7.0;1;E+12\n")
    assert frame["customer_id"].tolist() == ["1E5", "12E+", "7"]
    assert frame["transaction_id"].tolist() == ["A+1", "+7", "E+12"]


# --- (b) total lines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("settings", READERS)
@pytest.mark.parametrize(("line", "note"), [
    (";;1 025,00;Итого", "total word in a text column, empty date"),
    ("ИТОГО:;;1 025,00;", "total word in the date column"),
    (";;1025;Всего", ""),
    (";  ;1025; Total ", "spaces around the word, a blank id"),
    (";;1025;Всего по магазину №5", "a subtotal naming what it sums"),
    (";;1025;total: 3 checks", "any case, a colon"),
])
def test_a_trailing_total_line_is_set_aside_and_counted(tmp_path, monkeypatch, settings, line, note):
    reader(monkeypatch, settings)
    text = HEADER + "01.02.2024;1;1 000,00;1\n02.02.2024;2;20;2\n03.02.2024;;5;3\n" + line + "\n"
    notes: dict[str, int] = {}
    frame = read(tmp_path, text, notes=notes)
    assert frame["amount"].tolist() == [1000.0, 20.0, 5.0], note
    assert frame["date"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-02"),
                                      pd.Timestamp("2024-02-03")]
    assert notes == {"total_rows": 1}


def test_total_lines_in_an_unmapped_column_and_inside_the_file(tmp_path, monkeypatch):
    reader(monkeypatch, (True, 64, 2))
    text = ("Дата;Клиент;Сумма;Магазин\n01.02.2024;1;10;A\n;;10;Итого по магазину A\n"
            "02.02.2024;2;20;B\n;;20;Итого по магазину B\n;;30;Всего\n")
    notes: dict[str, int] = {}
    frame = read(tmp_path, text, notes=notes, columns={"Дата": "date", "Клиент": "customer_id",
                                                       "Сумма": "amount"})
    assert frame["amount"].tolist() == [10.0, 20.0]  # the store column is not even mapped
    assert notes == {"total_rows": 3}


@pytest.mark.parametrize(("line", "column"), [
    (";7;15;", "date"),  # an empty date without a total word: still an error
    (";;15;Итоговая", "date"),  # a word that only begins like a total word
    ("31.12.2024;Итого;abc;", "amount"),  # a dated row is never a total line
])
def test_rows_that_are_not_total_lines_are_still_errors(tmp_path, line, column):
    with pytest.raises(DataError) as error:
        read(tmp_path, HEADER + "01.02.2024;1;10;1\n" + line + "\n")
    assert error.value.column == column
    assert str(error.value).startswith(f"{tmp_path / 'export.csv'}, column {column!r}: 1 ")


def test_total_lines_of_the_ledger_and_the_customers_are_set_aside_too(tmp_path):
    notes: dict[str, int] = {}
    points = read(tmp_path, "client;date;op;points\n1;01.02.2024;accrual;10\n;;Итого;10\n", "points",
                  notes, columns={"client": "customer_id", "date": "date", "op": "kind", "points": "points"})
    customers = read(tmp_path, "id;tier\n1;gold\n2;silver\nВсего: 2;\n", "customers", notes,
                     name="customers.csv", columns={"id": "customer_id"})
    assert points["points"].tolist() == [10.0]
    assert customers["customer_id"].tolist() == ["1", "2"]
    assert notes == {"total_rows": 2}


def test_the_count_reaches_prepared_json_and_the_rules_table(project):
    folder = project / "data" / "raw" / "tiny"
    folder.mkdir(parents=True)
    (folder / "tx.csv").write_text("Дата;Клиент;Сумма\n01.02.2024;1;10\n03.02.2024;2;-4\nИтого:;;6\n",
                                   encoding="utf-8")
    write_client(project, "tiny", "data:\n  read: {sep: ';', decimal: ',', date_format: '%d.%m.%Y'}\n"
                 "  transactions:\n    path: data/raw/tiny/tx.csv\n"
                 "    columns: {Дата: date, Клиент: customer_id, Сумма: amount}\n")
    prepared = prepare(project, load_config(project, "tiny"), today=pd.Timestamp("2024-06-01"))
    meta = json.loads((prepared.cache_dir / "prepared.json").read_text(encoding="utf-8"))
    assert meta["cleaning"]["total_rows"] == 1
    assert meta["rows_read"]["transactions"] == 2  # the total line is not a check
    table = quality.rules_table(meta["cleaning"]).set_index("rule")
    row = table.loc["total lines of the export (Итого, Всего, Total)"]
    assert (row["count"], row["unit"], row["action"]) == (1, "file lines", "set aside, not analysed")
    assert np.isnan(row["share_of_checks"])


# --- (c) amounts with a currency mark -----------------------------------------------------------------

@pytest.mark.parametrize(("cell", "decimal", "value"), [
    ("1 234,50 ₽", ",", 1234.5),
    ("12,50 руб.", ",", 12.5),
    ("12,50руб", ",", 12.5),
    ("-7,00 р.", ",", -7.0),
    ("1\u00a0000 RUB", ",", 1000.0),
    ("12,50 бел. руб.", ",", 12.5),
    ("$12.50", ".", 12.5),
    ("-$12.50", ".", -12.5),
    ("12.50 USD", ".", 12.5),
    ("€ 5", ".", 5.0),
    ("5 eur", ".", 5.0),
])
def test_amounts_with_a_currency_mark_are_numbers(tmp_path, cell, decimal, value):
    text = HEADER + f"01.02.2024;1;{cell};1\n02.02.2024;2;3;2\n"
    frame = read(tmp_path, text, read={"decimal": decimal})
    assert frame["amount"].tolist() == [value, 3.0]


@pytest.mark.parametrize(("cell", "why"), [
    ("12,50 XYZ", "not a known currency"),
    ("12 шт", "a unit, not a currency"),
    ("12 рублей", "only the marks listed"),
    ("₽", "a mark without a number"),
    ("$12,50 ₽", "two marks"),
])
def test_other_text_beside_a_number_is_still_an_error(tmp_path, cell, why):
    with pytest.raises(DataError) as error:
        read(tmp_path, HEADER + f"01.02.2024;1;{cell};1\n")
    assert str(error.value) == (f"{tmp_path / 'export.csv'}, column 'amount': 1 value(s) are not numbers "
                                f"(decimal mark ',') (e.g. {cell!r})"), why


def test_two_currencies_in_one_column_are_an_error(tmp_path):
    text = (HEADER + "01.02.2024;1;12,50 ₽;1\n02.02.2024;1;$3,00;2\n03.02.2024;1;4 USD;3\n"
            "04.02.2024;1;5 руб.;4\n")
    with pytest.raises(DataError) as error:
        read(tmp_path, text)
    assert error.value.examples == ["$3,00", "4 USD"]
    assert str(error.value) == (
        f"{tmp_path / 'export.csv'}, column 'amount': 2 value(s) are in another currency (USD) than the "
        "column's first marked value (RUB); one column holds one currency: convert them, or export each "
        "currency to its own file (e.g. '$3,00', '4 USD')")


# --- (d) Excel serial dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("settings", READERS)
def test_excel_serial_dates_with_date_format_excel(tmp_path, monkeypatch, settings):
    reader(monkeypatch, settings)
    text = (HEADER + "45292;1;10;1\n45292,5;1;10;2\n45292,041666666667;1;10;3\n45293,75;1;10;4\n"
            "2024-01-05;1;10;5\n1;1;1;6\n59;1;1;7\n61;1;1;8\n")
    notes: dict[str, int] = {}
    frame = read(tmp_path, text, notes=notes, read={"date_format": "excel"})
    assert frame["date"].tolist() == [
        pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-01 12:00"), pd.Timestamp("2024-01-01 01:00"),
        pd.Timestamp("2024-01-02 18:00"), pd.Timestamp("2024-01-05"),  # ISO 8601 beside, as with any format
        pd.Timestamp("1900-01-01"), pd.Timestamp("1900-02-28"), pd.Timestamp("1900-03-01")]
    assert notes == {"mixed_date_formats": 1}


def test_excel_serial_dates_in_an_excel_file_and_with_a_decimal_point(tmp_path):
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"Дата": [45292, 45292.25], "Клиент": ["1", "2"], "Сумма": [10.5, 3.0],
                  "Чек": ["1", "2"]}).to_excel(path, index=False)
    frame = load_table(tmp_path, "transactions", {"path": path.name, "columns": TX,
                                                  "read": {"date_format": "Excel"}}, READ)
    assert frame["date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-01 06:00")]
    frame = read(tmp_path, HEADER + "45292.75;1;10;1\n", read={"date_format": "excel", "decimal": "."})
    assert frame["date"].tolist() == [pd.Timestamp("2024-01-01 18:00")]


@pytest.mark.parametrize("cell", ["60", "0", "31.12.2024", "сегодня", "3000000"])
def test_what_is_not_an_excel_serial_is_an_error(tmp_path, cell):
    with pytest.raises(DataError) as error:
        read(tmp_path, HEADER + f"45292;1;10;1\n{cell};1;10;2\n", read={"date_format": "excel"})
    assert str(error.value) == (f"{tmp_path / 'export.csv'}, column 'date': 1 value(s) do not parse as "
                                f"dates (Excel serial days); set data.read.date_format (e.g. {cell!r})")


def test_the_config_accepts_date_format_excel(project):
    write_client(project, "serial", "data:\n  read: {date_format: excel}\n"
                 "  transactions: {path: data/raw/serial/tx.csv}\n")
    assert load_config(project, "serial")["data"]["read"]["date_format"] == "excel"

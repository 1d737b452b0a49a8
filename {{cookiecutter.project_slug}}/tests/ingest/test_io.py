"""Reading client exports: conversions by rule, and errors that name file, column and example values."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.ingest.read import load_table

READ = {"sep": ";", "decimal": ",", "thousands": None, "encoding": "utf-8", "date_format": "%d.%m.%Y",
        "header_row": 0, "sheet": None}
TX_COLUMNS = {"Дата": "date", "Клиент": "customer_id", "Сумма": "amount"}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def table_config(path: Path, columns=None, read=None, values=None) -> dict:
    return {"path": str(path), "columns": columns or {}, "read": read or {}, "values": values or {}}


def load(tmp_path, table, text, encoding="utf-8", name="export.csv", **given):
    """`given`: the table's columns (default TX_COLUMNS), read and values."""
    path = write(tmp_path / name, text, encoding)
    config = table_config(path.name, given.get("columns", TX_COLUMNS), given.get("read"), given.get("values"))
    return load_table(tmp_path, table, config, READ)


def test_cp1251_semicolon_decimal_comma_and_spaces_in_thousands(tmp_path):
    text = "Дата;Клиент;Сумма\n31.12.2024;42;1 234,50\n01.01.2024;;\u00a0999,9\n02.01.2024;7.0;-5\n"
    frame = load(tmp_path, "transactions", text, read={"encoding": "cp1251"}, encoding="cp1251")
    assert frame["amount"].tolist() == [1234.5, 999.9, -5.0]
    assert frame["date"].tolist() == [pd.Timestamp("2024-12-31"), pd.Timestamp("2024-01-01"),
                                      pd.Timestamp("2024-01-02")]
    assert frame["customer_id"].tolist()[0] == "42"
    assert pd.isna(frame["customer_id"].iloc[1])  # empty id = anonymous check
    assert frame["customer_id"].iloc[2] == "7"  # spreadsheet's "7.0" is the id 7


def test_utf8_with_bom_reads_the_first_header(tmp_path):
    frame = load(tmp_path, "transactions", "\ufeffДата;Клиент;Сумма\n31.12.2024;1;10\n")
    assert list(frame.columns) == ["date", "customer_id", "amount"]


def test_wrong_encoding_names_file_and_suggests_cp1251(tmp_path):
    text = "Дата;Клиент;Сумма\n31.12.2024;1;10\n"
    with pytest.raises(DataError, match=r"export\.csv: cannot be decoded as utf-8.*cp1251"):
        load(tmp_path, "transactions", text, encoding="cp1251")


def test_missing_required_column_names_the_mapping_and_the_header(tmp_path):
    with pytest.raises(DataError) as error:
        load(tmp_path, "transactions", "Дата;Клиент;Итого\n31.12.2024;1;10\n")
    message = str(error.value)
    assert "export.csv" in message and "amount (mapped from 'Сумма')" in message
    assert "'Итого'" in message
    assert error.value.column == "amount"


def test_unparseable_date_names_column_and_examples(tmp_path):
    text = "Дата;Клиент;Сумма\n31.12.2024;1;10\n2024-13-45;2;10\nвчера;3;5\n"
    with pytest.raises(DataError) as error:
        load(tmp_path, "transactions", text)
    assert error.value.column == "date"
    assert error.value.examples == ["2024-13-45", "вчера"]
    assert "2 value(s) do not parse as dates (%d.%m.%Y)" in str(error.value)


def test_non_numeric_amount_names_examples(tmp_path):
    with pytest.raises(DataError, match=r"column 'amount': 1 value\(s\) are not numbers.*'12,3,4'"):
        load(tmp_path, "transactions", "Дата;Клиент;Сумма\n31.12.2024;1;12,3,4\n")


def test_mixed_time_zones_are_aligned_to_utc(tmp_path):
    text = "date;amount\n2024-03-01T10:00:00+03:00;1\n2024-03-01T07:00:00Z;2\n"
    frame = load(tmp_path, "transactions", text, columns={}, read={"date_format": None})
    assert frame["date"].nunique() == 1  # the same instant written in two zones


def test_codes_are_mapped_and_unknown_codes_refused(tmp_path):
    columns = {"client": "customer_id", "date": "date", "op": "kind", "points": "points"}
    values = {"kind": {"начисление": "accrual", "списание": "redemption"}}
    ok = "client;date;op;points\n1;01.02.2024;начисление;10\n1;02.02.2024;списание;-4\n"
    frame = load(tmp_path, "points", ok, columns=columns, values=values)
    assert frame["kind"].tolist() == ["accrual", "redemption"]
    assert frame["points"].tolist() == [10.0, 4.0]  # magnitudes; kind carries the direction
    bad = ok + "1;03.02.2024;бонус;5\n"
    with pytest.raises(DataError, match=r"column 'kind': unknown codes.*'бонус'"):
        load(tmp_path, "points", bad, columns=columns, values=values, name="points.csv")


def test_nps_outside_0_to_10_is_refused_by_the_contract(tmp_path):
    columns = {"d": "date", "s": "score"}
    with pytest.raises(DataError, match=r"column 'score': 1 row\(s\) break the data contract.*11"):
        load(tmp_path, "nps", "d;s\n01.01.2024;9\n02.01.2024;11\n", columns=columns)


def test_contacts_become_flags_and_values_are_dropped(tmp_path):
    text = ("id;email;phone;first_name;last_name\n"
            "1;anna@example.com;+7 912 345-67-89;Анна;Иванова\n"
            "2;not-an-email;123;Борис;\n"
            "3;;;;\n")
    columns = {"id": "customer_id"}
    frame = load(tmp_path, "customers", text, columns=columns)
    assert frame["has_email"].tolist() == [True, False, False]
    assert frame["has_phone"].tolist() == [True, False, False]
    assert frame["has_name"].tolist() == [True, False, False]
    assert not {"email", "phone", "first_name", "last_name"} & set(frame.columns)
    assert "anna@example.com" not in frame.to_csv()


def test_duplicate_customer_ids_are_refused(tmp_path):
    with pytest.raises(DataError, match=r"customer_id.*duplicate values.*'1'"):
        load(tmp_path, "customers", "id;tier\n1;a\n1;b\n", columns={"id": "customer_id"})


def test_excel_with_header_on_a_later_row(tmp_path):
    path = tmp_path / "export.xlsx"
    body = pd.DataFrame([["Выгрузка чеков", None, None], [None, None, None],
                         ["Дата", "Клиент", "Сумма"], ["31.12.2024", "5", "100,5"]])
    body.to_excel(path, header=False, index=False)
    frame = load_table(tmp_path, "transactions",
                       table_config(path.name, TX_COLUMNS, {"header_row": 2}), READ)
    assert frame["amount"].tolist() == [100.5]
    assert frame["customer_id"].tolist() == ["5"]


def test_empty_file_and_missing_file_are_clear(tmp_path):
    with pytest.raises(DataError, match=r"export\.csv: the file is empty"):
        load(tmp_path, "transactions", "")
    with pytest.raises(DataError, match=r"export\.csv: the file has a header but no rows"):
        load(tmp_path, "transactions", "Дата;Клиент;Сумма\n")
    with pytest.raises(DataError, match=r"nowhere\.csv: file not found"):
        load_table(tmp_path, "transactions", table_config("nowhere.csv", TX_COLUMNS), READ)


def test_inputs_are_never_modified(tmp_path):
    path = write(tmp_path / "export.csv", "Дата;Клиент;Сумма\n31.12.2024;1;1 000,5\n")
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    load_table(tmp_path, "transactions", table_config(path.name, TX_COLUMNS), READ)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before

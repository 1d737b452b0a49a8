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


@pytest.mark.parametrize(("full_name", "has_name"), [
    ("Иванова Анна Петровна", True),
    ("Иванова А.П.", True),  # initials are a word
    ("Smith\u00a0John", True),  # any space between the words
    ("Иванова", False),  # one word
    ("Иванова-Петрова", False),  # a hyphenated surname is one word
    ("Иванова -", False),  # a word needs a letter
    ("", False),
])
def test_full_name_counts_for_name_completeness_and_is_dropped(tmp_path, full_name, has_name):
    text = f"id;ФИО\n1;{full_name}\n"
    frame = load(tmp_path, "customers", text, columns={"id": "customer_id", "ФИО": "full_name"})
    assert frame["has_name"].tolist() == [has_name]
    assert list(frame.columns) == ["customer_id", "has_name"]


def test_a_name_is_complete_from_full_name_or_from_first_and_last_name(tmp_path):
    text = ("id;first_name;last_name;full_name\n"
            "1;Анна;Иванова;\n"  # first and last name
            "2;Анна;;Иванова Анна\n"  # the full name
            "3;Анна;;Иванова\n"  # neither
            "4;;;\n")
    frame = load(tmp_path, "customers", text, columns={"id": "customer_id"})
    assert frame["has_name"].tolist() == [True, True, False, False]
    assert "has_name" not in load(tmp_path, "customers", "id;first_name\n1;Анна\n",
                                  columns={"id": "customer_id"})  # a first name alone says nothing


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


def test_full_name_reaches_neither_the_cache_nor_the_bundle(project):
    """A customers file with one ФИО column: completeness counts it, and no name leaves the reading step
    (cache, notebooks, kpis.json, tables.xlsx, html, csv exports)."""
    import json

    from openpyxl import load_workbook

    from {{ cookiecutter.package_name }}.run.runner import run_client
    from {{ cookiecutter.package_name }}.synthetic import generate

    raw = project / "data" / "raw" / "demo"
    generate(raw, n_customers=150, seed=3)
    customers = pd.read_csv(raw / "customers.csv", sep=";", dtype=str, keep_default_na=False)
    one_word = customers.index % 10 == 0  # every tenth name written as the surname alone
    full = (customers["last_name"] + " " + customers["first_name"].where(~one_word, "")).str.strip()
    named = (customers["first_name"] != "") & (customers["last_name"] != "") & ~one_word
    customers.drop(columns=["first_name", "last_name"]).assign(ФИО=full).to_csv(
        raw / "customers.csv", sep=";", index=False)
    config = project / "config" / "clients" / "demo.yaml"
    text = config.read_text(encoding="utf-8")
    assert "first_name: first_name\n      last_name: last_name" in text
    config.write_text(text.replace("first_name: first_name\n      last_name: last_name", "ФИО: full_name"),
                      encoding="utf-8")
    secrets = set(full[full != ""]) | set(customers["last_name"][customers["last_name"] != ""])
    assert len(secrets) > 100 and 0.5 < named.mean() < 0.95
    written = (raw / "customers.csv").read_text(encoding="utf-8")
    assert all(secret in written for secret in secrets)  # the search below finds them where they are

    result = run_client(project, "demo", only=["data_quality"], progress=False)
    assert result.status == "complete", result.error
    kpis = json.loads((result.bundle / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["data_quality"]["completeness"]["name"] == pytest.approx(named.mean())

    cache = project / "data" / "interim" / "demo"
    assert "full_name" not in pd.read_parquet(cache / "customers.parquet").columns
    files = [*cache.iterdir(), *(p for p in result.bundle.rglob("*")  # the PDF prints the html
                                 if p.is_file() and p.suffix not in (".png", ".pdf"))]
    assert {".parquet", ".json", ".ipynb", ".html", ".xlsx"} <= {p.suffix for p in files}
    for path in files:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            blob = " ".join(map(str, [*frame.columns, *frame.astype(str).to_numpy().ravel()]))
        elif path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            blob = " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                            for v in row if v is not None)
        else:
            blob = path.read_bytes().decode("utf-8", "replace")
        leaked = [secret for secret in secrets if secret in blob]
        assert not leaked, f"{path.name} holds {leaked[:3]}"

"""Bad input (issue #8): every class of dirty export ends in a clear DataError (file, column, examples)
or in a documented rule whose effect is counted for the data-quality section.

Classes already covered in test_io.py are not repeated here: plain cp1251 / decimal comma / spaces in
thousands, a BOM with the default encoding, a wrong encoding, an NPS score of 11, duplicate customer ids,
an Excel header on a later row with text cells, empty and header-only files, aligned time zones.
"""

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.config import ConfigError, load_config
from {{ cookiecutter.package_name }}.ingest.clean import CleaningResult, clean_transactions, returns_linked
from {{ cookiecutter.package_name }}.ingest.consistency import consistency_counts
from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.ingest.read import load_all, load_table

# the data-quality section shows the counts (rules_table, overview, completeness)
from {{ cookiecutter.package_name }}.sections.data_quality import metrics as quality

from ..conftest import write_client

READ = {"sep": ";", "decimal": ",", "thousands": None, "encoding": "utf-8", "date_format": "%d.%m.%Y",
        "header_row": 0, "sheet": None, "timezone": None}
TX = {"Дата": "date", "Клиент": "customer_id", "Сумма": "amount"}


def read_file(tmp_path: Path, data: bytes, table: str = "transactions", name: str = "export.csv",
              notes=None, **given) -> pd.DataFrame:
    """`given`: the table's columns (default TX), read and values."""
    path = tmp_path / name
    path.write_bytes(data)
    columns = given.get("columns")
    config = {"path": name, "columns": TX if columns is None else columns, "read": given.get("read") or {},
              "values": given.get("values") or {}}
    return load_table(tmp_path, table, config, READ, notes)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- 1, 2: encodings -------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "read"), [
    pytest.param("Дата;Клиент;Сумма\n31.12.2024;1;10,5\n".encode("cp1251"), {"encoding": "cp1251"},
                 id="cp1251"),
    pytest.param(b"\xef\xbb\xbf" + "Дата;Клиент;Сумма\n31.12.2024;1;10,5\n".encode(),
                 {"encoding": "cp1251"}, id="utf8-bom-wins-over-configured-cp1251"),
    pytest.param("Дата\tКлиент\tСумма\n31.12.2024\t1\t10,5\n".encode("utf-16"), {"sep": "\t"},
                 id="utf16-bom-excel-unicode-text"),
])
def test_encodings_that_are_read(tmp_path, data, read):
    frame = read_file(tmp_path, data, read=read)
    assert list(frame.columns) == ["date", "customer_id", "amount"]
    assert frame["amount"].tolist() == [10.5]


@pytest.mark.parametrize(("data", "read", "message"), [
    pytest.param("Дата;Клиент;Сумма\n31.12.2024;1;10\n".encode("cp1251"), {},
                 r"export\.csv: cannot be decoded as utf-8 \(byte \d+\).*cp1251", id="cp1251-read-as-utf8"),
    pytest.param(b"a;b\n1;2\n", {"encoding": "klingon"}, r"export\.csv: unknown encoding 'klingon'",
                 id="unknown-encoding"),
])
def test_encoding_errors_name_the_file(tmp_path, data, read, message):
    with pytest.raises(DataError, match=message):
        read_file(tmp_path, data, read=read)


# --- 3: separators ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sep", ["\t", "\\t", "tab"])
def test_tab_separated_files(tmp_path, sep):
    frame = read_file(tmp_path, "Дата\tКлиент\tСумма\n31.12.2024\t1\t1 000,5\n".encode(), read={"sep": sep})
    assert frame["amount"].tolist() == [1000.5]


@pytest.mark.parametrize(("text", "sep", "seen"), [
    ("Дата;Клиент;Сумма\n31.12.2024;1;10\n", ",", "';'"),
    ("Дата\tКлиент\tСумма\n31.12.2024\t1\t10\n", ";", "tab"),
])
def test_wrong_separator_says_so(tmp_path, text, sep, seen):
    with pytest.raises(DataError) as error:
        read_file(tmp_path, text.encode(), read={"sep": sep})
    assert "export.csv" in str(error.value) and "required column(s) missing" in str(error.value)
    assert f"is data.read.sep right (the file seems to use {seen})" in str(error.value)


# --- 4: decimal comma and thousands separators -----------------------------------------------------

@pytest.mark.parametrize(("cell", "read", "expected"), [
    ("1 234,50", {}, 1234.5),
    ("1\u00a0234\u00a0567,5", {}, 1234567.5),
    ("1\u202f234,5", {}, 1234.5),
    ("-1 234,50", {}, -1234.5),
    ("1.234.567,5", {"thousands": "."}, 1234567.5),
    ("1,234.5", {"decimal": ".", "thousands": ","}, 1234.5),
    ("12.5", {"decimal": "."}, 12.5),
])
def test_number_conventions(tmp_path, cell, read, expected):
    frame = read_file(tmp_path, f"Дата;Клиент;Сумма\n31.12.2024;1;{cell}\n".encode(), read=read)
    assert frame["amount"].tolist() == [pytest.approx(expected)]


@pytest.mark.parametrize(("cell", "read", "message"), [
    pytest.param("1.234", {}, r"contain '\.' but the decimal mark is ','", id="dot-with-decimal-comma"),
    pytest.param("1,5", {"decimal": ".", "thousands": ","}, "not in groups of three digits",
                 id="comma-thousands-misgrouped"),
    pytest.param("1,5", {"decimal": "."}, r"not numbers \(decimal mark '\.'\)", id="comma-with-decimal-dot"),
    pytest.param("inf", {}, "not numbers", id="infinite"),
])
def test_numbers_in_another_convention_are_errors(tmp_path, cell, read, message):
    with pytest.raises(DataError, match=message) as error:
        read_file(tmp_path, f"Дата;Клиент;Сумма\n31.12.2024;1;{cell}\n31.12.2024;2;5\n".encode(), read=read)
    assert error.value.column == "amount" and error.value.examples == [cell]
    assert "export.csv" in str(error.value)


# --- 5: day-first and mixed date formats -----------------------------------------------------------

@pytest.mark.parametrize(("cells", "date_format", "expected", "mixed"), [
    pytest.param(["31.12.2024", "01.02.2024"], "%d.%m.%Y", ["2024-12-31", "2024-02-01"], 0, id="dd.mm.yyyy"),
    pytest.param(["31.12.2024", "2024-01-02"], "%d.%m.%Y", ["2024-12-31", "2024-01-02"], 1,
                 id="iso-beside-configured-format"),
    pytest.param(["2024-01-02", "2024-01-03", "03.02.2024"], None, ["2024-01-02", "2024-01-03", "2024-02-03"],
                 1, id="iso-and-day-first-never-swapped"),
    pytest.param(["01/02/2024", "13/02/2024 10:30"], None, ["2024-02-01", "2024-02-13 10:30"], 0,
                 id="slashes-are-day-first"),
])
def test_date_formats(tmp_path, cells, date_format, expected, mixed):
    body = "".join(f"{c};1;1\n" for c in cells)
    notes: dict[str, int] = {}
    frame = read_file(tmp_path, f"Дата;Клиент;Сумма\n{body}".encode(), read={"date_format": date_format},
                      notes=notes)
    assert frame["date"].tolist() == [ts(e) for e in expected]
    assert notes.get("mixed_date_formats", 0) == mixed


@pytest.mark.parametrize(("cell", "date_format", "message"), [
    pytest.param("12/31/2024", None, "do not parse as dates", id="month-first-is-not-guessed"),
    pytest.param("2024.31.12", "%d.%m.%Y", r"do not parse as dates \(%d\.%m\.%Y\)", id="other-format"),
    pytest.param("01.01.0001", "%d.%m.%Y", "outside 1678-2261", id="1c-empty-date-placeholder"),
])
def test_dates_that_are_errors(tmp_path, cell, date_format, message):
    with pytest.raises(DataError, match=message) as error:
        read_file(tmp_path, f"Дата;Клиент;Сумма\n31.12.2024;1;1\n{cell};1;1\n".encode(),
                  read={"date_format": date_format})
    assert error.value.column == "date" and error.value.examples == [cell]


# --- 6: Excel with a title above the header and typed cells ----------------------------------------

def test_excel_header_on_a_later_row_with_typed_dates_and_numbers(tmp_path):
    path = tmp_path / "checks.xlsx"
    rows = [["Выгрузка чеков за 2024", None, None], [None, None, None], ["Дата", "Клиент", "Сумма"],
            [pd.Timestamp("2024-12-31 18:45"), 5, 100.25], [pd.Timestamp("2024-01-02"), 6.0, "1 234,5"]]
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    # decimal comma and a day-first format configured for the client's CSVs must not break typed cells
    frame = load_table(tmp_path, "transactions", {"path": path.name, "columns": TX, "values": {},
                                                  "read": {"header_row": 2, "thousands": " "}}, READ)
    assert frame["date"].tolist() == [ts("2024-12-31 18:45"), ts("2024-01-02")]
    assert frame["amount"].tolist() == [100.25, 1234.5]
    assert frame["customer_id"].tolist() == ["5", "6"]


def test_parquet_typed_columns_ignore_the_csv_conventions(tmp_path):
    frame = pd.DataFrame({"Дата": pd.to_datetime(["2024-12-31 18:45", "2024-01-02 00:00"]),
                          "Клиент": [5.0, None], "Сумма": [1234.25, -3.0]})
    frame.to_parquet(tmp_path / "checks.parquet")
    read = load_table(tmp_path, "transactions", {"path": "checks.parquet", "columns": TX, "values": {},
                                                  "read": {"thousands": "."}}, READ)
    assert read["amount"].tolist() == [1234.25, -3.0]
    assert read["customer_id"].iloc[0] == "5" and pd.isna(read["customer_id"].iloc[1])


# --- 7: Russian column names mapped in config ------------------------------------------------------

def test_russian_headers_are_mapped_with_stray_spaces(tmp_path):
    columns = {"Дата чека": "date", "ID клиента": "customer_id", "Сумма, руб.": "amount",
               "Карта": "loyalty_card"}
    text = " Дата чека ;ID клиента; Сумма, руб. ;Карта;Кассир\n31.12.2024;7;10;да;Иванова\n"
    frame = read_file(tmp_path, text.encode("cp1251"), columns=columns, read={"encoding": "cp1251"})
    assert list(frame.columns) == ["date", "customer_id", "amount", "loyalty_card"]  # unmapped dropped
    assert frame["loyalty_card"].tolist() == [True]


def test_mapping_onto_an_unknown_canonical_name_is_an_error(tmp_path):
    with pytest.raises(DataError, match=r"maps 'Сумма' to 'total', which is not a column of transactions"):
        read_file(tmp_path, "Дата;Сумма\n31.12.2024;1\n".encode(), columns={"Дата": "date", "Сумма": "total"})


# --- 8, 9: duplicate checks, returns ---------------------------------------------------------------

def checks(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "amount", "customer_id", "transaction_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("customer_id", "transaction_id"):
        frame[column] = frame[column].astype("string")
    return frame


def clean(frame: pd.DataFrame) -> CleaningResult:
    return clean_transactions(frame, today=ts("2024-12-31"))


def test_duplicate_checks_exact_removed_and_repeated_ids_counted():
    frame = checks([("2024-01-01", 10.0, "a", "T1"), ("2024-01-01", 10.0, "a", "T1"),
                    ("2024-01-01", 5.0, "a", "T1"), ("2024-01-02", 7.0, "b", "T2")])
    result = clean(frame)
    assert result.counts["duplicates"] == 1 and result.counts["rows_kept"] == 3
    assert result.counts["duplicate_transaction_ids"] == 1  # T1 10.0 and T1 5.0: lines or a correction
    assert result.transactions["amount"].sum() == 22.0


def test_returns_linked_and_unlinked():
    frame = checks([
        ("2024-01-01", 100.0, "a", "T1"),
        ("2024-01-05", -60.0, "a", "R1"),   # linked: a bought >= 60 earlier
        ("2024-01-05", -30.0, "b", "R2"),   # unlinked: b never bought
        ("2024-01-06", -20.0, None, "T3"),  # linked by id to the anonymous purchase T3
        ("2024-01-06", 20.0, None, "T3"),
        ("2024-01-07", -5.0, None, "R4"),   # anonymous, no id match: unlinked
        ("2024-01-08", -150.0, "a", "R5"),  # a's biggest check was 100: unlinked
    ])
    assert returns_linked(frame).tolist() == [True, True, False, True, True, False, False]
    counts = clean(frame).counts
    assert counts["returns"] == 5 and counts["returns_unlinked"] == 3
    assert counts["negative_net_customers"] == 2  # a: 100 - 60 - 150, b: -30
    table = quality.rules_table(counts)
    assert table.set_index("rule").loc["returns without a matching purchase", "count"] == 3


# --- 10, 11, 13: consistency between tables --------------------------------------------------------

def test_customers_missing_either_way_and_join_after_last_purchase():
    tx = checks([("2024-01-01", 10.0, "a", "1"), ("2024-02-01", 10.0, "a", "2"),
                 ("2024-01-01", 10.0, "x", "3"), ("2024-01-02", 10.0, "x", "4"),
                 ("2024-01-03", 5.0, None, "5")])
    customers = pd.DataFrame({"customer_id": pd.array(["a", "b", "c"], dtype="string"),
                              "joined_program_at": pd.to_datetime(["2024-03-01", "2024-01-01", None])})
    counts = consistency_counts({"transactions": tx, "customers": customers, "points": None})
    assert counts["customers_without_profile"] == 1 and counts["checks_without_profile"] == 2  # x
    assert counts["profiles_without_checks"] == 2  # b, c
    assert counts["joined_after_last_purchase"] == 1  # a joined 1 March, last bought 1 February
    assert "redemptions_above_balance" not in counts  # no ledger, no points columns


def test_redemptions_above_the_balance_ledger_and_checks():
    ledger = pd.DataFrame({
        "customer_id": pd.array(["a", "a", "a", "b", "b"], dtype="string"),
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-01-01", "2024-01-05"]),
        "kind": ["redemption", "accrual", "redemption", "accrual", "expiry"],
        "points": [50.0, 100.0, 80.0, 10.0, 10.0]})
    counts = consistency_counts({"transactions": checks([]), "customers": None, "points": ledger})
    # a: +100, -50 (same day: accruals first) -> 50, then -80 -> -30: one redemption above the balance
    assert counts["redemptions_above_balance"] == 1 and counts["customers_above_balance"] == 1
    tx = checks([("2024-01-01", 10.0, "a", "1"), ("2024-01-02", 10.0, "a", "2")])
    tx["points_earned"], tx["points_redeemed"] = [5.0, 0.0], [0.0, 9.0]
    counts = consistency_counts({"transactions": tx, "customers": None, "points": None})
    assert counts["redemptions_above_balance"] == 1


def test_ledger_signs_kind_gives_the_direction_and_adjustments_keep_theirs(tmp_path):
    """Exports write redemptions as -30 or 30: the kind gives the direction. An adjustment can be a debit
    (-50) or a credit (+20): its sign is kept, and the balance rule counts it as a signed credit."""
    data = ("c;d;k;p\na;01.01.2024;accrual;100\na;02.01.2024;redemption;-30\n"
            "a;03.01.2024;adjustment;-50\na;04.01.2024;adjustment;20\na;05.01.2024;redemption;45\n")
    ledger = read_file(tmp_path, data.encode(), table="points", name="points.csv",
                       columns={"c": "customer_id", "d": "date", "k": "kind", "p": "points"})
    assert ledger["points"].tolist() == [100.0, 30.0, -50.0, 20.0, 45.0]
    counts = consistency_counts({"transactions": checks([]), "customers": None, "points": ledger})
    # 100 - 30 - 50 + 20 = 40, then -45 -> -5: the last redemption is above the balance
    assert counts["redemptions_above_balance"] == 1


# --- 12: NPS scores --------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "message"), [("-1", r"scores outside 0-10 \(e\.g\. -1\.0\)"),
                                                 ("7,5", "not whole numbers")])
def test_nps_scores_must_be_whole_numbers_from_0_to_10(tmp_path, score, message):
    with pytest.raises(DataError, match=message) as error:
        read_file(tmp_path, f"d;s\n01.01.2024;9\n02.01.2024;{score}\n".encode(), table="nps",
                  columns={"d": "date", "s": "score"}, name="nps.csv")
    assert error.value.column == "score" and "nps.csv" in str(error.value)


# --- 14: empty files -------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    (b"\n\n\n", "the file has no rows"),
    (b"\xef\xbb\xbf", "the file has no rows"),
    ("Дата;Клиент;Сумма\n\n".encode(), "the file has a header but no rows"),
])
def test_empty_csv_variants(tmp_path, data, message):
    with pytest.raises(DataError, match=rf"export\.csv: {message}"):
        read_file(tmp_path, data)


def test_empty_excel_sheet(tmp_path):
    pd.DataFrame(columns=["Дата", "Клиент", "Сумма"]).to_excel(tmp_path / "e.xlsx", index=False)
    with pytest.raises(DataError, match=r"e\.xlsx: the file has a header but no rows"):
        load_table(tmp_path, "transactions",
                   {"path": "e.xlsx", "columns": TX, "read": {}, "values": {}}, READ)


# --- 15: a missing optional table ------------------------------------------------------------------

def tiny_client(project: Path, extra: str = "") -> dict:
    folder = project / "data" / "raw" / "tiny"
    folder.mkdir(parents=True)
    (folder / "tx.csv").write_text("Дата;Клиент;Сумма\n01.02.2024;1;10\n03.02.2024;2;-4\n", encoding="utf-8")
    write_client(project, "tiny", "data:\n  read: {sep: ';', decimal: ',', date_format: '%d.%m.%Y'}\n"
                 "  transactions:\n    path: data/raw/tiny/tx.csv\n"
                 "    columns: {Дата: date, Клиент: customer_id, Сумма: amount}\n" + extra)
    return load_config(project, "tiny")


def test_missing_optional_tables_are_none_and_counted_as_not_provided(project):
    config = tiny_client(project)
    tables = load_all(project, config)
    assert tables["transactions"] is not None
    assert all(tables[t] is None for t in ("customers", "points", "nps", "surveys", "campaigns"))
    overview = quality.overview(tables, {t: None for t in tables})
    assert (overview.set_index("table").loc["points", "status"]) == "not provided"
    counts = consistency_counts(tables)
    assert counts == {}  # nothing to compare with
    assert quality.completeness(tables["customers"]) == {"email": None, "phone": None, "name": None}


def test_configured_optional_file_that_does_not_exist_is_an_error(project):
    config = tiny_client(project, "  points: {path: data/raw/tiny/points.csv}\n")
    with pytest.raises(DataError, match=r"points\.csv: file not found"):
        load_all(project, config)


# --- 16: mixed time zones --------------------------------------------------------------------------

def test_mixed_zones_go_to_the_configured_zone_and_naive_values_stay(tmp_path):
    text = ("Дата;Клиент;Сумма\n2024-03-01T10:00:00+03:00;1;1\n2024-03-01T07:00:00Z;1;1\n"
            "2024-03-01 10:00;1;1\n2024-03-01T23:30:00+03:00;1;1\n")
    notes: dict[str, int] = {}
    frame = read_file(tmp_path, text.encode(), read={"date_format": None, "timezone": "Europe/Moscow"},
                      notes=notes)
    assert frame["date"].tolist() == [ts("2024-03-01 10:00")] * 3 + [ts("2024-03-01 23:30")]
    assert notes["dates_with_zone"] == 3
    utc = read_file(tmp_path, text.encode(), read={"date_format": None})
    assert utc["date"].iloc[3] == ts("2024-03-01 20:30")  # default: UTC


def test_unknown_time_zone_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        read_file(tmp_path, b"a\n1\n", read={"timezone": "Mars/Olympus"})


# --- counts reach the data-quality section ---------------------------------------------------------

def test_prepare_records_every_count_for_the_quality_notebook(project):
    folder = project / "data" / "raw" / "tiny"
    config = tiny_client(project, "  customers:\n    path: data/raw/tiny/customers.csv\n"
                         "    columns: {id: customer_id, joined: joined_program_at}\n")
    (folder / "customers.csv").write_text("id;joined\n1;01.01.2024\n3;01.01.2024\n", encoding="utf-8")
    prepared = prepare(project, config, today=ts("2024-12-31"))
    counts = prepared.cleaning
    assert counts["returns_unlinked"] == 1 and counts["customers_without_profile"] == 1
    assert counts["profiles_without_checks"] == 1
    table = quality.rules_table(counts)
    assert {"rule", "count", "unit", "action", "share_of_checks"} <= set(table.columns)
    assert table.set_index("rule").loc["customers in checks, missing from the customer table", "count"] == 1


# --- personal data never reaches the cache ---------------------------------------------------------

def test_cached_parquet_holds_no_contact_values(project):
    from {{ cookiecutter.package_name }}.synthetic import generate

    raw = project / "data" / "raw" / "demo"
    generate(raw, n_customers=150, seed=3, dirt=True)
    config = load_config(project, "demo")
    prepared = prepare(project, config)
    customers = pd.read_csv(raw / "customers.csv", sep=";", dtype=str)
    secrets = set()
    for column in ("email", "phone", "first_name", "last_name"):
        secrets |= {v for v in customers[column].dropna() if len(v) >= 4}
    assert len(secrets) > 100
    files = list(prepared.cache_dir.iterdir())
    assert any(p.suffix == ".parquet" for p in files)
    for path in files:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            assert not {"email", "phone", "first_name", "last_name"} & set(frame.columns), path.name
            cells = set(frame.astype(str).to_numpy().ravel()) | set(map(str, frame.columns))
            assert not cells & secrets, f"{path.name} holds contact values"
        blob = path.read_bytes().decode("utf-8", "replace")
        leaked = [s for s in secrets if s in blob]
        assert not leaked, f"{path.name} contains {leaked[:3]}"


# --- property-based: the reader fails only with DataError and never touches its input --------------

CELL = st.text(alphabet="0123456789,.;- \t\u00a0:TZ+/eаяx\"'", max_size=12)
HEADERS = st.sampled_from(["date;amount;customer_id", "date,amount", "Дата\tСумма\tКлиент",
                           "date;amount;points_earned;points_redeemed", "x;y"])
OPTIONS = st.fixed_dictionaries({
    "sep": st.sampled_from([";", ",", "\t"]), "decimal": st.sampled_from([",", "."]),
    "thousands": st.sampled_from([None, " ", "."]), "encoding": st.sampled_from(["utf-8", "cp1251"]),
    "date_format": st.sampled_from([None, "%d.%m.%Y", "%d.%m.%Y %H:%M"]),
    "header_row": st.sampled_from([0, 0, 1]),
})


@st.composite
def files(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    header = draw(HEADERS)
    sep = draw(st.sampled_from([";", ",", "\t"]))
    rows = draw(st.lists(st.lists(CELL, min_size=1, max_size=5), max_size=6))
    text = header.replace(";", sep) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=files(), options=OPTIONS, table=st.sampled_from(["transactions", "nps"]))
def test_reader_fails_only_with_its_own_error_and_leaves_the_file_alone(tmp_path, data, options, table):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    columns = {"Дата": "date", "Сумма": "amount", "Клиент": "customer_id", "x": "date", "y": "score"}
    if table == "nps":
        columns = {"date": "date", "amount": "score", "x": "date", "y": "score"}
    config = {"path": path.name, "columns": columns, "read": options, "values": {}}
    try:
        frame = load_table(tmp_path, table, config, READ, {})
    except DataError as error:
        assert str(error).startswith(str(path))
    else:
        assert len(frame) > 0
        if table == "transactions":
            clean_transactions(frame, today=ts("2025-01-01"))
            consistency_counts({"transactions": frame, "customers": None, "points": None})
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before

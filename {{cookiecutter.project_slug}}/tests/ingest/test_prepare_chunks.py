"""Reading in chunks (issue #8, scale): a file read in many small chunks, by Arrow's reader or by pandas'
reader, gives the same tables, the same rule counts and the same errors as the file read in one chunk."""

import json

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest import csv_reader
from {{ cookiecutter.package_name }}.ingest import read as table_reader
from {{ cookiecutter.package_name }}.ingest.clean import clean_transactions
from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.ingest.read import load_table
from {{ cookiecutter.package_name }}.synthetic import generate

READ = {"sep": ";", "decimal": ",", "thousands": None, "encoding": "utf-8", "date_format": "%d.%m.%Y",
        "header_row": 0, "sheet": None, "timezone": None}
TX = {"Дата": "date", "Клиент": "customer_id", "Сумма": "amount", "Чек": "transaction_id",
      "Карта": "loyalty_card", "Регион": "region", "Товаров": "items"}
HEADER = "Дата;Клиент;Сумма;Чек;Карта;Регион;Товаров\n"

# (fast Arrow reader?, bytes per Arrow chunk, rows per pandas chunk)
ONE_CHUNK = (True, 64 << 20, 1_000_000)
SMALL_CHUNKS = [pytest.param((True, 256, 7), id="arrow-small-chunks"),
                pytest.param((False, 256, 7), id="pandas-small-chunks"),
                pytest.param((False, 64 << 20, 1_000_000), id="pandas-one-chunk")]


def chunked(monkeypatch, settings) -> None:
    fast, size, rows = settings
    monkeypatch.setattr(table_reader, "FAST_CSV", fast)
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", size)
    monkeypatch.setattr(csv_reader, "CHUNK_ROWS", rows)


def read(tmp_path, monkeypatch, settings, data: bytes, table="transactions", **given):
    """(frame or the error's text, column and examples; notes) of one file read with `settings`;
    `given`: the table's columns (default TX), read and values."""
    chunked(monkeypatch, settings)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    notes: dict[str, int] = {}
    config = {"path": path.name, "columns": given.get("columns", TX), "read": given.get("read") or {},
              "values": given.get("values") or {}}
    try:
        return load_table(tmp_path, table, config, READ, notes), notes
    except DataError as error:
        return (str(error), error.column, error.examples), notes


def assert_same(got, expected) -> None:
    (frame, notes), (reference, reference_notes) = got, expected
    assert notes == reference_notes
    if isinstance(reference, tuple):
        assert frame == reference
        return
    pd.testing.assert_frame_equal(frame, reference, check_exact=True)
    for column in frame.select_dtypes("float64"):
        assert (np.signbit(frame[column]) == np.signbit(reference[column])).all(), column


def rows(n: int, bad: dict[int, str] | None = None) -> str:
    """n checks in varied but valid writing; `bad` puts given amounts on given rows."""
    lines = []
    for i in range(n):
        date = (f"{i % 28 + 1:02d}.0{i % 9 + 1}.2024" if i % 5 else f"2024-0{i % 9 + 1}-{i % 28 + 1:02d}")
        amount = ["1 234,50", "99,9", "-5", "0", "-0", "1\u00a0000", " 12,25 ", "7"][i % 8]
        customer = ["", "7.0", f" {i % 13} ", f"{i % 31}"][i % 4]
        card = ["да", "0", "1", " Yes ", ""][i % 5]
        lines.append(f"{date};{customer};{(bad or {}).get(i, amount)};T{i // 2};{card};Казань;{i % 4}\n")
    return HEADER + "".join(lines)


@pytest.mark.parametrize("settings", SMALL_CHUNKS)
def test_dirty_file_in_small_chunks_is_read_as_in_one_chunk(tmp_path, monkeypatch, settings):
    data = rows(120).encode()
    expected = read(tmp_path, monkeypatch, ONE_CHUNK, data)
    assert isinstance(expected[0], pd.DataFrame) and len(expected[0]) == 120
    assert expected[1]["mixed_date_formats"] == 24  # the ISO dates beside the configured format
    assert_same(read(tmp_path, monkeypatch, settings, data), expected)


@pytest.mark.parametrize("settings", SMALL_CHUNKS)
def test_errors_count_and_quote_values_over_the_whole_file(tmp_path, monkeypatch, settings):
    data = rows(150, bad={3: "12,3,4", 70: "abc", 140: "12,3,4", 149: "1e"}).encode()
    expected = read(tmp_path, monkeypatch, ONE_CHUNK, data)
    message, column, examples = expected[0]
    assert column == "amount" and examples == ["12,3,4", "abc", "1e"]
    assert "4 value(s) are not numbers" in message
    assert_same(read(tmp_path, monkeypatch, settings, data), expected)


@pytest.mark.parametrize("settings", SMALL_CHUNKS)
def test_the_first_failing_column_of_the_file_is_reported(tmp_path, monkeypatch, settings):
    """The error of the file's first failing column, even when a later column fails in an earlier chunk."""
    body = rows(100, bad={5: "x"}).splitlines(keepends=True)
    body[91] = "31.02.2024" + body[91][body[91].index(";"):]  # line 91 is row 90
    data = "".join(body).encode()
    expected = read(tmp_path, monkeypatch, ONE_CHUNK, data)
    assert expected[0][1] == "date" and expected[0][2] == ["31.02.2024"]
    assert_same(read(tmp_path, monkeypatch, settings, data), expected)


@pytest.mark.parametrize("settings", SMALL_CHUNKS)
def test_mixed_date_formats_are_counted_over_the_whole_column(tmp_path, monkeypatch, settings):
    """ISO dates are the majority of the first chunks and the minority of the file: the minority of the
    whole column is counted, not the minority of each chunk."""
    body = [f"2024-01-{i % 28 + 1:02d};1;10;T{i};1;x;1\n" for i in range(40)]
    body += [f"{i % 28 + 1:02d}.02.2024;1;10;U{i};1;x;1\n" for i in range(60)]
    data = (HEADER + "".join(body)).encode()
    expected = read(tmp_path, monkeypatch, ONE_CHUNK, data)
    assert expected[1] == {"mixed_date_formats": 40}
    assert_same(read(tmp_path, monkeypatch, settings, data), expected)


@pytest.mark.parametrize("settings", SMALL_CHUNKS)
def test_negative_zero_takes_the_sign_the_whole_column_gives_it(tmp_path, monkeypatch, settings):
    """pandas reads "-0" as -0.0 in a column that has a decimal value anywhere, else as 0.0."""
    body = [f"01.01.2024;1;{'-0' if i < 3 else '5'};T{i};1;x;{'-0' if i < 3 else 5}\n" for i in range(60)]
    body[-1] = "01.01.2024;1;5,5;T99;1;x;5\n"
    data = (HEADER + "".join(body)).encode()
    expected = read(tmp_path, monkeypatch, ONE_CHUNK, data)
    frame = expected[0]
    assert np.signbit(frame["amount"].iloc[0]) and not np.signbit(frame["items"].iloc[0])
    assert_same(read(tmp_path, monkeypatch, settings, data), expected)


@pytest.mark.parametrize("settings", SMALL_CHUNKS)
def test_quotes_and_numbers_arrow_cannot_parse_are_read_again(tmp_path, monkeypatch, settings):
    body = rows(80).splitlines(keepends=True)
    body[60] = '01.01.2024;" 5";"1 000,5";"T;1";1;"Москва, центр";2\n'
    body[75] = '01.01.2024;5; "3,5";T2;1;"a ""b""";2\n'
    data = "".join(body).encode("cp1251")
    expected = read(tmp_path, monkeypatch, ONE_CHUNK, data, read={"encoding": "cp1251"})
    frame = expected[0]
    assert frame["transaction_id"].iloc[59] == "T;1" and frame["amount"].iloc[59] == 1000.5
    assert frame["region"].iloc[74] == 'a "b"' and frame["amount"].iloc[74] == 3.5
    assert_same(read(tmp_path, monkeypatch, settings, data, read={"encoding": "cp1251"}), expected)


def test_plain_files_are_read_by_arrow_in_chunks(tmp_path, monkeypatch):
    """A plain file never needs pandas' reader (the fast path is taken), whatever its chunk size."""
    def refuse(*args, **kwargs):
        raise AssertionError("pandas' reader was used")

    monkeypatch.setattr(csv_reader, "pandas_chunks", refuse)
    data = (HEADER + "".join(f"0{i % 9 + 1}.01.2024;{i};{i},5;T{i};1;x;2\n" for i in range(200))).encode()
    frame, notes = read(tmp_path, monkeypatch, (True, 512, 7), data)
    assert len(frame) == 200 and frame["amount"].iloc[3] == 3.5 and notes == {}


def test_prepare_of_a_dirty_sample_in_small_chunks_matches_one_chunk(project, monkeypatch):
    generate(project / "data" / "raw" / "demo", n_customers=250, seed=11, dirt=True)
    config = load_config(project, "demo")
    today = pd.Timestamp("2025-01-01")
    results = []
    for settings in (ONE_CHUNK, (True, 4096, 50), (False, 64 << 20, 50)):
        chunked(monkeypatch, settings)
        prepared = prepare(project, config, today=today, force=True)
        meta = json.loads((prepared.cache_dir / "prepared.json").read_text(encoding="utf-8"))
        results.append((meta, {name: prepared.table(name) for name in ("transactions", "customers",
                                                                        "points", "nps", "surveys",
                                                                        "campaigns")}))
    (meta, tables), others = results[0], results[1:]
    assert meta["cleaning"]["duplicates"] > 0 and meta["cleaning"]["returns"] > 0
    for other_meta, other_tables in others:
        assert other_meta == meta
        for name, frame in tables.items():
            pd.testing.assert_frame_equal(other_tables[name], frame, check_exact=True)


def test_consume_moves_the_columns_and_gives_the_same_result():
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2030-01-01"]),
        "amount": [10.0, 10.0, -4.0, 3.0],
        "customer_id": pd.array(["a", "a", "a", None], dtype="string"),
        "transaction_id": pd.array(["1", "1", "2", "3"], dtype="string"),
    })
    expected = clean_transactions(frame, today=pd.Timestamp("2024-12-31"))
    moved = clean_transactions(frame.copy(), today=pd.Timestamp("2024-12-31"), consume=True)
    pd.testing.assert_frame_equal(moved.transactions, expected.transactions)
    assert (moved.counts, moved.removed, moved.period) == (expected.counts, expected.removed, expected.period)
    assert expected.counts["duplicates"] == 1 and expected.counts["future_dated"] == 1

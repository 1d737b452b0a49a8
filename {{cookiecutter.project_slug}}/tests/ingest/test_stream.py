"""Streaming a big transactions file (issue #17): prepare() with `run.stream_min_bytes` 0 (streamed to
Parquet parts, lines and cleaning rules in DuckDB) gives the same prepared tables, the same
prepared.json (counts, period, lines, requirement facts) and the same errors as the in-memory path."""

import json
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.engine.budget import Budget
from {{ cookiecutter.package_name }}.engine.duck import connect
from {{ cookiecutter.package_name }}.ingest import csv_reader, streamed
from {{ cookiecutter.package_name }}.ingest import read as table_reader
from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.ingest.options import ReadOptions
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.ingest.read import TableSource, load_table
from {{ cookiecutter.package_name }}.ingest.stream import ROW, PartWriter
from {{ cookiecutter.package_name }}.synthetic import generate

from ..conftest import PROJECT

TODAY = pd.Timestamp("2025-01-02")  # the sample ends 2024-12-31; its future checks lie after
NAMES = ("transactions", "customers", "points", "nps", "surveys", "campaigns")
# (fast Arrow reader?, bytes per Arrow chunk, rows per pandas chunk)
DEFAULT = (True, 64 << 20, 500_000)
SMALL = (True, 1 << 18, 3000)
PANDAS_SMALL = (False, 64 << 20, 3000)


def chunked(monkeypatch, settings) -> None:
    fast, size, rows = settings
    monkeypatch.setattr(table_reader, "FAST_CSV", fast)
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", size)
    monkeypatch.setattr(csv_reader, "CHUNK_ROWS", rows)


def prepared(project, client: str, stream: bool, **run) -> tuple[dict, dict]:
    """(prepared.json, tables) of a forced prepare, streamed or in memory."""
    config = load_config(project, client)
    config["run"].update(stream_min_bytes=0 if stream else 1 << 50, **run)
    assert streamed.streams(project, config) == stream
    result = prepare(project, config, today=TODAY, force=True)
    meta = json.loads((result.cache_dir / "prepared.json").read_text(encoding="utf-8"))
    return meta, {name: result.table(name) for name in NAMES}


def assert_same_prepared(got, expected) -> None:
    (meta, tables), (reference_meta, reference_tables) = got, expected
    assert meta == reference_meta
    for name, frame in reference_tables.items():
        if frame is None:
            assert tables[name] is None
        else:
            pd.testing.assert_frame_equal(tables[name], frame, check_exact=True)


# rules the sample's dirt leaves untouched: an unlinked return making its customer's net negative, an
# anonymous unlinked return, a re-sent check number, dates in another format and with a UTC offset
EXTRA_DIRT = ("15.06.2024 12:00;X-R1;10000046;SPB-01;Санкт-Петербург;-99999,00;1;0,00;0;0,00;0,00\n"
              "16.06.2024 12:00;X-R2;;MSK-01;Москва;-10,00;1;0,00;0;0,00;0,00\n"
              "17.06.2024 12:00;1000001;10000046;SPB-01;Санкт-Петербург;5,00;1;0,00;1;0,00;0,00\n"
              "2024-06-18 12:00;X-R3;10000046;SPB-01;Санкт-Петербург;5,00;1;0,00;1;0,00;0,00\n"
              "2024-06-18T12:00:00+03:00;X-R4;10000046;SPB-01;Санкт-Петербург;5,00;1;0,00;1;0,00;0,00\n")


@pytest.fixture(scope="module")
def clients(sample_project, tmp_path_factory):
    """The session's dirty sample (checks) and the same scenario written as receipt lines."""
    source, _ = sample_project
    project = tmp_path_factory.mktemp("stream")
    shutil.copytree(PROJECT / "config", project / "config")
    shutil.copytree(source / "data" / "raw" / "demo", project / "data" / "raw" / "demo")
    with open(project / "data" / "raw" / "demo" / "transactions.csv", "a", encoding="cp1251") as export:
        export.write(EXTRA_DIRT)
    generate(project / "data" / "raw" / "lines", n_customers=400, seed=11, dirt=True, lines=True)
    config = yaml.safe_load((project / "config" / "clients" / "demo.yaml").read_text(encoding="utf-8"))
    for table in config["data"].values():
        if isinstance(table, dict) and table.get("path"):
            table["path"] = table["path"].replace("data/raw/demo/", "data/raw/lines/")
    columns = {k: v for k, v in config["data"]["transactions"]["columns"].items()
               if v not in ("amount", "items")}
    config["data"]["transactions"]["columns"] = {**columns, "Кол-во": "quantity", "Цена": "price",
                                                 "Сумма строки": "line_amount"}
    (project / "config" / "clients" / "lines.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                                               encoding="utf-8")
    return project


@pytest.mark.parametrize("settings", [DEFAULT, SMALL, PANDAS_SMALL],
                         ids=["one-part", "parts", "pandas-parts"])
def test_the_streamed_sample_is_prepared_as_in_memory(clients, monkeypatch, settings):
    chunked(monkeypatch, DEFAULT)
    expected = prepared(clients, "demo", stream=False)
    meta, tables = expected
    dirt = meta["cleaning"]
    assert dirt["duplicates"] > 0 and dirt["future_dated"] > 0 and dirt["returns_unlinked"] > 0
    assert dirt["negative_net_customers"] > 0 and dirt["duplicate_transaction_ids"] > 0
    assert dirt["anonymous"] > 0
    assert len(tables["transactions"]) > 10_000
    assert meta["cleaning"]["mixed_date_formats"] == 2 and meta["cleaning"]["dates_with_zone"] == 1
    chunked(monkeypatch, settings)
    assert_same_prepared(prepared(clients, "demo", stream=True), expected)


@pytest.mark.parametrize("settings", [DEFAULT, SMALL], ids=["one-part", "parts"])
def test_streamed_receipt_lines_are_prepared_as_in_memory(clients, monkeypatch, settings):
    chunked(monkeypatch, DEFAULT)
    expected = prepared(clients, "lines", stream=False)
    assert expected[0]["lines"]["read"] > expected[0]["lines"]["checks"] > 0
    chunked(monkeypatch, settings)
    assert_same_prepared(prepared(clients, "lines", stream=True), expected)


def test_a_streamed_parquet_export_is_prepared_as_in_memory(clients, monkeypatch):
    """Typed cells (dates, floats, integers with missing values, yes/no) in several row groups."""
    chunked(monkeypatch, (True, 64 << 20, 3000))
    checks = prepared(clients, "demo", stream=False)[1]["transactions"]
    typed = pa.table({"date": pa.array(checks["date"]), "amount": pa.array(checks["amount"]),
                      "customer_id": pa.array(pd.to_numeric(checks["customer_id"]).astype("Int64")),
                      "transaction_id": pa.array(checks["transaction_id"]),
                      "store_id": pa.array(checks["store_id"]), "items": pa.array(checks["items"]),
                      "loyalty_card": pa.array(checks["loyalty_card"])})
    pq.write_table(typed, clients / "data" / "raw" / "demo" / "checks.parquet", row_group_size=2500)
    config = yaml.safe_load((clients / "config" / "clients" / "demo.yaml").read_text(encoding="utf-8"))
    config["data"]["transactions"] = {"path": "data/raw/demo/checks.parquet"}
    (clients / "config" / "clients" / "typed.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                                               encoding="utf-8")
    expected = prepared(clients, "typed", stream=False)
    assert expected[1]["transactions"]["customer_id"].isna().any()
    assert_same_prepared(prepared(clients, "typed", stream=True), expected)


def test_a_period_and_kept_duplicates_are_applied_as_in_memory(clients, monkeypatch):
    config = clients / "config" / "clients" / "demo.yaml"
    original = config.read_text(encoding="utf-8")
    try:
        text = yaml.safe_load(original)
        text["period"] = {"start": "2024-03-01", "end": "2024-09-30"}
        text["quality"] = {"drop_duplicates": False, "future_tolerance_days": 3}
        config.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
        expected = prepared(clients, "demo", stream=False)
        assert expected[0]["cleaning"]["outside_period"] > 0
        chunked(monkeypatch, SMALL)
        assert_same_prepared(prepared(clients, "demo", stream=True), expected)
    finally:
        config.write_text(original, encoding="utf-8")


def test_an_export_of_future_checks_only_is_a_data_error_both_ways(clients, tmp_path):
    """Nothing left to analyse (every check future-dated): the same DataError naming the date, not a
    crash on an empty period, streamed or in memory."""
    project = tmp_path / "project"
    shutil.copytree(clients / "config", project / "config")
    shutil.copytree(clients / "data" / "raw" / "demo", project / "data" / "raw" / "demo")
    export = project / "data" / "raw" / "demo" / "transactions.csv"
    header, *rows = export.read_text(encoding="cp1251").splitlines(keepends=True)
    export.write_text(header + "".join("01.01.2030" + row[10:] for row in rows[:3]), encoding="cp1251")
    client = project / "config" / "clients" / "demo.yaml"
    config = yaml.safe_load(client.read_text(encoding="utf-8"))
    config["period"] = {"start": None, "end": None}  # the data's own range: here none
    client.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    errors = []
    for stream in (False, True):
        with pytest.raises(DataError, match="no check is left to analyse") as raised:
            prepared(project, "demo", stream=stream)
        errors.append((str(raised.value), raised.value.column))
    assert errors[0] == errors[1] and errors[0][1] == "date"


def broken_copy(clients, tmp_path, transactions: bool):
    """The sample with a date that does not exist in customers.csv (and, if `transactions`, an amount
    that is not a number in transactions.csv)."""
    project = tmp_path / "project"
    shutil.copytree(clients / "config", project / "config")
    shutil.copytree(clients / "data" / "raw" / "demo", project / "data" / "raw" / "demo")
    raw = project / "data" / "raw" / "demo"
    broken = [("customers", 1, "utf-8"), ("transactions", 5, "cp1251")][:1 + transactions]
    for name, column, encoding in broken:
        header, first, *rest = (raw / f"{name}.csv").read_text(encoding=encoding).splitlines(keepends=True)
        cells = first.split(";")
        cells[column] = "31.02.2020" if name == "customers" else "abc"
        (raw / f"{name}.csv").write_text(header + ";".join(cells) + "".join(rest), encoding=encoding)
    return project


@pytest.mark.parametrize("limit", ["60%", "256MiB"], ids=["beside", "after"])
@pytest.mark.parametrize("transactions", [False, True], ids=["customers", "both"])
def test_the_other_tables_read_beside_the_stream_fail_as_in_memory(clients, tmp_path, transactions, limit):
    """The other tables are read on a thread while the transactions stream (when both fit in the
    budget, else after it): a bad one is the same DataError as in memory, and a bad transactions file
    is still the one reported first."""
    project = broken_copy(clients, tmp_path, transactions)
    config = load_config(project, "demo")
    budget = Budget.from_config({"run": {"memory_limit": limit}})
    assert streamed.others_beside_stream(project, config["data"], budget) == (limit == "60%")
    errors = []
    for streaming in (False, True):
        with pytest.raises(DataError) as raised:
            prepared(project, "demo", stream=streaming, memory_limit=limit)
        errors.append((str(raised.value), raised.value.column))
    assert errors[0] == errors[1]
    assert errors[0][1] == ("amount" if transactions else "registered_at")
    assert ("transactions.csv" if transactions else "customers.csv") in errors[0][0]
    assert not list((project / "data" / "interim").glob("*/prepared.json"))


def test_the_other_tables_are_read_beside_the_stream_when_both_fit(tmp_path):
    """Beside the stream's own peak, a table read whole needs a multiple of its file's bytes: more for
    a compressed Parquet file or an Excel sheet than for a CSV file."""
    data = {"customers": {"path": "customers.csv"}, "points": {"path": "points.parquet"},
            "nps": {"path": None}, "surveys": {"path": "missing.csv"}}
    (tmp_path / "customers.csv").write_bytes(b"x" * 100_000_000)
    (tmp_path / "points.parquet").write_bytes(b"x" * 10_000_000)
    need = streamed.STREAM_PEAK_BYTES + 3.5 * 100_000_000 + 10.0 * 10_000_000
    assert streamed.others_beside_stream(tmp_path, data, Budget(int(need), 1 << 40))
    assert not streamed.others_beside_stream(tmp_path, data, Budget(int(need) - 1, 1 << 40))


def test_a_part_that_fails_to_be_written_fails_the_stream(tmp_path):
    """Parts are written on a thread of their own: a write's error is raised, not lost, and an error of
    the block itself is the one raised when both fail."""
    table = pa.table({"x": [1, 2, 3]})
    with PartWriter() as writer:
        writer.write(table, tmp_path / "part-0.parquet")
        writer.write(table, tmp_path / "part-1.parquet")
    assert [pq.read_table(tmp_path / f"part-{i}.parquet") == table for i in (0, 1)] == [True, True]
    with pytest.raises(OSError), PartWriter() as writer:
        writer.write(table, tmp_path / "missing" / "part-0.parquet")
    with pytest.raises(KeyError), PartWriter() as writer:
        writer.write(table, tmp_path / "missing" / "part-0.parquet")
        raise KeyError("the block's own error")


# --- errors and the read tables, file by file --------------------------------------------------------------

READ = {"sep": ";", "decimal": ",", "thousands": None, "encoding": "utf-8", "date_format": "%d.%m.%Y",
        "header_row": 0, "sheet": None, "timezone": None}
TX = {"Дата": "date", "Клиент": "customer_id", "Сумма": "amount", "Чек": "transaction_id",
      "Карта": "loyalty_card", "Регион": "region", "Товаров": "items"}
LINES = {"Дата": "date", "Чек": "transaction_id", "Клиент": "customer_id", "Кол-во": "quantity",
         "Цена": "price", "Сумма": "line_amount", "Скидка": "discount"}
HEADER = "Дата;Клиент;Сумма;Чек;Карта;Регион;Товаров\n"
LINES_HEADER = "Дата;Чек;Клиент;Кол-во;Цена;Сумма;Скидка\n"


def rows(n: int, bad: dict[int, str] | None = None) -> str:
    """n checks in varied but valid writing; `bad` puts given amounts on given rows."""
    out = []
    for i in range(n):
        date = (f"{i % 28 + 1:02d}.0{i % 9 + 1}.2024" if i % 5 else f"2024-0{i % 9 + 1}-{i % 28 + 1:02d}")
        amount = ["1 234,50", "99,9", "-5", "0", "-0", "1\u00a0000", " 12,25 ", "7"][i % 8]
        customer = ["", "7.0", f" {i % 13} ", f"{i % 31}"][i % 4]
        card = ["да", "0", "1", " Yes ", ""][i % 5]
        out.append(f"{date};{customer};{(bad or {}).get(i, amount)};T{i // 2};{card};Казань;{i % 4}\n")
    return HEADER + "".join(out)


def lines(n: int, bad: dict[int, str] | None = None) -> str:
    """n receipt lines of n // 3 checks, interleaved; `bad` replaces whole lines."""
    out = []
    for i in range(n):
        check = i % max(1, n // 3)
        line = f"{check % 27 + 1:02d}.03.2024;T{check};{check % 5};{i % 3 + 1};{i},1{i % 7};;{i % 2}\n"
        out.append((bad or {}).get(i, line))
    return LINES_HEADER + "".join(out)


def both_ways(tmp_path, monkeypatch, settings, data: bytes, columns=None):
    """(frame or the error's text, column and examples; notes; lines summary), read by load_table in
    one chunk and streamed in chunks of `settings`."""
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    table = {"path": path.name, "columns": columns or TX}
    results = []
    for how in ("memory", "stream"):
        chunked(monkeypatch, DEFAULT if how == "memory" else settings)
        notes: dict[str, int] = {}
        summary: dict = {}
        try:
            if how == "memory":
                frame = load_table(tmp_path, "transactions", table, READ, notes, summary)
            else:
                frame = streamed_table(tmp_path, table, notes, summary)
            results.append((frame, notes, summary))
        except DataError as error:
            results.append(((str(error), error.column, error.examples), notes, summary))
    return results


def streamed_table(folder, table, notes, summary) -> pd.DataFrame:
    source = TableSource(folder / table["path"], "transactions", ReadOptions.from_config(READ, {}),
                         table["columns"], {})
    work = folder / "work"
    with connect(Budget(256 << 20, 1 << 30), work / "spill") as con:
        staged = streamed.stream_transactions(con, source, work, notes, summary)
    parts = [pq.read_table(path).to_pandas() for path, _, _ in staged.parts]
    frame = pd.concat(parts).sort_values(ROW).drop(columns=ROW).reset_index(drop=True)
    return frame.astype(staged.empty.dtypes.to_dict())


def assert_same(results) -> None:
    (expected, expected_notes, expected_lines), (got, notes, summary) = results
    assert (notes, summary) == (expected_notes, expected_lines)
    if isinstance(expected, tuple):
        assert got == expected
    else:
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


CHUNKS = [pytest.param((True, 256, 7), id="arrow-small-chunks"),
          pytest.param((False, 256, 7), id="pandas-chunks"), pytest.param(DEFAULT, id="one-chunk")]
CHECK_FILES = {
    "dirty": rows(120),
    "bad-numbers": rows(150, bad={3: "12,3,4", 70: "abc", 140: "12,3,4", 149: "1e"}),
    "bad-date-after-bad-number": "".join(
        "31.02.2024" + line[line.index(";"):] if i == 91 else line
        for i, line in enumerate(rows(100, bad={5: "x"}).splitlines(keepends=True))),
    "mixed-dates": HEADER + "".join(f"2024-01-{i % 28 + 1:02d};1;10;T{i};1;x;1\n" for i in range(40))
    + "".join(f"{i % 28 + 1:02d}.02.2024;1;10;U{i};1;x;1\n" for i in range(60)),
    "empty-dates": HEADER + "".join(f"{'' if i % 9 == 4 else '01.02.2024'};1;10;T{i};1;x;1\n"
                                    for i in range(50)),
    "zoned-dates": HEADER + "".join(
        f"{'2024-01-05T10:00:00+03:00' if i % 3 else '05.01.2024'};1;10;T{i};1;x;1\n" for i in range(50)),
    "negative-zero": HEADER + "".join(f"01.01.2024;1;{'-0' if i < 3 else '5'};T{i};1;x;1\n"
                                      for i in range(59))
    + "01.01.2024;1;5,5;T99;1;x;5\n",
    "header-only": HEADER,
    "missing-column": "Дата;Клиент\n01.01.2024;1\n",
    "totals": rows(30) + ";;1 234;;;Итого;\n",
}
LINE_FILES = {
    "lines": lines(90),
    "lines-without-check-number": lines(60, bad={7: "01.03.2024;;3;1;2,5;;0\n", 40: "02.03.2024;;;2;;;1\n"}),
    "lines-without-amount": lines(60, bad={11: "01.03.2024;T1;3;;;;0\n", 50: "01.03.2024;T2;3;2;;;0\n"}),
    "lines-conflicting": lines(60, bad={30: "05.03.2024;T0;9;1;1,5;;0\n"}),
    "lines-many-decimals": lines(40, bad={4: "01.03.2024;T1;3;1;1,1234567;;0\n"}),
}


@pytest.mark.parametrize("settings", CHUNKS)
@pytest.mark.parametrize("name", list(CHECK_FILES))
def test_a_check_file_streams_to_the_same_table_or_error(tmp_path, monkeypatch, settings, name):
    assert_same(both_ways(tmp_path, monkeypatch, settings, CHECK_FILES[name].encode()))


@pytest.mark.parametrize("settings", CHUNKS)
@pytest.mark.parametrize("name", list(LINE_FILES))
def test_a_line_file_streams_to_the_same_checks_or_error(tmp_path, monkeypatch, settings, name):
    assert_same(both_ways(tmp_path, monkeypatch, settings, LINE_FILES[name].encode(), LINES))


@pytest.mark.parametrize("amounts", [["1,5", "2", "3", "-0"] * 25, ["1,5", "abc", None, "2 000"] * 25,
                                     ["1,5", "2", None, "-0"] * 25], ids=["good", "bad", "empty"])
def test_a_parquet_file_streams_to_the_same_table_or_error(tmp_path, monkeypatch, amounts):
    n = len(amounts)
    table = pa.table({"date": pa.array(pd.date_range("2024-01-01", periods=n, freq="h")),
                      "amount": pa.array(amounts),
                      "customer_id": pa.array([None if i % 7 else i for i in range(n)]),
                      "loyalty_card": pa.array([i % 3 == 0 for i in range(n)])})
    pq.write_table(table, tmp_path / "export.parquet", row_group_size=30)
    results = []
    for how, settings in (("memory", DEFAULT), ("stream", (True, 256, 7))):
        chunked(monkeypatch, settings)
        notes: dict[str, int] = {}
        config = {"path": "export.parquet", "columns": {}}
        try:
            frame = (load_table(tmp_path, "transactions", config, READ, notes) if how == "memory"
                     else streamed_table(tmp_path, config, notes, {}))
            results.append((frame, notes, {}))
        except DataError as error:
            results.append(((str(error), error.column, error.examples), notes, {}))
    assert_same(results)
    assert isinstance(results[0][0], pd.DataFrame) == (amounts[2] == "3")


def test_errors_of_a_streamed_file_name_the_values_of_the_whole_file(tmp_path, monkeypatch):
    results = both_ways(tmp_path, monkeypatch, (True, 256, 7), CHECK_FILES["bad-numbers"].encode())
    message, column, examples = results[1][0]
    assert column == "amount" and examples == ["12,3,4", "abc", "1e"] and "4 value(s)" in message
    data = LINE_FILES["lines-without-check-number"].encode()
    results = both_ways(tmp_path, monkeypatch, (True, 256, 7), data, LINES)
    message, column, examples = results[1][0]
    assert column == "transaction_id" and message.startswith(str(tmp_path / "export.csv"))
    assert examples[0].startswith("row 9: date 2024-03-01") and len(examples) == 2


def test_a_check_of_one_negative_zero_line_sums_to_plus_zero_both_ways(tmp_path, monkeypatch):
    """Lines with more than 6 decimals are summed as floats in line order: from +0.0, as numpy sums,
    so a check whose only line is -0 is 0.0 streamed as in memory (equal frames do not see the sign)."""
    data = LINES_HEADER + "".join(f"01.03.2024;T{i};3;;;0,1234567891;0\n" for i in range(5)) \
        + "01.03.2024;T9;3;;;-0,000000000;0\n"
    (memory, _, _), (stream, _, _) = both_ways(tmp_path, monkeypatch, SMALL, data.encode(), LINES)
    zero = [frame.loc[frame["transaction_id"] == "T9", "amount"].to_numpy() for frame in (memory, stream)]
    assert zero[0] == zero[1] == 0.0
    assert not np.signbit(zero[0]).any() and not np.signbit(zero[1]).any()

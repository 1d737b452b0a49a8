"""Receipt lines (issue #16, item 3): one row per line of a check, summed into checks by transaction_id
before cleaning (ingest/lines.py). Hand examples, the errors, chunk boundaries, and the sample written as
lines giving the same prepared checks and the same kpis.json as the sample written as checks."""

import copy
import json

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest import csv_reader
from {{ cookiecutter.package_name }}.ingest import read as table_reader
from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.ingest.read import load_table
from {{ cookiecutter.package_name }}.run.context import _plain, open_run
from {{ cookiecutter.package_name }}.sections import data_quality
from {{ cookiecutter.package_name }}.sections.registry import registered
from {{ cookiecutter.package_name }}.sections.steps import Say
from {{ cookiecutter.package_name }}.synthetic import generate
from {{ cookiecutter.package_name }}.text.formats import format_number

READ = {"sep": ";", "decimal": ",", "thousands": None, "encoding": "utf-8", "date_format": "%d.%m.%Y",
        "header_row": 0, "sheet": None, "timezone": None}
LINES = {"Дата": "date", "Чек": "transaction_id", "Клиент": "customer_id", "Кол-во": "quantity",
         "Цена": "price", "Сумма": "line_amount", "Скидка": "discount"}
HEADER = "Дата;Чек;Клиент;Кол-во;Цена;Сумма;Скидка\n"


def read_lines(tmp_path, text: str, columns=None, name="lines.csv"):
    """(checks, lines summary) of a line export written as `text`."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    summary: dict = {}
    checks = load_table(tmp_path, "transactions", {"path": name, "columns": columns or LINES}, READ, None,
                        summary)
    return checks, summary


def refused(tmp_path, text: str, columns=None) -> DataError:
    with pytest.raises(DataError) as caught:
        read_lines(tmp_path, text, columns)
    return caught.value


def test_lines_are_summed_into_checks_by_hand(tmp_path):
    checks, summary = read_lines(tmp_path, HEADER + (
        "01.03.2024;A;7;2;0,10;;1,00\n"       # no line amount: 2 × 0.10
        "01.03.2024;A;7;1;0,10;0,10;\n"
        "02.03.2024;R;8;-1;50;-50;\n"         # a return: the check's net is negative
        "01.03.2024;A;9;3;1,5;4,50;0,25\n"    # same check, another customer: the first line's is kept
        "03.03.2024;M;;2;100;200;\n"          # a purchase and a returned line: net 150, a purchase
        "03.03.2024;M;;-1;50;-50;\n"))
    assert checks["transaction_id"].tolist() == ["A", "R", "M"]  # in order of their first line
    assert checks["amount"].tolist() == [4.8, -50.0, 150.0]      # 0.20 + 0.10 + 4.50, exactly
    assert checks["items"].tolist() == [6.0, -1.0, 1.0]
    assert checks["discount"][0] == 1.25 and np.isnan(checks["discount"][1])
    assert checks["customer_id"].tolist()[:2] == ["7", "8"] and pd.isna(checks["customer_id"][2])
    assert checks["date"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-02"),
                                       pd.Timestamp("2024-03-03")]
    assert list(checks.columns) == ["date", "transaction_id", "customer_id", "amount", "items", "discount"]
    assert summary == {"read": 6, "checks": 3, "per_check": 2.0, "conflicts": 1}


def test_decimal_sums_are_exact_and_quantity_times_price_alone_works(tmp_path):
    columns = {k: v for k, v in LINES.items() if v != "line_amount"}
    checks, summary = read_lines(tmp_path, HEADER + "".join(
        f"01.03.2024;X;1;1;{price};;\n" for price in ("0,10", "0,20", "0,70", "1,01")), columns)
    assert checks["amount"].tolist() == [2.01]  # 0.1 + 0.2 + 0.7 + 1.01 in floats is 2.0100000000000002
    assert checks["items"].tolist() == [4.0]
    assert summary["checks"] == 1 and summary["conflicts"] == 0


def test_a_line_without_a_check_number_is_refused_with_example_rows(tmp_path):
    error = refused(tmp_path, HEADER + "01.03.2024;A;7;1;10;10;\n01.03.2024;;7;2;5;10;\n"
                    "02.03.2024;B;8;1;3;3;\n05.03.2024; ;9;1;4;4;\n")
    assert error.column == "transaction_id"
    assert "lines.csv" in str(error) and "2 receipt line(s) have no check number" in str(error)
    assert error.examples == ["row 3: date 2024-03-01, customer_id 7, quantity 2, price 5, line_amount 10",
                              "row 5: date 2024-03-05, customer_id 9, quantity 1, price 4, line_amount 4"]


def test_a_line_without_any_amount_is_refused(tmp_path):
    error = refused(tmp_path, HEADER + "01.03.2024;A;7;1;10;10;\n01.03.2024;A;7;2;;;\n")
    assert error.column == "line_amount" and "1 receipt line(s) have no amount" in str(error)
    assert error.examples == ["row 3: date 2024-03-01, customer_id 7, quantity 2"]


@pytest.mark.parametrize(("columns", "column", "words"), [
    ({**LINES, "Скидка": "amount"}, "amount", "both a check amount and receipt-line columns"),
    ({"Дата": "date", "Чек": "transaction_id", "Кол-во": "quantity", "Сумма": "amount"}, "quantity",
     "quantity and price together"),
    ({**LINES, "Скидка": "items"}, "items", "both quantity and items"),
    ({"Дата": "date", "Кол-во": "quantity", "Цена": "price"}, "transaction_id", "required column(s) missing"),
])
def test_unclear_mappings_are_refused(tmp_path, columns, column, words):
    error = refused(tmp_path, HEADER + "01.03.2024;A;7;1;10;10;1\n", columns)
    assert error.column == column and words in str(error)


@pytest.mark.parametrize("settings", [(True, 128, 3), (False, 128, 3), (True, 64 << 20, 1_000_000)],
                         ids=["arrow-small-chunks", "pandas-small-chunks", "one-chunk"])
def test_a_checks_lines_may_span_chunks_and_lie_apart(tmp_path, monkeypatch, settings):
    fast, size, rows = settings
    monkeypatch.setattr(table_reader, "FAST_CSV", fast)
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", size)
    monkeypatch.setattr(csv_reader, "CHUNK_ROWS", rows)
    # 60 lines of 7 checks, interleaved: check k gets lines i with i % 7 == k, amount i + 0,01
    text = HEADER + "".join(f"{i % 7 + 1:02d}.03.2024;T{i % 7};{i % 7};1;{i},01;{i},01;\n" for i in range(60))
    checks, summary = read_lines(tmp_path, text)
    expected = [sum(i + 0.01 for i in range(k, 60, 7)) for k in range(7)]
    assert checks["transaction_id"].tolist() == [f"T{k}" for k in range(7)]
    assert checks["amount"].tolist() == pytest.approx(expected, abs=1e-9)
    assert checks["amount"].tolist() == [round(value, 2) for value in expected]  # exact to the kopeck
    assert checks["items"].tolist() == [float(len(range(k, 60, 7))) for k in range(7)]
    assert summary == {"read": 60, "checks": 7, "per_check": 60 / 7, "conflicts": 0}


# --- the sample written as receipt lines ---------------------------------------------------------------

LINE_COLUMNS = {"Кол-во": "quantity", "Цена": "price", "Сумма строки": "line_amount"}


def write_client(project, client: str, folder: str, lines: bool) -> None:
    config = yaml.safe_load((project / "config" / "clients" / "demo.yaml").read_text(encoding="utf-8"))
    for table in config["data"].values():
        if isinstance(table, dict) and table.get("path"):
            table["path"] = table["path"].replace("data/raw/demo/", f"data/raw/{folder}/")
    if lines:
        columns = config["data"]["transactions"]["columns"]
        columns = {k: v for k, v in columns.items() if v not in ("amount", "items")}
        config["data"]["transactions"]["columns"] = {**columns, **LINE_COLUMNS}
    (project / "config" / "clients" / f"{client}.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                                                   encoding="utf-8")


@pytest.fixture(scope="module")
def line_sample(tmp_path_factory):
    """The same scenario (dirt included) written as checks and as lines, each with a client config."""
    import shutil

    from ..conftest import PROJECT

    project = tmp_path_factory.mktemp("lines")
    shutil.copytree(PROJECT / "config", project / "config")
    scenario = {"n_customers": 300, "seed": 11, "dirt": True}
    truths = {"checks": generate(project / "data" / "raw" / "checks", **scenario),
              "lines": generate(project / "data" / "raw" / "lines", lines=True, **scenario)}
    for client in truths:
        write_client(project, client, client, lines=client == "lines")
    return project, truths


def test_the_line_sample_is_the_check_sample_in_lines(line_sample):
    project, truths = line_sample
    truths = copy.deepcopy(truths)
    checks_dir, lines_dir = project / "data" / "raw" / "checks", project / "data" / "raw" / "lines"
    for name in ("customers.csv", "points.csv", "nps.csv", "surveys.csv", "campaigns.csv"):
        assert (checks_dir / name).read_bytes() == (lines_dir / name).read_bytes(), name
    lines = truths["lines"]["realised"].pop("lines")
    rows = truths["lines"]["realised"]["rows"]
    assert rows["transactions"] == lines["lines"] > lines["checks"]
    dirt = truths["checks"]["realised"]["dirt"]
    assert lines["checks"] == truths["checks"]["realised"]["rows"]["transactions"] - dirt["duplicates"]
    rows["transactions"] = truths["checks"]["realised"]["rows"]["transactions"]
    assert truths["lines"] == truths["checks"]


def test_the_line_samples_quantity_times_price_is_its_line_amount(line_sample):
    project, _ = line_sample
    data = {client: load_config(project, client)["data"] for client in ("checks", "lines")}
    checks = load_table(project, "transactions", data["checks"]["transactions"], data["checks"]["read"])
    table = dict(data["lines"]["transactions"])
    table["columns"] = {k: v for k, v in table["columns"].items() if v != "line_amount"}
    lines = load_table(project, "transactions", table, data["lines"]["read"])
    checks = checks[~checks.duplicated()].reset_index(drop=True)  # exact duplicates are not written as lines
    pd.testing.assert_frame_equal(lines, checks, check_exact=True)


def kpis_in_process(project, client: str) -> dict:
    ctx = open_run(client, "", str(project))
    return {section.key: _plain(section.run(ctx).headline) for section in registered()}


def test_the_line_sample_gives_the_same_checks_and_kpis(line_sample):
    project, truths = line_sample
    prepared = {client: prepare(project, load_config(project, client)) for client in truths}
    checks, lines = prepared["checks"], prepared["lines"]
    pd.testing.assert_frame_equal(lines.table("transactions"), checks.table("transactions"), check_exact=True)
    dirt = truths["checks"]["realised"]["dirt"]
    written = truths["lines"]["realised"]["lines"]
    assert lines.lines == {"read": written["lines"], "checks": written["checks"],
                           "per_check": written["lines"] / written["checks"], "conflicts": 0}
    assert checks.lines is None
    assert lines.rows_read["transactions"] == written["lines"]
    # the check file's exact duplicates are not written as lines (a repeated line is another unit)
    assert checks.cleaning.pop("duplicates") == dirt["duplicates"] and lines.cleaning.pop("duplicates") == 0
    assert checks.cleaning.pop("rows_read") - dirt["duplicates"] == lines.cleaning.pop("rows_read")
    assert checks.cleaning == lines.cleaning
    assert checks.rejected_rows - dirt["duplicates"] == lines.rejected_rows

    got = {client: kpis_in_process(project, client) for client in truths}
    quality = {client: got[client].pop("data_quality") for client in truths}
    assert json.dumps(got["lines"], sort_keys=True) == json.dumps(got["checks"], sort_keys=True)
    assert quality["lines"].pop("lines") == {"read": written["lines"], "checks": written["checks"],
                                             "per_check": written["lines"] / written["checks"]}
    assert quality["checks"].pop("lines") == {"read": None, "checks": None, "per_check": None}
    assert quality["lines"]["rows"].pop("transactions") == written["lines"]
    assert quality["checks"]["rows"].pop("transactions") == written["checks"] + dirt["duplicates"]
    rejected = quality["checks"].pop("rejected_rows") - dirt["duplicates"]
    assert quality["lines"].pop("rejected_rows") == rejected
    assert quality["lines"] == quality["checks"]


def test_data_quality_says_how_the_lines_became_checks(line_sample):
    project, truths = line_sample
    written = truths["lines"]["realised"]["lines"]
    said = {}
    for client in ("lines", "checks"):
        step = data_quality.cleaning_rules(data_quality.inputs(open_run(client, "", str(project))))
        said[client] = [item.text for item in step.items if isinstance(item, Say)]
    assert len(said["checks"]) == 1 and len(said["lines"]) == 2
    lines = said["lines"][1]
    assert lines.render("en") == (
        f"{written['lines']:,} receipt lines were summed into {written['checks']:,} checks "
        f"({written['lines'] / written['checks']:.1f} lines per check); 0 checks have lines that disagree on "
        "the date, customer, store, region or card: their first line's values are used.")
    assert lines.render("ru").startswith(f"{format_number(written['lines'], 'ru')} строк чеков сложены в ")

"""Run what the template generates: its own test suite, and the CLI pipeline with non-default answers."""

from __future__ import annotations

import json

import pytest

from .conftest import bake, run_in


def test_default_project_passes_its_own_tests(default_project):
    result = run_in(default_project, "-m", "pytest", "-q", "-p", "no:cacheprovider", timeout=1800)
    assert " passed" in result.stdout.splitlines()[-1]


@pytest.fixture(scope="module")
def russian_project(tmp_path_factory):
    """A project with non-default answers, run end to end through its command line."""
    project = bake(tmp_path_factory.mktemp("ru"), project_name="Sales Insights Pro", language="ru",
                   currency="EUR", first_client="acme")
    cli = ("-m", "sales_insights_pro.cli")
    run_in(project, *cli, "sample-data", "--client", "demo", "--customers", "800", "--seed", "3", "--dirt")
    result = run_in(project, *cli, "run", "--client", "demo", "--quiet")
    index = result.stdout.strip().splitlines()[-1].strip()
    return project, json.loads((project / "data" / "raw" / "demo" / "truth.json").read_text()), index


def test_cli_run_prints_the_report_path_and_writes_the_bundle(russian_project):
    project, _, index = russian_project
    assert index.endswith("index.html")
    bundle = project / "reports" / "demo"
    folders = [p for p in bundle.iterdir() if p.is_dir()]
    assert len(folders) == 1 and str(folders[0] / "index.html") == index
    page = (folders[0] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "Анализ программы лояльности" in page


def test_cli_run_kpis_match_the_planted_truth(russian_project):
    project, truth, index = russian_project
    bundle = project / "reports" / "demo" / index.split("/")[-2]
    kpis = json.loads((bundle / "kpis.json").read_text(encoding="utf-8"))
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert {n["status"] for n in manifest["notebooks"]} == {"ok"}
    assert kpis["meta"]["currency"] == "EUR" and kpis["meta"]["language"] == "ru"
    realised = truth["realised"]
    assert kpis["data_quality"]["rows"] == realised["rows"]
    assert kpis["data_quality"]["rejected_rows"] == (realised["dirt"]["duplicates"]
                                                     + realised["dirt"]["future_dated"])
    assert kpis["data_quality"]["completeness"] == pytest.approx(realised["completeness"], abs=1e-12)


def test_cli_reports_bad_input_with_file_column_and_example(russian_project):
    project, _, _ = russian_project
    config = project / "config" / "clients" / "demo.yaml"
    broken = project / "config" / "clients" / "broken.yaml"
    broken.write_text(config.read_text(encoding="utf-8").replace('"Сумма": amount', '"Итог": amount'),
                      encoding="utf-8")
    result = run_in(project, "-m", "sales_insights_pro.cli", "validate", "--client", "broken", check=False)
    assert result.returncode == 2
    assert "transactions.csv, column 'amount': required column(s) missing: amount (mapped from 'Итог')" \
        in result.stderr
    assert "Traceback" not in result.stderr

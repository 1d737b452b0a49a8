"""Through `run`: the sample client run once with every out-of-core section computed out of memory (its
checks described chunk by chunk and bucketed by customer into several buckets, under a memory limit far
below what the whole run would take in memory: one kernel, DuckDB within 150 MiB) writes the same
kpis.json blocks and the same tables as the in-memory run (the `demo_run` fixture)."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.engine import buckets
from {{ cookiecutter.package_name }}.engine.customers import BUCKETS
from {{ cookiecutter.package_name }}.run.runner import run_client

SECTIONS = ["data_quality", "rfm", "retention", "clv"]
BUCKET_COUNT = 5  # the sample's checks would make one bucket: several, so that parts are combined
RETENTION = {"cohorts_customers_members", "cohorts_customers_non_members", "cohorts_revenue_members",
             "cohorts_revenue_non_members", "retention_monthly", "retention_by_group",
             "retention_before_after"}


@pytest.fixture(scope="module")
def runs(sample_project, demo_run, tmp_path_factory):
    source, _ = sample_project
    in_memory, kpis, _ = demo_run
    project = tmp_path_factory.mktemp("out_of_core") / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("reports", "interim"))
    client = project / "config" / "clients" / "demo.yaml"
    client.write_text(client.read_text(encoding="utf-8")
                      + "\nrun:\n  engine_min_checks: 0\n  memory_limit: 300MiB\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        # the runner buckets the checks in this process; the sections' kernel reuses those buckets
        patch.setattr(buckets, "bucket_count", lambda checks, rows_per_bucket=0: BUCKET_COUNT)
        result = run_client(project, "demo", only=SECTIONS, progress=False)
    assert result.status == "complete", result.error
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["run"]["memory_limit"] == "300MiB"
    assert len(list((project / "data").rglob(f"{BUCKETS}/customer_bucket=*"))) == BUCKET_COUNT
    return SimpleNamespace(bundle=result.bundle, memory_bundle=in_memory.bundle, memory=kpis,
                           kpis=json.loads((result.bundle / "kpis.json").read_text(encoding="utf-8")))


def sheet(bundle, name):
    return pd.read_excel(bundle / "tables.xlsx", sheet_name=name)


def test_data_quality_and_rfm_equal_the_in_memory_run(runs):
    assert runs.kpis["rfm"] == runs.memory["rfm"]  # bit for bit: the same sums in the same order
    assert runs.kpis["data_quality"] == runs.memory["data_quality"]
    for name in ("rfm_segments", "rfm_migration_matrix", "rfm_customer_segments", "quality_inputs",
                 "quality_missing_values"):
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name), obj=name)


def test_retention_equals_the_in_memory_run(runs):
    # bit for bit: counts of customers, and per-member rows summed in the same order
    assert runs.kpis["retention"] == runs.memory["retention"]
    for name in sorted(RETENTION):
        # a revenue cohort cell sums the checks of many customers, bucket by bucket: partial sums added
        # in another order may differ in the last bits; every other table is exact
        exact = not name.startswith("cohorts_revenue")
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name),
                                      check_exact=exact, rtol=1e-9, obj=name)


def clv_sheets(bundle) -> list[str]:
    return [s for s in pd.ExcelFile(bundle / "tables.xlsx").sheet_names if s.startswith("clv")]


def test_clv_equals_the_in_memory_run(runs):
    assert runs.kpis["clv"] == runs.memory["clv"]  # bit for bit: the same summaries in the same order
    assert runs.memory["clv"]["mean_clv"] is not None
    sheets = clv_sheets(runs.memory_bundle)
    assert {"clv_inputs", "clv_model_fits", "clv_holdout", "clv_by_p_alive"} <= set(sheets)
    assert clv_sheets(runs.bundle) == sheets
    for name in sheets:
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name), obj=name)
    exports = sorted(path.name for path in runs.memory_bundle.glob("exports/clv_*.csv"))
    assert sorted(path.name for path in runs.bundle.glob("exports/clv_*.csv")) == exports
    for name in exports:  # long per-customer lists go to csv files instead of sheets
        pd.testing.assert_frame_equal(pd.read_csv(runs.bundle / "exports" / name),
                                      pd.read_csv(runs.memory_bundle / "exports" / name))

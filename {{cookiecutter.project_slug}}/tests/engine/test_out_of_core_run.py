"""Through `run`: the sample client's data-quality and RFM sections computed out of memory (its checks
described chunk by chunk and bucketed by customer, under a memory limit far below what the whole run
would take in memory: one kernel, DuckDB within 150 MiB) write the same kpis.json blocks and the same
tables as the in-memory run."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from {{ cookiecutter.package_name }}.engine.customers import BUCKETS
from {{ cookiecutter.package_name }}.run.runner import run_client


def test_data_quality_and_rfm_out_of_core_equal_the_in_memory_run(sample_project, demo_run, tmp_path):
    source, _ = sample_project
    in_memory, kpis, _ = demo_run
    project = tmp_path / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("reports", "interim"))
    client = project / "config" / "clients" / "demo.yaml"
    client.write_text(client.read_text(encoding="utf-8")
                      + "\nrun:\n  engine_min_checks: 0\n  memory_limit: 300MiB\n", encoding="utf-8")
    result = run_client(project, "demo", only=["data_quality", "rfm"], progress=False)
    assert result.status == "complete", result.error
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["run"]["memory_limit"] == "300MiB"
    out_of_core = json.loads((result.bundle / "kpis.json").read_text(encoding="utf-8"))
    assert out_of_core["rfm"] == kpis["rfm"]  # bit for bit: the same sums in the same order
    assert out_of_core["data_quality"] == kpis["data_quality"]
    assert list((project / "data").rglob(f"{BUCKETS}/customer_bucket=*"))  # it did go through buckets
    for table in ("rfm_segments", "rfm_migration_matrix", "rfm_customer_segments", "quality_inputs",
                  "quality_missing_values"):
        pd.testing.assert_frame_equal(pd.read_excel(result.bundle / "tables.xlsx", sheet_name=table),
                                      pd.read_excel(in_memory.bundle / "tables.xlsx", sheet_name=table))

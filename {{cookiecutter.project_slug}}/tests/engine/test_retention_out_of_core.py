"""Through `run`: the sample client's retention section computed out of memory (its checks bucketed
by customer into several buckets, under a 300 MiB memory limit) writes the same kpis.json block and
the same tables as the in-memory run."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from {{ cookiecutter.package_name }}.engine import buckets
from {{ cookiecutter.package_name }}.engine.customers import BUCKETS
from {{ cookiecutter.package_name }}.run.runner import run_client

BUCKET_COUNT = 5  # the sample's checks would make one bucket: several, so that parts are combined
SHEETS = {"cohorts_customers_members", "cohorts_customers_non_members", "cohorts_revenue_members",
          "cohorts_revenue_non_members", "retention_monthly", "retention_by_group", "retention_before_after"}


def test_retention_out_of_core_equals_the_in_memory_run(sample_project, demo_run, tmp_path, monkeypatch):
    source, _ = sample_project
    in_memory, kpis, _ = demo_run
    project = tmp_path / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("reports", "interim"))
    client = project / "config" / "clients" / "demo.yaml"
    client.write_text(client.read_text(encoding="utf-8")
                      + "\nrun:\n  engine_min_checks: 0\n  memory_limit: 300MiB\n", encoding="utf-8")
    # the runner buckets the checks in this process; the section's kernel reuses those buckets
    monkeypatch.setattr(buckets, "bucket_count", lambda checks, rows_per_bucket=0: BUCKET_COUNT)
    result = run_client(project, "demo", only=["retention"], progress=False)
    assert result.status == "complete", result.error
    folders = list((project / "data").rglob(f"{BUCKETS}/customer_bucket=*"))
    assert len(folders) == BUCKET_COUNT  # it did go through buckets, several of them
    out_of_core = json.loads((result.bundle / "kpis.json").read_text(encoding="utf-8"))
    # bit for bit: counts of customers, and per-member rows summed in the same order
    assert out_of_core["retention"] == kpis["retention"]
    # the section's sheets (besides them, the workbook's contents, which lists the sections run)
    assert set(pd.ExcelFile(result.bundle / "tables.xlsx").sheet_names) == {"contents", *SHEETS}
    for sheet in sorted(SHEETS):
        got = pd.read_excel(result.bundle / "tables.xlsx", sheet_name=sheet)
        expected = pd.read_excel(in_memory.bundle / "tables.xlsx", sheet_name=sheet)
        # a revenue cohort cell sums the checks of many customers, bucket by bucket: partial sums added
        # in another order may differ in the last bits; every other table is exact
        exact = not sheet.startswith("cohorts_revenue")
        pd.testing.assert_frame_equal(got, expected, check_exact=exact, rtol=1e-9, obj=sheet)

"""The sample client run once through `run` with every section computed out of core (its checks
described chunk by chunk and bucketed by customer into several buckets, under a memory limit far below
what the whole run would take in memory: one kernel, DuckDB within 150 MiB): the `runs` fixture that the
tests comparing it with the in-memory run (`demo_run`) share."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pytest

from {{ cookiecutter.package_name }}.engine import buckets
from {{ cookiecutter.package_name }}.engine.customers import BUCKETS
from {{ cookiecutter.package_name }}.run.runner import run_client

SECTIONS = ["data_quality", "program", "rfm", "retention", "clv", "uplift"]
BUCKET_COUNT = 5  # the sample's checks would make one bucket: several, so that parts are combined


@pytest.fixture(scope="package")  # one run for every test module here
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

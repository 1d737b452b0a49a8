"""The notebook context outside a run (as in JupyterLab) and the recording helpers."""

import json

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.context import PARTS, RunContext, open_run


def test_interactive_demo_makes_its_sample_data_and_reads_cached_tables(project):
    ctx = open_run("demo", "", project_dir=str(project))
    assert (project / "data" / "raw" / "demo" / "truth.json").is_file()
    assert ctx.interactive and ctx.client == "demo"
    transactions = ctx.table("transactions")
    assert {"date", "amount", "customer_id"} <= set(transactions.columns)
    assert ctx.table("customers")["has_email"].dtype == bool
    again = open_run("demo", "", project_dir=str(project))
    assert again.prepared.reused  # the second session reads the cache, no re-parsing


def test_record_writes_plain_json_into_the_run(tmp_path):
    (tmp_path / PARTS).mkdir()
    ctx = RunContext({"client": "x", "language": "en"}, tmp_path, ("2024-01-01", "2024-12-31"), tmp_path)
    ctx.record("demo_section", {"share": np.float64(0.25), "count": np.int64(3), "missing": np.nan,
                                "nested": {"when": pd.Timestamp("2024-05-01"), "flag": np.bool_(True)}})
    written = json.loads((tmp_path / PARTS / "kpis" / "demo_section.json").read_text())
    assert written == {"share": 0.25, "count": 3, "missing": None,
                       "nested": {"when": "2024-05-01T00:00:00", "flag": True}}

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


def test_long_tables_go_to_csv_exports_not_the_workbook(tmp_path):
    """A per-customer list longer than report.xlsx_max_rows is written to exports/<name>.csv (UTF-8 with
    BOM) and named in the contents sheet; short tables stay sheets."""

    from {{ cookiecutter.package_name }}.context import PARTS
    from {{ cookiecutter.package_name }}.report import write_tables_xlsx

    folder = tmp_path / PARTS / "tables"
    folder.mkdir(parents=True)
    tables = {"segments": pd.DataFrame({"segment": ["Champions", "Lost"], "customers": [3, 5]}),
              "customers": pd.DataFrame({"customer_id": [f"C{i}" for i in range(12)], "clv": range(12)})}
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet")
        (folder / f"{name}.json").write_text(json.dumps({"caption": f"{name} table"}), encoding="utf-8")
    target = write_tables_xlsx(tmp_path, "en", max_rows=10)
    sheets = pd.read_excel(target, sheet_name=None)
    assert set(sheets) == {"contents", "segments"}
    assert sheets["contents"].to_dict("list") == {"sheet": ["exports/customers.csv", "segments"],
                                                  "caption": ["customers table", "segments table"]}
    raw = (tmp_path / "exports" / "customers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(tmp_path / "exports" / "customers.csv", encoding="utf-8-sig").equals(
        tables["customers"])

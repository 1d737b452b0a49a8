"""The notebook context outside a run (as in JupyterLab) and the recording helpers."""

import json

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import load_config, write_config
from {{ cookiecutter.package_name }}.engine.budget import available_cores
from {{ cookiecutter.package_name }}.run.context import PARTS, RUN_FILE, RunContext, _figure_png, open_run


def test_interactive_demo_makes_its_sample_data_and_reads_cached_tables(project):
    ctx = open_run("demo", "", project_dir=str(project))
    assert (project / "data" / "raw" / "demo" / "truth.json").is_file()
    assert ctx.interactive and ctx.client == "demo"
    transactions = ctx.table("transactions")
    assert {"date", "amount", "customer_id"} <= set(transactions.columns)
    assert ctx.table("customers")["has_email"].dtype == bool
    again = open_run("demo", "", project_dir=str(project))
    assert again.prepared.reused  # the second session reads the cache, no re-parsing


def test_a_notebook_of_a_run_uses_the_cores_the_runner_gave_its_kernel(project, tmp_path):
    """The runner writes each kernel's share of the cores in run.json (`threads`); a run written
    before it had none (one core); opened in Lab, all the cores this process may use."""
    (tmp_path / PARTS).mkdir()
    write_config(load_config(project, "demo"), tmp_path / PARTS / "config.json")
    run = {"client": "demo", "run_id": "r", "cache_dir": str(tmp_path),
           "period": ["2024-01-01", "2024-12-31"]}
    (tmp_path / PARTS / RUN_FILE).write_text(json.dumps({**run, "threads": 3}))
    assert open_run("demo", str(tmp_path)).threads == 3
    (tmp_path / PARTS / RUN_FILE).write_text(json.dumps(run))
    assert open_run("demo", str(tmp_path)).threads == 1
    assert open_run("demo", "", project_dir=str(project)).threads == available_cores()


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

    from {{ cookiecutter.package_name }}.report.xlsx import write_tables_xlsx

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


def test_tables_are_copies_that_do_not_change_the_cache(tmp_path):
    pd.DataFrame({"amount": [1.0, 2.0]}).to_parquet(tmp_path / "transactions.parquet")
    ctx = RunContext({"client": "x", "language": "en"}, tmp_path, ("2024-01-01", "2024-12-31"), None)
    first = ctx.table("transactions")
    first.loc[0, "amount"] = 99.0
    first["extra"] = 1
    again = ctx.table("transactions")
    assert again["amount"].tolist() == [1.0, 2.0] and "extra" not in again
    assert ctx.table("points") is None


def test_a_table_read_in_part_has_the_columns_asked_that_it_has_and_its_kinds_as_categories(tmp_path):
    ledger = pd.DataFrame({"customer_id": ["a", "b", "a"], "date": pd.to_datetime(["2024-01-02"] * 3),
                           "kind": ["accrual", "redemption", "accrual"], "points": [10.0, -4.0, 2.0]})
    ledger.to_parquet(tmp_path / "points.parquet")
    ctx = RunContext({"client": "x", "language": "en"}, tmp_path, ("2024-01-01", "2024-12-31"), None)
    part = ctx.table("points", ("date", "kind", "points", "no_such_column"), categories=("kind",))
    assert list(part.columns) == ["date", "kind", "points"]
    assert isinstance(part["kind"].dtype, pd.CategoricalDtype)
    assert part["kind"].astype(str).tolist() == ["accrual", "redemption", "accrual"]
    assert part["points"].tolist() == [10.0, -4.0, 2.0]
    whole = ctx.table("points")  # the whole table is not the part read before
    assert list(whole.columns) == list(ledger.columns)
    assert not isinstance(whole["kind"].dtype, pd.CategoricalDtype)
    assert ctx.table("nps", ("date",)) is None


def test_figures_are_drawn_once_into_the_image_savefig_makes():
    """_figure_png lays out a figure with a layout engine (or measures its tight bounding box) itself
    and draws it once, with date ticks fixed: the image of savefig(bbox_inches="tight" or layout)."""
    import io

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from PIL import Image

    months = pd.date_range("2023-01-01", periods=24, freq="MS")

    def constrained():
        figure = Figure(figsize=(8, 5), layout="constrained")
        top, bottom = figure.subplots(2)
        top.plot(months, np.arange(24), marker="o", label="checks")
        top.legend()
        top.set_title("Checks per month")
        bottom.bar(months, np.arange(24.0) * 1000, width=20)
        bottom.set_ylabel("money")
        return figure

    def cropped():
        figure, axes = plt.subplots(figsize=(6, 3))
        axes.plot(months, np.linspace(0, 1, 24))
        axes.set_ylabel("share")
        axes.tick_params(axis="x", rotation=90)
        return figure

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    for build, bbox in ((constrained, None), (cropped, "tight")):
        buffer = io.BytesIO()
        figure = build()
        figure.savefig(buffer, format="png", dpi=110, bbox_inches=bbox)
        plt.close(figure)
        figure = build()
        drawn = pixels(_figure_png(figure))
        plt.close(figure)
        expected = pixels(buffer.getvalue())
        assert drawn.shape == expected.shape
        assert np.mean(np.any(drawn != expected, axis=2)) < 0.001  # the same image

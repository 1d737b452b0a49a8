"""End to end: sample data -> every notebook -> a complete bundle whose numbers match the planted truth."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from openpyxl import load_workbook

from {{ cookiecutter.package_name }}.engine.budget import available_cores
from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.run import runner
from {{ cookiecutter.package_name }}.run.context import PARTS, RUN_FILE
from {{ cookiecutter.package_name }}.run.runner import latest_bundle, notebooks_of, run_client
from {{ cookiecutter.package_name }}.sections.registry import Section

pytestmark = pytest.mark.slow


def copy_of(source, target):
    """A fresh project with the same config, notebooks and raw data (no cache, no reports)."""
    for part in ("config", "notebooks", "data/raw"):
        shutil.copytree(source / part, target / part)
    return target


def test_bundle_is_complete_with_every_output(demo_run, sample_project):
    result, kpis, _ = demo_run
    project, _ = sample_project
    bundle = result.bundle
    assert bundle.parent == project / "reports" / "demo" and bundle.name == result.run_id
    for name in ("index.html", "kpis.json", "tables.xlsx", "manifest.json"):
        assert (bundle / name).is_file(), name
    assert sorted(p.name for p in (bundle / "notebooks").iterdir()) == \
        [nb.name for nb in notebooks_of(project)]
    assert list((bundle / "figures").glob("*.png"))
    assert not (bundle / ".parts").exists()
    assert not list((project / "reports" / "demo").glob(".*"))
    assert latest_bundle(project, "demo") == bundle


def test_manifest_records_statuses_inputs_and_versions(demo_run, sample_project):
    result, _, _ = demo_run
    project, _ = sample_project
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["error"] is None
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"] * len(notebooks_of(project))
    assert all(n["seconds"] > 0 for n in manifest["notebooks"])
    for table, meta in manifest["inputs"].items():
        data = (project / meta["path"]).read_bytes()
        assert meta["sha256"] == hashlib.sha256(data).hexdigest(), table
    assert manifest["versions"]["pandas"] == pd.__version__
    assert manifest["parameters"]["program"]["launch_date"] == "2024-01-01"


def test_data_quality_kpis_match_the_truth(demo_run):
    _, kpis, truth = demo_run
    quality, realised = kpis["data_quality"], truth["realised"]
    assert quality["rows"] == realised["rows"]
    dirt = realised["dirt"]
    assert dirt["duplicates"] > 0 and dirt["future_dated"] > 0
    assert quality["rejected_rows"] == dirt["duplicates"] + dirt["future_dated"]
    for field in ("email", "phone", "name"):
        assert quality["completeness"][field] == pytest.approx(realised["completeness"][field], abs=1e-12)
    assert kpis["meta"]["period"] == {"start": "2023-01-01", "end": "2024-12-31"}


def test_no_personal_data_in_the_bundle_or_the_cache(demo_run, sample_project):
    result, _, _ = demo_run
    project, _ = sample_project
    customers = pd.read_csv(project / "data" / "raw" / "demo" / "customers.csv", sep=";", dtype=str)
    secrets = set()
    for column in ("email", "phone", "last_name"):
        secrets |= set(customers[column].dropna())
    assert len(secrets) > 100

    def texts():
        for folder in (result.bundle, project / "data" / "interim" / "demo"):
            for path in folder.rglob("*"):
                if path.suffix == ".xlsx":
                    with zipfile.ZipFile(path) as archive:
                        yield path, " ".join(archive.read(n).decode("utf-8", "replace")
                                             for n in archive.namelist())
                elif path.is_file():
                    yield path, path.read_bytes().decode("utf-8", "replace")

    for path, text in texts():
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path} contains {leaked[:3]}"


def test_report_shows_every_section_offline(demo_run, sample_project):
    result, _, _ = demo_run
    project, _ = sample_project
    page = (result.bundle / "index.html").read_text(encoding="utf-8")
    assert "Data quality" in page and "Demo Retail" in page
    assert "data:image/png;base64," in page
    assert "http://" not in page and "https://" not in page  # nothing is fetched from outside
    assert page.count("<section") == len(notebooks_of(project))
    assert "import " not in page  # no code cells


def test_only_reruns_one_section_into_a_new_bundle(demo_run, sample_project):
    project, _ = sample_project
    result = run_client(project, "demo", only=["data_quality"], progress=False)
    assert result.status == "complete"
    assert result.bundle != demo_run[0].bundle
    assert [p.name for p in (result.bundle / "notebooks").iterdir()] == ["00_data_quality.ipynb"]
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["only"] == ["data_quality"]


def test_a_failing_notebook_fails_the_run_and_leaves_no_complete_bundle(sample_project, tmp_path):
    source, _ = sample_project
    project = copy_of(source, tmp_path / "p")
    broken = json.loads((project / "notebooks" / "00_data_quality.ipynb").read_text(encoding="utf-8"))
    broken["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                            "source": ["raise RuntimeError('planted failure')"]})
    (project / "notebooks" / "00_data_quality.ipynb").write_text(json.dumps(broken), encoding="utf-8")
    result = run_client(project, "demo", only=["data_quality"], progress=False)
    assert result.status == "failed"
    assert "RuntimeError: planted failure" in result.error
    assert result.bundle.name == f"{result.run_id}.failed"
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["notebooks"][0]["status"] == "failed"
    executed = (result.bundle / "notebooks" / "00_data_quality.ipynb").read_text(encoding="utf-8")
    assert "planted failure" in executed  # kept for debugging, with the error in its cell
    assert not (result.bundle / "index.html").exists()
    assert latest_bundle(project, "demo") is None


def test_bad_input_stops_before_any_bundle_and_leaves_the_input_untouched(sample_project, tmp_path):
    source, _ = sample_project
    project = copy_of(source, tmp_path / "p")
    checks = project / "data" / "raw" / "demo" / "transactions.csv"
    lines = checks.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b".20", b"/20", 1)  # 05.03.2023 -> 05.03/2023
    checks.write_bytes(b"\n".join(lines))
    before = hashlib.sha256(checks.read_bytes()).hexdigest()
    with pytest.raises(DataError) as error:
        run_client(project, "demo", progress=False)
    assert error.value.column == "date" and "transactions.csv" in str(error.value)
    assert "/20" in str(error.value.examples[0])
    assert not (project / "reports").exists()
    assert hashlib.sha256(checks.read_bytes()).hexdigest() == before


def test_notebooks_run_interactively_with_their_default_parameters(demo_run, sample_project, tmp_path):
    """As in JupyterLab: no run_dir, the parameters cell's defaults, tables read from the cache."""
    import papermill as pm

    from {{ cookiecutter.package_name }}.run.kernels import ensure_kernel

    project, _ = sample_project
    for notebook in notebooks_of(project):
        pm.execute_notebook(str(notebook), str(tmp_path / notebook.name), kernel_name=ensure_kernel(),
                            cwd=str(notebook.parent), progress_bar=False)
    assert not list((project / "reports" / "demo").glob("*interactive*"))


def _tiny_notebooks(project, count: int, monkeypatch, failing: dict[int, str] | None = None,
                    costs: tuple[float, ...] = ()) -> None:
    """Replace the project's notebooks by `count` small ones, registered as the only sections (with
    `costs`, else 1.0), that note their kernel's pid in the bundle, record a kpis block and check
    that no other notebook's variable is left; notebook k of `failing` then raises ("raise") or kills
    its kernel ("exit")."""
    failing = failing or {}
    costs = costs or (1.0,) * count
    sections = [Section(f"step{k}", k, f"step{k}", run=lambda ctx: None, cost=costs[k]) for k in range(count)]
    monkeypatch.setattr(runner, "registered", lambda: sections)
    folder = project / "notebooks"
    for old in folder.glob("*.ipynb"):
        old.unlink()
    endings = {"raise": "raise RuntimeError('planted failure')\n", "exit": "os._exit(1)\n"}
    for k in range(count):
        code = ("import os, time\n"
                "from {{ cookiecutter.package_name }}.run.context import open_run\n"
                "assert 'left_over' not in dir(), 'a namespace was not cleared'\n"
                "left_over = 1\n"
                f"open(os.path.join(run_dir, 'pid-{k}.txt'), 'w').write(str(os.getpid()))\n"
                f"open_run(client, run_dir).record('step{k}', dict(k={k}))\n"
                "time.sleep(1)\n" + endings.get(failing.get(k, ""), ""))
        parameters = new_code_cell('client = "demo"\nrun_dir = ""', metadata={"tags": ["parameters"]})
        heading = new_markdown_cell(f"# Step {k}")
        nb = new_notebook(cells=[heading, parameters, new_code_cell(code)],
                          metadata={"language_info": {"name": "python"}})
        nbformat.write(nb, folder / f"{k:02d}_step{k}.ipynb")


def test_notebooks_run_side_by_side_in_two_kernels(sample_project, tmp_path, monkeypatch):
    source, _ = sample_project
    project = copy_of(source, tmp_path / "p")
    _tiny_notebooks(project, 5, monkeypatch)
    alive_at_report = []
    build_report = runner._Run.report

    def report(run):  # which kernels still live while the report is built
        pids = {int((run.staging / f"pid-{k}.txt").read_text()) for k in range(5)}
        alive_at_report.extend(pid for pid in pids if psutil.pid_exists(pid)
                               and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
        return build_report(run)

    monkeypatch.setattr(runner._Run, "report", report)
    result = run_client(project, "demo", progress=False, kernels=2)
    assert result.status == "complete", result.error
    pids = [(result.bundle / f"pid-{k}.txt").read_text() for k in range(5)]
    assert len(set(pids)) == 2  # two kernels, each reused (namespaces cleared: asserted in the cells)
    assert alive_at_report == []  # shut down before the report: a big client's kernel holds GiBs
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"] * 5
    assert "class=\"partial\"" not in (result.bundle / "index.html").read_text(encoding="utf-8")


def test_kernels_side_by_side_take_the_longest_notebooks_first(sample_project, tmp_path, monkeypatch):
    """Two kernels start the two costliest sections first (`Section.cost`); the bundle keeps the
    run order; each kernel is given half the cores (run.json)."""
    source, _ = sample_project
    project = copy_of(source, tmp_path / "p")
    _tiny_notebooks(project, 4, monkeypatch, costs=(0.1, 0.5, 0.2, 1.0))
    started, threads, staging = [], [], []

    def seen(kind: str, details: dict) -> None:
        if kind == "staging":
            staging.append(Path(details["staging"]))
        if kind == "notebook":
            started.append(details["notebook"])
            run = json.loads((staging[0] / PARTS / RUN_FILE).read_text(encoding="utf-8"))
            threads.append(run["threads"])

    result = run_client(project, "demo", progress=False, kernels=2, on_event=seen)
    assert result.status == "complete", result.error
    assert threads == [max(1, available_cores() // 2)] * 4
    assert set(started[:2]) == {"03_step3.ipynb", "01_step1.ipynb"}
    assert set(started[2:]) == {"02_step2.ipynb", "00_step0.ipynb"}
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert [n["notebook"] for n in manifest["notebooks"]] == [f"{k:02d}_step{k}.ipynb" for k in range(4)]


def test_a_failing_section_never_costs_the_others(sample_project, tmp_path, monkeypatch):
    """Notebook 0 raises, notebook 3 kills its kernel: every other notebook still runs (in a new kernel
    after the crash) and the bundle is published as partial, atomically, with both errors shown."""
    source, _ = sample_project
    project = copy_of(source, tmp_path / "p")
    _tiny_notebooks(project, 6, monkeypatch, failing={0: "raise", 3: "exit"})
    result = run_client(project, "demo", progress=False, kernels=2)
    assert result.status == "partial", result.error
    assert [n.status for n in result.notebooks] == ["failed", "ok", "ok", "failed", "ok", "ok"]
    assert result.error == ("00_step0.ipynb: RuntimeError: planted failure; "
                            "03_step3.ipynb: DeadKernelError: Kernel died")
    bundle = result.bundle
    assert bundle.name == result.run_id and latest_bundle(project, "demo") == bundle
    assert not (bundle / ".parts").exists() and not list(bundle.parent.glob(".*"))
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "partial" and manifest["error"] == result.error
    assert [n["status"] for n in manifest["notebooks"]] == [n.status for n in result.notebooks]
    kpis = json.loads((bundle / "kpis.json").read_text(encoding="utf-8"))
    assert [kpis[f"step{k}"] for k in range(6)] == [None, {"k": 1}, {"k": 2}, None, {"k": 4}, {"k": 5}]
    assert kpis["meta"]["failed_sections"] == ["step0", "step3"]
    page = (bundle / "index.html").read_text(encoding="utf-8")
    assert "This report is partial: sections “Step 0”, “Step 3” failed." in page
    assert "<pre class='error'>RuntimeError: planted failure</pre>" in page
    assert "Traceback" not in page
    assert page.count("<section") == 6
    executed = nbformat.read(bundle / "notebooks" / "00_step0.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in executed.cells for o in c.get("outputs", []))


def test_a_real_section_failing_leaves_the_others_in_a_partial_bundle(sample_project, tmp_path):
    """The real data-quality and RFM notebooks, RFM made to fail after it recorded its kpis: `run`
    exits 3, the bundle is published as partial with data quality's true numbers, rfm null."""
    from {{ cookiecutter.package_name }}.cli import EXIT_PARTIAL, main

    source, truth = sample_project
    project = copy_of(source, tmp_path / "p")
    rfm = project / "notebooks" / "20_rfm.ipynb"
    broken = nbformat.read(rfm, as_version=4)
    broken.cells.append(new_code_cell("raise ValueError('rfm.bins must be at least 2, got 1')"))
    nbformat.write(broken, rfm)
    code = main(["--project", str(project), "run", "--client", "demo", "--only", "data_quality", "rfm",
                 "--quiet"])
    assert code == EXIT_PARTIAL
    bundle = latest_bundle(project, "demo")
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "partial"
    assert [(n["notebook"], n["status"]) for n in manifest["notebooks"]] == [
        ("00_data_quality.ipynb", "ok"), ("20_rfm.ipynb", "failed")]
    kpis = json.loads((bundle / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["rfm"] is None and kpis["meta"]["failed_sections"] == ["rfm"]
    assert kpis["data_quality"]["rows"] == truth["realised"]["rows"]
    page = (bundle / "index.html").read_text(encoding="utf-8")
    assert "This report is partial: section “RFM segments” failed." in page
    assert "<pre class='error'>ValueError: rfm.bins must be at least 2, got 1</pre>" in page
    assert "Data quality" in page and "data:image/png;base64," in page  # the other section whole
    assert "Traceback" not in page
    executed = (bundle / "notebooks" / "20_rfm.ipynb").read_text(encoding="utf-8")
    assert "rfm.bins must be at least 2" in executed  # kept, with the failing cell
    assert "rfm_segments" in executed and "rfm_rf_heatmap" in executed  # what it showed before failing
    # ... is in its notebook only: not in the workbook or the figures, as its kpis are not published
    sheets = load_workbook(bundle / "tables.xlsx", read_only=True).sheetnames
    assert "quality_inputs" in sheets and not [s for s in sheets if s.startswith("rfm")]
    figures = sorted(p.name for p in (bundle / "figures").glob("*.png"))
    assert figures and not [f for f in figures if f.startswith("rfm")], figures

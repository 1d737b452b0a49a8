"""End to end: sample data -> every notebook -> a complete bundle whose numbers match the planted truth."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from {{ cookiecutter.package_name }}.ingest.errors import DataError
from {{ cookiecutter.package_name }}.run import runner
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
    assert not list((project / "reports" / "demo").glob(".*partial"))
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


def _tiny_notebooks(project, count: int, monkeypatch, failing: int | None = None) -> None:
    """Replace the project's notebooks by `count` small ones, registered as the only sections, that
    note their kernel's pid in the bundle and check that no other notebook's variable is left;
    notebook `failing` raises."""
    sections = [Section(f"step{k}", k, f"step{k}", run=lambda ctx: None) for k in range(count)]
    monkeypatch.setattr(runner, "registered", lambda: sections)
    folder = project / "notebooks"
    for old in folder.glob("*.ipynb"):
        old.unlink()
    for k in range(count):
        code = ("import os, time\n"
                "assert 'left_over' not in dir(), 'a namespace was not cleared'\n"
                "left_over = 1\n"
                f"open(os.path.join(run_dir, 'pid-{k}.txt'), 'w').write(str(os.getpid()))\n"
                "time.sleep(1)\n" + ("raise RuntimeError('planted failure')\n" if k == failing else ""))
        parameters = new_code_cell('client = "demo"\nrun_dir = ""', metadata={"tags": ["parameters"]})
        nb = new_notebook(cells=[parameters, new_code_cell(code)],
                          metadata={"language_info": {"name": "python"}})
        nbformat.write(nb, folder / f"{k:02d}_step{k}.ipynb")


def test_notebooks_run_side_by_side_in_two_kernels(sample_project, tmp_path, monkeypatch):
    source, _ = sample_project
    project = copy_of(source, tmp_path / "p")
    _tiny_notebooks(project, 5, monkeypatch)
    result = run_client(project, "demo", progress=False, kernels=2)
    assert result.status == "complete", result.error
    pids = [(result.bundle / f"pid-{k}.txt").read_text() for k in range(5)]
    assert len(set(pids)) == 2  # two kernels, each reused (namespaces cleared: asserted in the cells)
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"] * 5


def test_a_failure_in_one_kernel_stops_new_notebooks_in_the_other(sample_project, tmp_path, monkeypatch):
    source, _ = sample_project
    project = copy_of(source, tmp_path / "p")
    _tiny_notebooks(project, 6, monkeypatch, failing=0)
    result = run_client(project, "demo", progress=False, kernels=2)
    assert result.status == "failed" and "planted failure" in result.error
    assert result.bundle.name == f"{result.run_id}.failed"
    statuses = [n.status for n in result.notebooks]
    assert statuses[0] == "failed"
    # the other kernel finishes the notebook it is running; nothing new starts after the failure
    assert statuses.count("not run") >= 3, statuses
    assert not (result.bundle / "index.html").exists()

"""A batch with a client whose section fails: the client is partial in the summary (its bundle
published), the exit status says not every client passed, and --resume re-runs it while skipping the
complete one.

Two small clients (300 customers); the data-quality and RFM notebooks are replaced by tiny ones so the
batch stays fast (each client is still a child process with its own kernel and a real report step);
the RFM one fails for the client `flaky` only.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from {{ cookiecutter.package_name }} import synthetic
from {{ cookiecutter.package_name }}.cli import EXIT_PARTIAL, main
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.run.batch import BATCH_FOLDER, up_to_date_bundle

from ..conftest import PROJECT, write_client

pytestmark = pytest.mark.slow

ONLY = ("data_quality", "rfm")


def tiny(path: Path, title: str, code: str) -> None:
    parameters = new_code_cell('client = "demo"\nrun_dir = ""', metadata={"tags": ["parameters"]})
    nbformat.write(new_notebook(cells=[new_markdown_cell(f"# {title}"), parameters, new_code_cell(code)],
                                metadata={"language_info": {"name": "python"}}), path)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("partial")
    shutil.copytree(PROJECT / "config", project / "config")
    shutil.copytree(PROJECT / "notebooks", project / "notebooks")
    (project / "config" / "clients" / "demo.yaml").unlink()
    demo = (PROJECT / "config" / "clients" / "demo.yaml").read_text(encoding="utf-8")
    for seed, name in enumerate(("steady", "flaky"), start=1):
        synthetic.generate(project / "data" / "raw" / name, n_customers=300, seed=seed)
        write_client(project, name, demo.replace("data/raw/demo/", f"data/raw/{name}/")
                     + "report:\n  pdf: false\n")
    tiny(project / "notebooks" / "00_data_quality.ipynb", "Data quality", "print('fine')")
    tiny(project / "notebooks" / "20_rfm.ipynb", "RFM segments",
         "if client == 'flaky':\n    raise KeyError('checks')")
    return project


def batch(project: Path, *args: str) -> tuple[int, dict[str, dict[str, str]], Path]:
    before = set((project / "reports" / BATCH_FOLDER).glob("*"))
    with redirect_stdout(io.StringIO()):
        code = main(["--project", str(project), "batch", "--only", *ONLY, "--quiet", *args])
    (folder,) = set((project / "reports" / BATCH_FOLDER).glob("*")) - before
    with open(folder / "summary.csv", encoding="utf-8") as handle:
        return code, {row["client"]: row for row in csv.DictReader(handle)}, folder


def test_a_partial_client_is_reported_partial_and_resume_reruns_it(project):
    code, rows, folder = batch(project, "--workers", "2")
    assert code == EXIT_PARTIAL
    assert rows["steady"]["status"] == "complete"
    assert rows["flaky"]["status"] == "partial"
    assert rows["flaky"]["error"] == "20_rfm.ipynb: KeyError: 'checks'"
    bundle = project / rows["flaky"]["bundle"]
    assert not bundle.name.endswith(".failed") and (bundle / "index.html").is_file()
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "partial"
    page = (folder / "summary.html").read_text(encoding="utf-8")
    assert "1 complete, 1 partial, 0 skipped (up to date), 0 failed" in page
    assert '<tr class="partial"><td>flaky</td><td>partial</td>' in page
    log = (folder / "batch.log").read_text(encoding="utf-8")
    assert "[flaky] PARTIAL" in log and "0 failed" in log

    steady = project / rows["steady"]["bundle"]
    assert up_to_date_bundle(project, "steady", load_config(project, "steady"), ONLY) == steady
    assert up_to_date_bundle(project, "flaky", load_config(project, "flaky"), ONLY) is None

    code, again, _ = batch(project, "--resume")
    assert again["steady"]["status"] == "skipped" and project / again["steady"]["bundle"] == steady
    assert again["flaky"]["status"] == "partial"  # re-run (it fails again: the notebook is unchanged)
    assert again["flaky"]["bundle"] != rows["flaky"]["bundle"]
    assert code == EXIT_PARTIAL

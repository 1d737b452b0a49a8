"""Batch runs: parallel clients, failures and hung kernels isolated, summary, --resume, Dask.

Four small sample clients (300 customers, data-quality section only, to stay fast):
alpha and beta are fine; broken's check file lost its amount column; hangs uses a Jupyter kernel that
never answers (it sleeps, like a hung kernel) with a 5-second limit per notebook.
The --resume batch runs on a Dask LocalCluster (threads, in this process).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import sys
import threading
import time
from contextlib import redirect_stdout
from pathlib import Path

import psutil
import pytest

from {{ cookiecutter.package_name }} import synthetic
from {{ cookiecutter.package_name }}.cli import EXIT_BAD_INPUT, EXIT_FAILED, main
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.run.batch import BATCH_FOLDER, BatchOptions, run_batch, up_to_date_bundle

from ..conftest import PROJECT, write_client

pytestmark = pytest.mark.slow

SECTION = "data_quality"
HANG_TIMEOUT = 5
SLEEPER = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"


@pytest.fixture(scope="module")
def batch_project(tmp_path_factory: pytest.TempPathFactory):
    """A project with the four clients and a 'sleeper' kernelspec found through JUPYTER_PATH."""
    project = tmp_path_factory.mktemp("batch")
    shutil.copytree(PROJECT / "config", project / "config")
    shutil.copytree(PROJECT / "notebooks", project / "notebooks")
    (project / "config" / "clients" / "demo.yaml").unlink()
    demo = (PROJECT / "config" / "clients" / "demo.yaml").read_text(encoding="utf-8")
    for seed, name in enumerate(("alpha", "beta", "broken"), start=1):
        synthetic.generate(project / "data" / "raw" / name, n_customers=300, seed=seed)
        write_client(project, name, demo.replace("data/raw/demo/", f"data/raw/{name}/"))
    checks = project / "data" / "raw" / "broken" / "transactions.csv"
    checks.write_bytes(checks.read_bytes().decode("cp1251").replace("Сумма", "Итого").encode("cp1251"))
    write_client(project, "hangs", demo.replace("data/raw/demo/", "data/raw/beta/")
                 + f"run:\n  kernel_name: sleeper\n  notebook_timeout: {HANG_TIMEOUT}\n")

    spec = project / "jupyter" / "kernels" / "sleeper"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", SLEEPER, str(project / "sleeper.pid"), "{connection_file}"],
        "display_name": "a kernel that never answers", "language": "python",
    }), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(project / "jupyter"))
        yield project


def batch_via_cli(project: Path, *args: str) -> tuple[int, str, Path]:
    """Exit code, printed summary and folder of a `batch` run through the command line."""
    before = set((project / "reports" / BATCH_FOLDER).glob("*"))
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["--project", str(project), "batch", "--only", SECTION, *args])
    (folder,) = set((project / "reports" / BATCH_FOLDER).glob("*")) - before
    return code, out.getvalue(), folder


def summary(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "summary.csv", encoding="utf-8") as handle:
        return {row["client"]: row for row in csv.DictReader(handle)}


def bundles(project: Path, client: str) -> list[Path]:
    return sorted((project / "reports" / client).glob("[0-9]*"))


def assert_dead(pid: int) -> None:
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return
        time.sleep(0.1)
    assert not psutil.pid_exists(pid), f"process {pid} still alive"


@pytest.fixture(scope="module")
def first_batch(batch_project):
    started = time.perf_counter()
    code, printed, folder = batch_via_cli(batch_project, "--workers", "3")
    return code, printed, folder, time.perf_counter() - started


def test_failures_are_isolated_and_reported(batch_project, first_batch):
    code, printed, folder, seconds = first_batch
    rows = summary(folder)
    assert list(rows) == ["alpha", "beta", "broken", "hangs"]
    for client in ("alpha", "beta"):
        assert rows[client]["status"] == "complete", rows[client]
        bundle = batch_project / rows[client]["bundle"]
        assert (bundle / "index.html").is_file()
        manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "complete"
        assert [n["notebook"] for n in manifest["notebooks"]] == ["00_data_quality.ipynb"]
    assert rows["broken"]["status"] == "failed"
    assert rows["broken"]["error"].startswith("DataError") and "amount" in rows["broken"]["error"]
    assert rows["broken"]["bundle"] == ""  # refused before anything was written
    assert rows["hangs"]["status"] == "failed"
    assert rows["hangs"]["error"].startswith(
        f"timeout: 00_data_quality.ipynb took longer than {HANG_TIMEOUT} s")
    assert HANG_TIMEOUT <= float(rows["hangs"]["seconds"]) < HANG_TIMEOUT + 30
    # the hung kernel was killed, and its partial bundle is kept as failed with the reason
    assert_dead(int((batch_project / "sleeper.pid").read_text()))
    failed = batch_project / rows["hangs"]["bundle"]
    assert failed.name.endswith(".failed")
    manifest = json.loads((failed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["error"] == rows["hangs"]["error"]
    assert not list((batch_project / "reports" / "hangs").glob(".*"))
    assert code == EXIT_FAILED
    for client in rows:
        assert client in printed
    assert "took longer than" in printed
    page = (folder / "summary.html").read_text(encoding="utf-8")
    assert "2 complete, 0 partial, 0 skipped (up to date), 2 failed" in page
    assert f'href="../../alpha/{Path(rows["alpha"]["bundle"]).name}/index.html"' in page
    log = (folder / "batch.log").read_text(encoding="utf-8")
    for line in ("[alpha] 00_data_quality.ipynb (1/1) started", "[beta] 00_data_quality.ipynb: ok in",
                 "[broken] FAILED", "[hangs] FAILED"):
        assert line in log
    print(f"first batch: {seconds:.1f} s")


def test_resume_skips_up_to_date_bundles(batch_project, first_batch):
    config = load_config(batch_project, "alpha")
    bundle = up_to_date_bundle(batch_project, "alpha", config, [SECTION])
    assert bundle == bundles(batch_project, "alpha")[-1]
    assert up_to_date_bundle(batch_project, "alpha", config, None) is None  # other sections never ran
    changed = copy.deepcopy(config)
    changed["program"]["gross_margin"] = 0.5
    assert up_to_date_bundle(batch_project, "alpha", changed, [SECTION]) is None
    changed = copy.deepcopy(config)
    changed["run"]["notebook_timeout"] = 1  # a time limit does not change the results
    assert up_to_date_bundle(batch_project, "alpha", changed, [SECTION]) == bundle
    nps = batch_project / "data" / "raw" / "alpha" / "nps.csv"
    original = nps.read_bytes()
    try:
        nps.write_bytes(original + b"\n")
        assert up_to_date_bundle(batch_project, "alpha", config, [SECTION]) is None
    finally:
        nps.write_bytes(original)


def test_resume_on_a_dask_cluster_reruns_only_the_failed_clients(batch_project, first_batch):
    distributed = pytest.importorskip("distributed")
    before = {client: bundles(batch_project, client) for client in ("alpha", "beta")}
    checks = batch_project / "data" / "raw" / "broken" / "transactions.csv"
    checks.write_bytes(checks.read_bytes().decode("cp1251").replace("Итого", "Сумма").encode("cp1251"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        code, _, folder = batch_via_cli(batch_project, "--resume", "--quiet",
                                        "--scheduler", cluster.scheduler_address)
    rows = summary(folder)
    for client in ("alpha", "beta"):
        assert rows[client]["status"] == "skipped"
        assert batch_project / rows[client]["bundle"] == before[client][-1]
        assert bundles(batch_project, client) == before[client]
    assert rows["broken"]["status"] == "complete"  # its input was fixed; it ran on the cluster
    assert (batch_project / rows["broken"]["bundle"] / "index.html").is_file()
    assert rows["hangs"]["status"] == "failed" and rows["hangs"]["error"].startswith("timeout")
    assert code == EXIT_FAILED
    log = (folder / "batch.log").read_text(encoding="utf-8")
    assert "Dask scheduler" in log
    assert "[broken] 00_data_quality.ipynb (1/1) started" in log  # progress came through the cluster


def test_a_killed_worker_is_that_clients_failure(batch_project, first_batch):
    pid_file = batch_project / "sleeper.pid"
    pid_file.unlink(missing_ok=True)
    kernel_pid: list[int] = []

    def kill_the_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if pid_file.is_file() and pid_file.read_text():
                kernel = psutil.Process(int(pid_file.read_text()))
                kernel_pid.append(kernel.pid)
                kernel.parent().kill()  # the client's worker process, as the OOM killer would
                return
            time.sleep(0.1)

    killer = threading.Thread(target=kill_the_worker)
    killer.start()
    result = run_batch(batch_project, ["hangs"],
                       BatchOptions(only=[SECTION], notebook_timeout=120, progress=False))
    killer.join()
    (outcome,) = result.outcomes
    assert outcome.status == "failed"
    assert outcome.error.startswith("worker died: killed by SIGKILL"), outcome.error
    assert outcome.seconds < 60
    assert_dead(kernel_pid[0])  # its orphaned kernel is cleaned up too
    assert not result.ok


def test_unknown_clients_and_sections_are_refused_up_front(batch_project, capsys):
    assert main(["--project", str(batch_project), "batch", "--clients", "alpha", "nobody"]) \
        == EXIT_BAD_INPUT
    assert "nobody" in capsys.readouterr().err
    assert main(["--project", str(batch_project), "batch", "--only", "nothing"]) == EXIT_BAD_INPUT
    assert "unknown section" in capsys.readouterr().err

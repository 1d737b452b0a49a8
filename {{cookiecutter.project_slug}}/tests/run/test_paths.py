"""A consultant's own laptop: the project folder and the client's exports under paths with spaces and
Cyrillic (`Клиенты/ООО Ромашка/`, `выгрузки клиента/чеки (кассы) 2024.csv`), run end to end through the
command line, and a terminal free of third-party warnings (lines the user can do nothing about).

One small run (300 customers, `--only data_quality program`) in a copy of this project, the package
imported from the copy's own `src/` under the same Cyrillic folder; then what keeps the terminal
quiet: kernels with an encrypted transport, and only known-harmless third-party warnings ignored.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.report.pdf import find_chromium, run_headless

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
PACKAGE = "{{ cookiecutter.package_name }}"
CLIENT = "ромашка"
EXPORTS = "выгрузки клиента/2024 год"
TABLES = {"transactions": "чеки (кассы) 2024.csv", "customers": "клиенты CRM.csv", "points": "баллы.csv",
          "nps": "NPS опрос.csv", "surveys": "анкеты.csv", "campaigns": "рассылки.csv"}
# a line some library printed: a logged or `warnings` warning, a deprecation, Jupyter's own apps
THIRD_PARTY = re.compile(r"warn|deprecat|not recommended|^\s*\[\w*App\]|Traceback", re.IGNORECASE)


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The project's command line, run in `project` with the package from its own src/."""
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", f"{PACKAGE}.cli", *args], cwd=project, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600, check=False)


def lines_of(*outputs: str) -> list[str]:
    """Every line as a terminal shows it (progress bars redraw with carriage returns)."""
    return [line for text in outputs for line in re.split(r"[\r\n]+", text) if line.strip()]


@pytest.fixture(scope="module")
def laptop_run(tmp_path_factory):
    """(project, the run's CompletedProcess, the sample's truth) for a project in Клиенты/ООО Ромашка."""
    project = tmp_path_factory.mktemp("home") / "Клиенты" / "ООО Ромашка"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("config", "notebooks", "src"):
        shutil.copytree(PROJECT / part, project / part, ignore=ignore)
    exports = project / EXPORTS
    made = cli(project, "sample-data", "--client", CLIENT, "--customers", "300", "--seed", "5",
               "--out", str(exports))
    assert made.returncode == 0, made.stderr
    for table, name in TABLES.items():
        (exports / f"{table}.csv").rename(exports / name)
    config = (project / "config" / "clients" / "demo.yaml").read_text(encoding="utf-8")
    config = config.replace('name: "Demo Retail"', 'name: "ООО «Ромашка»"')
    for table, name in TABLES.items():
        config = config.replace(f"path: data/raw/demo/{table}.csv", f'path: "{EXPORTS}/{name}"')
    assert config.count(EXPORTS) == len(TABLES)
    (project / "config" / "clients" / f"{CLIENT}.yaml").write_text(config, encoding="utf-8")
    result = cli(project, "run", "--client", CLIENT, "--only", "data_quality", "program", "--quiet")
    truth = json.loads((exports / "truth.json").read_text(encoding="utf-8"))
    return project, made, result, truth


def test_the_bundle_is_complete_under_a_cyrillic_path_with_spaces(laptop_run):
    project, _, result, truth = laptop_run
    assert result.returncode == 0, result.stderr
    index = Path(result.stdout.strip().splitlines()[-1].strip())
    bundle = index.parent
    assert bundle.parent == project / "reports" / CLIENT
    for name in ("index.html", "kpis.json", "tables.xlsx", "manifest.json"):
        assert (bundle / name).is_file(), name
    assert sorted(p.name for p in (bundle / "notebooks").iterdir()) == ["00_data_quality.ipynb",
                                                                        "10_program.ipynb"]
    assert list((bundle / "figures").glob("*.png"))
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert [n["status"] for n in manifest["notebooks"]] == ["ok", "ok"]
    assert manifest["inputs"]["transactions"]["path"] == f"{EXPORTS}/{TABLES['transactions']}"
    kpis = json.loads((bundle / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["data_quality"]["rows"] == truth["realised"]["rows"]
    assert kpis["program"]["members"] is not None


def test_the_page_opens_and_the_pdf_is_printed(laptop_run):
    _, _, result, _ = laptop_run
    index = Path(result.stdout.strip().splitlines()[-1].strip())
    page = index.read_text(encoding="utf-8")
    assert "ООО «Ромашка»" in page
    browser = find_chromium()
    if browser is None:
        pytest.skip("no Chromium, Chrome or Edge on this machine: the page was not opened in a browser")
    dom = run_headless(browser, ["--dump-dom", index.as_uri()], timeout=120).stdout
    assert "ООО «Ромашка»" in dom and "<img" in dom
    manifest = json.loads((index.parent / "manifest.json").read_text(encoding="utf-8"))
    assert (index.parent / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert manifest["pdf"].startswith("report.pdf: ") and manifest["pdf"].endswith(f" ({browser})")


def test_the_terminal_shows_only_the_runs_own_lines(laptop_run):
    """No line a library printed (the kernels' "running over TCP without encryption" among them): with
    --quiet the run prints its progress lines, the result and the report's path, nothing else."""
    project, made, result, _ = laptop_run
    lines = lines_of(made.stdout, made.stderr, result.stdout, result.stderr)
    assert not [line for line in lines if THIRD_PARTY.search(line)]
    own = (f"[{CLIENT}] ", f"{CLIENT}: report ready in ", "sample data for ", "  ")  # "  " + a path or count
    assert [line for line in lines if not line.startswith(own)] == []
    assert any("report.pdf" in line for line in lines_of(result.stderr))


def test_only_the_known_harmless_warnings_are_silenced():
    """pyzmq's Proactor warning (Windows: it works, and its remedy is deprecated) is ignored once the
    run makes a kernel manager; any other warning still shows."""
    from {{ cookiecutter.package_name }}.run import kernels

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kernels.new_kernel_manager("python3")
        warnings.warn("Proactor event loop does not implement add_reader family of methods required for "
                      "zmq. Registering an additional selector thread for add_reader support via tornado.",
                      RuntimeWarning, stacklevel=1)
        warnings.warn("something else", RuntimeWarning, stacklevel=1)
        warnings.warn("Proactor event loop does not implement add_reader family of methods required for "
                      "zmq.", DeprecationWarning, stacklevel=1)
    assert [(w.category, str(w.message)[:20]) for w in caught] == [
        (RuntimeWarning, "something else"), (DeprecationWarning, "Proactor event loop ")]


def test_kernels_get_an_encrypted_transport():
    """The manager provisions CurveZMQ keys for a kernelspec that supports them, the remedy the kernel's
    own "running over TCP without encryption" warning names."""
    import zmq

    from {{ cookiecutter.package_name }}.run import kernels

    manager = kernels.new_kernel_manager(kernels.ensure_kernel())
    if not manager.has_trait("transport_encryption") or not zmq.has("curve"):
        pytest.skip("this jupyter_client or libzmq has no transport encryption (nor does its ipykernel warn)")
    assert manager.transport_encryption in ("auto", True)
    assert "curve" in manager.kernel_spec.metadata["supported_encryption"]
    assert kernels.lab_arguments() == [f"--KernelManager.transport_encryption={manager.transport_encryption}"]

"""The runner: the sections of a run from the registry, and its shared kernel (one kernel per run, a
clean namespace for every notebook)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from {{ cookiecutter.package_name }}.config import UnknownSection
from {{ cookiecutter.package_name }}.engine.budget import available_cores
from {{ cookiecutter.package_name }}.run import runner
from {{ cookiecutter.package_name }}.run.kernels import (
    SharedKernel,
    ensure_kernel,
    kernel_count,
    let_kernels_import_this_package,
)
from {{ cookiecutter.package_name }}.sections.registry import Section


def notebook(path: Path, *cells: str) -> Path:
    nbformat.write(new_notebook(cells=[new_code_cell(source) for source in cells]), path)
    return path


def test_one_kernel_serves_every_notebook_with_a_clean_namespace(tmp_path):
    first = notebook(tmp_path / "first.ipynb", "import os\nleft_over = 41\npid = os.getpid()",
                     "open('pid.txt', 'w').write(str(pid))")
    second = notebook(tmp_path / "second.ipynb",
                      "import os\nassert 'left_over' not in dir(), 'namespace not cleared'",
                      "assert str(os.getpid()) == open('pid.txt').read(), 'not the same kernel'")
    kernel = ensure_kernel()
    with SharedKernel(kernel) as shared:
        for path in (first, second):
            shared.reset()
            pm.execute_notebook(str(path), str(path.with_suffix(".out.ipynb")), kernel_name=kernel,
                                cwd=str(tmp_path), progress_bar=False, **shared.engine_kwargs)
        assert shared.manager.has_kernel
        process = shared.manager.provisioner.process
    assert not shared.manager.has_kernel
    assert process.poll() is not None  # the kernel is gone after the run


def test_a_fresh_shared_kernel_is_new_for_each_notebook_after_the_first(tmp_path):
    """A big client's notebooks each start from a new kernel (what a kernel keeps after `%reset` would
    otherwise add up); the first uses the kernel warmed up while the inputs were read."""
    first = notebook(tmp_path / "first.ipynb", "import os\nopen('pids.txt', 'a').write(f'{os.getpid()} ')")
    kernel = ensure_kernel()
    let_kernels_import_this_package()  # as the runner does: the warm-up imports the package
    with SharedKernel(kernel, cwd=tmp_path) as shared:
        shared.fresh = True
        shared.warm_up()
        warmed = shared.manager.provisioner.process.pid
        for _ in range(3):
            shared.reset()
            pm.execute_notebook(str(first), str(tmp_path / "out.ipynb"), kernel_name=kernel,
                                cwd=str(tmp_path), progress_bar=False, **shared.engine_kwargs)
        last = shared.manager.provisioner.process
    pids = [int(pid) for pid in (tmp_path / "pids.txt").read_text().split()]
    assert pids[0] == warmed and len(set(pids)) == 3
    assert last.poll() is not None  # the last kernel is gone after the run


def test_without_sharing_each_notebook_gets_its_own_kernel(tmp_path):
    first = notebook(tmp_path / "first.ipynb", "import os\nopen('pid.txt', 'w').write(str(os.getpid()))")
    second = notebook(tmp_path / "second.ipynb",
                      "import os\nassert str(os.getpid()) != open('pid.txt').read()")
    kernel = ensure_kernel()
    with SharedKernel(kernel, enabled=False) as shared:
        assert shared.engine_kwargs == {}
        for path in (first, second):
            shared.reset()
            pm.execute_notebook(str(path), str(path.with_suffix(".out.ipynb")), kernel_name=kernel,
                                cwd=str(tmp_path), progress_bar=False, **shared.engine_kwargs)


# --- the sections of a run, from the registry ---------------------------------------------------------

def _section(key: str, number: int) -> Section:
    return Section(key, number, f"{key}.title", run=lambda ctx: None)


def _notebooks(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        notebook(folder / name, "pass")


def test_sections_run_the_notebooks_named_after_their_keys(tmp_path, monkeypatch):
    _notebooks(tmp_path / "notebooks", "10_program.ipynb", "00_data_quality.ipynb", "scratch.ipynb")
    monkeypatch.setattr(runner, "registered", lambda: [_section("data_quality", 0), _section("program", 10)])
    sections = runner.sections_of(tmp_path)
    assert [(s.key, s.name) for s in sections] == [("data_quality", "00_data_quality.ipynb"),
                                                    ("program", "10_program.ipynb")]
    assert runner.notebooks_of(tmp_path) == [s.path for s in sections]
    for only in (["program"], ["10"], ["10_program"]):
        assert [s.key for s in runner.select_sections(sections, only)] == ["program"]
    assert [s.key for s in runner.select_sections(sections, ["program", "data_quality"])] == [
        "data_quality", "program"]  # run order, whatever the order asked
    with pytest.raises(UnknownSection,
                       match="unknown section 'cohorts'; sections are: data_quality, program"):
        runner.select_sections(sections, ["cohorts"])


def test_a_section_without_its_notebook_is_refused(tmp_path, monkeypatch):
    _notebooks(tmp_path / "notebooks", "00_data_quality.ipynb")
    monkeypatch.setattr(runner, "registered", lambda: [_section("data_quality", 0), _section("rfm", 20)])
    with pytest.raises(UnknownSection, match=r"section 'rfm' has no notebook notebooks/20_rfm\.ipynb"):
        runner.sections_of(tmp_path)


def test_notebooks_of_no_section_are_not_run(tmp_path, monkeypatch):
    """A consultant's scratch notebook, or one under a section's former name, is not a section."""
    _notebooks(tmp_path / "notebooks", "10_program_kpis.ipynb", "10_program.ipynb", "99_scratch.ipynb")
    monkeypatch.setattr(runner, "registered", lambda: [_section("program", 10)])
    assert [(s.key, s.name) for s in runner.sections_of(tmp_path)] == [("program", "10_program.ipynb")]


def test_kernel_count_follows_the_config():
    config = {"run": {"kernels": "auto", "share_kernel": True, "parallel_max_checks": 100}}
    assert kernel_count(config, 50, 6) == min(2, available_cores())
    assert kernel_count(config, 500, 6) == 1  # too many checks for two copies of the tables
    assert kernel_count({"run": {**config["run"], "kernels": 4}}, 500, 3) == 3  # never more than notebooks

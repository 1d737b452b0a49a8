"""The runner's shared kernel: one kernel per run, a clean namespace for every notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
from nbformat.v4 import new_code_cell, new_notebook

from {{ cookiecutter.package_name }}.runner import SharedKernel, ensure_kernel


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

"""Bake the template into temporary folders and run what it generated with this virtualenv's Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]


def bake(output_dir: Path, **answers: str) -> Path:
    """Bake the template with `answers` (defaults for the rest) and return the project folder."""
    return Path(cookiecutter(str(TEMPLATE), no_input=True, extra_context=answers,
                             output_dir=str(output_dir)))


def project_env(project: Path) -> dict[str, str]:
    """The generated package importable without installing it (its src/ on PYTHONPATH)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(project / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run_in(project: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run `python args...` in the baked project; on failure show its output."""
    result = subprocess.run([sys.executable, *args], cwd=project, env=project_env(project), check=False,
                            capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"`{' '.join(args)}` exited {result.returncode}\n--- stdout\n{result.stdout[-4000:]}"
                    f"\n--- stderr\n{result.stderr[-6000:]}")
    return result


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("default"))

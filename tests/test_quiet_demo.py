"""`make demo` in a freshly baked project prints no line that is a third-party warning (Jupyter's "Kernel
is running over TCP without encryption", a deprecation, a library's logged WARNING): what a new user
sees first is the sample data, the progress of the run and where the report is."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import bake, project_env

THIRD_PARTY = re.compile(r"warn|deprecat|not recommended|^\s*\[\w*App\]|Traceback", re.IGNORECASE)


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
def test_make_demo_prints_no_third_party_warning(tmp_path):
    project = bake(tmp_path)
    venv = Path(sys.prefix)
    # This virtualenv stands in for the project's .venv (it holds every dependency, the package comes
    # from src/ on PYTHONPATH); `-o` keeps make from installing the project into it.
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", f"{venv}/.installed", "demo", f"VENV={venv}"],
        cwd=project, env=project_env(project), capture_output=True, text=True, encoding="utf-8",
        timeout=900, check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = [line for text in (result.stdout, result.stderr) for line in re.split(r"[\r\n]+", text)]
    assert [line for line in lines if THIRD_PARTY.search(line)] == []
    assert "demo: report ready in " in result.stdout
    assert result.stdout.strip().splitlines()[-1].strip().endswith("index.html")
    assert any(line.startswith("[demo] report.pdf") for line in lines)

"""Shared fixtures: a scratch copy of the project's config folder, so tests never touch the real one."""

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway project folder with this project's config/ and notebooks/."""
    shutil.copytree(PROJECT / "config", tmp_path / "config")
    shutil.copytree(PROJECT / "notebooks", tmp_path / "notebooks")
    return tmp_path


def write_client(project: Path, name: str, text: str) -> None:
    (project / "config" / "clients" / f"{name}.yaml").write_text(text, encoding="utf-8")

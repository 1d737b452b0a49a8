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


# --- one end-to-end run on sample data, shared by every section's end-to-end checks -------------------

SAMPLE_CUSTOMERS = 1500
SAMPLE_SEED = 7


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A scratch project with sample data (dirt included) for the demo client, and its truth.json."""
    from {{ cookiecutter.package_name }} import synthetic

    project = tmp_path_factory.mktemp("project")
    shutil.copytree(PROJECT / "config", project / "config")
    shutil.copytree(PROJECT / "notebooks", project / "notebooks")
    truth = synthetic.generate(project / "data" / "raw" / "demo", n_customers=SAMPLE_CUSTOMERS,
                            seed=SAMPLE_SEED, dirt=True)
    return project, truth


@pytest.fixture(scope="session")
def demo_run(sample_project):
    """The whole pipeline run once on the sample project: (RunResult, kpis dict, truth dict)."""
    import json

    from {{ cookiecutter.package_name }}.run.runner import run_client

    project, truth = sample_project
    result = run_client(project, "demo", progress=False)
    assert result.status == "complete", result.error
    kpis = json.loads((result.bundle / "kpis.json").read_text(encoding="utf-8"))
    return result, kpis, truth

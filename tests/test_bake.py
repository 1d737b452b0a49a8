"""The template bakes valid projects and refuses bad answers."""

from __future__ import annotations

import json
import re

import pytest
from cookiecutter.exceptions import FailedHookException

from .conftest import bake, run_in

JINJA = re.compile(r"{{|{%|cookiecutter\.")


def text_files(project):
    for path in project.rglob("*"):
        if path.is_file() and "templates" not in path.parts and path.suffix not in (".png", ".xlsx"):
            yield path


def test_default_bake_has_the_layout_and_no_unrendered_jinja(default_project):
    assert default_project.name == "loyalty-analytics"
    for relative in ("README.md", "pyproject.toml", "Makefile", ".gitignore", ".pre-commit-config.yaml",
                     "config/defaults.yaml", "config/clients/demo.yaml",
                     "notebooks/00_data_quality.ipynb", "src/loyalty_analytics/cli.py",
                     ".github/workflows/tests.yml"):
        assert (default_project / relative).is_file(), relative
    leftovers = [str(p.relative_to(default_project)) for p in text_files(default_project)
                 if JINJA.search(p.read_text(encoding="utf-8"))]
    assert leftovers == []


def test_notebooks_are_committed_without_outputs_and_with_a_parameters_cell(default_project):
    for notebook in sorted((default_project / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), notebook.name
        tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
        assert len(tagged) == 1, notebook.name
        assert "".join(tagged[0]["source"]).splitlines() == ['client = "demo"', 'run_dir = ""']


def test_generated_code_and_notebooks_are_ruff_clean(default_project):
    result = run_in(default_project, "-m", "ruff", "check", "src", "tests", "notebooks", check=False)
    assert result.returncode == 0, result.stdout


def test_non_default_answers(tmp_path):
    project = bake(tmp_path, project_name="My Client Analytics", language="ru", currency="USD",
                   first_client="acme", ci="none")
    assert project.name == "my-client-analytics"
    assert (project / "src" / "my_client_analytics" / "run" / "runner.py").is_file()
    # the package is named by the answer everywhere: no file imports the default name
    default_name = [str(p.relative_to(project)) for p in text_files(project)
                    if "loyalty_analytics" in p.read_text(encoding="utf-8")]
    assert default_name == []
    assert not (project / ".github").exists()
    defaults = (project / "config" / "defaults.yaml").read_text(encoding="utf-8")
    assert "language: ru" in defaults and "currency: USD" in defaults
    assert (project / "config" / "clients" / "acme.yaml").is_file()
    assert 'name = "my-client-analytics"' in (project / "pyproject.toml").read_text(encoding="utf-8")
    # the first client's skeleton config is valid; its missing data gives a clear, non-traceback error
    result = run_in(project, "-m", "my_client_analytics.cli", "validate", "--client", "acme", check=False)
    assert result.returncode == 2
    assert "data/raw/acme/transactions.csv: file not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("answers, reason", [
    ({"project_name": "Лояльность"}, "project_slug"),
    ({"package_name": "class"}, "package_name"),
    ({"package_name": "my-package"}, "package_name"),
    ({"currency": "rubles"}, "currency"),
    ({"first_client": "ACME Retail"}, "first_client"),
])
def test_bad_answers_are_refused_with_the_reason(tmp_path, capfd, answers, reason):
    with pytest.raises(FailedHookException):
        bake(tmp_path, **answers)
    assert f"  {reason} = " in capfd.readouterr().err
    assert not any(tmp_path.iterdir())


def test_cli_help_explains_itself(default_project):
    result = run_in(default_project, "-m", "loyalty_analytics.cli", "--help")
    for command in ("sample-data", "validate", "run"):
        assert command in result.stdout
    run_help = run_in(default_project, "-m", "loyalty_analytics.cli", "run", "--help").stdout
    assert "--only" in run_help and "reports/<client>/<run_id>/" in run_help

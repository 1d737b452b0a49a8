"""The sample the shapes are cut from (once per session) and each section's headline on it."""

from __future__ import annotations

import matplotlib
import pytest

from {{ cookiecutter.package_name }}.sections.registry import registered

from .checks import context
from .shapes import Base, base_tables, shape

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    return base_tables(tmp_path_factory.mktemp("shapes"))


@pytest.fixture(scope="session")
def full(base: Base) -> dict[str, dict]:
    """Every section's headline on the full export (every table, every column)."""
    return {section.key: section.run(context(shape(), base)).headline for section in registered()}

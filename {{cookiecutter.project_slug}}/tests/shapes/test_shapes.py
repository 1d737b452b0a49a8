"""Every registered section on every shape of export of the fixed set (`shapes.SHAPES`): it runs,
says why it leaves something out, and records None, never a made-up number, where inputs are
missing. The whole matrix and a hypothesis search over it are marked slow."""

from __future__ import annotations

import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.sections.registry import registered

from .checks import check_section, context
from .shapes import COLUMNS, CONDITIONS, OPTIONAL_TABLES, SHAPES, Shape, matrix

SECTIONS = [section.key for section in registered()]


def run_on(shape: Shape, key: str, base, full) -> None:
    section = next(s for s in registered() if s.key == key)
    try:
        result = section.run(context(shape, base))
    except Exception:  # noqa: BLE001  (the shape and the traceback are the finding)
        pytest.fail(f"{key} raised on {shape.id}:\n{traceback.format_exc()}")
    check_section(key, result, full[key], shape)


def test_the_fixed_set_covers_every_condition_and_column():
    assert len(SHAPES) >= 40 and len(set(SHAPES)) == len(SHAPES)
    assert {s.condition for s in SHAPES} == set(CONDITIONS)
    assert set().union(*(s.dropped for s in SHAPES)) == set(COLUMNS)
    left_out = {frozenset(OPTIONAL_TABLES) - s.tables for s in SHAPES}
    assert left_out >= {frozenset({table}) for table in OPTIONAL_TABLES}


@pytest.mark.parametrize("key", SECTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.id)
def test_every_section_runs_on_every_shape(shape, key, base, full):
    run_on(shape, key, base, full)


MATRIX = [s for s in matrix() if s not in set(SHAPES)]


@pytest.mark.slow
@pytest.mark.parametrize("shape", MATRIX, ids=lambda s: s.id)
def test_every_section_runs_on_the_whole_matrix(shape, base, full):
    for key in SECTIONS:
        run_on(shape, key, base, full)


shapes = st.builds(Shape, st.frozensets(st.sampled_from(OPTIONAL_TABLES)),
                   st.frozensets(st.sampled_from(list(COLUMNS)), max_size=3),
                   st.sampled_from(list(CONDITIONS)))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=shapes)
def test_every_section_runs_on_any_combination(shape, base, full):
    for key in SECTIONS:
        run_on(shape, key, base, full)

"""How the portfolio shows a value: NPS on its usual scale of points, as the report's tile does."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.portfolio import values
from {{ cookiecutter.package_name }}.portfolio.measures import MEASURES, SCORE, SHARE


def test_nps_is_shown_in_points_and_shares_as_percentages():
    assert next(m for m in MEASURES if m.key == "nps").kind == SCORE
    assert values.exact(SCORE, 0.0625, "en", "RUB") == "+6.3"
    assert values.exact(SCORE, -0.054, "ru", "RUB") == "\u22125,4"
    assert values.coarse(SCORE, 0.138, "en", "RUB") == "+14"
    assert values.change(SCORE, 0.03, "en") == "+3"
    assert values.exact(SHARE, 0.354, "en", "RUB") == "35.4%"

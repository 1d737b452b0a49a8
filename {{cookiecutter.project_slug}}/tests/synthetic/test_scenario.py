"""generate() takes a Scenario or its fields by name (issue #15: settings instead of long parameter lists)."""

import hashlib
import json

import pytest

from {{ cookiecutter.package_name }}.synthetic import Scenario, generate


def digests(folder) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


def test_a_scenario_and_its_fields_by_name_write_the_same_files(tmp_path):
    by_name = generate(tmp_path / "a", n_customers=60, seed=4, dirt=True, params={"member_effect": 0.3})
    scenario = Scenario(n_customers=60, seed=4, dirt=True, params={"member_effect": 0.3})
    assert generate(tmp_path / "b", scenario) == by_name
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert len(digests(tmp_path / "a")) == 8  # six exports, truth.json and campaign_effects.csv
    truth = json.loads((tmp_path / "a" / "truth.json").read_text(encoding="utf-8"))
    assert truth["params"]["n_customers"] == 60 and truth["params"]["seed"] == 4
    assert truth["params"]["dirt"] is True and truth["params"]["member_effect"] == 0.3


def test_fields_by_name_override_the_scenario(tmp_path):
    truth = generate(tmp_path, Scenario(n_customers=40, seed=1), seed=2)
    assert truth["params"]["seed"] == 2 and truth["params"]["n_customers"] == 40


def test_an_unknown_field_is_refused(tmp_path):
    with pytest.raises(TypeError):
        generate(tmp_path, customers=10)

import pytest

from {{ cookiecutter.package_name }}.config import ConfigError, get, list_clients, load_config

from .conftest import write_client


def test_demo_config_merges_over_defaults(project):
    config = load_config(project, "demo")
    assert config["client"] == "demo"
    assert config["program"]["launch_date"] == "2024-01-01"  # YAML date -> ISO string
    assert config["program"]["gross_margin"] == 0.35  # default kept
    assert config["data"]["transactions"]["read"]["encoding"] == "cp1251"  # per-table override
    assert config["data"]["read"]["sep"] == ";"
    assert get(config, "clv.time_unit") == "W"
    assert "demo" in list_clients(project)


def test_unknown_key_is_refused_with_its_path(project):
    write_client(project, "typo", "program:\n  gross_margine: 0.3\n")
    with pytest.raises(ConfigError, match=r"typo\.yaml: unknown key 'program\.gross_margine'"):
        load_config(project, "typo")


def test_wrong_type_is_refused_with_its_path(project):
    write_client(project, "bad", "program:\n  gross_margin: high\n")
    with pytest.raises(ConfigError, match=r"'program\.gross_margin' must be a number, got 'high'"):
        load_config(project, "bad")


def test_wrong_date_is_refused(project):
    write_client(project, "bad", "program:\n  launch_date: 31.12.2024\n")
    with pytest.raises(ConfigError, match=r"'program\.launch_date' must be a date"):
        load_config(project, "bad")


def test_bool_is_not_an_integer(project):
    write_client(project, "bad", "rfm:\n  bins: true\n")
    with pytest.raises(ConfigError, match=r"'rfm\.bins' must be an integer"):
        load_config(project, "bad")


def test_per_table_read_options_are_checked(project):
    write_client(project, "bad", "data:\n  points:\n    read: {separator: ';'}\n")
    with pytest.raises(ConfigError, match=r"unknown key 'data\.points\.read\.separator'"):
        load_config(project, "bad")


def test_column_map_must_name_text(project):
    write_client(project, "bad", "data:\n  transactions:\n    columns: {Sum: 5}\n")
    with pytest.raises(ConfigError, match=r"data\.transactions\.columns\.Sum must be a canonical column"):
        load_config(project, "bad")


def test_choices_are_enforced(project):
    write_client(project, "bad", "language: de\n")
    with pytest.raises(ConfigError, match=r"'language' must be one of en, ru, got 'de'"):
        load_config(project, "bad")


def test_missing_client_lists_known_ones(project):
    with pytest.raises(ConfigError, match=r"no config for client 'nobody'.*known: demo"):
        load_config(project, "nobody")


def test_invalid_yaml_names_the_file(project):
    write_client(project, "broken", "program: [unclosed\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml: invalid YAML"):
        load_config(project, "broken")

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


@pytest.mark.parametrize("yaml_text, message", [
    ("program:\n  gross_margine: 0.3\n", r"bad\.yaml: unknown key 'program\.gross_margine'"),
    ("program:\n  gross_margin: high\n", r"'program\.gross_margin' must be a number, got 'high'"),
    ("program:\n  launch_date: 31.12.2024\n", r"'program\.launch_date' must be a date"),
    ("rfm:\n  bins: true\n", r"'rfm\.bins' must be an integer"),
    ("data:\n  points:\n    read: {separator: ';'}\n", r"unknown key 'data\.points\.read\.separator'"),
    ("data:\n  transactions:\n    columns: {Sum: 5}\n",
     r"data\.transactions\.columns\.Sum must be a canonical column"),
    ("language: de\n", r"'language' must be one of en, ru, got 'de'"),
    ("program: [unclosed\n", r"bad\.yaml: invalid YAML"),
    ("run:\n  kernels: two\n", r"'run\.kernels' must be auto or a whole number >= 1, got 'two'"),
    ("run:\n  kernels: 0\n", r"'run\.kernels' must be auto or a whole number >= 1, got 0"),
    ("run:\n  kernels: 1.5\n", r"'run\.kernels' must be text or an integer"),
])
def test_bad_config_is_refused_naming_file_and_key(project, yaml_text, message):
    write_client(project, "bad", yaml_text)
    with pytest.raises(ConfigError, match=message):
        load_config(project, "bad")


def test_missing_client_lists_known_ones(project):
    with pytest.raises(ConfigError, match=r"no config for client 'nobody'.*known: demo"):
        load_config(project, "nobody")


def test_run_kernels_takes_auto_or_a_number(project):
    write_client(project, "two_kernels", "run:\n  kernels: 2\n")
    assert get(load_config(project, "two_kernels"), "run.kernels") == 2
    assert get(load_config(project, "demo"), "run.kernels") == "auto"

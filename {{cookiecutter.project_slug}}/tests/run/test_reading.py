"""A run's inputs (run/reading.py): a big export is read in a child process, which returns the same
prepared tables and raises the same DataError (file, column, examples) as reading in the runner."""

import pickle
import shutil

import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest.errors import DataError, value_error
from {{ cookiecutter.package_name }}.run import reading

from ..conftest import PROJECT

BAD_ROW = "15.06.2024 12:00;X-B1;10000046;SPB-01;Санкт-Петербург;abc;1;0,00;0;0,00;0,00\n"


def test_a_data_error_survives_pickling_whole():
    file, message = "data/raw/x/transactions.csv", " value(s) are not numbers"
    error = value_error(file, "amount", 2, 4, message, ["12,3,4", "abc"])
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is DataError and str(copy) == str(error)
    assert (copy.file, copy.column, copy.examples) == (file, "amount", ["12,3,4", "abc"])
    assert (copy.rule, copy.count, copy.counted_message) == (2, 4, (True, message))


@pytest.fixture
def client(sample_project, tmp_path):
    source, _ = sample_project
    shutil.copytree(PROJECT / "config", tmp_path / "config")
    shutil.copytree(source / "data" / "raw" / "demo", tmp_path / "data" / "raw" / "demo")
    return tmp_path


def _config(project, stream: bool) -> dict:
    config = load_config(project, "demo")
    config["run"]["stream_min_bytes"] = 0 if stream else 1 << 50
    return config


def test_a_streamed_export_is_read_in_a_child_process(client, monkeypatch):
    expected = reading.read_here(client, _config(client, stream=True))
    shutil.rmtree(expected.prepared.cache_dir)

    def not_here(*args, **kwargs):
        raise AssertionError("read in the runner's process")

    monkeypatch.setattr(reading, "prepare", not_here)  # a spawned child imports the real one
    with pytest.raises(AssertionError, match="runner's process"):
        reading.read_inputs(client, _config(client, stream=False))
    got = reading.read_inputs(client, _config(client, stream=True))
    assert got == expected and not got.prepared.reused
    assert (got.prepared.cache_dir / "transactions.parquet").is_file()


def test_a_bad_export_read_in_a_child_raises_the_runners_data_error(client):
    export = client / "data" / "raw" / "demo" / "transactions.csv"
    with open(export, "a", encoding="cp1251") as appended:
        appended.write(BAD_ROW)
    with pytest.raises(DataError) as in_runner:
        reading.read_here(client, _config(client, stream=True))
    with pytest.raises(DataError) as in_child:
        reading.read_inputs(client, _config(client, stream=True))
    here, there = in_runner.value, in_child.value
    assert (str(there), there.file, there.column, there.examples) == (
        str(here), here.file, here.column, here.examples)
    assert there.column == "amount" and "abc" in there.examples


def test_the_child_reads_within_what_the_runner_and_a_kernel_leave(project):
    config = load_config(project, "demo")
    config["run"]["memory_limit"] = "2GiB"
    assert reading.child_config(config, 600 << 20)["run"]["memory_limit"] == (2048 - 600) << 20
    assert reading.child_config(config, 3 << 30)["run"]["memory_limit"] == 512 << 20  # a quarter at least
    assert config["run"]["memory_limit"] == "2GiB"  # the run's own config is left as it was

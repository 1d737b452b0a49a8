"""A streamed prepare under a small DuckDB memory limit completes by spilling to the run's temporary
folder, with the in-memory path's result; the same limit without a temporary folder fails."""

import contextlib

import duckdb
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.engine.budget import Budget
from {{ cookiecutter.package_name }}.ingest import streamed

from .test_stream import assert_same_prepared, prepared

LIMIT = "64MiB"  # DuckDB's part; the distinct check numbers alone need more


@pytest.fixture(scope="module")
def big_project(tmp_path_factory):
    """1.2M checks of 50,000 customers with 36-character check numbers: too many for DuckDB to count
    the distinct ones within LIMIT without spilling."""
    project = tmp_path_factory.mktemp("spill")
    (project / "config" / "clients").mkdir(parents=True)
    (project / "data" / "raw").mkdir(parents=True)
    from ..conftest import PROJECT

    (project / "config" / "defaults.yaml").write_bytes((PROJECT / "config" / "defaults.yaml").read_bytes())
    n = 1_200_000
    rng = np.random.default_rng(1)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 1440, n), "min")
    amount = np.round(rng.uniform(-1000, 100_000, n), 2)
    numbers = [f"{i:08d}-{'c' * 27}" for i in np.arange(n) % 1_190_000]  # some repeat
    frame = pd.DataFrame({"date": day.strftime("%Y-%m-%d %H:%M"), "customer_id": rng.integers(0, 50_000, n),
                          "transaction_id": numbers, "amount": amount, "store_id": rng.integers(0, 50, n)})
    frame = pd.concat([frame, frame.iloc[:500]], ignore_index=True)  # exact duplicates
    frame.to_csv(project / "data" / "raw" / "checks.csv", index=False)
    (project / "config" / "clients" / "big.yaml").write_text(
        "name: big\ndata:\n  transactions:\n    path: data/raw/checks.csv\n", encoding="utf-8")
    return project


def small_engine(monkeypatch, spill: bool) -> None:
    monkeypatch.setattr(Budget, "engine_limit", lambda self, share=0.5: LIMIT)
    connect = streamed.connect

    @contextlib.contextmanager
    def limited(*args, **kwargs):
        with connect(*args, **kwargs) as con:
            assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0].startswith("64")
            if not spill:
                con.execute("SET max_temp_directory_size = '0KiB'")
            yield con

    monkeypatch.setattr(streamed, "connect", limited)


def test_a_small_memory_limit_is_kept_by_spilling(big_project, monkeypatch):
    expected = prepared(big_project, "big", stream=False)
    assert expected[0]["cleaning"]["duplicates"] == 500
    small_engine(monkeypatch, spill=True)
    assert_same_prepared(prepared(big_project, "big", stream=True), expected)


def test_without_a_spill_folder_the_same_limit_is_not_enough(big_project, monkeypatch):
    small_engine(monkeypatch, spill=False)
    with pytest.raises(duckdb.OutOfMemoryException):
        prepared(big_project, "big", stream=True)

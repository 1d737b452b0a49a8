"""The program section on a big client's checks left on disk (sums chunk by chunk over every check,
per-customer parts bucket by bucket) gives the headline, sentences and tables of the in-memory
section; and through `run` its kpis.json block and tables equal the in-memory run's."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.engine import customers
from {{ cookiecutter.package_name }}.engine.buckets import bucket_folders
from {{ cookiecutter.package_name }}.sections import program
from {{ cookiecutter.package_name }}.sections.steps import Say, Skip, Table

from .bundles import sheet
from .contexts import DiskContext, prepared_copy

# sums of money over chunks or days add in another order than over the whole table: equal to 1e-9
RTOL = 1e-9




def close(ours, theirs, path="program"):
    """Whether two kpis values are equal, numbers to `RTOL` (the path of the first difference)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and set(ours) == set(theirs), path
        for key, value in theirs.items():
            close(ours[key], value, f"{path}.{key}")
    elif isinstance(theirs, float) and not isinstance(ours, bool) and isinstance(ours, int | float):
        assert math.isclose(ours, theirs, rel_tol=RTOL, abs_tol=1e-12), (path, ours, theirs)
    else:
        assert ours == theirs, (path, ours, theirs)


def items(step):
    return [(type(item).__name__, getattr(item, "name", None), getattr(item, "reason", None))
            for item in step.items if isinstance(item, Say | Skip | Table)]


@pytest.mark.parametrize("chunk_rows", [1_000_000, 7_000])  # one chunk, and many chunks
def test_the_section_out_of_core_equals_the_section_in_memory(sample_project, tmp_path, monkeypatch,
                                                              chunk_rows):
    project, _ = sample_project
    config, cache, period = prepared_copy(project, tmp_path / "cache")
    monkeypatch.setattr(customers, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr("{{ cookiecutter.package_name }}.engine.buckets.bucket_count", lambda rows: 4)
    memory = program.run(DiskContext(config, cache, period, out_of_core=False))
    disk = program.run(DiskContext(config, cache, period, out_of_core=True))
    assert len(bucket_folders(cache / customers.BUCKETS)) == 4
    close(disk.headline, memory.headline)
    assert disk.headline["members"] == memory.headline["members"] > 0
    assert disk.headline["nps"]["by_segment"] == memory.headline["nps"]["by_segment"]
    assert disk.headline["participation_by_tier"] == memory.headline["participation_by_tier"]
    for name, step in memory.steps.items():
        assert items(disk.steps[name]) == items(step), name
        assert [s.text for s in disk.steps[name].items if isinstance(s, Say)] == \
            [s.text for s in step.items if isinstance(s, Say)], name
        for ours, theirs in zip([i for i in disk.steps[name].items if isinstance(i, Table)],
                                [i for i in step.items if isinstance(i, Table)], strict=True):
            pd.testing.assert_frame_equal(ours.frame, theirs.frame, rtol=RTOL)


def test_the_workers_of_a_dask_cluster_compute_the_same_section(sample_project, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    project, _ = sample_project
    config, cache, period = prepared_copy(project, tmp_path / "cache")
    monkeypatch.setattr("{{ cookiecutter.package_name }}.engine.buckets.bucket_count", lambda rows: 3)
    local = program.run(DiskContext(config, cache, period, out_of_core=True))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote_config = {**config, "run": {**config["run"], "scheduler": cluster.scheduler_address}}
        remote = program.run(DiskContext(remote_config, cache, period, out_of_core=True))
    assert remote.headline == local.headline
    assert remote.headline["nps"]["by_segment"]["champions"]["responses"] > 0


def test_the_run_out_of_core_records_the_program_block_and_tables_of_the_run_in_memory(runs):
    close(runs.kpis["program"], runs.memory["program"])
    assert runs.kpis["program"]["members"] == runs.memory["program"]["members"] > 0
    sheets = pd.ExcelFile(runs.memory_bundle / "tables.xlsx").sheet_names
    names = [name for name in sheets if name.startswith("program")]
    assert names
    for name in names:
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name), rtol=RTOL)

"""The data-quality section on a big client's checks left on disk (described chunk by chunk, customers
counted bucket by bucket) gives the headline, sentences and tables of the in-memory section."""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.engine import customers
from {{ cookiecutter.package_name }}.engine.buckets import bucket_folders
from {{ cookiecutter.package_name }}.sections import data_quality
from {{ cookiecutter.package_name }}.sections.steps import Say, Skip, Table

from .contexts import DiskContext, prepared_copy


def items(step):
    return [(type(item).__name__, getattr(item, "name", None), getattr(item, "text", None),
             getattr(item, "reason", None)) for item in step.items if isinstance(item, Say | Skip | Table)]


@pytest.mark.parametrize("chunk_rows", [1_000_000, 4_000])  # one part, and many parts
def test_the_section_out_of_core_equals_the_section_in_memory(sample_project, tmp_path, monkeypatch,
                                                              chunk_rows):
    project, _ = sample_project
    config, cache, period = prepared_copy(project, tmp_path / "cache")
    monkeypatch.setattr(customers, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr("{{ cookiecutter.package_name }}.engine.buckets.bucket_count", lambda rows: 5)
    memory = data_quality.run(DiskContext(config, cache, period, out_of_core=False))
    disk = data_quality.run(DiskContext(config, cache, period, out_of_core=True))
    assert len(bucket_folders(cache / customers.BUCKETS)) == 5
    assert disk.headline == memory.headline
    for name, step in memory.steps.items():
        assert items(disk.steps[name]) == items(step), name
        for ours, theirs in zip([i for i in disk.steps[name].items if isinstance(i, Table)],
                                [i for i in step.items if isinstance(i, Table)], strict=True):
            # revenue by month: a sum of the chunks' sums when there are several
            pd.testing.assert_frame_equal(ours.frame, theirs.frame, rtol=1e-12)
        volume = step.values.get("volume")
        if volume is not None:
            pd.testing.assert_frame_equal(disk.steps[name].values["volume"], volume, rtol=1e-12)

"""A run context over a prepared cache, for the tests that run a section out of core and in memory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.ingest.prepare import prepare


class DiskContext:
    """What a section reads of a run context, over a prepared cache; out of core (every client above
    `engine_min_checks` = 0 checks) it refuses to hand out the checks table, so a section that would
    load the checks whole fails the test."""

    def __init__(self, config: dict[str, Any], cache: Path, period: tuple, out_of_core: bool) -> None:
        self.config = {**config, "run": {**config["run"], "engine_min_checks": 0 if out_of_core else 10**9}}
        self.cache_dir, self.period, self.out_of_core = cache, period, out_of_core
        self.language = config["language"]
        self.threads = 2  # out of core, two buckets mapped side by side: a kernel alone on two cores

    # columns, categories: the whole table will do
    def table(self, name: str, columns=None, categories=()) -> pd.DataFrame | None:
        assert not (self.out_of_core and name == "transactions"), "the whole checks table was loaded"
        path = self.cache_dir / f"{name}.parquet"
        return pd.read_parquet(path) if path.is_file() else None

    def preparation(self) -> dict[str, Any]:
        return json.loads((self.cache_dir / "prepared.json").read_text(encoding="utf-8"))


def prepared_copy(project: Path, folder: Path) -> tuple[dict[str, Any], Path, tuple]:
    """(config, cache, period) of the demo client of `project`, its prepared tables copied into
    `folder` without buckets, so that a test makes its own."""
    config = load_config(project, "demo")
    prepared = prepare(project, config)
    shutil.copytree(prepared.cache_dir, folder, ignore=shutil.ignore_patterns("buckets"))
    return config, folder, tuple(pd.Timestamp(day) for day in prepared.period)

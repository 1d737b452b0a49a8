"""A run's first step: the client's inputs read into cleaned tables (`prepare`) and, for a big client,
its checks bucketed by customer (`engine.customers.bucketed`).

A big export (one that `prepare` streams, `run.stream_min_bytes`) is read in a child process: the
runner stays alive beside the kernels for the whole run and its resident size counts in the run's peak,
and after reading a 10M-check export in process it kept about 0.35 GiB of pages (DuckDB's, Arrow's,
glibc's) that no call handed back. The child exits and takes them with it; a small export is read in
the runner, where the child's start (a new interpreter importing pandas, about a second) would cost more
than it saves. Errors come back as they were raised (DataError keeps its file, column and examples).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.budget import Budget
from ..engine.customers import bucketed
from ..ingest.prepare import Prepared, prepare
from ..ingest.streamed import streams


@dataclass(frozen=True)
class ReadInputs:
    """The prepared tables, and whether the checks are bucketed by customer (the sections then work
    out of core)."""

    prepared: Prepared
    out_of_core: bool


def read_inputs(project_dir: Path, config: dict[str, Any], beside: int = 0) -> ReadInputs:
    """`prepare` then `bucketed`, in a child process when the transactions file is streamed; `beside`:
    bytes held by other processes of the run while it reads (the runner, a kernel starting), which
    the child's budget leaves to them (`child_config`)."""
    if not streams(project_dir, config):
        return read_here(project_dir, config)
    # spawn, not fork: the runner already has threads (kernels starting), which fork does not copy
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as child:
        try:
            return child.submit(read_here, project_dir, child_config(config, beside)).result()
        except BrokenProcessPool as error:
            raise RuntimeError(
                f"reading the inputs of {config.get('client')!r} stopped: its process was killed "
                "(out of memory? lower run.memory_limit so the engine spills sooner)") from error


def child_config(config: dict[str, Any], beside: int) -> dict[str, Any]:
    """`config` with run.memory_limit less `beside` bytes (at least a quarter of it): the budget is the
    whole run's, and the runner and a starting kernel stay resident beside the child (at 10M checks
    under 2 GiB, the reading's peak was over the budget by as much without this)."""
    limit = Budget.from_config(config).limit
    return {**config, "run": {**config["run"], "memory_limit": max(limit - beside, limit // 4)}}


def read_here(project_dir: Path, config: dict[str, Any]) -> ReadInputs:
    """`prepare` then `bucketed`, in this process."""
    prepared = prepare(project_dir, config)
    return ReadInputs(prepared, bucketed(config, prepared.cache_dir) is not None)

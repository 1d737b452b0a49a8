"""The run's memory budget (config ``run.memory_limit``): what the engine may hold before it spills
to disk, and whether a second kernel fits beside the first.

``run.memory_limit`` is a share of the machine's RAM ("60%", the default) or a size ("6GiB", "6 GB",
"4096MB"; units by powers of 1024 for KiB/MiB/GiB, of 1000 for KB/MB/GB). A kernel's need is estimated
from the client's number of checks: the peak resident size per check measured by
``benchmarks/bench_scale.py`` (about 350 B per check at 10M checks) plus the fixed cost of a kernel
with its imports; out of core (checks bucketed by customer) a kernel holds one bucket of checks at a
time and per-customer rows, far less per check. The runner starts a second kernel only when two such
needs fit in the budget; the cores it may use (`available_cores`) are shared among its kernels.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import psutil

DEFAULT_LIMIT = "60%"
# measured (docs/benchmarks.md): kernel start + imports, and peak bytes per check held by one kernel
KERNEL_BASE_BYTES = 400 << 20
KERNEL_BYTES_PER_CHECK = 350
# out of core: one bucket's checks (engine.buckets.ROWS_PER_BUCKET of them at 350 B) and per-customer
# rows, measured as bytes per check of the client at 100M checks (docs/benchmarks.md)
BUCKET_BYTES = 350 * 1_000_000
KERNEL_BYTES_PER_CHECK_OUT_OF_CORE = 40
# what runs beside a kernel: the runner (measured about 0.3 GiB at 10M and 100M checks) or Lab's server
BESIDE_KERNEL_BYTES = 350 << 20

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class BudgetError(ValueError):
    """run.memory_limit is not a share or a size."""


def parse_limit(text: str | int | float, total: int) -> int:
    """Bytes of `text`: a share of `total` ("60%") or a size ("6GiB", "512 MB", 1000000).

    >>> parse_limit("50%", 8 << 30) == 4 << 30
    True
    >>> parse_limit("1.5GiB", 0)
    1610612736
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text)
    share = _SHARE.match(str(text))
    if share:
        fraction = float(share[1]) / 100
        if not 0 < fraction <= 1:
            raise BudgetError(f"run.memory_limit: {text!r} is not a share between 0% and 100%")
        return int(total * fraction)
    size = _SIZE.match(str(text))
    if not size or size[2].lower() not in _UNITS:
        raise BudgetError(f"run.memory_limit: {text!r} is neither a share of the RAM (e.g. '60%') "
                          "nor a size (e.g. '6GiB', '4096MB')")
    return int(float(size[1]) * _UNITS[size[2].lower()])


@dataclass(frozen=True)
class Budget:
    """Bytes the run may hold (`limit`) on a machine with `total` bytes of RAM."""

    limit: int
    total: int

    @classmethod
    def from_config(cls, config: dict[str, Any], total: int | None = None) -> Budget:
        total = psutil.virtual_memory().total if total is None else total
        text = (config.get("run") or {}).get("memory_limit") or DEFAULT_LIMIT
        return cls(parse_limit(text, total), total)

    def kernel_need(self, checks: int | None, out_of_core: bool = False) -> int:
        """Estimated peak bytes of one kernel running the notebooks of a client with `checks` checks
        (`out_of_core`: its checks bucketed by customer, never loaded whole)."""
        if out_of_core:
            return KERNEL_BASE_BYTES + BUCKET_BYTES + KERNEL_BYTES_PER_CHECK_OUT_OF_CORE * (checks or 0)
        return KERNEL_BASE_BYTES + KERNEL_BYTES_PER_CHECK * (checks or 0)

    def kernels_that_fit(self, checks: int | None, wanted: int, out_of_core: bool = False) -> int:
        """At most `wanted` kernels, as many as fit in the budget side by side (at least one)."""
        return max(1, min(wanted, self.limit // max(1, self.kernel_need(checks, out_of_core))))

    def bucket_threads(self, held: int, wanted: int) -> int:
        """Buckets a kernel may map side by side now (`buckets.map_buckets`): at most `wanted` (the
        cores the run gives it), as many as fit in the budget beside the `held` bytes (the kernel's
        resident size and what runs beside it), each holding one bucket of checks; at least one."""
        return max(1, min(wanted, (self.limit - held) // BUCKET_BYTES))

    def engine_limit(self, share: float = 0.5) -> str:
        """The embedded engine's memory limit (DuckDB syntax): `share` of the budget, the rest being
        for the kernel's own frames."""
        return f"{max(64, int(self.limit * share) >> 20)}MiB"

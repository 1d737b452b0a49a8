"""Hand freed memory back to the system after reading millions of rows."""

from __future__ import annotations

import contextlib
import ctypes
import gc

import pyarrow


def release_arrow_pool() -> None:
    """Give back the memory Arrow has freed (its allocator keeps freed blocks for reuse, which after
    reading millions of rows counts for hundreds of megabytes that nothing uses). Cheap: call it often."""
    pyarrow.default_memory_pool().release_unused()


def release_freed() -> None:
    """Arrow's pool and glibc's free lists handed back, without a garbage collection (cheap enough to
    call after every step of a section: freed pages held by either otherwise add up as the kernel's
    resident size grows). Pages handed back are faulted in again when next used: not after every
    bucket."""
    release_arrow_pool()
    with contextlib.suppress(Exception):  # glibc only; elsewhere a no-op
        _libc().malloc_trim(0)


M_ARENA_MAX = -8  # glibc's mallopt parameter: how many malloc arenas a process may have


def limit_arenas(count: int = 2) -> None:
    """At most `count` glibc malloc arenas in this process (a no-op elsewhere). Each thread that
    allocates gets an arena of its own, up to eight per core, and what it frees stays there: with
    buckets mapped in threads a 10M client's whole run peaked 0.18 GiB higher, with two arenas not at
    all (1.88 GiB either way). Arenas made before the call stay."""
    with contextlib.suppress(Exception):  # glibc only
        _libc().mallopt(M_ARENA_MAX, count)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6")


def release_memory() -> None:
    """Everything freed back to the system: Python's garbage, Arrow's pool, glibc's free lists (a
    process that stays alive while others work, the runner, counts its resident size in the peak)."""
    gc.collect()
    release_freed()

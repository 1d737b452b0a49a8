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


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6")


def release_memory() -> None:
    """Everything freed back to the system: Python's garbage, Arrow's pool, glibc's free lists (a
    process that stays alive while others work, the runner, counts its resident size in the peak)."""
    gc.collect()
    release_freed()

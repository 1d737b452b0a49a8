"""Bootstrap draws in bounded memory: the rows of ``rng.integers(0, n, (samples, n))`` a block at a time.

Drawn at once, 500 resamples of a campaign's million customers are two 4 GB matrices (the draws and the
values they pick). Drawn a block of rows at a time, with an even number of rows per block, the generator
gives the same numbers in the same order (numpy fills 32-bit draws two from each 64-bit word, and an
even block ends on a whole word) and leaves the same state for the next draw, so every statistic is
the same bit for bit while memory stays at about `BLOCK_VALUES` draws.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

BLOCK_VALUES = 4_000_000  # draws per block (32 MB of int64)


def draw_blocks(rng: np.random.Generator, n: int, samples: int) -> Iterator[np.ndarray]:
    """Blocks of rows of ``rng.integers(0, n, size=(samples, n))``, in order."""
    rows = max(2, BLOCK_VALUES // max(n, 1) // 2 * 2)
    for first in range(0, samples, rows):
        yield rng.integers(0, n, size=(min(rows, samples - first), n))


def resampled_means(values: np.ndarray, rng: np.random.Generator, samples: int) -> np.ndarray:
    """The means of `samples` resamples of `values` (with replacement): ``values[rng.integers(0, n,
    (samples, n))].mean(axis=1)``, a block of rows at a time."""
    means = [values[draws].mean(axis=1) for draws in draw_blocks(rng, values.size, samples)]
    return np.concatenate(means) if means else np.empty(0)

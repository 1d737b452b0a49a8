"""Per-customer computations on a Dask cluster: the buckets of `engine.buckets` mapped by the workers.

With ``run.scheduler`` (the `--scheduler` option of `run` and `batch`) set to a Dask scheduler's
address, `map_buckets_on` sends each bucket's path and the function to the workers, which read the
bucket from storage they share with the client (the project's cache folder on a shared disk, or any
path the workers see under the same name) and return the function's rows; the client concatenates
them in bucket order, so the result equals `buckets.map_buckets`'s, row for row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .buckets import PerCustomer, bucket_folders, empty_checks, read_bucket


def _apply(path: str, per_customer: PerCustomer, columns: list[str] | None) -> pd.DataFrame:
    return per_customer(read_bucket(Path(path), columns))


def connect_scheduler(address: str) -> Any:
    """A Dask client of the scheduler at `address` (dask.distributed is imported only when used)."""
    from distributed import Client

    return Client(address, set_as_default=False)


def map_buckets_on(client: Any, folder: Path, func: PerCustomer,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """`buckets.map_buckets` with the buckets mapped by the workers of the Dask `client`."""
    paths = [str(path) for path in bucket_folders(folder)]
    if not paths:
        return func(empty_checks(folder, columns))
    futures = client.map(_apply, paths, per_customer=func, columns=columns, pure=False)
    return pd.concat(client.gather(futures), ignore_index=True)

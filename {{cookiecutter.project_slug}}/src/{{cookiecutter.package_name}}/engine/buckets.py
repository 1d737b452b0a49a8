"""Identified checks bucketed by customer, and per-customer computations run bucket by bucket.

Most of what the sections compute per customer (RFM bases, purchase histories, windows around a join
or a campaign) depends on that customer's checks alone. Written once as Parquet partitioned by
``customer_bucket = hash(customer_id) % buckets``, every customer's checks sit in one bucket, so a
per-customer function gives the same rows applied bucket by bucket as on the whole table, and only a
bucket per thread is in memory at a time (``map_buckets``: as many threads as the run gives its kernel
and its budget allows, `Budget.bucket_threads`); on a Dask cluster the buckets are mapped in parallel
by the workers (``engine.cluster``). The function must be per-customer: its rows for a customer may
use only that customer's checks (quantiles over all customers are computed afterwards, on the
concatenated rows), and must not change what it shares with other calls (buckets run side by side).

The bucketing is DuckDB's: it streams the prepared checks and spills its hash tables to disk beyond
its memory limit (`engine.duck.connect`), so it needs no more memory than the budget gives it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import psutil
import pyarrow.parquet as pq

from ..core.memory import release_arrow_pool, release_freed
from .budget import Budget
from .duck import connect, quoted

BUCKET = "customer_bucket"
SOURCE = "_source.parquet"  # no rows: the prepared table's columns and pandas types
STAMP = "_stamp.txt"  # size and mtime of the prepared file the buckets were made from
ROW = "source_row"  # the check's row in the prepared file: a bucket is read back in that order
ROWS_PER_BUCKET = 1_000_000  # checks per bucket on average: a bucket's frames stay well under a GiB

PerCustomer = Callable[[pd.DataFrame], pd.DataFrame]


def bucket_count(checks: int, rows_per_bucket: int = ROWS_PER_BUCKET) -> int:
    """Buckets for `checks` identified checks: about `rows_per_bucket` each, at least one."""
    return max(1, -(-int(checks) // rows_per_bucket))


def write_buckets(checks: Path, target: Path, budget: Budget, buckets: int | None = None) -> Path:
    """The identified checks of the Parquet file `checks` as ``target/customer_bucket=<k>/*.parquet``
    (a folder made before is replaced).

    Written into a hidden folder of this process beside `target` and renamed when whole (a failed or
    interrupted run leaves no partial buckets). Anonymous checks (no customer_id) are left out.
    """
    rows = pq.ParquetFile(checks).metadata.num_rows
    buckets = buckets or bucket_count(rows)
    writing = target.with_name(f".{target.name}.{os.getpid()}.writing")
    shutil.rmtree(writing, ignore_errors=True)
    with connect(budget, spill=target.with_name(f".{target.name}.{os.getpid()}.spill")) as con:
        con.execute(
            f"COPY (SELECT * RENAME (file_row_number AS {ROW}), "
            f"CAST(hash(customer_id) % {int(buckets)} AS INTEGER) AS {BUCKET} "
            f"FROM read_parquet({quoted(checks)}, file_row_number = true) WHERE customer_id IS NOT NULL) "
            f"TO {quoted(writing)} (FORMAT parquet, PARTITION_BY ({BUCKET}))")
    writing.mkdir(exist_ok=True)  # no identified check: no bucket
    pq.write_table(pq.read_schema(checks).empty_table(), writing / SOURCE)
    (writing / STAMP).write_text(stamp(checks), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(writing, target)
    return target


def stamp(checks: Path) -> str:
    """What identifies the prepared file the buckets were made from (size and modification time)."""
    info = Path(checks).stat()
    return f"{info.st_size} {info.st_mtime_ns}"


def ensure_buckets(checks: Path, target: Path, budget: Budget) -> Path:
    """`target` as made from `checks`: reused when its stamp matches, else written anew. When another
    process finished the same buckets meanwhile, its folder is kept and this one's discarded."""
    def fresh() -> bool:
        marker = target / STAMP
        return marker.is_file() and marker.read_text(encoding="utf-8") == stamp(checks)

    if fresh():
        return target
    mine = write_buckets(checks, target.with_name(f".{target.name}.{os.getpid()}.done"), budget)
    if fresh():  # another process's buckets arrived meanwhile: the same rows, keep those
        shutil.rmtree(mine, ignore_errors=True)
        return target
    shutil.rmtree(target, ignore_errors=True)
    try:
        os.replace(mine, target)
    except OSError:
        shutil.rmtree(mine, ignore_errors=True)
    return target


def bucket_folders(folder: Path) -> list[Path]:
    """The bucket folders in bucket order."""
    found = [p for p in Path(folder).glob(f"{BUCKET}=*") if p.is_dir()]
    return sorted(found, key=lambda p: int(p.name.split("=", 1)[1]))


def read_bucket(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """One bucket's checks as the prepared table had them: same columns and types, rows in the file's
    order (so sums add in the same order as on the whole table, bit for bit)."""
    frame = pd.read_parquet(path, columns=None if columns is None else [*columns, ROW])
    frame = frame.sort_values(ROW, kind="stable").drop(columns=[ROW, BUCKET], errors="ignore")
    types = empty_checks(Path(path).parent, list(frame.columns)).dtypes
    return frame.astype(types.to_dict()).reset_index(drop=True)


def map_buckets(folder: Path, func: PerCustomer, columns: list[str] | None = None,
                trim_above: int | None = None, threads: int = 1) -> pd.DataFrame:
    """`func` applied to each bucket's checks, the results concatenated in bucket order; `threads`
    buckets at a time (threads of this process: Parquet reads and most of pandas' and numpy's loops
    release the GIL: two threads made a 10M client's passes 1.6-1.8 times faster in one process; one
    bucket more in memory each), the same rows as one at a time. With no bucket, `func` of an empty
    frame of the buckets' columns. After each bucket Arrow's freed blocks are handed back, and glibc's
    free lists too when the process holds more than `trim_above` bytes: otherwise the next bucket
    reuses them (pages handed back are faulted in again: after every bucket that cost the RFM section
    10% more time at 100M checks for 3% less memory)."""
    paths = bucket_folders(folder)
    if not paths:
        return func(empty_checks(folder, columns))

    def one(path: Path) -> pd.DataFrame:
        part = func(read_bucket(path, columns))  # the bucket's frame is freed as func returns
        if trim_above is not None and psutil.Process().memory_info().rss > trim_above:
            release_freed()
        else:
            release_arrow_pool()
        return part

    # the first bucket alone: it makes what the calls share and build on first use (an index's hash
    # table, a memo), which a second thread could otherwise find half made (pandas-dev/pandas#21150)
    parts = [one(paths[0])]
    if threads <= 1 or len(paths) == 1:
        return pd.concat(parts + [one(path) for path in paths[1:]], ignore_index=True)
    pool = ThreadPoolExecutor(min(threads, len(paths) - 1), thread_name_prefix="bucket")
    try:
        return pd.concat(parts + list(pool.map(one, paths[1:])), ignore_index=True)
    finally:  # after a failure, the buckets not started yet are not read
        pool.shutdown(wait=True, cancel_futures=True)


def empty_checks(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """No checks, with the columns and types of the table the buckets were written from."""
    empty = pd.read_parquet(Path(folder) / SOURCE)
    return empty if columns is None else empty[columns]

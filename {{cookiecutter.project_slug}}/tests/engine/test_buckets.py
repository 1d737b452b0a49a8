"""Checks bucketed by customer: the same rows as the prepared table, per-customer functions giving the
same result bucket by bucket as on the whole table (bit for bit), a small memory limit spilling to disk
instead of failing, reuse while the prepared file is unchanged, and the same buckets mapped by the
workers of a Dask cluster."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.engine.buckets import (
    STAMP,
    bucket_folders,
    ensure_buckets,
    map_buckets,
    read_bucket,
    write_buckets,
)
from {{ cookiecutter.package_name }}.engine.budget import Budget
from {{ cookiecutter.package_name }}.engine.customers import customer_checks
from {{ cookiecutter.package_name }}.sections.rfm.scoring import customer_rfm

GIB = 1 << 30
SNAPSHOT = pd.Timestamp("2024-12-31")


def prepared_checks(rows: int, customers: int, seed: int = 3) -> pd.DataFrame:
    """Checks as the prepared table holds them (string ids, some anonymous, returns among them)."""
    rng = np.random.default_rng(seed)
    ids = pd.array([f"C{n:07d}" for n in rng.integers(0, customers, rows)], dtype="string")
    ids[rng.random(rows) < 0.2] = pd.NA
    return pd.DataFrame({
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730 * 24, rows), unit="h"),
        "transaction_id": pd.array([f"T{n}" for n in range(rows)], dtype="string"),
        "customer_id": ids,
        "amount": np.round(rng.gamma(2.0, 700.0, rows) * np.where(rng.random(rows) < 0.03, -1, 1), 2),
        "loyalty_card": rng.random(rows) < 0.6,
    })


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cache")
    prepared_checks(60_000, 4_000).to_parquet(folder / "transactions.parquet")
    return folder


def test_buckets_hold_every_identified_check_once_with_its_types(cache, tmp_path):
    whole = pd.read_parquet(cache / "transactions.parquet")
    folder = write_buckets(cache / "transactions.parquet", tmp_path / "buckets", Budget(GIB, 8 * GIB), 5)
    assert len(bucket_folders(folder)) == 5
    parts = [read_bucket(path) for path in bucket_folders(folder)]
    ids = [set(part["customer_id"]) for part in parts]
    assert sum(len(i) for i in ids) == len(set().union(*ids))  # a customer in one bucket only
    got = pd.concat(parts).sort_values("transaction_id").reset_index(drop=True)
    expected = whole[whole["customer_id"].notna()].sort_values("transaction_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)


def test_a_per_customer_function_gives_the_same_rows_bit_for_bit(cache, tmp_path):
    whole = pd.read_parquet(cache / "transactions.parquet")
    folder = write_buckets(cache / "transactions.parquet", tmp_path / "buckets", Budget(GIB, 8 * GIB), 7)
    by_bucket = map_buckets(folder, partial(customer_rfm, snapshot=SNAPSHOT), ["customer_id", "date",
                                                                               "amount"])
    direct = customer_rfm(whole, SNAPSHOT)
    key = "customer_id"
    pd.testing.assert_frame_equal(by_bucket.sort_values(key).reset_index(drop=True),
                                  direct.sort_values(key).reset_index(drop=True), check_exact=True)


def test_a_small_memory_limit_spills_instead_of_failing(tmp_path):
    """1.5M checks of 300k customers hashed and written under a 64 MiB engine limit (the smallest):
    DuckDB's partitioned write spills; the rows all arrive."""
    source = tmp_path / "transactions.parquet"
    prepared_checks(1_500_000, 300_000, seed=11).to_parquet(source)
    folder = write_buckets(source, tmp_path / "buckets", Budget(64 << 20, 8 * GIB), 16)
    rows = sum(len(read_bucket(path, ["customer_id"])) for path in bucket_folders(folder))
    assert rows == pd.read_parquet(source, columns=["customer_id"])["customer_id"].notna().sum()
    assert not list(tmp_path.glob(".*spill")) and not list(tmp_path.glob(".*writing"))


def test_buckets_are_reused_until_the_prepared_file_changes(tmp_path):
    source = tmp_path / "transactions.parquet"
    prepared_checks(5_000, 400).to_parquet(source)
    folder = ensure_buckets(source, tmp_path / "buckets", Budget(GIB, 8 * GIB))
    made = (folder / STAMP).stat().st_mtime_ns
    assert ensure_buckets(source, tmp_path / "buckets", Budget(GIB, 8 * GIB)) == folder
    assert (folder / STAMP).stat().st_mtime_ns == made
    prepared_checks(6_000, 400, seed=4).to_parquet(source)  # new inputs prepared
    ensure_buckets(source, tmp_path / "buckets", Budget(GIB, 8 * GIB))
    assert sum(len(read_bucket(p)) for p in bucket_folders(folder)) == \
        pd.read_parquet(source)["customer_id"].notna().sum()


def test_the_source_follows_run_engine_min_checks(cache):
    def load():
        return pd.read_parquet(cache / "transactions.parquet")

    in_memory = customer_checks({"run": {"engine_min_checks": 60_000}}, cache, load)
    bucketed = customer_checks({"run": {"engine_min_checks": 59_999}}, cache, load)
    assert not in_memory.out_of_core and in_memory.frame is not None
    assert bucketed.out_of_core and bucketed.frame is None
    assert customer_checks({"run": {"engine_min_checks": 0}}, None, load).frame is not None
    func = partial(customer_rfm, snapshot=SNAPSHOT)
    pd.testing.assert_frame_equal(
        in_memory.apply(func).sort_values("customer_id").reset_index(drop=True),
        bucketed.apply(func, ["customer_id", "date", "amount"]).sort_values("customer_id")
        .reset_index(drop=True), check_exact=True)


def test_the_workers_of_a_dask_cluster_map_the_same_buckets(cache, tmp_path):
    distributed = pytest.importorskip("distributed")
    from {{ cookiecutter.package_name }}.engine.cluster import map_buckets_on

    folder = write_buckets(cache / "transactions.parquet", tmp_path / "buckets", Budget(GIB, 8 * GIB), 6)
    func = partial(customer_rfm, snapshot=SNAPSHOT)
    local = map_buckets(folder, func, ["customer_id", "date", "amount"])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = map_buckets_on(client, folder, func, ["customer_id", "date", "amount"])
    pd.testing.assert_frame_equal(remote, local, check_exact=True)

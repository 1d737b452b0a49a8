"""Checks bucketed by customer: the same rows as the prepared table, per-customer functions giving the
same result bucket by bucket as on the whole table (bit for bit), a small memory limit spilling to disk
instead of failing, reuse while the prepared file is unchanged, and the same buckets mapped by the
workers of a Dask cluster."""

from __future__ import annotations

import json
import threading
from functools import partial
from itertools import count

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.conditions import CONDITIONS, Facts, missing, record_facts
from {{ cookiecutter.package_name }}.core.keys import positions_in
from {{ cookiecutter.package_name }}.core.membership import join_dates
from {{ cookiecutter.package_name }}.engine.buckets import (
    STAMP,
    bucket_folders,
    ensure_buckets,
    map_buckets,
    read_bucket,
    write_buckets,
)
from {{ cookiecutter.package_name }}.engine.budget import Budget
from {{ cookiecutter.package_name }}.engine.customers import BUCKETS, customer_checks
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


def test_buckets_mapped_side_by_side_give_the_same_rows_in_bucket_order(cache, tmp_path):
    """Threads map buckets at once (the first two calls wait for each other: they would never meet
    one at a time); the rows and their order are those of one bucket at a time, bit for bit."""
    folder = write_buckets(cache / "transactions.parquet", tmp_path / "buckets", Budget(GIB, 8 * GIB), 7)
    columns = ["customer_id", "date", "amount"]
    alone = map_buckets(folder, partial(customer_rfm, snapshot=SNAPSHOT), columns)
    meeting = threading.Barrier(2, timeout=30)
    calls = []

    def rfm_after_meeting(checks: pd.DataFrame) -> pd.DataFrame:
        calls.append(threading.current_thread().name)
        if 2 <= len(calls) <= 3:  # the first bucket runs alone, then two at a time
            meeting.wait()
        return customer_rfm(checks, SNAPSHOT)

    side_by_side = map_buckets(folder, rfm_after_meeting, columns, threads=3)
    assert len(calls) == 7 and calls[0] == threading.current_thread().name and len(set(calls[1:])) > 1
    pd.testing.assert_frame_equal(side_by_side, alone, check_exact=True)
    pd.testing.assert_frame_equal(map_buckets(folder, partial(customer_rfm, snapshot=SNAPSHOT), columns,
                                              threads=16), alone, check_exact=True)


def test_what_the_buckets_share_is_made_before_they_run_side_by_side(cache, tmp_path):
    """A float index of customer numbers shared by every bucket's call builds its hash table on first
    use; with pandas 2.x two threads building it at once saw it half made (pandas-dev/pandas#21150:
    "Reindexing only valid with uniquely valued Index objects" in one of them, 5 times in 5 with 2M
    numbers; pandas 3 builds it whole before sharing it). The first bucket runs alone, so the lookups
    all succeed and agree."""
    folder = write_buckets(cache / "transactions.parquet", tmp_path / "buckets", Budget(GIB, 8 * GIB), 5)
    rng = np.random.default_rng(1)
    numbers = np.sort(rng.choice(5_000_000, 2_000_000, replace=False)).astype(float)
    shared = pd.Index(numbers.copy())
    probe = pd.Series(rng.choice(numbers, 300_000))
    expected = np.searchsorted(numbers, probe.to_numpy())

    caller, meeting, on_threads = threading.current_thread(), threading.Barrier(2, timeout=30), count()

    def look_up(checks: pd.DataFrame) -> pd.DataFrame:
        if threading.current_thread() is not caller and next(on_threads) < 2:
            meeting.wait()  # two threads' first calls start their lookups together
        found = positions_in(shared)(probe) if positions_in(shared).numbered() else None
        return pd.DataFrame({"same": [found is not None and np.array_equal(found, expected)]})

    assert map_buckets(folder, look_up, ["customer_id"], threads=2)["same"].tolist() == [True] * 5


def test_a_bucket_that_fails_fails_the_map_side_by_side_too(cache, tmp_path):
    folder = write_buckets(cache / "transactions.parquet", tmp_path / "buckets", Budget(GIB, 8 * GIB), 7)
    seen = []

    def fails_on_the_third(checks: pd.DataFrame) -> pd.DataFrame:
        seen.append(len(checks))
        if len(seen) == 3:
            raise ValueError("bad bucket")
        return checks.head(1)

    with pytest.raises(ValueError, match="bad bucket"):
        map_buckets(folder, fails_on_the_third, ["customer_id"], threads=2)


def test_freed_memory_is_handed_back_after_a_bucket_only_above_the_threshold(cache, tmp_path, monkeypatch):
    """glibc's free lists are trimmed after a bucket when the process holds more than `trim_above`
    (a tight budget), never without one; the rows are the same either way."""
    from {{ cookiecutter.package_name }}.engine import buckets

    folder = write_buckets(cache / "transactions.parquet", tmp_path / "buckets", Budget(GIB, 8 * GIB), 4)
    trims = []
    monkeypatch.setattr(buckets, "release_freed", lambda: trims.append(1))
    func = partial(customer_rfm, snapshot=SNAPSHOT)
    columns = ["customer_id", "date", "amount"]
    loose = map_buckets(folder, func, columns)
    assert trims == []
    assert map_buckets(folder, func, columns, trim_above=1 << 50).equals(loose) and trims == []
    tight = map_buckets(folder, func, columns, trim_above=0)
    assert len(trims) == 4
    pd.testing.assert_frame_equal(tight, loose, check_exact=True)


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


class Context:
    """What `customer_checks` reads of a run context: config, cache folder, tables, preparation."""

    def __init__(self, cache, min_checks, facts=None):
        self.config, self.cache_dir = {"run": {"engine_min_checks": min_checks}}, cache
        self.facts, self.threads = facts, 1

    def table(self, name, columns=None, categories=()):  # columns, categories: the whole table will do
        path = self.cache_dir / f"{name}.parquet"
        return pd.read_parquet(path) if path.is_file() else None

    def preparation(self):
        return {"requirements": self.facts}


def test_the_source_follows_run_engine_min_checks(cache):
    in_memory = customer_checks(Context(cache, 60_000))
    bucketed = customer_checks(Context(cache, 59_999))
    assert not in_memory.out_of_core and in_memory.frame is not None
    assert bucketed.out_of_core and bucketed.frame is None
    assert not customer_checks(Context(cache.parent / "none", 0)).out_of_core  # nothing prepared
    func = partial(customer_rfm, snapshot=SNAPSHOT)
    pd.testing.assert_frame_equal(
        in_memory.apply(func).sort_values("customer_id").reset_index(drop=True),
        bucketed.apply(func, ["customer_id", "date", "amount"]).sort_values("customer_id")
        .reset_index(drop=True), check_exact=True)
    # the membership rule's loyalty-card part (no join dates in a customers table) bucket by bucket
    pd.testing.assert_series_equal(bucketed.join_dates(None), in_memory.join_dates(None))
    joined = pd.DataFrame({"customer_id": ["C0000001"], "joined_program_at": [pd.Timestamp("2024-02-03")]})
    pd.testing.assert_series_equal(bucketed.join_dates(joined), join_dates(joined))


def test_checks_without_customer_ids_are_not_bucketed(cache, tmp_path):
    """A store-level export (no customer_id column) above the threshold: nothing is per customer, so
    no buckets, and the sections read its checks as they are (before: DuckDB failed on the column)."""
    folder = tmp_path / "no_ids"
    folder.mkdir()
    checks = pd.read_parquet(cache / "transactions.parquet").drop(columns="customer_id")
    checks.to_parquet(folder / "transactions.parquet")
    source = customer_checks(Context(folder, 0))
    assert not source.out_of_core and not (folder / BUCKETS).exists()
    pd.testing.assert_frame_equal(source.frame, checks)


def test_requirements_checked_on_recorded_facts_say_what_the_tables_say(cache):
    checks = pd.read_parquet(cache / "transactions.parquet")
    shapes = {
        "all": {"transactions": checks, "customers": None, "campaigns": None, "points": None},
        "anonymous": {"transactions": checks.assign(customer_id=pd.NA), "customers": None},
        "one store, no card": {"transactions": checks.drop(columns="loyalty_card").assign(store_id="s1"),
                               "customers": pd.DataFrame({"customer_id": ["C0000001"]})},
        "no rows": {"transactions": checks.iloc[:0], "campaigns": pd.DataFrame({"group": ["test"]})},
    }
    requirements = [(t, cols, cond) for t, cols in (("transactions", ("customer_id", "date")),
                                                     ("customers", ("joined_program_at",)),
                                                     ("campaigns", ()), ("points", ()))
                    for cond in (None, *CONDITIONS)]
    for name, tables in shapes.items():
        facts = Facts.from_json(json.loads(json.dumps(record_facts(tables).to_json())))
        for table, columns, condition in requirements:
            assert missing(facts, table, columns, condition) == missing(tables, table, columns, condition), \
                (name, table, condition)


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

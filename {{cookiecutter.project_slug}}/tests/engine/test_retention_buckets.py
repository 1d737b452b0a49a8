"""The retention section on checks bucketed by customer (several buckets, never the whole table in
memory) gives the headline, tables and sentences of the in-memory section, for each way membership is
known; and each measure's per-bucket parts combine to the measure of the whole table."""

from __future__ import annotations

from functools import partial

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.checks import identified_checks
from {{ cookiecutter.package_name }}.core.conditions import record_facts
from {{ cookiecutter.package_name }}.core.membership import join_dates
from {{ cookiecutter.package_name }}.engine.buckets import map_buckets, write_buckets
from {{ cookiecutter.package_name }}.engine.budget import Budget
from {{ cookiecutter.package_name }}.engine.customers import BUCKETS
from {{ cookiecutter.package_name }}.sections import retention
from {{ cookiecutter.package_name }}.sections.steps import Chart, Say, Skip, Table

from ..sections.retention.context_double import PERIOD, sample_tables

GIB = 1 << 30
BUCKET_COUNT = 7  # several buckets: a customer's checks in one of them, the cells of a cohort in many
CONFIG = {"retention": {"churn_days": 90, "before_after_days": 60}}
START, END = (pd.Timestamp(day) for day in PERIOD)


def shapes() -> dict[str, dict[str, pd.DataFrame | None]]:
    """The sample client with join dates, with loyalty cards only, and with no membership at all."""
    tables = sample_tables(customers=600, seed=8)
    return {"join dates": tables,
            "loyalty card": {**tables, "customers": tables["customers"].drop(columns="joined_program_at")},
            "unknown": {"transactions": tables["transactions"].drop(columns="loyalty_card"),
                        "customers": None}}


class Context:
    """What the section reads of a run context (`run.context.RunContext`): config, period, cache
    folder with the prepared checks, the other tables, the requirement facts. Out of core (every
    client above `engine_min_checks` = 0 checks) it refuses to hand out the checks table."""

    def __init__(self, cache, tables, out_of_core):
        self.config = {**CONFIG, "run": {"engine_min_checks": 0 if out_of_core else 10**9}}
        self.cache_dir, self.tables, self.out_of_core = cache, tables, out_of_core
        self.period = (START, END)
        self.threads = 2  # out of core, buckets mapped side by side

    def table(self, name, columns=None, categories=()):  # columns, categories: the whole table will do
        if name == "transactions":
            assert not self.out_of_core, "the out-of-core section loaded the whole checks table"
            return pd.read_parquet(self.cache_dir / "transactions.parquet")
        frame = self.tables.get(name)
        return None if frame is None else frame.copy()

    def preparation(self):
        return {"requirements": record_facts(self.tables).to_json()}


@pytest.fixture(scope="module", params=list(shapes()))
def contexts(request, tmp_path_factory):
    """(in-memory context, bucketed context) over the same prepared checks."""
    tables = shapes()[request.param]
    cache = tmp_path_factory.mktemp("cache")
    tables["transactions"].to_parquet(cache / "transactions.parquet")
    # made beforehand with several buckets (the run would make one for so few checks); reused as made
    write_buckets(cache / "transactions.parquet", cache / BUCKETS, Budget(GIB, 8 * GIB), BUCKET_COUNT)
    return Context(cache, tables, False), Context(cache, tables, True)


def shown(result):
    """Every item of every step as (step, kind, name, rendered text): captions, sentences, skips."""
    rows = []
    for step in result.steps.values():
        for item in step.items:
            text = {Table: "caption", Chart: "caption", Say: "text", Skip: "reason"}[type(item)]
            rows.append((step.name, type(item).__name__, getattr(item, "name", None),
                         getattr(item, text).render()))
    return rows


def tables(result):
    return {item.name: item.frame for step in result.steps.values() for item in step.items
            if isinstance(item, Table)}


def test_the_section_out_of_core_equals_the_section_in_memory(contexts):
    in_memory, bucketed = contexts
    expected, got = retention.run(in_memory), retention.run(bucketed)
    assert retention.inputs(bucketed).source.out_of_core and retention.inputs(bucketed).checks.empty
    assert got.headline == expected.headline  # counts, and per-member rows in the same order: exact
    assert shown(got) == shown(expected)
    assert list(tables(got)) == list(tables(expected))
    for name, frame in tables(expected).items():
        # a revenue cohort cell sums checks of many customers: bucket by bucket the partial sums
        # add in another order, which may change the last bits; every other table is counts, ratios
        # of counts, or per-member rows in the same order, equal bit for bit
        exact = not name.startswith("cohorts_revenue")
        pd.testing.assert_frame_equal(tables(got)[name], frame, check_exact=exact, rtol=1e-9, obj=name)


def test_each_measure_combines_from_its_bucket_parts(contexts):
    """The parts each step computes per bucket (cohort cells, monthly and window counts, per-member
    rows) combine to the public functions' results on the whole table."""
    in_memory, bucketed = contexts
    checks = identified_checks(in_memory.table("transactions"))
    joins = join_dates(in_memory.tables["customers"], in_memory.table("transactions"))
    folder = bucketed.cache_dir / BUCKETS

    def per_bucket(func):
        return map_buckets(folder, lambda frame: func(identified_checks(frame)), ["customer_id", "date",
                                                                                   "amount"])

    cells = per_bucket(partial(retention.group_cohort_cells, joins=joins, end=END))
    assert cells["group"].nunique() == (1 if joins is None else 2)
    for group, ids in retention.customer_groups(checks, joins, END).items():
        whole = retention.cohort_matrices(checks, ids, END)
        parts = retention.matrices_from_cells(cells[cells["group"] == group])
        pd.testing.assert_frame_equal(parts.customers, whole.customers, check_exact=True)
        pd.testing.assert_series_equal(parts.sizes, whole.sizes, check_exact=True)
        pd.testing.assert_frame_equal(parts.revenue, whole.revenue, check_exact=False, rtol=1e-9)
    monthly = per_bucket(partial(retention.monthly_counts, joins=joins, churn_days=90, start=START, end=END))
    pd.testing.assert_frame_equal(retention.monthly_table(monthly),
                                  retention.monthly_retention(checks, joins, 90, START, END),
                                  check_exact=True)
    window = per_bucket(partial(retention.window_counts, joins=joins, churn_days=90, start=START, end=END))
    expected = retention.retention_headline(checks, joins, 90, START, END)
    assert retention.window_headline(window, 90) == expected
    if joins is not None:
        rows = per_bucket(partial(retention.before_after_joining, joins=joins, window_days=60, start=START,
                                  end=END))
        pd.testing.assert_frame_equal(retention.joining_rows(rows),
                                      retention.before_after_joining(checks, joins, 60, START, END),
                                      check_exact=True)

"""Through `run`: the sample client with every out-of-core section computed out of memory (`runs`,
conftest.py) writes the same kpis.json blocks and the same tables as the in-memory run (`demo_run`)."""

from __future__ import annotations

import pandas as pd

from .bundles import sheet

RETENTION = {"cohorts_customers_members", "cohorts_customers_non_members", "cohorts_revenue_members",
             "cohorts_revenue_non_members", "retention_monthly", "retention_by_group",
             "retention_before_after"}


def test_data_quality_and_rfm_equal_the_in_memory_run(runs):
    assert runs.kpis["rfm"] == runs.memory["rfm"]  # bit for bit: the same sums in the same order
    assert runs.kpis["data_quality"] == runs.memory["data_quality"]
    for name in ("rfm_segments", "rfm_migration_matrix", "rfm_customer_segments", "quality_inputs",
                 "quality_missing_values"):
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name), obj=name)


def test_retention_equals_the_in_memory_run(runs):
    # bit for bit: counts of customers, and per-member rows summed in the same order
    assert runs.kpis["retention"] == runs.memory["retention"]
    for name in sorted(RETENTION):
        # a revenue cohort cell sums the checks of many customers, bucket by bucket: partial sums added
        # in another order may differ in the last bits; every other table is exact
        exact = not name.startswith("cohorts_revenue")
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name),
                                      check_exact=exact, rtol=1e-9, obj=name)


def clv_sheets(bundle) -> list[str]:
    return [s for s in pd.ExcelFile(bundle / "tables.xlsx").sheet_names if s.startswith("clv")]


def test_clv_equals_the_in_memory_run(runs):
    assert runs.kpis["clv"] == runs.memory["clv"]  # bit for bit: the same summaries in the same order
    assert runs.memory["clv"]["mean_clv"] is not None
    sheets = clv_sheets(runs.memory_bundle)
    assert {"clv_inputs", "clv_model_fits", "clv_holdout", "clv_by_p_alive"} <= set(sheets)
    assert clv_sheets(runs.bundle) == sheets
    for name in sheets:
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name), obj=name)
    exports = sorted(path.name for path in runs.memory_bundle.glob("exports/clv_*.csv"))
    assert sorted(path.name for path in runs.bundle.glob("exports/clv_*.csv")) == exports
    for name in exports:  # long per-customer lists go to csv files instead of sheets
        pd.testing.assert_frame_equal(pd.read_csv(runs.bundle / "exports" / name),
                                      pd.read_csv(runs.memory_bundle / "exports" / name))

"""run.memory_limit: shares and sizes, the engine's part, and the second kernel only when both fit."""

import pytest

from {{ cookiecutter.package_name }}.engine.budget import (
    BESIDE_KERNEL_BYTES,
    BUCKET_BYTES,
    KERNEL_BASE_BYTES,
    KERNEL_BYTES_PER_CHECK,
    KERNEL_BYTES_PER_CHECK_OUT_OF_CORE,
    Budget,
    BudgetError,
    parse_limit,
)
from {{ cookiecutter.package_name }}.engine.customers import CustomerChecks
from {{ cookiecutter.package_name }}.run import kernels
from {{ cookiecutter.package_name }}.run.kernels import kernel_count

GIB = 1 << 30


@pytest.mark.parametrize(("text", "expected"), [
    ("60%", int(0.6 * 16 * GIB)), ("100%", 16 * GIB), ("6GiB", 6 * GIB), ("6 GB", 6 * 10**9),
    ("512MiB", 512 << 20), ("1.5GiB", int(1.5 * GIB)), (4096, 4096), ("4096", 4096),
])
def test_shares_and_sizes(text, expected):
    assert parse_limit(text, 16 * GIB) == expected


@pytest.mark.parametrize("text", ["lots", "0%", "150%", "6 XB", ""])
def test_what_is_neither_is_refused_with_the_value(text):
    with pytest.raises(BudgetError, match="run.memory_limit"):
        parse_limit(text or "?", 16 * GIB)


def test_the_default_is_sixty_percent_of_the_ram():
    budget = Budget.from_config({"run": {}}, total=10 * GIB)
    assert budget.limit == 6 * GIB
    assert budget.engine_limit() == "3072MiB"  # half of the budget for the engine


def test_a_second_kernel_only_when_both_fit():
    checks = 10_000_000
    need = KERNEL_BASE_BYTES + KERNEL_BYTES_PER_CHECK * checks
    assert Budget(2 * need, 16 * GIB).kernels_that_fit(checks, 2) == 2
    assert Budget(2 * need - 1, 16 * GIB).kernels_that_fit(checks, 2) == 1
    assert Budget(need // 2, 16 * GIB).kernels_that_fit(checks, 2) == 1  # never none


def test_kernel_count_honours_the_memory_limit(monkeypatch):
    monkeypatch.setattr(kernels, "available_cores", lambda: 2)
    run = {"kernels": "auto", "share_kernel": True, "parallel_max_checks": 10**9}
    assert kernel_count({"run": {**run, "memory_limit": "64GiB"}}, 1_000_000, 6) == 2
    assert kernel_count({"run": {**run, "memory_limit": "1GiB"}}, 1_000_000, 6) == 1


def test_out_of_core_kernels_hold_a_bucket_and_per_customer_rows(monkeypatch):
    """A client computed out of core gets two kernels when their needs (a bucket of checks and rows
    per customer, not the checks) fit, whatever run.parallel_max_checks says of checks in memory."""
    monkeypatch.setattr(kernels, "available_cores", lambda: 2)
    checks = 100_000_000
    budget = Budget.from_config({"run": {}}, total=24 * GIB)
    assert budget.kernel_need(checks, out_of_core=True) == (KERNEL_BASE_BYTES + BUCKET_BYTES
                                                            + KERNEL_BYTES_PER_CHECK_OUT_OF_CORE * checks)
    assert budget.kernel_need(checks, out_of_core=True) < budget.kernel_need(checks) // 5
    run = {"kernels": "auto", "share_kernel": True, "parallel_max_checks": 3_000_000}
    assert kernel_count({"run": {**run, "memory_limit": "14GiB"}}, checks, 6, out_of_core=True) == 2
    assert kernel_count({"run": {**run, "memory_limit": "8GiB"}}, checks, 6, out_of_core=True) == 1
    assert kernel_count({"run": {**run, "memory_limit": "8GiB"}}, 10_000_000, 6, out_of_core=True) == 2
    assert kernel_count({"run": {**run, "memory_limit": "8GiB"}}, 10_000_000, 6) == 1  # in memory


def test_a_kernel_maps_as_many_buckets_side_by_side_as_its_cores_and_budget_allow():
    """Each bucket in flight holds about BUCKET_BYTES beside what the kernel (and the runner) hold:
    under a 2 GiB budget a kernel holding 0.8 GiB maps three at a time when it has the cores, two on
    two cores; holding 1.5 GiB, one at a time."""
    assert BUCKET_BYTES == 350_000_000
    assert Budget(2 * GIB, 16 * GIB).bucket_threads(int(0.8 * GIB), 4) == 3  # 1.2 GiB spare
    assert Budget(2 * GIB, 16 * GIB).bucket_threads(int(0.8 * GIB), 2) == 2  # the cores given bound it
    assert Budget(2 * GIB, 16 * GIB).bucket_threads(int(1.5 * GIB), 4) == 1  # 0.5 GiB: one bucket
    assert Budget(2 * GIB, 16 * GIB).bucket_threads(3 * GIB, 4) == 1  # over budget already: never none
    assert Budget(2 * BUCKET_BYTES, 16 * GIB).bucket_threads(0, 4) == 2
    assert Budget(2 * BUCKET_BYTES - 1, 16 * GIB).bucket_threads(0, 4) == 1


def test_a_pass_maps_buckets_side_by_side_only_while_they_fit_beside_what_the_kernel_holds(tmp_path):
    """`CustomerChecks.threads_now`: this process's resident size and what runs beside it, against
    the budget; no budget or one core: one bucket at a time."""
    import psutil

    held = psutil.Process().memory_info().rss + BESIDE_KERNEL_BYTES
    roomy = CustomerChecks(buckets=tmp_path, threads=2, budget=Budget(held + 4 * BUCKET_BYTES, 16 * GIB))
    tight = CustomerChecks(buckets=tmp_path, threads=2, budget=Budget(held + BUCKET_BYTES // 2, 16 * GIB))
    assert roomy.threads_now() == 2 and tight.threads_now() == 1
    assert CustomerChecks(buckets=tmp_path, threads=2).threads_now() == 1
    assert CustomerChecks(buckets=tmp_path, threads=1, budget=roomy.budget).threads_now() == 1

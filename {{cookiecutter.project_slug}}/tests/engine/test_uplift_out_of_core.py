"""The uplift section out of memory: a big client's checks left on disk (per-customer parts bucket by
bucket, the anonymous checks' parts chunk by chunk) give the headline, sentences, tables and target
list of the in-memory section bit for bit; and through `run` (the `runs` fixture, conftest.py) the
kpis.json block and the tables and exports of the in-memory run."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.engine import customers
from {{ cookiecutter.package_name }}.engine.buckets import bucket_folders, write_buckets
from {{ cookiecutter.package_name }}.engine.budget import Budget
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.sections import uplift
from {{ cookiecutter.package_name }}.sections.steps import Say, Skip, Table
from {{ cookiecutter.package_name }}.sections.uplift.checks import Checks, exact_parts, exact_total
from {{ cookiecutter.package_name }}.sections.uplift.economics import economics
from {{ cookiecutter.package_name }}.sections.uplift.member_effect import member_effect_analysis, naive_uplift_from_data
from {{ cookiecutter.package_name }}.sections.uplift.regions import regional_did
from {{ cookiecutter.package_name }}.sections.uplift.settings import Program, Settings

from .bundles import sheet
from .contexts import DiskContext

GIB = 1 << 30




def items(step):
    return [(type(item).__name__, getattr(item, "name", None), getattr(item, "text", None),
             getattr(item, "reason", None)) for item in step.items if isinstance(item, Say | Skip | Table)]


@pytest.fixture(scope="module")
def prepared_sample(sample_project):
    project, _ = sample_project
    config = load_config(project, "demo")
    return config, prepare(project, config)


def bucketed_checks(checks: pd.DataFrame, folder) -> Checks:
    """`checks` written as a prepared file and bucketed into 5 buckets, as the section reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    checks.to_parquet(folder / "transactions.parquet")
    prepared = folder / "transactions.parquet"
    buckets = write_buckets(prepared, folder / customers.BUCKETS, Budget(GIB, 8 * GIB), 5)
    return Checks(customers.CustomerChecks(buckets=buckets, prepared=prepared))


def test_regions_from_home_regions_and_card_members_out_of_core(prepared_sample, tmp_path, monkeypatch):
    """Checks without their own region (the customers' home regions) and members known only by
    their loyalty cards: the regional design, the naive gap, the member designs and the economics."""
    config, prepared = prepared_sample
    monkeypatch.setattr(customers, "CHUNK_ROWS", 3_000)
    checks = prepared.table("transactions").drop(columns="region")
    people = prepared.table("customers")
    disk = bucketed_checks(checks, tmp_path / "cache")
    period = prepared.period_timestamps
    regions = sorted(people["region"].dropna().unique())
    launches = {region: pd.Timestamp("2024-01-01" if k % 2 else "2024-08-01")
                for k, region in enumerate(regions)}
    settings = Settings(bootstrap_samples=60)
    ours, theirs = (regional_did(source, people, launches, period, settings) for source in (checks, disk))
    assert ours["estimate"] is not None and ours["estimate"] == theirs["estimate"]
    assert (ours["ci_low"], ours["ci_high"]) == (theirs["ci_low"], theirs["ci_high"])
    pd.testing.assert_frame_equal(theirs["cohorts"], ours["cohorts"], check_exact=True)
    cards = people.drop(columns="joined_program_at")  # members by their first loyalty-card check
    since = pd.Timestamp("2024-01-01")
    assert naive_uplift_from_data(disk, cards, since) == naive_uplift_from_data(checks, cards, since)
    member, other = (member_effect_analysis(source, cards, period, settings) for source in (checks, disk))
    assert member["did"]["effect"]["estimate"] is not None
    assert json.dumps(other["did"]["effect"]) == json.dumps(member["did"]["effect"])
    assert json.dumps(other["matched"]["effect"]) == json.dumps(member["matched"]["effect"])
    pd.testing.assert_frame_equal(other["event_study"], member["event_study"], check_exact=True)
    program = Program(monthly_cost=1000.0)
    without_ledger = [economics(source, cards, None, 0.1, program, period) for source in (checks, disk)]
    assert without_ledger[0]["points_redeemed"] is not None and without_ledger[0] == without_ledger[1]


@pytest.fixture(scope="module")
def both(sample_project, tmp_path_factory):
    """The section run in memory and out of core (5 buckets, chunks of 4,000 checks) on the sample."""
    project, _ = sample_project
    config = load_config(project, "demo")
    prepared = prepare(project, config)
    regions = sorted(prepared.table("customers")["region"].dropna().unique())
    launches = {region: "2024-01-01" if k % 2 else "2024-08-01" for k, region in enumerate(regions)}
    config["uplift"] = {**config["uplift"], "bootstrap_samples": 100, "targeting_bootstrap_samples": 50,
                        "targeting_min_customers": 20,
                        "region_launch_dates": launches}  # a staggered launch: the regional design
    cache = tmp_path_factory.mktemp("uplift_cache") / "cache"
    shutil.copytree(prepared.cache_dir, cache, ignore=shutil.ignore_patterns("buckets"))
    period = tuple(pd.Timestamp(day) for day in prepared.period)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(customers, "CHUNK_ROWS", 4_000)
        patch.setattr("{{ cookiecutter.package_name }}.engine.buckets.bucket_count", lambda rows: 5)
        memory = uplift.run(DiskContext(config, cache, period, out_of_core=False))
        disk = uplift.run(DiskContext(config, cache, period, out_of_core=True))
    assert len(bucket_folders(cache / customers.BUCKETS)) == 5
    return memory, disk


def test_the_section_out_of_core_equals_the_section_in_memory(both):
    memory, disk = both
    assert json.dumps(disk.headline) == json.dumps(memory.headline)  # bit for bit
    headline = memory.headline
    assert headline["naive"] is not None and headline["did"]["estimate"] is not None
    assert headline["regional"]["estimate"] is not None and headline["roi"] is not None
    assert any(block["targeting"]["reason"] is None for block in headline["campaigns"].values())
    targets = memory.steps["campaign_targeting"]["targeting"]["targets"]
    assert targets is not None and len(targets) > 1000  # every identified customer scored
    pd.testing.assert_frame_equal(disk.steps["campaign_targeting"]["targeting"]["targets"], targets,
                                  check_exact=True)
    for name, step in memory.steps.items():
        assert items(disk.steps[name]) == items(step), name
        for ours, theirs in zip([i for i in disk.steps[name].items if isinstance(i, Table)],
                                [i for i in step.items if isinstance(i, Table)], strict=True):
            pd.testing.assert_frame_equal(ours.frame, theirs.frame, check_exact=True, obj=ours.name)
    member, theirs = memory.steps["member_effects"]["member"], disk.steps["member_effects"]["member"]
    for design in ("matched", "did"):  # the same rows in the same order: the same pairs and draws
        pd.testing.assert_frame_equal(theirs[design]["sample"], member[design]["sample"], check_exact=True)
        pd.testing.assert_frame_equal(theirs[design]["pairs"], member[design]["pairs"], check_exact=True)
    pd.testing.assert_frame_equal(disk.steps["campaign_tests"]["outcomes"],
                                  memory.steps["campaign_tests"]["outcomes"], check_exact=True)


def test_exact_parts_add_up_the_same_whatever_the_chunks():
    values = [0.1] * 10 + [1e16, 1.0, -1e16, 3.3, 1e-3]
    whole = exact_total([exact_parts(values)])
    chunks = (values[:3], values[3:12], values[12:])
    assert whole == exact_total([exact_parts(chunk) for chunk in chunks])
    assert whole == pytest.approx(5.301)
    assert exact_parts([]) == []


# the sample's regions launch at once: no regional table here (the section test above has one)
UPLIFT = ("uplift_member_effects", "uplift_balance", "uplift_support", "uplift_event_study",
          "uplift_campaigns", "uplift_economics")


def uplift_sheets(bundle) -> list[str]:
    return [s for s in pd.ExcelFile(bundle / "tables.xlsx").sheet_names if s.startswith("uplift")]


def test_uplift_through_run_equals_the_in_memory_run(runs):
    assert runs.kpis["uplift"] == runs.memory["uplift"]  # bit for bit
    assert runs.memory["uplift"]["did"]["estimate"] is not None
    sheets = uplift_sheets(runs.memory_bundle)
    assert set(UPLIFT) <= set(sheets)
    assert uplift_sheets(runs.bundle) == sheets
    for name in sheets:
        pd.testing.assert_frame_equal(sheet(runs.bundle, name), sheet(runs.memory_bundle, name), obj=name)
    exports = sorted(path.name for path in runs.memory_bundle.glob("exports/uplift_*.csv"))
    assert sorted(path.name for path in runs.bundle.glob("exports/uplift_*.csv")) == exports
    for name in exports:
        pd.testing.assert_frame_equal(pd.read_csv(runs.bundle / "exports" / name),
                                      pd.read_csv(runs.memory_bundle / "exports" / name))

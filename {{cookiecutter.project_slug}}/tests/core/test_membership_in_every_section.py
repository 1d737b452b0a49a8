"""One membership rule in every section: a client whose customers table has no join dates but whose
checks carry the loyalty card gets member results in every section, from the first card check.

Before the rule lived in core/membership.py, the program section used the card fallback while the
retention, RFM, CLV and uplift sections required join dates: such a client got member KPIs in one
section and "no join dates" in the others.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import synthetic
from {{ cookiecutter.package_name }}.core.membership import MEMBERS, NON_MEMBERS
from {{ cookiecutter.package_name }}.run.context import open_run
from {{ cookiecutter.package_name }}.sections import get

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def card_only(tmp_path_factory):
    """The sample client without the customers' join-date column: membership from the loyalty card."""
    project = tmp_path_factory.mktemp("cards")
    shutil.copytree(PROJECT / "config", project / "config")
    synthetic.generate(project / "data" / "raw" / "demo", n_customers=600, seed=11)
    config = project / "config" / "clients" / "demo.yaml"
    text = config.read_text(encoding="utf-8")
    assert "      loyalty_join_date: joined_program_at\n" in text
    config.write_text(text.replace("      loyalty_join_date: joined_program_at\n", ""), encoding="utf-8")
    return open_run("demo", "", str(project))


def card_members(ctx) -> set[str]:
    """Independently of the package: customers with a card check on or before the period end."""
    checks = ctx.table("transactions")
    carded = checks[checks["loyalty_card"].fillna(False).astype(bool) & checks["customer_id"].notna()
                    & (checks["date"] <= ctx.period[1] + pd.Timedelta(days=1))]
    return set(carded["customer_id"].astype(str))


def test_the_customers_table_has_no_join_dates(card_only):
    assert "joined_program_at" not in card_only.table("customers").columns
    assert len(card_members(card_only)) > 50


def test_program_counts_card_members(card_only):
    headline = get("program").run(card_only).headline
    assert headline["members"] == len(card_members(card_only))
    assert headline["avg_check"]["members"] is not None and headline["avg_check"]["non_members"] is not None


def test_retention_splits_members_and_non_members(card_only):
    headline = get("retention").run(card_only).headline
    # monthly rates pooled over the last 12 months: members on each month's start day (the window's
    # own split is null here: nobody had shown a card yet on its first day, the launch day)
    monthly = headline["monthly"]
    assert monthly[MEMBERS]["churn_rate"] is not None and monthly[NON_MEMBERS]["churn_rate"] is not None
    assert monthly[MEMBERS]["churn_rate"] != monthly[NON_MEMBERS]["churn_rate"]
    assert headline["before_after"]["customers"] > 0


def test_rfm_clv_and_uplift_see_the_same_members(card_only):
    rfm = get("rfm").run(card_only)
    mix = rfm.steps["member_mix"].tables()
    assert mix and int(next(iter(mix.values()))["members"].sum()) > 0
    clv = get("clv").run(card_only)
    by_membership = clv.steps["members"].tables()
    assert by_membership, [t.render() for t in clv.steps["members"].skipped]
    uplift = get("uplift").run(card_only).headline
    assert uplift["naive"] is not None

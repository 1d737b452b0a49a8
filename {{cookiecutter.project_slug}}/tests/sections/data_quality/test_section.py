"""The data-quality section as the notebook runs it: steps, texts and the kpis block; its report tables."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.sections import data_quality
from {{ cookiecutter.package_name }}.sections.data_quality import metrics
from {{ cookiecutter.package_name }}.sections.registry import get

from ..retention.context_double import check_notebook_matches_run, make_context, sample_tables


def prepared(tables):
    kept = len(tables["transactions"])
    return {"rows_read": {"transactions": kept + 7, "customers": len(tables["customers"]), "points": None},
            "rejected_rows": 7,
            "cleaning": {"rows_read": kept + 7, "rows_kept": kept, "duplicates": 5, "future_dated": 2,
                         "anonymous": 80, "returns": 40, "customers_without_profile": 3}}


def context(tables=None, language="en"):
    tables = sample_tables() if tables is None else tables
    customers = tables["customers"].assign(has_email=True, has_phone=False, has_name=True)
    tables = {**tables, "customers": customers, "points": None}
    return make_context(tables, {"quality": {"monthly_gap_ratio": 0.5}}, language, prepared(tables))


def test_notebook_records_what_run_returns(monkeypatch):
    recorded = check_notebook_matches_run(data_quality, context, monkeypatch)
    assert recorded == {"rows": {"transactions": len(sample_tables()["transactions"]) + 7, "customers": 300,
                                 "points": None},
                        "rejected_rows": 7, "completeness": {"email": 1.0, "phone": 0.0, "name": 1.0},
                        "lines": {"read": None, "checks": None, "per_check": None}}


def test_sentences_carry_the_numbers():
    ctx = context()
    result = data_quality.run(ctx)
    for step in result.steps.values():
        ctx.show(step)
    transactions = sample_tables()["transactions"]
    coverage = (f"The analysis covers **1 Jan 2023 – 31 Dec 2024**: {len(transactions):,} checks of 300 "
                "identified customers.")
    assert coverage in ctx.texts
    share = 80 / len(transactions)
    assert f"7 of {len(transactions) + 7:,} checks were set aside; {share:.1%} of the analysed checks are " \
           "anonymous (no loyalty identification)." in ctx.texts
    rules = result.steps["cleaning_rules"]["rules"]
    assert rules["rule"].tolist()[:2] == ["exact duplicate checks", "dated in the future"]


def steady_checks(skip_month: str | None = None) -> dict[str, pd.DataFrame]:
    """Twenty checks on the 10th of every month of 2023-2024 (none in `skip_month`)."""
    days = [day for day in pd.date_range("2023-01-10", "2024-12-10", freq="MS") + pd.Timedelta(days=9)
            if day.strftime("%Y-%m") != skip_month]
    dates = pd.DatetimeIndex([day for day in days for _ in range(20)])
    ids = pd.Series([f"c{n % 300:04d}" for n in range(len(dates))], dtype="string")
    checks = pd.DataFrame({"date": dates, "amount": 10.0, "customer_id": ids})
    return {**sample_tables(), "transactions": checks}


def test_gaps_in_the_export_are_named():
    step = data_quality.monthly_volume(data_quality.inputs(context(steady_checks("2023-06"))))
    assert step["gaps"] == ["2023-06"]
    assert step.items[-1].text.key == "data_quality.gaps"
    assert step.items[-1].text.render("ru") == "Месяцы, которые выглядят неполными: **2023-06**."
    continuous = data_quality.monthly_volume(data_quality.inputs(context(steady_checks())))
    assert continuous["gaps"] == [] and continuous.items[-1].text.key == "data_quality.no_gaps"


def test_monthly_volume_flags_months_below_the_ratio():
    dates = pd.to_datetime(["2024-01-05"] * 10 + ["2024-02-05"] * 4 + ["2024-04-05"] * 10)
    frame = pd.DataFrame({"date": dates, "amount": 1.0, "customer_id": pd.Series(["a"] * 24, dtype="string")})
    volume = metrics.monthly_volume(frame)
    assert volume["checks"].tolist() == [10, 4, 0, 10]
    # median 7: below 3.5 is a gap at the default ratio 0.5, below 4.2 at 0.6
    assert volume["possible_gap"].tolist() == [False, False, True, False]
    assert metrics.monthly_volume(frame, gap_ratio=0.6)["possible_gap"].tolist() == [False, True, True, False]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_texts_render_in_both_languages(language):
    ctx = context(language=language)
    for step in data_quality.run(ctx).steps.values():
        ctx.show(step)
    assert len(ctx.texts) == 8  # 5 captions, 3 sentences


def test_registered():
    section = get("data_quality")
    assert (section.number, section.config_block, section.notebook) == (0, "quality", "00_data_quality.ipynb")
    assert data_quality.Settings.from_config({}).monthly_gap_ratio == 0.5

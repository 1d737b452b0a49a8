"""The CLV section's pieces: settings, the period split, the steps as the notebook calls them, the
report-frame parts, the texts and the charts."""

import ast
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.core.membership import MEMBERS, NON_MEMBERS
from {{ cookiecutter.package_name }}.sections import clv, get
from {{ cookiecutter.package_name }}.sections.clv import data, frame, plots, valuation
from {{ cookiecutter.package_name }}.sections.steps import Chart, Say, Skip, Table
from {{ cookiecutter.package_name }}.synthetic.clv_simulator import simulate_transactions
from {{ cookiecutter.package_name }}.text import catalogue

PROJECT = Path(__file__).resolve().parents[3]
PERIOD = (pd.Timestamp("2023-01-01"), pd.Timestamp("2024-12-31"))


def defaults() -> dict:
    return yaml.safe_load((PROJECT / "config" / "defaults.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def simulated() -> SimpleNamespace:
    """A run context over 1,500 simulated customers, 40% of them members (joined mid-2023)."""
    transactions = simulate_transactions(1500, start="2023-01-01", end="2024-12-31", seed=7)
    ids = transactions["customer_id"].drop_duplicates().sort_values().reset_index(drop=True)
    joined = pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns]")
    joined[ids.index % 5 < 2] = pd.Timestamp("2023-06-01")
    customers = pd.DataFrame({"customer_id": ids, "joined_program_at": joined})
    tables = {"transactions": transactions, "customers": customers}
    # cache_dir None: no prepared tables, so the checks are computed in memory (`engine.customers`)
    return SimpleNamespace(config=defaults(), period=PERIOD, table=lambda name: tables.get(name),
                           cache_dir=None)


def test_settings_from_the_config_block():
    config = defaults()
    settings = clv.Settings.from_config(config)
    assert (settings.time_unit, settings.horizon_months, settings.annual_discount_rate) == ("W", 12, 0.1)
    assert (settings.min_repeat_buyers, settings.top_customers, settings.rfm_bins) == (30, 20, 5)
    assert settings.gross_margin == 0.35 and settings.calibration_end is None
    config["program"]["gross_margin"] = None
    config["clv"]["horizon_months"] = "6"
    settings = clv.Settings.from_config(config)
    assert settings.gross_margin == 1.0 and settings.horizon_months == 6  # null margin: CLV in revenue


def test_split_of_the_period():
    log = data.purchase_log(simulate_transactions(50, start="2024-01-01", end="2024-12-31", seed=1))
    split, reason = data.split_period(log, (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")), None,
                                      0.25)
    assert split.calibration_end == pd.Timestamp("2024-10-01") and split.has_holdout and reason is None
    assert split.holdout_weeks == pytest.approx(91 / 7)
    split, reason = data.split_period(log, (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")),
                                      "2025-01-31", 0.25)
    assert not split.has_holdout and split.calibration_end == pd.Timestamp("2024-12-31")
    assert reason.text.key == "clv.no_holdout"
    assert "31 Jan 2025" in str(reason) and "31.01.2025" in reason.text.render("ru")


def test_the_notebook_calls_the_steps_run_calls(simulated):
    """run(ctx) composes the same steps, in the same order, as notebooks/40_clv.ipynb, so its headline
    is what the notebook records."""
    cells = json.loads((PROJECT / "notebooks" / "40_clv.ipynb").read_text(encoding="utf-8"))["cells"]
    called = [node.func.attr for cell in cells if cell["cell_type"] == "code"
              for node in ast.walk(ast.parse("".join(cell["source"])))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "clv"]
    assert called == ["inputs", "purchases", "fits", "holdout", "tracking", "value", "members", "segments",
                      "top", "headline"]
    result = clv.run(simulated)
    assert list(result.steps) == called[1:-1]
    inputs = clv.inputs(simulated)
    data_step = clv.purchases(inputs)
    fits = clv.fits(inputs, data_step)
    holdout = clv.holdout(inputs, data_step, fits)
    value = clv.value(inputs, data_step, fits, holdout)
    assert clv.headline(inputs, fits, holdout, value) == result.headline
    assert result.headline["selected_model"] in ("bgnbd", "pareto_nbd") and result.headline["mean_clv"] > 0


def test_steps_show_tables_charts_and_sentences_from_the_catalogue(simulated):
    result = clv.run(simulated)
    shown = {name: [(type(item).__name__, getattr(item, "name", "")) for item in step.items]
             for name, step in result.steps.items()}
    assert shown["purchases"] == [("Table", "clv_inputs"), ("Say", "")]
    assert shown["holdout"] == [("Chart", "clv_holdout"), ("Table", "clv_holdout"),
                                ("Table", "clv_holdout_by_frequency"), ("Say", "")]
    assert shown["members"] == [("Chart", "clv_members"), ("Table", "clv_members")]
    assert shown["top"] == [("Table", "clv_top_customers"), ("Table", "clv_customers")]
    for step in result.steps.values():
        for item in step.items:
            text = {Table: "caption", Chart: "caption", Say: "text", Skip: "reason"}[type(item)]
            for language in ("en", "ru"):
                assert getattr(item, text).render(language, "RUB")  # registered, fields complete
    inputs_table = result.steps["purchases"].tables()["clv_inputs"]
    assert inputs_table["value"].dtype == "int64" and inputs_table["value"].iloc[0] == 1500
    members = result.steps["members"]["table"].set_index("group")
    assert set(members.index) == {MEMBERS, NON_MEMBERS}
    assert members.loc[MEMBERS, "customers"] == 600  # 2 of every 5 ids joined before the period end
    holdout = result.steps["holdout"].items[-1].text.render()
    assert holdout.startswith("In the ") and holdout.endswith(" is used for CLV.")


def test_membership_follows_the_loyalty_card_when_there_are_no_join_dates():
    checks = pd.DataFrame({"customer_id": pd.array(["A", "A", "B", "C"], dtype="string"),
                           "date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-01", "2025-01-10"]),
                           "amount": [1.0, 2.0, 3.0, 4.0], "loyalty_card": [False, True, False, True]})
    groups = valuation.membership_groups(pd.Series(["A", "B", "C"]), None, checks, "2024-12-31")
    assert groups.to_dict() == {"A": MEMBERS, "B": NON_MEMBERS, "C": NON_MEMBERS}


def test_frame_parts_render_as_the_report_did():
    kpis = {"meta": {"currency": "RUB"},
            "clv": {"selected_model": "bgnbd", "mean_clv": 3702.5683377199666, "horizon_months": 12,
                    "holdout": {"predicted": 12191.69207746072, "actual": 12750.0,
                                "error": 0.043788856669747404}}}
    note = frame.clv_note(kpis, "clv.mean_clv")
    assert note.render("en") == "12 months, gross margin, discounted; BG/NBD"
    assert note.render("ru") == "12 мес., валовая маржа, с дисконтированием; BG/NBD"
    finding = frame.clv_finding(kpis)
    assert finding.render("en", "RUB") == (
        "CLV model: BG/NBD with Gamma-Gamma gives a mean 12-month CLV of 3,703\u00a0RUB per customer (gross "
        "margin, discounted); on the holdout period it predicted 12,192 repeat purchases against 12,750 "
        "actual (error 4.4%).")
    assert finding.render("ru", "RUB") == (
        "Модель CLV: BG/NBD с Gamma-Gamma даёт средний CLV за 12 мес. 3\u00a0703\u00a0₽ на клиента (валовая "
        "маржа, с дисконтированием); на контрольном периоде прогноз повторных покупок — 12\u00a0192, факт — "
        "12\u00a0750 (ошибка 4,4\u00a0%).")
    kpis["clv"]["holdout"]["error"] = None
    assert frame.clv_finding(kpis).key == "finding.clv_short"
    kpis["clv"]["mean_clv"] = None
    assert frame.clv_finding(kpis) is None
    section = get("clv")
    assert (section.number, section.config_block, section.notebook) == (40, "clv", "40_clv.ipynb")
    assert [f.priority for f in section.findings] == [60] and section.tiles[0].path == "clv.mean_clv"
    for entry in section.methodology[0].entries:
        assert catalogue.has(f"method.{entry}.formula")


def test_charts_draw(simulated):
    result = clv.run(simulated)
    for step in result.steps.values():
        for item in step.items:
            if isinstance(item, Chart):
                figure = item.draw()
                assert figure.axes
    table = result.steps["members"]["table"]
    figure = plots.plot_clv_by_group(table)
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == [MEMBERS, NON_MEMBERS]


# --- shapes the section was not written for: reasons and nulls, never a traceback ------------------------


def shaped(simulated: SimpleNamespace, **tables) -> SimpleNamespace:
    """The simulated context with some tables replaced (None: not provided)."""
    merged = {"transactions": simulated.table("transactions"), "customers": simulated.table("customers"),
              **tables}
    return SimpleNamespace(config=simulated.config, period=simulated.period, table=merged.get, cache_dir=None)


def keys_of(headline: dict) -> dict:
    return {key: keys_of(value) if isinstance(value, dict) else None for key, value in headline.items()}


def test_a_store_level_export_and_anonymous_checks_skip_with_the_reason(simulated):
    full = clv.run(simulated)
    checks = simulated.table("transactions")
    empty_ids = pd.Series(pd.NA, index=checks.index, dtype="string")
    for anonymous, reason in ((checks.drop(columns="customer_id"), "common.skip.no_customer_ids"),
                              (checks.assign(customer_id=empty_ids), "common.skip.all_anonymous")):
        result = clv.run(shaped(simulated, transactions=anonymous, customers=None))  # the registry's check
        by_steps = clv.analyse(clv.Inputs(anonymous, None, clv.Settings(), PERIOD))  # the steps' own
        for one, why in ((result, reason), (by_steps, "clv.no_purchases")):
            assert keys_of(one.headline) == keys_of(full.headline)
            assert json.loads(json.dumps(one.headline))["mean_clv"] is None
            assert all(value is None for model in one.headline["model_params"].values()
                       for value in model.values())
            assert {step.skipped[0].key for step in one.steps.values()} == {why}
            assert one.steps["purchases"].tables()["clv_inputs"]["value"].iloc[2] == len(checks)  # anonymous


def test_membership_all_or_nothing_has_no_comparison(simulated):
    customers = simulated.table("customers")
    nobody = customers.assign(joined_program_at=pd.NaT)
    everyone = customers.assign(joined_program_at=pd.Timestamp("2022-01-01"))
    for table, reason, own in ((nobody, "common.skip.no_members", "clv.no_members"),
                               (everyone, "common.skip.all_members", "clv.no_non_members")):
        ran = clv.run(shaped(simulated, customers=table))
        inputs = clv.Inputs(simulated.table("transactions"), table, clv.Settings(), PERIOD)
        for result, why in ((ran, reason), (clv.analyse(inputs), own)):
            step = result.steps["members"]
            assert [text.key for text in step.skipped] == [why] and step["table"] is None
            assert step.skipped[0].render() and step.skipped[0].render("ru")
            assert result.headline["mean_clv"] > 0  # the rest of the section runs
    assert "31 Dec 2024" in clv.analyse(inputs).steps["members"].skipped[0].render()
    unknown = clv.run(shaped(simulated, customers=None))
    assert [text.key for text in unknown.steps["members"].skipped] == ["common.membership_unknown"]

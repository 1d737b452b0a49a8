"""The uplift section as a whole: report parts (tiles, findings, methodology), settings, the membership
rule of the naive uplift, the steps, and the notebook giving the same headline as `run(ctx)`."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }} import synthetic
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.membership import MEMBERS, NON_MEMBERS
from {{ cookiecutter.package_name }}.ingest.prepare import prepare
from {{ cookiecutter.package_name }}.sections import get
from {{ cookiecutter.package_name }}.sections import uplift as section
from {{ cookiecutter.package_name }}.sections.steps import Say, Skip, Table
from {{ cookiecutter.package_name }}.sections.uplift import frame
from {{ cookiecutter.package_name }}.sections.uplift.member_effect import naive_uplift_from_data
from {{ cookiecutter.package_name }}.sections.uplift.section import _listed
from {{ cookiecutter.package_name }}.sections.uplift.settings import Program, Settings
from {{ cookiecutter.package_name }}.text.catalogue import Text, render

T = pd.Timestamp
PROJECT = Path(__file__).resolve().parents[3]
NOTEBOOK = PROJECT / "notebooks" / "50_uplift.ipynb"
NBSP = "\u00a0"

# the demo's kpis block (5000 customers, default seed) as recorded before the restructure
KPIS = {"meta": {"currency": "RUB"}, "uplift": {
    "naive": 1.188649511058685,
    "matched": {"estimate": 0.18388119097560418, "ci_low": -0.008675964671140736,
                "ci_high": 0.40046965046359095},
    "did": {"estimate": 0.12044456398921821, "ci_low": -0.06765143916956294, "ci_high": 0.39537062633939096},
    "incremental_revenue": 1960615.076040596, "program_cost": 980645.8528542094, "roi": -0.30024149429995417}}


def rendered(text, language="en"):
    return None if text is None else text.render(language, "RUB")


# ------------------------------------------------------------------------------------ report parts


def test_section_is_registered_with_its_report_parts():
    registered = get("uplift")
    assert (registered.number, registered.config_block) == (50, "uplift")
    assert registered.notebook == "50_uplift.ipynb"
    assert (PROJECT / "notebooks" / registered.notebook).is_file()
    assert [tile.name for tile in registered.tiles] == ["program_effect", "roi"]
    assert [finding.priority for finding in registered.findings] == [30, 40]
    assert registered.methodology[0].entries == ("naive_uplift", "matched", "did", "incremental", "roi")
    assert render(registered.title, "ru") == "Эффект программы и ROI"


def test_findings_render_as_the_report_did():
    uplift, roi = (finding.rule(KPIS) for finding in frame.FINDINGS)
    assert rendered(uplift) == (
        "The naive member vs non-member gap (+118.9%) overstates the program, because heavier buyers join "
        "more often: the matched estimate is +18.4% (95% CI −0.9% to +40.0%) and the "
        "difference-in-differences estimate +12.0% (95% CI −6.8% to +39.5%). The interval includes zero: "
        "the effect is not "
        "statistically confirmed.")
    assert rendered(roi) == (f"Program ROI is −30.0%: incremental revenue of 1,960,615{NBSP}RUB gives "
                             f"686,215{NBSP}RUB of gross margin against a cost of 980,646{NBSP}RUB.")
    assert rendered(roi, "ru") == (f"ROI программы — −30,0{NBSP}%: дополнительная выручка "
                                   f"1{NBSP}960{NBSP}615{NBSP}₽ даёт 686{NBSP}215{NBSP}₽ валовой маржи при "
                                   f"затратах 980{NBSP}646{NBSP}₽.")
    assert rendered(uplift, "ru").endswith(f"разности разностей — +12,0{NBSP}% (95 % ДИ: от −6,8{NBSP}% до "
                                           f"+39,5{NBSP}%). Интервал включает ноль: эффект статистически не "
                                           "подтверждён.")


def test_findings_variants():
    sure = json.loads(json.dumps(KPIS))
    sure["uplift"]["did"]["ci_low"] = 0.01
    assert rendered(frame.finding_uplift(sure)).endswith("(95% CI +1.0% to +39.5%).")  # no warning
    only = json.loads(json.dumps(KPIS))
    only["uplift"]["naive"] = None
    assert rendered(frame.finding_uplift(only)) == (
        "The program's effect on member spend is +12.0% (95% CI −6.8% to +39.5%, difference-in-differences). "
        "The interval includes zero: the effect is not statistically confirmed.")
    no_did = json.loads(json.dumps(KPIS))
    no_did["uplift"]["did"] = {"estimate": None, "ci_low": None, "ci_high": None}
    assert "difference-in-differences" not in rendered(frame.finding_uplift(no_did))
    short = json.loads(json.dumps(KPIS))
    short["uplift"]["incremental_revenue"] = None
    assert rendered(frame.finding_roi(short)) == f"Program ROI is −30.0% against a cost of 980,646{NBSP}RUB."
    assert frame.finding_uplift({}) is None and frame.finding_roi({"uplift": {"roi": 0.1}}) is None


def test_tile_notes():
    effect, roi = frame.TILES
    assert rendered(effect.note(KPIS, "uplift.did.estimate")) == (
        "difference-in-differences; 95% CI −6.8% to +39.5%")
    assert rendered(effect.note(KPIS, "uplift.matched.estimate"), "ru") == (
        f"сопоставление пар; 95 % ДИ: от −0,9{NBSP}% до +40,0{NBSP}%")
    assert rendered(roi.note(KPIS, "uplift.roi")) == (
        f"incremental revenue 1,960,615{NBSP}RUB; cost 980,646{NBSP}RUB")
    assert render("tile.program_effect", "ru") == "Эффект программы на траты участников"
    assert render("method.group.uplift") == "Program effect and ROI"


# ---------------------------------------------------------------------------------------- settings


def test_settings_from_the_defaults():
    defaults = yaml.safe_load((PROJECT / "config" / "defaults.yaml").read_text(encoding="utf-8"))
    settings = Settings.from_config(defaults)
    assert settings == Settings(program=Program.from_config(defaults))
    assert settings.roi_margins == (0.2, 0.3, 0.4, 0.5)
    assert settings.roi_effects == (0.02, 0.05, 0.1, 0.15, 0.2)
    assert settings.exact_match == ("tier",) and settings.max_controls == 50_000
    custom = Settings.from_config({"uplift": {"window_days": 90, "exact_match": None, "roi_margins": [1]},
                                   "program": {"launch_date": "2024-01-01", "gross_margin": 0.5}})
    assert (custom.window_days, custom.exact_match, custom.roi_margins) == (90, None, (1.0,))
    assert custom.program == Program(T("2024-01-01"), 1.0, 0.5, 0.0)
    with pytest.raises(ValueError, match="nearest or propensity"):
        Settings(matching="closest")


# ------------------------------------------------------------------------------- membership rule


def test_naive_uplift_counts_members_on_the_period_end():
    """The one membership rule (core.membership): a customer who joins after the period end is a
    non-member of that period (the old rule counted anyone with a join date)."""
    transactions = pd.DataFrame({"date": [T("2024-01-05"), T("2024-01-10"), T("2024-01-20")],
                                 "amount": [300.0, 100.0, 50.0],
                                 "customer_id": pd.array(["a", "b", "c"], dtype="str")})
    customers = pd.DataFrame({"customer_id": pd.array(["a", "b", "c"], dtype="str"),
                              "joined_program_at": [T("2024-01-03"), T("2024-03-01"), pd.NaT]})
    on_end = naive_uplift_from_data(transactions, customers, on=T("2024-01-31"))
    assert (on_end[MEMBERS], on_end[NON_MEMBERS]) == (1, 2)
    assert on_end["naive_uplift"] == pytest.approx(300 / 75 - 1)
    ever = naive_uplift_from_data(transactions, customers)
    assert (ever[MEMBERS], ever[NON_MEMBERS]) == (2, 1)


def test_naive_uplift_falls_back_to_loyalty_cards():
    """Without join dates, a member joins on the day of their first loyalty-card check."""
    transactions = pd.DataFrame({"date": [T("2024-01-05"), T("2024-01-10"), T("2024-01-20")],
                                 "amount": [300.0, 100.0, 50.0], "loyalty_card": [True, False, False],
                                 "customer_id": pd.array(["a", "b", "c"], dtype="str")})
    out = naive_uplift_from_data(transactions, None, on=T("2024-01-31"))
    assert out["membership_known"] and out["naive_uplift"] == pytest.approx(300 / 75 - 1)
    unknown = naive_uplift_from_data(transactions.drop(columns="loyalty_card"), None)
    assert not unknown["membership_known"] and unknown["naive_uplift"] is None


# ------------------------------------------------------------------------------ steps and notebook


class StubContext:
    """What the notebook and `run` use of a run context: config, period, tables, show, record."""

    def __init__(self, config, period, tables):
        self.config, self.period, self.tables = config, period, tables
        self.shown, self.recorded = [], {}
        self.cache_dir = None  # no prepared files: the section computes in memory

    def table(self, name, columns=None, categories=()):  # columns, categories: the whole table will do
        frame = self.tables.get(name)
        return None if frame is None else frame.copy()

    def show(self, step):
        self.shown.append(step)

    def record(self, key, values):
        self.recorded[key] = values


@pytest.fixture(scope="module")
def sample_context(tmp_path_factory):
    root = tmp_path_factory.mktemp("uplift_section")
    shutil.copytree(PROJECT / "config", root / "config")
    synthetic.generate(root / "data" / "raw" / "demo", n_customers=2000, seed=3)
    config = load_config(root, "demo")
    prepared = prepare(root, config)
    tables = {name: prepared.table(name) for name in ("transactions", "customers", "points", "campaigns")}
    return lambda: StubContext(config, prepared.period_timestamps, tables)


def test_run_gives_every_step_and_the_headline(sample_context):
    result = section.run(sample_context())
    assert list(result.steps) == ["naive", "member_effects", "balance", "around_joining", "campaign_tests",
                                  "campaign_targeting", "program_economics", "regional", "discount_or_points"]
    assert set(result.headline) == {"matching", "regional", "points_vs_discount", "naive", "matched", "did",
                                    "campaigns", "incremental_revenue", "program_cost", "roi"}
    assert result.headline["naive"] == pytest.approx(result.steps["naive"]["naive"]["naive_uplift"])
    assert result.headline["did"]["estimate"] == result.steps["member_effects"]["member"]["did"]["effect"][
        "estimate"]
    assert {"uplift_member_effects", "uplift_balance", "uplift_support", "uplift_event_study",
            "uplift_campaigns", "uplift_economics", "uplift_roi_sensitivity"} <= set(result.tables())
    sensitivity = result.steps["program_economics"]["sensitivity"]
    assert list(sensitivity.index) == [0.2, 0.3, 0.4, 0.5] and list(sensitivity.columns) == [0.02, 0.05, 0.1,
                                                                                               0.15, 0.2]
    # every text a step shows exists in both languages, with its fields
    for step in result.steps.values():
        for item in step.items:
            text = {Table: "caption", Say: "text", Skip: "reason"}.get(type(item))
            if text is not None:
                assert getattr(item, text).render("ru", "RUB") and getattr(item, text).render("en", "RUB")
    regional = result.steps["regional"]
    assert regional.skipped and "поэтапного запуска" in regional.skipped[0].render("ru")


def test_the_notebook_records_what_run_gives(sample_context, monkeypatch):
    """The notebook's cells, run in order against the same inputs, record `run(ctx).headline`."""
    from {{ cookiecutter.package_name }}.run import context

    expected = section.run(sample_context()).headline
    ctx = sample_context()
    monkeypatch.setattr(context, "open_run", lambda client, run_dir: ctx)
    cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    for cell in cells:
        source = "".join(cell["source"])
        assert " if " not in f" {source} " and "for " not in source  # thin: no logic in cells
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)  # noqa: S102
    assert ctx.recorded["uplift"] == expected
    assert [step.name for step in ctx.shown] == ["naive", "member_effects", "balance", "around_joining",
                                                  "campaign_tests", "campaign_targeting", "program_economics",
                                                  "regional", "discount_or_points"]


def test_listed_words_are_translated_one_by_one():
    words = _listed(["tier", "region"])
    assert isinstance(words, Text)
    assert render("uplift.say.exact_match", "ru", "", features=words, matching="nearest") == (
        "Участники сопоставляются только с неучастниками с тем же значением признаков: Уровень, Регион "
        "(подбор: ближайший сосед).")

"""The program section's steps, headline (kpis.json `program`), notebook and run, on example and
sample data."""

import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from {{ cookiecutter.package_name }}.sections import program
from {{ cookiecutter.package_name }}.sections.program import Settings, Tables, prepare
from {{ cookiecutter.package_name }}.sections.steps import Chart, Say, Skip, Table

from .examples import END, FEB, JAN, START, T, ids

DESIGN_KEYS = [
    "members", "reach", "member_revenue_share", "member_transaction_share", "avg_check.members",
    "avg_check.non_members", "frequency.members", "frequency.non_members", "items_per_check",
    "redemption_rate", "breakage_rate", "points_liability", "unsubscribe_rate", "nps.score",
    "nps.promoters", "nps.passives", "nps.detractors", "lfl.yoy", "lfl.mom", "lfl.wow", "csat.mean",
    "csat.satisfied_share", "awareness", "participation_by_tier.high",
    "participation_by_tier.middle", "participation_by_tier.low", "effective_accrual_rate",
]


def lookup(headline, dotted):
    value = headline
    for part in dotted.split("."):
        value = value[part]
    return value


def computed(*tables, config=None, period=None, language="en"):
    """The section's result on `tables` (transactions, customers, points, nps, surveys)."""
    settings = Settings.from_config(config)
    return program.result(prepare(Tables(*tables), settings, period, language, "RUB"))


def said(result, language="en"):
    """{step: its sentences rendered in `language`}."""
    return {name: [item.text.render(language, "RUB") for item in step.items if isinstance(item, Say)]
            for name, step in result.steps.items() if any(isinstance(i, Say) for i in step.items)}


def skipped(result):
    return {name for name, step in result.steps.items() if step.skipped}


def test_program_headline(transactions, customers, ledger):
    nps = pd.DataFrame({"date": [T("2024-01-20"), T("2024-02-20")], "score": [10.0, 3.0],
                        "customer_id": ids("a", "c")})
    surveys = pd.DataFrame(
        {"date": [T("2024-02-01")] * 3, "question": ["csat", "awareness", "motive"],
         "answer": ["5", "yes", "brand"], "customer_id": ids("a", "a", "a")}
    )
    config = {"language": "en", "currency": "RUB",
              "program": {"launch_date": "2024-01-01", "point_value": 0.5, "compare_months": None}}
    result = computed(transactions, customers, ledger, nps, surveys, config=config, period=(START, END))
    head = result.headline
    for key in DESIGN_KEYS:
        lookup(head, key)  # every DESIGN.md key is present
    json.dumps(head)  # plain types only
    assert head["members"] == 2 and head["reach"] == pytest.approx(2 / 3)
    assert head["member_transaction_share"] == pytest.approx(2 / 7)
    assert head["avg_check"]["members"] == 250.0
    assert head["redemption_rate"] == pytest.approx(0.15)
    assert head["points_liability"] == 105.0
    assert head["nps"]["score"] == 0.0 and head["nps"]["responses"] == 2
    assert head["csat"] == {"mean": 5.0, "satisfied_share": 1.0}
    assert head["awareness"] == 1.0 and head["motives"]["brand"] == 1.0
    assert head["previous"] is None  # compare_months not configured
    assert result.steps["nps"]["nps_groups"].set_index("group").at["members", "score"] == 1.0
    assert set(said(result)) >= {"reach", "member_share", "checks", "points", "nps"}


def test_program_without_optional_tables(transactions):
    result = computed(transactions.drop(columns=["points_earned", "points_redeemed"]))
    head = result.headline
    for key in ("members", "reach", "redemption_rate", "breakage_rate", "points_liability",
                "unsubscribe_rate", "nps.score", "csat.mean", "awareness",
                "participation_by_tier.high", "effective_accrual_rate"):
        assert lookup(head, key) is None, key
    assert {"reach", "points", "nps", "csat"} <= skipped(result)
    assert head["avg_check"]["anonymous"] == 50.0
    json.dumps(head)


def test_redemption_rate_falls_back_to_the_checks(transactions, customers):
    result = computed(transactions, customers, period=(START, END))
    head = result.headline
    assert head["points_source"] == "transactions"
    assert head["redemption_rate"] == pytest.approx(0.125)
    assert head["breakage_rate"] is None and head["points_liability"] is None
    reasons = [reason.render("en") for reason in result.steps["points"].skipped]
    assert reasons == ["No points ledger: the redemption rate comes from points_earned / points_redeemed on "
                       "the checks; breakage, outstanding balance and liability need the ledger."]


def test_sentences_in_russian_and_charts(transactions, customers, ledger):
    nps = pd.DataFrame({"date": [T("2024-01-20")], "score": [10.0], "customer_id": ids("a")})
    config = {"language": "ru", "program": {"launch_date": "2024-01-01"}}
    result = computed(transactions, customers, ledger, nps, None, config=config, period=(START, END),
                      language="ru")
    assert said(result, "ru")["reach"][0].startswith("В программе 2 участников")
    assert said(result, "en")["reach"][0].startswith("The program has 2 members")
    charts = [item for step in result.steps.values() for item in step.items if isinstance(item, Chart)]
    assert {c.name for c in charts} >= {"program_members", "program_member_share", "program_checks",
                                        "program_points", "program_nps", "program_accrual",
                                        "program_monthly_yoy"}
    assert all(isinstance(chart.draw(), Figure) for chart in charts)


def test_steps_in_headline_order_and_the_previous_headline_on_the_same_tables(transactions, customers):
    """`headline` merges the steps' numbers in their order, then `previous`: the numbers computed
    on the period ending `compare_months` earlier (None before the launch)."""
    settings = Settings(launch_date=T("2024-01-01"), compare_months=1)
    inputs = prepare(Tables(transactions, customers), settings, (START, END))
    steps = program.compute(inputs)
    assert list(steps) == ["reach", "member_share", "checks", "points", "accrual", "unsubscribes", "nps",
                           "csat", "awareness", "motive", "nps_segments", "nps_outcomes", "nps_reasons",
                           "motive_segments", "engagement", "tiers", "lfl"]
    head = program.headline(inputs, *steps.values())
    assert list(head)[:5] == ["members", "identified_customers", "reach", "active_members",
                              "active_member_share"]
    assert list(head)[-2:] == ["lfl", "previous"]
    earlier = program.earlier(inputs, 1)
    assert (earlier.start, earlier.end, earlier.full) == (START, T("2024-01-29"), False)
    assert head["previous"] == program.numbers(*program.compute(earlier).values())
    assert head["previous"]["members"] == 1  # by 29 Jan only a had joined
    assert program.earlier(inputs, 2) is None  # before the launch
    only = prepare(Tables(transactions, customers), settings, (START, END), full=False)
    numbers_only = program.numbers(*program.compute(only).values())
    assert numbers_only == {k: v for k, v in head.items() if k != "previous"}
    assert all(isinstance(item, Skip) for step in program.compute(only).values() for item in step.items)


# ---------------------------------------------------------------------------------- notebook


class StubContext:
    """The part of the run context the notebook uses, recording what it would show."""

    def __init__(self, tables, config):
        self.tables, self.config, self.period = tables, config, (START, END)
        self.language, self.cache_dir = config["language"], None  # no prepared checks: in memory
        self.recorded, self.shown, self.said, self.skipped = {}, [], [], []

    def table(self, name, columns=None, categories=()):  # columns, categories: the whole table will do
        return self.tables.get(name)

    def record(self, section, values):
        self.recorded[section] = json.loads(json.dumps(values))

    def show(self, step):
        for item in step.items:
            if isinstance(item, Table):
                assert isinstance(item.frame, pd.DataFrame) and len(item.name) <= 31  # an Excel sheet name
                self.shown.append(item.name)
            elif isinstance(item, Chart):
                assert isinstance(item.draw(), Figure)
                self.shown.append(item.name)
            elif isinstance(item, Say):
                self.said.append(item.text.render(self.language, "RUB"))
            elif isinstance(item, Skip):
                self.skipped.append(item.reason.render(self.language))


NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "10_program.ipynb"


def run_notebook_cells(ctx):
    """Execute the notebook's code cells against `ctx` (no kernel, no papermill)."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code[0] == 'client = "demo"\nrun_dir = ""'
    namespace = {}
    for source in code:
        exec(source.replace("ctx = open_run(client, run_dir)", "ctx = stub"),
             {**namespace, "stub": ctx}, namespace)


def example_tables(inputs, transactions, customers, ledger):
    if inputs == "all":
        return {"transactions": transactions, "customers": customers, "points": ledger,
                "nps": pd.DataFrame({"date": [JAN], "score": [9.0], "customer_id": ids("a")}),
                "surveys": pd.DataFrame({"date": [FEB], "question": ["csat"], "answer": ["4"],
                                         "customer_id": ids("a")})}
    return {"transactions": transactions.drop(columns=["points_earned", "points_redeemed"])}


@pytest.mark.parametrize("inputs", ["all", "transactions only"])
def test_notebook_runs_with_and_without_optional_tables(inputs, transactions, customers, ledger):
    config = {"language": "en", "currency": "RUB",
              "program": {"launch_date": "2024-01-01", "compare_months": 1}}
    ctx = StubContext(example_tables(inputs, transactions, customers, ledger), config)
    run_notebook_cells(ctx)
    recorded = ctx.recorded["program"]
    assert set(recorded) >= {"members", "nps", "lfl", "participation_by_tier", "previous"}
    assert "program_headline" in ctx.shown and "program_lfl" in ctx.shown
    if inputs == "all":
        assert {"program_members", "program_points", "program_nps", "program_csat"} <= set(ctx.shown)
        assert recorded["previous"]["members"] == 1
    else:
        assert recorded["members"] is None and recorded["redemption_rate"] is None
        assert len(ctx.skipped) >= 8 and "program_points" not in ctx.shown
    # run(ctx) calls the same steps in the same order: the same kpis.json block
    assert json.loads(json.dumps(program.run(ctx).headline)) == recorded


def test_notebook_is_thin():
    """One call per step, its result in a named variable and shown; no ifs, loops or constants."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    for source in code[2:]:
        words = ("if ", "for ", "while ", "ctx.config", "ctx.table")
        assert not any(word in source for word in words), source
    steps = [line.split(" = ")[0] for source in code for line in source.splitlines()
             if " = program." in line]
    assert steps == ["inputs", "reach", "member_share", "checks", "points", "accrual", "unsubscribes", "nps",
                     "csat", "awareness", "motives", "nps_segments", "nps_outcomes", "nps_reasons",
                     "motive_segments", "engagement", "tiers", "lfl", "headline", "overview"]
    assert code[-1] == 'ctx.record("program", headline)'
    markdown = [c for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert len(markdown) == 13 and all(c["metadata"]["i18n"]["ru"] for c in markdown)


# ---------------------------------------------------------------------------------- sample data


@pytest.fixture(scope="module")
def sample_tables(sample_project, tmp_path_factory):
    """The cleaned sample tables, config and period (read like a notebook does, without papermill)."""
    from {{ cookiecutter.package_name }}.run.context import open_run

    source, _ = sample_project
    project = tmp_path_factory.mktemp("kpis_project")
    for part in ("config", "data/raw"):
        shutil.copytree(source / part, project / part)
    ctx = open_run("demo", "", str(project))
    names = ("transactions", "customers", "points", "nps", "surveys")
    return [ctx.table(n) for n in names], ctx.config, ctx.period


@pytest.fixture(scope="module")
def sample_kpis(sample_tables, sample_project):
    """The section on the cleaned sample tables."""
    tables, config, period = sample_tables
    return computed(*tables, config=config, period=period), sample_project[1]["realised"]


def check_against_truth(head, realised):
    """The planted truth (sample.py's truth.json) recovered by the program KPIs."""
    assert head["members"] == realised["members"]
    assert head["member_transaction_share"] == pytest.approx(
        realised["member_transaction_share"], abs=1e-9)
    # the truth counts clean checks only; the data-quality rules keep returns, which net revenue
    # includes: a small difference
    assert head["member_revenue_share"] == pytest.approx(realised["member_revenue_share"], abs=0.01)
    for key in ("redemption_rate", "breakage_rate", "effective_accrual_rate", "unsubscribe_rate",
                "awareness"):
        assert head[key] == pytest.approx(realised[key], rel=1e-6), key
    assert head["points_liability"] == pytest.approx(realised["points_liability"], rel=1e-6)
    for key in ("score", "promoters", "passives", "detractors"):
        assert head["nps"][key] == pytest.approx(realised["nps"][key], abs=1e-9), key
    assert head["nps"]["ci_low"] < realised["nps"]["score"] < head["nps"]["ci_high"]
    assert head["csat"]["mean"] == pytest.approx(realised["csat"]["mean"])
    # tiers: the truth splits all customers by their latent spend, the KPI by spend before launch
    tiers = head["participation_by_tier"]
    assert tiers["high"] > tiers["middle"] > tiers["low"]
    assert tiers["top_to_bottom_ratio"] > 2


def test_sample_data_recovers_the_planted_truth(sample_kpis):
    result, realised = sample_kpis
    check_against_truth(result.headline, realised)
    assert result.headline["points_source"] == "ledger"
    # the small sample has few answers per NPS group and no benefit change: said, nothing else skipped
    assert skipped(result) <= {"nps_outcomes", "motive_segments"}
    nps_groups = result.steps["nps"]["nps_groups"].set_index("group")
    assert nps_groups.at["members", "score"] > nps_groups.at["non_members", "score"]


def test_the_headline_alone_and_the_earlier_headline_match_the_full_computation(sample_tables):
    """Headline numbers only (full=False) skip the monthly tables, and `previous` computes the earlier
    headline on the tables already prepared: the same numbers as the full computation."""
    tables, config, period = sample_tables
    settings = dataclasses.replace(Settings.from_config(config), compare_months=3)
    full = program.result(prepare(Tables(*tables), settings, period))
    only = prepare(Tables(*tables), settings, period, full=False)
    assert {**program.numbers(*program.compute(only).values()), "previous": full.headline["previous"]} \
        == full.headline
    previous = full.headline["previous"]
    assert previous is not None
    assert previous == program.numbers(*program.compute(program.earlier(only, 3)).values())
    assert previous["members"] < full.headline["members"]
    no_compare = dataclasses.replace(settings, compare_months=None)
    assert program.result(prepare(Tables(*tables), no_compare, period)).headline["previous"] is None


@pytest.mark.slow
def test_notebook_records_the_program_section(demo_run):
    """The 10_program notebook runs in the pipeline and its kpis.json block matches the truth."""
    result, kpis_json, truth = demo_run
    check_against_truth(kpis_json["program"], truth["realised"])
    figures = {p.name for p in (result.bundle / "figures").glob("program_*.png")}
    assert {"program_members.png", "program_member_share.png", "program_points.png",
            "program_nps.png"} <= figures


def test_previous_headline_reads_the_kpis_months_earlier():
    """program.previous: the same definitions with the period end moved back; None before the launch."""
    transactions = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-05-10", "2024-06-10"]),
        "amount": [100.0, 100.0, 300.0, 100.0],
        "customer_id": pd.array(["A", "B", "A", "C"], dtype="string"),
    })
    customers = pd.DataFrame({"customer_id": pd.array(["A", "B", "C"], dtype="string"),
                              "joined_program_at": pd.to_datetime(["2024-01-01", None, "2024-06-01"])})
    settings = Settings.from_config({"program": {"launch_date": "2024-01-01", "active_window_days": 90,
                                                 "compare_months": 3}})
    inputs = prepare(Tables(transactions, customers), settings, ("2024-01-01", "2024-06-30"))
    now = program.numbers(*program.compute(inputs).values())
    before = program.previous(inputs)
    # by 2024-03-30 only A had joined and bought 100 of the 200 of revenue; by June A and C, 500 of 600
    assert before["members"] == 1 and now["members"] == 2
    assert before["member_revenue_share"] == pytest.approx(100 / 200)
    assert now["member_revenue_share"] == pytest.approx(500 / 600)
    six = dataclasses.replace(inputs, settings=dataclasses.replace(settings, compare_months=6))
    assert program.previous(six) is None

"""The portfolio benchmark on planted bundles: ranks, comparability, cards' privacy, small portfolios,
trend, currencies, cards added to bundles; one real run read as it is."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.cli import build_parser
from {{ cookiecutter.package_name }}.portfolio import NoBundles, benchmark, portfolio_config
from {{ cookiecutter.package_name }}.portfolio.into_bundles import add_cards
from {{ cookiecutter.package_name }}.portfolio.measures import MEASURES
from {{ cookiecutter.package_name }}.portfolio.ranks import harrell_davis, percentile_rank
from {{ cookiecutter.package_name }}.portfolio.values import exact

from .bundles import BASE, PROJECT, write_bundle

DAY = "2025-02-01"
NAMES = ["Aurora Foods", "Borealis Market", "Cedar Grocers", "Dune Pharmacy", "Elm Hardware",
         "Fjord Fashion", "Granite Books", "Harbor Pets"]
SLUGS = ["aurora", "borealis", "cedar", "dune", "elm", "fjord", "granite", "harbor"]
# planted redemption and churn: a permutation, so each client's rank is known in advance
REDEMPTION = [0.30, 0.10, 0.45, 0.20, 0.35, 0.15, 0.40, 0.25]
CHURN = [0.41, 0.22, 0.35, 0.29, 0.18, 0.47, 0.26, 0.33]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "config").mkdir()
    shutil.copy(PROJECT / "config" / "defaults.yaml", tmp_path / "config" / "defaults.yaml")
    return tmp_path


def distinct_values(index: int) -> dict[str, float]:
    """Every KPI different for every client (so an exact value names one client)."""
    values = {key: value * (1 + 0.0317 * index) for key, value in BASE.items()}
    values.update(redemption_rate=REDEMPTION[index], churn_rate=CHURN[index], crr=1 - CHURN[index])
    return values


def eight_clients(project, **overrides) -> None:
    for i, slug in enumerate(SLUGS):
        options = {"values": distinct_values(i), "name": NAMES[i], "language": "ru" if i % 2 else "en",
                   **overrides.get(slug, {})}
        write_bundle(project / "reports", slug, **options)


def expected_ranks(planted: list[float]) -> list[float]:
    ordered = sorted(planted)
    return [ordered.index(value) / (len(planted) - 1) for value in planted]


def test_percentile_rank_and_quartiles_by_hand():
    assert percentile_rank(3.0, [1.0, 2.0, 4.0, 5.0]) == 0.5
    assert percentile_rank(2.0, [2.0, 1.0]) == 0.75  # one below, one tie counted half
    assert percentile_rank(1.0, []) is None
    # Harrell-Davis median of a symmetric sample is its centre; of one value, that value
    assert harrell_davis([1.0, 2.0, 3.0, 4.0], 0.5) == pytest.approx(2.5)
    assert harrell_davis([7.0], 0.25) == pytest.approx(7.0)


def test_eight_clients_get_the_ranks_their_planted_values_imply(project):
    eight_clients(project)
    result = benchmark(project, day=DAY)
    frame = pd.read_csv(result.folder / "portfolio.csv", encoding="utf-8-sig").set_index("client")
    redemption = expected_ranks(REDEMPTION)
    churn = expected_ranks(CHURN)
    for i, slug in enumerate(SLUGS):
        assert frame.loc[slug, "redemption_rate"] == pytest.approx(REDEMPTION[i])
        assert frame.loc[slug, "redemption_rate_rank"] == pytest.approx(redemption[i])
        assert frame.loc[slug, "churn_rate_rank"] == pytest.approx(churn[i])
        assert frame.loc[slug, "crr_rank"] == pytest.approx(1 - churn[i])  # CRR = 1 - churn
    # 0.45 is the highest redemption of the eight, 0.10 the lowest
    assert frame.loc["cedar", "redemption_rate_rank"] == 1.0 and frame.loc["borealis",
                                                                            "redemption_rate_rank"] == 0.0
    page = (result.folder / "portfolio.html").read_text(encoding="utf-8")
    assert 'class="sortable"' in page and page.count("<tr data-client=") == 8
    assert "rank 100" in page and "rank 14" in page  # 1/7 = 14%
    workbook = pd.ExcelFile(result.folder / "portfolio.xlsx")
    assert workbook.sheet_names == ["portfolio", "distribution", "trend"]


def card_text(path) -> str:
    """A card's HTML without its embedded pictures (base64 could spell anything)."""
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", path.read_text(encoding="utf-8"))


def test_a_card_never_shows_another_clients_name_slug_or_value(project):
    eight_clients(project)
    result = benchmark(project, day=DAY)
    planted = {slug: distinct_values(i) for i, slug in enumerate(SLUGS)}
    for i, slug in enumerate(SLUGS):
        text = card_text(result.cards[slug])
        language = "ru" if i % 2 else "en"
        assert NAMES[i] in text
        own = {exact(m.kind, planted[slug][m.key], language, "RUB") for m in MEASURES}
        for j, other in enumerate(SLUGS):
            if other == slug:
                continue
            assert NAMES[j] not in text
            assert not re.search(rf"\b{other}\b", text), f"{other}'s slug in {slug}'s card"
            for measure in MEASURES:
                shown = exact(measure.kind, planted[other][measure.key], language, "RUB")
                if shown not in own:
                    found = re.search(rf"(?<![\d.,\u00a0]){re.escape(shown)}", text)
                    assert not found, f"{other}'s {measure.key} ({shown}) in {slug}'s card"
        assert text.count("<img") == len(MEASURES)  # a strip chart per KPI
    assert "Redemption rate is 30.0%: above the median of 8 comparable programs" in \
        card_text(result.cards["aurora"])


def test_four_clients_cards_say_the_portfolio_is_too_small(project):
    for i, slug in enumerate(SLUGS[:4]):
        write_bundle(project / "reports", slug, values=distinct_values(i), name=NAMES[i],
                     language="ru" if i % 2 else "en")
    result = benchmark(project, day=DAY)
    english = card_text(result.cards["aurora"])
    assert "The portfolio has 4 programs with a complete report" in english and "<img" not in english
    russian = card_text(result.cards["borealis"])
    assert "В портфеле 4 программ" in russian and "<img" not in russian


def test_a_client_with_other_churn_days_is_left_out_of_churn_with_its_note(project):
    eight_clients(project, dune={"parameters": {"retention.churn_days": 90}})
    result = benchmark(project, day=DAY)
    churn = next(c for c in result.columns if c.measure.key == "churn_rate")
    assert churn.reference == {"retention.churn_days": 180}
    assert churn.distribution.n == 7 and not churn.entries["dune"].included
    others = [CHURN[i] for i, slug in enumerate(SLUGS) if slug != "dune"]
    assert churn.entries["fjord"].rank == 1.0 and churn.entries["elm"].rank == 0.0
    assert sorted(e.rank for s, e in churn.entries.items() if s != "dune") == \
        pytest.approx(sorted(expected_ranks(others)))
    note = "run with retention.churn_days = 90, the portfolio compares 180"
    frame = pd.read_csv(result.folder / "portfolio.csv", encoding="utf-8-sig").set_index("client")
    assert frame.loc["dune", "churn_rate_note"] == note and pd.isna(frame.loc["dune", "churn_rate_rank"])
    assert note in (result.folder / "portfolio.html").read_text(encoding="utf-8")
    card = card_text(result.cards["dune"])  # Russian: dune is the fourth client
    assert "Отток: не сравнивается (расчёт с retention.churn_days = 90, в портфеле 180)." in card
    # the other KPIs of that client are still compared
    assert "Доля списания баллов: 20,0\u00a0% — ниже медианы среди 8 сопоставимых программ" in card


def test_money_only_in_one_currency_unless_rates_are_given(project):
    eight_clients(project, harbor={"currency": "USD", "values": {**distinct_values(7), "mean_clv": 40.0}})
    result = benchmark(project, day=DAY)
    clv = next(c for c in result.columns if c.measure.key == "mean_clv")
    assert clv.currency == "RUB" and not clv.entries["harbor"].included and clv.distribution.n == 7
    config = portfolio_config(project)
    config["portfolio"]["fx"] = {"USD": 100.0}
    result = benchmark(project, day=DAY, config=config)
    clv = next(c for c in result.columns if c.measure.key == "mean_clv")
    assert clv.entries["harbor"].included and clv.entries["harbor"].value == pytest.approx(4000.0)
    assert clv.distribution.n == 8


def test_change_since_the_previous_bundle_and_the_trend(project):
    eight_clients(project)
    write_bundle(project / "reports", "aurora", run_id="20240601-120000-bbbb", name=NAMES[0],
                 values={"redemption_rate": 0.25})
    write_bundle(project / "reports", "aurora", run_id="20240301-120000-cccc", name=NAMES[0],
                 values={"redemption_rate": 0.20}, status="partial")  # not complete: not in the trend
    result = benchmark(project, day=DAY)
    frame = pd.read_csv(result.folder / "portfolio.csv", encoding="utf-8-sig").set_index("client")
    assert frame.loc["aurora", "redemption_rate_change"] == pytest.approx(0.05)
    assert pd.isna(frame.loc["borealis", "redemption_rate_change"])
    page = (result.folder / "portfolio.html").read_text(encoding="utf-8")
    assert "+5.0\u00a0pp" in page and "25.0% → 30.0%" in page
    trend = pd.read_excel(result.folder / "portfolio.xlsx", sheet_name="trend")
    assert len(trend[(trend.client == "aurora") & (trend.kpi == "redemption_rate")]) == 2


def test_no_complete_bundle_is_an_error(project):
    write_bundle(project / "reports", "aurora", status="partial")
    with pytest.raises(NoBundles):
        benchmark(project, day=DAY)


def test_into_bundles_adds_the_card_as_a_page_of_the_report_and_records_it(project):
    eight_clients(project)
    result = benchmark(project, day=DAY)
    lines = add_cards(result, pdf=False)
    assert len(lines) == 8
    bundle = result.histories["elm"].latest.path
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["benchmark"]["portfolio"] == DAY and manifest["benchmark"]["clients"] == 8
    assert manifest["benchmark"]["report"] == "index.html#benchmark"
    assert manifest["status"] == "complete"  # the rest of the manifest kept
    assert (bundle / "benchmark.html").read_text(encoding="utf-8") == \
        result.cards["elm"].read_text(encoding="utf-8")
    report = (bundle / "index.html").read_text(encoding="utf-8")
    # the card is the last section, before the footer, and the contents' last line links to it
    assert report.index("<section id='rfm'>") < report.index('<section id="benchmark"') < \
        report.index("<footer>")
    assert '<li><a href="#benchmark">Benchmark among comparable programs</a></li>' in report
    assert "Elm Hardware: benchmark among comparable programs" in report
    assert report.count('<div class="kpi">') == len(result.columns)  # one line per KPI, as the card
    ru_report = (result.histories["fjord"].latest.path / "index.html").read_text(encoding="utf-8")
    assert "Сравнение с сопоставимыми программами" in ru_report
    assert not list(bundle.glob(".*partial*"))
    # a second benchmark replaces the card, it does not add another
    add_cards(benchmark(project, day=DAY), pdf=False)
    again = (bundle / "index.html").read_text(encoding="utf-8")
    assert again.count('<section id="benchmark"') == 1 and again.count('href="#benchmark"') == 1


def test_a_report_without_the_marks_gets_the_card_before_its_footer(project):
    from {{ cookiecutter.package_name }}.portfolio.into_bundles import insert_card

    old = "<html><body><nav><ol><li>A</li></ol></nav><section>A</section><footer>f</footer></body></html>"
    page = insert_card(old, '<section id="benchmark">card</section>', "Benchmark")
    assert page.index("card") < page.index("<footer>") and page.count("card") == 1
    assert insert_card(page, '<section id="benchmark">new</section>', "Benchmark").count("card") == 0


def test_a_bundle_without_a_report_is_named_and_left_as_it_was(project):
    eight_clients(project)
    bundle = project / "reports" / "elm"
    (next(bundle.iterdir()) / "index.html").unlink()
    lines = add_cards(benchmark(project, day=DAY), pdf=False)
    assert [line for line in lines if "not added" in line] == \
        [f"elm: card not added: {next(bundle.iterdir())}: no index.html to add the benchmark card to"]
    assert "benchmark" not in json.loads((next(bundle.iterdir()) / "manifest.json").read_text())


def test_cli_has_a_benchmark_command():
    parser = build_parser()
    args = parser.parse_args(["benchmark", "--into-bundles", "--day", DAY])
    assert args.into_bundles and args.day == DAY
    with pytest.raises(SystemExit):
        parser.parse_args(["benchmark", "--help"])


def test_a_real_bundle_is_read_as_the_run_wrote_it(demo_run, project):
    result, kpis, _ = demo_run
    shutil.copytree(result.bundle, project / "reports" / "demo" / result.bundle.name,
                    ignore=shutil.ignore_patterns("*.pdf", "*.ipynb", "figures", "*.xlsx", "index.html"))
    for i, slug in enumerate(SLUGS[:5]):
        write_bundle(project / "reports", slug, values=distinct_values(i), name=NAMES[i])
    portfolio = benchmark(project, day=DAY)
    latest = portfolio.histories["demo"].latest
    assert latest.name == kpis["meta"]["name"] and latest.run_id == result.bundle.name
    for column in portfolio.columns:
        value = column.measure.value(kpis)
        assert column.entries["demo"].raw == (None if value is None else pytest.approx(value))
    assert "demo" in (portfolio.folder / "portfolio.html").read_text(encoding="utf-8")

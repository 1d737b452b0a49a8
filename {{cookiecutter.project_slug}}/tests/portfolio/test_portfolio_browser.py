"""The consultant's page and a card open offline in headless Chromium (as the report does)."""

from __future__ import annotations

import shutil

import pytest

from {{ cookiecutter.package_name }}.portfolio import benchmark
from {{ cookiecutter.package_name }}.report.pdf import find_chromium, run_headless
from tests.report.test_report_browser import PNG_SIGNATURE, outside_requests

from .test_portfolio import DAY, REDEMPTION, SLUGS, eight_clients, project  # noqa: F401  (fixture)

BROWSER = find_chromium()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH")


def test_page_and_card_render_offline(project, tmp_path):  # noqa: F811
    eight_clients(project)
    result = benchmark(project, day=DAY)
    for page, marker in ((result.folder / "portfolio.html", 'id="distribution"'),
                         (result.cards["borealis"], "Borealis Market")):
        net_log, shot = tmp_path / f"{page.stem}.json", tmp_path / f"{page.stem}.png"
        rendered = run_headless(BROWSER, [f"--log-net-log={net_log}", "--window-size=1280,1600",
                                          f"--screenshot={shot}", "--dump-dom", page.as_uri()], timeout=120)
        assert outside_requests(net_log) == []
        assert marker in rendered.stdout
        assert shot.read_bytes().startswith(PNG_SIGNATURE) and shot.stat().st_size > 20_000
    # the sort script works: clicking the redemption column orders the rows by it
    script = ("<script>window.onload=function(){var th=document.querySelectorAll('#portfolio th')[5];"
              "th.click();document.title=Array.from(document.querySelectorAll('#portfolio tbody tr'))"
              ".map(function(r){return r.dataset.client}).join(',');}</script>")
    probe = result.folder / "probe.html"
    probe.write_text((result.folder / "portfolio.html").read_text(encoding="utf-8").replace(
        "</body>", script + "</body>"), encoding="utf-8")
    dom = run_headless(BROWSER, ["--dump-dom", probe.as_uri()], timeout=120).stdout
    ascending = [slug for _, slug in sorted(zip(REDEMPTION, SLUGS, strict=True))]
    assert f"<title>{','.join(ascending)}</title>" in dom


def test_into_bundles_adds_a_page_to_a_real_report_and_its_pdf(demo_run, project, tmp_path):  # noqa: F811
    from {{ cookiecutter.package_name }}.portfolio.into_bundles import add_cards
    from tests.report.test_report_browser import pdf_page_count

    from .bundles import write_bundle
    from .test_portfolio import NAMES, distinct_values

    result, kpis, _ = demo_run
    if not (result.bundle / "report.pdf").is_file():
        pytest.skip("the demo run made no report.pdf")
    bundle = project / "reports" / "demo" / result.bundle.name
    shutil.copytree(result.bundle, bundle, ignore=shutil.ignore_patterns("*.ipynb", "figures"))
    for i, slug in enumerate(SLUGS[:5]):
        write_bundle(project / "reports", slug, values=distinct_values(i), name=NAMES[i])
    pages_before = pdf_page_count((bundle / "report.pdf").read_bytes())
    lines = add_cards(benchmark(project, day=DAY), pdf=True)
    assert f"demo: card added to index.html, report.pdf, benchmark.html in {bundle}" in lines
    assert pdf_page_count((bundle / "report.pdf").read_bytes()) > pages_before
    net_log = tmp_path / "net.json"
    dom = run_headless(BROWSER, [f"--log-net-log={net_log}", "--dump-dom",
                                 (bundle / "index.html").as_uri()], timeout=120).stdout
    assert outside_requests(net_log) == []
    assert f"{kpis['meta']['name']}: " in dom and 'id="benchmark"' in dom
    assert all(NAMES[i] not in dom for i in range(5))  # no other client's name on the client's report

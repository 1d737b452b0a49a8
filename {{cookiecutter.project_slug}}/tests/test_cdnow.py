"""CDNOW end to end: the raw logs lifetimes ships, through the real `run` (papermill, every notebook).

The logs carry four columns (customer id, date yyyymmdd, items, amount): no customers table, no
program, no campaigns, no points. Converted to a CSV in a scratch project and described by a client
config, as a new user would. On the sample (weekly, calibration end 1997-09-30) kpis.json's CLV block
equals the published BG/NBD (Fader, Hardie & Lee 2005), Pareto/NBD and Gamma-Gamma (Fader & Hardie
2013, on the per-customer average spend) parameters; the member parts skip with their reasons and the
uplift and redemption numbers are null, not invented. The master log (23,570 customers) runs too.
"""

import importlib.util
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.text.catalogue import Text

PROJECT = Path(__file__).resolve().parents[1]
LIFETIMES_DATA = Path(importlib.util.find_spec("lifetimes").submodule_search_locations[0]) / "datasets"
PUBLISHED = {
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "pareto_nbd": {"r": 0.5534, "alpha": 10.58, "s": 0.6061, "beta": 11.66},
    "gamma_gamma": {"p": 6.25, "q": 3.74, "v": 15.44},
}
# the raw logs: whitespace-separated; the sample has the master's customer id and its own (dropped),
# the master a header line.
# Rows are not checks (no check number): equal rows on one day are separate purchases, so exact
# duplicates are kept (quality.drop_duplicates: false); dropping them moves Gamma-Gamma's v to 15.35.
LOGS = {"cdnow": ("CDNOW_sample.txt", ["customer", "sample_id", "date", "items", "amount"], None),
        "cdnow_master": ("CDNOW_master.txt", ["customer", "date", "items", "amount"], 0)}
CLIENT = """\
name: "CDNOW (LOG)"
currency: USD
data:
  read: {sep: ",", decimal: ".", date_format: "%Y%m%d"}
  transactions:
    path: data/raw/CLIENT/transactions.csv
    columns: {customer: customer_id, date: date, items: items, amount: amount}
quality: {drop_duplicates: false}   # no check numbers: two equal rows of a day are two purchases
clv: {time_unit: W, calibration_end: 1997-09-30}
report: {pdf: false}
"""


def cdnow_project(folder: Path, client: str) -> Path:
    """A scratch project with the project's config and notebooks, the log as a four-column CSV under
    data/raw/<client>/ and its client config."""
    log, names, header = LOGS[client]
    shutil.copytree(PROJECT / "config", folder / "config")
    shutil.copytree(PROJECT / "notebooks", folder / "notebooks")
    raw = pd.read_csv(LIFETIMES_DATA / log, sep=r"\s+", header=header, names=names, dtype=str)
    (folder / "data" / "raw" / client).mkdir(parents=True)
    raw[["customer", "date", "items", "amount"]].to_csv(folder / "data" / "raw" / client / "transactions.csv",
                                                         index=False)
    config = CLIENT.replace("LOG", log).replace("CLIENT", client)
    (folder / "config" / "clients" / f"{client}.yaml").write_text(config, encoding="utf-8")
    return folder


def run_cdnow(folder: Path, client: str):
    """`run_client` on the scratch project: (RunResult, kpis dict, report html)."""
    from {{ cookiecutter.package_name }}.run.runner import run_client

    result = run_client(cdnow_project(folder, client), client, progress=False)
    kpis = json.loads((result.bundle / "kpis.json").read_text(encoding="utf-8"))
    html = (result.bundle / "index.html").read_text(encoding="utf-8")
    return result, kpis, html


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    return run_cdnow(tmp_path_factory.mktemp("cdnow"), "cdnow")


def failed_sections(result) -> dict[str, str]:
    return {notebook.notebook: notebook.error for notebook in result.notebooks if notebook.status != "ok"}


def test_the_sample_bundle_completes(sample_run):
    result, kpis, _ = sample_run
    assert failed_sections(result) == {} and result.status == "complete", result.error
    assert kpis["meta"]["period"] == {"start": "1997-01-01", "end": "1998-06-30"}
    assert kpis["data_quality"]["rows"]["transactions"] == 6919


def test_the_sample_reproduces_the_published_parameters(sample_run):
    _, kpis, _ = sample_run
    params = kpis["clv"]["model_params"]
    for model, published in PUBLISHED.items():
        for name, value in published.items():
            assert params[model][name] == pytest.approx(value, rel=0.005), (model, name)
    assert kpis["clv"]["selected_model"] in ("bgnbd", "pareto_nbd") and kpis["clv"]["mean_clv"] > 0
    assert kpis["clv"]["holdout"]["actual"] > 0


def test_member_parts_skip_with_their_reasons_and_nothing_is_invented(sample_run):
    _, kpis, html = sample_run
    uplift = kpis["uplift"]
    assert uplift["naive"] is None and uplift["campaigns"] is None
    for key in ("matched", "did", "regional"):
        assert uplift[key] == {"estimate": None, "ci_low": None, "ci_high": None}, key
    assert uplift["points_vs_discount"] == {"breakage_rate": None, "redemption_lag_days": None,
                                            "cost_ratio": None}
    assert (uplift["incremental_revenue"], uplift["program_cost"], uplift["roi"]) == (None, None, None)
    assert kpis["program"]["redemption_rate"] is None and kpis["program"]["breakage_rate"] is None
    # the reasons, in the report as the notebooks showed them
    for reason in ("common.membership_unknown", "uplift.skip.membership_unknown", "uplift.skip.no_campaigns",
                   "uplift.skip.no_points_ledger"):
        assert Text(reason).render("en").split(":")[0] in html, reason


def test_the_master_log_bundle_completes(tmp_path):  # ~35 s: not marked slow
    result, kpis, _ = run_cdnow(tmp_path, "cdnow_master")
    assert failed_sections(result) == {} and result.status == "complete", result.error
    assert kpis["data_quality"]["rows"]["transactions"] == 69659
    params = kpis["clv"]["model_params"]
    assert all(value is not None for model in params.values() for value in model.values())
    assert kpis["clv"]["mean_clv"] > 0
    assert kpis["uplift"]["naive"] is None and kpis["uplift"]["campaigns"] is None

"""CLV section: purchase days, RFM summaries, BG/NBD, Pareto/NBD, Gamma-Gamma, holdout, CLV.

The CDNOW test reproduces the published parameters (Fader, Hardie & Lee 2005; Fader & Hardie 2013)
from the raw transaction log that lifetimes ships, read through the project's own io and the section's
steps (`sections.clv.analyse`).
"""

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.ingest.read import load_table
from {{ cookiecutter.package_name }}.sections import clv
from {{ cookiecutter.package_name }}.sections.clv import data, validation, valuation
from {{ cookiecutter.package_name }}.sections.clv.models import base, bgnbd, gamma_gamma, hypergeometric, nbd, pareto_nbd
from {{ cookiecutter.package_name }}.sections.steps import Say
from {{ cookiecutter.package_name }}.synthetic.clv_simulator import simulate_transactions

PROJECT = Path(__file__).resolve().parents[3]
# Sample data: |predicted - actual| / actual of the holdout's repeat purchases. The sample is harder
# than the models (December peak in the holdout, members buying more after joining, customers older
# than the data): 3-12% on the demo's seeds.
HOLDOUT_ERROR_BOUND = 0.2


def defaults(**clv_overrides) -> dict:
    config = yaml.safe_load((PROJECT / "config" / "defaults.yaml").read_text(encoding="utf-8"))
    config["clv"].update(clv_overrides)
    return config


def run_section(transactions: pd.DataFrame, config: dict, period=None, customers=None):
    """The whole section on these checks (what `run(ctx)` does), as a SectionResult."""
    return clv.analyse(clv.Inputs(transactions, customers, clv.Settings.from_config(config), period))


def skips(result) -> dict[str, list[str]]:
    """Skip reasons' template names per step (steps without a skip left out)."""
    return {name: [text.key for text in step.skipped] for name, step in result.steps.items() if step.skipped}


def checks(rows: list[tuple[str, str | None, float]]) -> pd.DataFrame:
    """Canonical transactions from (date, customer_id, amount) rows."""
    frame = pd.DataFrame(rows, columns=["date", "customer_id", "amount"])
    return frame.assign(date=pd.to_datetime(frame["date"], format="ISO8601"),
                        customer_id=frame["customer_id"].astype("string"),
                        amount=frame["amount"].astype("float64"))


# --- purchase days and summaries ----------------------------------------------------------------


def test_purchase_days_merge_same_day_checks_and_drop_return_days():
    log = data.purchase_log(checks([
        ("2024-01-01 10:00", "A", 10.0), ("2024-01-01 18:30", "A", 5.0),  # one purchase day: 15
        ("2024-01-03", "A", -20.0),                                       # a return alone: not a purchase
        ("2024-01-05", "A", 30.0), ("2024-01-05", "A", -30.0),            # net 0: a visit, spend 0
        ("2024-01-08", "A", 40.0), ("2024-01-08", "A", -10.0),            # net 30
        ("2024-01-02", None, 99.0),                                       # anonymous
        ("2024-01-04", "B", 0.0),                                         # zero check: a visit
    ]))
    frame = log.to_frame()
    assert frame.values.tolist() == [
        ["A", pd.Timestamp("2024-01-01"), 15.0], ["A", pd.Timestamp("2024-01-05"), 0.0],
        ["A", pd.Timestamp("2024-01-08"), 30.0], ["B", pd.Timestamp("2024-01-04"), 0.0]]
    assert (log.anonymous_checks, log.return_days, log.n_customers) == (1, 1, 2)


def test_purchase_days_keep_only_the_period():
    log = data.purchase_log(checks([("2023-12-31", "A", 1.0), ("2024-01-01", "A", 2.0),
                                   ("2024-02-01", "A", 3.0)]), "2024-01-01", "2024-01-31")
    assert log.amount.tolist() == [2.0] and log.checks_outside_period == 2


def test_rfm_summary_by_hand_in_weeks_and_days():
    log = data.purchase_log(checks([
        ("2024-01-01", "A", 10.0), ("2024-01-08", "A", 20.0), ("2024-01-15", "A", 40.0),
        ("2024-01-29", "B", 5.0),
    ]))
    weeks = data.rfm_summary(log, "2024-01-29", "W")
    # A: x = 2 repeats, t_x = 14 days = 2 weeks, T = 28 days = 4 weeks, m = (20 + 40) / 2
    assert weeks.loc["A", ["frequency", "recency", "T", "monetary_value", "spend"]].tolist() == \
        [2, 2.0, 4.0, 30.0, 70.0]
    assert weeks.loc["B", ["frequency", "recency", "T", "monetary_value"]].tolist() == [0, 0.0, 0.0, 0.0]
    days = data.rfm_summary(log, "2024-01-29", "D")
    assert days.loc["A", ["recency", "T"]].tolist() == [14.0, 28.0]
    assert data.rfm_summary(log, "2024-01-10", "W").index.tolist() == ["A"]


def test_summaries_match_lifetimes_on_the_same_data():
    base.lifetimes()  # imported quietly first (its utils module warns about a pandas option)
    from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

    transactions = simulate_transactions(300, start="2023-01-01", end="2023-12-31", seed=3)
    log = data.purchase_log(transactions)
    ours = data.rfm_summary(log, "2023-12-31", "D")
    theirs = summary_data_from_transaction_data(transactions, "customer_id", "date", "amount",
                                                observation_period_end="2023-12-31", freq="D")
    columns = ["frequency", "recency", "T", "monetary_value"]
    pd.testing.assert_frame_equal(ours[columns].astype(float).sort_index(),
                                  theirs[columns].sort_index(), check_names=False, check_index_type=False)
    ours = data.calibration_holdout_summary(log, "2023-09-30", "2023-12-31", "W")
    # lifetimes 0.11.3 with pandas 3 fails without monetary_value_col ("No objects to concatenate")
    theirs = calibration_and_holdout_data(transactions, "customer_id", "date", "2023-09-30",
                                          "2023-12-31", freq="D", monetary_value_col="amount")
    theirs[["recency_cal", "T_cal", "duration_holdout"]] /= 7.0
    # lifetimes averages the holdout's raw checks (same-day checks not merged, unlike its calibration
    # columns); ours averages purchase days, as in the calibration period
    theirs = theirs.drop(columns="monetary_value_holdout")
    pd.testing.assert_frame_equal(ours[theirs.columns].astype(float).sort_index(), theirs.sort_index(),
                                  check_names=False, check_index_type=False)


def test_default_calibration_end_holds_out_the_last_quarter():
    assert data.default_calibration_end("2024-01-01", "2024-12-31") == pd.Timestamp("2024-10-01")
    assert data.default_calibration_end("2024-01-01", "2024-01-11", 0.5) == pd.Timestamp("2024-01-06")


# --- CDNOW: the published results -----------------------------------------------------------------

LIFETIMES_DATA = Path(importlib.util.find_spec("lifetimes").submodule_search_locations[0]) / "datasets"
PUBLISHED = {
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "pareto_nbd": {"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562},
    "gamma_gamma": {"p": 6.25, "q": 3.74, "v": 15.44},
}


@pytest.fixture(scope="module")
def cdnow_transactions(tmp_path_factory) -> pd.DataFrame:
    """CDNOW_sample.txt (customer id, FH id, yyyymmdd, quantity, amount) as a canonical CSV read by io."""
    raw = pd.read_csv(LIFETIMES_DATA / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["customer_id", "fh_id", "date", "quantity", "amount"],
                      dtype={"customer_id": str, "date": str})
    folder = tmp_path_factory.mktemp("cdnow")
    canonical = pd.DataFrame({"date": pd.to_datetime(raw["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d"),
                              "customer_id": raw["customer_id"], "amount": raw["amount"]})
    canonical.to_csv(folder / "transactions.csv", index=False)
    read = {"sep": ",", "decimal": ".", "thousands": None, "encoding": "utf-8",
            "date_format": "%Y-%m-%d", "header_row": 0, "sheet": None}
    return load_table(folder, "transactions", {"path": "transactions.csv", "read": {}, "columns": {},
                                                "values": {}}, read)


@pytest.fixture(scope="module")
def cdnow(cdnow_transactions):
    config = defaults(time_unit="W", calibration_end="1997-09-30")  # the penalty is not needed
    period = (pd.Timestamp("1997-01-01"), pd.Timestamp("1998-06-30"))
    return run_section(cdnow_transactions, config, period)


def test_cdnow_summary_is_fader_hardies(cdnow_transactions, cdnow):
    """x, t_x, T (weeks from each customer's first purchase to 1997-09-30) and zbar (mean repeat
    spend) equal Fader & Hardie's file, rounded to 2 decimals as there."""
    ids = pd.read_csv(LIFETIMES_DATA / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      usecols=[0, 1], names=["customer_id", "fh_id"], dtype=str).drop_duplicates()
    published = pd.read_csv(LIFETIMES_DATA / "cdnow_customers_summary_with_transactions.csv")
    published = published.set_index(ids.set_index("fh_id").loc[
        published["ID"].map("{:04d}".format), "customer_id"].to_numpy())
    ours = cdnow.steps["purchases"]["calibration"].loc[published.index]
    assert len(ours) == 2357
    assert (ours["frequency_cal"].to_numpy() == published["x"].to_numpy()).all()
    for column, theirs in (("recency_cal", "t_x"), ("T_cal", "T"), ("monetary_value_cal", "zbar")):
        assert np.abs(ours[column].to_numpy() - published[theirs].to_numpy()).max() <= 0.0051


def test_cdnow_reproduces_the_published_parameters(cdnow):
    params = cdnow.headline["model_params"]
    for model, published in PUBLISHED.items():
        for name, value in published.items():
            assert params[model][name] == pytest.approx(value, rel=0.005), (model, name)
    # log-likelihoods as published: BG/NBD -9582.4 (FHL 2005), Pareto/NBD -9595.0
    assert cdnow.steps["fits"]["models"]["bgnbd"].log_likelihood == pytest.approx(-9582.4, abs=0.1)
    assert cdnow.steps["fits"]["models"]["pareto_nbd"].log_likelihood == pytest.approx(-9595.0, abs=0.1)
    # nothing skipped but the members part: CDNOW has no customers table and no loyalty-card flag
    assert skips(cdnow) == {"members": ["common.membership_unknown"]}


def test_cdnow_standard_errors_and_holdout(cdnow):
    fits = cdnow.steps["fits"]["table"].set_index(["model", "parameter"])
    assert fits["std_error"].notna().all() and (fits["std_error"] > 0).all()
    assert (fits["penalizer"] == 0).all()
    # BG/NBD r: SE 0.0126 in lifetimes' CDNOW example
    assert fits.loc[("BG/NBD", "r"), "std_error"] == pytest.approx(0.0126, rel=0.02)
    holdout = cdnow.headline["holdout"]
    assert holdout["actual"] == cdnow.steps["purchases"]["calibration"]["frequency_holdout"].sum()
    assert holdout["error"] == pytest.approx(abs(holdout["predicted"] - holdout["actual"])
                                             / holdout["actual"])
    assert cdnow.steps["holdout"]["selected"] in ("bgnbd", "pareto_nbd")
    totals = cdnow.steps["holdout"]["totals"].set_index("model")["error_rate"]
    assert holdout["error"] == totals.min()
    assert cdnow.headline["mean_clv"] > 0 and cdnow.headline["horizon_months"] == 12
    tracking = cdnow.steps["tracking"]["table"]
    assert tracking["actual"].is_monotonic_increasing
    assert tracking["actual"].iloc[-1] == cdnow.steps["purchases"]["calibration"][
        ["frequency_cal", "frequency_holdout"]].to_numpy().sum()


def test_cdnow_headline_is_json_ready(cdnow):
    text = json.dumps(cdnow.headline)
    assert set(json.loads(text)) == {"model_params", "selected_model", "holdout", "mean_clv",
                                     "horizon_months"}


# --- Pareto/NBD: the fast path against lifetimes -----------------------------------------------------


def lifetimes_pareto(params: dict):
    from lifetimes import ParetoNBDFitter

    fitter = ParetoNBDFitter()
    fitter.params_ = pd.Series(params)
    return fitter


def test_pareto_nbd_likelihood_and_predictions_equal_lifetimes(cdnow):
    calibration = cdnow.steps["purchases"]["calibration"]
    x, t_x, big_t = (calibration[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal"))
    for params in (PUBLISHED["pareto_nbd"], {"r": 0.5, "alpha": 12.0, "s": 0.8, "beta": 6.0}):
        ours, theirs = pareto_nbd.ParetoNBDModel(params), lifetimes_pareto(params)
        np.testing.assert_allclose(
            ours.log_likelihood_of(x, t_x, big_t),
            theirs._conditional_log_likelihood(tuple(params.values()), x, t_x, big_t), rtol=1e-9)
        np.testing.assert_allclose(ours.probability_alive(x, t_x, big_t),
                                   theirs.conditional_probability_alive(x, t_x, big_t), rtol=1e-8)
        np.testing.assert_allclose(
            ours.conditional_expected_purchases(39.0, x, t_x, big_t),
            theirs.conditional_expected_number_of_purchases_up_to_time(39.0, x, t_x, big_t), rtol=1e-8)
        np.testing.assert_allclose(ours.expected_purchases(np.array([1.0, 10.0, 78.0])),
                                   theirs.expected_number_of_purchases_up_to_time(
                                       np.array([1.0, 10.0, 78.0])), rtol=1e-10)


def test_pareto_nbd_fit_equals_lifetimes_fit_on_simulated_data():
    from lifetimes import ParetoNBDFitter

    log = data.purchase_log(simulate_transactions(1500, seed=11))
    summary = data.rfm_summary(log, "2024-12-31", "W")
    x, t_x, big_t = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    ours = pareto_nbd.fit_pareto_nbd(x, t_x, big_t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ParetoNBDFitter().fit(x, t_x, big_t, tol=1e-8).params_
    for name in ("r", "alpha", "s", "beta"):
        assert ours.params[name] == pytest.approx(theirs[name], rel=0.01), name
    ll = ours.log_likelihood_of(x, t_x, big_t).sum()
    assert ll >= pareto_nbd.ParetoNBDModel(theirs.to_dict()).log_likelihood_of(x, t_x, big_t).sum() - 1e-6
    assert ours.log_likelihood == pytest.approx(ll)


def reference_log_hyp2f1(a: float, b: float, z: float) -> float:
    """Positive series sum_n a / (a + n) (b)_n z^n / n! in log space, long enough to converge."""
    from scipy import special

    terms = int(10 * b * z / (1 - z) + 80 / (1 - z) + 200)
    n = np.arange(terms, dtype=float)
    return float(special.logsumexp(np.log(a) - np.log(a + n) + special.gammaln(b + n)
                                   - special.gammaln(b) - special.gammaln(n + 1) + n * np.log(z)))


@pytest.mark.parametrize(("a", "b", "z"), [
    (1.2, 0.7, 0.3), (3.5, 1.6, 0.99), (40.6, 40.2, 0.5),
    (301.0, 300.5, 0.98),   # plain 2F1 overflows: Euler's transformation
    (12.0, 1.3, 0.9995),
])
def test_log_hyp2f1_is_accurate_where_plain_scipy_overflows(a, b, z):
    value = hypergeometric.log_hyp2f1_a_a1(np.array([a]), np.array([b]), np.array([z]))[0]
    assert value == pytest.approx(reference_log_hyp2f1(a, b, z), rel=1e-9, abs=1e-9)


def connection_formula_log_hyp2f1(a: float, b: float, z: float) -> float:
    """Independent value for z near 1 (DLMF 15.8.4 with c = a + 1, b not an integer):
    2F1(a, b; a+1; z) = G(a+1) G(1-b) / G(a+1-b) z^-a + a / (b-1) (1-z)^(1-b) 2F1(1, a+1-b; 2-b; 1-z)."""
    from scipy import special

    first = math.exp(special.gammaln(a + 1) - special.gammaln(a + 1 - b)) * special.gamma(1 - b) * z ** -a
    second = a / (b - 1) * (1 - z) ** (1 - b) * special.hyp2f1(1, a + 1 - b, 2 - b, 1 - z)
    return math.log(first + second)


def test_series_fallback_where_scipy_fails_and_its_work_budget():
    """Where the Pareto/NBD search drifts towards "nobody drops out" (found on a 800-customer sample:
    a = r+s+x ~ 185, z ~ 0.9994) scipy gives NaN and the series needs ~1e5 terms per value; the
    fit's budget of series terms turns a minutes-long drift into a clear ClvError."""
    a, b, z = 184.92697684406767, 0.8027233940811669, 0.9993835215140009
    from scipy import special

    assert math.isnan(special.hyp2f1(a, b, a + 1, z))
    value = hypergeometric.log_hyp2f1_a_a1(np.array([a]), np.array([b]), np.array([z]))[0]
    assert value == pytest.approx(connection_formula_log_hyp2f1(a, b, z), rel=1e-8)
    budget = hypergeometric.SeriesBudget(limit=1e4)
    with pytest.raises(hypergeometric.BudgetExhausted):
        hypergeometric.log_hyp2f1_a_a1(np.array([a, a]), np.array([b, b]), np.array([z, z]), budget)


def test_numerical_standard_errors_agree_with_lifetimes_on_bgnbd(cdnow):
    calibration = cdnow.steps["purchases"]["calibration"]
    x, t_x, big_t = (calibration[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal"))
    model = cdnow.steps["fits"]["models"]["bgnbd"]
    at = np.log(list(model.params.values()))

    def nll(log_params):
        return -bgnbd.bgnbd_log_likelihood(tuple(np.exp(log_params)), x, t_x, big_t).sum()

    errors = base.standard_errors(nll, at)
    np.testing.assert_allclose(errors, list(model.standard_errors.values()), rtol=0.02)


# --- thin data, failures, imports -------------------------------------------------------------------


def test_thin_data_is_skipped_with_reasons_not_a_traceback():
    transactions = checks([("2024-01-01", "A", 10.0), ("2024-03-01", "A", 12.0),
                           ("2024-02-01", "B", 5.0), ("2024-06-01", "C", 7.0)])
    result = run_section(transactions, defaults(), (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-30")))
    failures = {key: text.render() for key, text in result.steps["fits"]["failures"].items()}
    assert "not enough data for BG/NBD" in failures["bgnbd"]
    assert "not enough data for Pareto/NBD" in failures["pareto_nbd"]
    assert "clv.min_repeat_buyers" in failures["gamma_gamma"]
    assert "no CLV" in result.steps["value"].skipped[0].render()
    # in Russian too, from the catalogue, never a traceback
    assert result.steps["fits"].skipped[1].render("ru").startswith("BG/NBD: недостаточно данных для BG/NBD")
    head = result.headline
    assert head["selected_model"] is None and head["mean_clv"] is None
    assert head["model_params"]["bgnbd"] == {"r": None, "alpha": None, "a": None, "b": None}
    assert head["holdout"] == {"predicted": None, "actual": None, "error": None}
    assert skips(result)["fits"] == ["clv.no_models"] + ["clv.fit_failure"] * 3
    assert set(skips(result)) == {"fits", "holdout", "tracking", "value", "members", "segments", "top"}


def test_no_identified_purchases_and_bad_calibration_end_are_reported():
    anonymous = checks([("2024-01-01", None, 10.0)])
    assert "no purchases" in run_section(anonymous, defaults()).steps["purchases"]["blocked"].render()
    early = run_section(checks([("2024-01-01", "A", 1.0)]), defaults(calibration_end="2023-01-01"))
    assert "before the first purchase" in early.steps["purchases"]["blocked"].render()
    assert early.headline["mean_clv"] is None and early.headline["selected_model"] is None
    assert all(step.skipped for step in early.steps.values())


def test_without_a_holdout_the_model_is_chosen_by_likelihood():
    transactions = simulate_transactions(600, start="2024-01-01", end="2024-12-31", seed=5)
    result = run_section(transactions, defaults(calibration_end="2025-03-01", time_unit="D"),
                         (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")))
    checked = result.steps["holdout"]
    assert "no holdout" in checked.skipped[0].render() and checked["totals"] is None
    best = max(result.steps["fits"]["models"].values(), key=lambda m: m.log_likelihood)
    assert checked["selected"] == best.key
    assert result.headline["holdout"] == {"predicted": None, "actual": None, "error": None}
    assert result.headline["mean_clv"] > 0
    assert skips(result) == {"holdout": ["clv.no_holdout"], "tracking": ["clv.no_holdout"],
                             "members": ["common.membership_unknown"]}


def test_convergence_error_becomes_a_clear_message(monkeypatch):
    lifetimes = base.lifetimes()

    def fail(self, *args, **kwargs):
        print("lifetimes prints its optimiser output here")
        raise lifetimes.utils.ConvergenceError("The model did not converge.")

    monkeypatch.setattr(lifetimes.BetaGeoFitter, "fit", fail)
    summary = data.rfm_summary(data.purchase_log(simulate_transactions(200, seed=1)), "2024-12-31")
    # the data have dropout (the bounded search beats the no-dropout boundary): a failure, not an answer
    with pytest.raises(base.ClvError, match="^BG/NBD did not converge$"):
        bgnbd.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    x, t_x, big_t, weights = base.patterns(summary["frequency"], summary["recency"], summary["T"])
    assert bgnbd.best_log_likelihood(x, t_x, big_t, weights) > nbd.fit_nbd(x, t_x, big_t)[2] + 1


def test_advice_names_only_settings_that_differ_from_the_current_ones():
    weekly = clv.Settings(time_unit="W", penalizer_coef=0.001)
    error = base.ClvError("bgnbd_no_convergence")
    assert clv.section.failure_reason(error, weekly).render() == (
        "BG/NBD did not converge; a clv.penalizer_coef larger than 0.001 may help")
    daily = clv.Settings(time_unit="D", penalizer_coef=0.0)
    assert clv.section.failure_reason(error, daily).render() == (
        "BG/NBD did not converge; weekly time units (clv.time_unit: W) or an L2 penalty "
        "(clv.penalizer_coef above 0) may help")
    assert clv.section.failure_reason(error, daily).render("ru") == (
        "BG/NBD не сошлась; может помочь недельная единица времени (clv.time_unit: W) или штраф L2 "
        "(clv.penalizer_coef больше 0)")
    thin = base.NotEnoughDataError("gamma_gamma_not_enough", repeat=3, needed=30)
    assert clv.section.failure_reason(thin, daily) == thin.text  # no setting helps thin data


# --- no detectable dropout: the optimum on the boundary ------------------------------------------------

NO_DROPOUT = {"beta": 1e12}  # planted dropout rate mu ~ Gamma(0.7, 1e12): nobody leaves in two years


@pytest.fixture(scope="module")
def no_dropout():
    """The section on 400 simulated customers who never drop out (Pareto/NBD r 0.8, alpha 30 days)."""
    transactions = simulate_transactions(400, pareto_nbd=NO_DROPOUT, seed=1)
    return run_section(transactions, defaults(), (pd.Timestamp("2023-01-01"), pd.Timestamp("2024-12-31")))


def test_no_dropout_is_reported_with_its_parameters_not_as_a_failure(no_dropout):
    models = no_dropout.steps["fits"]["models"]
    assert isinstance(models["bgnbd"], bgnbd.BGNBDNoDropout)
    assert isinstance(models["pareto_nbd"], pareto_nbd.ParetoNBDNoDropout)
    assert no_dropout.steps["fits"]["failures"] == {}
    params = no_dropout.headline["model_params"]
    assert (params["bgnbd"]["a"], params["bgnbd"]["b"]) == (0.0, None)
    assert (params["pareto_nbd"]["s"], params["pareto_nbd"]["beta"]) == (0.0, None)
    # both reduce to the same NBD; near the planted purchase process (r 0.8, 0.8 / 30 a day)
    for key in ("r", "alpha"):
        assert params["bgnbd"][key] == params["pareto_nbd"][key]
    assert params["bgnbd"]["r"] == pytest.approx(0.8, rel=0.15)
    assert params["bgnbd"]["r"] / params["bgnbd"]["alpha"] == pytest.approx(0.8 / 30 * 7, rel=0.15)
    said = [item.text for item in no_dropout.steps["fits"].items if isinstance(item, Say)]
    boundary = [text for text in said if text.key == "clv.no_dropout"]
    assert len(boundary) == 2
    assert boundary[0].render().startswith("BG/NBD: no detectable dropout. The likelihood is highest on the "
                                           "boundary a → 0")
    assert "не определяется" in boundary[1].render("ru")
    assert skips(no_dropout) == {"members": ["common.membership_unknown"]}
    assert no_dropout.headline["mean_clv"] > 0
    assert (no_dropout.steps["value"]["clv"]["p_alive"] == 1.0).all()


def test_the_boundary_model_predicts_as_the_nbd():
    model = bgnbd.BGNBDNoDropout({"r": 0.5, "alpha": 4.0, "a": 0.0, "b": math.nan})
    # (r + x) t / (alpha + T): (0.5 + 3) * 10 / (4 + 10)
    assert model.conditional_expected_purchases(10.0, [3], [8.0], [10.0]).tolist() == pytest.approx([2.5])
    assert model.expected_purchases(8.0) == pytest.approx(1.0)
    path = model.expected_purchases_path([1.0, 2.0], np.array([3]), np.array([8.0]), np.array([10.0]))
    np.testing.assert_allclose(path, [[0.25, 0.5]])
    # its likelihood is BG/NBD's limit a -> 0 (and Pareto/NBD's s -> 0)
    x, t_x, big_t = np.array([0.0, 2.0, 5.0]), np.array([0.0, 3.0, 9.0]), np.array([10.0, 12.0, 20.0])
    limit = bgnbd.bgnbd_log_likelihood((0.5, 4.0, 1e-9, 1.0), x, t_x, big_t)
    np.testing.assert_allclose(model.log_likelihood_of(x, t_x, big_t), limit, rtol=1e-7)
    pareto = pareto_nbd.ParetoNBDModel({"r": 0.5, "alpha": 4.0, "s": 1e-9, "beta": 3.0})
    np.testing.assert_allclose(pareto.log_likelihood_of(x, t_x, big_t), limit, rtol=1e-7)


def test_real_dropout_is_not_taken_for_the_boundary(cdnow):
    models = cdnow.steps["fits"]["models"]
    assert not any(model.no_dropout for model in models.values())
    # CDNOW: the dropout parameters buy far more than the tolerance over the NBD
    calibration = cdnow.steps["purchases"]["calibration"]
    nbd_ll = nbd.fit_nbd(*(calibration[c] for c in ("frequency_cal", "recency_cal", "T_cal")))[2]
    assert models["bgnbd"].log_likelihood - nbd_ll > 100 * nbd.BOUNDARY_TOLERANCE


def test_the_penalty_is_tried_only_when_the_plain_fit_fails():
    calls = []

    def fit(penalizer):
        calls.append(penalizer)
        if penalizer == 0:
            raise base.ClvError("bgnbd_no_convergence")
        model = LinearModel(1.0)
        model.penalizer_coef = penalizer
        return model

    assert base.fit_with_fallback(fit, 0.01).penalizer_coef == 0.01 and calls == [0.0, 0.01]
    with pytest.raises(base.ClvError, match="did not converge"):
        base.fit_with_fallback(fit, 0.0)

    def thin(penalizer):
        calls.append(penalizer)
        raise base.NotEnoughDataError("gamma_gamma_not_enough", repeat=3, needed=30)

    calls.clear()
    with pytest.raises(base.NotEnoughDataError):
        base.fit_with_fallback(thin, 0.01)
    assert calls == [0.0]

    def never(penalizer):
        raise base.ClvError("pareto_nbd_not_evaluated")

    with pytest.raises(base.ClvError) as failed:
        base.fit_with_fallback(never, 0.01)
    assert str(failed.value) == ("Pareto/NBD did not converge (the likelihood could not be evaluated) (also "
                                 "with clv.penalizer_coef = 0.01: Pareto/NBD did not converge (the "
                                 "likelihood could not be evaluated))")


def test_lifetimes_leaves_warning_filters_alone():
    before = list(warnings.filters)
    summary = data.rfm_summary(data.purchase_log(simulate_transactions(300, seed=2)), "2024-12-31")
    bgnbd.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    assert list(warnings.filters) == before


def test_clv_imports_and_fits_without_pkg_resources_or_setuptools():
    code = (
        "import sys\n"
        "sys.modules['pkg_resources'] = None\n"
        "sys.modules['setuptools'] = None\n"
        "from {{ cookiecutter.package_name }}.sections.clv.data import purchase_log, rfm_summary\n"
        "from {{ cookiecutter.package_name }}.sections.clv.models import fit_bgnbd\n"
        "from {{ cookiecutter.package_name }}.synthetic.clv_simulator import simulate_transactions\n"
        "s = rfm_summary(purchase_log(simulate_transactions(200, seed=1)), '2024-12-31')\n"
        "m = fit_bgnbd(s['frequency'], s['recency'], s['T'])\n"
        "print(type(m).__name__, 'pkg_resources' in sys.modules and sys.modules['pkg_resources'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT / "src")},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["BGNBDModel", "None"]


# --- holdout, tracking and CLV by hand ----------------------------------------------------------------


class LinearModel(base.FrequencyModel):
    """A stand-in model: `rate` purchases per time unit, alive with probability 0.5."""

    key = "bgnbd"

    def __init__(self, rate: float) -> None:
        super().__init__({"r": 1, "alpha": 1, "a": 1, "b": 1})
        self.rate = rate

    def expected_purchases(self, t):
        return self.rate * np.asarray(t, float)

    def conditional_expected_purchases(self, t, frequency, recency, T):
        return self.rate * np.asarray(t, float) * np.ones(np.shape(frequency))

    def probability_alive(self, frequency, recency, T):
        return np.full(np.shape(frequency), 0.5)


def test_holdout_comparison_by_hand():
    calibration = pd.DataFrame({
        "frequency_cal": [0, 1, 9], "recency_cal": [0.0, 1.0, 2.0], "T_cal": [3.0, 3.0, 3.0],
        "frequency_holdout": [1, 0, 5], "duration_holdout": [2.0, 2.0, 2.0],
    })
    totals, by_frequency = validation.holdout_comparison(calibration, {"bgnbd": LinearModel(0.5)})
    # predicted 1 purchase each (0.5 x 2 weeks): 3 vs actual 6, error 0.5, MAE (0 + 1 + 4) / 3
    assert totals.iloc[0][["predicted", "actual", "error_rate"]].tolist() == [3.0, 6.0, 0.5]
    assert totals.iloc[0]["mae"] == pytest.approx(5 / 3)
    assert by_frequency["frequency"].tolist() == ["0", "1", "7+"]
    assert by_frequency["actual"].tolist() == [1.0, 0.0, 5.0]
    assert validation.select_model(totals, {"bgnbd": LinearModel(0.5)}) == "bgnbd"


def test_tracking_by_hand():
    log = data.purchase_log(checks([
        ("2024-01-01", "A", 1.0), ("2024-01-05", "A", 1.0), ("2024-01-20", "A", 1.0),
        ("2024-01-08", "B", 1.0), ("2024-01-09", "B", 1.0),
        ("2024-01-25", "C", 1.0),  # acquired after the calibration end: not tracked
    ]))
    table = validation.cumulative_tracking(log, "2024-01-14", "2024-01-21", {"bgnbd": LinearModel(1.0)}, "W")
    assert table["date"].tolist() == [pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-15"),
                                      pd.Timestamp("2024-01-21")]
    assert table["actual"].tolist() == [1.0, 2.0, 3.0]
    # E[X(age)] = age in weeks; A born Jan 1, B born Jan 8
    assert table["bgnbd"].tolist() == pytest.approx([1.0, 2.0 + 1.0, 20 / 7 + 13 / 7])


def test_clv_formula_by_hand():
    summary = pd.DataFrame({"frequency": [2, 0], "recency": [4.0, 0.0], "T": [10.0, 1.0],
                            "monetary_value": [50.0, 0.0], "spend": [120.0, 30.0]},
                           index=pd.Index(["A", "B"], name="customer_id"))
    rate_per_week = 0.25
    table = valuation.customer_lifetime_value(summary, LinearModel(rate_per_week), None, horizon_months=3,
                                        annual_discount_rate=0.12, gross_margin=0.4, time_unit="W")
    per_month = rate_per_week * data.DAYS_PER_MONTH / 7
    discount = sum(1.0 / 1.12 ** (k / 12) for k in (1, 2, 3))
    # no spend model: the customer's own mean amount over all purchase days (120 / 3, 30 / 1)
    assert table["clv"].tolist() == pytest.approx([0.4 * 40.0 * per_month * discount,
                                                   0.4 * 30.0 * per_month * discount])
    assert table["expected_purchases"].tolist() == pytest.approx([3 * per_month] * 2)
    assert table["p_alive"].tolist() == [0.5, 0.5]


def test_gamma_gamma_expected_spend_by_hand():
    model = gamma_gamma.GammaGammaModel({"p": 6.0, "q": 4.0, "v": 15.0})
    assert model.mean_spend == pytest.approx(30.0)
    # x = 2, m = 50: weight = 12 / (12 + 3) = 0.8 -> 0.8 * 50 + 0.2 * 30
    assert model.conditional_expected_spend([2, 0], [50.0, 0.0]).tolist() == pytest.approx([46.0, 30.0])


def test_spend_frequency_correlation():
    correlation = gamma_gamma.spend_frequency_correlation([0, 1, 2, 3], [0.0, 10.0, 20.0, 30.0])
    assert correlation == pytest.approx(1.0)
    assert math.isnan(gamma_gamma.spend_frequency_correlation([0, 1], [0.0, 10.0]))


def test_groups_members_and_top_customers():
    table = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "clv": [10.0, 30.0, 20.0, 40.0],
                          "p_alive": [0.9, 0.5, 0.1, 0.8], "expected_purchases": [1.0, 2.0, 3.0, 4.0],
                          "expected_spend": [1.0] * 4, "frequency": [1, 2, 3, 4],
                          "recency": [1.0] * 4, "T": [2.0] * 4})
    customers = pd.DataFrame({"customer_id": pd.array(["A", "B", "C"], dtype="string"),
                              "joined_program_at": pd.to_datetime(["2024-01-01", None, "2025-06-01"])})
    # the one membership rule (core.membership): joined on or before the period end; D, not in the
    # customers table, is an identified customer who is not a member
    members = valuation.membership_groups(table["customer_id"], customers, None, "2024-12-31")
    assert members.to_dict() == {"A": "members", "B": "non_members", "C": "non_members", "D": "non_members"}
    by_group = valuation.clv_by_group(table, members).set_index("group")
    assert by_group.loc["members", ["customers", "mean_clv", "total_clv"]].tolist() == [1, 10.0, 10.0]
    assert by_group.loc["non_members", "mean_clv"] == 30.0
    assert by_group["clv_share"].sum() == pytest.approx(1.0)
    # customers missing from a grouping fall in "(unknown)"
    partial = valuation.clv_by_group(table, members.drop("D")).set_index("group")
    assert partial.loc["(unknown)", "customers"] == 1 and partial.loc["non_members", "mean_clv"] == 25.0
    assert valuation.p_alive_bands(table).str.split().str[1].tolist() == ["active", "risk", "lost", "active"]
    assert valuation.top_customers(table, 2)["customer_id"].tolist() == ["D", "B"]
    assert valuation.clv_concentration(table, 0.25) == pytest.approx(0.4)
    assert valuation.membership_groups(table["customer_id"], None, None, "2024-12-31") is None


# --- sample data, end to end -------------------------------------------------------------------------


def test_the_pipeline_records_the_clv_section(demo_run):
    """Through papermill: the bundle's kpis.json carries the selected model and its holdout check."""
    _, kpis, _ = demo_run
    section = kpis["clv"]
    assert section["selected_model"] in ("bgnbd", "pareto_nbd")
    assert 0 <= section["holdout"]["error"] < HOLDOUT_ERROR_BOUND
    assert section["holdout"]["actual"] > 0 and section["mean_clv"] > 0


def test_sample_data_holdout_error_is_within_bound(sample_project, tmp_path):
    """The sample data go through the project's reading and cleaning; the selected model predicts the
    holdout's repeat purchases within HOLDOUT_ERROR_BOUND."""
    from {{ cookiecutter.package_name }}.config import load_config
    from {{ cookiecutter.package_name }}.ingest.prepare import prepare

    shared, truth = sample_project
    project = tmp_path / "project"  # a copy, so that the shared project's cache stays untouched
    for part in ("config", "data/raw"):
        shutil.copytree(shared / part, project / part)
    config = load_config(project, "demo")
    prepared = prepare(project, config)
    result = run_section(prepared.table("transactions"), config, prepared.period_timestamps,
                         prepared.table("customers"))
    assert skips(result) == {}
    assert result.headline["holdout"]["error"] < HOLDOUT_ERROR_BOUND
    assert all(v is not None for m in result.headline["model_params"].values() for v in m.values())
    # weekly parameters near the planted Pareto/NBD purchase process (seasonality and membership
    # effects, left-censored old customers and same-day merging make them only approximate)
    planted = truth["params"]["pareto_nbd"]
    fitted = result.steps["fits"]["models"]["pareto_nbd"].params
    assert fitted["r"] / fitted["alpha"] == pytest.approx(planted["r"] / planted["alpha_weeks"], rel=0.35)
    planted_spend = truth["params"]["gamma_gamma"]["mean_check"]
    assert result.steps["fits"]["spend_model"].mean_spend == pytest.approx(planted_spend, rel=0.35)

"""Benchmark of the CLV section at a retailer's scale (default 100,000 customers).

Prints the median seconds of each step over --repeats runs: building the RFM summary (ours against
lifetimes' `summary_data_from_transaction_data` on the same transactions), the BG/NBD, Pareto/NBD and
Gamma-Gamma fits, and the whole section. With --lifetimes-pareto it also times lifetimes' own
Pareto/NBD fitter once (slow: tens of seconds) and compares its parameters with ours.

    python benchmarks/bench_clv.py [--customers 100000] [--repeats 3] [--lifetimes-pareto]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from {{ cookiecutter.package_name }}.sections import clv  # noqa: E402
from {{ cookiecutter.package_name }}.sections.clv.data import (  # noqa: E402
    calibration_holdout_summary,
    purchase_log,
    rfm_summary,
)
from {{ cookiecutter.package_name }}.sections.clv.models import (  # noqa: E402
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
)
from {{ cookiecutter.package_name }}.sections.clv.models.base import lifetimes, patterns, quiet  # noqa: E402
from {{ cookiecutter.package_name }}.synthetic.clv_simulator import simulate_transactions  # noqa: E402

START, END, CALIBRATION_END = "2023-01-01", "2024-12-31", "2024-06-30"


def timed(step: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall-clock seconds of `step` over `repeats` runs, and its last result."""
    seconds, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), result


def compare_summaries(transactions: pd.DataFrame, observation_end: Any,
                      repeats: int = 1) -> tuple[float, float, bool]:
    """Median seconds of our RFM summary (purchase_log + rfm_summary, daily units) and of lifetimes'
    `summary_data_from_transaction_data` on the same checks, and whether their (frequency, recency, T)
    agree. Used by bench_scale.py too."""
    lifetimes()
    from lifetimes.utils import summary_data_from_transaction_data

    def ours_summary() -> pd.DataFrame:
        return rfm_summary(purchase_log(transactions), observation_end, "D")

    def lifetimes_summary() -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return summary_data_from_transaction_data(transactions, "customer_id", "date", "amount",
                                                      observation_period_end=observation_end, freq="D")

    seconds_ours, summary = timed(ours_summary, repeats)
    seconds_theirs, theirs = timed(lifetimes_summary, repeats)
    columns = ["frequency", "recency", "T"]
    ours_values = summary[columns].astype(float).sort_index().to_numpy()
    theirs_values = theirs[columns].astype(float).sort_index().to_numpy()
    same = ours_values.shape == theirs_values.shape and bool((ours_values == theirs_values).all())
    return seconds_ours, seconds_theirs, same


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lifetimes-pareto", action="store_true",
                        help="also time lifetimes' ParetoNBDFitter (once; slow)")
    args = parser.parse_args(argv)

    transactions = simulate_transactions(args.customers, START, END, seed=args.seed)
    package = lifetimes()

    print(f"{args.customers:,} customers, {len(transactions):,} checks, {START} .. {END}; "
          f"median of {args.repeats} run(s)")
    rows: list[tuple[str, float]] = []

    seconds_ours, seconds_theirs, same = compare_summaries(transactions, END, args.repeats)
    rows.append(("summary: purchase_log + rfm_summary", seconds_ours))
    rows.append(("summary: lifetimes summary_data_from_transaction_data", seconds_theirs))

    log = purchase_log(transactions)
    seconds, calibration = timed(
        lambda: calibration_holdout_summary(log, CALIBRATION_END, END, "W"), args.repeats)
    rows.append(("calibration/holdout summary (weeks)", seconds))
    x, t_x, big_t = (calibration[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal"))
    penalizer = 0.0  # plain maximum likelihood, as the section fits unless that fails
    seconds, bgnbd = timed(lambda: fit_bgnbd(x, t_x, big_t, penalizer), args.repeats)
    rows.append(("fit BG/NBD (lifetimes, distinct patterns)", seconds))
    start = {"r": bgnbd.params["r"], "alpha": bgnbd.params["alpha"], "s": 1.0, "beta": big_t.max()}
    seconds, pareto = timed(lambda: fit_pareto_nbd(x, t_x, big_t, penalizer, start), args.repeats)
    rows.append(("fit Pareto/NBD (ours, with standard errors)", seconds))
    monetary = calibration["monetary_value_cal"].to_numpy()
    seconds, gamma = timed(lambda: fit_gamma_gamma(x, monetary), args.repeats)
    rows.append(("fit Gamma-Gamma (lifetimes)", seconds))
    config = {"clv": {"time_unit": "W", "calibration_end": CALIBRATION_END, "holdout_fraction": 0.25,
                      "horizon_months": 12, "annual_discount_rate": 0.1, "penalizer_coef": 0.001,
                      "min_repeat_buyers": 30, "max_spend_correlation": 0.3},
              "program": {"gross_margin": 0.35}}
    period = (pd.Timestamp(START), pd.Timestamp(END))
    inputs = clv.Inputs(transactions, None, clv.Settings.from_config(config), period)
    seconds, result = timed(lambda: clv.analyse(inputs), args.repeats)
    rows.append(("whole section: sections.clv.analyse", seconds))

    if args.lifetimes_pareto:
        fitter = package.ParetoNBDFitter(penalizer_coef=penalizer)
        with quiet():
            seconds, _ = timed(lambda: fitter.fit(x, t_x, big_t), 1)
        rows.append(("fit Pareto/NBD (lifetimes ParetoNBDFitter, once)", seconds))

    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds:8.2f} s")
    print(f"summaries equal to lifetimes' (frequency, recency, T): {bool(same)}")
    print(f"distinct (x, t_x, T) patterns: {len(patterns(x, t_x, big_t)[0]):,} of "
          f"{len(x):,} calibration customers")
    print(f"BG/NBD {bgnbd}\nPareto/NBD {pareto}\nGamma-Gamma {gamma}")
    if args.lifetimes_pareto:
        theirs = {k: round(float(v), 4) for k, v in fitter.params_.items()}
        print(f"lifetimes Pareto/NBD: {theirs}")
    print(f"holdout error of the selected model ({result.headline['selected_model']}): "
          f"{result.headline['holdout']['error']:.3f}")


if __name__ == "__main__":
    main()

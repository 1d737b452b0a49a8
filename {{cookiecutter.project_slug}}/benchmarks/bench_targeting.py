"""Benchmark of campaign targeting (uplift section): scoring and evaluation of one campaign.

Generates a sample whose campaigns target every customer alive on the send day (about 100,000 customers
in autumn_bonus at the default 180,000 sample customers), prepares it, then times for that campaign:
the features known before sending, the cross-fitted T-/X-learner and response-model scores, the Qini
areas with their bootstrap intervals (`evaluate_campaign` as a whole), and the next campaign's target
list over every identified customer. Prints the seconds of each part and the campaign's figures, and
the top decile's planted uplift against the average (campaign_effects.csv).

    python benchmarks/bench_targeting.py [--customers 180000] [--campaign autumn_bonus] [--seed 1]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from {{ cookiecutter.package_name }} import synthetic  # noqa: E402
from {{ cookiecutter.package_name }}.config import load_config  # noqa: E402
from {{ cookiecutter.package_name }}.ingest.prepare import prepare  # noqa: E402
from {{ cookiecutter.package_name }}.sections.uplift import section  # noqa: E402
from {{ cookiecutter.package_name }}.sections.uplift.settings import Settings  # noqa: E402
from {{ cookiecutter.package_name }}.sections.uplift.targeting import (  # noqa: E402
    History,
    evaluate_campaign,
    target_list,
)
from {{ cookiecutter.package_name }}.sections.uplift.targeting_features import customer_features  # noqa: E402


def timed(label: str, call, *args):
    start = time.perf_counter()
    out = call(*args)
    print(f"  {label:<44} {time.perf_counter() - start:7.1f} s")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=180_000, help="sample customers (default 180000)")
    parser.add_argument("--campaign", default="autumn_bonus")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench_targeting_"))
    try:
        shutil.copytree(ROOT / "config", root / "config")
        raw = root / "data" / "raw" / "demo"
        print(f"sample of {args.customers:,} customers, every alive customer targeted:")
        timed("generate", lambda: synthetic.generate(raw, n_customers=args.customers, seed=args.seed,
                                                     params={"campaign_target_share": 1.0}))
        config = load_config(root, "demo")
        prepared = timed("prepare (ingest)", prepare, root, config)
        tables = {n: prepared.table(n) for n in ("transactions", "customers", "points", "campaigns")}
        settings = Settings.from_config(config)
        data = section.Inputs(tables["transactions"], tables["customers"], tables["points"],
                              tables["campaigns"], prepared.period_timestamps, settings)
        tests = timed("campaign tests (all campaigns)", section.campaign_tests, data)
        outcomes = tests["outcomes"]
        rows = outcomes[outcomes["campaign_id"] == args.campaign].reset_index(drop=True)
        print(f"campaign {args.campaign}: {len(rows):,} customers "
              f"({int((rows['group'] == 'control').sum()):,} control)")
        start = time.perf_counter()
        history = timed("history", History.of, data.transactions, data.customers, data.points, outcomes)
        timed("  features alone", customer_features, history, pd.Index(rows["customer_id"]),
              rows["sent_day"].min())
        result = timed("evaluate_campaign (features, scores, Qini, CI)", evaluate_campaign, rows, history,
                       settings)
        scoring = time.perf_counter() - start
        as_of = data.period[1] + pd.Timedelta(days=1)
        targets = timed("target list (refit, score all customers)", target_list, history, result, as_of,
                        settings)
        print(f"scoring and evaluation of one campaign: {scoring:.1f} s (+ target list of "
              f"{len(targets):,} customers)")
        for name, values in result["rankings"].items():
            print(f"  {name:<15} Qini area {values['qini_area']:>14,.0f}  95% CI "
                  f"{values['qini_ci_low']:>14,.0f} .. {values['qini_ci_high']:>14,.0f}")
        print(f"  model {result['model']}, recommended {result['recommended']}, uplift at 30% "
              f"{result['uplift_at_30']:,.1f} per customer")
        effects = pd.read_csv(raw / "campaign_effects.csv", sep=";", dtype={"client_id": str})
        truth = effects[effects["campaign"] == args.campaign].set_index("client_id")["incremental_revenue"]
        true = truth.reindex(result["scores"]["customer_id"]).to_numpy()
        order = np.argsort(-result["scores"][result["model"]].to_numpy(), kind="stable")
        top = true[order[: len(true) // 10]]
        print(f"  planted incremental revenue: top decile {top.mean():,.1f} vs average {true.mean():,.1f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

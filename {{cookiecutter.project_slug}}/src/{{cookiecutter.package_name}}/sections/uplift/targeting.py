"""Campaign targeting: per campaign with a random control group, which customers to send the next one to.

For each campaign with at least ``targeting_min_customers`` customers in each group: the features known
before sending (`targeting_features`), cross-fitted T- and X-learner scores of the incremental revenue
and a response model (`targeting_models`), their Qini areas with bootstrap intervals and the uplift at
10/20/30% targeted against random targeting (`targeting_eval`). The learner with the larger Qini area is
the campaign's model; targeting is recommended when the 95% interval of its Qini area lies above zero.

The next campaign's list: the latest campaign whose targeting is recommended gives the model, refitted
on all its customers, that scores every identified customer on the features known the day after the
period (customer id and score only). Expected incremental revenue of targeting the top share s of the
list = s x list size x uplift per customer at s in that campaign's test; with a cost per contact
(``cost_per_contact``, else the campaign's cost / its treatment group): ROMI = (incremental revenue x
gross margin - cost) / cost.

Libraries (issue #19): the learners are scikit-learn's gradient boosting composed into T- and X-learners
(`targeting_models`), the Qini curve and area are `targeting_eval`'s, written to causalml's definition.
Both maintained uplift packages were tried with our pins (pandas 3.1, numpy 2.4, scikit-learn 1.9,
Python 3.11): scikit-uplift 0.5.1 (last release 2022) installs, but its Qini accepts binary outcomes only
(our outcome is revenue) and its binary check raises under numpy 2; causalml 0.18 installs and works
(its ``qini_score`` even has a bootstrap interval) but brings about 1.6 GB of dependencies (xgboost with
NVIDIA NCCL, lightgbm, shap, black, pinned forestci and pathos) and 3 s of import to every run for one
cumulative sum, and its bootstrap re-sorts a data frame per replicate (too slow for 100,000 customers in
30 s). Our Qini equals causalml's ``qini_score(normalize=False)`` (checked on random data); its bootstrap
reuses the one sort order with resampling counts as weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .checks import Checks
from .settings import Settings
from .targeting_eval import captured_share, gains_table, qini_area, qini_curve, qini_interval, uplift_at
from .targeting_features import History, customer_features, every_customer_features
from .targeting_models import (
    LEARNERS,
    ModelOptions,
    capped,
    cross_fit,
    fit_learners,
    predicting_on,
    single_thread,
)

KPI_KEYS = ("model", "qini_area", "qini_ci_low", "qini_ci_high", "uplift_at_30", "recommended")
SCORE_ROWS = 500_000  # customers scored at a time for the target list
LIST_SHARES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def options_of(settings: Settings, threads: int = 1) -> ModelOptions:
    return ModelOptions(seed=settings.random_seed, threads=threads)


def sampled(outcomes: pd.DataFrame, limit: int, seed: int) -> pd.DataFrame:
    """At most about `limit` of a campaign's customers, drawn at random within each group in the same
    proportion (rows kept in their order): a big client's campaign of 250,000 customers costs minutes
    to cross-fit, while the Qini interval's width hardly narrows past 100,000."""
    if len(outcomes) <= limit:
        return outcomes
    share = limit / len(outcomes)
    return outcomes.groupby("group", group_keys=False).sample(frac=share, random_state=seed).sort_index()


def evaluate_campaign(outcomes: pd.DataFrame, history: History, settings: Settings,
                      threads: int = 1) -> dict[str, Any]:
    """One campaign's outcomes (`campaign_outcomes` rows of one campaign): scores, Qini areas with
    intervals, gains; or the group sizes and reason ``too_few_customers``. Above
    ``targeting_max_customers`` customers the evaluation is on a random sample of them (`sampled`;
    ``evaluated`` says how many). `threads`: folds fitted side by side (the same scores)."""
    treated = (outcomes["group"] == "treatment").to_numpy()
    sizes = {"treatment": int(treated.sum()), "control": int((~treated).sum())}
    if min(sizes.values()) < settings.targeting_min_customers:
        return {**sizes, "reason": "too_few_customers"}
    outcomes = sampled(outcomes, settings.targeting_max_customers, settings.random_seed)
    sizes["evaluated"] = len(outcomes)
    treated = (outcomes["group"] == "treatment").to_numpy()
    sent = outcomes["sent_day"].min()
    ids = outcomes["customer_id"].astype(str).to_numpy()
    x = customer_features(history, pd.Index(ids), sent).loc[ids].reset_index(drop=True)
    y = outcomes["spend"].to_numpy(float)
    scores = cross_fit(x, y, treated, outcomes["responded"].to_numpy(bool), settings.targeting_folds,
                       options_of(settings, threads))
    rankings = {}
    for name in scores.columns:
        score = scores[name].to_numpy(float)
        low, high = qini_interval(y, treated, score, settings.targeting_bootstrap_samples,
                                  settings.random_seed)
        rankings[name] = {"qini_area": qini_area(y, treated, score), "qini_ci_low": low, "qini_ci_high": high}
    model = max(LEARNERS, key=lambda name: rankings[name]["qini_area"])
    chosen = scores[model].to_numpy(float)
    best = rankings[model]
    return {**sizes, "reason": None, "sent_day": sent, "model": model, "rankings": rankings,
            "recommended": best["qini_ci_low"] is not None and best["qini_ci_low"] > 0,
            "uplift_at_30": uplift_at(y, treated, chosen, 0.3),
            "captured_at_30": captured_share(qini_curve(y, treated, chosen), 0.3),
            "gains": gains_table(y, treated, scores), "scores": scores.assign(
                customer_id=ids, treated=treated, spend=y),
            "features": x}


def evaluate_campaigns(outcomes: pd.DataFrame, history: History, settings: Settings,
                       threads: int = 1) -> dict[str, dict]:
    """`evaluate_campaign` of every campaign, by campaign id (as text), in the order of sending."""
    first_day = outcomes.groupby("campaign_id")["sent_day"].min()
    order = first_day.sort_values(kind="stable").index
    # a campaign's features are taken as of its first sending day, whichever day a customer got it
    sent = outcomes.groupby(outcomes["campaign_id"].map(first_day))["customer_id"].unique()
    history.prefetch({day: pd.Index(ids).astype(str) for day, ids in sent.items()})  # one pass for all
    return {str(cid): evaluate_campaign(outcomes[outcomes["campaign_id"] == cid].reset_index(drop=True),
                                        history, settings, threads) for cid in order}


def rankings_table(results: dict[str, dict]) -> pd.DataFrame:
    """One row per evaluated campaign and ranking: Qini area and its interval, the campaign's model."""
    rows = [{"campaign_id": cid, "ranking": name, **values, "chosen": name == res["model"]}
            for cid, res in results.items() if res["reason"] is None
            for name, values in res["rankings"].items()]
    return pd.DataFrame(rows, columns=["campaign_id", "ranking", "qini_area", "qini_ci_low", "qini_ci_high",
                                       "chosen"])


def gains_by_campaign(results: dict[str, dict]) -> pd.DataFrame:
    """The gains tables (`gains_table`) of every evaluated campaign, stacked."""
    parts = [res["gains"].assign(campaign_id=cid) for cid, res in results.items() if res["reason"] is None]
    if not parts:
        return pd.DataFrame()
    table = pd.concat(parts, ignore_index=True)
    return table[["campaign_id", *[c for c in table.columns if c != "campaign_id"]]]


def list_campaign(results: dict[str, dict]) -> str | None:
    """The latest campaign whose targeting is recommended (None when none is)."""
    recommended = [cid for cid, res in results.items() if res["reason"] is None and res["recommended"]]
    return recommended[-1] if recommended else None


def target_list(history: History, result: dict[str, Any], as_of: pd.Timestamp,
                settings: Settings, threads: int = 1) -> pd.DataFrame:
    """Every identified customer scored by the campaign's model refitted on all its customers, on the
    features known before `as_of`: customer_id and score (incremental revenue), highest first. The
    scores are predicted on `threads` cores (the same scores)."""
    scores = result["scores"]
    y = capped(scores["spend"].to_numpy(float))
    columns = result["features"].columns
    with single_thread():
        tau = fit_learners(result["features"], y, scores["treated"].to_numpy(bool), options_of(settings),
                           (result["model"],))[result["model"]]
    with predicting_on(threads):
        # features and scores by blocks of customers (each row's score is its own): 8.6M customers'
        # features are two GiB, and the model's float copy of them one more
        ids, score = [], []
        for x in every_customer_features(history, as_of, SCORE_ROWS):
            ids.append(x.index.astype(str))
            score.append(tau(x[columns]))
    out = pd.DataFrame({"customer_id": ids[0].append(ids[1:]) if ids else pd.Index([], dtype=str),
                        "score": np.round(np.concatenate(score) if score else np.zeros(0), 2)})
    return out.sort_values(["score", "customer_id"], ascending=[False, True], kind="stable",
                           ignore_index=True)


def contact_cost(campaign_id: str, treated: int, settings: Settings) -> float | None:
    """Cost per contact: ``cost_per_contact``, else the campaign's cost / its treatment group."""
    if settings.cost_per_contact is not None:
        return float(settings.cost_per_contact)
    cost = {str(k): v for k, v in (settings.campaign_costs or {}).items()}.get(campaign_id)
    return None if cost is None or not treated else float(cost) / treated


def expected_revenue(result: dict[str, Any], list_size: int, cost_per_contact: float | None,
                     gross_margin: float) -> pd.DataFrame:
    """By targeted share s of the list: customers = ceil(s x list size), expected incremental revenue =
    customers x uplift per customer at s (the campaign's test, its model's ranking); cost = customers x
    cost per contact; ROMI = (revenue x gross margin - cost) / cost (NaN without costs)."""
    scores = result["scores"]
    y, t = scores["spend"].to_numpy(float), scores["treated"].to_numpy(bool)
    chosen = scores[result["model"]].to_numpy(float)
    rows = []
    for share in LIST_SHARES:
        customers = int(np.ceil(share * list_size))
        per_customer = uplift_at(y, t, chosen, share)
        revenue = None if per_customer is None else per_customer * customers
        cost = None if cost_per_contact is None else cost_per_contact * customers
        romi = (revenue * gross_margin - cost) / cost if revenue is not None and cost else None
        rows.append({"targeted_share": share, "customers": customers, "uplift_per_customer": per_customer,
                     "incremental_revenue": revenue, "cost": cost, "romi": romi})
    return pd.DataFrame(rows).astype({"uplift_per_customer": float, "incremental_revenue": float,
                                      "cost": float, "romi": float})


def targeting_kpis(campaign_ids: list[str], results: dict[str, dict] | None,
                   reason: str | None) -> dict[str, dict]:
    """Per campaign: ``targeting`` {model, qini_area, qini_ci_low, qini_ci_high, uplift_at_30,
    recommended, reason}: nulls (recommended false) with the reason when the campaign was not modelled."""
    out = {}
    for cid in campaign_ids:
        res = (results or {}).get(cid)
        why = (reason or "not_evaluated") if res is None else res["reason"]
        if why is not None:
            out[cid] = {**dict.fromkeys(KPI_KEYS), "recommended": False, "reason": why}
            continue
        best = res["rankings"][res["model"]]
        out[cid] = {"model": res["model"], **best, "uplift_at_30": res["uplift_at_30"],
                    "recommended": bool(res["recommended"]), "reason": None}
    return out


def with_targeting(kpis: dict[str, Any], targeting: dict[str, dict]) -> dict[str, Any]:
    """The uplift kpis with each campaign's ``targeting`` block added (`targeting_kpis`)."""
    campaigns = kpis.get("campaigns")
    if not campaigns:
        return kpis
    merged = {cid: {**block, "targeting": targeting.get(cid)} for cid, block in campaigns.items()}
    return {**kpis, "campaigns": merged}


def targeting_analysis(transactions: pd.DataFrame | Checks, customers: pd.DataFrame | None,
                       points: pd.DataFrame | None, outcomes: pd.DataFrame, period_end: pd.Timestamp,
                       settings: Settings, threads: int = 1) -> dict[str, Any]:
    """Every campaign evaluated (`evaluate_campaigns`, `threads` folds fitted side by side), their
    rankings and gains tables; the list campaign, its target list (features known the day after
    `period_end`, scored on `threads` cores) and expected revenue by share."""
    history = History.of(transactions, customers, points, outcomes)
    results = evaluate_campaigns(outcomes, history, settings, threads)
    out = {"results": results, "rankings": rankings_table(results), "gains": gains_by_campaign(results),
           "list_campaign": list_campaign(results), "targets": None, "expected": None}
    chosen = out["list_campaign"]
    if chosen is not None:
        as_of = pd.Timestamp(period_end).normalize() + pd.Timedelta(days=1)
        out["targets"] = target_list(history, results[chosen], as_of, settings, threads)
        cost = contact_cost(chosen, results[chosen]["treatment"], settings)
        out["expected"] = expected_revenue(results[chosen], len(out["targets"]), cost,
                                           settings.program.gross_margin)
    return out


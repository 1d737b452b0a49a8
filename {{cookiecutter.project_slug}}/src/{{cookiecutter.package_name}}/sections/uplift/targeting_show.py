"""Campaign targeting, what the step shows: the rankings and gains tables, one sentence per campaign,
the Qini chart, the next campaign's list (written to exports/) and its expected revenue by share."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from ..steps import Step
from .plots import qini_figure
from .settings import Settings
from .targeting_eval import qini_curve
from .targeting_models import RESPONSE


def say_campaign(step: Step, campaign: str, result: dict[str, Any], minimum: int) -> None:
    """The campaign's sentence: too small to model; targeting not distinguishable from random; or what
    the top 30% captures (or, when sending to everyone earned nothing, what the top 30% earns)."""
    if result["reason"] is not None:
        step.skip("uplift.skip.targeting_small", campaign=campaign, treatment=result["treatment"],
                  control=result["control"], minimum=minimum)
        return
    customers = result["treatment"] + result["control"]
    if result.get("evaluated", customers) < customers:
        step.say("uplift.say.targeting_sampled", campaign=campaign, evaluated=result["evaluated"],
                 customers=customers)
    best = result["rankings"][result["model"]]
    area = {"area": best["qini_area"], "low": best["qini_ci_low"], "high": best["qini_ci_high"]}
    if not result["recommended"]:
        step.say("uplift.say.targeting_not_recommended", campaign=campaign, **area)
    elif result["captured_at_30"] is not None:
        step.say("uplift.say.targeting_captures", campaign=campaign, captured=result["captured_at_30"],
                 model=result["model"], **area)
    else:
        step.say("uplift.say.targeting_top_only", campaign=campaign, uplift=result["uplift_at_30"],
                 model=result["model"], **area)


def curves(result: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Qini curves of the campaign's model and the response model (by targeted share)."""
    scores = result["scores"]
    y, t = scores["spend"].to_numpy(float), scores["treated"].to_numpy(bool)
    return {name: qini_curve(y, t, scores[name].to_numpy(float)) for name in (result["model"], RESPONSE)}


def show_targeting(step: Step, analysis: dict[str, Any], settings: Settings) -> Step:
    """Fill the targeting step from `targeting_analysis`'s result."""
    results = analysis["results"]
    evaluated = [cid for cid, res in results.items() if res["reason"] is None]
    if evaluated:
        step.table("uplift_targeting", analysis["rankings"], "uplift.caption.targeting_rankings")
        step.table("uplift_targeting_gains", analysis["gains"], "uplift.caption.targeting_gains")
        latest = analysis["list_campaign"] or evaluated[-1]
        step.chart("uplift_targeting_qini", partial(qini_figure, curves(results[latest])),
                   "uplift.caption.targeting_chart", campaign=latest)
    for cid, result in results.items():
        say_campaign(step, cid, result, settings.targeting_min_customers)
    chosen = analysis["list_campaign"]
    if chosen is None:
        return step.skip("uplift.skip.targeting_no_list")
    targets = analysis["targets"]
    step.table("uplift_targeting_expected", analysis["expected"], "uplift.caption.targeting_expected",
               campaign=chosen, customers=len(targets))
    return step.table("uplift_targets", targets, "uplift.caption.targeting_list", max_rows=20, export=True,
                      campaign=chosen)

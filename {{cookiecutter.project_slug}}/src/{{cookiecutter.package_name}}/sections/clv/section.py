"""The CLV section (40): its inputs, its steps in notebook order, and `run(ctx)`.

Each step is one call from notebooks/40_clv.ipynb and returns a `Step` (tables, charts, sentences,
skip reasons, and `values` for the later steps); `run` calls the same steps in the same order and
returns the kpis.json block `clv` as the headline. A part the data cannot support is skipped with its
reason, and its headline values are None; no step raises for thin data.

A big client's checks stay on disk, bucketed by customer (`engine.customers`): the per-customer
summaries, the purchase counts and the tracking counts come bucket by bucket (`history`), the RFM
bases of the segments too, and the join days by `CustomerChecks.join_dates`; the numbers are the same
as in memory, bit for bit (tests/engine/test_clv_out_of_core.py).

    purchases -> fits -> holdout, tracking -> value -> members, segments, top -> headline
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from ...core.membership import MEMBERS, NON_MEMBERS
from ...core.numbers import finite
from ...engine.customers import CustomerChecks, customer_checks
from ...text.catalogue import Text
from ...text.common import MEMBERSHIP_UNKNOWN
from ..registry import Requirement, Unmet, check
from ..rfm import customer_rfm, score_rfm
from ..steps import SectionResult, Step
from .data import LogCounts, split_period
from .history import COLUMNS, histories, histories_at, planned_ends
from .models import (
    MODEL_LABELS,
    PARAM_NAMES,
    ClvError,
    FrequencyModel,
    NotEnoughDataError,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    fit_with_fallback,
    spend_frequency_correlation,
)
from .plots import plot_clv_by_group, plot_clv_distribution, plot_holdout, plot_tracking
from .settings import Settings
from .validation import holdout_comparison, select_model, tracking_table
from .valuation import (
    P_ALIVE_BANDS,
    clv_by_group,
    clv_concentration,
    customer_export,
    customer_lifetime_value,
    fits_table,
    groups_by_joins,
    p_alive_bands,
    top_customers,
)

KEY = "clv"
# what the section needs (`registry.check`): identified checks; members (and non-members) for "members"
REQUIRES = (Requirement("transactions", ("customer_id", "date", "amount"), "some_identified"),
            Requirement("transactions", (), "some_members", steps=("members",)),
            Requirement("transactions", (), "some_non_members", steps=("members",)))
BOUNDARY_PARAMETERS = {"bgnbd": ("a", "b"), "pareto_nbd": ("s", "β")}  # the shape that goes to 0, the other


@dataclass(frozen=True)
class Inputs:
    """The checks (canonical transactions), the customers table (None when not provided), the
    settings, the analysed period (None: from the first to the last purchase), what the steps miss
    (`REQUIRES`; the steps check the same things themselves when it is not given) and `source`: where
    the per-customer parts are computed from when it is not `transactions` (a big client's checks
    bucketed by customer, `engine.customers`; `transactions` is then empty)."""

    transactions: pd.DataFrame
    customers: pd.DataFrame | None
    settings: Settings
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None
    unmet: Unmet = Unmet()
    source: CustomerChecks | None = None

    @property
    def checks(self) -> CustomerChecks:
        """`source`, or `transactions` in memory: what the per-customer functions are applied to."""
        return self.source if self.source is not None else CustomerChecks(frame=self.transactions)


def inputs(ctx: Any) -> Inputs:
    """The section's inputs from a run context (a big client's checks stay on disk, `engine`)."""
    source, customers = customer_checks(ctx), ctx.table("customers")
    unmet = check(REQUIRES, source.requirement_tables({"customers": customers}))
    return Inputs(pd.DataFrame() if source.out_of_core else source.frame, customers,
                  Settings.from_config(ctx.config), ctx.period, unmet, source)


def _carried(step: Step, *earlier: Step) -> bool:
    """Skip `step` with the reason an earlier step could not go on (True), if any did."""
    for other in earlier:
        reason = other.values.get("blocked")
        if reason is not None:
            step.values["blocked"] = reason
            step.skip(reason.key, **reason.fields)
            return True
    return False


# --------------------------------------------------------------------------------------------
# what the models see


def _inputs_table(log: LogCounts, calibration: pd.DataFrame | None) -> pd.DataFrame:
    rows = [("identified customers with a purchase", log.customers),
            ("purchase days (checks merged per customer and day)", log.purchase_days),
            ("anonymous checks (left out)", log.anonymous_checks),
            ("return days (net amount below 0; left out)", log.return_days)]
    if calibration is not None:
        rows += [("customers acquired in the calibration period", len(calibration)),
                 ("of them repeat buyers in the calibration period",
                  int((calibration["frequency_cal"] > 0).sum()))]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": "int64"})


def purchases(inputs: Inputs) -> Step:
    """Purchase days of identified customers (`history`: their counts, the per-customer summaries and
    the tracking counts, computed bucket by bucket for a big client), the calibration / holdout split
    and the calibration summary. values: histories (`history.Histories`), split, calibration,
    no_holdout (the reason there is no holdout, or None), blocked (why nothing can be fitted, or None)."""
    step = Step("purchases")
    settings, period = inputs.settings, inputs.period
    # with a period the split is known before the checks are read: one pass gives everything
    ends = planned_ends(period, settings)
    found = histories(inputs.checks, period, ends, settings.time_unit)
    step.values.update(histories=found, split=None, calibration=None, no_holdout=None, blocked=None)
    unmet = inputs.unmet.reason("purchases")
    if unmet is not None:
        step.values["blocked"] = unmet
        step.table("clv_inputs", _inputs_table(found.counts, None), "clv.caption.inputs")
        return step.skip(unmet.key, **unmet.fields)
    try:
        split, no_holdout = split_period(found.counts, period, settings.calibration_end,
                                         settings.holdout_fraction)
    except ClvError as exc:
        step.values["blocked"] = exc.text
        step.table("clv_inputs", _inputs_table(found.counts, None), "clv.caption.inputs")
        return step.skip(exc.text.key, **exc.text.fields)
    found = histories_at(inputs.checks, period, split, found, ends, settings.time_unit)
    calibration = found.calibration
    step.values.update(histories=found, split=split, calibration=calibration,
                       no_holdout=no_holdout.text if no_holdout else None)
    step.table("clv_inputs", _inputs_table(found.counts, calibration), "clv.caption.inputs")
    return step.say("clv.periods", calibration_end=split.calibration_end, weeks=split.holdout_weeks,
                    observation_end=split.observation_end)


# --------------------------------------------------------------------------------------------
# model fits


def advice(settings: Settings) -> Text:
    """What may help a fit that did not converge, naming only settings that differ from the current
    ones: weekly time units (when they are days), an L2 penalty (when there is none; else a larger one:
    the current one was tried, see `fit_with_fallback`)."""
    penalty = (Text("clv.hint.larger_penalty", {"penalty": settings.penalizer_coef})
               if settings.penalizer_coef > 0 else Text("clv.hint.penalty"))
    if settings.time_unit != "W":
        return Text("clv.advice_two", {"first": Text("clv.hint.weekly"), "second": penalty})
    return Text("clv.advice_one", {"hint": penalty})


def failure_reason(error: ClvError, settings: Settings) -> Text:
    """The reason a fit failed, with `advice` unless the data are too thin for any setting to help."""
    if isinstance(error, NotEnoughDataError):
        return error.text
    return Text("clv.with_advice", {"reason": error.text, "advice": advice(settings)})


def fit_frequency_models(calibration: pd.DataFrame,
                         settings: Settings) -> tuple[dict[str, FrequencyModel], dict[str, Text]]:
    """BG/NBD, then Pareto/NBD warm-started from its r and alpha (s = 1, beta = max(T)), each by
    `fit_with_fallback`; the fitted models and the reason of each failure (`failure_reason`). A fit
    on the no-dropout boundary is a fitted model (`models.nbd`), not a failure."""
    x, t_x, big_t = (calibration[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal"))
    penalizer, min_repeat = settings.penalizer_coef, settings.min_repeat_buyers
    models: dict[str, FrequencyModel] = {}
    failures: dict[str, Text] = {}
    try:
        models["bgnbd"] = fit_with_fallback(
            lambda pen: fit_bgnbd(x, t_x, big_t, pen, min_repeat), penalizer)
    except ClvError as exc:
        failures["bgnbd"] = failure_reason(exc, settings)
    warm = models["bgnbd"].params if "bgnbd" in models else None
    start = {"r": warm["r"], "alpha": warm["alpha"], "s": 1.0, "beta": float(big_t.max())} if warm else None
    try:
        models["pareto_nbd"] = fit_with_fallback(
            lambda pen: fit_pareto_nbd(x, t_x, big_t, pen, start, min_repeat), penalizer)
    except ClvError as exc:
        failures["pareto_nbd"] = failure_reason(exc, settings)
    return models, failures


def _say_fits(step: Step, data: Step, settings: Settings) -> None:
    calibration = data["calibration"]
    step.say("clv.fitted_on", customers=len(calibration), date=data["split"].calibration_end,
             repeat=int((calibration["frequency_cal"] > 0).sum()),
             unit=Text(f"clv.unit.{settings.time_unit}"))
    for model in step["models"].values():
        if model.penalizer_coef > 0:
            step.say("clv.penalised", model=model.label, penalty=model.penalizer_coef)
        if model.no_dropout:
            parameter, other = BOUNDARY_PARAMETERS[model.key]
            step.say("clv.no_dropout", model=model.label, parameter=parameter, other=other,
                     r=model.params["r"], alpha=model.params["alpha"],
                     unit=Text(f"clv.unit.{settings.time_unit}"))
    correlation = step["correlation"]
    if math.isfinite(correlation):
        weak = abs(correlation) <= settings.max_spend_correlation
        step.say("clv.correlation", correlation=correlation,
                 verdict=Text("clv.correlation_weak" if weak else "clv.correlation_strong"))


def fits(inputs: Inputs, data: Step) -> Step:
    """BG/NBD and Pareto/NBD on the calibration period, Gamma-Gamma with its independence check: the
    parameters table, sentences, and one skip reason per model that could not be fitted. values:
    models, spend_model, correlation, failures, table."""
    step = Step("fits")
    step.values.update(models={}, spend_model=None, correlation=math.nan, failures={}, table=None)
    if _carried(step, data):
        return step
    calibration = data["calibration"]
    models, failures = fit_frequency_models(calibration, inputs.settings)
    x, monetary = calibration["frequency_cal"].to_numpy(), calibration["monetary_value_cal"].to_numpy()
    spend_model = None
    try:
        spend_model = fit_gamma_gamma(x, monetary, inputs.settings.min_repeat_buyers)
    except ClvError as exc:
        failures["gamma_gamma"] = Text("clv.spend_fallback", {"reason": exc.text})
    table = fits_table(models, spend_model)
    step.values.update(models=models, spend_model=spend_model, failures=failures, table=table,
                       correlation=spend_frequency_correlation(x, monetary))
    if table.empty:
        step.skip("clv.no_models")
    else:
        step.table("clv_model_fits", table, "clv.caption.fits")
        _say_fits(step, data, inputs.settings)
    for key in PARAM_NAMES:
        if key in failures:
            step.skip("clv.fit_failure", model=MODEL_LABELS[key], reason=failures[key])
    if not models:
        step.values["blocked"] = Text("clv.no_models")
    return step


# --------------------------------------------------------------------------------------------
# holdout validation and tracking


def _predictions(totals: pd.DataFrame) -> Text:
    parts = [Text("clv.prediction", {"model": row.model, "predicted": row.predicted, "error": row.error_rate})
             for row in totals.itertuples()]
    if len(parts) == 1:
        return parts[0]
    return Text("clv.two_predictions", {"first": parts[0], "second": parts[1]})


def holdout(inputs: Inputs, data: Step, fitted: Step) -> Step:
    """Holdout repeat purchases predicted by each model against the actual ones (in total and by
    calibration frequency) and the model chosen for CLV (lower holdout error; without a holdout the
    higher log-likelihood). values: totals, by_frequency (None without a holdout), selected."""
    step = Step("holdout")
    step.values.update(totals=None, by_frequency=None, selected=None)
    if _carried(step, data, fitted):
        return step
    models, split = fitted["models"], data["split"]
    if not split.has_holdout:
        reason = data["no_holdout"]
        step.values["selected"] = selected = select_model(None, models)
        step.skip(reason.key, **reason.fields)
        return step.say("clv.selected_by_likelihood", model=MODEL_LABELS[selected])
    totals, by_frequency = holdout_comparison(data["calibration"], models)
    selected = select_model(totals, models)
    step.values.update(totals=totals, by_frequency=by_frequency, selected=selected)
    step.chart("clv_holdout", partial(plot_holdout, by_frequency), "clv.caption.holdout_chart")
    step.table("clv_holdout", totals, "clv.caption.holdout")
    step.table("clv_holdout_by_frequency", by_frequency, "clv.caption.holdout_by_frequency")
    return step.say("clv.holdout", weeks=split.holdout_weeks, date=split.calibration_end,
                    actual=totals["actual"].iloc[0], predictions=_predictions(totals),
                    model=MODEL_LABELS[selected])


def tracking(inputs: Inputs, data: Step, fitted: Step) -> Step:
    """Weekly cumulative repeat purchases of the calibration customers, actual against each model's
    expectation from the acquisition days alone. values: table (None without a holdout)."""
    step = Step("tracking")
    step.values["table"] = None
    if _carried(step, data, fitted):
        return step
    split = data["split"]
    if not split.has_holdout:
        reason = data["no_holdout"]
        return step.skip(reason.key, **reason.fields)
    table = tracking_table(data["histories"].tracking, split.observation_end, fitted["models"],
                           inputs.settings.time_unit)
    step.values["table"] = table
    if table.empty:
        return step.skip("clv.no_tracking")
    return step.chart("clv_tracking", partial(plot_tracking, table, split.calibration_end),
                      "clv.caption.tracking")


# --------------------------------------------------------------------------------------------
# CLV and its breakdowns


def value(inputs: Inputs, data: Step, fitted: Step, checked: Step) -> Step:
    """CLV of every customer by the selected model (whole history up to the period end), its
    distribution and concentration, CLV by P(alive) band. values: summary, clv, by_p_alive, as_of."""
    step = Step("value")
    step.values.update(summary=None, clv=None, by_p_alive=None, as_of=None)
    if _carried(step, data, fitted):
        return step
    settings, split = inputs.settings, data["split"]
    summary = data["histories"].summary  # `data.rfm_summary` at split.observation_end
    clv = customer_lifetime_value(summary, fitted["models"][checked["selected"]], fitted["spend_model"],
                                  settings.horizon_months, settings.annual_discount_rate,
                                  settings.gross_margin, settings.time_unit)
    by_band = clv_by_group(clv, p_alive_bands(clv))
    step.values.update(summary=summary, clv=clv, by_p_alive=by_band, as_of=split.observation_end)
    step.chart("clv_distribution", partial(plot_clv_distribution, clv), "clv.caption.distribution")
    step.table("clv_by_p_alive", by_band, "clv.caption.by_p_alive")
    return step.say("clv.value", months=settings.horizon_months, margin=settings.gross_margin,
                    rate=settings.annual_discount_rate, mean=clv["clv"].mean(), median=clv["clv"].median(),
                    top=clv_concentration(clv, 0.1),
                    alive=float((clv["p_alive"] >= P_ALIVE_BANDS[0][0]).mean()))


def members(inputs: Inputs, valued: Step) -> Step:
    """CLV of members against non-members at the period end (the membership rule of
    `core.membership`). values: table (None when membership is unknown, or when every customer, or
    none, is a member: nothing to compare)."""
    step = Step("members")
    step.values["table"] = None
    if _carried(step, valued):
        return step
    unmet = inputs.unmet.reason("members")
    if unmet is not None:
        return step.skip(unmet.key, **unmet.fields)
    clv = valued["clv"]
    # the join days of `core.membership`; a big client's loyalty-card rule runs bucket by bucket
    groups = groups_by_joins(clv["customer_id"], inputs.checks.join_dates(inputs.customers), valued["as_of"])
    if groups is None:
        return step.skip(MEMBERSHIP_UNKNOWN)
    for group, reason in ((MEMBERS, "clv.no_members"), (NON_MEMBERS, "clv.no_non_members")):
        if not (groups == group).any():
            return step.skip(reason, day=valued["as_of"])
    table = clv_by_group(clv, groups)
    step.values["table"] = table
    step.chart("clv_members", partial(plot_clv_by_group, table), "clv.caption.members_chart")
    return step.table("clv_members", table, "clv.caption.members")


def segments(inputs: Inputs, valued: Step) -> Step:
    """CLV by the RFM section's segments at the period end, highest total CLV first. values: table."""
    step = Step("segments")
    step.values["table"] = None
    if _carried(step, valued):
        return step
    # `rfm.rfm_segments` of the checks, its per-customer base bucket by bucket for a big client
    base = inputs.checks.apply(partial(customer_rfm, snapshot=valued["as_of"]), COLUMNS)
    scored = score_rfm(base, inputs.settings.rfm_bins)
    table = clv_by_group(valued["clv"], scored.set_index("customer_id")["segment"])
    table = table.sort_values("total_clv", ascending=False)
    step.values["table"] = table
    return step.table("clv_rfm_segments", table, "clv.caption.segments")


def top(inputs: Inputs, valued: Step) -> Step:
    """The customers with the highest CLV (ids only) and every customer's CLV for use outside the
    report. values: top, export."""
    step = Step("top")
    step.values.update(top=None, export=None)
    if _carried(step, valued):
        return step
    best = top_customers(valued["clv"], inputs.settings.top_customers)
    export = customer_export(valued["clv"])
    step.values.update(top=best, export=export)
    step.table("clv_top_customers", best, "clv.caption.top")
    return step.table("clv_customers", export, "clv.caption.customers", max_rows=inputs.settings.export_rows)


# --------------------------------------------------------------------------------------------
# headline and the whole section


def headline(inputs: Inputs, fitted: Step, checked: Step, valued: Step) -> dict[str, Any]:
    """The kpis.json block `clv`: model_params (every parameter, None when not fitted),
    selected_model, holdout {predicted, actual, error} of the selected model, mean_clv, horizon_months."""
    fitted_models = {**fitted["models"], "gamma_gamma": fitted["spend_model"]}
    params = {key: {name: (finite(fitted_models[key].params[name]) if fitted_models.get(key) else None)
                    for name in names}
              for key, names in PARAM_NAMES.items()}
    selected, totals = checked["selected"], checked["totals"]
    result = {"predicted": None, "actual": None, "error": None}
    if selected and totals is not None and len(totals):
        row = totals.loc[totals["model"] == MODEL_LABELS[selected]]
        if len(row):
            result = {"predicted": finite(row["predicted"].iloc[0]), "actual": finite(row["actual"].iloc[0]),
                      "error": finite(row["error_rate"].iloc[0])}
    clv = valued["clv"]
    return {
        "model_params": params,
        "selected_model": selected,
        "holdout": result,
        "mean_clv": finite(clv["clv"].mean()) if clv is not None and len(clv) else None,
        "horizon_months": int(inputs.settings.horizon_months),
    }


def analyse(inputs: Inputs) -> SectionResult:
    """Every step in notebook order and the headline."""
    data = purchases(inputs)
    fitted = fits(inputs, data)
    checked = holdout(inputs, data, fitted)
    tracked = tracking(inputs, data, fitted)
    valued = value(inputs, data, fitted, checked)
    steps = [data, fitted, checked, tracked, valued, members(inputs, valued), segments(inputs, valued),
             top(inputs, valued)]
    return SectionResult(KEY, {step.name: step for step in steps}, headline(inputs, fitted, checked, valued))


def run(ctx: Any) -> SectionResult:
    """The whole section for a run context (what the notebook does, step by step)."""
    return analyse(inputs(ctx))


__all__ = ["REQUIRES", "Inputs", "analyse", "fits", "headline", "holdout", "inputs", "members", "purchases",
           "run", "segments", "top", "tracking", "value"]

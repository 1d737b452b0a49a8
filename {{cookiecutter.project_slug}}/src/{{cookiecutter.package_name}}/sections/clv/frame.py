"""The CLV section's parts of the report frame: the mean-CLV tile, the CLV finding, methodology.

Pure functions of the merged kpis dict (as written to kpis.json); each returns a catalogue `Text`
(templates in `texts.py`), or None when its inputs are missing.
"""

from __future__ import annotations

from ...config import get
from ...text.catalogue import Text
from ...text.formats import as_number
from ..registry import Finding, KpiReader, MethodGroup, TileSpec
from . import texts  # noqa: F401  (registers the templates named here)

MODEL_NAMES = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD"}


def model_name(kpis: KpiReader) -> str | None:
    """The selected frequency model's name (None when no model was selected)."""
    selected = get(kpis, "clv.selected_model")
    return MODEL_NAMES.get(str(selected), str(selected)) if selected else None


def clv_note(kpis: KpiReader, _path: str) -> Text | None:
    """The horizon in months and the selected model."""
    months, model = as_number(get(kpis, "clv.horizon_months")), model_name(kpis)
    if months is None or model is None:
        return None
    return Text("tile.mean_clv.note", {"months": int(months), "model": model})


def clv_finding(kpis: KpiReader) -> Text | None:
    """Mean CLV over the horizon; with the model and its holdout check (predicted vs actual repeat
    purchases, error) when they were recorded."""
    clv, months = as_number(get(kpis, "clv.mean_clv")), as_number(get(kpis, "clv.horizon_months"))
    if clv is None or months is None:
        return None
    model = model_name(kpis)
    holdout = {key: as_number(get(kpis, f"clv.holdout.{key}")) for key in ("predicted", "actual", "error")}
    if model is not None and all(value is not None for value in holdout.values()):
        return Text("finding.clv", {"model": model, "months": int(months), "clv": clv, **holdout})
    return Text("finding.clv_short", {"months": int(months), "clv": clv})


TILES = (TileSpec("mean_clv", "clv.mean_clv", "money", "higher", note=clv_note),)
FINDINGS = (Finding(60, clv_finding),)
METHODOLOGY = (MethodGroup("clv", ("bgnbd", "pareto_nbd", "gamma_gamma", "clv")),)

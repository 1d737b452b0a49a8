"""The CLV section's fitters, one per file over a small base class (as lifetimes does)."""

from .base import (
    MODEL_LABELS,
    PARAM_NAMES,
    ClvError,
    FittedModel,
    FrequencyModel,
    NotEnoughDataError,
    fit_with_fallback,
)
from .bgnbd import BGNBDModel, BGNBDNoDropout, fit_bgnbd
from .gamma_gamma import GammaGammaModel, fit_gamma_gamma, spend_frequency_correlation
from .nbd import NoDropout, fit_nbd
from .pareto_nbd import ParetoNBDModel, ParetoNBDNoDropout, fit_pareto_nbd

__all__ = ["MODEL_LABELS", "PARAM_NAMES", "BGNBDModel", "BGNBDNoDropout", "ClvError", "FittedModel",
           "FrequencyModel", "GammaGammaModel", "NoDropout", "NotEnoughDataError", "ParetoNBDModel",
           "ParetoNBDNoDropout", "fit_bgnbd", "fit_gamma_gamma", "fit_nbd", "fit_pareto_nbd",
           "fit_with_fallback", "spend_frequency_correlation"]

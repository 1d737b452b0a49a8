"""Synthetic data: the sample generator with the truth it planted, and the CLV simulator.

`generate(out_dir, ...)` writes the demo client's exports and truth.json (generator.py documents the
files and the model, truth.py the truth); `scale_for_transactions(n)` sizes a population for n checks.
"""

from .generator import Scenario, generate, scale_for_transactions
from .params import DEFAULT_PARAMS

__all__ = ["DEFAULT_PARAMS", "Scenario", "generate", "scale_for_transactions"]

"""Customer lifetime value (section 40): buy-till-you-die models BG/NBD and Pareto/NBD for purchases,
Gamma-Gamma for spend, validated on a holdout, CLV per customer.

A notebook calls the steps one by one (``clv.purchases(inputs)``, ``clv.fits(inputs, data)``, ...,
see `section`); ``run(ctx)`` calls them all.
"""

from ..registry import Section, register
from . import frame
from .section import (
    REQUIRES,
    Inputs,
    analyse,
    fits,
    headline,
    holdout,
    inputs,
    members,
    purchases,
    run,
    segments,
    top,
    tracking,
    value,
)
from .settings import Settings

__all__ = ["REQUIRES", "Inputs", "Settings", "analyse", "fits", "headline", "holdout", "inputs", "members",
           "purchases", "run", "segments", "top", "tracking", "value"]

SECTION = register(Section(
    key="clv", number=40, title="clv.title", run=run, config_block="clv",
    requires=REQUIRES,
    tiles=frame.TILES, findings=frame.FINDINGS, methodology=frame.METHODOLOGY, cost=0.45,
))

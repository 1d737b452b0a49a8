"""Reading a bundle's tables, for the tests that compare two runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def sheet(bundle: Path, name: str) -> pd.DataFrame:
    """The sheet `name` of the bundle's tables.xlsx."""
    return pd.read_excel(bundle / "tables.xlsx", sheet_name=name)

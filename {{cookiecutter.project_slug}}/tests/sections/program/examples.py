"""Dates and ids of the hand-checkable examples."""

import pandas as pd

T = pd.Timestamp
JAN, FEB = T("2024-01-01"), T("2024-02-01")
START, END = T("2024-01-01"), T("2024-02-29")


def ids(*values):
    return pd.array(list(values), dtype="str")

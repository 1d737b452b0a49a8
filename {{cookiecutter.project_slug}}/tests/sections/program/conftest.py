"""Hand-checkable tables of the program section's tests (every number can be checked on paper)."""

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.membership import join_dates
from {{ cookiecutter.package_name }}.sections.program.groups import classify_checks

from .examples import START, T, ids


@pytest.fixture
def customers() -> pd.DataFrame:
    # a: known customer who joins on 15 Jan; b: joins on the day of first purchase; c: never joins
    return pd.DataFrame(
        {
            "customer_id": ids("a", "b", "c"),
            "registered_at": [T("2023-12-01"), T("2024-02-10"), T("2023-11-01")],
            "joined_program_at": [T("2024-01-15 12:30"), T("2024-02-10"), pd.NaT],
        }
    )


@pytest.fixture
def transactions() -> pd.DataFrame:
    rows = [
        ("2023-12-20", "a", 100.0, 1.0, 0.0, 0.0),
        ("2024-01-10", "c", 50.0, 1.0, 0.0, 0.0),
        ("2024-01-15 09:00", "a", 200.0, 2.0, 10.0, 0.0),  # member check: join day counts
        ("2024-01-20", None, 30.0, 1.0, 0.0, 0.0),
        ("2024-02-10", "b", 300.0, 3.0, 30.0, 5.0),
        ("2024-02-11", "a", -50.0, 1.0, 0.0, 0.0),  # a return: not a check
        ("2024-02-15", "c", 150.0, 2.0, 0.0, 0.0),
        ("2024-02-20", None, 70.0, 1.0, 0.0, 0.0),
        ("2024-02-25", "c", 100.0, np.nan, 0.0, 0.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["date", "customer_id", "amount", "items", "points_earned", "points_redeemed"]
    )
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    frame["customer_id"] = frame["customer_id"].astype("str").where(frame["customer_id"].notna())
    return frame


@pytest.fixture
def joins(customers) -> pd.Series:
    return join_dates(customers)


@pytest.fixture
def checks(transactions, joins) -> pd.DataFrame:
    in_period = transactions.loc[transactions["date"] >= START]
    return classify_checks(in_period, joins)



@pytest.fixture
def ledger() -> pd.DataFrame:
    rows = [
        ("2023-12-01", "accrual", 50.0),  # before the period: balance only
        ("2024-01-05", "accrual", 100.0),
        ("2024-01-20", "redemption", 30.0),
        ("2024-02-01", "accrual", 100.0),
        ("2024-02-10", "expiry", 20.0),
        ("2024-02-15", "adjustment", 10.0),
        ("2024-03-05", "accrual", 999.0),  # after the period: ignored
    ]
    frame = pd.DataFrame(rows, columns=["date", "kind", "points"])
    return frame.assign(date=pd.to_datetime(frame["date"]), customer_id="a")

"""Identified checks: the checks that carry a customer id, in the one shape customer sections use."""

from __future__ import annotations

import pandas as pd

IDENTIFIED_COLUMNS = ["customer_id", "day", "amount", "is_purchase"]


def identified_checks(transactions: pd.DataFrame) -> pd.DataFrame:
    """Checks with a customer id: customer_id (string), day (date normalised), amount, is_purchase
    (amount > 0; a return is not a purchase). Empty (with these columns) when the export has no
    customer ids at all.

    Functions that take `transactions` may take this frame instead (`as_identified`): computed once,
    it saves each of them the conversion."""
    if "customer_id" not in transactions:
        return pd.DataFrame({"customer_id": pd.Series(dtype="string"),
                             "day": pd.Series(dtype="datetime64[ns]"),
                             "amount": pd.Series(dtype="float64"), "is_purchase": pd.Series(dtype=bool)})
    known = transactions.loc[transactions["customer_id"].notna(), ["customer_id", "date", "amount"]]
    return pd.DataFrame({
        "customer_id": known["customer_id"].astype("string"),
        "day": pd.to_datetime(known["date"]).dt.normalize().astype("datetime64[ns]"),
        "amount": known["amount"].astype("float64"),
        "is_purchase": known["amount"] > 0,
    }).reset_index(drop=True)


def as_identified(transactions: pd.DataFrame) -> pd.DataFrame:
    """`identified_checks(transactions)`, or `transactions` itself when it already is that frame."""
    if list(transactions.columns) == IDENTIFIED_COLUMNS:
        return transactions
    return identified_checks(transactions)

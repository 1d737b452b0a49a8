"""Who joins: program participation by spend tier before the launch."""

from __future__ import annotations

import pandas as pd

from .groups import customer_ids, join_day_of


def participation_by_spend_tier(
    transactions: pd.DataFrame, joins: pd.Series, launch: pd.Timestamp, as_of: pd.Timestamp
) -> pd.DataFrame | None:
    """Program participation rate of low / middle / high spenders (the seed: high joins ~4x low).

    Baseline spend = net amount of each identified customer's checks before the launch day (for a
    pilot member who joined before launch: before the join day), so it is measured before anyone
    could be influenced by the program and over the same window for everyone. Customers with a
    positive baseline spend are split into thirds by it (ties broken by order, so the thirds are
    equal); participation_rate(tier) = customers of the tier joined by `as_of` / customers of the
    tier. None when fewer than 3 customers bought before launch. (`participation_of` the
    customers' `baseline_spend`.)
    """
    return participation_of(baseline_spend(transactions, joins, launch), joins, as_of)


def baseline_spend(transactions: pd.DataFrame, joins: pd.Series, launch: pd.Timestamp) -> pd.DataFrame:
    """customer_id, spend: each identified customer's net amount before the launch day (before the
    join day for a pilot member), for customers whose spend is positive (a per-customer part)."""
    customer = customer_ids(transactions)
    cutoff = pd.Series(launch.normalize(), index=transactions.index)
    joined = join_day_of(customer, joins)
    cutoff = cutoff.where(~(joined < cutoff), joined)
    before = transactions.loc[customer.notna() & (transactions["date"] < cutoff),
                              ["customer_id", "amount"]]
    spend = before.groupby("customer_id")["amount"].sum()
    return spend[spend > 0].rename("spend").reset_index()


def participation_of(spends: pd.DataFrame, joins: pd.Series, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """`participation_by_spend_tier` from the `baseline_spend` rows of every customer."""
    spend = spends.set_index("customer_id")["spend"].sort_index(kind="stable")
    spend.index.name = "customer_id"
    if spend.size < 3:
        return None
    tier = pd.qcut(spend.rank(method="first"), 3, labels=["low", "middle", "high"])
    member = (joins.reindex(spend.index) <= as_of.normalize()).to_numpy()
    frame = pd.DataFrame({"tier": tier, "spend": spend, "member": member})
    out = frame.groupby("tier", observed=False).agg(
        customers=("member", "size"),
        members=("member", "sum"),
        mean_baseline_spend=("spend", "mean"),
    )
    out["participation_rate"] = out["members"] / out["customers"]
    return out.loc[["high", "middle", "low"]].reset_index()

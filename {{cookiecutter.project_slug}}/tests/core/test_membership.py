"""The one membership rule, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.core import membership
from {{ cookiecutter.package_name }}.core.checks import as_identified, identified_checks

CHECKS = pd.DataFrame({
    "customer_id": ["a", "a", "b", "b", None, "c"],
    "date": pd.to_datetime(["2024-01-05 10:00", "2024-02-01 00:00", "2024-01-10 00:00", "2024-03-01 18:30",
                            "2024-01-01 00:00", "2024-01-02 00:00"]),
    "amount": [100.0, -20.0, 50.0, 70.0, 10.0, 5.0],
    "loyalty_card": [False, True, True, True, False, None],
})


def test_join_dates_come_from_the_customers_table_first():
    joined = pd.to_datetime([None, "2024-02-03 12:00", "2024-01-20 00:00", None])
    customers = pd.DataFrame({"customer_id": ["a", "b", "b", "c"], "joined_program_at": joined})
    joins = membership.join_dates(customers, CHECKS)
    # b listed twice: the earliest day, time of day dropped; a and c never joined (cards are ignored
    # when the customers table has join dates)
    assert joins.to_dict() == {"b": pd.Timestamp("2024-01-20")}


def test_without_join_dates_the_first_card_check_makes_a_member():
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"]})
    joins = membership.join_dates(customers, CHECKS)
    assert joins.to_dict() == {"a": pd.Timestamp("2024-02-01"), "b": pd.Timestamp("2024-01-10")}
    assert membership.join_dates(None, CHECKS).equals(joins)


def test_membership_is_unknown_without_join_dates_or_cards():
    assert membership.join_dates(None, CHECKS.drop(columns="loyalty_card")) is None
    assert membership.join_dates(pd.DataFrame({"customer_id": ["a"]}), None) is None


def test_members_on_a_day_include_those_who_joined_that_day():
    joins = membership.join_dates(None, CHECKS)
    ids = pd.Index(["a", "b", "c"])
    assert membership.is_member_on(ids, joins, pd.Timestamp("2024-01-31")).tolist() == [False, True, False]
    on_the_join_day = membership.is_member_on(ids, joins, pd.Timestamp("2024-02-01 09:00"))
    assert on_the_join_day.tolist() == [True, True, False]
    groups = membership.groups_on(ids, joins, pd.Timestamp("2024-12-31"))
    assert groups.to_dict() == {"a": "members", "b": "members", "c": "non_members"}
    assert set(membership.GROUPS) == {"members", "non_members", "anonymous"}


def test_join_day_of_each_id_as_reindex_gives_it():
    joins = pd.Series(pd.to_datetime(["2024-03-01", "2024-01-15"]), name="joined_program_at",
                      index=pd.Index(["b", "a"], dtype="string", name="customer_id"))
    ids = pd.Series(["a", "zz", None, "b", "a"], dtype="string")
    expected = joins.reindex(pd.Index(ids).astype("string")).to_numpy("datetime64[D]")
    got = membership.join_day_array(ids, joins)
    np.testing.assert_array_equal(got, expected)
    assert str(got[0]) == "2024-01-15" and np.isnat(got[1]) and np.isnat(got[2])
    nobody = joins.iloc[:0]
    assert np.isnat(membership.join_day_array(ids, nobody)).all()


def test_identified_checks_leave_anonymous_checks_out():
    checks = identified_checks(CHECKS)
    assert checks["customer_id"].tolist() == ["a", "a", "b", "b", "c"]
    assert checks["day"].iloc[3] == pd.Timestamp("2024-03-01")
    assert checks["is_purchase"].tolist() == [True, False, True, True, True]
    assert as_identified(checks) is checks
    assert identified_checks(CHECKS.drop(columns="customer_id")).empty
    assert np.isclose(checks["amount"].sum(), 205.0)

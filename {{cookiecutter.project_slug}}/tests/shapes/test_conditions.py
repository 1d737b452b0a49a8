"""The input checks by hand: each content condition on a few checks, `missing` on a table, and a
section's requirements checked once (`registry.check`)."""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core import conditions
from {{ cookiecutter.package_name }}.sections.registry import Requirement, check


def checks(rows: list[tuple], **columns: list) -> pd.DataFrame:
    """(customer_id or None, 'YYYY-MM-DD', amount) rows, with further columns by name."""
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    return frame.assign(**columns)


def customers(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "joined_program_at"])
    return frame.assign(customer_id=frame["customer_id"].astype("string"),
                        joined_program_at=pd.to_datetime(frame["joined_program_at"]))


def key(text) -> str | None:
    return None if text is None else text.key.removeprefix("common.")


TWO = [("a", "2024-01-05", 10.0), ("b", "2024-02-05", 20.0), (None, "2024-02-06", 5.0)]


def test_identified_and_anonymous_checks():
    mixed = {"transactions": checks(TWO)}
    assert key(conditions.some_identified(mixed)) is None
    assert key(conditions.some_anonymous(mixed)) is None
    store_level = {"transactions": checks(TWO).drop(columns="customer_id")}
    assert key(conditions.some_identified(store_level)) == "skip.no_customer_ids"
    assert key(conditions.some_anonymous(store_level)) is None  # every check is anonymous
    blank = {"transactions": checks(TWO).assign(customer_id=pd.NA)}
    assert key(conditions.some_identified(blank)) == "skip.all_anonymous"
    identified = {"transactions": checks(TWO[:2])}
    assert key(conditions.some_anonymous(identified)) == "skip.no_anonymous"


def test_membership_by_join_dates_or_cards():
    two = checks(TWO)
    assert key(conditions.membership_known({"transactions": two})) == "membership_unknown"
    assert key(conditions.some_members({"transactions": two})) == "membership_unknown"
    nobody = {"transactions": two, "customers": customers([("a", None), ("b", None)])}
    assert key(conditions.membership_known(nobody)) is None
    assert key(conditions.some_members(nobody)) == "skip.no_members"
    assert key(conditions.some_non_members(nobody)) is None
    one = {"transactions": two, "customers": customers([("a", "2024-01-01"), ("b", None)])}
    assert key(conditions.some_members(one)) is None and key(conditions.some_non_members(one)) is None
    everyone = {"transactions": two, "customers": customers([("a", "2024-01-01"), ("b", "2024-03-01")])}
    assert key(conditions.some_non_members(everyone)) == "skip.all_members"
    carded = {"transactions": two.assign(loyalty_card=[True, False, False])}  # the card rule
    assert key(conditions.some_members(carded)) is None
    assert key(conditions.some_members({"transactions": two.assign(loyalty_card=False)})) == "skip.no_members"
    # without customer ids the first thing missing is said
    anonymous = {"transactions": two.drop(columns="customer_id"), "customers": one["customers"]}
    assert key(conditions.some_members(anonymous)) == "skip.no_customer_ids"


def test_repeat_buyers_customers_months_stores():
    twice = [("a", "2024-01-05", 10.0), ("a", "2024-01-05", 3.0), ("b", "2024-01-07", 4.0)]
    # two checks on one day are one purchase day; a return is not a purchase
    assert key(conditions.some_repeat_buyers({"transactions": checks(twice)})) == "skip.no_repeat_buyers"
    returned = twice + [("b", "2024-01-09", -4.0)]
    assert key(conditions.some_repeat_buyers({"transactions": checks(returned)})) == "skip.no_repeat_buyers"
    again = twice + [("b", "2024-02-01", 6.0)]
    assert key(conditions.some_repeat_buyers({"transactions": checks(again)})) is None
    single = [("a", "2024-01-05", 1.0), ("a", "2024-01-06", 1.0), (None, "2024-01-06", 1.0)]
    assert key(conditions.several_customers({"transactions": checks(single)})) == "skip.single_customer"
    assert key(conditions.several_customers({"transactions": checks(TWO)})) is None
    january = [("a", "2024-01-01", 1.0), ("b", "2024-01-31 23:00", 1.0)]
    assert key(conditions.several_months({"transactions": checks(january)})) == "skip.one_month"
    assert key(conditions.several_months({"transactions": checks(TWO)})) is None
    assert key(conditions.several_stores({"transactions": checks(TWO)})) == "skip.no_columns"
    assert key(conditions.several_stores({"transactions": checks(TWO, store_id="s1")})) == "skip.one_store"
    assert key(conditions.several_stores({"transactions": checks(TWO, store_id=["s1", "s2", "s1"])})) is None


def test_control_groups_and_points():
    sent = pd.DataFrame({"campaign_id": ["c1", "c1"], "customer_id": ["a", "b"], "group": ["treatment"] * 2})
    assert key(conditions.some_control({})) == "skip.no_table"
    assert key(conditions.some_control({"campaigns": sent.iloc[:0]})) == "skip.empty_table"
    assert key(conditions.some_control({"campaigns": sent})) == "skip.no_control"
    assert key(conditions.some_control({"campaigns": sent.assign(group=["treatment", "control"])})) is None
    two = checks(TWO)
    assert key(conditions.some_points({"transactions": two})) == "skip.no_points"
    assert key(conditions.some_points({"transactions": two.assign(points_earned=1.0)})) is None
    ledger = pd.DataFrame({"customer_id": ["a"], "date": [pd.Timestamp("2024-01-05")], "kind": ["accrual"],
                           "points": [5.0]})
    assert key(conditions.some_points({"transactions": two, "points": ledger})) is None
    assert key(conditions.some_points({"transactions": two, "points": ledger.iloc[:0]})) == "skip.no_points"


def test_missing_names_the_table_and_the_columns():
    tables = {"transactions": checks(TWO), "customers": None, "nps": pd.DataFrame({"score": []})}
    assert conditions.missing(tables, "transactions", ("date", "amount")) is None
    reason = conditions.missing(tables, "customers")
    assert reason.render("en") == "No customers table was provided."
    assert reason.render("ru") == "Таблица «Клиенты» не предоставлена."
    empty = "The nps table has no rows (in the analysed period)."
    assert conditions.missing(tables, "nps").render("en") == empty
    assert conditions.missing(tables, "transactions", ("store_id", "items")).render("en") == (
        "The transactions table has no store_id, items column.")
    store_level = {"transactions": checks(TWO).drop(columns="customer_id")}
    assert key(conditions.missing(store_level, "transactions", ("customer_id",))) == "skip.no_customer_ids"
    assert key(conditions.missing(tables, "transactions", (), "some_anonymous")) is None


def test_a_section_is_checked_once_and_the_first_reason_wins():
    requires = (Requirement("transactions", ("customer_id", "date", "amount"), "some_identified"),
                Requirement("transactions", (), "some_members", steps=("mix", "before_after")),
                Requirement("customers", steps=("mix",)))
    two = checks(TWO)
    unmet = check(requires, {"transactions": two, "customers": None})
    assert unmet.section is None
    assert key(unmet.reason("mix")) == key(unmet.reason("before_after")) == "membership_unknown"
    assert unmet.reason("segments") is None
    joined = {"transactions": two, "customers": customers([("a", "2024-01-01")])}
    assert check(requires, joined).steps == {}
    anonymous = check(requires, {"transactions": two.assign(customer_id=pd.NA), "customers": None})
    assert key(anonymous.section) == "skip.all_anonymous"
    assert key(anonymous.reason("segments")) == key(anonymous.reason("mix")) == "skip.all_anonymous"


def test_every_reason_renders_in_both_languages():
    for name in ("no_customer_ids", "all_anonymous", "no_anonymous", "no_members", "all_members",
                 "no_repeat_buyers", "single_customer", "one_month", "one_store", "no_control", "no_points"):
        text = conditions.Text(f"common.skip.{name}")
        assert text.render("en") != text.render("ru")


def test_a_requirement_names_a_known_condition():
    with pytest.raises(ValueError, match="unknown content condition 'some_vips'"):
        Requirement("transactions", (), "some_vips")

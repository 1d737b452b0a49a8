"""What a section needs before it computes: a table, its columns, and content conditions.

A content condition is a function of the canonical tables (``{name: frame or None}``) that returns
None when it holds and otherwise the reason it does not, as a catalogue `Text` (``common.skip.*``)
that the section shows as its skip reason. Conditions are named (`CONDITIONS`) so that a section's
registration (`sections.registry.Requirement`) can name them; each checks what it builds on first
(``some_members`` first asks ``some_identified``), so the reason given is the first thing missing.

`missing` checks one requirement: the table is provided and has rows, it has the columns, and the
condition holds. The checks count on the tables as prepared (the whole export), not on a period.

`Facts` are the same answers recorded once when the tables are prepared (``prepared.json``): each
table's rows and columns and each condition's result. They stand for the tables in `missing`, so a
section that does not load a big client's checks (`engine`) checks its requirements all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..text import common
from ..text.catalogue import Text
from .membership import join_dates

Tables = Mapping[str, pd.DataFrame | None]
Condition = Callable[[Tables], Text | None]


def _reason(name: str, **fields: object) -> Text:
    return Text(f"{common.SKIP}.{name}", fields)


def _checks(tables: Tables) -> pd.DataFrame | None:
    return tables.get("transactions")


def _ids(tables: Tables) -> pd.Series:
    """The customer ids of the checks that carry one (empty without the column)."""
    checks = _checks(tables)
    if checks is None or "customer_id" not in checks:
        return pd.Series(dtype="string")
    return checks["customer_id"].dropna()


def some_identified(tables: Tables) -> Text | None:
    """Some check carries a customer id."""
    checks = _checks(tables)
    if checks is None or "customer_id" not in checks:
        return _reason("no_customer_ids")
    if not checks["customer_id"].notna().any():
        return _reason("all_anonymous")
    return None


def some_anonymous(tables: Tables) -> Text | None:
    """Some check has no customer id (without the column every check is anonymous)."""
    checks = _checks(tables)
    if checks is not None and "customer_id" in checks and not checks["customer_id"].isna().any():
        return _reason("no_anonymous")
    return None


def membership_known(tables: Tables) -> Text | None:
    """Some check is identified and membership follows the rule of `core.membership` (join dates or
    loyalty-card checks); members may still be none."""
    reason = some_identified(tables)
    if reason is None and join_dates(tables.get("customers"), _checks(tables)) is None:
        return Text(common.MEMBERSHIP_UNKNOWN)
    return reason


def _joins(tables: Tables) -> tuple[pd.Series | None, Text | None]:
    reason = membership_known(tables)
    return (None, reason) if reason is not None else (join_dates(tables.get("customers"), _checks(tables)),
                                                      None)


def some_members(tables: Tables) -> Text | None:
    """Membership is known and at least one customer of the checks is a member."""
    joins, reason = _joins(tables)
    if reason is not None:
        return reason
    if not _ids(tables).astype("string").isin(joins.index).any():
        return _reason("no_members")
    return None


def some_non_members(tables: Tables) -> Text | None:
    """Some identified customer of the checks is not a member (membership unknown counts as no
    member: everyone is then a non-member)."""
    reason = some_identified(tables)
    if reason is not None:
        return reason
    joins = join_dates(tables.get("customers"), _checks(tables))
    if joins is not None and _ids(tables).astype("string").isin(joins.index).all():
        return _reason("all_members")
    return None


def some_repeat_buyers(tables: Tables) -> Text | None:
    """Some identified customer bought (a positive amount) on two days or more."""
    reason = some_identified(tables)
    if reason is not None:
        return reason
    checks = _checks(tables)
    bought = checks.loc[checks["customer_id"].notna() & (checks["amount"] > 0), ["customer_id", "date"]]
    days = bought.assign(date=bought["date"].dt.normalize()).drop_duplicates()
    if not days["customer_id"].duplicated().any():
        return _reason("no_repeat_buyers")
    return None


def several_customers(tables: Tables) -> Text | None:
    """The checks carry at least two customer ids."""
    reason = some_identified(tables)
    if reason is None and _ids(tables).nunique() < 2:
        return _reason("single_customer")
    return reason


def several_months(tables: Tables) -> Text | None:
    """The checks fall in at least two calendar months."""
    checks = _checks(tables)
    if checks is None or checks.empty:
        return _reason("empty_table", table="transactions")
    if checks["date"].dt.to_period("M").nunique() < 2:
        return _reason("one_month")
    return None


def several_stores(tables: Tables) -> Text | None:
    """The checks name at least two stores."""
    checks = _checks(tables)
    if checks is None or "store_id" not in checks:
        return _reason("no_columns", table="transactions", columns="store_id")
    if checks["store_id"].nunique() < 2:
        return _reason("one_store")
    return None


def some_control(tables: Tables) -> Text | None:
    """Some campaign has a control group."""
    campaigns = tables.get("campaigns")
    if campaigns is None:
        return _reason("no_table", table="campaigns")
    if campaigns.empty:
        return _reason("empty_table", table="campaigns")
    if not (campaigns["group"] == "control").any():
        return _reason("no_control")
    return None


def some_points(tables: Tables) -> Text | None:
    """A points ledger with rows, or points columns on the checks."""
    ledger, checks = tables.get("points"), _checks(tables)
    if ledger is not None and len(ledger):
        return None
    if checks is not None and {"points_earned", "points_redeemed"} & set(checks.columns):
        return None
    return _reason("no_points")


CONDITIONS: dict[str, Condition] = {
    "some_identified": some_identified,
    "some_anonymous": some_anonymous,
    "membership_known": membership_known,
    "some_members": some_members,
    "some_non_members": some_non_members,
    "some_repeat_buyers": some_repeat_buyers,
    "several_customers": several_customers,
    "several_months": several_months,
    "several_stores": several_stores,
    "some_control": some_control,
    "some_points": some_points,
}


@dataclass(frozen=True)
class Shape:
    """A table as the requirement checks see it: its number of rows and its columns."""

    rows: int
    columns: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.rows == 0


class Facts(Mapping[str, "Shape | None"]):
    """The tables' shapes (None: not provided) and every condition's result, recorded when the
    tables were prepared; in `missing` they answer as the tables themselves would."""

    def __init__(self, shapes: Mapping[str, Shape | None], results: Mapping[str, Text | None]) -> None:
        self.shapes, self.results = dict(shapes), dict(results)

    def __getitem__(self, name: str) -> Shape | None:
        return self.shapes[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.shapes)

    def __len__(self) -> int:
        return len(self.shapes)

    def to_json(self) -> dict[str, Any]:
        def shape(value: Shape | None) -> dict[str, Any] | None:
            return None if value is None else {"rows": value.rows, "columns": list(value.columns)}

        def text(value: Text | None) -> dict[str, Any] | None:
            return None if value is None else {"key": value.key, "fields": dict(value.fields)}

        return {"tables": {name: shape(value) for name, value in self.shapes.items()},
                "conditions": {name: text(value) for name, value in self.results.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facts:
        shapes = {name: None if shape is None else Shape(int(shape["rows"]), tuple(shape["columns"]))
                  for name, shape in data["tables"].items()}
        results = {name: None if text is None else Text(text["key"], text["fields"])
                   for name, text in data["conditions"].items()}
        return cls(shapes, results)


def record_facts(tables: Tables) -> Facts:
    """Every table's shape and every condition's result on `tables` (the prepared tables)."""
    shapes = {name: None if frame is None else Shape(len(frame), tuple(map(str, frame.columns)))
              for name, frame in tables.items()}
    return Facts(shapes, {name: condition(tables) for name, condition in CONDITIONS.items()})


def missing(tables: Tables | Facts, table: str, columns: tuple[str, ...] = (),
            condition: str | None = None) -> Text | None:
    """Why `table` with `columns` and `condition` (a name of `CONDITIONS`) is not there in `tables`:
    the table not provided, without rows, a column missing, or the condition's reason; None when
    everything holds. An unknown condition name is a programming error (KeyError)."""
    check = CONDITIONS[condition] if condition is not None else None
    frame = tables.get(table)
    if frame is None:
        return _reason("no_table", table=table)
    if frame.empty:
        return _reason("empty_table", table=table)
    absent = [column for column in columns if column not in frame.columns]
    if absent:
        if table == "transactions" and absent[0] == "customer_id":
            return _reason("no_customer_ids")
        return _reason("no_columns", table=table, columns=", ".join(absent))
    if check is None:
        return None
    return tables.results[condition] if isinstance(tables, Facts) else check(tables)

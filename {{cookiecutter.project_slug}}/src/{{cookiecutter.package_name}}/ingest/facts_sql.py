"""consistency.consistency_counts and core.conditions.record_facts for prepared checks that are not loaded:
the checks are queried in DuckDB from transactions.parquet, the other tables are the frames in memory.

Each count and condition gives what the in-memory function gives on the whole table: distinct counts and
"is there a ..." facts in SQL (exact); the points balance of checks without a ledger (a float running
sum) bucket by bucket of customers with the in-memory function itself, in the same order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow

from ..core.conditions import CONDITIONS, Facts, Shape
from ..core.membership import join_dates
from ..text import common
from ..text.catalogue import Text
from .clean_sql import customer_buckets, literal
from .consistency import consistency_counts

Tables = dict[str, "pd.DataFrame | None"]
# conditions that read no check values (only the checks' columns): they run on an empty stand-in
WITHOUT_CHECKS = ("some_control", "some_points")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.execute(sql).fetchall()[0][0]


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(name, pyarrow.Table.from_pandas(frame, preserve_index=False))


def consistency_sql(con: duckdb.DuckDBPyConnection, checks: Path, empty: pd.DataFrame, tables: Tables,
                    folder: Path) -> dict[str, int]:
    """consistency_counts with the checks in `checks` (their pandas types in `empty`)."""
    kept = f"read_parquet({literal(checks)}, file_row_number = true)"
    customers, points = tables.get("customers"), tables.get("points")
    counts: dict[str, int] = {}
    has_customer = "customer_id" in empty
    if customers is not None:
        profiles = customers[[c for c in ("customer_id", "joined_program_at") if c in customers]]
        _register(con, "profiles", profiles)
        if has_customer:
            unknown = (f"FROM {kept} WHERE customer_id IS NOT NULL AND customer_id NOT IN "
                       "(SELECT customer_id FROM profiles WHERE customer_id IS NOT NULL)")
            counts["customers_without_profile"] = int(_one(con,
                                                           f"SELECT count(DISTINCT customer_id) {unknown}"))
            counts["checks_without_profile"] = int(_one(con, f"SELECT count(*) {unknown}"))
            con.execute(f"CREATE OR REPLACE TEMP TABLE last_checks AS SELECT customer_id, max(date) AS last "
                        f"FROM {kept} WHERE customer_id IS NOT NULL GROUP BY customer_id")
            counts["profiles_without_checks"] = int(_one(
                con, "SELECT count(*) FROM profiles p LEFT JOIN last_checks l "
                "ON p.customer_id = l.customer_id WHERE l.customer_id IS NULL"))
            if "joined_program_at" in customers:
                counts["joined_after_last_purchase"] = int(_one(
                    con, "SELECT count(*) FROM profiles p JOIN last_checks l "
                    "ON p.customer_id = l.customer_id WHERE p.joined_program_at > l.last"))
            con.execute("DROP TABLE last_checks")
        else:
            counts.update(customers_without_profile=0, checks_without_profile=0,
                          profiles_without_checks=int(len(customers)))
        con.unregister("profiles")
    if points is not None and not points.empty:
        counts.update(consistency_counts({"transactions": empty, "customers": None, "points": points}))
    elif has_customer and {"points_earned", "points_redeemed"} & set(empty.columns):
        counts.update(_balance_from_checks(con, kept, empty, folder))
    return counts


def _balance_from_checks(con: duckdb.DuckDBPyConnection, kept: str, empty: pd.DataFrame,
                         folder: Path) -> dict[str, int]:
    """The points balance rule on the checks' points columns, bucket by bucket of customers."""
    columns = [c for c in ("points_earned", "points_redeemed") if c in empty]
    moving = " OR ".join(f"coalesce({c}, 0) <> 0" for c in columns)
    sql = (f"SELECT customer_id, date, {', '.join(columns)}, file_row_number AS rn FROM {kept} "
           f"WHERE customer_id IS NOT NULL AND ({moving})")
    counts = {"redemptions_above_balance": 0, "customers_above_balance": 0}
    for frame in customer_buckets(con, sql, empty.dtypes.to_dict(), folder):
        part = consistency_counts({"transactions": frame, "customers": None, "points": None})
        for key in counts:
            counts[key] += part.get(key, 0)
    return counts


def _exists(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    return bool(_one(con, f"SELECT EXISTS ({sql})"))


def _reason(name: str, **fields: object) -> Text:
    return Text(f"{common.SKIP}.{name}", fields)


class _CheckFacts:
    """The facts of the checks that the conditions ask for, queried once each when needed."""

    def __init__(self, con: duckdb.DuckDBPyConnection, checks: Path, empty: pd.DataFrame,
                 tables: Tables) -> None:
        self.con, self.kept, self.empty, self.tables = con, f"read_parquet({literal(checks)})", empty, tables
        self.columns = set(empty.columns)
        self.rows = int(_one(con, f"SELECT count(*) FROM {self.kept}"))
        self.joins = join_dates(tables.get("customers"), empty)  # None when membership is unknown
        self.by_card = self.joins is not None and not (
            tables.get("customers") is not None
            and {"customer_id", "joined_program_at"} <= set(tables["customers"].columns))

    def identified(self) -> str:
        return f"SELECT 1 FROM {self.kept} WHERE customer_id IS NOT NULL"

    def some_identified(self) -> Text | None:
        if "customer_id" not in self.columns:
            return _reason("no_customer_ids")
        if not _exists(self.con, self.identified()):
            return _reason("all_anonymous")
        return None

    def some_anonymous(self) -> Text | None:
        if "customer_id" in self.columns and not _exists(
                self.con, f"SELECT 1 FROM {self.kept} WHERE customer_id IS NULL"):
            return _reason("no_anonymous")
        return None

    def membership_known(self) -> Text | None:
        reason = self.some_identified()
        if reason is None and self.joins is None:
            return Text(common.MEMBERSHIP_UNKNOWN)
        return reason

    def _member_ids(self) -> str:
        """A FROM item of the members' ids (join_dates' index)."""
        if self.by_card:
            return (f"(SELECT DISTINCT customer_id FROM {self.kept} WHERE customer_id IS NOT NULL "
                    "AND coalesce(loyalty_card, false))")
        assert self.joins is not None
        ids = pd.DataFrame({"customer_id": self.joins.index.astype("string")})
        _register(self.con, "member_ids", ids)
        return "member_ids"

    def some_members(self) -> Text | None:
        reason = self.membership_known()
        if reason is not None:
            return reason
        members = self._member_ids()
        if not _exists(self.con,
                       f"{self.identified()} AND customer_id IN (SELECT customer_id FROM {members})"):
            return _reason("no_members")
        return None

    def some_non_members(self) -> Text | None:
        reason = self.some_identified()
        if reason is not None:
            return reason
        if self.joins is not None:
            members = self._member_ids()
            if not _exists(self.con, f"{self.identified()} AND customer_id NOT IN "
                                     f"(SELECT customer_id FROM {members})"):
                return _reason("all_members")
        return None

    def some_repeat_buyers(self) -> Text | None:
        reason = self.some_identified()
        if reason is not None:
            return reason
        if not _exists(self.con, f"SELECT customer_id FROM {self.kept} WHERE customer_id IS NOT NULL "
                                 "AND amount > 0 GROUP BY customer_id "
                                 "HAVING count(DISTINCT date_trunc('day', date)) >= 2"):
            return _reason("no_repeat_buyers")
        return None

    def several_customers(self) -> Text | None:
        reason = self.some_identified()
        if reason is None and _one(self.con, f"SELECT count(*) FROM (SELECT DISTINCT customer_id FROM "
                                             f"{self.kept} WHERE customer_id IS NOT NULL LIMIT 2)") < 2:
            return _reason("single_customer")
        return reason

    def several_months(self) -> Text | None:
        if self.rows == 0:
            return _reason("empty_table", table="transactions")
        if _one(self.con, f"SELECT count(*) FROM (SELECT DISTINCT date_trunc('month', date) FROM {self.kept} "
                          "LIMIT 2)") < 2:
            return _reason("one_month")
        return None

    def several_stores(self) -> Text | None:
        if "store_id" not in self.columns:
            return _reason("no_columns", table="transactions", columns="store_id")
        if _one(self.con, f"SELECT count(*) FROM (SELECT DISTINCT store_id FROM {self.kept} "
                          "WHERE store_id IS NOT NULL LIMIT 2)") < 2:
            return _reason("one_store")
        return None


def record_facts_sql(con: duckdb.DuckDBPyConnection, checks: Path, empty: pd.DataFrame,
                     tables: Tables) -> Facts:
    """conditions.record_facts with the checks in `checks`; the other tables' conditions (campaigns,
    the points ledger) run on the frames with an empty stand-in for the checks."""
    facts = _CheckFacts(con, checks, empty, tables)
    shapes = {name: None if frame is None else Shape(len(frame), tuple(map(str, frame.columns)))
              for name, frame in tables.items()}
    shapes["transactions"] = Shape(facts.rows, tuple(map(str, empty.columns)))
    stand_in = {**tables, "transactions": empty}
    results = {}
    for name, condition in CONDITIONS.items():
        own = getattr(facts, name, None)
        if own is None and name not in WITHOUT_CHECKS:
            raise NotImplementedError(f"condition {name} has no out-of-memory form (facts_sql.py)")
        results[name] = own() if own is not None else condition(stand_in)
    return Facts(shapes, results)

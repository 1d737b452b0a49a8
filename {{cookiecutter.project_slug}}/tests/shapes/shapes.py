"""Shapes of a client's export, built from the sample generator: which optional tables were sent,
which optional columns are missing, and what the content looks like (no anonymous checks, no member,
one store, one month...).

`base_tables` runs the sample generator once and reads its files through the real ingest (the
canonical, cleaned tables a run sees); `Shape.apply` cuts them into one shape in memory; `SHAPES`
is the fixed set run in CI and `matrix()` the whole matrix (slow)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

PROJECT = Path(__file__).resolve().parents[2]
OPTIONAL_TABLES = ("customers", "points", "nps", "surveys", "campaigns")
TODAY = pd.Timestamp("2025-01-31")

# an optional column of the contract -> the (table, column) pairs it stands for
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "customer_id": (("transactions", "customer_id"),),
    "transaction_id": (("transactions", "transaction_id"),),
    "loyalty_card": (("transactions", "loyalty_card"),),
    "store_id": (("transactions", "store_id"),),
    "region": (("transactions", "region"), ("customers", "region")),
    "items": (("transactions", "items"),),
    "points_columns": (("transactions", "points_earned"), ("transactions", "points_redeemed")),
    "joined_program_at": (("customers", "joined_program_at"),),
}


@dataclass(frozen=True)
class Base:
    """The canonical tables of a small sample, what preparing them recorded, the config and period."""

    tables: dict[str, pd.DataFrame]
    prepared: dict[str, Any]
    config: dict[str, Any]
    period: tuple[pd.Timestamp, pd.Timestamp]


def base_tables(folder: Path, customers: int = 200, seed: int = 3) -> Base:
    """Sample data of `customers` customers (two years, every table) read by the real ingest into
    canonical tables, in a scratch project under `folder`."""
    from {{ cookiecutter.package_name }}.config import load_config
    from {{ cookiecutter.package_name }}.ingest.prepare import prepare
    from {{ cookiecutter.package_name }}.synthetic import generate

    shutil.copytree(PROJECT / "config", folder / "config")
    generate(folder / "data" / "raw" / "demo", n_customers=customers, seed=seed)
    config = load_config(folder, "demo")
    prepared = prepare(folder, config, today=TODAY)
    tables = {name: prepared.table(name) for name in ("transactions", *OPTIONAL_TABLES)}
    meta = {"rows_read": dict(prepared.rows_read), "cleaning": dict(prepared.cleaning),
            "rejected_rows": prepared.rejected_rows}
    return Base(tables, meta, config, prepared.period_timestamps)


# ------------------------------------------------------------------------------ content conditions

Tables = dict[str, pd.DataFrame | None]
Period = tuple[pd.Timestamp, pd.Timestamp]


def _identified(frame: pd.DataFrame) -> pd.Series:
    return frame["customer_id"].notna() if "customer_id" in frame else pd.Series(False, index=frame.index)


def _keep_checks(tables: Tables, keep: pd.Series) -> None:
    tables["transactions"] = tables["transactions"].loc[keep].reset_index(drop=True)


def no_anonymous(tables: Tables, period: Period) -> Period:
    _keep_checks(tables, _identified(tables["transactions"]))
    return period


def all_anonymous(tables: Tables, period: Period) -> Period:
    """Every check anonymous: the customer_id column kept, every value empty."""
    checks = tables["transactions"]
    if "customer_id" in checks:
        checks["customer_id"] = pd.Series(pd.NA, index=checks.index, dtype="string")
    if "loyalty_card" in checks:
        checks["loyalty_card"] = False
    return period


def no_members(tables: Tables, period: Period) -> Period:
    """Nobody joined: no join dates, no card checks, no points."""
    checks = tables["transactions"]
    if "loyalty_card" in checks:
        checks["loyalty_card"] = False
    for column in ("points_earned", "points_redeemed"):
        if column in checks:
            checks[column] = 0.0
    customers = tables.get("customers")
    if customers is not None and "joined_program_at" in customers:
        customers["joined_program_at"] = pd.NaT
    if tables.get("points") is not None:
        tables["points"] = tables["points"].iloc[:0]
    return period


def all_members(tables: Tables, period: Period) -> Period:
    """Every identified customer a member from their first check; every identified check carded."""
    checks = tables["transactions"]
    identified = _identified(checks)
    if "loyalty_card" in checks:
        checks["loyalty_card"] = identified
    customers = tables.get("customers")
    if customers is not None and "joined_program_at" in customers and "customer_id" in checks:
        first = checks.loc[identified].groupby("customer_id")["date"].min().dt.normalize()
        customers["joined_program_at"] = (customers["customer_id"].map(first)
                                          .fillna(customers["joined_program_at"])
                                          .fillna(period[0]).astype("datetime64[ns]"))
    return period


def one_store(tables: Tables, period: Period) -> Period:
    checks = tables["transactions"]
    if "store_id" in checks:
        checks["store_id"] = checks["store_id"].iloc[0]
    if "region" in checks:
        checks["region"] = checks["region"].iloc[0]
    return period


def one_month(tables: Tables, period: Period) -> Period:
    """An export of one month (the last): the period is that month."""
    start = period[1].to_period("M").start_time
    _keep_checks(tables, tables["transactions"]["date"] >= start)
    return start, period[1]


def no_repeat_buyers(tables: Tables, period: Period) -> Period:
    """Every customer's first check only (anonymous checks kept)."""
    checks = tables["transactions"]
    if "customer_id" in checks:
        first = ~checks["customer_id"].duplicated() | checks["customer_id"].isna()
        _keep_checks(tables, first)
    return period


def single_customer(tables: Tables, period: Period) -> Period:
    """The checks of the one customer with most checks, and the anonymous ones; the other tables
    about that customer only."""
    checks = tables["transactions"]
    if "customer_id" not in checks or checks["customer_id"].isna().all():
        return period
    who = checks["customer_id"].value_counts().index[0]
    _keep_checks(tables, checks["customer_id"].isna() | (checks["customer_id"] == who))
    for name in OPTIONAL_TABLES:
        frame = tables.get(name)
        if frame is not None and "customer_id" in frame:
            tables[name] = frame.loc[frame["customer_id"] == who].reset_index(drop=True)
    return period


def no_control(tables: Tables, period: Period) -> Period:
    """Campaigns without a control group: everyone targeted is in the treatment group."""
    if tables.get("campaigns") is not None:
        tables["campaigns"]["group"] = "treatment"
    return period


def empty_tables(tables: Tables, period: Period) -> Period:
    """Every optional table sent with its header only."""
    for name in OPTIONAL_TABLES:
        if tables.get(name) is not None:
            tables[name] = tables[name].iloc[:0]
    return period


def few_checks(tables: Tables, period: Period) -> Period:
    """The first five checks of the export (the period stays)."""
    _keep_checks(tables, pd.Series(np.arange(len(tables["transactions"])) < 5,
                                   index=tables["transactions"].index))
    return period


CONDITIONS: dict[str, Callable[[Tables, Period], Period] | None] = {
    "as_is": None, "no_anonymous": no_anonymous, "all_anonymous": all_anonymous, "no_members": no_members,
    "all_members": all_members, "one_store": one_store, "one_month": one_month,
    "no_repeat_buyers": no_repeat_buyers, "single_customer": single_customer, "no_control": no_control,
    "empty_tables": empty_tables, "few_checks": few_checks,
}


# ------------------------------------------------------------------------------------------ shapes


@dataclass(frozen=True)
class Shape:
    """Optional tables sent (`tables`), optional columns missing (`dropped`, keys of `COLUMNS`) and the
    content condition (a key of `CONDITIONS`)."""

    tables: frozenset[str] = frozenset(OPTIONAL_TABLES)
    dropped: frozenset[str] = frozenset()
    condition: str = "as_is"

    @property
    def id(self) -> str:
        tables = ("all" if self.tables == frozenset(OPTIONAL_TABLES)
                  else "+".join(sorted(self.tables)) or "none")
        dropped = "-".join(sorted(self.dropped)) or "allcols"
        return f"{tables}/{dropped}/{self.condition}"

    def apply(self, base: Base) -> tuple[Tables, Period, dict[str, Any]]:
        """The tables of this shape (copies), its period and the preparation record."""
        tables: Tables = {name: (frame.copy() if name == "transactions" or name in self.tables else None)
                          for name, frame in base.tables.items()}
        for key in self.dropped:
            for table, column in COLUMNS[key]:
                frame = tables.get(table)
                if frame is not None and column in frame:
                    tables[table] = frame.drop(columns=column)
        period = base.period
        change = CONDITIONS[self.condition]
        if change is not None:
            period = change(tables, period)
        return tables, period, _prepared(base.prepared, tables)


def _prepared(base: dict[str, Any], tables: Tables) -> dict[str, Any]:
    """The preparation record of `tables`: rows read per table as sent, the cleaning counts with the
    rows kept and anonymous checks of this shape."""
    checks = tables["transactions"]
    rows = {name: (None if frame is None else int(len(frame))) for name, frame in tables.items()}
    cleaning = {**base["cleaning"], "rows_read": len(checks), "rows_kept": len(checks),
                "anonymous": int((~_identified(checks)).sum())}
    return {"rows_read": rows, "cleaning": cleaning, "rejected_rows": 0}


def shape(tables: tuple[str, ...] | None = None, dropped: tuple[str, ...] = (),
          condition: str = "as_is") -> Shape:
    return Shape(frozenset(OPTIONAL_TABLES if tables is None else tables), frozenset(dropped), condition)


STORE_LEVEL = ("customer_id", "loyalty_card", "points_columns")
CDNOW_LIKE = ("transaction_id", "loyalty_card", "store_id", "region", "points_columns")

# The fixed set run in CI: every condition and every missing column on the full export, every
# optional table left out alone, the store-level and CDNOW-like exports, and combinations of them.
SHAPES: list[Shape] = [
    shape(),
    *(shape(condition=name) for name in CONDITIONS if name != "as_is"),
    *(shape(dropped=(key,)) for key in COLUMNS),
    *(shape(tables=tuple(t for t in OPTIONAL_TABLES if t != left_out)) for left_out in OPTIONAL_TABLES),
    shape(tables=()),
    shape(tables=(), dropped=STORE_LEVEL),
    shape(tables=(), dropped=(*STORE_LEVEL, "store_id", "region", "items", "transaction_id")),
    shape(tables=(), dropped=STORE_LEVEL, condition="one_store"),
    shape(tables=(), dropped=STORE_LEVEL, condition="one_month"),
    shape(tables=(), dropped=CDNOW_LIKE),
    shape(tables=(), dropped=CDNOW_LIKE, condition="no_repeat_buyers"),
    shape(tables=(), condition="all_anonymous"),
    shape(tables=("customers",), dropped=("joined_program_at",)),
    shape(tables=("customers",), dropped=("joined_program_at", "loyalty_card")),
    shape(tables=("customers", "campaigns"), condition="no_control"),
    shape(tables=("points",), dropped=("customer_id",)),
    shape(dropped=("customer_id",), condition="one_month"),
    shape(dropped=("joined_program_at", "loyalty_card"), condition="no_anonymous"),
    shape(tables=("nps", "surveys"), condition="no_members"),
    shape(tables=("customers", "points"), condition="all_members"),
    shape(tables=(), condition="single_customer"),
    shape(tables=(), condition="few_checks"),
    shape(dropped=("store_id", "region"), condition="one_month"),
]


def matrix() -> Iterator[Shape]:
    """The whole matrix: every subset of the optional tables (every column, as is); every condition
    with every single column missing, on all tables and on none; the fixed set."""
    seen: set[Shape] = set()
    subsets = itertools.chain.from_iterable(itertools.combinations(OPTIONAL_TABLES, n)
                                            for n in range(len(OPTIONAL_TABLES) + 1))
    candidates = itertools.chain(
        (shape(tables=subset) for subset in subsets),
        (shape(tables=tables, dropped=dropped, condition=condition)
         for tables in (None, ())
         for dropped in ((), *((key,) for key in COLUMNS))
         for condition in CONDITIONS),
        SHAPES,
    )
    for candidate in candidates:
        if candidate not in seen:
            seen.add(candidate)
            yield candidate

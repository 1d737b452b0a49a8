"""Tests of the synthetic data generator: files match the demo config, truth.json matches the files."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.synthetic import generate, scale_for_transactions

N_CUSTOMERS = 1500
DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config" / "clients" / "demo.yaml"
FILES = {"transactions": "transactions.csv", "customers": "customers.csv", "points": "points.csv",
         "nps": "nps.csv", "surveys": "surveys.csv", "campaigns": "campaigns.csv"}
ID_COLUMNS = {"ID клиента", "client_id", "Номер чека"}


@pytest.fixture(scope="module")
def demo() -> dict:
    with open(DEMO_CONFIG, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("clean")
    return out, generate(out, n_customers=N_CUSTOMERS, seed=7)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("dirty")
    return out, generate(out, n_customers=N_CUSTOMERS, seed=7, dirt=True)


def read(folder: Path, table: str, demo: dict) -> pd.DataFrame:
    """Read one generated file with the read options of config/clients/demo.yaml; parse its dates."""
    spec = demo["data"][table]
    options = {**demo["data"]["read"], **spec.get("read", {})}
    df = pd.read_csv(folder / FILES[table], sep=options["sep"], decimal=options["decimal"],
                     encoding=options["encoding"], dtype={c: "string" for c in ID_COLUMNS})
    assert list(df.columns) == list(spec["columns"]), table
    df = df.rename(columns=spec["columns"])
    for col in ("date", "registered_at", "joined_program_at", "unsubscribed_at", "sent_at"):
        if col in df:
            df[col] = pd.to_datetime(df[col], format=options["date_format"])
    for col, mapping in spec.get("values", {}).items():
        assert set(df[col].unique()) <= set(mapping), (table, col)
        df[col] = df[col].map(mapping)
    return df


def test_files_parse_with_the_demo_config(clean: tuple[Path, dict], demo: dict) -> None:
    folder, truth = clean
    tx = read(folder, "transactions", demo)
    assert tx["date"].notna().all() and tx["amount"].dtype == np.float64
    assert tx["customer_id"].isna().any() and tx["customer_id"].notna().any()
    assert set(tx["loyalty_card"].unique()) <= {0, 1}
    assert (tx["amount"] * 100).round().sub(tx["amount"] * 100).abs().max() < 1e-6  # 2 decimals
    assert tx["transaction_id"].is_unique
    customers = read(folder, "customers", demo)
    assert customers["customer_id"].is_unique
    assert set(customers["tier"]) == {"low", "middle", "high"}
    emails = customers["email"].dropna()
    assert emails.is_unique and emails.str.fullmatch(r"[a-z]+\.[a-z]+\d+@example\.com").all()
    assert customers["phone"].dropna().str.fullmatch(r"\+7 9\d\d \d{3}-\d\d-\d\d").all()
    assert set(tx["customer_id"].dropna()) <= set(customers["customer_id"])
    points = read(folder, "points", demo)
    assert (points["points"] > 0).all()
    assert set(points["kind"]) == {"accrual", "redemption", "expiry", "adjustment"}
    nps = read(folder, "nps", demo)
    assert nps["score"].between(0, 10).all() and nps["customer_id"].isna().any()
    surveys = read(folder, "surveys", demo)
    answers = surveys.groupby("question")["answer"].agg(set).to_dict()
    assert answers["csat"] <= {"1", "2", "3", "4", "5"} and answers["awareness"] <= {"yes", "no"}
    assert answers["motive"] <= {"value", "brand", "other"}
    campaigns = read(folder, "campaigns", demo)
    assert campaigns["group"].isin(["treatment", "control"]).all()
    assert not campaigns.duplicated(["campaign_id", "customer_id"]).any()
    assert json.loads((folder / "truth.json").read_text(encoding="utf-8")) == truth


def test_realised_truth_equals_recount(clean: tuple[Path, dict], demo: dict) -> None:
    folder, truth = clean
    real = truth["realised"]
    tables = {t: read(folder, t, demo) for t in FILES}
    assert real["rows"] == {t: len(df) for t, df in tables.items()}
    tx, customers, points = tables["transactions"], tables["customers"], tables["points"]
    assert real["transactions_clean"] == len(tx)
    assert real["anonymous_checks"] == tx["customer_id"].isna().sum()
    assert real["revenue"] == pytest.approx(tx["amount"].sum())
    assert real["customers"] == len(customers) == N_CUSTOMERS
    assert real["customers_with_transactions"] == tx["customer_id"].nunique()
    assert real["members"] == customers["joined_program_at"].notna().sum() > 0
    assert real["unsubscribed"] == customers["unsubscribed_at"].notna().sum()
    has_name = customers["first_name"].notna() & customers["last_name"].notna()
    assert real["completeness"] == pytest.approx({"email": customers["email"].notna().mean(),
                                                  "phone": customers["phone"].notna().mean(),
                                                  "name": has_name.mean()})
    totals = points.groupby("kind")["points"].sum()
    assert real["points"]["accrued"] == pytest.approx(totals["accrual"])
    assert real["points"]["redeemed"] == pytest.approx(totals["redemption"])
    assert real["points"]["expired"] == pytest.approx(totals["expiry"])
    assert real["redemption_rate"] == pytest.approx(totals["redemption"] / totals["accrual"])
    assert real["breakage_rate"] == pytest.approx(totals["expiry"] / totals["accrual"])
    nps = tables["nps"]["score"]
    assert real["nps"]["promoters"] == pytest.approx((nps >= 9).mean())
    assert real["nps"]["score"] == pytest.approx((nps >= 9).mean() - (nps <= 6).mean())
    sizes = tables["campaigns"].groupby(["campaign_id", "group"]).size()
    for cid, camp in real["campaigns"].items():
        assert (camp["treatment"], camp["control"]) == (sizes[cid, "treatment"], sizes[cid, "control"])
        assert camp["control"] == round(0.2 * (camp["treatment"] + camp["control"]))
    assert real["dirt"] == dict.fromkeys(real["dirt"], 0)
    params = truth["params"]
    assert params["member_effect"] == 0.10 and params["n_customers"] == N_CUSTOMERS
    assert set(params["campaign_effects"]) == set(real["campaigns"])


def test_same_seed_same_files_other_seed_other_files(clean: tuple[Path, dict],
                                                     tmp_path: Path) -> None:
    folder, truth = clean
    again = generate(tmp_path / "again", n_customers=N_CUSTOMERS, seed=7)
    assert again == truth
    for name in FILES.values():
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    other = generate(tmp_path / "other", n_customers=N_CUSTOMERS, seed=8)
    assert other["realised"]["transactions_clean"] != truth["realised"]["transactions_clean"]
    assert (tmp_path / "other" / "transactions.csv").read_bytes() != (
        folder / "transactions.csv").read_bytes()


def test_members_self_select(clean: tuple[Path, dict], demo: dict) -> None:
    folder, truth = clean
    tx, customers = read(folder, "transactions", demo), read(folder, "customers", demo)
    launch = pd.Timestamp(truth["params"]["launch_date"])
    old = customers[customers["registered_at"] < launch].set_index("customer_id")
    pre = tx[tx["date"] < launch].groupby("customer_id")["amount"].sum()
    spend = pre.reindex(old.index, fill_value=0.0)
    is_member = old["joined_program_at"].notna()
    assert spend[is_member].mean() > 2 * spend[~is_member].mean()
    assert truth["realised"]["self_selection"]["ratio"] == pytest.approx(
        spend[is_member].mean() / spend[~is_member].mean())
    share = customers.assign(m=customers["joined_program_at"].notna()).groupby("tier")["m"].mean()
    assert share["high"] > share["middle"] > share["low"]
    assert share["high"] > 2.5 * share["low"]
    assert truth["realised"]["naive_member_uplift"] > 3 * truth["params"]["member_effect"]
    joins = customers["joined_program_at"].dropna()
    assert (joins >= launch).all()
    assert (customers.loc[joins.index, "registered_at"] < joins).all()


def _cents(x: pd.Series) -> pd.Series:
    return (x * 100).round().astype("int64")


def test_points_agree_with_checks_and_balance_never_negative(clean: tuple[Path, dict],
                                                             demo: dict) -> None:
    folder, truth = clean
    tx, points = read(folder, "transactions", demo), read(folder, "points", demo)
    customers = read(folder, "customers", demo).set_index("customer_id")
    rate = truth["params"]["accrual_rate"]
    card = tx["loyalty_card"] == 1
    assert (_cents(tx.loc[card, "points_earned"]) == np.rint(_cents(tx.loc[card, "amount"]) * rate)).all()
    assert (tx.loc[~card, ["points_earned", "points_redeemed"]] == 0).all().all()
    joined = customers["joined_program_at"].reindex(tx.loc[card, "customer_id"]).to_numpy()
    assert (tx.loc[card, "date"].dt.normalize().to_numpy() >= joined).all()
    # Ledger accruals / redemptions per customer and day equal the checks' points columns.
    day = tx.assign(day=tx["date"].dt.normalize())
    by_check = day[card].groupby(["customer_id", "day"])[["points_earned", "points_redeemed"]].sum()
    ledger = points.pivot_table(index=["customer_id", "date"], columns="kind", values="points",
                                aggfunc="sum", fill_value=0.0)
    ledger.index = ledger.index.set_names(["customer_id", "day"])
    got = ledger.reindex(by_check.index, fill_value=0.0)
    assert np.allclose(got["accrual"], by_check["points_earned"])
    assert np.allclose(got["redemption"], by_check["points_redeemed"])
    assert ledger["accrual"].sum() == pytest.approx(by_check["points_earned"].sum())
    # End-of-day balance never negative.
    sign = points["kind"].map({"accrual": 1, "adjustment": 1, "redemption": -1, "expiry": -1})
    net = _cents(points["points"]) * sign
    daily = net.groupby([points["customer_id"], points["date"]]).sum().groupby(level=0).cumsum()
    assert daily.min() >= 0
    outstanding = truth["realised"]["points"]["outstanding"]
    assert net.sum() / 100 == pytest.approx(outstanding)
    assert outstanding > 0 and truth["realised"]["points"]["expired"] > 0


def test_expiry_matches_a_fifo_replay(clean: tuple[Path, dict], demo: dict) -> None:
    """Replay each member's points lot by lot (oldest first) and compare the expiry bookings."""
    folder, truth = clean
    tx, points = read(folder, "transactions", demo), read(folder, "points", demo)
    months = truth["params"]["expiry_months"]
    end = pd.Timestamp(truth["params"]["end"])
    checks = tx[tx["loyalty_card"] == 1]
    events = pd.concat([
        pd.DataFrame({"customer_id": checks["customer_id"], "time": checks["date"], "order": 1,
                      "credit": _cents(checks["points_earned"]),
                      "debit": _cents(checks["points_redeemed"])}),
        pd.DataFrame({"customer_id": points.loc[points["kind"] == "adjustment", "customer_id"],
                      "time": points.loc[points["kind"] == "adjustment", "date"], "order": 0,
                      "credit": _cents(points.loc[points["kind"] == "adjustment", "points"]),
                      "debit": 0}),
    ]).sort_values(["customer_id", "time", "order"], kind="stable")
    expected: dict[tuple[str, pd.Timestamp], int] = {}

    def burn(lots: deque, customer: str, until: pd.Timestamp) -> None:
        while lots and lots[0][0] <= until:
            when, left = lots.popleft()
            if left:
                expected[customer, when] = expected.get((customer, when), 0) + left

    for customer, rows in events.groupby("customer_id", sort=False):
        lots: deque = deque()
        for time, credit, debit in zip(rows["time"], rows["credit"], rows["debit"], strict=True):
            burn(lots, customer, time)
            assert debit <= sum(left for _, left in lots)
            while debit:
                take = min(debit, lots[0][1])
                lots[0][1] -= take
                debit -= take
                if not lots[0][1]:
                    lots.popleft()
            lots.append([time.normalize() + pd.DateOffset(months=months), credit])
        burn(lots, customer, end)
    booked = points[points["kind"] == "expiry"]
    got = dict(zip(zip(booked["customer_id"], booked["date"], strict=True), _cents(booked["points"]),
                   strict=True))
    assert got == expected


def test_no_dirt_when_clean(clean: tuple[Path, dict], demo: dict) -> None:
    folder, truth = clean
    tx = read(folder, "transactions", demo)
    assert not tx.duplicated().any()
    assert tx["date"].max() <= pd.Timestamp(truth["params"]["end"]) + pd.Timedelta(days=1)
    assert tx["date"].min() >= pd.Timestamp(truth["params"]["start"])
    assert (tx["amount"] > 0).all()


def test_dirt_counts_equal_truth(clean: tuple[Path, dict], dirty: tuple[Path, dict],
                                 demo: dict) -> None:
    folder, truth = dirty
    dirt = truth["realised"]["dirt"]
    assert min(dirt.values()) > 0
    tx = read(folder, "transactions", demo)
    assert tx.duplicated().sum() == dirt["duplicates"]
    assert (tx["amount"] < 0).sum() == dirt["returns"]
    assert (tx["amount"] == 0).sum() == dirt["zero_amount"]
    end = pd.Timestamp(truth["params"]["end"])
    future = tx["date"] >= end + pd.Timedelta(days=1)
    assert future.sum() == dirt["future_dated"]
    assert tx.loc[future, "date"].min() >= end + pd.Timedelta(days=10)
    assert len(tx) == truth["realised"]["transactions_clean"] + sum(
        dirt[k] for k in ("duplicates", "returns", "zero_amount", "future_dated"))
    assert truth["realised"]["returns_amount"] == pytest.approx(tx.loc[tx["amount"] < 0, "amount"].sum())
    # A return is a later check of a customer who bought at least as much before.
    returns = tx[tx["amount"] < 0]
    assert returns["customer_id"].notna().all()
    earlier = tx[tx["amount"] > 0].groupby("customer_id")["date"].min()
    assert (returns["date"].to_numpy() > earlier.reindex(returns["customer_id"]).to_numpy()).all()
    # The clean part and the other files are the same as without dirt, except the blanked contacts.
    clean_folder, clean_truth = clean
    for name in ("points.csv", "nps.csv", "surveys.csv", "campaigns.csv"):
        assert (folder / name).read_bytes() == (clean_folder / name).read_bytes()
    assert truth["realised"]["transactions_clean"] == clean_truth["realised"]["transactions_clean"]
    customers = read(folder, "customers", demo)
    clean_customers = read(clean_folder, "customers", demo)
    lost = (customers["email"].isna() & clean_customers["email"].notna()) | (
        customers["phone"].isna() & clean_customers["phone"].notna())
    assert lost.sum() == dirt["missing_contacts"]
    assert truth["realised"]["completeness"]["email"] == pytest.approx(customers["email"].notna().mean())


def test_scale_for_transactions(tmp_path: Path) -> None:
    n = scale_for_transactions(20_000)
    truth = generate(tmp_path, n_customers=n, seed=10)  # seeds 0-11 land within -5%..+9% of 20,000
    assert truth["realised"]["transactions_clean"] == pytest.approx(20_000, rel=0.08)


def test_params_override_and_validation(tmp_path: Path) -> None:
    truth = generate(tmp_path / "a", n_customers=200, seed=1, params={"member_effect": 0.3,
                                                                      "nps_shares": {"members": {
                                                                          "promoters": 0.6,
                                                                          "passives": 0.3,
                                                                          "detractors": 0.1}}})
    assert truth["params"]["member_effect"] == 0.3
    assert truth["params"]["nps_shares"]["non_members"]["promoters"] == 0.35
    with pytest.raises(KeyError):
        generate(tmp_path / "b", n_customers=10, params={"no_such_parameter": 1})
    with pytest.raises(ValueError):
        generate(tmp_path / "c", n_customers=10, launch_date="2022-06-01")

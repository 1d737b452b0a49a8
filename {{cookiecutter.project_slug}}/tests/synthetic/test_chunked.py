"""Chunked generation (synthetic/chunked.py): unique ids across blocks, truth recombined exactly from
the blocks, realised values close to an unchunked run's, the same files for the same seed and chunk."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.synthetic import generate
from {{ cookiecutter.package_name }}.synthetic.chunk_truth import block_stats, finish
from {{ cookiecutter.package_name }}.synthetic.chunked import (
    FILES,
    _write_block,
    block_sizes,
    simulate_block,
)
from {{ cookiecutter.package_name }}.synthetic.params import DEFAULT_PARAMS
from {{ cookiecutter.package_name }}.synthetic.timeline import Calendar
from {{ cookiecutter.package_name }}.synthetic.truth import realised

N, CHUNK, SEED = 6000, 2000, 7
TABLES = {"transactions": "transactions.csv", "customers": "customers.csv", "points": "points.csv",
          "nps": "nps.csv", "surveys": "surveys.csv", "campaigns": "campaigns.csv"}


def _read(folder: Path, name: str) -> pd.DataFrame:
    encoding = "cp1251" if name == "transactions.csv" else "utf-8"
    return pd.read_csv(folder / name, sep=";", decimal=",", encoding=encoding, dtype=str,
                       keep_default_na=False)


def _money(column: pd.Series) -> pd.Series:
    return column.str.replace(",", ".").astype(float)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("chunked")
    return out, generate(out, n_customers=N, seed=SEED, chunk_customers=CHUNK)


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return generate(tmp_path_factory.mktemp("whole"), n_customers=N, seed=SEED)


def test_block_sizes() -> None:
    assert block_sizes(6000, 2000) == [2000, 2000, 2000]
    assert block_sizes(4500, 2000) == [2000, 2000, 500]
    assert block_sizes(10, 2000) == [10]
    with pytest.raises(ValueError, match="chunk_customers"):
        block_sizes(10, 0)


def test_ids_and_check_numbers_are_unique_across_blocks(chunked: tuple[Path, dict]) -> None:
    folder, truth = chunked
    assert truth["chunks"] == {"chunk_customers": CHUNK, "blocks": 3}
    customers = _read(folder, "customers.csv")
    assert customers["client_id"].is_unique and len(customers) == N
    assert customers["client_id"].astype(int).is_monotonic_increasing  # blocks in id order
    assert customers["email"].replace("", np.nan).dropna().is_unique
    tx = _read(folder, "transactions.csv")
    assert tx["Номер чека"].is_unique
    known = set(customers["client_id"])
    for name, column in (("transactions.csv", "ID клиента"), ("points.csv", "client_id"),
                         ("nps.csv", "client_id"), ("surveys.csv", "client_id"),
                         ("campaigns.csv", "client_id"), ("campaign_effects.csv", "client_id")):
        ids = set(_read(folder, name)[column]) - {""}
        assert ids <= known, name
    # every block has buyers: ids from the first and the last block appear in the checks
    buyers = tx["ID клиента"][tx["ID клиента"] != ""].astype(int)
    assert buyers.min() < 10_000_001 + CHUNK and buyers.max() > 10_000_000 + N - CHUNK


def test_rows_and_totals_match_the_realised_truth(chunked: tuple[Path, dict]) -> None:
    folder, truth = chunked
    real = truth["realised"]
    tables = {t: _read(folder, name) for t, name in TABLES.items()}
    assert real["rows"] == {t: len(df) for t, df in tables.items()}
    tx, customers, points = tables["transactions"], tables["customers"], tables["points"]
    assert real["transactions_clean"] == len(tx)
    assert real["anonymous_checks"] == (tx["ID клиента"] == "").sum()
    assert real["revenue"] == pytest.approx(_money(tx["Сумма"]).sum())
    assert real["card_checks"] == (tx["Карта"] == "1").sum()
    assert real["customers"] == N
    assert real["customers_with_transactions"] == tx["ID клиента"].replace("", np.nan).nunique()
    assert real["members"] == (customers["loyalty_join_date"] != "").sum() > 0
    assert real["completeness"]["email"] == pytest.approx((customers["email"] != "").mean())
    totals = _money(points["points"]).groupby(points["operation"]).sum()
    assert real["points"]["accrued"] == pytest.approx(totals["начисление"])
    assert real["points"]["redeemed"] == pytest.approx(totals["списание"])
    nps = tables["nps"]["score"].astype(int)
    assert real["nps"]["responses"] == len(nps)
    assert real["nps"]["score"] == pytest.approx((nps >= 9).mean() - (nps <= 6).mean())
    sizes = tables["campaigns"].groupby(["campaign", "group"]).size()
    for cid, camp in real["campaigns"].items():
        assert (camp["treatment"], camp["control"]) == (sizes[cid, "тест"], sizes[cid, "контроль"])
    effects = _read(folder, "campaign_effects.csv")
    assert real["campaign_effects"]["rows"] == len(effects)
    for cid, summary in real["campaign_effects"]["campaigns"].items():
        mine = effects["effect"][effects["campaign"] == cid].astype(float)
        assert summary["mean_effect"] == pytest.approx(mine.mean(), abs=1e-6)
        assert summary["negative_share"] == pytest.approx((mine < 0).mean())
    on_disk = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    assert on_disk == truth


def _assert_close(mine: object, theirs: object, where: str = "") -> None:
    """Equal structure, numbers equal up to float rounding (the order of additions)."""
    if isinstance(theirs, Mapping):
        assert set(mine) == set(theirs), where
        for key in theirs:
            _assert_close(mine[key], theirs[key], f"{where}.{key}")
    elif isinstance(theirs, float):
        assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-9), where
    else:
        assert mine == theirs, where


def test_block_statistics_give_the_same_truth_as_truth_py(tmp_path: Path) -> None:
    """The recombination's definitions are truth.py's: on one block both give the same values."""
    p = DEFAULT_PARAMS
    cal = Calendar("2023-01-01", "2024-12-31", "2024-01-01", None, p)
    sim = simulate_block(1500, cal, p, np.random.default_rng(3), 1500, 100)
    rows, _, _ = _write_block(tmp_path, sim, None)
    mine, _ = finish(block_stats(sim, rows), sim, sim.dirt_counts)
    _assert_close(mine, realised(rows, sim))
    assert set(FILES) == {f.name for f in tmp_path.iterdir()}


def test_realised_values_are_close_to_an_unchunked_run(chunked: tuple[Path, dict], whole: dict) -> None:
    _, truth = chunked
    assert truth["params"] == whole["params"]  # the same planted values
    mine, theirs = truth["realised"], whole["realised"]
    # tolerances: the spread between seeds of unchunked runs of this size (redemption rate 0.47..0.51,
    # a campaign's realised uplift +-0.2 around its effect), the draws differ, not the model
    for key in ("anonymous_share", "members_share_of_customers", "member_revenue_share",
                "member_transaction_share", "effective_accrual_rate"):
        assert mine[key] == pytest.approx(theirs[key], abs=0.03), key
    assert mine["redemption_rate"] == pytest.approx(theirs["redemption_rate"], abs=0.06)
    assert mine["transactions_clean"] == pytest.approx(theirs["transactions_clean"], rel=0.05)
    assert mine["nps"]["score"] == pytest.approx(theirs["nps"]["score"], abs=0.06)
    for cid, camp in mine["campaigns"].items():
        assert camp["control"] == pytest.approx(0.2 * (camp["treatment"] + camp["control"]), abs=3)
        assert camp["realised_uplift"] == pytest.approx(truth["params"]["campaign_effects"][cid], abs=0.3)
        # per customer effects: each block scales them to the planted spend-weighted average, so the
        # plain mean (lapsed customers get large effects) is close too
        mean_effect = mine["campaign_effects"]["campaigns"][cid]["mean_effect"]
        assert mean_effect == pytest.approx(theirs["campaign_effects"]["campaigns"][cid]["mean_effect"],
                                            rel=0.15, abs=0.02), cid
    assert mine["retention"]["crr"] == pytest.approx(theirs["retention"]["crr"], abs=0.03)


def test_same_seed_and_chunk_same_files(chunked: tuple[Path, dict], tmp_path: Path) -> None:
    folder, truth = chunked
    again = generate(tmp_path / "again", n_customers=N, seed=SEED, chunk_customers=CHUNK)
    assert again == truth
    for name in (*FILES, "truth.json"):
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    assert not (tmp_path / "again" / ".block").exists()  # the scratch folder is removed
    other = generate(tmp_path / "other", n_customers=N, seed=SEED, chunk_customers=3000)
    assert other["realised"]["transactions_clean"] != truth["realised"]["transactions_clean"]


def test_lines_are_written_block_by_block(tmp_path: Path) -> None:
    truth = generate(tmp_path, n_customers=600, seed=1, chunk_customers=250, lines=True)
    lines = _read(tmp_path, "transactions.csv")
    assert truth["realised"]["lines"]["lines"] == len(lines) == truth["realised"]["rows"]["transactions"]
    assert truth["realised"]["lines"]["checks"] == lines["Номер чека"].nunique() \
        == truth["realised"]["transactions_clean"]


def test_dirt_is_refused_in_chunks(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dirt"):
        generate(tmp_path, n_customers=300, seed=1, chunk_customers=100, dirt=True)

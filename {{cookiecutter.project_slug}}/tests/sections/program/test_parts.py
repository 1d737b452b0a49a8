"""The parts of the program KPIs add up: sums over chunks of checks, per-customer rows over sets of
whole customers, and the RFM segments scored from tallies equal the segments scored on every check."""

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.checks import identified_checks
from {{ cookiecutter.package_name }}.sections.program.totals import add_totals, check_totals
from {{ cookiecutter.package_name }}.sections.program.voice import rfm_tallies, segments_of
from {{ cookiecutter.package_name }}.sections.rfm.scoring import rfm_segments


@pytest.fixture
def numbered_checks() -> pd.DataFrame:
    """Checks of 300 numbered customers (and anonymous ones) over two years, returns included."""
    rng = np.random.default_rng(3)
    rows = 6000
    customer = rng.integers(0, 300, rows).astype("float64")
    customer[rng.random(rows) < 0.2] = np.nan
    return pd.DataFrame({
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730 * 24, rows), unit="h"),
        "customer_id": customer,
        "amount": np.round(rng.gamma(2.0, 50.0, rows) * np.where(rng.random(rows) < 0.05, -1, 1), 2),
        "items": np.where(rng.random(rows) < 0.1, np.nan, rng.integers(1, 9, rows)),
        "points_earned": rng.integers(0, 20, rows).astype("float64"),
        "store_id": rng.choice(["s1", "s2", "s3"], rows),
    })


def test_sums_over_chunks_add_up_to_the_sums_of_the_whole_table(numbered_checks):
    joins = pd.Series(pd.Timestamp("2024-01-01"), index=pd.Index([1.0, 5.0, 7.0], name="customer_id"))
    whole = check_totals(numbered_checks, joins)
    chunks = add_totals([check_totals(numbered_checks.iloc[i:i + 1000], joins) for i in range(0, 6000, 1000)])
    pd.testing.assert_frame_equal(chunks.days, whole.days, rtol=1e-12)
    pd.testing.assert_frame_equal(chunks.places["store_id"], whole.places["store_id"], rtol=1e-12)
    assert int(whole.days["rows"].sum()) == 6000
    assert int(whole.days["checks"].sum()) == int((numbered_checks["amount"] > 0).sum())
    assert set(whole.days.index.get_level_values("buyer_group")) == {"members", "non_members", "anonymous"}


@pytest.mark.parametrize("bins", [3, 5])
def test_segments_from_tallies_of_sets_of_customers_equal_the_segments_of_every_check(numbered_checks, bins):
    snapshots = (pd.Timestamp("2023-06-30"), pd.Timestamp("2024-03-31"), pd.Timestamp("2022-12-31"))
    respondents = np.arange(0, 300, 7, dtype="float64")
    customer = numbered_checks["customer_id"]
    parts = [numbered_checks.loc[(customer % 3 == k).to_numpy()] for k in range(3)]  # whole customers
    tallies = pd.concat([rfm_tallies(p, snapshots, respondents) for p in parts], ignore_index=True)
    found = segments_of(tallies, bins)
    for snapshot in snapshots[:2]:
        scored = rfm_segments(identified_checks(numbered_checks), snapshot, bins)
        expected = pd.Series(scored["segment"].astype(object).to_numpy(),
                             index=scored["customer_id"].to_numpy(dtype="float64"), dtype=object)
        expected = expected.reindex(respondents[np.isin(respondents, expected.index)])
        assert len(expected) > 20
        pd.testing.assert_series_equal(found[snapshot].astype(object).sort_index(), expected.sort_index(),
                                       check_names=False)
    assert snapshots[2] not in found  # before the first check: nobody is a customer yet


def test_tallies_by_hand():
    """Customer 0 bought on Jan 1, 5 and 20 (a return on Jan 10 is no purchase), customer 4 on Jan 8;
    on Jan 9: customer 0 has frequency 2 and recency 4, customer 4 frequency 1 and recency 1."""
    checks = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-20", "2024-01-10",
                                                   "2024-01-08"]),
                           "customer_id": [0.0, 0.0, 0.0, 0.0, 4.0], "amount": [10.0, 5.0, 7.0, -3.0, 2.0]})
    tallies = rfm_tallies(checks, (pd.Timestamp("2024-01-09"), pd.Timestamp("2023-12-31")), np.array([4.0]))
    assert tallies["snapshot"].eq(pd.Timestamp("2024-01-09")).all()  # nobody had bought by Dec 31
    by_kind = {kind: rows for kind, rows in tallies.groupby("kind")}
    assert by_kind["r"][["recency", "count"]].to_numpy().tolist() == [[1, 1], [4, 1]]
    assert by_kind["f"][["frequency", "count"]].to_numpy().tolist() == [[1, 1], [2, 1]]
    assert by_kind["who"][["customer", "recency", "frequency"]].to_numpy().tolist() == [[4.0, 1.0, 1.0]]


def test_tallies_are_the_same_a_block_of_snapshot_days_at_a_time(numbered_checks, monkeypatch):
    """The per-customer matrices are built a few snapshot days at a time for many customers: a block
    of one day, of seven, or all at once give the same rows, snapshots in the order asked (repeats
    included), against counts taken check by check."""
    from {{ cookiecutter.package_name }}.sections.program import voice

    snapshots = tuple(pd.Timestamp("2024-12-31") - pd.Timedelta(days=int(d)) for d in range(0, 800, 37))
    snapshots += (snapshots[3],)
    respondents = np.arange(0, 300, 3, dtype="float64")
    whole = rfm_tallies(numbered_checks, snapshots, respondents)
    for cells in (1, 7 * 300):
        monkeypatch.setattr(voice, "_TALLY_CELLS", cells)
        pd.testing.assert_frame_equal(rfm_tallies(numbered_checks, snapshots, respondents), whole)
    bought = numbered_checks[numbered_checks["customer_id"].notna() & (numbered_checks["amount"] > 0)]
    for snapshot in snapshots[::5]:
        known = bought[bought["date"].dt.normalize() <= snapshot]
        frequency = known.groupby("customer_id").size()
        rows = whole[(whole["snapshot"] == snapshot) & (whole["kind"] == "f")]
        expected = frequency.value_counts().sort_index()
        assert rows["frequency"].astype(int).tolist() == expected.index.tolist()
        assert rows["count"].astype(int).tolist() == expected.tolist()
        who = whole[(whole["snapshot"] == snapshot) & (whole["kind"] == "who")].set_index("customer")
        last = known.groupby("customer_id")["date"].max().dt.normalize()
        recency = (snapshot - last).dt.days.reindex(who.index)
        assert who["recency"].astype(int).tolist() == recency.astype(int).tolist()

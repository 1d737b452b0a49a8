"""Program KPIs on hand-checkable examples (every number below can be checked on paper)."""

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from {{ cookiecutter.package_name }} import kpis
from {{ cookiecutter.package_name }}.kpis import (
    active_members_monthly,
    awareness_share,
    check_metrics_monthly,
    check_metrics_summary,
    classify_checks,
    csat_summary,
    effective_accrual_rate,
    flag_anomalies,
    join_dates,
    lfl_windows,
    like_for_like,
    member_origin,
    member_share,
    member_share_monthly,
    members_monthly,
    monthly_yoy,
    motive_shares,
    nps_composition,
    nps_responses,
    participation_by_spend_tier,
    points_monthly_from_ledger,
    points_monthly_from_transactions,
    points_summary,
    program_headline,
    program_kpis,
    reach,
    respondent_group,
    unsubscribe_monthly,
    unsubscribe_rate,
)

T = pd.Timestamp
JAN, FEB = T("2024-01-01"), T("2024-02-01")
START, END = T("2024-01-01"), T("2024-02-29")


def ids(*values):
    return pd.array(list(values), dtype="str")


@pytest.fixture
def customers() -> pd.DataFrame:
    # a: known customer who joins on 15 Jan; b: joins on the day of first purchase; c: never joins
    return pd.DataFrame(
        {
            "customer_id": ids("a", "b", "c"),
            "registered_at": [T("2023-12-01"), T("2024-02-10"), T("2023-11-01")],
            "joined_program_at": [T("2024-01-15 12:30"), T("2024-02-10"), pd.NaT],
        }
    )


@pytest.fixture
def transactions() -> pd.DataFrame:
    rows = [
        ("2023-12-20", "a", 100.0, 1.0, 0.0, 0.0),
        ("2024-01-10", "c", 50.0, 1.0, 0.0, 0.0),
        ("2024-01-15 09:00", "a", 200.0, 2.0, 10.0, 0.0),  # member check: join day counts
        ("2024-01-20", None, 30.0, 1.0, 0.0, 0.0),
        ("2024-02-10", "b", 300.0, 3.0, 30.0, 5.0),
        ("2024-02-11", "a", -50.0, 1.0, 0.0, 0.0),  # a return: not a check
        ("2024-02-15", "c", 150.0, 2.0, 0.0, 0.0),
        ("2024-02-20", None, 70.0, 1.0, 0.0, 0.0),
        ("2024-02-25", "c", 100.0, np.nan, 0.0, 0.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["date", "customer_id", "amount", "items", "points_earned", "points_redeemed"]
    )
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    frame["customer_id"] = frame["customer_id"].astype("str").where(frame["customer_id"].notna())
    return frame


@pytest.fixture
def joins(customers) -> pd.Series:
    return join_dates(customers)


@pytest.fixture
def checks(transactions, joins) -> pd.DataFrame:
    in_period = transactions.loc[transactions["date"] >= START]
    return classify_checks(in_period, joins)


# ---------------------------------------------------------------------------------- membership


def test_join_dates_from_customers_drop_time_of_day(customers):
    joins = join_dates(customers)
    assert joins.to_dict() == {"a": T("2024-01-15"), "b": T("2024-02-10")}


def test_join_dates_fall_back_to_first_loyalty_card_check(transactions):
    frame = transactions.assign(loyalty_card=[False, False, True, False, True, True, False,
                                              False, False])
    assert join_dates(None, frame).to_dict() == {"a": T("2024-01-15"), "b": T("2024-02-10")}
    assert join_dates(None, transactions) is None


def test_classify_checks(checks):
    assert checks["buyer_group"].tolist() == [
        "non_member", "member", "anonymous", "member", "member", "non_member", "anonymous",
        "non_member",
    ]
    assert checks["is_purchase"].sum() == 7


def test_member_origin(joins, transactions):
    # a bought on 20 Dec before joining; b joined on the day of the first purchase
    origin = member_origin(joins, transactions)
    assert origin.to_dict() == {"a": "existing", "b": "new"}


def test_members_monthly(joins, transactions):
    origin = member_origin(joins, transactions)
    table = members_monthly(joins, origin, START, END)
    assert table["new_members"].tolist() == [1, 1]
    assert table["new_from_existing"].tolist() == [1, 0]
    assert table["new_from_new"].tolist() == [0, 1]
    assert table["cumulative_members"].tolist() == [1, 2]


def test_active_members_monthly(transactions, joins):
    table = active_members_monthly(transactions, joins, START, END, window_days=30)
    # 31 Jan: member a bought on 15 Jan -> 1 of 1 active.
    # 29 Feb: window is 31 Jan..29 Feb; a only returned goods (no check), b bought -> 1 of 2.
    assert table["members"].tolist() == [1, 2]
    assert table["active_members"].tolist() == [1, 1]
    assert table["active_share"].tolist() == [1.0, 0.5]


def test_reach(joins, customers, transactions):
    assert reach(joins, customers, transactions, END) == {
        "members": 2, "identified_customers": 3, "reach": pytest.approx(2 / 3)
    }
    # 31 Jan: b is neither registered nor seen yet; members a of identified a, c
    assert reach(joins, customers, transactions, T("2024-01-31"))["reach"] == 0.5


# ---------------------------------------------------------------------------------- shares


def test_member_share_monthly(checks):
    table = member_share_monthly(checks, START, END)
    # Jan: checks c50, a200 (member), anon30; Feb: b300 (member), c150, anon70, c100; a's -50 return
    # counts in revenue only.
    assert table["checks"].tolist() == [3, 4]
    assert table["member_checks"].tolist() == [1, 1]
    assert table["transaction_share"].tolist() == pytest.approx([1 / 3, 1 / 4])
    assert table["revenue"].tolist() == pytest.approx([280.0, 570.0])
    assert table["revenue_share"].tolist() == pytest.approx([200 / 280, 250 / 570])
    assert not table["transaction_share_anomaly"].any()


def test_member_share_over_a_period(checks):
    shares = member_share(checks)
    assert shares["member_transaction_share"] == pytest.approx(2 / 7)
    assert shares["member_revenue_share"] == pytest.approx(450 / 850)


def test_flag_anomalies_flags_a_sudden_drop_only():
    share = pd.Series([0.70, 0.70, 0.71, 0.69, 0.70, 0.70, 0.60, 0.70])
    flags = flag_anomalies(share, window=6, z_threshold=3.0, min_deviation=0.05)
    # month 6: norm = median of the six 0.69..0.71 values = 0.70, deviation -0.10 >= 5 pp, MAD = 0
    assert flags["norm"].iloc[6] == pytest.approx(0.70)
    assert flags["deviation"].iloc[6] == pytest.approx(-0.10)
    assert flags["anomaly"].tolist() == [False] * 6 + [True, False]


def test_flag_anomalies_ignores_a_steady_trend_and_small_wiggles():
    trend = pd.Series(np.linspace(0.2, 0.6, 24))
    assert not flag_anomalies(trend).anomaly.any()
    wiggle = pd.Series([0.5, 0.5, 0.5, 0.5, 0.53])  # +3 pp from a flat norm: below min_deviation
    assert not flag_anomalies(wiggle, min_periods=3).anomaly.any()


def test_member_share_months_before_launch_are_not_judged(checks):
    table = member_share_monthly(checks, START, END, launch=FEB, window=1)
    assert table["transaction_share_norm"].isna().all()


# ---------------------------------------------------------------------------------- checks


def test_check_metrics_monthly(checks):
    table = check_metrics_monthly(checks).set_index(["month", "buyer_group"])
    feb_member = table.loc[(FEB, "member")]
    assert feb_member["checks"] == 1 and feb_member["avg_check"] == 300.0  # the return is no check
    feb_non = table.loc[(FEB, "non_member")]
    assert feb_non["avg_check"] == 125.0 and feb_non["frequency"] == 2.0
    assert feb_non["items_per_check"] == 2.0  # c100 has no item count: 2 items / 1 check
    assert math.isnan(table.loc[(FEB, "anonymous"), "frequency"])


def test_check_metrics_summary(checks):
    table = check_metrics_summary(checks)
    assert table.at["member", "avg_check"] == 250.0  # (200 + 300) / 2
    assert table.at["member", "frequency"] == 1.0  # 2 checks / 2 customer-months (a Jan, b Feb)
    assert table.at["non_member", "avg_check"] == 100.0  # (50 + 150 + 100) / 3
    assert table.at["non_member", "frequency"] == 1.5  # 3 checks / 2 customer-months (c Jan, Feb)
    assert table.at["anonymous", "avg_check"] == 50.0 and math.isnan(
        table.at["anonymous", "frequency"]
    )
    assert table.at["all", "avg_check"] == pytest.approx(900 / 7)
    assert table.at["all", "frequency"] == pytest.approx(5 / 4)  # identified checks / cust-months
    assert table.at["all", "items_per_check"] == pytest.approx(10 / 6)


# ---------------------------------------------------------------------------------- points


@pytest.fixture
def ledger() -> pd.DataFrame:
    rows = [
        ("2023-12-01", "accrual", 50.0),  # before the period: balance only
        ("2024-01-05", "accrual", 100.0),
        ("2024-01-20", "redemption", 30.0),
        ("2024-02-01", "accrual", 100.0),
        ("2024-02-10", "expiry", 20.0),
        ("2024-02-15", "adjustment", 10.0),
        ("2024-03-05", "accrual", 999.0),  # after the period: ignored
    ]
    frame = pd.DataFrame(rows, columns=["date", "kind", "points"])
    return frame.assign(date=pd.to_datetime(frame["date"]), customer_id="a")


def test_points_monthly_from_ledger(ledger):
    table = points_monthly_from_ledger(ledger, START, END, point_value=0.5)
    assert table["accrued"].tolist() == [100.0, 100.0]
    assert table["redemption_rate"].tolist() == pytest.approx([0.3, 0.0])
    assert table["cumulative_redemption_rate"].tolist() == pytest.approx([0.3, 0.15])
    assert table["breakage_rate"].tolist() == pytest.approx([0.0, 0.2])
    assert table["cumulative_breakage_rate"].tolist() == pytest.approx([0.0, 0.1])
    # balance: 50 + 100 - 30 = 120; then + 100 - 20 + 10 = 210
    assert table["balance"].tolist() == [120.0, 210.0]
    assert table["liability"].tolist() == [60.0, 105.0]
    summary = points_summary(table)
    assert summary["redemption_rate"] == pytest.approx(0.15)
    assert summary["breakage_rate"] == pytest.approx(0.1)
    assert summary["liability"] == 105.0


def test_points_fallback_from_checks(transactions):
    table = points_monthly_from_transactions(transactions, START, END, point_value=1.0)
    assert table["accrued"].tolist() == [10.0, 30.0]
    assert table["cumulative_redemption_rate"].iloc[-1] == pytest.approx(5 / 40)
    summary = points_summary(table)
    assert summary["redemption_rate"] == pytest.approx(0.125)
    assert summary["breakage_rate"] is None and summary["liability"] is None


def test_effective_accrual_rate(checks):
    # member checks: a200 earned 10, b300 earned 30 -> 40 points x value / 500
    assert effective_accrual_rate(checks, point_value=1.0) == pytest.approx(0.08)
    assert effective_accrual_rate(checks, point_value=2.0) == pytest.approx(0.16)
    # with a card flag the base is the card checks: only a200 -> 10 / 200
    carded = checks.assign(loyalty_card=checks["amount"] == 200.0)
    assert effective_accrual_rate(carded, point_value=1.0) == pytest.approx(0.05)
    no_points = checks.drop(columns=["points_earned"])
    assert effective_accrual_rate(no_points, 1.0, ledger_accrued=50.0) == pytest.approx(0.1)
    assert effective_accrual_rate(no_points, 1.0) is None


# ---------------------------------------------------------------------------------- unsubscribes


def test_unsubscribe_rate():
    frame = pd.DataFrame(
        {
            "customer_id": ids("x", "y", "z", "w"),
            "joined_program_at": [T("2023-06-01"), T("2023-06-01"), T("2024-02-05"), pd.NaT],
            "has_email": [True, True, True, False],
            "unsubscribed_at": [T("2024-01-10"), T("2023-07-01"), pd.NaT, T("2024-01-05")],
        }
    )
    joins = join_dates(frame)
    # members x, y, z; x and y opted out (w is no member and does not count)
    assert unsubscribe_rate(frame, joins, END) == pytest.approx(2 / 3)
    assert unsubscribe_rate(frame, joins, T("2023-12-31")) == 0.5
    monthly = unsubscribe_monthly(frame, joins, START, END)
    # Jan: still subscribed x -> x leaves; Feb: still subscribed z (joined 5 Feb) -> nobody leaves
    assert monthly["subscribed"].tolist() == [1, 1]
    assert monthly["unsubscribes"].tolist() == [1, 0]
    assert monthly["monthly_unsubscribe_rate"].tolist() == [1.0, 0.0]
    assert monthly["cumulative_unsubscribe_rate"].tolist() == pytest.approx([1.0, 2 / 3])
    # membership unknown: customers with an email (x, y, z) are the base
    assert unsubscribe_rate(frame, None, END) == pytest.approx(2 / 3)
    assert unsubscribe_rate(frame.drop(columns=["unsubscribed_at"]), joins, END) is None


# ---------------------------------------------------------------------------------- NPS, surveys


def test_nps_composition_and_interval():
    result = nps_composition(pd.Series([10, 9, 8, 7, 6, 0, 10, 5, 9, 3, 11, np.nan]))
    assert result["responses"] == 10  # 11 and NaN dropped
    assert (result["promoters"], result["passives"], result["detractors"]) == (0.4, 0.2, 0.4)
    assert result["score"] == 0.0
    half = 1.959963984540054 * math.sqrt((0.4 + 0.4 - 0.0) / 10)
    assert result["ci_low"] == pytest.approx(-half) and result["ci_high"] == pytest.approx(half)
    high = nps_composition(pd.Series([10, 10, 9, 7]))
    assert high["score"] == 0.75
    half = 1.959963984540054 * math.sqrt((0.75 - 0.75**2) / 4)
    assert high["ci_high"] == pytest.approx(min(0.75 + half, 1.0))
    assert nps_composition(pd.Series([], dtype=float))["score"] is None


def test_nps_responses_prefer_the_nps_table():
    nps = pd.DataFrame({"date": [JAN], "score": [9.0], "customer_id": ids("a")})
    surveys = pd.DataFrame(
        {"date": [JAN, JAN], "question": ["NPS", "csat"], "answer": ["3", "5"],
         "customer_id": ids("b", "b")}
    )
    assert nps_responses(nps, surveys)["score"].tolist() == [9.0]
    assert nps_responses(None, surveys)["score"].tolist() == [3.0]
    assert nps_responses(None, None) is None


def test_respondent_group(joins):
    answers = pd.DataFrame(
        {"date": [T("2024-01-10"), T("2024-01-20"), JAN], "customer_id": ids("a", "a", None)}
    )
    assert respondent_group(answers, joins).tolist() == ["non_member", "member", "unlinked"]


def test_csat_awareness_motives():
    csat = csat_summary(pd.Series(["5", "4", "3", "x", "2", "5"]))
    assert csat == {"responses": 5, "mean": 3.8, "satisfied_share": 0.6}
    assert awareness_share(pd.Series(["yes", "Да", "no", "maybe"]))["awareness"] == pytest.approx(
        2 / 3
    )
    motives = motive_shares(pd.Series(["value", "brand", "value", "other", "выгода"]))
    assert (motives["value"], motives["brand"], motives["other"]) == (0.6, 0.2, 0.2)
    assert csat_summary(pd.Series([], dtype="str"))["mean"] is None


# ---------------------------------------------------------------------------------- spend tiers


def test_participation_by_spend_tier():
    launch = T("2024-01-01")
    spend = {"p": 10, "q": 20, "r": 30, "s": 40, "t": 50, "u": 60}
    frame = pd.DataFrame(
        {"date": T("2023-06-01"), "customer_id": ids(*spend), "amount": list(spend.values())}
    )
    later = pd.DataFrame({"date": [T("2024-02-01")] * 2, "customer_id": ids("p", "new"),
                          "amount": [1000.0, 500.0]})  # after launch: not baseline
    joins = pd.Series({"p": T("2024-03-01"), "r": T("2024-02-01"), "t": T("2024-01-05"),
                       "u": T("2024-01-20")})
    table = participation_by_spend_tier(pd.concat([frame, later]), joins, launch, T("2024-12-31"))
    rates = dict(zip(table["tier"], table["participation_rate"], strict=True))
    # low = p, q (p joined); middle = r, s (r joined); high = t, u (both joined)
    assert rates == {"high": 1.0, "middle": 0.5, "low": 0.5}
    assert table["customers"].tolist() == [2, 2, 2]
    # a member joined before launch (pilot): only spend before the join day is baseline
    pilot = pd.concat([frame, pd.DataFrame(
        {"date": [T("2023-09-01")], "customer_id": ids("p"), "amount": [1000.0]})])
    table = participation_by_spend_tier(pilot, pd.Series({"p": T("2023-08-01")}), launch,
                                        T("2024-12-31"))
    assert table.set_index("tier").at["low", "members"] == 1


# ---------------------------------------------------------------------------------- like-for-like


def test_lfl_windows_use_full_calendar_periods():
    windows = lfl_windows(T("2024-03-31"))  # a Sunday and the last day of March
    assert windows["mom"] == (T("2024-03-01"), T("2024-03-31"), T("2024-02-01"), T("2024-02-29"))
    assert windows["yoy"] == (T("2024-03-01"), T("2024-03-31"), T("2023-03-01"), T("2023-03-31"))
    assert windows["wow"] == (T("2024-03-25"), T("2024-03-31"), T("2024-03-18"), T("2024-03-24"))
    windows = lfl_windows(T("2024-03-15"))  # a Friday mid-month: last full month is February
    assert windows["mom"] == (T("2024-02-01"), T("2024-02-29"), T("2024-01-01"), T("2024-01-31"))
    assert windows["wow"][:2] == (T("2024-03-04"), T("2024-03-10"))


def test_like_for_like_on_comparable_stores():
    rows = [
        ("2024-01-01", "s1", "a", 100.0),
        ("2024-02-10", "s1", "a", 150.0),
        ("2024-02-11", "s1", "b", 50.0),
        ("2024-02-12", "s2", "c", 999.0),  # a store opened in February: not like-for-like
        ("2024-02-13", "s1", None, -20.0),
    ]
    frame = pd.DataFrame(rows, columns=["date", "store_id", "customer_id", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    table = like_for_like(frame, T("2024-02-29")).set_index(["comparison", "metric"])
    mom = table.loc["mom"]
    assert mom.at["revenue", "current"] == 180.0 and mom.at["revenue", "previous"] == 100.0
    assert mom.at["revenue", "change_pct"] == pytest.approx(0.8)
    assert mom.at["checks", "change"] == 1.0
    assert mom.at["avg_check", "current"] == 100.0  # (150 + 50) / 2
    assert mom.at["active_customers", "current"] == 2.0
    assert table.loc[("mom", "revenue"), "stores"] == 1
    assert math.isnan(table.loc[("yoy", "revenue"), "change_pct"])  # no data a year earlier
    everything = like_for_like(frame, T("2024-02-29"), same_stores=False)
    assert everything.set_index(["comparison", "metric"]).at[("mom", "revenue"), "current"] == 1179


def test_monthly_yoy():
    frame = pd.DataFrame(
        {"date": pd.to_datetime(["2023-01-05", "2023-02-05", "2024-01-05", "2024-02-05"]),
         "amount": [100.0, 200.0, 150.0, 100.0]}
    )
    table = monthly_yoy(frame, T("2024-01-01"), T("2024-02-29"))
    assert table["yoy"].tolist() == pytest.approx([0.5, -0.5])
    assert monthly_yoy(frame, T("2023-01-01"), T("2023-01-31"))["yoy"].isna().all()


# ---------------------------------------------------------------------------------- headline


DESIGN_KEYS = [
    "members", "reach", "member_revenue_share", "member_transaction_share", "avg_check.members",
    "avg_check.non_members", "frequency.members", "frequency.non_members", "items_per_check",
    "redemption_rate", "breakage_rate", "points_liability", "unsubscribe_rate", "nps.score",
    "nps.promoters", "nps.passives", "nps.detractors", "lfl.yoy", "lfl.mom", "lfl.wow", "csat.mean",
    "csat.satisfied_share", "awareness", "participation_by_tier.high",
    "participation_by_tier.middle", "participation_by_tier.low", "effective_accrual_rate",
]


def lookup(headline, dotted):
    value = headline
    for part in dotted.split("."):
        value = value[part]
    return value


def test_program_kpis_headline(transactions, customers, ledger):
    nps = pd.DataFrame({"date": [T("2024-01-20"), T("2024-02-20")], "score": [10.0, 3.0],
                        "customer_id": ids("a", "c")})
    surveys = pd.DataFrame(
        {"date": [T("2024-02-01")] * 3, "question": ["csat", "awareness", "motive"],
         "answer": ["5", "yes", "brand"], "customer_id": ids("a", "a", "a")}
    )
    config = {"language": "en", "currency": "RUB",
              "program": {"launch_date": "2024-01-01", "point_value": 0.5}}
    result = program_kpis(transactions, customers, ledger, nps, surveys, config, (START, END))
    head = result.headline
    for key in DESIGN_KEYS:
        lookup(head, key)  # every DESIGN.md key is present
    json.dumps(head)  # plain types only
    assert head["members"] == 2 and head["reach"] == pytest.approx(2 / 3)
    assert head["member_transaction_share"] == pytest.approx(2 / 7)
    assert head["avg_check"]["members"] == 250.0
    assert head["redemption_rate"] == pytest.approx(0.15)
    assert head["points_liability"] == 105.0
    assert head["nps"]["score"] == 0.0 and head["nps"]["responses"] == 2
    assert head["csat"] == {"mean": 5.0, "satisfied_share": 1.0}
    assert head["awareness"] == 1.0 and head["motives"]["brand"] == 1.0
    assert result.tables["nps_groups"].set_index("group").at["member", "score"] == 1.0
    assert set(result.sentences) >= {"reach", "member_share", "checks", "points", "nps"}


def test_program_kpis_without_optional_tables(transactions):
    result = program_kpis(transactions.drop(columns=["points_earned", "points_redeemed"]))
    head = result.headline
    for key in ("members", "reach", "redemption_rate", "breakage_rate", "points_liability",
                "unsubscribe_rate", "nps.score", "csat.mean", "awareness",
                "participation_by_tier.high", "effective_accrual_rate"):
        assert lookup(head, key) is None, key
    assert {"reach", "points", "nps", "csat"} <= set(result.skipped)
    assert head["avg_check"]["anonymous"] == 50.0
    json.dumps(head)


def test_redemption_rate_falls_back_to_the_checks(transactions, customers):
    head = program_headline(transactions, customers, period=(START, END))
    assert head["points_source"] == "transactions"
    assert head["redemption_rate"] == pytest.approx(0.125)
    assert head["breakage_rate"] is None and head["points_liability"] is None


def test_sentences_in_russian_and_charts(transactions, customers, ledger):
    nps = pd.DataFrame({"date": [T("2024-01-20")], "score": [10.0], "customer_id": ids("a")})
    config = {"language": "ru", "program": {"launch_date": "2024-01-01"}}
    result = program_kpis(transactions, customers, ledger, nps, None, config, (START, END))
    assert result.sentences["reach"].startswith("В программе 2 участников")
    tables = result.tables
    figures = [
        kpis.plot_members(tables["members"], tables["active_members"]),
        kpis.plot_member_share(tables["member_share"]),
        kpis.plot_check_metrics(tables["checks_monthly"]),
        kpis.plot_points(tables["points"]),
        kpis.plot_nps(tables["nps_monthly"]),
        kpis.plot_rate(tables["effective_accrual"], "effective_accrual_rate", "accrual"),
        kpis.plot_monthly_yoy(tables["monthly_yoy"]),
    ]
    assert all(isinstance(fig, Figure) for fig in figures)


# ---------------------------------------------------------------------------------- notebook


class StubContext:
    """The part of the run context the notebook uses, recording what it would show."""

    def __init__(self, tables, config):
        self.tables, self.config, self.period = tables, config, (START, END)
        self.language = config["language"]
        self.recorded, self.shown, self.said, self.skipped = {}, [], [], []

    def table(self, name):
        return self.tables.get(name)

    def record(self, section, values):
        self.recorded[section] = json.loads(json.dumps(values))

    def show_table(self, frame, name, caption=""):
        assert isinstance(frame, pd.DataFrame) and len(name) <= 31  # an Excel sheet name
        self.shown.append(name)

    def show_figure(self, figure, name, caption=""):
        assert isinstance(figure, Figure)
        self.shown.append(name)

    def say(self, text):
        assert isinstance(text, str) and text
        self.said.append(text)

    def skip(self, reason):
        assert isinstance(reason, str) and reason
        self.skipped.append(reason)


def run_notebook_cells(ctx):
    """Execute the notebook's code cells against `ctx` (no kernel, no papermill)."""
    path = Path(__file__).resolve().parents[1] / "notebooks" / "10_program_kpis.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code[0] == 'client = "demo"\nrun_dir = ""'
    namespace = {}
    for source in code:
        exec(source.replace("ctx = open_run(client, run_dir)", "ctx = stub"),
             {**namespace, "stub": ctx}, namespace)


@pytest.mark.parametrize("inputs", ["all", "transactions only"])
def test_notebook_runs_with_and_without_optional_tables(inputs, transactions, customers, ledger):
    if inputs == "all":
        tables = {"transactions": transactions, "customers": customers, "points": ledger,
                  "nps": pd.DataFrame({"date": [JAN], "score": [9.0], "customer_id": ids("a")}),
                  "surveys": pd.DataFrame({"date": [FEB], "question": ["csat"], "answer": ["4"],
                                           "customer_id": ids("a")})}
    else:
        tables = {"transactions": transactions.drop(columns=["points_earned", "points_redeemed"])}
    ctx = StubContext(tables, {"language": "en", "currency": "RUB",
                               "program": {"launch_date": "2024-01-01", "compare_months": 3}})
    run_notebook_cells(ctx)
    program = ctx.recorded["program"]
    assert set(program) >= {"members", "nps", "lfl", "participation_by_tier"}
    assert "program_headline" in ctx.shown and "program_lfl" in ctx.shown
    if inputs == "all":
        assert {"program_members", "program_points", "program_nps", "program_csat"} <= set(ctx.shown)
    else:
        assert program["members"] is None and program["redemption_rate"] is None
        assert len(ctx.skipped) >= 8 and "program_points" not in ctx.shown


# ---------------------------------------------------------------------------------- sample data


@pytest.fixture(scope="module")
def sample_tables(sample_project, tmp_path_factory):
    """The cleaned sample tables, config and period (read like a notebook does, without papermill)."""
    from {{ cookiecutter.package_name }}.context import open_run

    source, _ = sample_project
    project = tmp_path_factory.mktemp("kpis_project")
    for part in ("config", "data/raw"):
        shutil.copytree(source / part, project / part)
    ctx = open_run("demo", "", str(project))
    names = ("transactions", "customers", "points", "nps", "surveys")
    return [ctx.table(n) for n in names], ctx.config, ctx.period


@pytest.fixture(scope="module")
def sample_kpis(sample_tables, sample_project):
    """program_kpis on the cleaned sample tables."""
    tables, config, period = sample_tables
    return program_kpis(*tables, config=config, period=period), sample_project[1]["realised"]


def check_against_truth(program, realised):
    """The planted truth (sample.py's truth.json) recovered by the program KPIs."""
    assert program["members"] == realised["members"]
    assert program["member_transaction_share"] == pytest.approx(
        realised["member_transaction_share"], abs=1e-9)
    # the truth counts clean checks only; the data-quality rules keep returns, which net revenue
    # includes: a small difference
    assert program["member_revenue_share"] == pytest.approx(realised["member_revenue_share"],
                                                            abs=0.01)
    for key in ("redemption_rate", "breakage_rate", "effective_accrual_rate", "unsubscribe_rate",
                "awareness"):
        assert program[key] == pytest.approx(realised[key], rel=1e-6), key
    assert program["points_liability"] == pytest.approx(realised["points_liability"], rel=1e-6)
    for key in ("score", "promoters", "passives", "detractors"):
        assert program["nps"][key] == pytest.approx(realised["nps"][key], abs=1e-9), key
    assert program["nps"]["ci_low"] < realised["nps"]["score"] < program["nps"]["ci_high"]
    assert program["csat"]["mean"] == pytest.approx(realised["csat"]["mean"])
    # tiers: the truth splits all customers by their latent spend, the KPI by spend before launch
    tiers = program["participation_by_tier"]
    assert tiers["high"] > tiers["middle"] > tiers["low"]
    assert tiers["top_to_bottom_ratio"] > 2


def test_sample_data_recovers_the_planted_truth(sample_kpis):
    result, realised = sample_kpis
    check_against_truth(result.headline, realised)
    assert result.headline["points_source"] == "ledger"
    assert not result.skipped
    nps_groups = result.tables["nps_groups"].set_index("group")
    assert nps_groups.at["member", "score"] > nps_groups.at["non_member", "score"]


def test_the_headline_alone_and_the_earlier_headline_match_the_full_computation(sample_tables):
    """program_headline skips the monthly tables, and program_kpis(compare_months=...) computes the
    earlier headline on the tables it has prepared: the same numbers as the full computation and
    previous_headline."""
    tables, config, period = sample_tables
    full = program_kpis(*tables, config=config, period=period, compare_months=3)
    assert program_headline(*tables, config=config, period=period) == full.headline
    assert full.previous is not None
    assert full.previous == kpis.previous_headline(*tables, config=config, period=period, months=3)
    assert full.previous["members"] < full.headline["members"]
    assert program_kpis(*tables, config=config, period=period).previous is None


def test_month_starts_and_join_days_of_repeated_ids():
    dates = pd.Series(pd.to_datetime(["2024-01-15 10:00", None, "2023-12-31 23:59", "2024-02-29 00:00"]),
                      index=[4, 5, 6, 7], name="date").astype("datetime64[ns]")
    expected = dates.dt.to_period("M").dt.to_timestamp()
    pd.testing.assert_series_equal(kpis._month_start(dates), expected)
    joins = pd.Series([T("2024-01-15"), T("2024-02-10")], index=pd.Index(["a", "b"], dtype="str"))
    days = kpis._join_day_of(pd.Series(ids("b", None, "a", "c", "b")), joins)
    assert days.tolist()[0] == T("2024-02-10") and days.tolist()[2] == T("2024-01-15")
    assert days.isna().tolist() == [False, True, False, True, False]


@pytest.mark.slow
def test_notebook_records_the_program_section(demo_run):
    """The 10_program_kpis notebook runs in the pipeline and its kpis.json block matches the truth."""
    result, kpis_json, truth = demo_run
    check_against_truth(kpis_json["program"], truth["realised"])
    figures = {p.name for p in (result.bundle / "figures").glob("program_*.png")}
    assert {"program_members.png", "program_member_share.png", "program_points.png",
            "program_nps.png"} <= figures


def test_previous_headline_reads_the_kpis_months_earlier():
    """program.previous: the same definitions with the period end moved back; None before the launch."""
    transactions = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-05-10", "2024-06-10"]),
        "amount": [100.0, 100.0, 300.0, 100.0],
        "customer_id": pd.array(["A", "B", "A", "C"], dtype="string"),
    })
    customers = pd.DataFrame({"customer_id": pd.array(["A", "B", "C"], dtype="string"),
                              "joined_program_at": pd.to_datetime(["2024-01-01", None, "2024-06-01"])})
    config = {"program": {"launch_date": "2024-01-01", "active_window_days": 90}}
    period = ("2024-01-01", "2024-06-30")
    now = kpis.program_headline(transactions, customers, config=config, period=period)
    before = kpis.previous_headline(transactions, customers, config=config, period=period, months=3)
    # by 2024-03-30 only A had joined and bought 100 of the 200 of revenue; by June A and C, 500 of 600
    assert before["members"] == 1 and now["members"] == 2
    assert before["member_revenue_share"] == pytest.approx(100 / 200)
    assert now["member_revenue_share"] == pytest.approx(500 / 600)
    assert kpis.previous_headline(transactions, customers, config=config, period=period, months=6) is None

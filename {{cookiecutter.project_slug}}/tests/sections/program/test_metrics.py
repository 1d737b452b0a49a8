"""Program KPIs on hand-checkable examples (every number below can be checked on paper)."""

import math

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.membership import join_dates
from {{ cookiecutter.package_name }}.sections.program.checks import check_metrics_monthly, check_metrics_summary
from {{ cookiecutter.package_name }}.sections.program.dates import month_start
from {{ cookiecutter.package_name }}.sections.program.groups import (
    classify_checks,
    distinct,
    integer_ids,
    join_day_of,
    numbered_joins,
    respondent_group,
)
from {{ cookiecutter.package_name }}.sections.program.lfl import lfl_windows, like_for_like, monthly_yoy
from {{ cookiecutter.package_name }}.sections.program.points import (
    effective_accrual_rate,
    points_monthly_from_ledger,
    points_monthly_from_transactions,
    points_summary,
)
from {{ cookiecutter.package_name }}.sections.program.reach import (
    active_members_monthly,
    member_origin,
    members_monthly,
    reach,
)
from {{ cookiecutter.package_name }}.sections.program.shares import (
    flag_anomalies,
    member_share,
    member_share_monthly,
)
from {{ cookiecutter.package_name }}.sections.program.surveys import (
    Window,
    awareness_share,
    breakdowns,
    csat_summary,
    motive_shares,
    nps_composition,
    nps_of,
    nps_responses,
)
from {{ cookiecutter.package_name }}.sections.program.tiers import participation_by_spend_tier
from {{ cookiecutter.package_name }}.sections.program.unsubscribes import unsubscribe_monthly, unsubscribe_rate

from .examples import END, FEB, JAN, START, T, ids

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
        "non_members", "members", "anonymous", "members", "members", "non_members", "anonymous",
        "non_members",
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
    feb_member = table.loc[(FEB, "members")]
    assert feb_member["checks"] == 1 and feb_member["avg_check"] == 300.0  # the return is no check
    feb_non = table.loc[(FEB, "non_members")]
    assert feb_non["avg_check"] == 125.0 and feb_non["frequency"] == 2.0
    assert feb_non["items_per_check"] == 2.0  # c100 has no item count: 2 items / 1 check
    assert math.isnan(table.loc[(FEB, "anonymous"), "frequency"])


def test_check_metrics_summary(checks):
    table = check_metrics_summary(checks)
    assert table.at["members", "avg_check"] == 250.0  # (200 + 300) / 2
    assert table.at["members", "frequency"] == 1.0  # 2 checks / 2 customer-months (a Jan, b Feb)
    assert table.at["non_members", "avg_check"] == 100.0  # (50 + 150 + 100) / 3
    assert table.at["non_members", "frequency"] == 1.5  # 3 checks / 2 customer-months (c Jan, Feb)
    assert table.at["anonymous", "avg_check"] == 50.0 and math.isnan(
        table.at["anonymous", "frequency"]
    )
    assert table.at["all", "avg_check"] == pytest.approx(900 / 7)
    assert table.at["all", "frequency"] == pytest.approx(5 / 4)  # identified checks / cust-months
    assert table.at["all", "items_per_check"] == pytest.approx(10 / 6)


# ---------------------------------------------------------------------------------- points


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


def test_points_of_unknown_kinds_and_dates_are_left_out(ledger):
    """A kind the ledger should not hold, a missing kind or date, Arrow text kinds: the same table."""
    odd = pd.DataFrame({"date": pd.to_datetime(["2024-01-07", "2024-02-02", None, "2023-11-30"]),
                        "kind": ["bonus", None, "accrual", "welcome"], "points": [7.0, 8.0, 9.0, 5.0],
                        "customer_id": "a"})
    messy = pd.concat([ledger, odd], ignore_index=True).astype({"kind": "string[pyarrow]"})
    expected = points_monthly_from_ledger(ledger, START, END, point_value=0.5)
    pd.testing.assert_frame_equal(points_monthly_from_ledger(messy, START, END, point_value=0.5), expected)
    empty = points_monthly_from_ledger(ledger.head(0), START, END, point_value=0.5)
    assert empty["accrued"].tolist() == [0.0, 0.0] and empty["balance"].tolist() == [0.0, 0.0]


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
    assert respondent_group(answers, joins).tolist() == ["non_members", "members", "unlinked"]


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




def test_month_starts_and_join_days_of_repeated_ids():
    dates = pd.Series(pd.to_datetime(["2024-01-15 10:00", None, "2023-12-31 23:59", "2024-02-29 00:00"]),
                      index=[4, 5, 6, 7], name="date").astype("datetime64[ns]")
    expected = dates.dt.to_period("M").dt.to_timestamp()
    pd.testing.assert_series_equal(month_start(dates), expected)
    joins = pd.Series([T("2024-01-15"), T("2024-02-10")], index=pd.Index(["a", "b"], dtype="str"))
    days = join_day_of(pd.Series(ids("b", None, "a", "c", "b")), joins)
    assert days.tolist()[0] == T("2024-02-10") and days.tolist()[2] == T("2024-01-15")
    assert days.isna().tolist() == [False, True, False, True, False]


# ------------------------------------------------------------------- shapes that changed in the move


def test_numbered_ids_keep_the_membership_rule(customers, transactions):
    """integer_ids numbers the ids in sorted order; numbered_joins keys core.membership's join days
    (text ids) by those numbers, so the KPIs read the same members."""
    numbered, numbered_customers, labels = integer_ids(transactions, customers)
    assert list(labels) == ["a", "b", "c"]
    assert numbered["customer_id"].tolist()[:3] == [0.0, 2.0, 0.0]
    assert numbered["customer_id"].isna().sum() == 2
    assert numbered_customers["customer_id"].tolist() == [0.0, 1.0, 2.0]
    joins = numbered_joins(join_dates(customers, transactions), labels)
    assert joins.to_dict() == {0.0: T("2024-01-15"), 1.0: T("2024-02-10")}
    assert numbered_joins(None, labels) is None
    # the checks classified on numbers and on text ids get the same groups
    on_numbers = classify_checks(numbered, joins)["buyer_group"].tolist()
    assert on_numbers == classify_checks(transactions, join_dates(customers))["buyer_group"].tolist()


def test_breakdowns_by_month_and_respondent_group(joins):
    answers = pd.DataFrame({"date": [T("2024-01-10"), T("2024-01-20"), T("2024-02-05"), T("2024-03-01")],
                            "score": [10.0, 9.0, 3.0, 10.0], "customer_id": ids("a", "a", None, "a")})
    monthly, groups = breakdowns(answers, nps_of, Window(START, END, joins))
    # March is outside the period; Jan: 10 (non-member a), 9 (member a); Feb: 3 (unlinked)
    assert monthly["responses"].tolist() == [2, 1] and monthly["score"].tolist() == [1.0, -1.0]
    assert groups["group"].tolist() == ["all", "members", "non_members", "unlinked"]
    assert groups["score"].tolist() == pytest.approx([1 / 3, 1.0, 1.0, -1.0])
    monthly, groups = breakdowns(answers, nps_of, Window(START, END, joins, breakdown=False))
    assert monthly is None and groups["group"].tolist() == ["all"] and groups.at[0, "responses"] == 3


def test_distinct_counts_like_a_python_set_of_the_parts():
    """Numbered ids (floats), integers, text and a mix: the size of a set of the non-empty values."""
    rng = np.random.default_rng(3)
    numbers = [rng.integers(0, 500, 800).astype(float) for _ in range(3)]
    numbers[1][::7] = np.nan
    expected = len({x for part in numbers for x in part if not np.isnan(x)})
    assert distinct(*numbers) == expected and 400 < expected < 500
    assert distinct(pd.Index(numbers[0]), pd.Series(numbers[1])) == len(
        {x for part in numbers[:2] for x in part if not np.isnan(x)})
    assert distinct(np.array([3, 1, 3]), np.array([1, 2])) == 3
    assert distinct(pd.Series(["a", None, "b"], dtype="string"), np.array(["b", "c"], dtype=object)) == 3
    assert distinct(np.array([1.0, 2.0]), pd.Series(["1", "x"])) == 4  # text "1" is not the number 1
    assert distinct(pd.Series([], dtype=float), pd.Series([np.nan])) == 0

"""Synthetic data of a retailer with a bonus-points loyalty program, with the truth planted in it.

`generate(out_dir)` writes the exports of the demo client (the layout that
``config/clients/demo.yaml`` reads) plus ``truth.json``, the parameters planted and the values realised,
so that tests can check that each section of the pipeline recovers them.

Files (``;``-separated; ``decimal ,``; dates day-first)
-------------------------------------------------------
transactions.csv  cp1251, dates ``%d.%m.%Y %H:%M``, Russian headers: Дата чека; Номер чека; ID клиента
                  (empty = anonymous check); Магазин; Регион; Сумма (check total before points, 2 decimals,
                  negative = return); Кол-во товаров; Скидка (promo discount already deducted from Сумма);
                  Карта (1 = the check was identified by the loyalty card); Начислено баллов; Списано баллов.
customers.csv     utf-8, dates ``%d.%m.%Y``: client_id; reg_date; loyalty_join_date (empty = not a member);
                  tier (value tier high / middle / low = tertile of the customer's latent expected spend per
                  day); region; email; phone; first_name; last_name; unsubscribe_date (opt-out of mailings,
                  members only). Contacts are fake (built-in name lists, ``@example.com``).
points.csv        utf-8: client_id; date; operation (начисление / списание / сгорание / корректировка);
                  points (positive magnitudes, 2 decimals).
nps.csv           utf-8: date; client_id (empty for anonymous answers); score 0..10.
surveys.csv       utf-8: date; client_id; question (csat | awareness | motive); answer (csat 1..5,
                  awareness yes/no, motive value/brand/other; members only answer motive).
campaigns.csv     utf-8: campaign; client_id; group (тест / контроль); sent_at.

Generative model
----------------
Time runs in days from ``start`` (day 0) to ``end`` (day ``D - 1``). Day-level intensity
``s(d) = month_multiplier[month(d)] * weekday_multiplier[weekday(d)]`` (both normalised to mean 1);
``S(t)`` is its integral (piecewise linear inside a day).

* Customers: a share ``existing_customer_share`` registered in the ``existing_customer_years`` before
  ``start``; the rest are acquired in [start, end] with density proportional to ``s``. Each customer has a
  purchase rate ``lambda ~ Gamma(r, rate=alpha)`` per day, a dropout rate ``mu ~ Gamma(s, rate=beta)`` and
  an exponential lifetime from registration (Pareto/NBD), and a spend parameter
  ``nu ~ Gamma(q, rate=v)``; check amounts are ``Gamma(p, rate=nu)`` (Gamma-Gamma, mean spend ``p / nu``).
  Customers acquired inside the window buy on their registration day (the birth purchase of the
  buy-till-you-die models); afterwards, while alive, purchases follow a Poisson process of intensity
  ``lambda * m(t) * s(t)`` where ``m(t)`` is the product of the member factor ``1 + member_effect``
  (from the join day on) and a campaign factor ``1 + campaign_effect`` (treatment group, during the
  campaign window). Purchase days are drawn by inverse CDF of ``S`` over each piecewise-constant segment;
  the time of day follows store hours.
* Tier = tertile of ``lambda * p / nu`` (latent expected spend per day). Customers would join the program
  with probability ``join_probability_by_tier`` (4 : 2 : 1 for high : middle : low), on day
  ``max(launch, registration day + 1) + floor(Exp(join_delay_mean_days))`` if they are alive then and it
  is not after ``end``; with ``region_launch_dates`` ({region: ISO date}, opt-in, default empty) the
  program starts in a listed region on its own date, so ``launch`` above is the launch day of the
  customer's home region (a staggered regional roll-out for the regional comparison).
  This self-selection makes the naive member / non-member gap much larger than the true effect
  ``member_effect`` (relative, on purchase rate and hence on spend per customer; the dropout and the
  check amounts are not changed by membership).
* A member's check carries the card with probability ``card_share``; only card checks earn
  ``round(amount * accrual_rate, 2)`` points. On a card check a member redeems with its own propensity
  (``Beta(*redemption_propensity_beta)``) if the balance before the check is at least
  ``redemption_min_balance``: ``min(balance, floor(redemption_max_check_share * amount))``. Points
  (accruals and adjustments) expire FIFO at 00:00 of the day ``expiry_months`` calendar months after
  they were credited, as far as they were not redeemed; expiry is booked on that day. A share
  ``adjustment_share`` of members gets one goodwill credit (корректировка, a positive lot) of
  ``adjustment_points`` points. The balance never goes negative, redemptions never exceed it.
* Anonymous checks: ``anonymous_share`` of all clean checks, days by the seasonal intensity.
* Stores: a few regions, each with its stores; a customer has a home store (a share
  ``home_store_share`` of their checks), the rest are spread over all stores.
* Campaigns: sent evenly spread over [launch, end - window] (campaign k of m at fraction
  (k + 0.5) / m); on ``sent_at`` a random share ``campaign_target_share`` of the customers alive then is
  targeted and randomly split, ``campaign_control_share`` (rounded) into control; the treatment's
  purchase rate is multiplied by ``1 + effect`` for ``campaign_window_days`` days.
* NPS: respondents are drawn among identified checks (answer 0..3 days after the check); members (on
  the answer day) answer with ``nps_shares.members``, others with ``nps_shares.non_members``;
  ``nps_anonymous_share`` of the rows have no client_id. Scores within a category follow fixed weights.
* Surveys: respondents drawn among identified checks on or after launch; csat and awareness for all,
  motive for members; ``survey_anonymous_share`` of the respondents have no client_id.
* Contacts: each of email, phone, name (first and last together) is missing independently with
  ``contact_missing_shares``.
* ``dirt=True`` adds rows to transactions.csv (each kind a share of the clean rows, at least one):
  exact duplicate rows (right after their original), returns (a new check of the same customer
  1..14 days after one of their checks, minus its full amount or a part of it, no points), zero-amount
  checks (copies with Сумма 0, no points), future-dated checks (copies dated 10..60 days after
  ``today``, no points); and blanks both email and phone of a further share of customers.
  The points ledger, NPS, surveys and campaigns never refer to dirt rows.

truth.json
----------
``schema_version``  1.
``generator``       module that wrote it.
``params``          everything planted:
  ``n_customers, start, end, launch_date, today, seed, dirt`` as passed (dates ISO);
  ``existing_customer_share, existing_customer_years``;
  ``pareto_nbd``: ``r, alpha_days, s, beta_days`` (rates per day) and ``alpha_weeks, beta_weeks``
  (the same in weeks: alpha / 7);
  ``gamma_gamma``: ``p, q, v`` (money units); ``mean_check`` = p * v / (q - 1);
  ``month_multiplier`` {1..12}, ``weekday_multiplier`` [Mon..Sun] (normalised), ``hour_weights``;
  ``anonymous_share``; ``member_effect``; ``join_probability_by_tier`` {low, middle, high};
  ``join_delay_mean_days``; ``card_share``; ``unsubscribe_mean_days``; ``accrual_rate``; ``point_value``;
  ``expiry_months``; ``redemption_min_balance``; ``redemption_max_check_share``;
  ``redemption_propensity_beta``; ``adjustment_share``; ``adjustment_points`` [low, high];
  ``campaign_effects`` {campaign_id: relative effect on purchase rate}; ``campaign_sent_at``
  {campaign_id: ISO date}; ``campaign_window_days``; ``campaign_target_share``; ``campaign_control_share``;
  ``nps_shares`` {members, non_members: {promoters, passives, detractors}}; ``nps_response_share``;
  ``nps_anonymous_share``; ``csat_distribution`` {members, non_members: [P(1)..P(5)]};
  ``awareness_share`` {members, non_members}; ``motive_shares`` {value, brand, other};
  ``survey_response_share``; ``survey_anonymous_share``; ``contact_missing_shares`` {email, phone, name};
  ``dirt_shares`` {duplicates, returns, zero_amount, future_dated, missing_contacts};
  ``regions`` {region: {weight, stores: [store_id, ...]}}; ``home_store_share``;
  ``region_launch_dates`` {region: ISO date} (empty = every region launches on launch_date);
  ``discount_share``, ``discount_range``.
``realised``        counted in the written data. "Clean checks" are the transactions rows that are
                    not dirt; money is in currency units; shares are 0..1.
  ``rows`` {transactions, customers, points, nps, surveys, campaigns}: data rows written (no header),
      dirt included.
  ``transactions_clean``: clean rows; ``identified_checks`` / ``anonymous_checks``: clean rows with /
      without client id; ``anonymous_share`` = anonymous / clean; ``revenue``: sum of clean amounts.
  ``first_check``, ``last_check``: ISO dates of the first and last clean checks.
  ``customers``: rows of customers.csv; ``customers_with_transactions``: distinct client ids in
      transactions.csv (dirt rows only copy customers that have clean checks);
      ``customers_registered_in_window``.
  ``members``: customers with a loyalty_join_date; ``members_share_of_customers`` = members / customers;
      ``members_share_of_buyers`` = members with >= 1 check / customers_with_transactions.
  ``participation_by_tier`` {high, middle, low}: members / customers of that tier.
  ``unsubscribed``: members with an unsubscribe_date; ``unsubscribe_rate`` = unsubscribed / members.
  ``card_checks``: clean checks with Карта = 1.
  ``member_revenue_share``: revenue of clean checks dated on or after launch by customers who were
      members that day (day >= join day), over the revenue of all clean checks (anonymous included)
      dated on or after launch; ``member_transaction_share``: the same with check counts.
  ``members_revenue_share_all``: revenue of all clean checks of customers who are members by ``end``
      (whenever the check) over all clean revenue.
  ``self_selection``: customers registered before launch; ``pre_launch_spend_per_customer``
      {members, non_members} (clean revenue before launch / customers) and their ``ratio``.
  ``naive_member_uplift``: post-launch clean revenue per customer of members / of non-members - 1,
      among customers with a post-launch check (the biased comparison; the truth is
      ``params.member_effect``).
  ``completeness`` {email, phone, name}: shares of customers with a non-empty value (name = first and
      last name both present), after dirt.
  ``dirt`` {duplicates, returns, zero_amount, future_dated, missing_contacts}: rows (customers for
      missing_contacts) added by dirt; all 0 when dirt is False. ``returns_amount``: their total
      (negative).
  ``points`` {accrued, redeemed, expired, adjusted, outstanding}: ledger totals by operation;
      outstanding = accrued + adjusted - redeemed - expired (balance at ``end``).
  ``redemption_rate`` = redeemed / accrued; ``breakage_rate`` = expired / accrued;
  ``effective_accrual_rate`` = accrued / revenue of clean card checks;
  ``points_liability`` = outstanding * point_value.
  ``retention`` {churn_days, window {start, end}, start_customers, new_customers, end_customers, crr,
      churn_rate, reactivation_rate, monthly {months, all|members|non_members {crr, churn_rate,
      reactivation_rate}}}: the cohorts section's definitions (purchase = clean identified check with a
      positive amount; active = a purchase within churn_days = 180) over the last 12 full months,
      counted customer by customer; monthly = the 12 months pooled, by membership at each month's start.
  ``nps`` {score, score_points, promoters, passives, detractors, responses}: over every row of nps.csv;
      promoters = share of scores 9..10, passives 7..8, detractors 0..6, score = promoters -
      detractors (-1..1), score_points = 100 * score.
  ``csat`` {mean, satisfied_share (answers 4..5), responses}; ``awareness`` = share of "yes";
      ``motive`` {value, brand, other} shares.
  ``campaigns`` {campaign_id: {sent_at, window_days, effect, treatment, control,
      spend_per_customer {treatment, control}, purchase_rate {treatment, control}, realised_uplift}}:
      spend = clean revenue in [sent_at, sent_at + window) per customer of the group, purchase_rate =
      share of the group with a check in the window, realised_uplift = spend ratio - 1.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MINUTES_PER_DAY = 1440
_KEY = np.int64(1) << np.int64(40)  # customer index * _KEY + minute: one sortable int64 key

# Region -> (code, weight, number of stores).
_REGIONS: dict[str, tuple[str, float, int]] = {
    "Москва": ("MSK", 0.35, 4),
    "Санкт-Петербург": ("SPB", 0.25, 3),
    "Казань": ("KZN", 0.15, 2),
    "Екатеринбург": ("EKB", 0.15, 2),
    "Новосибирск": ("NSK", 0.10, 2),
}

DEFAULT_PARAMS: dict[str, Any] = {
    "existing_customer_share": 0.3,
    "existing_customer_years": 3,
    "pareto_nbd": {"r": 0.8, "alpha_days": 30.0, "s": 0.7, "beta_days": 500.0},
    "gamma_gamma": {"p": 6.0, "q": 4.0, "v": 750.0},
    "month_multiplier": [0.85, 0.9, 1.0, 1.0, 0.95, 0.85, 0.8, 0.85, 1.0, 1.05, 1.15, 1.6],
    "weekday_multiplier": [0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 0.95],
    "hour_weights": {str(h): w for h, w in zip(range(8, 23), [1, 2, 3, 4, 6, 6, 5, 5, 6, 8, 9, 8, 6,
                                                             3, 1], strict=True)},
    "anonymous_share": 0.2,
    "member_effect": 0.10,
    "join_probability_by_tier": {"low": 0.15, "middle": 0.30, "high": 0.60},
    "join_delay_mean_days": 45.0,
    "card_share": 0.9,
    "unsubscribe_mean_days": 1500.0,
    "accrual_rate": 0.05,
    "point_value": 1.0,
    "expiry_months": 6,
    "redemption_min_balance": 200.0,
    "redemption_max_check_share": 0.3,
    "redemption_propensity_beta": [1.0, 3.0],
    "adjustment_share": 0.02,
    "adjustment_points": [50, 500],
    "campaign_effects": {"spring_sale": 0.15, "summer_reminder": 0.0, "autumn_bonus": 0.25},
    "campaign_window_days": 30,
    "campaign_target_share": 0.5,
    "campaign_control_share": 0.2,
    "nps_shares": {
        "members": {"promoters": 0.45, "passives": 0.35, "detractors": 0.20},
        "non_members": {"promoters": 0.35, "passives": 0.35, "detractors": 0.30},
    },
    "nps_response_share": 0.1,
    "nps_anonymous_share": 0.1,
    "csat_distribution": {
        "members": [0.03, 0.07, 0.20, 0.38, 0.32],
        "non_members": [0.05, 0.10, 0.25, 0.35, 0.25],
    },
    "awareness_share": {"members": 0.98, "non_members": 0.40},
    "motive_shares": {"value": 0.6, "brand": 0.25, "other": 0.15},
    "survey_response_share": 0.05,
    "survey_anonymous_share": 0.1,
    "contact_missing_shares": {"email": 0.25, "phone": 0.10, "name": 0.05},
    "dirt_shares": {"duplicates": 0.005, "returns": 0.01, "zero_amount": 0.002,
                    "future_dated": 0.001, "missing_contacts": 0.05},
    "home_store_share": 0.9,
    "region_launch_dates": {},  # opt-in staggered launch: {region: ISO date}; others launch at launch_date
    "discount_share": 0.3,
    "discount_range": [0.05, 0.20],
}

TRANSACTION_COLUMNS = ["Дата чека", "Номер чека", "ID клиента", "Магазин", "Регион", "Сумма",
                       "Кол-во товаров", "Скидка", "Карта", "Начислено баллов", "Списано баллов"]
CUSTOMER_COLUMNS = ["client_id", "reg_date", "loyalty_join_date", "tier", "region", "email", "phone",
                    "first_name", "last_name", "unsubscribe_date"]
POINT_OPERATIONS = {"accrual": "начисление", "redemption": "списание", "expiry": "сгорание",
                    "adjustment": "корректировка"}
CAMPAIGN_GROUPS = {"treatment": "тест", "control": "контроль"}
TIERS = ("low", "middle", "high")

# (Cyrillic, Latin) name lists; surnames in the masculine form, the feminine adds "а" / "a".
_MALE = [("Александр", "aleksandr"), ("Дмитрий", "dmitry"), ("Максим", "maksim"), ("Сергей", "sergey"),
         ("Андрей", "andrey"), ("Алексей", "aleksey"), ("Артём", "artem"), ("Илья", "ilya"),
         ("Кирилл", "kirill"), ("Михаил", "mikhail"), ("Никита", "nikita"), ("Иван", "ivan"),
         ("Евгений", "evgeny"), ("Роман", "roman"), ("Павел", "pavel"), ("Владимир", "vladimir")]
_FEMALE = [("Анна", "anna"), ("Мария", "maria"), ("Елена", "elena"), ("Ольга", "olga"),
           ("Наталья", "natalya"), ("Екатерина", "ekaterina"), ("Татьяна", "tatyana"),
           ("Ирина", "irina"), ("Светлана", "svetlana"), ("Юлия", "yulia"), ("Дарья", "darya"),
           ("Ксения", "ksenia"), ("Полина", "polina"), ("Виктория", "viktoria")]
_SURNAMES = [("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"), ("Попов", "popov"),
             ("Васильев", "vasilyev"), ("Петров", "petrov"), ("Соколов", "sokolov"),
             ("Михайлов", "mikhaylov"), ("Новиков", "novikov"), ("Фёдоров", "fedorov"),
             ("Морозов", "morozov"), ("Волков", "volkov"), ("Алексеев", "alekseev"),
             ("Лебедев", "lebedev"), ("Семёнов", "semenov"), ("Егоров", "egorov"), ("Павлов", "pavlov"),
             ("Козлов", "kozlov"), ("Степанов", "stepanov"), ("Николаев", "nikolaev"), ("Орлов", "orlov"),
             ("Андреев", "andreev"), ("Макаров", "makarov"), ("Никитин", "nikitin"),
             ("Захаров", "zakharov"), ("Зайцев", "zaytsev"), ("Соловьёв", "solovyev"),
             ("Борисов", "borisov"), ("Яковлев", "yakovlev"), ("Григорьев", "grigoryev")]
_NPS_SCORE_WEIGHTS = {  # score weights inside each category
    "detractors": (list(range(0, 7)), [0.04, 0.03, 0.05, 0.08, 0.12, 0.28, 0.40]),
    "passives": ([7, 8], [0.45, 0.55]),
    "promoters": ([9, 10], [0.55, 0.45]),
}


# --------------------------------------------------------------------------------------------- API


def generate(out_dir: Path, *, n_customers: int = 5000, start: str = "2023-01-01",
             end: str = "2024-12-31", launch_date: str = "2024-01-01", seed: int = 0,
             dirt: bool = False, today: str | None = None,
             params: Mapping[str, Any] | None = None) -> dict:
    """Write the demo client's files and truth.json into `out_dir`; return the truth dict.

    `params` overrides entries of `DEFAULT_PARAMS` (nested dicts are merged), e.g.
    ``{"member_effect": 0.2}``. `today` is the export day (default `end`); dirt's future-dated checks
    lie 10..60 days after it. Requires start < launch_date <= end <= today.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    p = _merge(DEFAULT_PARAMS, params or {})
    cal = _Calendar(start, end, launch_date, today, p)
    rng = np.random.default_rng(seed)

    cust = _simulate_customers(int(n_customers), cal, p, rng)
    checks = _simulate_checks(cust, cal, p, rng)
    ledger = _simulate_points(checks, cust, cal, p, rng)
    checks = _sort_and_number(checks, rng)
    contacts = _contacts(cust, p, rng)
    nps = _simulate_nps(checks, cust, cal, p, rng)
    surveys = _simulate_surveys(checks, cust, cal, p, rng)

    dirt_rows, dirt_counts = _make_dirt(checks, cal, p, rng) if dirt else (None, _no_dirt())
    if dirt:
        dirt_counts["missing_contacts"] = _blank_contacts(contacts, p, rng)

    rows = {
        "transactions": _write_transactions(out_dir, checks, dirt_rows, cust, cal),
        "customers": _write_customers(out_dir, cust, contacts, cal),
        "points": _write_points(out_dir, ledger, cust, cal),
        "nps": _write_simple(out_dir / "nps.csv", nps, cust, cal),
        "surveys": _write_simple(out_dir / "surveys.csv", surveys, cust, cal),
        "campaigns": _write_campaigns(out_dir, cust, cal),
    }
    truth = {
        "schema_version": 1,
        "generator": __name__,
        "params": _params_truth(p, cal, n_customers, seed, dirt),
        "realised": _realised(rows, checks, cust, contacts, ledger, nps, surveys, dirt_counts,
                              dirt_rows, cal, p),
    }
    truth = _jsonable(truth)
    with open(out_dir / "truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)
    return truth


def scale_for_transactions(n_transactions: int, *, start: str = "2023-01-01", end: str = "2024-12-31",
                           launch_date: str = "2024-01-01",
                           params: Mapping[str, Any] | None = None) -> int:
    """n_customers for which `generate` (same dates and params) writes about `n_transactions` checks.

    Uses the expected number of checks per customer of a fixed pilot population of 100,000 customers
    (the birth purchase plus the Poisson means of every alive segment), divided by the identified share
    1 - anonymous_share. Accurate to about a percent; dirt adds its small shares on top.
    """
    p = _merge(DEFAULT_PARAMS, params or {})
    cal = _Calendar(start, end, launch_date, None, p)
    pilot = 100_000
    cust = _simulate_customers(pilot, cal, p, np.random.default_rng(12345))
    seg = _segments(cust, cal, p)
    expected_identified = float(seg["mean"].sum()) + float(np.count_nonzero(cust["born_in_window"]))
    per_customer = expected_identified / pilot / (1.0 - p["anonymous_share"])
    return max(1, round(n_transactions / per_customer))


# ---------------------------------------------------------------------------------------- calendar


class _Calendar:
    """Days of the export window and the seasonal intensity over them."""

    def __init__(self, start: str, end: str, launch: str, today: str | None, p: dict) -> None:
        self.start = pd.Timestamp(start).normalize()
        self.end = pd.Timestamp(end).normalize()
        self.launch = pd.Timestamp(launch).normalize()
        self.today = pd.Timestamp(today).normalize() if today is not None else self.end
        if not self.start < self.launch <= self.end:
            raise ValueError(f"need start < launch_date <= end, got {start}, {launch}, {end}")
        if self.today < self.end:
            raise ValueError(f"today ({today}) is before end ({end})")
        self.n_days = (self.end - self.start).days + 1
        self.launch_day = (self.launch - self.start).days
        self.region_launch = {}
        for region, day in (p.get("region_launch_dates") or {}).items():
            if region not in _REGIONS:
                raise ValueError(f"region_launch_dates: unknown region {region!r}")
            offset = (pd.Timestamp(day).normalize() - self.start).days
            if not self.launch_day <= offset < self.n_days:
                raise ValueError(f"region_launch_dates: {region} {day} is not in [launch_date, end]")
            self.region_launch[region] = offset
        self.today_day = (self.today - self.start).days
        days = pd.date_range(self.start, periods=self.n_days, freq="D")
        month = np.asarray(p["month_multiplier"], float)
        week = np.asarray(p["weekday_multiplier"], float)
        self.month_multiplier = month / month.mean()
        self.weekday_multiplier = week / week.mean()
        self.intensity = (self.month_multiplier[days.month.to_numpy() - 1]
                          * self.weekday_multiplier[days.day_of_week.to_numpy()])
        self.edges = np.arange(self.n_days + 1, dtype=float)
        self.cum = np.concatenate([[0.0], np.cumsum(self.intensity)])
        window = int(p["campaign_window_days"])
        last_send = max(self.launch_day, self.n_days - window)
        n_campaigns = len(p["campaign_effects"])
        self.campaigns = {  # spread evenly over [launch, end - window]
            cid: int(round(self.launch_day + (k + 0.5) / n_campaigns * (last_send - self.launch_day)))
            for k, cid in enumerate(p["campaign_effects"])
        }

    def region_launch_day(self, region: str) -> int:
        """Day the program launches in `region`: region_launch_dates, else the launch day."""
        return self.region_launch.get(region, self.launch_day)

    def S(self, t: np.ndarray) -> np.ndarray:
        """Cumulative intensity at time t (days since start, clipped to the window)."""
        return np.interp(t, self.edges, self.cum)

    def S_inv(self, u: np.ndarray) -> np.ndarray:
        return np.interp(u, self.cum, self.edges)

    def date_strings(self, days: np.ndarray, fmt: str = "%d.%m.%Y") -> np.ndarray:
        """Formatted dates of integer day offsets (formats each distinct day once)."""
        days = np.asarray(days, dtype=np.int64)
        if days.size == 0:
            return np.array([], dtype=object)
        uniq, inv = np.unique(days, return_inverse=True)
        text = (self.start + pd.to_timedelta(uniq, unit="D")).strftime(fmt).to_numpy(dtype=object)
        return text[inv]

    def iso_day(self, day: int) -> str:
        return (self.start + pd.Timedelta(days=int(day))).strftime("%Y-%m-%d")


# --------------------------------------------------------------------------------------- customers


def _simulate_customers(n: int, cal: _Calendar, p: dict, rng: np.random.Generator) -> dict:
    if n < 1:
        raise ValueError("n_customers must be >= 1")
    D = cal.n_days
    existing = rng.random(n) < p["existing_customer_share"]
    u = rng.random(n)
    reg = np.where(existing, -(u * 365.0 * p["existing_customer_years"]), cal.S_inv(u * cal.cum[-1]))
    reg = np.minimum(reg, D - 1e-6)
    pn, gg = p["pareto_nbd"], p["gamma_gamma"]
    lam = rng.gamma(pn["r"], 1.0 / pn["alpha_days"], n)
    mu = rng.gamma(pn["s"], 1.0 / pn["beta_days"], n)
    death = reg + rng.exponential(1.0, n) / np.maximum(mu, 1e-12)
    nu = rng.gamma(gg["q"], 1.0 / gg["v"], n)
    value = lam * gg["p"] / nu
    tier = (np.argsort(np.argsort(value, kind="stable"), kind="stable") * 3) // n  # 0 low .. 2 high

    join_p = np.array([p["join_probability_by_tier"][t] for t in TIERS])
    would_join = rng.random(n) < join_p[tier]
    reg_day = np.floor(reg).astype(np.int64)
    join_delay = np.floor(rng.exponential(p["join_delay_mean_days"], n)).astype(np.int64)
    unsub_delay = np.floor(rng.exponential(p["unsubscribe_mean_days"], n)).astype(np.int64)

    region_names = list(_REGIONS)
    region_w = np.array([_REGIONS[r][1] for r in region_names])
    store_region = np.concatenate([np.full(_REGIONS[r][2], i) for i, r in enumerate(region_names)])
    store_ids = np.array([f"{_REGIONS[r][0]}-{k + 1:02d}" for r in region_names
                          for k in range(_REGIONS[r][2])], dtype=object)
    store_w = region_w[store_region] / np.array([_REGIONS[region_names[i]][2] for i in store_region])
    home_region = rng.choice(len(region_names), n, p=region_w / region_w.sum())
    first_store = np.searchsorted(store_region, home_region)
    home_store = first_store + np.floor(
        rng.random(n) * np.array([_REGIONS[r][2] for r in region_names])[home_region]).astype(np.int64)

    # Joining: from the launch day of the customer's home region (region_launch_dates, else launch).
    region_launch = np.array([cal.region_launch_day(r) for r in region_names], dtype=np.int64)
    join_day = np.maximum(region_launch[home_region], reg_day + 1) + join_delay
    member = would_join & (join_day < death) & (join_day <= D - 1)
    join_day = np.where(member, join_day, -1)
    unsub_day = join_day + 1 + unsub_delay
    unsub = member & (unsub_day <= D - 1)
    unsub_day = np.where(unsub, unsub_day, -1)

    # Campaign targeting among customers alive on sent_at.
    campaigns = {}
    for cid, day in cal.campaigns.items():
        alive = (reg <= day) & (death > day)
        targeted = np.flatnonzero(alive & (rng.random(n) < p["campaign_target_share"]))
        targeted = rng.permutation(targeted)
        n_control = int(round(p["campaign_control_share"] * targeted.size))
        campaigns[cid] = {"day": day, "effect": float(p["campaign_effects"][cid]),
                          "control": np.sort(targeted[:n_control]),
                          "treatment": np.sort(targeted[n_control:])}

    order = np.argsort(reg, kind="stable")
    id_num = np.empty(n, dtype=np.int64)
    id_num[order] = 10_000_001 + np.arange(n)
    return {
        "n": n, "reg": reg, "reg_day": reg_day, "born_in_window": reg >= 0, "lam": lam, "mu": mu,
        "death": death, "nu": nu, "tier": tier, "member": member, "join_day": join_day,
        "unsub": unsub, "unsub_day": unsub_day, "home_store": home_store,
        "region_names": np.array(region_names, dtype=object), "store_region": store_region,
        "store_ids": store_ids, "store_w": store_w / store_w.sum(), "campaigns": campaigns,
        "id": id_num.astype(str).astype(object),
    }


def _segments(cust: dict, cal: _Calendar, p: dict) -> dict:
    """Piecewise-constant purchase intensity of every customer over their alive part of the window."""
    n, D = cust["n"], cal.n_days
    a = np.maximum(cust["reg"], 0.0)
    b = np.minimum(cust["death"], float(D))
    idx = np.arange(n)
    ev_c = [idx, idx]
    ev_t = [a, b]
    ev_d = [np.zeros(n), np.zeros(n)]
    m = np.flatnonzero(cust["member"])
    ev_c.append(m)
    ev_t.append(cust["join_day"][m].astype(float))
    ev_d.append(np.full(m.size, np.log1p(p["member_effect"])))
    for camp in cust["campaigns"].values():
        t = camp["treatment"]
        d = np.log1p(camp["effect"])
        ev_c += [t, t]
        ev_t += [np.full(t.size, float(camp["day"])),
                 np.full(t.size, float(camp["day"] + p["campaign_window_days"]))]
        ev_d += [np.full(t.size, d), np.full(t.size, -d)]
    c = np.concatenate(ev_c)
    t = np.concatenate(ev_t)
    d = np.concatenate(ev_d)
    order = np.lexsort((t, c))
    c, t, d = c[order], t[order], d[order]
    cs = np.cumsum(d)
    first = np.r_[True, c[1:] != c[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(c.size), 0))
    before = np.where(group_start > 0, cs[group_start - 1], 0.0)
    log_mult = cs - before
    same = c[:-1] == c[1:]
    sc = c[:-1][same]
    lo = np.maximum(t[:-1][same], a[sc])
    hi = np.minimum(t[1:][same], b[sc])
    keep = hi > lo
    sc, lo, hi, mult = sc[keep], lo[keep], hi[keep], np.exp(log_mult[:-1][same][keep])
    s_lo, s_hi = cal.S(lo), cal.S(hi)
    return {"cust": sc, "s_lo": s_lo, "s_hi": s_hi, "mean": cust["lam"][sc] * mult * (s_hi - s_lo)}


# ------------------------------------------------------------------------------------------ checks


def _draw_amounts(nu: np.ndarray, p: dict, rng: np.random.Generator) -> dict:
    z = rng.gamma(p["gamma_gamma"]["p"], 1.0 / nu)
    kop = np.maximum(np.rint(z * 100.0).astype(np.int64), 100)
    items = 1 + rng.poisson(kop / 100.0 / 400.0)
    lo, hi = p["discount_range"]
    rate = rng.uniform(lo, hi, kop.size)
    has = rng.random(kop.size) < p["discount_share"]
    disc = np.where(has, np.rint(kop * rate / (1.0 - rate)), 0).astype(np.int64)
    return {"kop": kop, "items": items.astype(np.int64), "discount": disc}


def _minutes(n: int, p: dict, rng: np.random.Generator) -> np.ndarray:
    hours = np.array([int(h) for h in p["hour_weights"]])
    w = np.array(list(p["hour_weights"].values()), float)
    return rng.choice(hours, n, p=w / w.sum()) * 60 + rng.integers(0, 60, n)


def _simulate_checks(cust: dict, cal: _Calendar, p: dict, rng: np.random.Generator) -> dict:
    seg = _segments(cust, cal, p)
    counts = rng.poisson(seg["mean"])
    s = np.repeat(np.arange(counts.size), counts)
    u = seg["s_lo"][s] + rng.random(s.size) * (seg["s_hi"] - seg["s_lo"])[s]
    day = np.clip(np.floor(cal.S_inv(u)).astype(np.int64), 0, cal.n_days - 1)
    c = seg["cust"][s]
    born = np.flatnonzero(cust["born_in_window"])
    c = np.concatenate([born, c])
    day = np.concatenate([cust["reg_day"][born], day])
    n_id = c.size
    n_anon = int(round(n_id * p["anonymous_share"] / (1.0 - p["anonymous_share"])))
    anon_day = np.clip(np.floor(cal.S_inv(rng.random(n_anon) * cal.cum[-1])).astype(np.int64),
                       0, cal.n_days - 1)
    anon_nu = rng.gamma(p["gamma_gamma"]["q"], 1.0 / p["gamma_gamma"]["v"], n_anon)
    nu = np.concatenate([cust["nu"][c], anon_nu])
    amounts = _draw_amounts(nu, p, rng)
    day = np.concatenate([day, anon_day])
    c = np.concatenate([c, np.full(n_anon, -1)])
    n_all = c.size
    minute = _minutes(n_all, p, rng)
    ident = c >= 0
    cc = np.where(ident, c, 0)
    home = rng.random(n_all) < p["home_store_share"]
    other = rng.choice(cust["store_ids"].size, n_all, p=cust["store_w"])
    store = np.where(ident & home, cust["home_store"][cc], other)
    member_check = ident & cust["member"][cc] & (day >= cust["join_day"][cc])
    card = member_check & (rng.random(n_all) < p["card_share"])  # only card checks earn points
    return {"cust": c, "day": day, "minute": minute, "store": store, "card": card, **amounts,
            "earned": np.zeros(n_all, np.int64), "redeemed": np.zeros(n_all, np.int64)}


def _sort_and_number(ch: dict, rng: np.random.Generator) -> dict:
    order = np.lexsort((rng.random(ch["day"].size), ch["minute"], ch["day"]))
    out = {k: v[order] for k, v in ch.items()}
    out["number"] = 1_000_001 + np.arange(order.size, dtype=np.int64)
    return out


# ------------------------------------------------------------------------------------------ points


def _expiry_day_table(cal: _Calendar, months: int, first: int, last: int) -> np.ndarray:
    days = np.arange(first, last + 1)
    dates = pd.DatetimeIndex(cal.start + pd.to_timedelta(days, unit="D"))
    expiry = dates + pd.DateOffset(months=int(months))
    return ((expiry - cal.start) // pd.Timedelta(days=1)).to_numpy().astype(np.int64)


def _simulate_points(ch: dict, cust: dict, cal: _Calendar, p: dict,
                     rng: np.random.Generator) -> dict:
    """Accruals and redemptions on card checks, adjustments, FIFO expiry; fills ch earned/redeemed.

    Points are integers in hundredths. A loop over the rank of a member's event (not over customers)
    carries each member's cumulative redeemed R and expired E: at an event at time t,
    E = max(E, A_exp(t) - R) where A_exp(t) is the cumulative credit of lots expired by t, and the
    balance before the event is A_before - R - E. Expiry bookings are the increments of
    E(T_j) = max(0, running max over lots of A(lot j) - R(before T_j)) at the lots' expiry times T_j.
    """
    D = cal.n_days
    card_idx = np.flatnonzero(ch["card"])
    m_ids = np.flatnonzero(cust["member"])
    n_adj = int(round(p["adjustment_share"] * m_ids.size))
    adj_c = rng.choice(m_ids, n_adj, replace=False) if n_adj else np.array([], np.int64)
    adj_hi = np.minimum(np.ceil(cust["death"][adj_c]), D).astype(np.int64)
    adj_lo = cust["join_day"][adj_c]
    adj_day = adj_lo + np.floor(rng.random(n_adj) * np.maximum(adj_hi - adj_lo, 1)).astype(np.int64)
    adj_day = np.minimum(adj_day, D - 1)
    lo_pts, hi_pts = p["adjustment_points"]
    adj_pts = rng.integers(int(lo_pts), int(hi_pts) + 1, n_adj).astype(np.int64) * 100
    adj_min = _minutes(n_adj, p, rng)

    kop = ch["kop"][card_idx]
    ev_c = np.concatenate([ch["cust"][card_idx], adj_c]).astype(np.int64)
    ev_day = np.concatenate([ch["day"][card_idx], adj_day]).astype(np.int64)
    ev_t = ev_day * MINUTES_PER_DAY + np.concatenate([ch["minute"][card_idx], adj_min])
    ev_acc = np.concatenate([np.rint(kop * p["accrual_rate"]).astype(np.int64), adj_pts])
    ev_check = np.concatenate([card_idx, np.full(n_adj, -1)])
    max_red = np.concatenate([(kop * p["redemption_max_check_share"]).astype(np.int64),
                              np.zeros(n_adj, np.int64)])
    a_b, b_b = p["redemption_propensity_beta"]
    propensity = rng.beta(a_b, b_b, cust["n"])
    wants = (rng.random(ev_c.size) < propensity[ev_c]) & (ev_check >= 0)

    order = np.lexsort((ev_t, ev_c))
    ev_c, ev_day, ev_t, ev_acc, ev_check, max_red, wants = (
        x[order] for x in (ev_c, ev_day, ev_t, ev_acc, ev_check, max_red, wants))
    n_ev = ev_c.size
    red = np.zeros(n_ev, np.int64)
    expired = np.zeros(n_ev, np.int64)
    exp_day = np.zeros(n_ev, np.int64)
    if n_ev:
        table = _expiry_day_table(cal, p["expiry_months"], int(ev_day.min()), int(ev_day.max()))
        exp_day = table[ev_day - ev_day.min()]
        exp_t = exp_day * MINUTES_PER_DAY
        counts = np.bincount(ev_c, minlength=cust["n"])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        cum_a = np.cumsum(ev_acc)
        base_a = np.where(starts > 0, cum_a[np.maximum(starts - 1, 0)], 0)
        a_before = cum_a - ev_acc - base_a[ev_c]
        key_t = ev_c * _KEY + ev_t
        key_exp = ev_c * _KEY + exp_t
        pos = np.searchsorted(key_exp, key_t, side="right")
        a_exp = np.where(pos > starts[ev_c], cum_a[np.maximum(pos - 1, 0)] - base_a[ev_c], 0)

        active = np.flatnonzero(counts)
        active = active[np.argsort(-counts[active], kind="stable")]
        cnt_sorted = counts[active]
        st_sorted = starts[active]
        r_cum = np.zeros(active.size, np.int64)
        e_cum = np.zeros(active.size, np.int64)
        min_bal = int(round(p["redemption_min_balance"] * 100))
        n_active = np.searchsorted(-cnt_sorted, -np.arange(int(cnt_sorted.max())), side="left")
        for k, nk in enumerate(n_active):
            i = st_sorted[:nk] + k
            e_new = np.maximum(e_cum[:nk], a_exp[i] - r_cum[:nk])
            bal = a_before[i] - r_cum[:nk] - e_new
            r = np.where(wants[i] & (bal >= min_bal), np.minimum(bal, max_red[i]), 0)
            r_cum[:nk] += r
            e_cum[:nk] = e_new
            red[i] = r

        # Expiry bookings at the lots' expiry times inside the window.
        cum_r = np.cumsum(red)
        base_r = np.where(starts > 0, cum_r[np.maximum(starts - 1, 0)], 0)
        lots = np.flatnonzero(exp_day <= D - 1)
        if lots.size:
            lc = ev_c[lots]
            pos_r = np.searchsorted(key_t, lc * _KEY + exp_t[lots], side="left")
            r_before = np.where(pos_r > starts[lc], cum_r[np.maximum(pos_r - 1, 0)] - base_r[lc], 0)
            v = (cum_a[lots] - base_a[lc]) - r_before
            big = 2 * int(np.abs(v).max()) + 1
            run = np.maximum.accumulate(v + lc * big) - lc * big
            e_at = np.maximum(run, 0)
            first = np.r_[True, lc[1:] != lc[:-1]]
            prev = np.r_[0, e_at[:-1]]
            expired[lots] = e_at - np.where(first, 0, prev)
    is_check = ev_check >= 0
    ch["earned"][ev_check[is_check]] = ev_acc[is_check]
    ch["redeemed"][ev_check[is_check]] = red[is_check]

    parts = [
        ("accrual", ev_c[is_check], ev_day[is_check], ev_acc[is_check]),
        ("redemption", ev_c, ev_day, red),
        ("adjustment", ev_c[~is_check], ev_day[~is_check], ev_acc[~is_check]),
        ("expiry", ev_c, exp_day, expired),
    ]
    kind, c, day, pts = [], [], [], []
    for k, pc, pd_, pp in parts:
        keep = pp > 0
        kind.append(np.full(int(keep.sum()), k, dtype=object))
        c.append(pc[keep])
        day.append(pd_[keep])
        pts.append(pp[keep])
    led = pd.DataFrame({"cust": np.concatenate(c), "day": np.concatenate(day),
                        "kind": np.concatenate(kind), "pts": np.concatenate(pts)})
    # One expiry row per customer and day (several lots may burn the same day).
    exp_rows = led["kind"] == "expiry"
    merged = led[exp_rows].groupby(["cust", "day"], as_index=False)["pts"].sum()
    merged["kind"] = "expiry"
    led = pd.concat([led[~exp_rows], merged], ignore_index=True)
    rank = led["kind"].map({"accrual": 0, "adjustment": 1, "redemption": 2, "expiry": 3})
    led = led.assign(rank=rank).sort_values(["day", "cust", "rank"], kind="stable")
    return {k: led[k].to_numpy() for k in ("cust", "day", "kind", "pts")}


# ---------------------------------------------------------------------------------------- contacts


def _pick(names: list[tuple[str, str]], which: int, idx: np.ndarray) -> np.ndarray:
    return np.array([pair[which] for pair in names], dtype=object)[idx]


def _contacts(cust: dict, p: dict, rng: np.random.Generator) -> dict:
    n = cust["n"]
    female = rng.random(n) < 0.5
    fm = rng.integers(0, len(_MALE), n)
    ff = rng.integers(0, len(_FEMALE), n)
    sn = rng.integers(0, len(_SURNAMES), n)
    first = np.where(female, _pick(_FEMALE, 0, ff), _pick(_MALE, 0, fm))
    first_lat = np.where(female, _pick(_FEMALE, 1, ff), _pick(_MALE, 1, fm))
    last = _pick(_SURNAMES, 0, sn) + np.where(female, "а", "").astype(object)
    last_lat = _pick(_SURNAMES, 1, sn) + np.where(female, "a", "").astype(object)
    suffix = (cust["id"].astype(np.int64) - 10_000_000).astype(str).astype(object)
    email = first_lat + "." + last_lat + suffix + "@example.com"
    digits = [np.char.zfill(rng.integers(0, 10**w, n).astype(str), w).astype(object)
              for w in (2, 3, 2, 2)]
    phone = "+7 9" + digits[0] + " " + digits[1] + "-" + digits[2] + "-" + digits[3]
    miss = p["contact_missing_shares"]
    email[rng.random(n) < miss["email"]] = ""
    phone[rng.random(n) < miss["phone"]] = ""
    no_name = rng.random(n) < miss["name"]
    first[no_name] = ""
    last[no_name] = ""
    return {"email": email, "phone": phone, "first_name": first, "last_name": last}


def _blank_contacts(contacts: dict, p: dict, rng: np.random.Generator) -> int:
    """Dirt: blank email and phone of a further share of customers; returns how many lost a value."""
    n = contacts["email"].size
    hit = rng.random(n) < p["dirt_shares"]["missing_contacts"]
    had = (contacts["email"] != "") | (contacts["phone"] != "")
    contacts["email"][hit] = ""
    contacts["phone"][hit] = ""
    return int(np.count_nonzero(hit & had))


# --------------------------------------------------------------------------------- NPS and surveys


def _categorical(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Index of the category of each uniform u; probs has one row of probabilities per u."""
    return (u[:, None] >= np.cumsum(probs, axis=1)[:, :-1]).sum(axis=1)


def _nps_scores(is_member: np.ndarray, p: dict, rng: np.random.Generator) -> np.ndarray:
    cats = ("detractors", "passives", "promoters")
    shares = p["nps_shares"]
    probs = np.where(is_member[:, None], [shares["members"][c] for c in cats],
                     [shares["non_members"][c] for c in cats])
    cat = _categorical(rng.random(is_member.size), probs / probs.sum(axis=1, keepdims=True))
    score = np.zeros(is_member.size, np.int64)
    for k, c in enumerate(cats):
        values, weights = _NPS_SCORE_WEIGHTS[c]
        w = np.asarray(weights, float)
        score = np.where(cat == k, rng.choice(values, is_member.size, p=w / w.sum()), score)
    return score


def _respondents(ch: dict, cust: dict, cal: _Calendar, share: float, first_day: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Respondents drawn among identified checks on or after first_day: customer, day, member flag."""
    ident = ch["cust"] >= 0
    n_buyers = np.unique(ch["cust"][ident]).size
    pool = np.flatnonzero(ident & (ch["day"] >= first_day))
    n = int(round(share * n_buyers)) if pool.size else 0
    pick = rng.choice(pool, n) if n else np.array([], np.int64)
    c = ch["cust"][pick]
    day = np.minimum(ch["day"][pick] + rng.integers(0, 4, n), cal.n_days - 1)
    is_member = cust["member"][c] & (day >= cust["join_day"][c])
    return c, day, is_member


def _simulate_nps(ch: dict, cust: dict, cal: _Calendar, p: dict, rng: np.random.Generator) -> dict:
    c, day, is_member = _respondents(ch, cust, cal, p["nps_response_share"], 0, rng)
    a = p["nps_anonymous_share"]
    n_anon = int(round(c.size * a / (1.0 - a)))
    c = np.concatenate([c, np.full(n_anon, -1)])
    day = np.concatenate([day, rng.integers(0, cal.n_days, n_anon)])
    is_member = np.concatenate([is_member, np.zeros(n_anon, bool)])
    score = _nps_scores(is_member, p, rng)
    order = np.lexsort((c, day))
    return {"columns": ["date", "client_id", "score"], "day": day[order], "cust": c[order],
            "score": score[order], "is_member": is_member[order]}


def _simulate_surveys(ch: dict, cust: dict, cal: _Calendar, p: dict,
                      rng: np.random.Generator) -> dict:
    c, day, is_member = _respondents(ch, cust, cal, p["survey_response_share"], cal.launch_day, rng)
    a = p["survey_anonymous_share"]
    n_anon = int(round(c.size * a / (1.0 - a)))
    c = np.concatenate([c, np.full(n_anon, -1)])
    day = np.concatenate([day, rng.integers(cal.launch_day, cal.n_days, n_anon)])
    is_member = np.concatenate([is_member, np.zeros(n_anon, bool)])
    n = c.size
    dist = p["csat_distribution"]
    probs = np.where(is_member[:, None], dist["members"], dist["non_members"])
    csat = 1 + _categorical(rng.random(n), probs / probs.sum(axis=1, keepdims=True))
    aware_p = np.where(is_member, p["awareness_share"]["members"], p["awareness_share"]["non_members"])
    aware = np.where(rng.random(n) < aware_p, "yes", "no").astype(object)
    motives = list(p["motive_shares"])
    mw = np.array([p["motive_shares"][k] for k in motives], float)
    motive = np.array(motives, dtype=object)[rng.choice(len(motives), n, p=mw / mw.sum())]
    m = np.flatnonzero(is_member)
    rows_c = np.concatenate([c, c, c[m]])
    rows_day = np.concatenate([day, day, day[m]])
    question = np.concatenate([np.full(n, "csat", object), np.full(n, "awareness", object),
                               np.full(m.size, "motive", object)])
    answer = np.concatenate([csat.astype(str).astype(object), aware, motive[m]])
    respondent = np.concatenate([np.arange(n), np.arange(n), m])
    order = np.lexsort((respondent, rows_day))
    return {"columns": ["date", "client_id", "question", "answer"], "day": rows_day[order],
            "cust": rows_c[order], "question": question[order], "answer": answer[order]}


# -------------------------------------------------------------------------------------------- dirt


def _no_dirt() -> dict:
    return {"duplicates": 0, "returns": 0, "zero_amount": 0, "future_dated": 0, "missing_contacts": 0}


def _make_dirt(ch: dict, cal: _Calendar, p: dict,
               rng: np.random.Generator) -> tuple[dict | None, dict]:
    """Extra transaction rows: duplicates, returns, zero amounts, future dates (see module doc)."""
    n = ch["day"].size
    if n == 0:
        return None, _no_dirt()
    share = p["dirt_shares"]
    want = {k: max(1, int(round(share[k] * n))) for k in ("duplicates", "returns", "zero_amount",
                                                          "future_dated")}
    parts, kinds = [], []

    def copy(rows: np.ndarray, kind: str) -> dict:
        out = {k: ch[k][rows].copy() for k in ch}
        parts.append(out)
        kinds.append(np.full(rows.size, kind, dtype=object))
        return out

    copy(rng.choice(n, min(want["duplicates"], n), replace=False), "duplicate")  # exact copies

    returnable = np.flatnonzero((ch["cust"] >= 0) & (ch["day"] <= cal.n_days - 2))
    ret_rows = rng.choice(returnable, min(want["returns"], returnable.size), replace=False)
    ret = copy(ret_rows, "return")
    delay = rng.integers(1, 15, ret_rows.size)
    ret["day"] = np.minimum(ret["day"] + delay, cal.n_days - 1)
    ret["minute"] = _minutes(ret_rows.size, p, rng)
    full = rng.random(ret_rows.size) < 0.7
    frac = rng.uniform(0.1, 0.9, ret_rows.size)
    ret["kop"] = -np.where(full, ret["kop"], np.maximum(np.rint(ret["kop"] * frac), 1)).astype(np.int64)
    ret["items"] = -np.where(full, ret["items"], np.maximum(np.rint(ret["items"] * frac), 1)).astype(
        np.int64)
    ret["discount"][:] = 0

    zero = copy(rng.choice(n, min(want["zero_amount"], n), replace=False), "zero_amount")
    zero["kop"][:] = 0
    zero["discount"][:] = 0
    zero["card"][:] = False

    fut = copy(rng.choice(n, min(want["future_dated"], n), replace=False), "future_dated")
    fut["day"] = cal.today_day + rng.integers(10, 61, fut["day"].size)

    rows = {k: np.concatenate([part[k] for part in parts]) for k in ch}
    rows["kind"] = np.concatenate(kinds)
    new = rows["kind"] != "duplicate"
    for k in ("earned", "redeemed"):  # only duplicates keep their points (exact copies)
        rows[k][new] = 0
    new_idx = np.flatnonzero(new)
    order = new_idx[np.lexsort((rows["minute"][new_idx], rows["day"][new_idx]))]
    rows["number"][order] = ch["number"].max() + 1 + np.arange(order.size)
    counts = {"duplicates": int(np.sum(rows["kind"] == "duplicate")),
              "returns": int(np.sum(rows["kind"] == "return")),
              "zero_amount": int(np.sum(rows["kind"] == "zero_amount")),
              "future_dated": int(np.sum(rows["kind"] == "future_dated")),
              "missing_contacts": 0}
    return rows, counts


# ----------------------------------------------------------------------------------------- writers


def _money(hundredths: np.ndarray) -> np.ndarray:
    return np.asarray(hundredths, dtype=np.int64) / 100.0


_CENTS = np.array([f",{k:02d}" for k in range(100)], dtype=object)


def _money_text(hundredths: np.ndarray) -> np.ndarray:
    """Integer hundredths as text with a decimal comma and two decimals: -1234 -> "-12,34"."""
    h = np.asarray(hundredths, dtype=np.int64)
    out = np.full(h.size, "0,00", dtype=object)
    nz = np.flatnonzero(h)
    a = np.abs(h[nz])
    whole = np.array(list(map(str, (a // 100).tolist())), dtype=object)
    out[nz] = np.where(h[nz] < 0, "-", "").astype(object) + whole + _CENTS[a % 100]
    return out


def _ids(cust: dict, c: np.ndarray) -> np.ndarray:
    c = np.asarray(c, dtype=np.int64)
    return np.where(c >= 0, cust["id"][np.maximum(c, 0)], "")


def _write_table(path: Path, columns: dict[str, np.ndarray], encoding: str = "utf-8",
                 chunk_rows: int = 200_000) -> int:
    """Write ';'-separated columns (no value contains ';', quotes or newlines); returns data rows.

    Integer and boolean columns are written as integers, everything else as its text. Rows are
    joined chunk by chunk to bound memory on millions of rows.
    """
    arrays = [np.asarray(values) for values in columns.values()]
    n = int(arrays[0].size) if arrays else 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(";".join(columns) + "\n")
        for lo in range(0, n, chunk_rows):
            texts = []
            for arr in arrays:
                part = arr[lo:lo + chunk_rows]
                if part.dtype.kind in "iub":
                    texts.append(list(map(str, part.astype(np.int64).tolist())))
                else:
                    texts.append(part.tolist())
            fh.write("\n".join(map(";".join, zip(*texts, strict=True))))
            fh.write("\n")
    return n


def _write_transactions(out_dir: Path, ch: dict, dirt_rows: dict | None, cust: dict,
                        cal: _Calendar) -> int:
    rows = {k: ch[k] for k in ch}
    is_dup = np.zeros(ch["day"].size, bool)
    if dirt_rows is not None:
        rows = {k: np.concatenate([ch[k], dirt_rows[k]]) for k in ch}
        is_dup = np.concatenate([is_dup, dirt_rows["kind"] == "duplicate"])
    order = np.lexsort((is_dup, rows["number"], rows["minute"], rows["day"]))
    rows = {k: v[order] for k, v in rows.items()}
    minute_text = np.array([f" {m // 60:02d}:{m % 60:02d}" for m in range(MINUTES_PER_DAY)],
                           dtype=object)
    store = rows["store"]
    columns = {
        "Дата чека": cal.date_strings(rows["day"]) + minute_text[rows["minute"]],
        "Номер чека": rows["number"],
        "ID клиента": _ids(cust, rows["cust"]),
        "Магазин": cust["store_ids"][store],
        "Регион": cust["region_names"][cust["store_region"][store]],
        "Сумма": _money_text(rows["kop"]),
        "Кол-во товаров": rows["items"],
        "Скидка": _money_text(rows["discount"]),
        "Карта": rows["card"].astype(np.int8),
        "Начислено баллов": _money_text(rows["earned"]),
        "Списано баллов": _money_text(rows["redeemed"]),
    }
    return _write_table(out_dir / "transactions.csv", columns, encoding="cp1251")


def _day_or_blank(cal: _Calendar, days: np.ndarray) -> np.ndarray:
    days = np.asarray(days, dtype=np.int64)
    out = np.full(days.size, "", dtype=object)
    has = days >= 0
    out[has] = cal.date_strings(days[has])
    return out


def _write_customers(out_dir: Path, cust: dict, contacts: dict, cal: _Calendar) -> int:
    order = np.argsort(cust["id"].astype(np.int64), kind="stable")
    columns = {  # join and unsubscribe days are >= 0 when set (-1 = none)
        "client_id": cust["id"],
        "reg_date": cal.date_strings(cust["reg_day"]),
        "loyalty_join_date": _day_or_blank(cal, cust["join_day"]),
        "tier": np.array(TIERS, dtype=object)[cust["tier"]],
        "region": cust["region_names"][cust["store_region"][cust["home_store"]]],
        "email": contacts["email"],
        "phone": contacts["phone"],
        "first_name": contacts["first_name"],
        "last_name": contacts["last_name"],
        "unsubscribe_date": _day_or_blank(cal, cust["unsub_day"]),
    }
    return _write_table(out_dir / "customers.csv", {k: v[order] for k, v in columns.items()})


def _write_points(out_dir: Path, ledger: dict, cust: dict, cal: _Calendar) -> int:
    operation = np.array([POINT_OPERATIONS[k] for k in POINT_OPERATIONS], dtype=object)
    code = {k: i for i, k in enumerate(POINT_OPERATIONS)}
    kind_idx = np.array([code[k] for k in ledger["kind"]], dtype=np.int64)
    return _write_table(out_dir / "points.csv", {
        "client_id": _ids(cust, ledger["cust"]),
        "date": cal.date_strings(ledger["day"]),
        "operation": operation[kind_idx] if kind_idx.size else np.array([], dtype=object),
        "points": _money_text(ledger["pts"]),
    })


def _write_simple(path: Path, table: dict, cust: dict, cal: _Calendar) -> int:
    columns = {"date": cal.date_strings(table["day"]), "client_id": _ids(cust, table["cust"])}
    for col in table["columns"][2:]:
        columns[col] = table[col]
    return _write_table(path, columns)


def _write_campaigns(out_dir: Path, cust: dict, cal: _Calendar) -> int:
    cid_col, id_col, group_col, sent_col = [], [], [], []
    for cid, camp in cust["campaigns"].items():
        chosen = np.concatenate([camp["treatment"], camp["control"]])
        group = np.concatenate([np.full(camp["treatment"].size, CAMPAIGN_GROUPS["treatment"], object),
                                np.full(camp["control"].size, CAMPAIGN_GROUPS["control"], object)])
        order = np.argsort(cust["id"][chosen].astype(np.int64), kind="stable")
        cid_col.append(np.full(chosen.size, cid, dtype=object))
        id_col.append(cust["id"][chosen][order])
        group_col.append(group[order])
        sent_col.append(np.full(chosen.size, cal.date_strings(np.array([camp["day"]]))[0], object))

    def cat(parts: list) -> np.ndarray:
        return np.concatenate(parts) if parts else np.array([], dtype=object)

    return _write_table(out_dir / "campaigns.csv", {"campaign": cat(cid_col), "client_id": cat(id_col),
                                                    "group": cat(group_col), "sent_at": cat(sent_col)})


# ------------------------------------------------------------------------------------------- truth


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if key not in out:
            raise KeyError(f"unknown sample parameter {key!r}")
        if isinstance(out[key], dict) and isinstance(value, Mapping) and key not in (
                "campaign_effects", "hour_weights", "region_launch_dates"):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return None if not np.isfinite(x) else float(x)
    return x


def _params_truth(p: dict, cal: _Calendar, n_customers: int, seed: int, dirt: bool) -> dict:
    out = copy.deepcopy(p)
    pn = out["pareto_nbd"]
    pn["alpha_weeks"] = pn["alpha_days"] / 7.0
    pn["beta_weeks"] = pn["beta_days"] / 7.0
    gg = out["gamma_gamma"]
    gg["mean_check"] = gg["p"] * gg["v"] / (gg["q"] - 1.0)
    out["month_multiplier"] = {m + 1: float(v) for m, v in enumerate(cal.month_multiplier)}
    out["weekday_multiplier"] = [float(v) for v in cal.weekday_multiplier]
    out["campaign_sent_at"] = {cid: cal.iso_day(day) for cid, day in cal.campaigns.items()}
    out["campaign_effects"] = {cid: out["campaign_effects"][cid] for cid in cal.campaigns}
    out["regions"] = {name: {"weight": w, "stores": [f"{code}-{k + 1:02d}" for k in range(n_st)]}
                      for name, (code, w, n_st) in _REGIONS.items()}
    head = {"n_customers": int(n_customers), "start": cal.iso_day(0),
            "end": cal.iso_day(cal.n_days - 1), "launch_date": cal.iso_day(cal.launch_day),
            "today": cal.iso_day(cal.today_day), "seed": int(seed), "dirt": bool(dirt)}
    return {**head, **out}


def _share(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _realised(rows: dict, ch: dict, cust: dict, contacts: dict, ledger: dict, nps: dict,
              surveys: dict, dirt_counts: dict, dirt_rows: dict | None, cal: _Calendar,
              p: dict) -> dict:
    n = cust["n"]
    money = _money(ch["kop"])
    ident = ch["cust"] >= 0
    cc = np.where(ident, ch["cust"], 0)
    post = ch["day"] >= cal.launch_day
    member_now = ident & cust["member"][cc] & (ch["day"] >= cust["join_day"][cc])
    revenue_by_cust = np.bincount(ch["cust"][ident], weights=money[ident], minlength=n)
    checks_by_cust = np.bincount(ch["cust"][ident], minlength=n)
    buyers = checks_by_cust > 0
    members = cust["member"]

    pre = ident & ~post
    pre_rev = np.bincount(ch["cust"][pre], weights=money[pre], minlength=n)
    pre_launch_cust = cust["reg_day"] < cal.launch_day
    pre_m = pre_rev[pre_launch_cust & members]
    pre_n = pre_rev[pre_launch_cust & ~members]
    pre_spend = {"members": float(pre_m.mean()) if pre_m.size else None,
                 "non_members": float(pre_n.mean()) if pre_n.size else None}

    post_i = ident & post
    post_rev = np.bincount(ch["cust"][post_i], weights=money[post_i], minlength=n)
    post_buyer = np.bincount(ch["cust"][post_i], minlength=n) > 0
    arpu_m = post_rev[post_buyer & members]
    arpu_n = post_rev[post_buyer & ~members]
    naive = (float(arpu_m.mean() / arpu_n.mean() - 1.0)
             if arpu_m.size and arpu_n.size and arpu_n.mean() > 0 else None)

    kinds = ledger["kind"]
    totals = {k: float(ledger["pts"][kinds == k].sum()) / 100.0
              for k in ("accrual", "redemption", "expiry", "adjustment")}
    points = {"accrued": totals["accrual"], "redeemed": totals["redemption"],
              "expired": totals["expiry"], "adjusted": totals["adjustment"]}
    points["outstanding"] = (points["accrued"] + points["adjusted"] - points["redeemed"]
                             - points["expired"])

    score = nps["score"]
    promoters, detractors = np.mean(score >= 9) if score.size else None, (
        np.mean(score <= 6) if score.size else None)
    nps_out = {"responses": int(score.size)}
    if score.size:
        nps_out.update({"promoters": float(promoters), "passives": float(np.mean((score >= 7)
                                                                                & (score <= 8))),
                        "detractors": float(detractors), "score": float(promoters - detractors),
                        "score_points": float(100.0 * (promoters - detractors))})
    else:
        nps_out.update(dict.fromkeys(("promoters", "passives", "detractors", "score",
                                      "score_points")))

    q, ans = surveys["question"], surveys["answer"]
    csat = ans[q == "csat"].astype(int)
    motive = ans[q == "motive"]
    aware = ans[q == "awareness"]

    campaigns = {}
    window = int(p["campaign_window_days"])
    for cid, camp in cust["campaigns"].items():
        inwin = ident & (ch["day"] >= camp["day"]) & (ch["day"] < camp["day"] + window)
        rev = np.bincount(ch["cust"][inwin], weights=money[inwin], minlength=n)
        bought = np.bincount(ch["cust"][inwin], minlength=n) > 0
        spend = {g: float(rev[camp[g]].mean()) if camp[g].size else None
                 for g in ("treatment", "control")}
        campaigns[cid] = {
            "sent_at": cal.iso_day(camp["day"]), "window_days": window, "effect": camp["effect"],
            "treatment": int(camp["treatment"].size), "control": int(camp["control"].size),
            "spend_per_customer": spend,
            "purchase_rate": {g: float(bought[camp[g]].mean()) if camp[g].size else None
                              for g in ("treatment", "control")},
            "realised_uplift": (spend["treatment"] / spend["control"] - 1.0
                                if spend["control"] else None),
        }

    card_rev = float(money[ch["card"]].sum())
    returns_amount = 0.0
    if dirt_rows is not None:
        returns_amount = float(_money(dirt_rows["kop"][dirt_rows["kind"] == "return"]).sum())
    has_name = (contacts["first_name"] != "") & (contacts["last_name"] != "")
    n_members = int(members.sum())
    n_clean = int(ch["day"].size)
    return {
        "rows": rows,
        "transactions_clean": n_clean,
        "identified_checks": int(ident.sum()),
        "anonymous_checks": int((~ident).sum()),
        "anonymous_share": _share((~ident).sum(), n_clean),
        "revenue": float(money.sum()),
        "first_check": cal.iso_day(int(ch["day"].min())) if n_clean else None,
        "last_check": cal.iso_day(int(ch["day"].max())) if n_clean else None,
        "customers": n,
        "customers_with_transactions": int(buyers.sum()),
        "customers_registered_in_window": int(cust["born_in_window"].sum()),
        "members": n_members,
        "members_share_of_customers": _share(n_members, n),
        "members_share_of_buyers": _share((members & buyers).sum(), buyers.sum()),
        "participation_by_tier": {t: _share((members & (cust["tier"] == k)).sum(),
                                            (cust["tier"] == k).sum())
                                  for k, t in enumerate(TIERS)},
        "unsubscribed": int(cust["unsub"].sum()),
        "unsubscribe_rate": _share(cust["unsub"].sum(), n_members),
        "card_checks": int(ch["card"].sum()),
        "member_revenue_share": _share(money[member_now & post].sum(), money[post].sum()),
        "member_transaction_share": _share((member_now & post).sum(), post.sum()),
        "members_revenue_share_all": _share(revenue_by_cust[members].sum(), money.sum()),
        "self_selection": {
            "customers_registered_before_launch": int(pre_launch_cust.sum()),
            "pre_launch_spend_per_customer": pre_spend,
            "ratio": (pre_spend["members"] / pre_spend["non_members"]
                      if pre_spend["members"] is not None and pre_spend["non_members"] else None),
        },
        "naive_member_uplift": naive,
        "completeness": {"email": _share((contacts["email"] != "").sum(), n),
                         "phone": _share((contacts["phone"] != "").sum(), n),
                         "name": _share(has_name.sum(), n)},
        "dirt": dirt_counts,
        "returns_amount": returns_amount,
        "points": points,
        "redemption_rate": _share(points["redeemed"], points["accrued"]),
        "breakage_rate": _share(points["expired"], points["accrued"]),
        "effective_accrual_rate": _share(points["accrued"], card_rev),
        "points_liability": points["outstanding"] * float(p["point_value"]),
        "nps": nps_out,
        "csat": {"responses": int(csat.size),
                 "mean": float(csat.mean()) if csat.size else None,
                 "satisfied_share": float(np.mean(csat >= 4)) if csat.size else None},
        "awareness": float(np.mean(aware == "yes")) if aware.size else None,
        "motive": {k: float(np.mean(motive == k)) if motive.size else None
                   for k in p["motive_shares"]},
        "campaigns": campaigns,
        "retention": _realised_retention(ch, cust, cal),
    }


RETENTION_CHURN_DAYS = 180  # the retention truth uses the default `retention.churn_days`


def _realised_retention(ch: dict, cust: dict, cal: _Calendar,
                        churn_days: int = RETENTION_CHURN_DAYS) -> dict:
    """Retention over the last 12 full months of the window, counted customer by customer.

    A customer is active at the end of boundary day b when a clean identified check with a positive
    amount falls in [b - churn_days, b]; churned when one falls before that but none inside. S, E, N,
    CRR = (E - N) / S, churn = 1 - CRR, reactivation = churned at the start who bought in the window.
    ``monthly`` pools the 12 months one by one (sum of retained / sum of S), split by membership on
    each month's start boundary. Only months whose start boundary is churn_days after the window
    start count (the history warm-up).
    """
    buy = (ch["cust"] >= 0) & (ch["kop"] > 0)
    who, day = ch["cust"][buy], ch["day"][buy]
    member, join_day = cust["member"], cust["join_day"]

    def last_purchase(b: int) -> np.ndarray:
        last = np.full(cust["n"], -10**9)
        np.maximum.at(last, who[day <= b], day[day <= b])
        return last

    def rates(b0: int, b1: int, group: np.ndarray) -> dict:
        last0, last1 = last_purchase(b0), last_purchase(b1)
        active0 = (b0 - last0 <= churn_days) & group
        active1 = (b1 - last1 <= churn_days)
        churned0 = (last0 > -10**9) & ~(b0 - last0 <= churn_days) & group
        came_back = churned0 & (last1 > b0)
        retained = int((active0 & active1).sum())
        return {"start": int(active0.sum()), "retained": retained, "end": int((active1 & group).sum()),
                "churned_at_start": int(churned0.sum()), "reactivated": int(came_back.sum())}

    month_ends = pd.date_range(cal.start, cal.end, freq="ME")  # the last full month ends by `end`
    bounds = [b for b in ((m - cal.start).days for m in month_ends[-13:]) if b >= churn_days]
    everyone = np.ones(cust["n"], dtype=bool)
    out: dict = {"churn_days": churn_days}
    if len(bounds) < 2:
        return {**out, "crr": None, "churn_rate": None, "reactivation_rate": None, "monthly": None}
    whole = rates(bounds[0], bounds[-1], everyone)
    retained, start = whole["retained"], whole["start"]
    out.update({
        "window": {"start": cal.iso_day(bounds[0] + 1), "end": cal.iso_day(bounds[-1])},
        "start_customers": start, "end_customers": whole["end"], "new_customers": whole["end"] - retained,
        "crr": _share(retained, start), "churn_rate": _share(start - retained, start),
        "reactivation_rate": _share(whole["reactivated"], whole["churned_at_start"]),
    })
    pooled = {}
    for group in ("all", "members", "non_members"):
        totals = dict.fromkeys(("start", "retained", "churned_at_start", "reactivated"), 0)
        for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
            joined = member & (join_day <= b0)
            mask = {"all": everyone, "members": joined, "non_members": ~joined}[group]
            month = rates(b0, b1, mask)
            for key in totals:
                totals[key] += month[key]
        pooled[group] = {"crr": _share(totals["retained"], totals["start"]),
                         "churn_rate": _share(totals["start"] - totals["retained"], totals["start"]),
                         "reactivation_rate": _share(totals["reactivated"], totals["churned_at_start"])}
    out["monthly"] = {"months": len(bounds) - 1, **pooled}
    return out

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
                  With ``lines=True``: the same checks as receipt lines, one row per line (lines.py).
customers.csv     utf-8, dates ``%d.%m.%Y``: client_id; reg_date; loyalty_join_date (empty = not a member);
                  tier (value tier high / middle / low = tertile of the customer's latent expected spend per
                  day); region; email; phone; first_name; last_name; unsubscribe_date (opt-out of mailings,
                  members only). Contacts are fake (built-in name lists, ``@example.com``).
points.csv        utf-8: client_id; date; operation (начисление / списание / сгорание / корректировка);
                  points (positive magnitudes, 2 decimals).
nps.csv           utf-8: date; client_id (empty for anonymous answers); score 0..10; reason (the stated
                  reason, empty for none; surveys.py).
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
  A respondent who leaves (dies) within 180 days of answering answers with ``nps_leavers`` instead, and
  answers carry a reason by category (``nps_reasons``; surveys.py has the details).
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

truth.json: see truth.py (the parameters planted and the values realised, documented there).
Big clients: ``chunk_customers=k`` simulates and writes the customers in blocks of k with bounded
memory (chunked.py documents what differs; chunk_truth.py recombines the realised truth).
Module layout: params (defaults), timeline (the calendar), simulate (customers and checks), points,
contacts, surveys (NPS and surveys), dirt, writers (the files), truth.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .campaign_effects import write_campaign_effects
from .chunked import generate_chunked
from .contacts import blank_contacts, make_contacts
from .dirt import make_dirt, no_dirt
from .params import DEFAULT_PARAMS, merge
from .points import simulate_points
from .simulate import Simulation, segments, simulate_checks, simulate_customers, sort_and_number
from .surveys import simulate_nps, simulate_surveys
from .timeline import Calendar
from .truth import jsonable, params_truth, realised
from .writers import (
    write_campaigns,
    write_customers,
    write_points,
    write_simple,
    write_transaction_lines,
    write_transactions,
)

# truth.json's "generator": the module name it has always carried (sample.py before the split), kept so
# that the same seed writes byte-identical files
GENERATOR = __name__.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Scenario:
    """What `generate` simulates: size, window, seed, dirt and parameter overrides.

    `params` overrides entries of `DEFAULT_PARAMS` (nested dicts are merged), e.g.
    ``{"member_effect": 0.2}``. `today` is the export day (default `end`); dirt's future-dated checks
    lie 10..60 days after it. Requires start < launch_date <= end <= today.
    """

    n_customers: int = 5000
    start: str = "2023-01-01"
    end: str = "2024-12-31"
    launch_date: str = "2024-01-01"
    seed: int = 0
    dirt: bool = False
    today: str | None = None
    params: Mapping[str, Any] | None = None
    lines: bool = False  # transactions.csv as receipt lines (synthetic/lines.py): the same checks
    # simulate and write the customers in blocks of this many (chunked.py: bounded memory for big
    # clients, other random draws); None = all at once, as always
    chunk_customers: int | None = None


def generate(out_dir: Path, scenario: Scenario | None = None, **fields: Any) -> dict:
    """Write the demo client's files and truth.json into `out_dir`; return the truth dict.

    The scenario's fields may also be given by name: ``generate(out, n_customers=300, seed=1,
    dirt=True)`` is ``generate(out, Scenario(n_customers=300, seed=1, dirt=True))``.
    """
    scenario = dataclasses.replace(scenario or Scenario(), **fields)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if scenario.chunk_customers is not None:
        return generate_chunked(out_dir, scenario, GENERATOR)
    sim = _simulate(scenario)
    cust, cal = sim.cust, sim.cal
    lines = None
    if scenario.lines:
        written, checks = write_transaction_lines(out_dir, sim.checks, sim.dirt_rows, cust, cal,
                                                  scenario.seed)
        lines = {"lines": written, "checks": checks}
    rows = {
        "transactions": lines["lines"] if lines else write_transactions(out_dir, sim.checks, sim.dirt_rows,
                                                                         cust, cal),
        "customers": write_customers(out_dir, cust, sim.contacts, cal),
        "points": write_points(out_dir, sim.ledger, cust, cal),
        "nps": write_simple(out_dir / "nps.csv", sim.nps, cust, cal),
        "surveys": write_simple(out_dir / "surveys.csv", sim.surveys, cust, cal),
        "campaigns": write_campaigns(out_dir, cust, cal),
    }
    truth = {
        "schema_version": 1,
        "generator": GENERATOR,
        "params": params_truth(sim.p, cal, scenario.n_customers, scenario.seed, scenario.dirt),
        "realised": realised(rows, sim),
    }
    truth["realised"]["campaign_effects"] = write_campaign_effects(out_dir, cust)  # per customer: a file
    if lines:
        truth["realised"]["lines"] = lines
    truth = jsonable(truth)
    with open(out_dir / "truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)
    return truth


def _simulate(scenario: Scenario) -> Simulation:
    """Every table of the scenario, drawn in a fixed order from one random generator (the order is
    what makes a seed reproduce the same files)."""
    p = merge(DEFAULT_PARAMS, scenario.params or {})
    cal = Calendar(scenario.start, scenario.end, scenario.launch_date, scenario.today, p)
    rng = np.random.default_rng(scenario.seed)

    cust = simulate_customers(int(scenario.n_customers), cal, p, rng)
    checks = simulate_checks(cust, cal, p, rng)
    ledger = simulate_points(checks, cust, cal, p, rng)
    checks = sort_and_number(checks, rng)
    contacts = make_contacts(cust, p, rng)
    nps = simulate_nps(checks, cust, cal, p, rng)
    surveys = simulate_surveys(checks, cust, cal, p, rng)

    dirt_rows, dirt_counts = make_dirt(checks, cal, p, rng) if scenario.dirt else (None, no_dirt())
    if scenario.dirt:
        dirt_counts["missing_contacts"] = blank_contacts(contacts, p, rng)
    return Simulation(cal=cal, p=p, cust=cust, checks=checks, ledger=ledger, contacts=contacts, nps=nps,
                      surveys=surveys, dirt_rows=dirt_rows, dirt_counts=dirt_counts)


def scale_for_transactions(n_transactions: int, *, start: str = "2023-01-01", end: str = "2024-12-31",
                           launch_date: str = "2024-01-01",
                           params: Mapping[str, Any] | None = None) -> int:
    """n_customers for which `generate` (same dates and params) writes about `n_transactions` checks.

    Uses the expected number of checks per customer of a fixed pilot population of 100,000 customers
    (the birth purchase plus the Poisson means of every alive segment), divided by the identified share
    1 - anonymous_share. Accurate to about a percent; dirt adds its small shares on top.
    """
    p = merge(DEFAULT_PARAMS, params or {})
    cal = Calendar(start, end, launch_date, None, p)
    pilot = 100_000
    cust = simulate_customers(pilot, cal, p, np.random.default_rng(12345))
    seg = segments(cust, cal, p)
    expected_identified = float(seg["mean"].sum()) + float(np.count_nonzero(cust["born_in_window"]))
    per_customer = expected_identified / pilot / (1.0 - p["anonymous_share"])
    return max(1, round(n_transactions / per_customer))


"""truth.json: the parameters the generator planted and the values realised in the written data.

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
  {campaign_id: ISO date}; ``campaign_heterogeneity`` {campaign_id: {lapsed_days, negative_tier,
  negative_effect}} (campaign_effects.py; the effect above is then the spend-weighted average);
  ``campaign_window_days``; ``campaign_target_share``; ``campaign_control_share``;
  ``nps_shares`` {members, non_members: {promoters, passives, detractors}}; ``nps_response_share``;
  ``nps_anonymous_share``; ``nps_leavers`` {promoters, passives, detractors} (the shares of respondents
  who leave within 180 days of answering), ``nps_reason_share``, ``nps_free_text_share``,
  ``nps_reasons`` {category: {reason: share}} (surveys.py); ``csat_distribution`` {members,
  non_members: [P(1)..P(5)]};
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
  ``voice`` {window_days, churn_after {promoters, passives, detractors}, churn_gap, answers, reasons,
      free_text}: churn after an NPS answer and the reasons' shares (surveys.py `voice_truth`).
  ``csat`` {mean, satisfied_share (answers 4..5), responses}; ``awareness`` = share of "yes";
      ``motive`` {value, brand, other} shares.
  ``campaigns`` {campaign_id: {sent_at, window_days, effect, treatment, control,
      spend_per_customer {treatment, control}, purchase_rate {treatment, control}, realised_uplift}}:
      spend = clean revenue in [sent_at, sent_at + window) per customer of the group, purchase_rate =
      share of the group with a check in the window, realised_uplift = spend ratio - 1.
  ``campaign_effects`` {file, rows, columns, campaigns {campaign_id: {mean_effect,
      mean_incremental_revenue, negative_share}}}: each targeted customer's planted effect is in the file
      ``campaign_effects.csv`` next to truth.json (campaign_effects.py: campaign, client_id, group,
      effect, incremental_revenue); the params' ``campaign_heterogeneity`` says who responds.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .params import REGIONS, TIERS
from .simulate import Simulation
from .surveys import voice_truth
from .timeline import Calendar
from .writers import to_money


def jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in x]
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return None if not np.isfinite(x) else float(x)
    return x


def params_truth(p: dict, cal: Calendar, n_customers: int, seed: int, dirt: bool) -> dict:
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
                      for name, (code, w, n_st) in REGIONS.items()}
    head = {"n_customers": int(n_customers), "start": cal.iso_day(0),
            "end": cal.iso_day(cal.n_days - 1), "launch_date": cal.iso_day(cal.launch_day),
            "today": cal.iso_day(cal.today_day), "seed": int(seed), "dirt": bool(dirt)}
    return {**head, **out}


def _share(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _points_truth(ledger: dict) -> dict:
    """Ledger totals by operation and the balance at the end (points)."""
    kinds = ledger["kind"]
    totals = {k: float(ledger["pts"][kinds == k].sum()) / 100.0
              for k in ("accrual", "redemption", "expiry", "adjustment")}
    points = {"accrued": totals["accrual"], "redeemed": totals["redemption"],
              "expired": totals["expiry"], "adjusted": totals["adjustment"]}
    points["outstanding"] = (points["accrued"] + points["adjusted"] - points["redeemed"]
                             - points["expired"])
    return points


def _nps_truth(score: np.ndarray) -> dict:
    """Responses, category shares and the score over every row of nps.csv."""
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
    return nps_out


def _campaigns_truth(sim: Simulation, money: np.ndarray, ident: np.ndarray) -> dict:
    """Per campaign: groups, spend and purchase rate in the window, the realised uplift."""
    ch, cust, cal, n = sim.checks, sim.cust, sim.cal, sim.cust["n"]
    campaigns = {}
    window = int(sim.p["campaign_window_days"])
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
    return campaigns


def realised(rows: dict, sim: Simulation) -> dict:
    """The `realised` block (module docstring): counted in the simulated data that was written."""
    ch, cust, cal, p = sim.checks, sim.cust, sim.cal, sim.p
    contacts, dirt_rows = sim.contacts, sim.dirt_rows
    n = cust["n"]
    money = to_money(ch["kop"])
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

    points = _points_truth(sim.ledger)
    nps_out = _nps_truth(sim.nps["score"])

    q, ans = sim.surveys["question"], sim.surveys["answer"]
    csat = ans[q == "csat"].astype(int)
    motive = ans[q == "motive"]
    aware = ans[q == "awareness"]

    campaigns = _campaigns_truth(sim, money, ident)

    card_rev = float(money[ch["card"]].sum())
    returns_amount = 0.0
    if dirt_rows is not None:
        returns_amount = float(to_money(dirt_rows["kop"][dirt_rows["kind"] == "return"]).sum())
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
        "dirt": sim.dirt_counts,
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
        "voice": voice_truth(sim),
    }


RETENTION_CHURN_DAYS = 180  # the retention truth uses the default `retention.churn_days`


def _realised_retention(ch: dict, cust: dict, cal: Calendar,
                        churn_days: int = RETENTION_CHURN_DAYS) -> dict:
    """Retention over the last 12 full months of the window, counted customer by customer.

    A customer is active at the end of boundary day b when a clean identified check with a positive
    amount falls in [b - churn_days, b]; churned when one falls before that but none inside. S, E, N,
    CRR = (E - N) / S, churn = 1 - CRR, reactivation = churned at the start who bought in the window.
    ``monthly`` pools the 12 months one by one (sum of retained / sum of S), split by membership on
    each month's start boundary. Only months whose start boundary is churn_days after the window
    start count (the history warm-up).
    """
    return retention_from_counts(retention_counts(ch, cust, cal, churn_days))


def retention_counts(ch: dict, cust: dict, cal: Calendar, churn_days: int = RETENTION_CHURN_DAYS) -> dict:
    """The customer counts behind `_realised_retention` (they add up over disjoint sets of customers,
    which is how the chunked generator combines its blocks): ``whole`` {start, retained, end,
    churned_at_start, reactivated} over the 12 months and ``monthly`` {all|members|non_members: the
    same summed over the months}, plus the window's boundaries (None when it is too short)."""
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
    out: dict = {"churn_days": churn_days, "bounds": None}
    if len(bounds) < 2:
        return out
    out["bounds"] = (cal.iso_day(bounds[0] + 1), cal.iso_day(bounds[-1]), len(bounds) - 1)
    out["whole"] = rates(bounds[0], bounds[-1], everyone)
    monthly = {}
    for group in ("all", "members", "non_members"):
        totals = dict.fromkeys(("start", "retained", "churned_at_start", "reactivated"), 0)
        for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
            joined = member & (join_day <= b0)
            mask = {"all": everyone, "members": joined, "non_members": ~joined}[group]
            month = rates(b0, b1, mask)
            for key in totals:
                totals[key] += month[key]
        monthly[group] = totals
    out["monthly"] = monthly
    return out


def retention_from_counts(counts: dict) -> dict:
    """``realised.retention`` from `retention_counts` (of one population or summed over blocks)."""
    out: dict = {"churn_days": counts["churn_days"]}
    if counts["bounds"] is None:
        return {**out, "crr": None, "churn_rate": None, "reactivation_rate": None, "monthly": None}
    first, last, months = counts["bounds"]
    whole = counts["whole"]
    retained, start = whole["retained"], whole["start"]
    out.update({
        "window": {"start": first, "end": last},
        "start_customers": start, "end_customers": whole["end"], "new_customers": whole["end"] - retained,
        "crr": _share(retained, start), "churn_rate": _share(start - retained, start),
        "reactivation_rate": _share(whole["reactivated"], whole["churned_at_start"]),
    })
    pooled = {group: {"crr": _share(t["retained"], t["start"]),
                      "churn_rate": _share(t["start"] - t["retained"], t["start"]),
                      "reactivation_rate": _share(t["reactivated"], t["churned_at_start"])}
              for group, t in counts["monthly"].items()}
    out["monthly"] = {"months": months, **pooled}
    return out

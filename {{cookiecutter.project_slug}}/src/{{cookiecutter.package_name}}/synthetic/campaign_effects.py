"""Heterogeneous campaign effects: who a campaign moves, planted customer by customer.

Every customer targeted by campaign c (treatment and control alike: the control's effect is what the
campaign would have done to them) gets a relative effect ``e_i`` on their purchase rate during the
campaign window. Campaigns without an entry in ``campaign_heterogeneity`` have the same effect
``e_i = campaign_effects[c]`` for everyone (the A/A campaign: 0). A campaign with an entry
``{"lapsed_days": L, "negative_tier": t, "negative_effect": n}`` has:

* ``e_i = n`` for the negative segment: members (joined on or before the send day) of value tier t
  (loyal buyers annoyed by the offer);
* ``e_i = k * P(lapsed_i)`` for everyone else, where P(lapsed_i) = exp(-m_i) is the chance of no check
  in the L days before the send day, m_i = lam_i * member factor * (S(day) - S(max(day - L, reg_i, 0)))
  the expected checks in those days: customers who have drifted away respond, frequent ones hardly;
* k such that the spend-weighted mean effect over the targeted customers equals the planted average
  ``campaign_effects[c]``: sum_i s_i e_i / sum_i s_i = effect, with s_i the expected spend in the
  window without the campaign (rate x member factor x (S(day + W) - S(day)) up to death x mean check
  p / nu_i). The realised uplift (spend ratio treatment / control - 1) then still estimates the planted
  average.

The per-customer truth goes to ``campaign_effects.csv`` next to truth.json (``write_campaign_effects``):
campaign, client_id, group (treatment / control), effect (e_i) and incremental_revenue = s_i * e_i, the
expected extra spend in the window had the customer been sent the campaign.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .params import TIERS
from .timeline import Calendar
from .writers import _write_table

EFFECTS_FILE = "campaign_effects.csv"


def _member_factor(cust: dict, day: int, p: dict) -> np.ndarray:
    """1 + member_effect for customers who joined on or before `day`, else 1."""
    joined = cust["member"] & (cust["join_day"] <= day)
    return np.where(joined, 1.0 + float(p["member_effect"]), 1.0)


def expected_window_spend(cust: dict, cal: Calendar, day: int, p: dict) -> np.ndarray:
    """s_i: expected spend in [day, day + window) without the campaign, up to each customer's death."""
    end = np.minimum(cust["death"], float(day + p["campaign_window_days"]))
    exposure = np.maximum(cal.S(end) - cal.S(np.full(cust["n"], float(day))), 0.0)
    mean_check = float(p["gamma_gamma"]["p"]) / cust["nu"]
    return cust["lam"] * _member_factor(cust, day, p) * exposure * mean_check


def lapsed_probability(cust: dict, cal: Calendar, day: int, lapsed_days: float, p: dict) -> np.ndarray:
    """P(no check in the `lapsed_days` before `day`) = exp(-expected checks in those days)."""
    start = np.maximum.reduce([np.full(cust["n"], float(day) - lapsed_days), cust["reg"],
                               np.zeros(cust["n"])])
    exposure = np.maximum(cal.S(np.full(cust["n"], float(day))) - cal.S(start), 0.0)
    return np.exp(-cust["lam"] * _member_factor(cust, day, p) * exposure)


def customer_effects(cust: dict, cal: Calendar, camp: dict, spec: dict | None, p: dict) -> np.ndarray:
    """e_i of every customer (length n) for one campaign (module docstring)."""
    average = float(camp["effect"])
    if not spec:
        return np.full(cust["n"], average)
    day = int(camp["day"])
    targeted = np.concatenate([camp["treatment"], camp["control"]])
    spend = expected_window_spend(cust, cal, day, p)
    negative = (cust["tier"] == TIERS.index(spec["negative_tier"])) & cust["member"] \
        & (cust["join_day"] <= day)
    lapsed = lapsed_probability(cust, cal, day, float(spec["lapsed_days"]), p)
    neg_effect = float(spec["negative_effect"])
    s_t, neg_t = spend[targeted], negative[targeted]
    positive_mass = float((s_t * lapsed[targeted])[~neg_t].sum())
    scale = ((average * s_t.sum() - neg_effect * s_t[neg_t].sum()) / positive_mass
             if positive_mass > 0 else 0.0)
    return np.where(negative, neg_effect, scale * lapsed)


def plant_campaign_effects(cust: dict, cal: Calendar, p: dict) -> None:
    """Add ``effects`` (e_i of every customer) and ``spend`` (s_i) to each campaign of `cust`."""
    specs = p.get("campaign_heterogeneity") or {}
    for cid, camp in cust["campaigns"].items():
        camp["effects"] = customer_effects(cust, cal, camp, specs.get(cid), p)
        camp["spend"] = expected_window_spend(cust, cal, int(camp["day"]), p)


def write_campaign_effects(out_dir: Path, cust: dict) -> dict:
    """campaign_effects.csv (module docstring) and its summary for truth.json: the file, its columns
    and per campaign the mean effect and incremental revenue per targeted customer, the share with a
    negative effect."""
    cols: dict[str, list] = {"campaign": [], "client_id": [], "group": [], "effect": [],
                             "incremental_revenue": []}
    summary = {}
    for cid, camp in cust["campaigns"].items():
        chosen = np.concatenate([camp["treatment"], camp["control"]])
        group = np.repeat(["treatment", "control"], [camp["treatment"].size, camp["control"].size])
        order = np.argsort(cust["id"][chosen].astype(np.int64), kind="stable")
        chosen, group = chosen[order], group[order]
        effect = camp["effects"][chosen]
        incremental = camp["spend"][chosen] * effect
        cols["campaign"].append(np.full(chosen.size, cid, dtype=object))
        cols["client_id"].append(cust["id"][chosen])
        cols["group"].append(group)
        cols["effect"].append(np.char.mod("%.6f", effect).astype(object))
        cols["incremental_revenue"].append(np.char.mod("%.4f", incremental).astype(object))
        summary[cid] = {"mean_effect": float(effect.mean()) if effect.size else None,
                        "mean_incremental_revenue": float(incremental.mean()) if effect.size else None,
                        "negative_share": float((effect < 0).mean()) if effect.size else None}
    table = {name: np.concatenate(parts) if parts else np.array([], dtype=object)
             for name, parts in cols.items()}
    rows = _write_table(out_dir / EFFECTS_FILE, table)
    return {"file": EFFECTS_FILE, "rows": rows, "columns": list(cols), "campaigns": summary}

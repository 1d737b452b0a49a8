"""truth.json ``realised`` of a chunked run: per-block sufficient statistics, summed, then finished.

Every realised value of truth.py is a count, a sum, a min / max or a ratio of two of them over a set of
customers or rows, and the blocks of a chunked run hold disjoint customers (and their rows). So each
block contributes `block_stats` (counts and sums only, the numerators and denominators of each share
and mean), `add_stats` adds them up, and `finish` computes the realised block from the totals with the
same definitions as truth.py's `realised` (documented there). Nothing is left out; the only
differences from an unchunked run are the model's per-block draws (chunked.py's docstring): the tiers
are tertiles within each block.

Sums of money are floats, so a share recombined from blocks may differ from the same population's
unchunked value in the last bits (the order of the additions), never more.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .params import TIERS
from .simulate import Simulation
from .surveys import CATEGORIES, VOICE_CHURN_DAYS, category_of, last_answers_bought
from .truth import _points_truth, _share, retention_counts, retention_from_counts
from .writers import to_money

MIN_KEYS = ("first_day",)  # combined by min over blocks, not by sum
MAX_KEYS = ("last_day",)
LABEL_KEYS = ("labels", "bounds", "churn_days")  # the same in every block: kept, not summed


def add_stats(total: dict | None, part: dict) -> dict:
    """`total` + `part`, key by key (nested dicts and Counters too; None means nothing yet)."""
    if total is None:
        return part
    out = dict(total)
    for key, value in part.items():
        if key not in out or out[key] is None:
            out[key] = value
        elif value is None:
            continue
        elif key in MIN_KEYS:
            out[key] = min(out[key], value)
        elif key in MAX_KEYS:
            out[key] = max(out[key], value)
        elif isinstance(value, Counter):
            out[key] = out[key] + value
        elif isinstance(value, dict):
            out[key] = add_stats(out[key], value)
        elif key in LABEL_KEYS:
            out[key] = value
        else:
            out[key] = out[key] + value
    return out


def _mean_parts(values: np.ndarray) -> dict:
    return {"sum": float(values.sum()), "n": int(values.size)}


def _customer_stats(sim: Simulation, money: np.ndarray, ident: np.ndarray) -> dict:
    """Counts over customers: buyers, members, tiers, self-selection and the naive uplift's parts."""
    ch, cust, cal = sim.checks, sim.cust, sim.cal
    n, members = cust["n"], cust["member"]
    buyers = np.bincount(ch["cust"][ident], minlength=n) > 0
    post = ch["day"] >= cal.launch_day
    pre, post_i = ident & ~post, ident & post
    pre_rev = np.bincount(ch["cust"][pre], weights=money[pre], minlength=n)
    pre_launch = cust["reg_day"] < cal.launch_day
    post_rev = np.bincount(ch["cust"][post_i], weights=money[post_i], minlength=n)
    post_buyer = np.bincount(ch["cust"][post_i], minlength=n) > 0
    revenue_by_cust = np.bincount(ch["cust"][ident], weights=money[ident], minlength=n)
    contacts = sim.contacts
    return {
        "customers": int(n), "buyers": int(buyers.sum()), "members_buyers": int((members & buyers).sum()),
        "born_in_window": int(cust["born_in_window"].sum()), "members": int(members.sum()),
        "tier_n": {t: int((cust["tier"] == k).sum()) for k, t in enumerate(TIERS)},
        "tier_members": {t: int((members & (cust["tier"] == k)).sum()) for k, t in enumerate(TIERS)},
        "unsubscribed": int(cust["unsub"].sum()),
        "members_revenue_all": float(revenue_by_cust[members].sum()),
        "pre_launch_customers": int(pre_launch.sum()),
        "pre_spend": {"members": _mean_parts(pre_rev[pre_launch & members]),
                      "non_members": _mean_parts(pre_rev[pre_launch & ~members])},
        "post_spend": {"members": _mean_parts(post_rev[post_buyer & members]),
                       "non_members": _mean_parts(post_rev[post_buyer & ~members])},
        "completeness": {"email": int((contacts["email"] != "").sum()),
                         "phone": int((contacts["phone"] != "").sum()),
                         "name": int(((contacts["first_name"] != "") & (contacts["last_name"] != "")).sum())},
    }


def _campaign_stats(sim: Simulation, money: np.ndarray, ident: np.ndarray) -> dict:
    """Per campaign: group sizes, spend and buyers in the window, the planted effects' sums."""
    ch, cust, cal, n = sim.checks, sim.cust, sim.cal, sim.cust["n"]
    window = int(sim.p["campaign_window_days"])
    out = {}
    for cid, camp in cust["campaigns"].items():
        inwin = ident & (ch["day"] >= camp["day"]) & (ch["day"] < camp["day"] + window)
        rev = np.bincount(ch["cust"][inwin], weights=money[inwin], minlength=n)
        bought = np.bincount(ch["cust"][inwin], minlength=n) > 0
        chosen = np.concatenate([camp["treatment"], camp["control"]])
        effect = camp["effects"][chosen]
        out[cid] = {
            "labels": (cal.iso_day(camp["day"]), window, camp["effect"]),
            "size": {g: int(camp[g].size) for g in ("treatment", "control")},
            "spend": {g: float(rev[camp[g]].sum()) for g in ("treatment", "control")},
            "bought": {g: int(bought[camp[g]].sum()) for g in ("treatment", "control")},
            "effect_sum": float(effect.sum()),
            "incremental_sum": float((camp["spend"][chosen] * effect).sum()),
            "negative": int((effect < 0).sum()),
        }
    return out


def _voice_stats(sim: Simulation, days: int = VOICE_CHURN_DAYS) -> dict:
    """surveys.voice_truth's counts: answers and churned per category, reasons per category."""
    nps = sim.nps
    score, bought = last_answers_bought(sim, days)
    category = category_of(score)
    all_category = category_of(nps["score"])
    text = np.array([str(r).lower() for r in nps["reason"]], dtype=object)
    return {
        "answers": {c: int((category == k).sum()) for k, c in enumerate(CATEGORIES)},
        "churned": {c: int((~bought[category == k]).sum()) for k, c in enumerate(CATEGORIES)},
        "reasons": {c: Counter(text[(all_category == k) & (text != "")].tolist())
                    for k, c in enumerate(CATEGORIES)},
        "free_text": int(sum(r.startswith("личный комментарий") for r in text)),
    }


def block_stats(sim: Simulation, rows: dict) -> dict:
    """The additive statistics of one block (module docstring); `rows` = rows written per file."""
    ch, cust, cal = sim.checks, sim.cust, sim.cal
    money = to_money(ch["kop"])
    ident = ch["cust"] >= 0
    cc = np.where(ident, ch["cust"], 0)
    post = ch["day"] >= cal.launch_day
    member_now = ident & cust["member"][cc] & (ch["day"] >= cust["join_day"][cc])
    q, ans, score = sim.surveys["question"], sim.surveys["answer"], sim.nps["score"]
    csat = ans[q == "csat"].astype(int)
    points = _points_truth(sim.ledger)
    return {
        "rows": dict(rows),
        "n_clean": int(ch["day"].size), "identified": int(ident.sum()),
        "revenue": float(money.sum()),
        "first_day": int(ch["day"].min()) if ch["day"].size else None,
        "last_day": int(ch["day"].max()) if ch["day"].size else None,
        "card_checks": int(ch["card"].sum()), "card_revenue": float(money[ch["card"]].sum()),
        "post_revenue": float(money[post].sum()), "post_checks": int(post.sum()),
        "member_post_revenue": float(money[member_now & post].sum()),
        "member_post_checks": int((member_now & post).sum()),
        **_customer_stats(sim, money, ident),
        "points": {k: v for k, v in points.items() if k != "outstanding"},
        "nps": {"responses": int(score.size), "promoters": int((score >= 9).sum()),
                "passives": int(((score >= 7) & (score <= 8)).sum()), "detractors": int((score <= 6).sum())},
        "csat": {"n": int(csat.size), "sum": int(csat.sum()), "satisfied": int((csat >= 4).sum())},
        "awareness": {"n": int((q == "awareness").sum()), "yes": int((ans[q == "awareness"] == "yes").sum())},
        "motive": Counter(ans[q == "motive"].tolist()),
        "campaigns": _campaign_stats(sim, money, ident),
        "retention": retention_counts(ch, cust, cal),
        "voice": _voice_stats(sim),
    }


def _mean(parts: dict) -> float | None:
    return parts["sum"] / parts["n"] if parts["n"] else None


def _finish_campaigns(stats: dict) -> tuple[dict, dict]:
    """realised.campaigns and the per-campaign summary of realised.campaign_effects."""
    campaigns, effects = {}, {}
    for cid, c in stats["campaigns"].items():
        sent_at, window, effect = c["labels"]
        size = c["size"]
        spend = {g: _share(c["spend"][g], size[g]) for g in size}
        campaigns[cid] = {
            "sent_at": sent_at, "window_days": window, "effect": effect,
            "treatment": size["treatment"], "control": size["control"], "spend_per_customer": spend,
            "purchase_rate": {g: _share(c["bought"][g], size[g]) for g in size},
            "realised_uplift": (spend["treatment"] / spend["control"] - 1.0 if spend["control"] else None),
        }
        targeted = size["treatment"] + size["control"]
        effects[cid] = {"mean_effect": _share(c["effect_sum"], targeted),
                        "mean_incremental_revenue": _share(c["incremental_sum"], targeted),
                        "negative_share": _share(c["negative"], targeted)}
    return campaigns, effects


def _finish_voice(v: dict, days: int = VOICE_CHURN_DAYS) -> dict:
    churn = {c: _share(v["churned"][c], v["answers"][c]) for c in CATEGORIES}
    reasons = {}
    for c in CATEGORIES:
        total = sum(v["reasons"][c].values())
        reasons[c] = {str(r): k / total for r, k in sorted(v["reasons"][c].items())}
    gap = (churn["detractors"] - churn["promoters"]
           if churn["detractors"] is not None and churn["promoters"] is not None else None)
    return {"window_days": days, "churn_after": churn, "churn_gap": gap, "answers": v["answers"],
            "reasons": reasons, "free_text": v["free_text"]}


def _finish_scores(s: dict, p: dict) -> dict:
    """nps, csat, awareness and motive from their counts."""
    nps = s["nps"]
    r = nps["responses"]
    nps_out: dict = {"responses": r}
    for key in ("promoters", "passives", "detractors"):
        nps_out[key] = _share(nps[key], r)
    score = nps_out["promoters"] - nps_out["detractors"] if r else None
    nps_out.update({"score": score, "score_points": 100.0 * score if r else None})
    motive_n = sum(s["motive"].values())
    return {
        "nps": nps_out,
        "csat": {"responses": s["csat"]["n"], "mean": _share(s["csat"]["sum"], s["csat"]["n"]),
                 "satisfied_share": _share(s["csat"]["satisfied"], s["csat"]["n"])},
        "awareness": _share(s["awareness"]["yes"], s["awareness"]["n"]),
        "motive": {k: _share(s["motive"][k], motive_n) for k in p["motive_shares"]},
    }


def finish(s: dict, sim: Simulation, dirt_counts: dict) -> tuple[dict, dict]:
    """The realised block (truth.py's definitions) from the summed statistics `s` of every block;
    `sim` is any block (for the calendar and the parameters). Returns it and the per-campaign summary
    of ``realised.campaign_effects``."""
    cal, p = sim.cal, sim.p
    n, n_clean, members = s["customers"], s["n_clean"], s["members"]
    pre_spend = {g: _mean(s["pre_spend"][g]) for g in ("members", "non_members")}
    arpu = {g: _mean(s["post_spend"][g]) for g in ("members", "non_members")}
    points = dict(s["points"])
    points["outstanding"] = points["accrued"] + points["adjusted"] - points["redeemed"] - points["expired"]
    campaigns, effects = _finish_campaigns(s)
    out = {
        "rows": s["rows"], "transactions_clean": n_clean, "identified_checks": s["identified"],
        "anonymous_checks": n_clean - s["identified"],
        "anonymous_share": _share(n_clean - s["identified"], n_clean), "revenue": s["revenue"],
        "first_check": cal.iso_day(s["first_day"]) if n_clean else None,
        "last_check": cal.iso_day(s["last_day"]) if n_clean else None,
        "customers": n, "customers_with_transactions": s["buyers"],
        "customers_registered_in_window": s["born_in_window"], "members": members,
        "members_share_of_customers": _share(members, n),
        "members_share_of_buyers": _share(s["members_buyers"], s["buyers"]),
        "participation_by_tier": {t: _share(s["tier_members"][t], s["tier_n"][t]) for t in TIERS},
        "unsubscribed": s["unsubscribed"], "unsubscribe_rate": _share(s["unsubscribed"], members),
        "card_checks": s["card_checks"],
        "member_revenue_share": _share(s["member_post_revenue"], s["post_revenue"]),
        "member_transaction_share": _share(s["member_post_checks"], s["post_checks"]),
        "members_revenue_share_all": _share(s["members_revenue_all"], s["revenue"]),
        "self_selection": {
            "customers_registered_before_launch": s["pre_launch_customers"],
            "pre_launch_spend_per_customer": pre_spend,
            "ratio": (pre_spend["members"] / pre_spend["non_members"]
                      if pre_spend["members"] is not None and pre_spend["non_members"] else None),
        },
        "naive_member_uplift": (arpu["members"] / arpu["non_members"] - 1.0
                                if arpu["members"] is not None and arpu["non_members"] else None),
        "completeness": {k: _share(v, n) for k, v in s["completeness"].items()},
        "dirt": dirt_counts, "returns_amount": 0.0,
        "points": points,
        "redemption_rate": _share(points["redeemed"], points["accrued"]),
        "breakage_rate": _share(points["expired"], points["accrued"]),
        "effective_accrual_rate": _share(points["accrued"], s["card_revenue"]),
        "points_liability": points["outstanding"] * float(p["point_value"]),
        **_finish_scores(s, p),
        "campaigns": campaigns,
        "retention": retention_from_counts(s["retention"]),
        "voice": _finish_voice(s["voice"]),
    }
    return out, effects

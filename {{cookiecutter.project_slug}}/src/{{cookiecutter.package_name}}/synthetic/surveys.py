"""NPS answers and surveys (csat, awareness, motive) drawn among identified checks.

Voice of the customer linked to behaviour (issue #21): an identified respondent who *leaves* within
`VOICE_CHURN_DAYS` days of the answer (their Pareto/NBD death falls in that window) answers with the
category shares ``nps_leavers`` instead of ``nps_shares`` (the same random draws either way, so every
other table of a seed is unchanged), which makes detractors churn more after answering; a share
``nps_reason_share`` of the answers carries a ``reason`` drawn from ``nps_reasons`` of its category
(written with a capital first letter half of the time, so the counting must normalise), and a share
``nps_free_text_share`` of those reasons is a unique free-text comment instead (which the report must
never show). Reasons are drawn from a generator spawned off the main one, so they take no draw from
it. `voice_truth` counts what that realised (truth.json ``realised.voice``)."""

from __future__ import annotations

import numpy as np

from .timeline import Calendar

_NPS_SCORE_WEIGHTS = {  # score weights inside each category
    "detractors": (list(range(0, 7)), [0.04, 0.03, 0.05, 0.08, 0.12, 0.28, 0.40]),
    "passives": ([7, 8], [0.45, 0.55]),
    "promoters": ([9, 10], [0.55, 0.45]),
}



def _categorical(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Index of the category of each uniform u; probs has one row of probabilities per u."""
    return (u[:, None] >= np.cumsum(probs, axis=1)[:, :-1]).sum(axis=1)


CATEGORIES = ("detractors", "passives", "promoters")
VOICE_CHURN_DAYS = 180  # the window after an answer: the voice steps' default program.voice_churn_days


def _nps_scores(is_member: np.ndarray, leaves: np.ndarray, p: dict, rng: np.random.Generator) -> np.ndarray:
    cats = CATEGORIES
    shares = p["nps_shares"]
    probs = np.where(is_member[:, None], [shares["members"][c] for c in cats],
                     [shares["non_members"][c] for c in cats])
    probs = np.where(leaves[:, None], [p["nps_leavers"][c] for c in cats], probs)
    cat = _categorical(rng.random(is_member.size), probs / probs.sum(axis=1, keepdims=True))
    score = np.zeros(is_member.size, np.int64)
    for k, c in enumerate(cats):
        values, weights = _NPS_SCORE_WEIGHTS[c]
        w = np.asarray(weights, float)
        score = np.where(cat == k, rng.choice(values, is_member.size, p=w / w.sum()), score)
    return score


def _respondents(ch: dict, cust: dict, cal: Calendar, share: float, first_day: int,
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


def simulate_nps(ch: dict, cust: dict, cal: Calendar, p: dict, rng: np.random.Generator) -> dict:
    c, day, is_member = _respondents(ch, cust, cal, p["nps_response_share"], 0, rng)
    a = p["nps_anonymous_share"]
    n_anon = int(round(c.size * a / (1.0 - a)))
    c = np.concatenate([c, np.full(n_anon, -1)])
    day = np.concatenate([day, rng.integers(0, cal.n_days, n_anon)])
    leaves = (c >= 0) & (cust["death"][np.maximum(c, 0)] < day + VOICE_CHURN_DAYS)
    is_member = np.concatenate([is_member, np.zeros(n_anon, bool)])
    score = _nps_scores(is_member, leaves, p, rng)
    reason = _reasons(score, p, np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0]))
    order = np.lexsort((c, day))
    return {"columns": ["date", "client_id", "score", "reason"], "day": day[order], "cust": c[order],
            "score": score[order], "is_member": is_member[order], "reason": reason[order],
            "leaves": leaves[order]}


def category_of(score: np.ndarray) -> np.ndarray:
    """0 detractors (0-6), 1 passives (7-8), 2 promoters (9-10): the index into CATEGORIES."""
    return np.select([score >= 9, score >= 7], [2, 1], 0)


def _reasons(score: np.ndarray, p: dict, rng: np.random.Generator) -> np.ndarray:
    """A reason per answer ("" = none): of its category's ``nps_reasons``, or a unique comment."""
    n = score.size
    out = np.full(n, "", dtype=object)
    given = rng.random(n) < p["nps_reason_share"]
    free = rng.random(n) < p["nps_free_text_share"]
    capital = rng.random(n) < 0.5
    category = category_of(score)
    for k, cat in enumerate(CATEGORIES):
        names = list(p["nps_reasons"][cat])
        weights = np.array([p["nps_reasons"][cat][r] for r in names], float)
        pick = np.array(names, dtype=object)[rng.choice(len(names), n, p=weights / weights.sum())]
        out = np.where(given & (category == k), pick, out)
    out = np.array([r.capitalize() if cap else r for r, cap in zip(out, capital, strict=True)], dtype=object)
    comments = np.flatnonzero(given & free)
    out[comments] = [f"личный комментарий {k + 1} о заказе" for k in range(comments.size)]
    return out


def last_answers_bought(sim: object, days: int = VOICE_CHURN_DAYS) -> tuple[np.ndarray, np.ndarray]:
    """Each answering customer's last kept NPS score (`voice_truth`'s answers kept) and whether they
    bought (a clean identified check with a positive amount) on days (day, day + days]."""
    nps, ch, n_days = sim.nps, sim.checks, sim.cal.n_days
    keep = (nps["cust"] >= 0) & (nps["day"] + days <= n_days - 1)
    cust, day, score = nps["cust"][keep], nps["day"][keep], nps["score"][keep]
    order = np.lexsort((-score, day, cust))
    last = np.r_[cust[order][1:] != cust[order][:-1], True]
    cust, day, score = cust[order][last], day[order][last], score[order][last]
    buy = (ch["cust"] >= 0) & (ch["kop"] > 0)
    answered = np.full(sim.cust["n"], -1, dtype=np.int64)
    answered[cust] = day
    who, when = ch["cust"][buy], ch["day"][buy]
    after = answered[who]
    hit = (after >= 0) & (when > after) & (when <= after + days)
    return score, (np.bincount(who[hit], minlength=sim.cust["n"]) > 0)[cust]


def voice_truth(sim: object, days: int = VOICE_CHURN_DAYS) -> dict:
    """truth.json ``realised.voice``: what the voice steps must recover from the written data.

    Answers kept: identified NPS answers with day + days <= the last day; each customer's last kept
    answer (the lowest score on one day). churned = no clean identified check with a positive amount on
    days (day, day + days]. ``churn_after`` {promoters, passives, detractors}: share churned (raw);
    ``churn_gap`` = detractors - promoters; ``answers`` per category; ``reasons`` {category: {reason:
    share of the category's answers with a reason}} over every nps.csv row, reasons lower-cased, each
    free-text comment counted as its own reason; ``free_text`` = the number of such comments."""
    nps = sim.nps
    score, bought = last_answers_bought(sim, days)
    category = category_of(score)
    churn = {cat: float(np.mean(~bought[category == k])) if (category == k).any() else None
             for k, cat in enumerate(CATEGORIES)}
    reasons = {}
    all_category = category_of(nps["score"])
    text = np.array([str(r).lower() for r in nps["reason"]], dtype=object)
    for k, cat in enumerate(CATEGORIES):
        mine = text[(all_category == k) & (text != "")]
        names, counts = np.unique(mine, return_counts=True) if mine.size else ([], [])
        reasons[cat] = {str(r): float(c_) / mine.size for r, c_ in zip(names, counts, strict=True)}
    gap = (churn["detractors"] - churn["promoters"]
           if churn["detractors"] is not None and churn["promoters"] is not None else None)
    return {"window_days": days, "churn_after": churn, "churn_gap": gap,
            "answers": {cat: int((category == k).sum()) for k, cat in enumerate(CATEGORIES)},
            "reasons": reasons, "free_text": int(sum(r.startswith("личный комментарий") for r in text))}


def simulate_surveys(ch: dict, cust: dict, cal: Calendar, p: dict,
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

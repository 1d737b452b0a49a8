"""NPS answers and surveys (csat, awareness, motive) drawn among identified checks."""

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
    is_member = np.concatenate([is_member, np.zeros(n_anon, bool)])
    score = _nps_scores(is_member, p, rng)
    order = np.lexsort((c, day))
    return {"columns": ["date", "client_id", "score"], "day": day[order], "cust": c[order],
            "score": score[order], "is_member": is_member[order]}


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

"""Surveys: NPS with its interval, CSAT, program awareness and motives, by month and respondent group."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ...core.membership import MEMBERS, NON_MEMBERS
from ...core.numbers import ratio
from .dates import between, month_start, months_between
from .groups import UNLINKED, customer_ids, respondent_group

Z95 = 1.959963984540054

YES_ANSWERS = {"yes", "y", "true", "1", "да", "д"}
NO_ANSWERS = {"no", "n", "false", "0", "нет", "н"}
MOTIVE_ANSWERS = {
    "value": "value", "benefit": "value", "ценность": "value", "выгода": "value",
    "brand": "brand", "бренд": "brand",
    "other": "other", "другое": "other",
}


def nps_composition(scores: pd.Series, z: float = Z95) -> dict[str, float | int | None]:
    """NPS with its composition and a confidence interval.

    promoters = share of scores 9-10, passives = 7-8, detractors = 0-6 (scores outside 0..10 or
    missing are dropped); score = promoters - detractors (a fraction in -1..1).
    Interval: each answer is a multinomial draw with values +1 / 0 / -1, so
    Var(score) = (promoters + detractors - score^2) / n and the 95% interval is
    score +/- 1.96 x sqrt(Var) (normal approximation; clipped to [-1, 1]; reliable from ~30 answers).
    """
    values = pd.to_numeric(scores, errors="coerce")
    values = values[(values >= 0) & (values <= 10)]
    n = int(values.size)
    if n == 0:
        keys = ("score", "promoters", "passives", "detractors", "ci_low", "ci_high")
        return {"responses": 0, **dict.fromkeys(keys)}
    promoters = float((values >= 9).mean())
    detractors = float((values <= 6).mean())
    score = promoters - detractors
    half_width = z * math.sqrt(max(promoters + detractors - score**2, 0.0) / n)
    return {
        "responses": n,
        "score": score,
        "promoters": promoters,
        "passives": float(((values >= 7) & (values <= 8)).mean()),
        "detractors": detractors,
        "ci_low": max(score - half_width, -1.0),
        "ci_high": min(score + half_width, 1.0),
    }


def survey_answers(surveys: pd.DataFrame | None, question: str) -> pd.DataFrame | None:
    """The answers to `question` (case and spaces ignored), answers lower-cased; None without any."""
    if surveys is None or not len(surveys):
        return None
    asked = surveys["question"].astype("string").str.strip().str.lower() == question
    answers = surveys.loc[asked.fillna(False).astype(bool)]
    if not len(answers):
        return None
    answers = answers.assign(answer=answers["answer"].astype("string").str.strip().str.lower())
    return answers.dropna(subset=["date", "answer"])


def nps_responses(nps: pd.DataFrame | None, surveys: pd.DataFrame | None) -> pd.DataFrame | None:
    """NPS answers as date, score, customer_id (and reason, when the source has one): from the `nps`
    table, else from surveys' "nps" question (never both, so no answer is counted twice). None when
    neither has answers."""
    if nps is not None and len(nps):
        out = nps.assign(score=pd.to_numeric(nps["score"], errors="coerce"))
    elif surveys is not None:
        answers = survey_answers(surveys, "nps")
        if answers is None:
            return None
        out = answers.assign(score=pd.to_numeric(answers["answer"], errors="coerce"))
    else:
        return None
    columns = ["date", "score", "customer_id", *(["reason"] if "reason" in out.columns else [])]
    out = out.assign(customer_id=customer_ids(out))[columns]
    return out.dropna(subset=["date", "score"])


def csat_summary(answers: pd.Series) -> dict[str, float | int | None]:
    """CSAT on a 1-5 scale: mean = average score; satisfied_share = share of scores 4 or 5.
    Answers that are not numbers in 1..5 are dropped."""
    values = pd.to_numeric(answers, errors="coerce")
    values = values[(values >= 1) & (values <= 5)]
    if not values.size:
        return {"responses": 0, "mean": None, "satisfied_share": None}
    return {
        "responses": int(values.size),
        "mean": float(values.mean()),
        "satisfied_share": float((values >= 4).mean()),
    }


def awareness_share(answers: pd.Series) -> dict[str, float | int | None]:
    """Program awareness = "yes" answers / ("yes" + "no") answers to "do you know the program?".
    Accepted: yes/y/true/1/да and no/n/false/0/нет (case-insensitive); other answers are dropped."""
    text = answers.astype("string").str.strip().str.lower()
    yes, no = int(text.isin(YES_ANSWERS).sum()), int(text.isin(NO_ANSWERS).sum())
    return {"responses": yes + no, "awareness": ratio(yes, yes + no)}


def motive_shares(answers: pd.Series) -> dict[str, float | int | None]:
    """Why members take part: share of answers per motive (value / brand / other).

    value = joins for the rewards (also "ценность", "выгода", "benefit"); brand = for the brand
    ("бренд"); any other non-empty answer counts as other. Shares sum to 1."""
    text = answers.astype("string").str.strip().str.lower().dropna()
    motive = text.map(lambda a: MOTIVE_ANSWERS.get(a, "other"))
    n = int(motive.size)
    shares = {m: (float((motive == m).mean()) if n else None) for m in ("value", "brand", "other")}
    return {"responses": n, **shares}


@dataclass(frozen=True)
class Window:
    """The analysed period and how answers are split: respondents' join days (`joins`, keyed by the
    answers' own customer ids; None = membership unknown) and whether to build the per-month and
    per-group rows (`breakdown`; False: the "all" row only)."""

    start: pd.Timestamp
    end: pd.Timestamp
    joins: pd.Series | None = None
    breakdown: bool = True


def breakdowns(
    frame: pd.DataFrame, summarise: Callable[[pd.DataFrame], dict[str, Any]], window: Window,
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """(per month, per respondent group) tables of `summarise` over the answers within the period,
    the first row of the second one the group "all"; with window.breakdown False only (None, the
    "all" row)."""
    start, end = window.start, window.end
    frame = frame.loc[between(frame["date"], start, end)]
    rows = [{"group": "all", **summarise(frame)}]
    if not window.breakdown:
        return None, pd.DataFrame(rows)
    month = month_start(frame["date"])
    monthly = pd.DataFrame(
        [{"month": m, **summarise(frame.loc[month == m])} for m in months_between(start, end)]
    )
    group = respondent_group(frame, window.joins)
    rows += [
        {"group": g, **summarise(frame.loc[group == g])}
        for g in (MEMBERS, NON_MEMBERS, UNLINKED)
        if (group == g).any()
    ]
    return monthly, pd.DataFrame(rows)


def nps_of(frame: pd.DataFrame) -> dict[str, Any]:
    """`nps_composition` of a frame of NPS responses."""
    return nps_composition(frame["score"])


def csat_of(frame: pd.DataFrame) -> dict[str, Any]:
    return csat_summary(frame["answer"])


def awareness_of(frame: pd.DataFrame) -> dict[str, Any]:
    return awareness_share(frame["answer"])


def motives_of(frame: pd.DataFrame) -> dict[str, Any]:
    return motive_shares(frame["answer"])

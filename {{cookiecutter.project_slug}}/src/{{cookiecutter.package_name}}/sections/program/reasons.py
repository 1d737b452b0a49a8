"""Why: the reasons respondents give for their NPS score, and what motivates members, by segment.

Reasons come from the optional ``reason`` column of the NPS answers (the nps table, or the surveys'
"nps" rows when NPS comes from there): free text or a code. A reason is normalised (lower case,
spaces trimmed and collapsed; empty = no reason) and counted per NPS group (promoters, passives,
detractors): share = answers of the group giving it / answers of the group giving any reason.

Privacy rule: a reason is a respondent's own words. Unless ``report.quote_reasons`` is true, a reason
is shown only when at least ``program.reason_min_count`` respondents gave it (over all groups;
distinct customers, each unlinked answer counting as one respondent); all other reasons are counted
together as "other reasons". A categorical reason field (a few codes) shows whole; of free text only
what many people wrote the same way shows, so no individual's text reaches the report. With
quote_reasons true every reason may show (never with an id or a contact). Per group the
``program.reason_top`` most frequent reasons are listed, the rest counted as "other reasons".

Motives: members' "motive" answers (value / brand / other, `surveys.motive_shares`) split by the
segments of `voice.profile`. Whether value-motivated members churn more than brand-motivated ones
once the benefit changes (`motive_churn`) needs the day it changed (``program.benefit_change_date``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .surveys import MOTIVE_ANSWERS
from .voice_outcomes import GROUPS, interval, weighted_mean

OTHER_REASONS = "other reasons"
REASON_COLUMNS = ["group", "reason", "answers", "share"]


def normalise(reasons: pd.Series) -> pd.Series:
    """Each reason lower-cased, spaces trimmed and collapsed; NA for an empty one."""
    text = reasons.astype("string").str.lower().str.replace(r"\s+", " ", regex=True).str.strip()
    return text.where(text != "")


def respondents(frame: pd.DataFrame) -> pd.Series:
    """Per reason, the respondents who gave it: distinct customers plus each unlinked answer."""
    linked = frame.loc[frame["customer"].notna()].groupby("reason")["customer"].nunique()
    unlinked = frame.loc[frame["customer"].isna()].groupby("reason").size()
    return linked.add(unlinked, fill_value=0).astype(int)


def reason_table(frame: pd.DataFrame, min_count: int, top: int, quote: bool) -> pd.DataFrame:
    """group, reason, answers, share of the answers with a reason (module docstring); `frame` has
    group, reason (normalised, NA = none) and customer (NaN = unlinked)."""
    given = frame.loc[frame["reason"].notna()]
    if given.empty:
        return pd.DataFrame(columns=REASON_COLUMNS)
    shown = set(given["reason"]) if quote else set(respondents(given).loc[lambda n: n >= min_count].index)
    rows = []
    for group in GROUPS:
        mine = given.loc[given["group"] == group, "reason"]
        if mine.empty:
            continue
        counts = mine.value_counts()
        counts = counts.loc[sorted(counts.index, key=lambda r: (-counts[r], r))]
        listed = [r for r in counts.index if r in shown][:top]
        rows += [{"group": group, "reason": r, "answers": int(counts[r]), "share": counts[r] / len(mine)}
                 for r in listed]
        rest = int(counts.drop(listed).sum())
        if rest:
            rows.append({"group": group, "reason": OTHER_REASONS, "answers": rest, "share": rest / len(mine)})
    return pd.DataFrame(rows, columns=REASON_COLUMNS)


def top_reason(table: pd.DataFrame, group: str) -> tuple[str, float] | None:
    """The most frequent reason shown for `group` (not "other reasons") and its share."""
    rows = table.loc[(table["group"] == group) & (table["reason"] != OTHER_REASONS)]
    return None if rows.empty else (str(rows.iloc[0]["reason"]), float(rows.iloc[0]["share"]))


def motive_of(answers: pd.Series) -> pd.Series:
    """value / brand / other of each motive answer (`surveys.MOTIVE_ANSWERS`)."""
    text = answers.astype("string").str.strip().str.lower()
    return text.map(lambda a: MOTIVE_ANSWERS.get(a, "other") if isinstance(a, str) else pd.NA)


def motive_churn(motives: pd.DataFrame, purchases: pd.DataFrame, change: pd.Timestamp, days: int
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Churn of value- vs brand-motivated members after the benefit changed on day `change`.

    Members: customers whose last motive answer on or before `change` is value or brand (`motives`:
    customer, day, motive). Churned: no purchase (amount > 0) on days (change, change + days]. Per
    motive the churn rate with its 95% interval (normal approximation); and the difference value -
    brand {difference, ci_low, ci_high}."""
    before = motives.loc[motives["customer"].notna() & (motives["day"] <= change)]
    last = before.sort_values(["customer", "day"], kind="stable").drop_duplicates("customer", keep="last")
    last = last.loc[last["motive"].isin(["value", "brand"])]
    after = purchases.loc[(purchases["amount"] > 0) & (purchases["day"] > change)
                          & (purchases["day"] <= change + pd.Timedelta(days=days))]
    churned = ~last["customer"].isin(after["customer"])
    rows, moments = [], {}
    for motive in ("value", "brand"):
        mine = churned[last["motive"] == motive].astype(float)
        mean, variance = weighted_mean(mine, pd.Series(1.0, index=mine.index))
        moments[motive] = (mean, variance)
        low, high = interval(mean, variance)
        rows.append({"motive": motive, "members": int(mine.size), "churn": mean, "ci_low": low,
                     "ci_high": high})
    out = dict.fromkeys(("difference", "ci_low", "ci_high"))
    (value, value_var), (brand, brand_var) = moments["value"], moments["brand"]
    if value is not None and brand is not None:
        out["difference"] = value - brand
        out["ci_low"], out["ci_high"] = interval(value - brand, value_var + brand_var)
    return pd.DataFrame(rows), out

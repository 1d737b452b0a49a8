"""The program section's parts of the report frame: headline tiles, findings, methodology.

Tiles (in this order): members' share of revenue (note: their share of checks), active members (note:
their share of all members), points redeemed / accrued (note: breakage), NPS x 100 (note: 95% interval
and answers; judged against zero). Findings: member share (priority 10), LFL (20), points (70), NPS
(80), members' behaviour against identified non-members (90). Methodology: the group ``program``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...config import get  # the value at a dotted path, None when any part is missing
from ...core.numbers import finite
from ...text.catalogue import Text
from ..registry import Finding, MethodGroup, TileSpec

Kpis = Mapping[str, Any]


def num(kpis: Kpis, path: str) -> float | None:
    """The number at a dotted kpis path, or None (missing, null, not a number; bools are not numbers)."""
    value = get(kpis, path)
    return None if isinstance(value, bool) else finite(value)


def _present(*values: Any) -> bool:
    return all(v is not None for v in values)


# ------------------------------------------------------------------------------------------- tiles


def note_member_share(kpis: Kpis, _path: str) -> Text | None:
    share = num(kpis, "program.member_transaction_share")
    return None if share is None else Text("tile.member_revenue_share.note", {"share": share})


def note_active(kpis: Kpis, _path: str) -> Text | None:
    share, members = num(kpis, "program.active_member_share"), num(kpis, "program.members")
    if not _present(share, members):
        return None
    return Text("tile.active_members.note", {"share": share, "members": members})


def note_redemption(kpis: Kpis, _path: str) -> Text | None:
    breakage = num(kpis, "program.breakage_rate")
    return None if breakage is None else Text("tile.redemption_rate.note", {"breakage": breakage})


def note_nps(kpis: Kpis, _path: str) -> Text | None:
    low, high = num(kpis, "program.nps.ci_low"), num(kpis, "program.nps.ci_high")
    responses = num(kpis, "program.nps.responses")
    if not _present(low, high, responses):
        return None
    return Text("tile.nps.note", {"low": low * 100, "high": high * 100, "responses": responses})


TILES: tuple[TileSpec, ...] = (
    TileSpec("member_revenue_share", "program.member_revenue_share", "percent", "higher",
             note=note_member_share),
    TileSpec("active_members", "program.active_members", "count", "higher", note=note_active),
    TileSpec("redemption_rate", "program.redemption_rate", "percent", "higher", note=note_redemption),
    TileSpec("nps", "program.nps.score", "nps", "higher", judge="zero", note=note_nps),
)


# ---------------------------------------------------------------------------------------- findings


def finding_member_share(kpis: Kpis) -> Text | None:
    """Members' count and reach, their share of revenue and of checks."""
    revenue = num(kpis, "program.member_revenue_share")
    if revenue is None:
        return None
    members, reach = num(kpis, "program.members"), num(kpis, "program.reach")
    checks = num(kpis, "program.member_transaction_share")
    if _present(members, reach, checks):
        return Text("finding.member_share", {"members": members, "reach": reach, "revenue_share": revenue,
                                             "check_share": checks})
    return Text("finding.member_share_short", {"revenue_share": revenue})


def finding_lfl(kpis: Kpis) -> Text | None:
    """Revenue of the last full month against the same month a year earlier."""
    yoy = num(kpis, "program.lfl.yoy")
    return None if yoy is None else Text("finding.lfl", {"yoy": yoy})


def finding_points(kpis: Kpis) -> Text | None:
    """Redemption, breakage and the liability of the outstanding points."""
    redemption = num(kpis, "program.redemption_rate")
    if redemption is None:
        return None
    breakage, liability = num(kpis, "program.breakage_rate"), num(kpis, "program.points_liability")
    if _present(breakage, liability):
        return Text("finding.points", {"redemption": redemption, "breakage": breakage,
                                       "liability": liability})
    return Text("finding.points_short", {"redemption": redemption})


def finding_nps(kpis: Kpis) -> Text | None:
    """NPS with its interval, answers, promoters and detractors."""
    keys = ("score", "ci_low", "ci_high", "responses", "promoters", "detractors")
    score, low, high, responses, promoters, detractors = (num(kpis, f"program.nps.{k}") for k in keys)
    if not _present(score, low, high, responses, promoters, detractors):
        return None
    return Text("finding.nps", {"score": score * 100, "low": low * 100, "high": high * 100,
                                "responses": responses, "promoters": promoters, "detractors": detractors})


def finding_behaviour(kpis: Kpis) -> Text | None:
    """Members' frequency and average check against identified non-members'."""
    values = [num(kpis, f"program.{k}") for k in ("frequency.members", "frequency.non_members",
                                                   "avg_check.members", "avg_check.non_members")]
    if not _present(*values):
        return None
    return Text("finding.member_behaviour", {"freq_members": values[0], "freq_others": values[1],
                                             "check_members": values[2], "check_others": values[3]})


FINDINGS: tuple[Finding, ...] = (
    Finding(10, finding_member_share),
    Finding(20, finding_lfl),
    Finding(70, finding_points),
    Finding(80, finding_nps),
    Finding(90, finding_behaviour),
)

METHODOLOGY: tuple[MethodGroup, ...] = (
    MethodGroup("program", ("member_share", "active_members", "redemption", "breakage", "nps", "lfl")),
)

"""Dirt (dirt=True): duplicate rows, returns, zero amounts and future-dated checks added to the export."""

from __future__ import annotations

import numpy as np

from .simulate import minutes
from .timeline import Calendar


def no_dirt() -> dict:
    return {"duplicates": 0, "returns": 0, "zero_amount": 0, "future_dated": 0, "missing_contacts": 0}


def make_dirt(ch: dict, cal: Calendar, p: dict,
              rng: np.random.Generator) -> tuple[dict | None, dict]:
    """Extra transaction rows: duplicates, returns, zero amounts, future dates (see module doc)."""
    n = ch["day"].size
    if n == 0:
        return None, no_dirt()
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
    ret["minute"] = minutes(ret_rows.size, p, rng)
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

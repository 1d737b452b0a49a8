"""The points ledger: accruals and redemptions on card checks, adjustments, FIFO expiry."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import MINUTES_PER_DAY
from .simulate import minutes
from .timeline import Calendar

_KEY = np.int64(1) << np.int64(40)  # customer index * _KEY + minute: one sortable int64 key


def _expiry_day_table(cal: Calendar, months: int, first: int, last: int) -> np.ndarray:
    days = np.arange(first, last + 1)
    dates = pd.DatetimeIndex(cal.start + pd.to_timedelta(days, unit="D"))
    expiry = dates + pd.DateOffset(months=int(months))
    return ((expiry - cal.start) // pd.Timedelta(days=1)).to_numpy().astype(np.int64)


def simulate_points(ch: dict, cust: dict, cal: Calendar, p: dict,
                    rng: np.random.Generator) -> dict:
    """Accruals and redemptions on card checks, adjustments, FIFO expiry; fills ch earned/redeemed.

    Points are integers in hundredths. A loop over the rank of a member's event (not over customers)
    carries each member's cumulative redeemed R and expired E: at an event at time t,
    E = max(E, A_exp(t) - R) where A_exp(t) is the cumulative credit of lots expired by t, and the
    balance before the event is A_before - R - E. Expiry bookings are the increments of
    E(T_j) = max(0, running max over lots of A(lot j) - R(before T_j)) at the lots' expiry times T_j.
    """
    D = cal.n_days
    card_idx = np.flatnonzero(ch["card"])
    m_ids = np.flatnonzero(cust["member"])
    n_adj = int(round(p["adjustment_share"] * m_ids.size))
    adj_c = rng.choice(m_ids, n_adj, replace=False) if n_adj else np.array([], np.int64)
    adj_hi = np.minimum(np.ceil(cust["death"][adj_c]), D).astype(np.int64)
    adj_lo = cust["join_day"][adj_c]
    adj_day = adj_lo + np.floor(rng.random(n_adj) * np.maximum(adj_hi - adj_lo, 1)).astype(np.int64)
    adj_day = np.minimum(adj_day, D - 1)
    lo_pts, hi_pts = p["adjustment_points"]
    adj_pts = rng.integers(int(lo_pts), int(hi_pts) + 1, n_adj).astype(np.int64) * 100
    adj_min = minutes(n_adj, p, rng)

    kop = ch["kop"][card_idx]
    ev_c = np.concatenate([ch["cust"][card_idx], adj_c]).astype(np.int64)
    ev_day = np.concatenate([ch["day"][card_idx], adj_day]).astype(np.int64)
    ev_t = ev_day * MINUTES_PER_DAY + np.concatenate([ch["minute"][card_idx], adj_min])
    ev_acc = np.concatenate([np.rint(kop * p["accrual_rate"]).astype(np.int64), adj_pts])
    ev_check = np.concatenate([card_idx, np.full(n_adj, -1)])
    max_red = np.concatenate([(kop * p["redemption_max_check_share"]).astype(np.int64),
                              np.zeros(n_adj, np.int64)])
    a_b, b_b = p["redemption_propensity_beta"]
    propensity = rng.beta(a_b, b_b, cust["n"])
    wants = (rng.random(ev_c.size) < propensity[ev_c]) & (ev_check >= 0)

    order = np.lexsort((ev_t, ev_c))
    ev_c, ev_day, ev_t, ev_acc, ev_check, max_red, wants = (
        x[order] for x in (ev_c, ev_day, ev_t, ev_acc, ev_check, max_red, wants))
    n_ev = ev_c.size
    red = np.zeros(n_ev, np.int64)
    expired = np.zeros(n_ev, np.int64)
    exp_day = np.zeros(n_ev, np.int64)
    if n_ev:
        table = _expiry_day_table(cal, p["expiry_months"], int(ev_day.min()), int(ev_day.max()))
        exp_day = table[ev_day - ev_day.min()]
        exp_t = exp_day * MINUTES_PER_DAY
        counts = np.bincount(ev_c, minlength=cust["n"])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        cum_a = np.cumsum(ev_acc)
        base_a = np.where(starts > 0, cum_a[np.maximum(starts - 1, 0)], 0)
        a_before = cum_a - ev_acc - base_a[ev_c]
        key_t = ev_c * _KEY + ev_t
        key_exp = ev_c * _KEY + exp_t
        pos = np.searchsorted(key_exp, key_t, side="right")
        a_exp = np.where(pos > starts[ev_c], cum_a[np.maximum(pos - 1, 0)] - base_a[ev_c], 0)

        active = np.flatnonzero(counts)
        active = active[np.argsort(-counts[active], kind="stable")]
        cnt_sorted = counts[active]
        st_sorted = starts[active]
        r_cum = np.zeros(active.size, np.int64)
        e_cum = np.zeros(active.size, np.int64)
        min_bal = int(round(p["redemption_min_balance"] * 100))
        n_active = np.searchsorted(-cnt_sorted, -np.arange(int(cnt_sorted.max())), side="left")
        for k, nk in enumerate(n_active):
            i = st_sorted[:nk] + k
            e_new = np.maximum(e_cum[:nk], a_exp[i] - r_cum[:nk])
            bal = a_before[i] - r_cum[:nk] - e_new
            r = np.where(wants[i] & (bal >= min_bal), np.minimum(bal, max_red[i]), 0)
            r_cum[:nk] += r
            e_cum[:nk] = e_new
            red[i] = r

        # Expiry bookings at the lots' expiry times inside the window.
        cum_r = np.cumsum(red)
        base_r = np.where(starts > 0, cum_r[np.maximum(starts - 1, 0)], 0)
        lots = np.flatnonzero(exp_day <= D - 1)
        if lots.size:
            lc = ev_c[lots]
            pos_r = np.searchsorted(key_t, lc * _KEY + exp_t[lots], side="left")
            r_before = np.where(pos_r > starts[lc], cum_r[np.maximum(pos_r - 1, 0)] - base_r[lc], 0)
            v = (cum_a[lots] - base_a[lc]) - r_before
            big = 2 * int(np.abs(v).max()) + 1
            run = np.maximum.accumulate(v + lc * big) - lc * big
            e_at = np.maximum(run, 0)
            first = np.r_[True, lc[1:] != lc[:-1]]
            prev = np.r_[0, e_at[:-1]]
            expired[lots] = e_at - np.where(first, 0, prev)
    is_check = ev_check >= 0
    ch["earned"][ev_check[is_check]] = ev_acc[is_check]
    ch["redeemed"][ev_check[is_check]] = red[is_check]

    parts = [
        ("accrual", ev_c[is_check], ev_day[is_check], ev_acc[is_check]),
        ("redemption", ev_c, ev_day, red),
        ("adjustment", ev_c[~is_check], ev_day[~is_check], ev_acc[~is_check]),
        ("expiry", ev_c, exp_day, expired),
    ]
    kind, c, day, pts = [], [], [], []
    for k, pc, pd_, pp in parts:
        keep = pp > 0
        kind.append(np.full(int(keep.sum()), k, dtype=object))
        c.append(pc[keep])
        day.append(pd_[keep])
        pts.append(pp[keep])
    led = pd.DataFrame({"cust": np.concatenate(c), "day": np.concatenate(day),
                        "kind": np.concatenate(kind), "pts": np.concatenate(pts)})
    # One expiry row per customer and day (several lots may burn the same day).
    exp_rows = led["kind"] == "expiry"
    merged = led[exp_rows].groupby(["cust", "day"], as_index=False)["pts"].sum()
    merged["kind"] = "expiry"
    led = pd.concat([led[~exp_rows], merged], ignore_index=True)
    rank = led["kind"].map({"accrual": 0, "adjustment": 1, "redemption": 2, "expiry": 3})
    led = led.assign(rank=rank).sort_values(["day", "cust", "rank"], kind="stable")
    return {k: led[k].to_numpy() for k in ("cust", "day", "kind", "pts")}

"""Customers (Pareto/NBD lifetimes and rates, Gamma-Gamma spend, tiers, joining, campaign targeting) and
their checks; see generator.py's docstring for the model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .campaign_effects import plant_campaign_effects
from .params import REGIONS, TIERS
from .timeline import Calendar


def simulate_customers(n: int, cal: Calendar, p: dict, rng: np.random.Generator) -> dict:
    if n < 1:
        raise ValueError("n_customers must be >= 1")
    D = cal.n_days
    existing = rng.random(n) < p["existing_customer_share"]
    u = rng.random(n)
    reg = np.where(existing, -(u * 365.0 * p["existing_customer_years"]), cal.S_inv(u * cal.cum[-1]))
    reg = np.minimum(reg, D - 1e-6)
    pn, gg = p["pareto_nbd"], p["gamma_gamma"]
    lam = rng.gamma(pn["r"], 1.0 / pn["alpha_days"], n)
    mu = rng.gamma(pn["s"], 1.0 / pn["beta_days"], n)
    death = reg + rng.exponential(1.0, n) / np.maximum(mu, 1e-12)
    nu = rng.gamma(gg["q"], 1.0 / gg["v"], n)
    value = lam * gg["p"] / nu
    tier = (np.argsort(np.argsort(value, kind="stable"), kind="stable") * 3) // n  # 0 low .. 2 high

    join_p = np.array([p["join_probability_by_tier"][t] for t in TIERS])
    would_join = rng.random(n) < join_p[tier]
    reg_day = np.floor(reg).astype(np.int64)
    join_delay = np.floor(rng.exponential(p["join_delay_mean_days"], n)).astype(np.int64)
    unsub_delay = np.floor(rng.exponential(p["unsubscribe_mean_days"], n)).astype(np.int64)

    region_names = list(REGIONS)
    region_w = np.array([REGIONS[r][1] for r in region_names])
    store_region = np.concatenate([np.full(REGIONS[r][2], i) for i, r in enumerate(region_names)])
    store_ids = np.array([f"{REGIONS[r][0]}-{k + 1:02d}" for r in region_names
                          for k in range(REGIONS[r][2])], dtype=object)
    store_w = region_w[store_region] / np.array([REGIONS[region_names[i]][2] for i in store_region])
    home_region = rng.choice(len(region_names), n, p=region_w / region_w.sum())
    first_store = np.searchsorted(store_region, home_region)
    home_store = first_store + np.floor(
        rng.random(n) * np.array([REGIONS[r][2] for r in region_names])[home_region]).astype(np.int64)

    # Joining: from the launch day of the customer's home region (region_launch_dates, else launch).
    region_launch = np.array([cal.region_launch_day(r) for r in region_names], dtype=np.int64)
    join_day = np.maximum(region_launch[home_region], reg_day + 1) + join_delay
    member = would_join & (join_day < death) & (join_day <= D - 1)
    join_day = np.where(member, join_day, -1)
    unsub_day = join_day + 1 + unsub_delay
    unsub = member & (unsub_day <= D - 1)
    unsub_day = np.where(unsub, unsub_day, -1)

    # Campaign targeting among customers alive on sent_at.
    campaigns = {}
    for cid, day in cal.campaigns.items():
        alive = (reg <= day) & (death > day)
        targeted = np.flatnonzero(alive & (rng.random(n) < p["campaign_target_share"]))
        targeted = rng.permutation(targeted)
        n_control = int(round(p["campaign_control_share"] * targeted.size))
        campaigns[cid] = {"day": day, "effect": float(p["campaign_effects"][cid]),
                          "control": np.sort(targeted[:n_control]),
                          "treatment": np.sort(targeted[n_control:])}

    order = np.argsort(reg, kind="stable")
    id_num = np.empty(n, dtype=np.int64)
    id_num[order] = 10_000_001 + np.arange(n)
    cust = {
        "n": n, "reg": reg, "reg_day": reg_day, "born_in_window": reg >= 0, "lam": lam, "mu": mu,
        "death": death, "nu": nu, "tier": tier, "member": member, "join_day": join_day,
        "unsub": unsub, "unsub_day": unsub_day, "home_store": home_store,
        "region_names": np.array(region_names, dtype=object), "store_region": store_region,
        "store_ids": store_ids, "store_w": store_w / store_w.sum(), "campaigns": campaigns,
        "id": id_num.astype(str).astype(object),
    }
    plant_campaign_effects(cust, cal, p)  # campaign_effects.py: each customer's effect
    return cust


def segments(cust: dict, cal: Calendar, p: dict) -> dict:
    """Piecewise-constant purchase intensity of every customer over their alive part of the window."""
    n, D = cust["n"], cal.n_days
    a = np.maximum(cust["reg"], 0.0)
    b = np.minimum(cust["death"], float(D))
    idx = np.arange(n)
    ev_c = [idx, idx]
    ev_t = [a, b]
    ev_d = [np.zeros(n), np.zeros(n)]
    m = np.flatnonzero(cust["member"])
    ev_c.append(m)
    ev_t.append(cust["join_day"][m].astype(float))
    ev_d.append(np.full(m.size, np.log1p(p["member_effect"])))
    for camp in cust["campaigns"].values():
        t = camp["treatment"]
        d = np.log1p(camp["effects"][t])
        ev_c += [t, t]
        ev_t += [np.full(t.size, float(camp["day"])),
                 np.full(t.size, float(camp["day"] + p["campaign_window_days"]))]
        ev_d += [np.full(t.size, d), np.full(t.size, -d)]
    c = np.concatenate(ev_c)
    t = np.concatenate(ev_t)
    d = np.concatenate(ev_d)
    order = np.lexsort((t, c))
    c, t, d = c[order], t[order], d[order]
    cs = np.cumsum(d)
    first = np.r_[True, c[1:] != c[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(c.size), 0))
    before = np.where(group_start > 0, cs[group_start - 1], 0.0)
    log_mult = cs - before
    same = c[:-1] == c[1:]
    sc = c[:-1][same]
    lo = np.maximum(t[:-1][same], a[sc])
    hi = np.minimum(t[1:][same], b[sc])
    keep = hi > lo
    sc, lo, hi, mult = sc[keep], lo[keep], hi[keep], np.exp(log_mult[:-1][same][keep])
    s_lo, s_hi = cal.S(lo), cal.S(hi)
    return {"cust": sc, "s_lo": s_lo, "s_hi": s_hi, "mean": cust["lam"][sc] * mult * (s_hi - s_lo)}


def _draw_amounts(nu: np.ndarray, p: dict, rng: np.random.Generator) -> dict:
    z = rng.gamma(p["gamma_gamma"]["p"], 1.0 / nu)
    kop = np.maximum(np.rint(z * 100.0).astype(np.int64), 100)
    items = 1 + rng.poisson(kop / 100.0 / 400.0)
    lo, hi = p["discount_range"]
    rate = rng.uniform(lo, hi, kop.size)
    has = rng.random(kop.size) < p["discount_share"]
    disc = np.where(has, np.rint(kop * rate / (1.0 - rate)), 0).astype(np.int64)
    return {"kop": kop, "items": items.astype(np.int64), "discount": disc}


def minutes(n: int, p: dict, rng: np.random.Generator) -> np.ndarray:
    hours = np.array([int(h) for h in p["hour_weights"]])
    w = np.array(list(p["hour_weights"].values()), float)
    return rng.choice(hours, n, p=w / w.sum()) * 60 + rng.integers(0, 60, n)


def simulate_checks(cust: dict, cal: Calendar, p: dict, rng: np.random.Generator) -> dict:
    seg = segments(cust, cal, p)
    counts = rng.poisson(seg["mean"])
    s = np.repeat(np.arange(counts.size), counts)
    u = seg["s_lo"][s] + rng.random(s.size) * (seg["s_hi"] - seg["s_lo"])[s]
    day = np.clip(np.floor(cal.S_inv(u)).astype(np.int64), 0, cal.n_days - 1)
    c = seg["cust"][s]
    born = np.flatnonzero(cust["born_in_window"])
    c = np.concatenate([born, c])
    day = np.concatenate([cust["reg_day"][born], day])
    n_id = c.size
    n_anon = int(round(n_id * p["anonymous_share"] / (1.0 - p["anonymous_share"])))
    anon_day = np.clip(np.floor(cal.S_inv(rng.random(n_anon) * cal.cum[-1])).astype(np.int64),
                       0, cal.n_days - 1)
    anon_nu = rng.gamma(p["gamma_gamma"]["q"], 1.0 / p["gamma_gamma"]["v"], n_anon)
    nu = np.concatenate([cust["nu"][c], anon_nu])
    amounts = _draw_amounts(nu, p, rng)
    day = np.concatenate([day, anon_day])
    c = np.concatenate([c, np.full(n_anon, -1)])
    n_all = c.size
    minute = minutes(n_all, p, rng)
    ident = c >= 0
    cc = np.where(ident, c, 0)
    home = rng.random(n_all) < p["home_store_share"]
    other = rng.choice(cust["store_ids"].size, n_all, p=cust["store_w"])
    store = np.where(ident & home, cust["home_store"][cc], other)
    member_check = ident & cust["member"][cc] & (day >= cust["join_day"][cc])
    card = member_check & (rng.random(n_all) < p["card_share"])  # only card checks earn points
    return {"cust": c, "day": day, "minute": minute, "store": store, "card": card, **amounts,
            "earned": np.zeros(n_all, np.int64), "redeemed": np.zeros(n_all, np.int64)}


def sort_and_number(ch: dict, rng: np.random.Generator) -> dict:
    order = np.lexsort((rng.random(ch["day"].size), ch["minute"], ch["day"]))
    out = {k: v[order] for k, v in ch.items()}
    out["number"] = 1_000_001 + np.arange(order.size, dtype=np.int64)
    return out


@dataclass
class Simulation:
    """Everything one generate() call simulated (dicts of numpy arrays), from which the files are
    written and the truth is counted."""

    cal: Calendar
    p: dict
    cust: dict
    checks: dict
    ledger: dict
    contacts: dict
    nps: dict
    surveys: dict
    dirt_rows: dict | None
    dirt_counts: dict

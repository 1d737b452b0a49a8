"""The checks written as receipt lines (`generate(..., lines=True)`): one row per line, as POS and 1C
exports give them, whose sums are exactly the checks of the check-level file.

transactions.csv (lines=True) has the columns of the check file with Сумма and Кол-во товаров replaced
by Кол-во (quantity), Цена (unit price) and Сумма строки (line amount = quantity × price, exactly):
Дата чека; Номер чека; ID клиента; Магазин; Регион; Кол-во; Цена; Сумма строки; Скидка; Карта;
Начислено баллов; Списано баллов. A check of n items has 1 to min(n, 4) lines (its lines are adjacent, in
the check file's order); the last line of a check with several lines has quantity 1 and takes the
remainder of the amount, the others share the other n - 1 items with prices drawn around the check's
average. A single-line check of n > 1 items gets two lines when its amount is not a whole number of
kopecks per item. Returns have negative quantities and line amounts (positive prices). Скидка and the
points are shared between the lines in proportion to their amounts (whole kopecks, remainder on the
last line), so the checks' sums are those of the check file. Dirt's exact duplicate rows are not
written: a repeated line is another unit of its check, not a duplicate check.

The split draws from its own random generator (seeded by the scenario's seed), so the checks, and every
other file, are those that the same scenario writes without lines.
"""

from __future__ import annotations

import numpy as np

LINE_HEADER = ("Кол-во", "Цена", "Сумма строки")
MAX_LINES = 4


def _spread(total: np.ndarray, weight: np.ndarray, check: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Whole units of each check's `total` shared by its lines in proportion to `weight` (per line), the
    remainder on the check's last line."""
    weight_sum = np.bincount(check, weights=weight, minlength=total.size)
    share = np.where(weight_sum[check] > 0, weight / np.maximum(weight_sum[check], 1), 0.0)
    part = np.floor(total[check] * share).astype(np.int64)
    part[last] = 0
    given = np.bincount(check, weights=part, minlength=total.size).astype(np.int64)
    part[last] = (total - given)[check[last]]
    return part


def split_lines(rows: dict, seed: int) -> dict:
    """Receipt lines of the checks in `rows` (arrays per check: kop, items, discount, earned, redeemed
    and the rest): `check` (row of the check of each line), quantity, price_kop, line_kop, discount,
    earned, redeemed per line (module docstring)."""
    rng = np.random.default_rng([int(seed), 7])
    kop, items = np.asarray(rows["kop"], np.int64), np.asarray(rows["items"], np.int64)
    n_items = np.maximum(np.abs(items), 1)
    magnitude = np.abs(kop)
    count = np.minimum(n_items, rng.integers(1, MAX_LINES + 1, kop.size))
    count[(count == 1) & (n_items > 1) & (magnitude % n_items != 0)] = 2
    check = np.repeat(np.arange(kop.size), count)
    start = np.cumsum(count) - count
    position = np.arange(check.size) - start[check]
    last = position == count[check] - 1
    # quantities: one line takes every item; otherwise the last line 1, the others share n - 1
    others = np.maximum(count - 1, 1)[check]
    rest = (n_items - 1)[check]
    quantity = np.where(count[check] == 1, n_items[check],
                        np.where(last, 1, rest // others + (position < rest % others)))
    # prices around the average per item; the last line takes the remainder (average prices if negative)
    average = magnitude // n_items
    price = np.floor(average[check] * rng.uniform(0.6, 1.4, check.size)).astype(np.int64)
    for attempt in range(2):
        line = quantity * price
        line[last] = 0
        line[last] = (magnitude - np.bincount(check, weights=line, minlength=kop.size).astype(np.int64))[
            check[last]]
        if attempt or (line >= 0).all():
            break
        bad = np.isin(check, np.flatnonzero(np.bincount(check[line < 0], minlength=kop.size)))
        price[bad] = average[check[bad]]
    price = np.where(last, line // quantity, price)
    sign = np.where(kop < 0, -1, 1)[check]
    quantity = quantity * np.where(items < 0, -1, 1)[check]
    out = {"check": check, "quantity": quantity, "price_kop": price * sign * np.sign(quantity),
           "line_kop": line * sign}
    for name in ("discount", "earned", "redeemed"):
        out[name] = _spread(np.asarray(rows[name], np.int64), np.abs(out["line_kop"]).astype(float),
                            check, last)
    return out

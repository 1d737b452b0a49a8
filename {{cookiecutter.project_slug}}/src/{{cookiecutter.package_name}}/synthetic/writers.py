"""Writing the export files (';'-separated, decimal comma, dates day-first)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .lines import LINE_HEADER, split_lines
from .params import CAMPAIGN_GROUPS, MINUTES_PER_DAY, POINT_OPERATIONS, TIERS
from .timeline import Calendar

# columns of the check file shared between a check's receipt lines -> split_lines' key
LINE_SHARED = {"Скидка": "discount", "Начислено баллов": "earned", "Списано баллов": "redeemed"}


def to_money(hundredths: np.ndarray) -> np.ndarray:
    return np.asarray(hundredths, dtype=np.int64) / 100.0


_CENTS = np.array([f",{k:02d}" for k in range(100)], dtype=object)


def _money_text(hundredths: np.ndarray) -> np.ndarray:
    """Integer hundredths as text with a decimal comma and two decimals: -1234 -> "-12,34"."""
    h = np.asarray(hundredths, dtype=np.int64)
    out = np.full(h.size, "0,00", dtype=object)
    nz = np.flatnonzero(h)
    a = np.abs(h[nz])
    whole = np.array(list(map(str, (a // 100).tolist())), dtype=object)
    out[nz] = np.where(h[nz] < 0, "-", "").astype(object) + whole + _CENTS[a % 100]
    return out


def _ids(cust: dict, c: np.ndarray) -> np.ndarray:
    c = np.asarray(c, dtype=np.int64)
    return np.where(c >= 0, cust["id"][np.maximum(c, 0)], "")


def _write_table(path: Path, columns: dict[str, np.ndarray], encoding: str = "utf-8",
                 chunk_rows: int = 200_000) -> int:
    """Write ';'-separated columns (no value contains ';', quotes or newlines); returns data rows.

    Integer and boolean columns are written as integers, everything else as its text. Rows are
    joined chunk by chunk to bound memory on millions of rows.
    """
    arrays = [np.asarray(values) for values in columns.values()]
    n = int(arrays[0].size) if arrays else 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(";".join(columns) + "\n")
        for lo in range(0, n, chunk_rows):
            texts = []
            for arr in arrays:
                part = arr[lo:lo + chunk_rows]
                if part.dtype.kind in "iub":
                    texts.append(list(map(str, part.astype(np.int64).tolist())))
                else:
                    texts.append(part.tolist())
            fh.write("\n".join(map(";".join, zip(*texts, strict=True))))
            fh.write("\n")
    return n


def ordered_checks(ch: dict, dirt_rows: dict | None) -> tuple[dict, np.ndarray]:
    """The rows of transactions.csv in file order (dirt included) and which are exact duplicates."""
    rows = {k: ch[k] for k in ch}
    is_dup = np.zeros(ch["day"].size, bool)
    if dirt_rows is not None:
        rows = {k: np.concatenate([ch[k], dirt_rows[k]]) for k in ch}
        is_dup = np.concatenate([is_dup, dirt_rows["kind"] == "duplicate"])
    order = np.lexsort((is_dup, rows["number"], rows["minute"], rows["day"]))
    return {k: v[order] for k, v in rows.items()}, is_dup[order]


def write_transactions(out_dir: Path, ch: dict, dirt_rows: dict | None, cust: dict,
                       cal: Calendar) -> int:
    rows, _ = ordered_checks(ch, dirt_rows)
    return _write_table(out_dir / "transactions.csv", check_columns(rows, cust, cal), encoding="cp1251")


def check_columns(rows: dict, cust: dict, cal: Calendar) -> dict[str, np.ndarray]:
    """The columns of transactions.csv (header -> values) for checks in file order."""
    minute_text = np.array([f" {m // 60:02d}:{m % 60:02d}" for m in range(MINUTES_PER_DAY)],
                           dtype=object)
    store = rows["store"]
    columns = {
        "Дата чека": cal.date_strings(rows["day"]) + minute_text[rows["minute"]],
        "Номер чека": rows["number"],
        "ID клиента": _ids(cust, rows["cust"]),
        "Магазин": cust["store_ids"][store],
        "Регион": cust["region_names"][cust["store_region"][store]],
        "Сумма": _money_text(rows["kop"]),
        "Кол-во товаров": rows["items"],
        "Скидка": _money_text(rows["discount"]),
        "Карта": rows["card"].astype(np.int8),
        "Начислено баллов": _money_text(rows["earned"]),
        "Списано баллов": _money_text(rows["redeemed"]),
    }
    return columns


def write_transaction_lines(out_dir: Path, ch: dict, dirt_rows: dict | None, cust: dict, cal: Calendar,
                            seed: int) -> tuple[int, int]:
    """transactions.csv as receipt lines (synthetic/lines.py); returns (lines, checks) written."""
    rows, is_dup = ordered_checks(ch, dirt_rows)
    rows = {k: v[~is_dup] for k, v in rows.items()}
    split = split_lines(rows, seed)
    columns = {}
    for name, values in check_columns(rows, cust, cal).items():
        if name == "Сумма":
            columns[LINE_HEADER[0]] = split["quantity"]
            columns[LINE_HEADER[1]] = _money_text(split["price_kop"])
            columns[LINE_HEADER[2]] = _money_text(split["line_kop"])
        elif name in LINE_SHARED:
            columns[name] = _money_text(split[LINE_SHARED[name]])
        elif name != "Кол-во товаров":
            columns[name] = values[split["check"]]
    written = _write_table(out_dir / "transactions.csv", columns, encoding="cp1251")
    return written, int(np.count_nonzero(~is_dup))


def _day_or_blank(cal: Calendar, days: np.ndarray) -> np.ndarray:
    days = np.asarray(days, dtype=np.int64)
    out = np.full(days.size, "", dtype=object)
    has = days >= 0
    out[has] = cal.date_strings(days[has])
    return out


def write_customers(out_dir: Path, cust: dict, contacts: dict, cal: Calendar) -> int:
    order = np.argsort(cust["id"].astype(np.int64), kind="stable")
    columns = {  # join and unsubscribe days are >= 0 when set (-1 = none)
        "client_id": cust["id"],
        "reg_date": cal.date_strings(cust["reg_day"]),
        "loyalty_join_date": _day_or_blank(cal, cust["join_day"]),
        "tier": np.array(TIERS, dtype=object)[cust["tier"]],
        "region": cust["region_names"][cust["store_region"][cust["home_store"]]],
        "email": contacts["email"],
        "phone": contacts["phone"],
        "first_name": contacts["first_name"],
        "last_name": contacts["last_name"],
        "unsubscribe_date": _day_or_blank(cal, cust["unsub_day"]),
    }
    return _write_table(out_dir / "customers.csv", {k: v[order] for k, v in columns.items()})


def write_points(out_dir: Path, ledger: dict, cust: dict, cal: Calendar) -> int:
    operation = np.array([POINT_OPERATIONS[k] for k in POINT_OPERATIONS], dtype=object)
    code = {k: i for i, k in enumerate(POINT_OPERATIONS)}
    kind_idx = np.array([code[k] for k in ledger["kind"]], dtype=np.int64)
    return _write_table(out_dir / "points.csv", {
        "client_id": _ids(cust, ledger["cust"]),
        "date": cal.date_strings(ledger["day"]),
        "operation": operation[kind_idx] if kind_idx.size else np.array([], dtype=object),
        "points": _money_text(ledger["pts"]),
    })


def write_simple(path: Path, table: dict, cust: dict, cal: Calendar) -> int:
    columns = {"date": cal.date_strings(table["day"]), "client_id": _ids(cust, table["cust"])}
    for col in table["columns"][2:]:
        columns[col] = table[col]
    return _write_table(path, columns)


def write_campaigns(out_dir: Path, cust: dict, cal: Calendar) -> int:
    cid_col, id_col, group_col, sent_col = [], [], [], []
    for cid, camp in cust["campaigns"].items():
        chosen = np.concatenate([camp["treatment"], camp["control"]])
        group = np.concatenate([np.full(camp["treatment"].size, CAMPAIGN_GROUPS["treatment"], object),
                                np.full(camp["control"].size, CAMPAIGN_GROUPS["control"], object)])
        order = np.argsort(cust["id"][chosen].astype(np.int64), kind="stable")
        cid_col.append(np.full(chosen.size, cid, dtype=object))
        id_col.append(cust["id"][chosen][order])
        group_col.append(group[order])
        sent_col.append(np.full(chosen.size, cal.date_strings(np.array([camp["day"]]))[0], object))

    def cat(parts: list) -> np.ndarray:
        return np.concatenate(parts) if parts else np.array([], dtype=object)

    return _write_table(out_dir / "campaigns.csv", {"campaign": cat(cid_col), "client_id": cat(id_col),
                                                    "group": cat(group_col), "sent_at": cat(sent_col)})

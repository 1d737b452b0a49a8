"""The receipt-line and cleaning rules (lines.py, clean.py) in DuckDB, over a transactions file streamed to
Parquet parts (stream.py), so that a big export is never held in memory.

Each rule is the same as in memory, and gives the same checks (values, order, types) and counts:
- receipt lines: checks ordered by their first line, check columns from the first line, sums exact in the
  decimals the values are written with (the number of decimals chosen over the whole column as
  lines._exact_sums does; values with more than 6 decimals summed as floats in the lines' order),
  conflicts counted with missing values agreeing; the same errors with the same example rows;
- cleaning: duplicates (every column equal to an earlier row's, missing values equal), future-dated,
  outside the period, then the counts of the kept checks; returns linked by transaction_id in DuckDB,
  returns linked by the customer's purchases and negative-net customers by the in-memory functions,
  bucket by bucket of the customers who returned something (float sums in the same order).
The kept checks are written in their order by streaming the parts through a bitmap of dropped rows
(one byte per check), not by sorting them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from .clean import CleaningRules, negative_net_customers, period_bounds, returns_linked
from .errors import DataError
from .lines import FIRST_LINE, LINE_COLUMNS, MAX_DECIMALS, SUMMED, _shown, summary, to_checks
from .stream import ROW, Staged

BATCH_ROWS = 1 << 20  # rows per batch written or handed to pandas
BUCKET_ROWS = 4_000_000  # rows per bucket of customers handed to pandas
PROBE = 65536  # lines._exact_sums chooses its first number of decimals on the first values


def q(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def parquet(paths: list[Path] | Path) -> str:
    """read_parquet of one file or a list of files, as a FROM item."""
    files = paths if isinstance(paths, list) else [paths]
    return f"read_parquet([{', '.join(literal(p) for p in files)}])"


def timestamp(value: pd.Timestamp) -> str:
    return f"TIMESTAMP '{pd.Timestamp(value).isoformat(sep=' ')}'"


def frames(con: duckdb.DuckDBPyConnection, sql: str, types: dict[str, Any]) -> Iterator[pd.DataFrame]:
    """The rows of `sql` in batches, as frames with the pandas types of the prepared table."""
    reader = con.sql(sql).to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        frame = pyarrow.Table.from_batches([batch]).to_pandas()
        yield frame.astype({name: types[name] for name in frame.columns if name in types})


# --- receipt lines -------------------------------------------------------------------------------------

def _example_rows(con: duckdb.DuckDBPyConnection, source: str, where: str, columns: list[str],
                  empty: pd.DataFrame, header_row: int) -> list[str]:
    """lines._rows_shown for the first rows matching `where`."""
    shown_columns = [c for c in ("date", "customer_id", "quantity", "price", "line_amount") if c in columns]
    picked = ", ".join([ROW, *map(q, shown_columns)])
    rows = pd.concat(list(frames(con, f"SELECT {picked} FROM {source} WHERE {where} ORDER BY {ROW} LIMIT 3",
                                 empty.dtypes.to_dict())))
    shown = []
    for _, row in rows.iterrows():
        values = [f"{name} {_shown(row[name])}" for name in shown_columns if not pd.isna(row[name])]
        shown.append(f"row {int(row[ROW]) + header_row + 2}: {', '.join(values)}")
    return shown


def _line_amount(columns: list[str]) -> str:
    if "line_amount" in columns and {"quantity", "price"} <= set(columns):
        return "coalesce(line_amount, quantity * price)"
    return "line_amount" if "line_amount" in columns else "quantity * price"


def _decimals(con: duckdb.DuckDBPyConnection, source: str, sums: dict[str, str],
              n: int) -> dict[str, int | None]:
    """Per summed column, the decimals lines._exact_sums sums it in (None: a plain float sum)."""
    aggregates = []
    for j, expression in enumerate(sums.values()):
        for d in range(MAX_DECIMALS + 1):
            scaled = f"(({expression}) * {10.0 ** d!r})"
            units = f"round_even({scaled}, 0)"
            for where, tag in (("true", "a"), (f"{ROW} < {PROBE}", "p")):
                aggregates += [f"coalesce(max(abs({scaled} - {units})) FILTER ({where}), 0) AS e{tag}{j}_{d}",
                               f"coalesce(max(abs({units})) FILTER ({where}), 0) AS l{tag}{j}_{d}"]
    row = con.execute(f"SELECT {', '.join(aggregates)} FROM {source}").fetchall()[0]
    stats = dict(zip([a.rsplit(" AS ", 1)[1] for a in aggregates], row, strict=True))

    def whole(tag: str, j: int, d: int, count: int) -> bool:
        error, largest = float(stats[f"e{tag}{j}_{d}"]), float(stats[f"l{tag}{j}_{d}"])
        return not (error > max(1e-6, largest * 1e-12) or largest * count >= 2.0**53)

    chosen: dict[str, int | None] = {}
    for j, name in enumerate(sums):
        first = next((d for d in range(MAX_DECIMALS + 1) if whole("p", j, d, min(n, PROBE))), MAX_DECIMALS)
        chosen[name] = next((d for d in range(first, MAX_DECIMALS + 1) if whole("a", j, d, n)), None)
    return chosen


def _sum(expression: str, decimals: int | None, missing: bool, column: str | None) -> str:
    if decimals is None:  # a float sum in the lines' order, as numpy's
        # from +0.0 as numpy's sums start: a check of one "-0" line is 0.0, not -0.0
        total = f"(0.0 + list_reduce(list(({expression}) ORDER BY {ROW}), lambda a, b: a + b))"
    else:
        total = f"sum(round_even(({expression}) * {10.0 ** decimals!r}, 0))"
        if decimals:
            total = f"({total} / {10.0 ** decimals!r})"
    return f"CASE WHEN count({q(column)}) = 0 THEN NULL ELSE {total} END" if missing and column else total


def _check_layout(columns: list[str]) -> list[tuple[str, str | None]]:
    """(check column, the line column summed into it or None for a first-line column), in to_checks'
    order: amount where the first line column is."""
    out: list[tuple[str, str | None]] = []
    for name in columns:
        if name in (*LINE_COLUMNS, "items") and all(c != "amount" for c, _ in out):
            out.append(("amount", None))
        if name in ("quantity", "items"):
            out.append(("items", name))
        elif name in SUMMED:
            out.append((name, name))
        elif name not in LINE_COLUMNS:
            out.append((name, None))
    return out


def lines_to_checks(con: duckdb.DuckDBPyConnection, staged: Staged, file: Path, header_row: int,
                    record: dict[str, Any] | None, folder: Path) -> Staged:
    """The checks the staged receipt lines make (lines.to_checks), written in their order to one Parquet
    file in `folder`, with ROW = the row of their first line."""
    columns, source, n_lines = staged.columns, parquet([p for p, _, _ in staged.parts]), staged.rows
    missing = con.execute(f"SELECT count(*) FROM {source} WHERE transaction_id IS NULL").fetchall()[0][0]
    if missing:
        raise DataError(file, f"{missing} receipt line(s) have no check number: lines are summed into "
                        "checks by transaction_id, so every line needs one", "transaction_id",
                        _example_rows(con, source, "transaction_id IS NULL", columns, staged.empty,
                                      header_row))
    amount = _line_amount(columns)
    bad = con.execute(f"SELECT count(*) FROM {source} WHERE ({amount}) IS NULL").fetchall()[0][0]
    if bad:
        no_quantity = con.execute(f"SELECT count(*) FROM {source} WHERE quantity IS NULL").fetchall()[0][0]
        column = "line_amount" if "line_amount" in columns else ("quantity" if no_quantity else "price")
        raise DataError(file, f"{bad} receipt line(s) have no amount: neither line_amount nor "
                        "quantity and price", column,
                        _example_rows(con, source, f"({amount}) IS NULL", columns, staged.empty, header_row))
    layout = _check_layout(columns)
    sums = {name: amount if line is None else f"coalesce({q(line)}, 0)"
            for name, line in layout if name == "amount" or line is not None}
    decimals = _decimals(con, source, sums, n_lines)
    aggregates = [f"{_sum(sums[name], decimals[name], name != 'amount', line)} AS {q(name)}"
                  for name, line in layout if name in sums]
    firsts = folder / "firsts.parquet"
    con.execute(f"COPY (SELECT transaction_id, min({ROW}) AS {ROW}, {', '.join(aggregates)} FROM {source} "
                f"GROUP BY transaction_id) TO {literal(firsts)} (FORMAT parquet)")
    n_checks = con.execute(f"SELECT count(*) FROM {parquet(firsts)}").fetchall()[0][0]
    conflicts = _conflicts(con, source, firsts, columns) if n_checks < n_lines else 0
    picked = [f"s.{q(name)}" if name in sums else f"l.{q(name)}" for name, _ in layout]
    checks = folder / "checks.parquet"
    con.execute("SET preserve_insertion_order = true")  # the file in the order of the checks
    con.execute(f"COPY (SELECT {', '.join(picked)}, s.{ROW} FROM {parquet(firsts)} s JOIN {source} l "
                f"ON l.{ROW} = s.{ROW} ORDER BY s.{ROW}) TO {literal(checks)} (FORMAT parquet)")
    con.execute("SET preserve_insertion_order = false")  # as engine.duck.connect sets it
    firsts.unlink()
    if record is not None:
        record.update(summary(n_lines, n_checks, conflicts))
    empty = to_checks(staged.empty.copy(), file, header_row)
    empty = empty.astype(dict.fromkeys(sums, "float64"))  # (numpy sums nothing into integers)
    return Staged(folder, list(empty.columns), empty, int(n_checks), [(checks, 0, int(n_checks))])


def _conflicts(con: duckdb.DuckDBPyConnection, source: str, firsts: Path, columns: list[str]) -> int:
    """Checks whose lines disagree on a check column (missing values agree)."""
    compared = [name for name in FIRST_LINE if name in columns]
    if not compared:
        return 0
    values = ", ".join(f"l.{q(name)} AS {q(name)}" for name in compared)
    differs = " OR ".join(f"l.{q(name)} IS DISTINCT FROM f.{q(name)}" for name in compared)
    return int(con.execute(
        f"WITH f AS (SELECT l.transaction_id, {values} FROM {parquet(firsts)} s JOIN {source} l "
        f"ON l.{ROW} = s.{ROW}) SELECT count(DISTINCT l.transaction_id) FROM {source} l "
        f"JOIN f ON l.transaction_id = f.transaction_id WHERE {differs}").fetchall()[0][0])


def check_contract(con: duckdb.DuckDBPyConnection, staged: Staged, file: Path) -> None:
    """schema.validate of the checks: a date and an amount on every check (their types hold by
    construction), with validate's error."""
    source = parquet([p for p, _, _ in staged.parts])
    for column in ("date", "amount"):
        empty = con.execute(f"SELECT count(*) FROM {source} WHERE {q(column)} IS NULL").fetchall()[0][0]
        if empty:
            raise DataError(file, f"{empty} row(s) break the data contract: empty values where a value is "
                            "required", column, [])


# --- cleaning ------------------------------------------------------------------------------------------

def clean_checks(con: duckdb.DuckDBPyConnection, staged: Staged, *, today: pd.Timestamp,
                 rules: CleaningRules, out: Path, folder: Path) -> dict[str, Any]:
    """clean.clean_transactions on the staged checks: writes the kept checks to `out` (as pandas would)
    and returns {"counts", "removed", "period"} as CleaningResult has them."""
    source = parquet([p for p, _, _ in staged.parts])
    columns = staged.columns
    every = ", ".join(map(q, columns))
    # only rows that repeat a date and an amount can repeat a whole row (as clean.duplicated_rows)
    duplicated = folder / "duplicates.parquet"
    candidates = folder / "candidates.parquet"
    con.execute(f"COPY (SELECT s.* FROM {source} s SEMI JOIN (SELECT date, amount FROM {source} GROUP BY ALL "
                "HAVING count(*) > 1) c ON s.date = c.date AND s.amount = c.amount) "
                f"TO {literal(candidates)} (FORMAT parquet)")
    con.execute(f"COPY (SELECT c.{ROW} FROM {parquet(candidates)} c ANTI JOIN (SELECT min({ROW}) AS {ROW} "
                f"FROM {parquet(candidates)} GROUP BY {every}) f ON c.{ROW} = f.{ROW}) "
                f"TO {literal(duplicated)} (FORMAT parquet)")
    candidates.unlink()
    dup = f"({ROW} IN (SELECT {ROW} FROM {parquet(duplicated)}))"
    future = f"date > {timestamp(today.normalize() + pd.Timedelta(days=rules.future_tolerance_days + 1))}"
    drop = (f"(({dup} AND {str(rules.drop_duplicates).lower()}) "
            f"OR (({future}) AND {str(rules.drop_future).lower()}))")
    n, top, future_dated, first, last = con.execute(
        f"SELECT count(*), max({ROW}), count(*) FILTER ({future}), min(date) FILTER (NOT {drop}), "
        f"max(date) FILTER (NOT {drop}) FROM {source}").fetchall()[0]
    duplicates = con.execute(f"SELECT count(*) FROM {parquet(duplicated)}").fetchall()[0][0]
    start, end = period_bounds(rules, first, last)
    outside = (f"(NOT {drop} AND (date < {timestamp(start)} OR "
               f"date >= {timestamp(end + pd.Timedelta(days=1))}))")
    dropped = np.zeros(int(top or 0) + 1, bool)  # one byte per row: dropped or not
    n_outside = 0
    reader = con.sql(f"SELECT {ROW}, {outside} AS outside FROM {source} WHERE {drop} OR {outside}"
                     ).to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        dropped[batch.column(0).to_numpy()] = True
        n_outside += int(np.count_nonzero(batch.column(1).to_numpy(zero_copy_only=False)))
    duplicated.unlink()
    kept = write_kept(staged, dropped, out)
    counts = {"rows_read": int(n), "duplicates": int(duplicates), "future_dated": int(future_dated),
              "outside_period": int(n_outside), **kept_counts(con, out, columns, staged.empty, folder),
              "rows_kept": kept}
    return {"counts": counts, "removed": int(n) - kept, "period": (start, end)}


def write_kept(staged: Staged, dropped: np.ndarray, out: Path) -> int:
    """The staged rows not dropped, in order, to `out` with the schema pandas gives the table."""
    schema = pyarrow.Schema.from_pandas(staged.empty, preserve_index=False)
    kept, last = 0, -1
    with pq.ParquetWriter(out, schema) as writer:
        for path, _, _ in staged.parts:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
                rows = batch.column(batch.schema.get_field_index(ROW)).to_numpy()
                if rows.size and (rows[0] <= last or (np.diff(rows) <= 0).any()):
                    raise AssertionError(f"{path}: the staged rows are out of order")
                last = int(rows[-1]) if rows.size else last
                keep = ~dropped[rows]
                table = pyarrow.Table.from_batches([batch]).filter(pyarrow.array(keep))
                table = table.select(staged.columns).cast(schema)
                kept += table.num_rows
                writer.write_table(table)
    return kept


def kept_counts(con: duckdb.DuckDBPyConnection, out: Path, columns: list[str], empty: pd.DataFrame,
                folder: Path) -> dict[str, int]:
    """The counts clean_transactions makes on the kept checks (returns, links, ids, anonymous)."""
    kept = f"read_parquet({literal(out)}, file_row_number = true)"
    has_id, has_customer = "transaction_id" in columns, "customer_id" in columns
    anonymous = "count(*) FILTER (customer_id IS NULL)" if has_customer else "count(*)"
    returns, zero, ids, anonymous_rows = con.execute(
        f"SELECT count(*) FILTER (amount < 0), count(*) FILTER (amount = 0), "
        f"{'count(transaction_id)' if has_id else '0'}, {anonymous} FROM {kept}").fetchall()[0]
    repeated_ids = 0
    if has_id:  # (a plain grouping spills where a DISTINCT aggregate may not)
        distinct = con.execute(f"SELECT count(*) FROM (SELECT transaction_id FROM {kept} WHERE "
                               "transaction_id IS NOT NULL GROUP BY transaction_id)").fetchall()[0][0]
        repeated_ids = ids - distinct
    unlinked, negative = _returns_and_nets(con, kept, has_id, has_customer, empty, folder)
    return {"returns": int(returns), "zero_amount": int(zero), "returns_unlinked": unlinked,
            "negative_net_customers": negative, "duplicate_transaction_ids": int(repeated_ids),
            "anonymous": int(anonymous_rows)}


def _returns_and_nets(con: duckdb.DuckDBPyConnection, kept: str, has_id: bool, has_customer: bool,
                      empty: pd.DataFrame, folder: Path) -> tuple[int, int]:
    """Returns that no purchase accounts for (clean.returns_linked) and customers whose net is negative
    (clean.negative_net_customers). A link by transaction_id is found in DuckDB; the customers who
    returned something are then taken bucket by bucket, with every check of theirs, by the in-memory
    functions (a return covered by the customer's biggest purchase up to its day; sums per customer)."""
    by_id = "false"
    if has_id:
        by_id = (f"coalesce(transaction_id IN (SELECT transaction_id FROM {kept} WHERE amount > 0 AND "
                 f"transaction_id IN (SELECT transaction_id FROM {kept} WHERE amount < 0)), false)")
    if not has_customer:
        return int(con.execute(f"SELECT count(*) FROM {kept} WHERE amount < 0 AND NOT {by_id}"
                               ).fetchall()[0][0]), 0
    unlinked = int(con.execute(f"SELECT count(*) FROM {kept} WHERE amount < 0 AND customer_id IS NULL "
                               f"AND NOT {by_id}").fetchall()[0][0])
    negative = 0
    sql = (f"SELECT customer_id, date, amount, amount < 0 AND {by_id} AS by_id, file_row_number AS rn "
           f"FROM {kept} WHERE customer_id IN "
           f"(SELECT customer_id FROM {kept} WHERE amount < 0 AND customer_id IS NOT NULL)")
    for frame in customer_buckets(con, sql, empty.dtypes.to_dict(), folder):
        checks = frame[["customer_id", "date", "amount"]]
        covered = returns_linked(checks).to_numpy(dtype=bool)
        unlinked += int(((frame["amount"] < 0).to_numpy(dtype=bool) & ~frame["by_id"].to_numpy(dtype=bool)
                         & ~covered).sum())
        negative += negative_net_customers(checks)
    return unlinked, negative


def customer_buckets(con: duckdb.DuckDBPyConnection, sql: str, types: dict[str, Any],
                     folder: Path) -> Iterator[pd.DataFrame]:
    """The rows of `sql` (with customer_id and an order column rn) in buckets of customers (every row of
    a customer in one bucket) of about BUCKET_ROWS rows, each in the order rn, as pandas frames."""
    staged = folder / f"buckets-{abs(hash(sql)) % 10**8}.parquet"
    rows = con.execute(f"COPY (SELECT *, hash(customer_id) % 1024 AS h FROM ({sql})) TO {literal(staged)} "
                       "(FORMAT parquet)").fetchall()[0][0]
    try:
        n = max(1, math.ceil(int(rows) / BUCKET_ROWS))
        for bucket in range(n):
            parts = list(frames(con, f"SELECT * EXCLUDE (h, rn) FROM {parquet(staged)} "
                                     f"WHERE h % {n} = {bucket} ORDER BY rn", types))
            if parts:
                yield pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    finally:
        staged.unlink(missing_ok=True)

"""Benchmark of the out-of-core engine (issue #17): checks bucketed by customer, and RFM's bases computed
bucket by bucket, at growing sizes; and the two embedded engines we measured against each other.

For each size a prepared checks file (`transactions.parquet` as `prepare` writes it: string ids, 20%
anonymous checks, 12 checks per customer) is written in chunks of 2M rows (bounded memory), then, each in
its own process reporting its seconds and peak resident memory (VmHWM):

- ``buckets``: `engine.buckets.write_buckets` under the run's budget (``--limit``, run.memory_limit);
- ``rfm``: `map_buckets` of `sections.rfm.scoring.customer_rfm` over them;
- ``duckdb`` / ``polars`` (``--engines``): per-customer and per-customer-month aggregates written to
  Parquet by DuckDB under half the budget, and by Polars' streaming engine (which has no memory limit),
  when Polars is installed (it is not a dependency: `pip install polars` to compare).

    python benchmarks/bench_engine.py [--sizes 1M,10M,100M] [--limit 60%] [--engines] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

CHUNK = 2_000_000
CHECKS_PER_CUSTOMER = 12

STEP = r"""
import json, resource, sys, time
from functools import partial
from pathlib import Path
import pandas as pd
step, folder, limit = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
from {{ cookiecutter.package_name }}.engine.budget import Budget
budget = Budget.from_config({"run": {"memory_limit": limit}})
started = time.perf_counter()
if step == "buckets":
    from {{ cookiecutter.package_name }}.engine.buckets import write_buckets
    write_buckets(folder / "transactions.parquet", folder / "buckets", budget)
elif step == "rfm":
    from {{ cookiecutter.package_name }}.engine.buckets import map_buckets
    from {{ cookiecutter.package_name }}.sections.rfm.scoring import customer_rfm
    base = map_buckets(folder / "buckets", partial(customer_rfm, snapshot=pd.Timestamp("2024-12-31")),
                       ["customer_id", "date", "amount"])
elif step == "duckdb":
    from {{ cookiecutter.package_name }}.engine.duck import connect, quoted
    source = f"read_parquet({quoted(folder / 'transactions.parquet')})"
    with connect(budget, folder / ".spill") as con:
        con.execute(f"COPY (SELECT customer_id, count(*) AS checks, count(DISTINCT CAST(date AS DATE)) "
                    f"AS days, min(date) AS first_at, max(date) AS last_at, sum(amount) AS amount FROM "
                    f"{source} WHERE customer_id IS NOT NULL GROUP BY customer_id) TO "
                    f"{quoted(folder / 'by_customer.parquet')}")
        con.execute(f"COPY (SELECT customer_id, date_trunc('month', date) AS month, count(*) AS checks, "
                    f"sum(amount) AS amount FROM {source} WHERE customer_id IS NOT NULL GROUP BY ALL) TO "
                    f"{quoted(folder / 'by_month.parquet')}")
elif step == "polars":
    import polars as pl
    frame = pl.scan_parquet(folder / "transactions.parquet").filter(pl.col("customer_id").is_not_null())
    frame.group_by("customer_id").agg(
        pl.len().alias("checks"), pl.col("date").dt.date().n_unique().alias("days"),
        pl.col("date").min().alias("first_at"), pl.col("date").max().alias("last_at"),
        pl.col("amount").sum()).sink_parquet(folder / "by_customer.parquet")
    frame.group_by("customer_id", pl.col("date").dt.truncate("1mo").alias("month")).agg(
        pl.len().alias("checks"), pl.col("amount").sum()).sink_parquet(folder / "by_month.parquet")
seconds = time.perf_counter() - started
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
print(json.dumps({"seconds": seconds, "peak": peak}))
"""


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KM")) * factor)


def write_checks(path: Path, rows: int, seed: int = 1) -> None:
    """`rows` checks in the prepared table's layout, written 2M rows at a time."""
    rng = np.random.default_rng(seed)
    customers = max(1, rows // CHECKS_PER_CUSTOMER)
    schema = pa.schema([("date", pa.timestamp("ns")), ("transaction_id", pa.large_string()),
                        ("customer_id", pa.large_string()), ("amount", pa.float64())])
    with pq.ParquetWriter(path, schema) as out:
        for start in range(0, rows, CHUNK):
            size = min(CHUNK, rows - start)
            ids = np.char.add("C", rng.integers(0, customers, size).astype("U9")).astype(object)
            ids[rng.random(size) < 0.2] = None
            hours = rng.integers(0, 730 * 24, size).astype("timedelta64[h]")
            out.write_table(pa.table({
                "date": pa.array(np.datetime64("2023-01-01T00", "ns") + hours),
                "transaction_id": pa.array(np.char.add("T", np.arange(start, start + size).astype("U11"))
                                           .astype(object), pa.large_string()),
                "customer_id": pa.array(ids, pa.large_string()),
                "amount": pa.array(np.round(rng.gamma(2.0, 700.0, size), 2)),
            }))


def measure(step: str, folder: Path, limit: str) -> dict[str, float] | None:
    result = subprocess.run([sys.executable, "-c", STEP, step, str(folder), limit], capture_output=True,
                            text=True, env={"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
                                            "PATH": "/usr/bin:/bin"})
    if result.returncode != 0:
        print(f"  {step}: failed: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--limit", default="60%", help="run.memory_limit for the run (default 60%%)")
    parser.add_argument("--engines", action="store_true", help="also DuckDB against Polars")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the checks files in this folder")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench_engine_"))
    steps = ["buckets", "rfm"] + (["duckdb", "polars"] if args.engines else [])
    print(f"| step | {' | '.join(f'{s}: s | {s}: peak GiB' for s in args.sizes.split(','))} |")
    print(f"|---|{'---:|---:|' * len(args.sizes.split(','))}")
    rows = {step: [] for step in steps}
    for size in args.sizes.split(","):
        folder = root / size
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "transactions.parquet").is_file():
            write_checks(folder / "transactions.parquet", parse_size(size))
        for step in steps:
            figures = measure(step, folder, args.limit)
            rows[step] += ["-", "-"] if figures is None else [f"{figures['seconds']:.1f}",
                                                               f"{figures['peak'] / 2**30:.2f}"]
    for step in steps:
        print(f"| {step} | {' | '.join(rows[step])} |")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark of the chunked sample generator (issue #17): seconds and peak memory for N checks.

Sizes the population with `synthetic.scale_for_transactions(checks)`, then writes it with
`synthetic.generate(..., chunk_customers=...)` into a scratch folder (removed afterwards unless --keep)
and prints the seconds, the checks and rows written, the files' size and the process's peak resident
memory (VmHWM of /proc/self/status: the high-water mark over the whole run, so it includes the imports).

    python benchmarks/bench_generate.py --checks 10M [--chunk 500000] [--seed 0] [--keep DIR]
    python benchmarks/bench_generate.py --checks 100M              # about 8M customers, ~10 GB of files

The machine's load average is printed too: on a shared machine say what else was running.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from {{ cookiecutter.package_name }} import synthetic  # noqa: E402

UNITS = {"k": 1_000, "m": 1_000_000}
GIB = 1024 ** 3


def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '2500' -> 2500."""
    text = text.strip().lower()
    factor = UNITS.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in UNITS else text
    return int(float(number) * factor)


def peak_rss_bytes() -> int:
    """VmHWM of this process (peak resident set size), 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run(checks: int, chunk: int, seed: int, out: Path) -> dict:
    """Generate about `checks` checks in blocks of `chunk` customers into `out`; the figures."""
    customers = synthetic.scale_for_transactions(checks)
    started = time.perf_counter()
    truth = synthetic.generate(out, n_customers=customers, seed=seed, chunk_customers=chunk)
    seconds = time.perf_counter() - started
    return {"customers": customers, "blocks": truth["chunks"]["blocks"], "seconds": seconds,
            "checks": truth["realised"]["transactions_clean"], "rows": truth["realised"]["rows"],
            "bytes": sum(f.stat().st_size for f in out.iterdir()), "peak_rss": peak_rss_bytes()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", default="10M", help="about this many checks (10M, 100M, 250k)")
    parser.add_argument("--chunk", type=int, default=500_000, help="customers per block (500000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", help="write into this folder and keep it (default: a scratch folder)")
    args = parser.parse_args(argv)
    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_generate_"))
    try:
        figures = run(parse_size(args.checks), args.chunk, args.seed, out)
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"checks         {figures['checks']:>14,}  (asked {parse_size(args.checks):,})")
    print(f"customers      {figures['customers']:>14,}  in {figures['blocks']} blocks of {args.chunk:,}")
    rate = figures["checks"] / figures["seconds"]
    print(f"seconds        {figures['seconds']:>14.1f}  ({rate:,.0f} checks/s)")
    print(f"peak memory    {figures['peak_rss'] / GIB:>14.2f} GiB (VmHWM)")
    print(f"files          {figures['bytes'] / GIB:>14.2f} GiB")
    for name, count in figures["rows"].items():
        print(f"  {name:<13}{count:>14,} rows")
    print(f"load average   {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs (1, 5, 15 min, "
          "after the run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of receipt-line exports: prepare() on N receipt lines against the same checks exported one row
per check (issue #16: same speed class as check exports).

Writes one sample (`synthetic.generate`, sized by `scale_for_transactions` so that it has about N lines;
about 2.3 lines per check) twice into a scratch project: as checks and as receipt lines (`lines=True`),
with only the transactions table configured, so that the time is reading, summing and cleaning the
checks. Each prepare() runs in its own process, which reports its seconds and its peak memory (VmHWM,
the process's high-water mark of resident memory), and with a cold cache (force=True).

    python benchmarks/bench_lines.py [--lines 1M 10M] [--repeats 3] [--keep DIR]

With --keep the samples are written to DIR/<size> and reused by later runs with the same DIR.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from {{ cookiecutter.package_name }} import synthetic  # noqa: E402

LINES_PER_CHECK = 2.33  # what the sample's split gives (measured; only used to size the sample)
CHECK_COLUMNS = {"Дата чека": "date", "Номер чека": "transaction_id", "ID клиента": "customer_id",
                 "Магазин": "store_id", "Регион": "region", "Скидка": "discount", "Карта": "loyalty_card",
                 "Начислено баллов": "points_earned", "Списано баллов": "points_redeemed"}
AS_CHECKS = {"Сумма": "amount", "Кол-во товаров": "items"}
AS_LINES = {"Кол-во": "quantity", "Цена": "price", "Сумма строки": "line_amount"}


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KM")) * factor)


def client_config(folder: str, lines: bool) -> str:
    columns = {**CHECK_COLUMNS, **(AS_LINES if lines else AS_CHECKS)}
    return json.dumps({  # JSON is YAML
        "name": folder,
        "data": {"read": {"sep": ";", "decimal": ",", "encoding": "cp1251", "date_format": "%d.%m.%Y %H:%M"},
                 "transactions": {"path": f"data/raw/{folder}/transactions.csv", "columns": columns}},
        "period": {"start": "2023-01-01", "end": "2024-12-31"},
    }, ensure_ascii=False)


def scratch_project(project: Path, n_lines: int) -> None:
    """Both exports of one sample of about n_lines receipt lines, and a client config for each."""
    customers = synthetic.scale_for_transactions(round(n_lines / LINES_PER_CHECK))
    shutil.copytree(Path(__file__).resolve().parents[1] / "config", project / "config")
    clients = project / "config" / "clients"
    for name, lines in (("checks", False), ("lines", True)):
        synthetic.generate(project / "data" / "raw" / name, n_customers=customers, seed=1, lines=lines)
        (clients / f"{name}.yaml").write_text(client_config(name, lines), encoding="utf-8")


def measure(project: Path, client: str) -> dict:
    """prepare() of one client in this process: seconds, peak memory, rows."""
    from {{ cookiecutter.package_name }}.config import load_config
    from {{ cookiecutter.package_name }}.ingest.prepare import prepare

    config = load_config(project, client)
    began = time.perf_counter()
    prepared = prepare(project, config, force=True)
    seconds = time.perf_counter() - began
    status = Path("/proc/self/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return {"seconds": seconds, "peak_mb": peak_kb / 1024, "rows_read": prepared.rows_read["transactions"],
            "checks": prepared.cleaning["rows_kept"], "lines": prepared.lines}


def measured(project: Path, client: str) -> dict:
    """measure() in a fresh process, so that its peak memory is its own."""
    done = subprocess.run([sys.executable, __file__, "--measure", str(project), client], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def _folder(keep: str | None, size: str) -> Iterator[Path]:
    """The scratch project: `keep`/<size> (kept, and reused by the next run), else a temporary folder."""
    if keep:
        yield Path(keep) / size
        return
    with tempfile.TemporaryDirectory(prefix="bench-lines-") as tmp:
        yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", nargs="+", default=["1M"], help="sizes in receipt lines (1M, 10M, ...)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each; the fastest is shown")
    parser.add_argument("--keep", help="write the samples here and keep them (default: a temporary folder)")
    parser.add_argument("--measure", nargs=2, metavar=("PROJECT", "CLIENT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return
    for size in args.lines:
        with _folder(args.keep, size) as project:
            began = time.perf_counter()
            if (project / "config" / "clients" / "lines.yaml").is_file():
                print(f"{size} lines: samples of {project} reused")
            else:
                scratch_project(project, parse_size(size))
                print(f"{size} lines: samples written in {time.perf_counter() - began:.0f} s")
            runs = [{client: measured(project, client) for client in ("checks", "lines")}
                    for _ in range(args.repeats)]  # interleaved, so that both see the same machine
            results = {client: min((run[client] for run in runs), key=lambda result: result["seconds"])
                       for client in ("checks", "lines")}
            for client, result in results.items():
                rows = result["rows_read"]
                print(f"  {client:6s} export: {rows:>11,} rows -> {result['checks']:>10,} checks  "
                      f"{result['seconds']:6.1f} s  ({rows / result['seconds'] / 1e6:.2f} M rows/s)  "
                      f"peak {result['peak_mb']:7.0f} MB")
            lines, checks = results["lines"], results["checks"]
            print(f"  lines / checks export: {lines['seconds'] / checks['seconds']:.2f}x the time, "
                  f"{lines['peak_mb'] / checks['peak_mb']:.2f}x the peak memory, for "
                  f"{lines['rows_read'] / checks['rows_read']:.2f}x the rows")


if __name__ == "__main__":
    main()

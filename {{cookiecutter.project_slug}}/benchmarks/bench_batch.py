"""Benchmark of batch runs: throughput of a batch of small clients with 1 and 2 local workers and on a
Dask LocalCluster.

Builds a scratch project (this project's config and notebooks) with --clients sample clients of
--customers customers each, prepares their inputs once (so every timed batch reuses the cached tables),
then times whole batches. Prints the median over --repeats of each setting in clients per minute and the
speed-up of 2 workers over 1 (close to 2 on an idle 2-core machine: each client is a separate process
and kernel, so clients parallelise well; the machine's noise shows in the spread of the repeats).

    python benchmarks/bench_batch.py [--clients 8] [--customers 300] [--repeats 3] [--only data_quality]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from {{ cookiecutter.package_name }} import synthetic  # noqa: E402
from {{ cookiecutter.package_name }}.config import load_config  # noqa: E402
from {{ cookiecutter.package_name }}.ingest.prepare import prepare  # noqa: E402
from {{ cookiecutter.package_name }}.run.batch import default_workers, run_batch  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]


def scratch_project(folder: Path, clients: int, customers: int) -> list[str]:
    """A project in `folder` with `clients` sample clients (demo's config pointed at their data)."""
    shutil.copytree(PROJECT / "config", folder / "config")
    shutil.copytree(PROJECT / "notebooks", folder / "notebooks")
    demo = folder / "config" / "clients" / "demo.yaml"
    text = demo.read_text(encoding="utf-8")
    demo.unlink()
    names = [f"client{i:02d}" for i in range(clients)]
    for seed, name in enumerate(names):
        synthetic.generate(folder / "data" / "raw" / name, n_customers=customers, seed=seed)
        (folder / "config" / "clients" / f"{name}.yaml").write_text(
            text.replace("data/raw/demo/", f"data/raw/{name}/"), encoding="utf-8")
        prepare(folder, load_config(folder, name))
    return names


def timed_batch(project: Path, names: list[str], only: list[str], **how) -> float:
    began = time.perf_counter()
    result = run_batch(project, names, only=only, progress=False, **how)
    seconds = time.perf_counter() - began
    if not result.ok:
        raise SystemExit(f"batch failed: {[(o.client, o.error) for o in result.failed]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="+", default=["data_quality"], metavar="SECTION")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        project = Path(tmp)
        names = scratch_project(project, args.clients, args.customers)
        print(f"{args.clients} clients x {args.customers} customers, sections {' '.join(args.only)}, "
              f"{default_workers()} cores, median of {args.repeats}")
        settings: dict[str, dict] = {"1 worker": {"workers": 1}, "2 workers": {"workers": 2}}
        cluster = None
        if not args.no_dask:
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                   dashboard_address=None)
            settings["Dask LocalCluster (2 threads)"] = {"scheduler": cluster.scheduler_address}
        medians = {}
        try:
            for label, how in settings.items():
                runs = [timed_batch(project, names, args.only, **how) for _ in range(args.repeats)]
                medians[label] = statistics.median(runs)
                spread = ", ".join(f"{s:.1f}" for s in runs)
                print(f"  {label:<30} {medians[label]:6.1f} s  {60 * len(names) / medians[label]:5.1f} "
                      f"clients/min  (runs: {spread} s)")
        finally:
            if cluster is not None:
                cluster.close()
        print(f"  speed-up 2 workers / 1 worker: {medians['1 worker'] / medians['2 workers']:.2f}x")


if __name__ == "__main__":
    main()

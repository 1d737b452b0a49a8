"""Benchmark of the whole pipeline at growing data sizes: seconds and peak memory per notebook.

For each size (checks, e.g. 10k, 100k, 1M, 10M) it writes a sample client of about that many checks
(`synthetic.scale_for_transactions` + `synthetic.generate`) into a scratch project (this project's config and
notebooks), then times, --repeats times, `runner.run_client` from the raw files (the cache removed
first): reading and cleaning (`prepare`, while the first kernel starts), every notebook with papermill
(side by side in the configured number of kernels; `--kernels 1` for one after the other), the report.
Above `run.engine_min_checks` (2M) checks the run goes out of core (issue #17): the "buckets" step is the
checks bucketed by customer, and the table ends with the issue's targets (1M <= 15 s; 10M <= 2 min and
2 GiB; 100M <= 20 min and 8 GiB) beside the measured total and peak.
Seconds per notebook come from the bundle's manifest.json. Peak memory is the peak of the summed RSS of
this process and all its children (kernels, Chromium), sampled every 0.2 s, overall, per step and per
notebook (while it ran; notebooks that overlap share their samples).
Finally it times our RFM summary against lifetimes' `summary_data_from_transaction_data` on the same
prepared checks (bench_clv.compare_summaries).

    python benchmarks/bench_scale.py [--sizes 10k,100k,1M] [--repeats 1] [--keep DIR]
    python benchmarks/bench_scale.py --sizes 10k,100k,1M,10M     # 10M: several GB of RAM, minutes
    python benchmarks/bench_scale.py --sizes 100M --keep /tmp/bench --reuse   # data made once (~11 min)

Run it on an otherwise idle machine (or under `nice`, and say the machine was shared).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psutil  # noqa: E402

from {{ cookiecutter.package_name }} import synthetic  # noqa: E402
from {{ cookiecutter.package_name }}.cli import CHUNK_ABOVE_CUSTOMERS, CHUNK_CUSTOMERS  # noqa: E402
from {{ cookiecutter.package_name }}.config import load_config  # noqa: E402
from {{ cookiecutter.package_name }}.ingest.prepare import cache_dir_for, prepare  # noqa: E402
from {{ cookiecutter.package_name }}.run.runner import run_client  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
CLIENT = "demo"
UNITS = {"k": 1_000, "m": 1_000_000}
SAMPLE_SECONDS = 0.2
GIB = 1024 ** 3
LIFETIMES_MAX_CHECKS = 2_000_000  # the comparison loads every check: only below the engine's threshold
TARGETS = {1_000_000: (15, None), 10_000_000: (120, 2.0), 100_000_000: (1200, 8.0)}  # s, GiB (#17)


def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '2500' -> 2500."""
    text = text.strip().lower()
    factor = UNITS.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in UNITS else text
    return int(float(number) * factor)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


class TreeMemory:
    """Peak of the summed RSS of a process and all its descendants, overall and per named phase.

    Phases may overlap (notebooks running side by side in two kernels): a sample counts for every
    phase open at that moment (`open` / `close`); `enter` closes the others and opens one.
    """

    def __init__(self, pid: int | None = None, every: float = SAMPLE_SECONDS) -> None:
        self.root = psutil.Process(pid or os.getpid())
        self.every = every
        self.active: set[str] = {"setup"}
        self._lock = threading.Lock()
        self.peaks: dict[str, int] = {}
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _tree_rss(self) -> int:
        total = 0
        for process in [self.root, *self.root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += process.memory_info().rss
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.mark()
            self._stop.wait(self.every)

    def mark(self) -> None:
        rss = self._tree_rss()
        with self._lock:
            self.peak = max(self.peak, rss)
            for phase in self.active:
                self.peaks[phase] = max(self.peaks.get(phase, 0), rss)

    def enter(self, phase: str) -> None:
        self.mark()
        with self._lock:
            self.active = {phase}
        self.mark()

    def open(self, phase: str) -> None:
        with self._lock:
            self.active.add(phase)
        self.mark()

    def close(self, phase: str) -> None:
        self.mark()
        with self._lock:
            self.active.discard(phase)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.mark()


def scratch_project(folder: Path, n_checks: int, seed: int, reuse: bool = False) -> dict[str, Any]:
    """A project in `folder`: this project's config and notebooks, demo data of about `n_checks` checks
    (in blocks above a million customers, as `sample-data` makes them). With `reuse`, data already
    there for the same size and seed is kept (the config and notebooks are copied again)."""
    customers = synthetic.scale_for_transactions(n_checks)
    raw = folder / "data" / "raw" / CLIENT
    made = folder / "bench.json"
    if reuse and made.is_file() and (raw / "truth.json").is_file():
        info = json.loads(made.read_text(encoding="utf-8"))
        if info.get("customers") == customers and info.get("seed") == seed:
            for part in ("config", "notebooks"):
                shutil.rmtree(folder / part, ignore_errors=True)
                shutil.copytree(PROJECT / part, folder / part)
            return {**info, "reused": True}
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(PROJECT / "config", folder / "config")
    shutil.copytree(PROJECT / "notebooks", folder / "notebooks")
    began = time.perf_counter()
    chunk = CHUNK_CUSTOMERS if customers > CHUNK_ABOVE_CUSTOMERS else None
    truth = synthetic.generate(raw, n_customers=customers, seed=seed, chunk_customers=chunk)
    rows = truth.get("realised", truth).get("rows", {})
    info = {"customers": customers, "checks": rows.get("transactions"), "seed": seed,
            "generate_seconds": time.perf_counter() - began}
    made.write_text(json.dumps(info), encoding="utf-8")
    return info


def one_run(project: Path, keep_bundle: bool = False, kernels: int | None = None,
            cached: bool = False) -> dict[str, Any]:
    """The whole pipeline as a consultant runs it, from raw files (the cache is removed first, so the
    inputs are parsed again, while the first kernel starts; with `cached` the prepared tables of an
    earlier run are reused: the sections alone); seconds and peaks per step.

    Steps: "prepare" (config, reading, cleaning, caching), "buckets" (the checks bucketed by customer,
    out of core only; with the kernels' start up to the bundle's staging folder),
    each notebook (its own seconds from the manifest, kernel start included; with two kernels
    notebooks overlap, so their sum exceeds "notebooks"), "notebooks" (wall time of all of them),
    "report" (HTML, workbook, PDF) and "total" (the whole `run_client` call).
    """
    if not cached:
        shutil.rmtree(cache_dir_for(project, CLIENT), ignore_errors=True)
    marks: dict[str, float] = {}
    with TreeMemory() as memory:
        memory.enter("prepare")

        def on_event(kind: str, details: dict[str, Any]) -> None:
            now = time.perf_counter()
            if kind == "prepared":
                marks["prepared"] = now
                memory.enter("buckets")
            elif kind == "staging":
                marks["staging"] = now
                memory.enter("notebooks")
            elif kind == "notebook":
                memory.open(details["notebook"])
            elif kind == "notebook_done":
                memory.close(details["notebook"])
            elif kind == "report":
                marks["report"] = now
                memory.enter("report")

        began = time.perf_counter()
        result = run_client(project, CLIENT, progress=False, log=lambda message: None,
                            on_event=on_event, kernels=kernels)
        ended = time.perf_counter()
        memory.enter("done")
    if result.status != "complete":
        raise SystemExit(f"run failed: {result.error} (bundle {result.bundle})")
    manifest = json.loads((result.bundle / "manifest.json").read_text(encoding="utf-8"))
    notebooks = {nb["notebook"]: nb["seconds"] for nb in manifest["notebooks"]}
    run = {
        "prepare": marks["prepared"] - began,
        "buckets": marks["staging"] - marks["prepared"],
        **notebooks,
        "notebooks": marks["report"] - marks["staging"],
        "report": ended - marks["report"],
        "total": ended - began,
    }
    peaks = {name: memory.peaks.get(name, 0) for name in run if name not in ("total",)}
    peaks["total"] = memory.peak
    if not keep_bundle:
        shutil.rmtree(result.bundle)
    return {"seconds": run, "peak_bytes": peaks}


def summary_ratio(project: Path, repeats: int) -> dict[str, Any]:
    """Our RFM summary vs lifetimes' on the prepared checks (identified, positive amounts)."""
    from bench_clv import compare_summaries

    prepared = prepare(project, load_config(project, CLIENT))
    checks = prepared.table("transactions")
    checks = checks.loc[checks["customer_id"].notna() & (checks["amount"] > 0),
                        ["customer_id", "date", "amount"]]
    end = checks["date"].max().normalize()
    ours, theirs, same = compare_summaries(checks, end, repeats)
    return {"ours": ours, "lifetimes": theirs, "ratio": ours / theirs if theirs else None,
            "same": same, "checks": len(checks)}


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{os.cpu_count()} cores ({model}), {psutil.virtual_memory().total / GIB:.1f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
            f"load average at start {load}")


def median_runs(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    keys = list(runs[0]["seconds"])
    return {
        "seconds": {k: statistics.median(r["seconds"][k] for r in runs) for k in keys},
        "peak_bytes": {k: statistics.median(r["peak_bytes"][k] for r in runs) for k in keys},
    }


def print_table(results: dict[str, dict[str, Any]], repeats: int) -> None:
    """Markdown table: one row per step, one column pair (seconds, peak GiB) per size."""
    sizes = list(results)
    steps: list[str] = []
    for result in results.values():
        steps += [k for k in result["median"]["seconds"] if k not in steps]
    header = "| step | " + " | ".join(f"{s}: s | {s}: peak GiB" for s in sizes) + " |"
    print(f"\nmedian of {repeats} run(s); peak = summed RSS of the process tree (runner, kernels, "
          "Chromium); notebooks may overlap (two kernels), so their seconds add up to more than "
          "'notebooks', the wall time of all of them")
    print(header)
    print("|---|" + "---:|---:|" * len(sizes))
    for step in steps:
        cells = []
        for size in sizes:
            median = results[size]["median"]
            seconds = median["seconds"].get(step)
            peak = median["peak_bytes"].get(step)
            cells.append("" if seconds is None else f"{seconds:.1f}")
            cells.append("" if peak is None else f"{peak / GIB:.2f}")
        name = f"**{step}**" if step == "total" else step
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\n| size | checks | customers | generate s | summary ours s | lifetimes s | ours / lifetimes "
          "| same F,R,T |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for size, result in results.items():
        info, ratio = result["data"], result["summary"]
        print(f"| {size} | {info['checks']:,} | {info['customers']:,} | {info['generate_seconds']:.1f} "
              f"| {ratio['ours']:.2f} | {ratio['lifetimes']:.2f} | {ratio['ratio']:.3f} | {ratio['same']} |")
    print_targets(results)


def print_targets(results: dict[str, dict[str, Any]]) -> None:
    """The issue's targets (#17) beside the measured whole run, for the sizes that have one."""
    rows = []
    for size, result in results.items():
        target = TARGETS.get(parse_size(size))
        if target is None:
            continue
        seconds, peak = result["median"]["seconds"]["total"], result["median"]["peak_bytes"]["total"] / GIB
        limit_s, limit_gib = target
        met = seconds <= limit_s and (limit_gib is None or peak <= limit_gib)
        rows.append(f"| {size} | {seconds:.1f} | {limit_s} | {peak:.2f} | "
                    f"{'' if limit_gib is None else limit_gib} | {'yes' if met else 'no'} |")
    if rows:
        print("\n| size | total s | target s | peak GiB | target GiB | met |")
        print("|---|---:|---:|---:|---:|---|")
        print("\n".join(rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M",
                        help="comma-separated numbers of checks (default 10k,100k,1M; add 10M explicitly)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per size; medians are shown")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kernels", type=int, default=None,
                        help="kernels side by side (default: the config's run.kernels, auto)")
    parser.add_argument("--no-lifetimes", action="store_true", help="skip the lifetimes comparison")
    parser.add_argument("--keep", metavar="DIR", help="keep the scratch projects in DIR (default: temporary)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: use the data already in DIR for a size instead of generating it")
    parser.add_argument("--json", metavar="FILE", help="also write every run's numbers to FILE")
    parser.add_argument("--memory-limit", metavar="SIZE",
                        help="the client's run.memory_limit (e.g. 8GiB; default: the config's, 60%% of RAM)")
    parser.add_argument("--cached", action="store_true",
                        help="with --keep --reuse: reuse the prepared tables of the last run (sections only)")
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]

    print(machine())
    results: dict[str, dict[str, Any]] = {}
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        for n in sizes:
            label = size_label(n)
            project = base / f"project-{label}"
            info = scratch_project(project, n, args.seed, reuse=args.reuse and bool(args.keep))
            if args.memory_limit:
                client = project / "config" / "clients" / f"{CLIENT}.yaml"
                client.write_text(client.read_text(encoding="utf-8")
                                  + f"\nrun:\n  memory_limit: {args.memory_limit}\n", encoding="utf-8")
            print(f"{label}: {info['checks']:,} checks of {info['customers']:,} customers "
                  f"({'reused, ' if info.get('reused') else ''}generated in "
                  f"{info['generate_seconds']:.1f} s)", flush=True)
            runs = []
            for repeat in range(args.repeats):
                run = one_run(project, keep_bundle=bool(args.keep), kernels=args.kernels,
                              cached=args.cached and bool(info.get("reused")))
                runs.append(run)
                print(f"  run {repeat + 1}: {run['seconds']['total']:.1f} s, "
                      f"peak {run['peak_bytes']['total'] / GIB:.2f} GiB  "
                      + " ".join(f"{k}={v:.1f}" for k, v in run["seconds"].items() if k != "total"),
                      flush=True)
            skip = args.no_lifetimes or (info["checks"] or 0) > LIFETIMES_MAX_CHECKS
            ratio = ({"ours": float("nan"), "lifetimes": float("nan"), "ratio": float("nan"),
                      "same": None} if skip else summary_ratio(project, args.repeats))
            results[label] = {"data": info, "runs": runs, "median": median_runs(runs), "summary": ratio}
            if not args.keep:
                shutil.rmtree(project, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print_table(results, args.repeats)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()

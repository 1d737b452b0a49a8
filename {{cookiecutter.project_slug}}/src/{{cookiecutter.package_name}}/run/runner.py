"""Run a client's sections with papermill into a report bundle, atomically.

The sections and their notebooks come from the registry (`sections.registered()`): section
``NN``/``key`` runs ``notebooks/NN_<key>.ipynb``. The bundle is written into
`reports/<client>/.<run_id>.writing/` and renamed to `reports/<client>/<run_id>/` once the report is
built, so a half-written bundle never looks published.

A failing section never costs the others: every notebook runs whatever another one did. The run's
status (manifest.json) is `complete` when every notebook ran (a section that skips parts, or all of
itself, with a reason still ran), `partial` when some failed but at least one ran: the bundle is
published all the same, the failed sections shown in the report with their error and their kpis.json
blocks null. A run is `failed` when no notebook ran or the report could not be built: it is renamed
to `<run_id>.failed/` with the executed notebooks (the error in the failing cell) and a manifest
saying `failed`. A run whose inputs cannot be read raises before anything is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import platform
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from .. import __version__
from ..config import UnknownSection, load_config, write_config
from ..core.memory import release_memory
from ..engine.budget import KERNEL_BASE_BYTES, available_cores
from ..sections.registry import registered
from .context import PARTS, RUN_FILE
from .kernels import (  # noqa: F401  (ensure_kernel, kernel_count: part of the runner's interface)
    PACKAGE,
    SharedKernel,
    ensure_kernel,
    first_line,
    kernel_count,
    kernel_name_for,
    let_kernels_import_this_package,
)
from .reading import read_inputs

KEY_PACKAGES = ("pandas", "numpy", "pyarrow", "pandera", "scipy", "statsmodels", "scikit-learn",
                "lifetimes", "matplotlib", "seaborn", "papermill", "nbconvert", "ipykernel", "openpyxl")
COMPLETE, PARTIAL, FAILED = "complete", "partial", "failed"
STAGING_SUFFIX = ".writing"  # reports/<client>/.<run_id>.writing/: a run being written

Log = Callable[[str], None]
EventSink = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class SectionNotebook:
    """A section of the run and the notebook that computes it."""

    key: str
    number: int
    path: Path
    cost: float = 1.0  # running time relative to the other sections' (`Section.cost`)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class NotebookResult:
    notebook: str
    status: str = "not run"  # ok | failed | not run
    seconds: float = 0.0
    error: str | None = None


@dataclass
class RunResult:
    client: str
    run_id: str
    status: str
    bundle: Path | None
    seconds: float
    notebooks: list[NotebookResult] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class RunOptions:
    """How to run a client: `only` these sections (keys, notebook stems or numbers; all when empty),
    with a progress bar or not, where log lines go, who is told of each step (`on_event`), in
    how many kernels (default: config `run.kernels`), and on how many cores (default: all this process
    may use; shared among the kernels, whose per-customer passes use them: `engine.buckets`)."""

    only: Sequence[str] | None = None
    progress: bool = True
    log: Log | None = None
    on_event: EventSink | None = None
    kernels: int | None = None
    scheduler: str | None = None
    cores: int | None = None


# --- the notebooks of a run -------------------------------------------------------------------------


def sections_of(project_dir: Path) -> list[SectionNotebook]:
    """Every registered section in run order, with its notebook ``notebooks/NN_<key>.ipynb``
    (UnknownSection when a section's notebook is missing). Other notebooks in the folder (a
    consultant's scratch work) are not run."""
    folder = Path(project_dir) / "notebooks"
    sections = []
    for section in registered():
        path = folder / section.notebook
        if not path.is_file():
            missing = Path("notebooks") / section.notebook
            raise UnknownSection(f"section {section.key!r} has no notebook {missing}")
        sections.append(SectionNotebook(section.key, section.number, path, section.cost))
    return sections


def notebooks_of(project_dir: Path) -> list[Path]:
    """The pipeline's notebooks in run order (see `sections_of`)."""
    return [section.path for section in sections_of(project_dir)]


def _names_of(section: SectionNotebook) -> tuple[str, ...]:
    return (section.key, section.path.stem, f"{section.number:02d}")


def select_sections(sections: list[SectionNotebook], only: Sequence[str] | None) -> list[SectionNotebook]:
    """The sections whose key, notebook stem or number is listed in `only` (all when `only` is empty);
    UnknownSection naming the known keys otherwise."""
    if not only:
        return sections
    chosen: set[str] = set()
    for wanted in only:
        matches = [s.key for s in sections if wanted in _names_of(s)]
        if not matches:
            known = ", ".join(s.key for s in sections)
            raise UnknownSection(f"unknown section {wanted!r}; sections are: {known}")
        chosen.update(matches)
    return [s for s in sections if s.key in chosen]


# --- small parts ------------------------------------------------------------------------------------


def new_run_id() -> str:
    """Sortable by time, unique across parallel runs: 20241231-235959-a1b2."""
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version(), PACKAGE: __version__}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def latest_bundle(project_dir: Path, client: str) -> Path | None:
    """The newest published bundle of `client` (complete or partial: see its manifest), or None."""
    folder = Path(project_dir) / "reports" / client
    complete = [p for p in folder.glob("[0-9]*") if p.is_dir() and "." not in p.name
                and (p / "manifest.json").is_file()]
    return max(complete, key=lambda p: p.name) if complete else None


def _release_memory() -> None:
    """Hand freed memory back to the system: Python's garbage, Arrow's pool, glibc's free lists (the
    runner stays alive while the kernels work, and its resident size counts in the peak)."""
    release_memory()


def _import_quietly(*modules: str) -> None:
    """Import modules ahead of their use (in a side thread); a failure shows again where they are used."""
    for name in modules:
        with contextlib.suppress(Exception):  # the real import later raises it with its context
            importlib.import_module(name)


_first_line = first_line


# --- one client -------------------------------------------------------------------------------------


def run_client(project_dir: Path, client: str, only: Sequence[str] | None = None,
               progress: bool = True, log: Log | None = None, on_event: EventSink | None = None,
               kernels: int | None = None) -> RunResult:
    """Validate, prepare and run every section of `client`; return where the bundle is.

    Raises ConfigError / DataError before anything is written when the config or an input is bad,
    UnknownSection for an unknown `only`. `on_event(kind, details)`, if given, is told when each step
    starts and ends, so that a supervisor (the batch) can show progress and enforce its own time
    limits: ("prepared", {reused, checks}), ("bucketed", {}) when the checks are bucketed by customer
    (engine), ("staging", {run_id, staging}), ("notebook", {notebook, index, total}),
    ("notebook_done", {notebook, status, seconds, error}), ("report", {}). `kernels`: run the
    notebooks in that many kernels side by side (default: config `run.kernels`, see `kernel_count`);
    the notebooks are independent of each other, and the first kernel starts and imports the analysis
    libraries while the inputs are read.
    """
    return run_with(Path(project_dir), client, RunOptions(only, progress, log, on_event, kernels))


def run_with(project_dir: Path, client: str, options: RunOptions) -> RunResult:
    """`run_client` with its options in one object."""
    from tqdm.auto import tqdm

    log = options.log or (lambda message: tqdm.write(message, file=sys.stderr))  # keeps the bar intact
    emit = options.on_event or (lambda kind, details: None)
    project_dir = Path(project_dir).resolve()
    started, clock = dt.datetime.now(), time.perf_counter()
    config = load_config(project_dir, client)
    if options.scheduler:  # per-customer work of this run on that Dask cluster (engine.cluster)
        config = {**config, "run": {**config["run"], "scheduler": options.scheduler}}
    sections = select_sections(sections_of(project_dir), options.only)
    kernel = kernel_name_for(config)
    let_kernels_import_this_package()
    share = bool(config["run"]["share_kernel"])
    cwd = project_dir / "notebooks"
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="kernel-start")
    first = SharedKernel(kernel, enabled=share, cwd=cwd)
    try:
        warming = [pool.submit(first.warm_up)] if share else []
        pool.submit(_import_quietly, "papermill", f"{PACKAGE}.report.bundle")  # 4-6 s, beside the reading
        # a big export is read in a child process (reading.py), within the budget the runner and the
        # kernel starting beside it leave
        beside = psutil.Process().memory_info().rss + (KERNEL_BASE_BYTES if share else 0)
        inputs = read_inputs(project_dir, config, beside)
        prepared, out_of_core = inputs.prepared, inputs.out_of_core
        if not prepared.reused:
            _release_memory()  # the raw text read is garbage now; the kernels need the memory
        log(f"[{client}] inputs "
            f"{'unchanged, cached tables reused' if prepared.reused else 'read and cached'}")
        checks = (prepared.lines or {}).get("checks") or prepared.rows_read.get("transactions")
        emit("prepared", {"reused": prepared.reused, "checks": checks})
        if out_of_core:
            log(f"[{client}] checks bucketed by customer: per-customer bases computed out of memory")
            emit("bucketed", {})
        count = options.kernels or kernel_count(config, checks, len(sections), out_of_core)
        shared = [first] + [SharedKernel(kernel, enabled=share, cwd=cwd) for _ in range(count - 1)]
        for each in shared:  # a big client's notebooks each start from a new kernel (kernels.py)
            each.fresh = out_of_core
        warming += [pool.submit(extra.warm_up) for extra in shared[1:] if share]
        run = _Run(project_dir, client, options, config, prepared, sections, log, emit, started, clock)
        return run.execute(shared, warming)
    finally:
        pool.shutdown(wait=True)
        first.close()


@dataclass
class _Run:
    """One run being written: its staging folder, the notebooks' results, the report, the manifest."""

    project_dir: Path
    client: str
    options: RunOptions
    config: dict[str, Any]
    prepared: Any
    sections: list[SectionNotebook]
    log: Log
    emit: EventSink
    started: dt.datetime
    clock: float
    run_id: str = field(default_factory=new_run_id)
    lock: threading.Lock = field(default_factory=threading.Lock)
    bar: Any = None
    threads: int = 1  # cores each kernel may use (run.json)

    def __post_init__(self) -> None:
        self.staging = self.project_dir / "reports" / self.client / f".{self.run_id}{STAGING_SUFFIX}"
        self.results = [NotebookResult(s.name) for s in self.sections]
        self.queue = list(enumerate(self.sections))

    # --- the staging folder
    def stage(self) -> None:
        staging = self.staging
        (staging / "notebooks").mkdir(parents=True)
        (staging / PARTS).mkdir()
        self.emit("staging", {"run_id": self.run_id, "staging": str(staging)})
        write_config(self.config, staging / PARTS / "config.json")
        (staging / PARTS / RUN_FILE).write_text(json.dumps({
            "client": self.client, "run_id": self.run_id, "cache_dir": str(self.prepared.cache_dir),
            "period": list(self.prepared.period), "threads": self.threads,
        }, indent=2), encoding="utf-8")

    def execute(self, shared: list[SharedKernel], warming: list[Any]) -> RunResult:
        from tqdm.auto import tqdm

        self.threads = max(1, (self.options.cores or available_cores()) // len(shared))
        self.stage()
        self.bar = tqdm(total=len(self.sections), desc=self.client, unit="notebook",
                        disable=not self.options.progress, leave=False, file=sys.stderr)
        warm_of = warming + [None] * (len(shared) - len(warming))
        if len(shared) > 1:  # longest first: the last one handed out then ends soonest (at 1M checks,
            # uplift handed out last kept one kernel busy 18 s after the other had finished)
            self.queue.sort(key=lambda item: -item[1].cost)  # stable: equal costs stay in run order
        with ThreadPoolExecutor(max_workers=len(shared), thread_name_prefix="kernel") as workers:
            for future in [workers.submit(self.work, k, w) for k, w in zip(shared, warm_of, strict=True)]:
                future.result()
        for kernel in shared:  # every kernel, before the report: the last notebook's variables (GiBs
            kernel.close()      # for a big client) would stay in memory beside the browser printing
        self.bar.close()
        pdf_note, error = None, None
        if any(result.status == "ok" for result in self.results):
            pdf_note, error = self.report()
        else:  # nothing to report
            error = self.failures()[0] if self.failures() else "no notebook ran"
        return self.finish(error, pdf_note)

    def failures(self) -> list[str]:
        """"<notebook>: <error>" of every failed notebook, in run order."""
        return [f"{r.notebook}: {r.error}" for r in self.results if r.status == "failed"]

    # --- notebooks, side by side in the shared kernels
    def next_section(self) -> tuple[int, SectionNotebook] | None:
        with self.lock:  # a failed notebook stops nothing: every section runs
            return self.queue.pop(0) if self.queue else None

    def work(self, kernel: SharedKernel, warm: Any) -> None:
        while (item := self.next_section()) is not None:
            index, section = item
            with self.lock:
                self.bar.set_postfix_str(section.key)
                self.emit("notebook", {"notebook": section.name, "index": index,
                                       "total": len(self.sections)})
            if warm is not None:  # the kernel's start counts in its first notebook, as without it
                with contextlib.suppress(Exception):  # logged inside; papermill then starts the kernel
                    warm.result()
                warm = None
            self.run_notebook(kernel, section, self.results[index])

    def run_notebook(self, kernel: SharedKernel, section: SectionNotebook, result: NotebookResult) -> None:
        import papermill as pm

        tick = time.perf_counter()
        try:
            kernel.reset()
            pm.execute_notebook(
                str(section.path), str(self.staging / "notebooks" / section.name),
                parameters={"client": self.client, "run_dir": str(self.staging)},
                kernel_name=kernel.kernel_name, cwd=str(section.path.parent), progress_bar=False,
                execution_timeout=self.config["run"]["execution_timeout"], log_output=False,
                **kernel.engine_kwargs,
            )
            result.status = "ok"
        except Exception as exc:  # noqa: BLE001 - a failed notebook fails its section, not the run
            result.status, result.error = "failed", first_line(exc)
        result.seconds = round(time.perf_counter() - tick, 2)
        with self.lock:
            self.log(f"[{self.client}] {section.name}: {result.status} in {result.seconds:.1f} s")
            self.emit("notebook_done", asdict(result))
            self.bar.update()

    # --- the report and the manifest
    def report(self) -> tuple[str | None, str | None]:
        """Build the bundle's report; (what happened to the PDF, None) or (None, the error)."""
        from ..report import bundle

        self.emit("report", {})
        failed = {s.key: r.error or "" for s, r in zip(self.sections, self.results, strict=True)
                  if r.status == "failed"}
        try:
            pdf_note = bundle.build_bundle(self.staging, self.config, [s.path for s in self.sections],
                                           order=[s.key for s in self.sections], failed=failed)
        except Exception as exc:  # noqa: BLE001 - a failed report fails the run with its reason
            return None, f"report: {first_line(exc)}"
        self.log(f"[{self.client}] {pdf_note}")
        return pdf_note, None

    def finish(self, error: str | None, pdf_note: str | None) -> RunResult:
        """Write the manifest and publish the bundle (complete, partial) or set it aside (failed)."""
        failures = self.failures()
        status = FAILED if error else PARTIAL if failures else COMPLETE
        error = error or ("; ".join(failures) if failures else None)
        seconds = round(time.perf_counter() - self.clock, 2)
        prepared = self.prepared
        manifest = {
            "client": self.client, "run_id": self.run_id, "status": status, "error": error,
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": dt.datetime.now().isoformat(timespec="seconds"), "seconds": seconds,
            "only": list(self.options.only or []), "period": list(prepared.period),
            "inputs": prepared.inputs, "cache_key": prepared.key,
            "notebooks": [asdict(r) for r in self.results], "pdf": pdf_note,
            "versions": package_versions(), "parameters": self.config,
        }
        (self.staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                                    encoding="utf-8")
        if status != FAILED:
            shutil.rmtree(self.staging / PARTS)
        final = self.staging.with_name(f"{self.run_id}.failed" if status == FAILED else self.run_id)
        self.staging.rename(final)
        if status == FAILED:
            self.log(f"[{self.client}] FAILED: {error}; executed notebooks kept in {final}")
        elif status == PARTIAL:
            self.log(f"[{self.client}] PARTIAL: {error}; the other sections are in {final}")
        return RunResult(self.client, self.run_id, status, final, seconds, self.results, error)

"""Run a client's notebooks in order with papermill into a report bundle, atomically.

The bundle is written into `reports/<client>/.<run_id>.partial/` and renamed to `reports/<client>/<run_id>/`
only when every notebook and the report step succeeded. A failed run is renamed to `<run_id>.failed/`
with the partially executed notebook (its error in the failing cell) and a manifest saying `failed`,
so a half-written bundle never looks complete.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import datetime as dt
import gc
import importlib
import json
import os
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

from . import __version__
from .config import UnknownSection, load_config, write_config
from .context import PARTS, RUN_FILE
from .io import release_memory
from .prepare import prepare

KEY_PACKAGES = ("pandas", "numpy", "pyarrow", "pandera", "scipy", "statsmodels", "scikit-learn",
                "lifetimes", "matplotlib", "seaborn", "papermill", "nbconvert", "ipykernel", "openpyxl")
COMPLETE, FAILED = "complete", "failed"
# what every notebook imports; run in a starting kernel while the inputs are read
WARM_UP_CODE = (f"import matplotlib.pyplot, pandas, seaborn\n"
                f"import {__package__}.context, {__package__}.quality, {__package__}.kpis, "
                f"{__package__}.rfm, {__package__}.cohorts, {__package__}.clv, {__package__}.uplift\n")


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


def notebooks_of(project_dir: Path) -> list[Path]:
    """The pipeline's notebooks: notebooks/NN_<section>.ipynb in order of NN."""
    return sorted(Path(project_dir, "notebooks").glob("[0-9][0-9]_*.ipynb"))


def section_name(notebook: Path) -> str:
    """00_data_quality.ipynb -> data_quality."""
    return notebook.stem.split("_", 1)[1]


def select_notebooks(notebooks: list[Path], only: Sequence[str] | None) -> list[Path]:
    """Notebooks whose section, stem or number is listed in `only` (all when `only` is empty)."""
    if not only:
        return notebooks
    chosen = []
    for wanted in only:
        matches = [nb for nb in notebooks if wanted in (nb.stem, section_name(nb), nb.stem[:2])]
        if not matches:
            known = ", ".join(section_name(nb) for nb in notebooks)
            raise UnknownSection(f"unknown section {wanted!r}; sections are: {known}")
        chosen.extend(m for m in matches if m not in chosen)
    return [nb for nb in notebooks if nb in chosen]


def new_run_id() -> str:
    """Sortable by time, unique across parallel runs: 20241231-235959-a1b2."""
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def kernel_name_for(config: dict[str, Any]) -> str:
    return config["run"]["kernel_name"] or ensure_kernel()


def ensure_kernel() -> str:
    """Install (once) a kernelspec for this very Python in its prefix and return its name.

    Naming the kernel explicitly avoids papermill picking another Python from the notebook metadata
    (nteract/papermill#251, #638).
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = __package__
    manager = KernelSpecManager()
    try:
        spec = manager.get_kernel_spec(name)
        if spec.argv and Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return name
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name=f"Python ({name})", prefix=sys.prefix)
    return name


def _let_kernels_import_this_package() -> None:
    """Kernels inherit the environment: make this package importable in them even when it is not
    installed (a checkout used with PYTHONPATH=src, which is relative to a cwd kernels do not share)."""
    source_root = str(Path(__file__).resolve().parent.parent)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if source_root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([source_root, *paths])


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version(), __package__: __version__}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def latest_bundle(project_dir: Path, client: str) -> Path | None:
    """The newest complete bundle of `client`, or None."""
    folder = Path(project_dir) / "reports" / client
    complete = [p for p in folder.glob("[0-9]*") if p.is_dir() and "." not in p.name
                and (p / "manifest.json").is_file()]
    return max(complete, key=lambda p: p.name) if complete else None


def kernel_count(config: dict[str, Any], checks: int | None, notebooks: int) -> int:
    """How many kernels run the notebooks side by side (config `run.kernels`).

    "auto": one per core, at most 2, and 1 when the client has more than `run.parallel_max_checks`
    checks (each kernel holds its own copy of the tables) or when kernels are not shared. A number
    is taken as it is. Never more than there are notebooks.
    """
    wanted = config["run"].get("kernels", "auto")
    if wanted == "auto":
        wanted = min(2, os.cpu_count() or 1)
        if not config["run"]["share_kernel"] or (checks or 0) > config["run"]["parallel_max_checks"]:
            wanted = 1
    return max(1, min(int(wanted), notebooks))


def run_client(project_dir: Path, client: str, only: Sequence[str] | None = None,
               progress: bool = True, log: Callable[[str], None] | None = None,
               on_event: Callable[[str, dict[str, Any]], None] | None = None,
               kernels: int | None = None) -> RunResult:
    """Validate, prepare and run every notebook of `client`; return where the bundle is.

    Raises ConfigError / DataError before anything is written when the config or an input is bad.
    `on_event(kind, details)`, if given, is told when each step starts and ends, so that a supervisor
    (the batch) can show progress and enforce its own time limits: ("staging", {run_id, staging}),
    ("notebook", {notebook, index, total}), ("notebook_done", {notebook, status, seconds, error}),
    ("report", {}). `kernels`: run the notebooks in that many kernels side by side (default: config
    `run.kernels`, see `kernel_count`); the notebooks are independent of each other, and the first
    kernel starts and imports the analysis libraries while the inputs are read.
    """
    from tqdm.auto import tqdm

    log = log or (lambda message: tqdm.write(message, file=sys.stderr))  # keeps the bar intact
    emit = on_event or (lambda kind, details: None)
    project_dir = Path(project_dir).resolve()
    started, clock = dt.datetime.now(), time.perf_counter()
    config = load_config(project_dir, client)
    notebooks = select_notebooks(notebooks_of(project_dir), only)
    kernel = kernel_name_for(config)
    _let_kernels_import_this_package()
    share = bool(config["run"]["share_kernel"])
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="kernel-start")
    first = SharedKernel(kernel, enabled=share, cwd=project_dir / "notebooks")
    try:
        warming = [pool.submit(first.warm_up)] if share else []
        pool.submit(_import_quietly, "papermill", f"{__package__}.report")  # 4-6 s, beside the reading
        prepared = prepare(project_dir, config)
        if not prepared.reused:
            _release_memory()  # the raw text read is garbage now; the kernels need the memory
        log(f"[{client}] inputs "
            f"{'unchanged, cached tables reused' if prepared.reused else 'read and cached'}")
        count = kernels or kernel_count(config, prepared.rows_read.get("transactions"), len(notebooks))
        shared = [first] + [SharedKernel(kernel, enabled=share, cwd=project_dir / "notebooks")
                            for _ in range(count - 1)]
        warming += [pool.submit(extra.warm_up) for extra in shared[1:] if share]
        return _run_notebooks(project_dir, client, only, config, prepared, notebooks, shared,
                              warming, started, clock, progress, log, emit)
    finally:
        pool.shutdown(wait=True)
        first.close()


def _run_notebooks(project_dir: Path, client: str, only: Sequence[str] | None,
                   config: dict[str, Any], prepared: Any,
                   notebooks: list[Path], shared: list[SharedKernel], warming: list[Any],
                   started: dt.datetime, clock: float, progress: bool, log: Callable[[str], None],
                   emit: Callable[[str, dict[str, Any]], None]) -> RunResult:
    import papermill as pm
    from tqdm.auto import tqdm

    kernel = shared[0].kernel_name

    run_id = new_run_id()
    client_reports = project_dir / "reports" / client
    staging = client_reports / f".{run_id}.partial"
    (staging / "notebooks").mkdir(parents=True)
    (staging / PARTS).mkdir()
    emit("staging", {"run_id": run_id, "staging": str(staging)})
    write_config(config, staging / PARTS / "config.json")
    (staging / PARTS / RUN_FILE).write_text(json.dumps({
        "client": client, "run_id": run_id, "cache_dir": str(prepared.cache_dir),
        "period": list(prepared.period),
    }, indent=2), encoding="utf-8")

    results = [NotebookResult(nb.name) for nb in notebooks]
    errors: list[str] = []
    queue = list(enumerate(notebooks))
    lock = threading.Lock()
    bar = tqdm(total=len(notebooks), desc=client, unit="notebook", disable=not progress, leave=False,
               file=sys.stderr)

    def next_notebook() -> tuple[int, Path] | None:
        with lock:  # after a failure no new notebook starts; the running ones finish
            return queue.pop(0) if queue and not errors else None

    def work(kernel_of_worker: SharedKernel, warm: Any) -> None:
        while (item := next_notebook()) is not None:
            index, notebook = item
            result = results[index]
            with lock:
                bar.set_postfix_str(section_name(notebook))
                emit("notebook", {"notebook": notebook.name, "index": index, "total": len(notebooks)})
            tick = time.perf_counter()
            try:
                if warm is not None:  # the kernel's start counts in its first notebook, as without it
                    warm.result()  # a failure is logged inside; papermill then starts the kernel
                    warm = None
                kernel_of_worker.reset()
                pm.execute_notebook(
                    str(notebook), str(staging / "notebooks" / notebook.name),
                    parameters={"client": client, "run_dir": str(staging)},
                    kernel_name=kernel, cwd=str(notebook.parent), progress_bar=False,
                    execution_timeout=config["run"]["execution_timeout"], log_output=False,
                    **kernel_of_worker.engine_kwargs,
                )
                result.status = "ok"
            except Exception as exc:  # noqa: BLE001 - a failed notebook fails this run, not the caller
                result.status, result.error = "failed", _first_line(exc)
            result.seconds = round(time.perf_counter() - tick, 2)
            with lock:
                if result.error:
                    errors.append(f"{notebook.name}: {result.error}")
                log(f"[{client}] {notebook.name}: {result.status} in {result.seconds:.1f} s")
                emit("notebook_done", asdict(result))
                bar.update()

    warm_of = warming + [None] * (len(shared) - len(warming))
    with ThreadPoolExecutor(max_workers=len(shared), thread_name_prefix="kernel") as workers:
        for future in [workers.submit(work, k, w) for k, w in zip(shared, warm_of, strict=True)]:
            future.result()
    for extra in shared[1:]:
        extra.close()
    bar.close()
    error = errors[0] if errors else None

    pdf_note = None
    if error is None:
        from . import report

        emit("report", {})
        try:
            pdf_note = report.build_bundle(staging, config, notebooks)
            log(f"[{client}] {pdf_note}")
        except Exception as exc:  # noqa: BLE001 - a failed report fails the run with its reason
            error = f"report: {_first_line(exc)}"

    status = FAILED if error else COMPLETE
    seconds = round(time.perf_counter() - clock, 2)
    manifest = {
        "client": client, "run_id": run_id, "status": status, "error": error,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now().isoformat(timespec="seconds"), "seconds": seconds,
        "only": list(only or []), "period": list(prepared.period),
        "inputs": prepared.inputs, "cache_key": prepared.key,
        "notebooks": [asdict(r) for r in results], "pdf": pdf_note, "versions": package_versions(),
        "parameters": config,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                           encoding="utf-8")
    if not error:
        shutil.rmtree(staging / PARTS)
    final = client_reports / (f"{run_id}.failed" if error else run_id)
    staging.rename(final)
    if error:
        log(f"[{client}] FAILED: {error}; executed notebooks kept in {final}")
    return RunResult(client, run_id, status, final, seconds, results, error)


class SharedKernel:
    """One kernel for all the notebooks of a run (config `run.share_kernel`).

    A new kernel per notebook costs its start plus the imports of pandas, matplotlib, seaborn and scipy
    (3-7 s here, most of a small client's run). papermill hands a given kernel manager to nbclient,
    which then leaves the kernel running after the notebook; before each further notebook the kernel's
    namespace is cleared with `%reset -f`, so a notebook cannot lean on another's variables (imported
    modules stay loaded: that is the saving). The kernel is shut down when the run ends or fails.
    """

    def __init__(self, kernel_name: str, enabled: bool = True, cwd: Path | None = None) -> None:
        self.kernel_name = kernel_name
        self.enabled = enabled
        self.cwd = cwd  # where a kernel started ahead of its notebook works (papermill's cwd otherwise)
        self.manager: Any = None
        if enabled:
            from jupyter_client.manager import AsyncKernelManager

            self.manager = AsyncKernelManager(kernel_name=kernel_name)

    def warm_up(self) -> None:
        """Start the kernel and import what the notebooks import (pandas, matplotlib, seaborn, the
        sections), so that this cost overlaps reading the inputs; modules stay loaded across `%reset`."""
        if not self.enabled:
            return
        try:
            asyncio.run(self._start())
            asyncio.run(self._run_silently(WARM_UP_CODE))
        except Exception as exc:  # noqa: BLE001 - only a head start: the notebook starts it otherwise
            print(f"kernel warm-up failed ({_first_line(exc)}); the notebook will start it", file=sys.stderr)

    async def _start(self) -> None:
        if not self.manager.has_kernel:
            await self.manager.start_kernel(**({"cwd": str(self.cwd)} if self.cwd else {}))

    @property
    def engine_kwargs(self) -> dict[str, Any]:
        return {"km": self.manager} if self.enabled else {}

    def reset(self) -> None:
        """Clear the namespace a previous notebook left (nothing to do before the first)."""
        if self.enabled and self.manager.has_kernel:
            asyncio.run(self._run_silently("%reset -f"))

    async def _run_silently(self, code: str) -> None:
        client = self.manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive(code, silent=True, store_history=False, timeout=60)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"the shared kernel could not run {code!r}: {reply['content']}")
        finally:
            client.stop_channels()

    def __enter__(self) -> SharedKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Shut the kernel down (idempotent)."""
        if self.enabled and self.manager.has_kernel:
            asyncio.run(self.manager.shutdown_kernel(now=True))


def _release_memory() -> None:
    """Hand freed memory back to the system: Python's garbage, Arrow's pool, glibc's free lists (the
    runner stays alive while the kernels work, and its resident size counts in the peak)."""
    gc.collect()
    release_memory()
    with contextlib.suppress(Exception):  # glibc only; elsewhere a no-op
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _import_quietly(*modules: str) -> None:
    """Import modules ahead of their use (in a side thread); a failure shows again where they are used."""
    for name in modules:
        with contextlib.suppress(Exception):  # the real import later raises it with its context
            importlib.import_module(name)


def _first_line(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


"""Jupyter kernels of a run: the project's kernelspec, how many kernels, and one kernel shared by
several notebooks (`SharedKernel`). Every kernel is started by `new_kernel_manager`, with an encrypted
transport (so ipykernel has no "running over TCP without encryption" to warn about) and the known
harmless third-party warnings of this process silenced."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from ..engine.budget import Budget, available_cores

PACKAGE = __package__.rsplit(".", 1)[0]  # the project's package (kernelspec name, imports)
SOURCE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds the package

# what every notebook imports; run in a starting kernel while the inputs are read (the sections'
# modules come with the registry, which imports every section)
WARM_UP_CODE = (f"import matplotlib.pyplot, pandas, seaborn\n"
                f"import {PACKAGE}.run.context, {PACKAGE}.sections.registry\n"
                f"{PACKAGE}.sections.registry.registered()\n")


def first_line(exc: BaseException) -> str:
    """The first line of an error, with its type (a notebook's error: its ename and evalue)."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def ensure_kernel() -> str:
    """Install (once) a kernelspec for this very Python in its prefix and return its name.

    Naming the kernel explicitly avoids papermill picking another Python from the notebook metadata
    (nteract/papermill#251, #638).
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = PACKAGE
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


# Third-party warnings known to be harmless, silenced in the process that talks to the kernels (only
# these, by their message): pyzmq on Windows, where asyncio's default (Proactor) loop has no
# add_reader, and pyzmq then runs a selector thread itself, which works; the remedy it suggests (a
# loop policy) is deprecated from Python 3.14.
KNOWN_HARMLESS = (
    (RuntimeWarning, r"Proactor event loop does not implement add_reader family of methods required for zmq"),
)


def quiet_known_harmless_warnings() -> None:
    """Ignore the warnings of `KNOWN_HARMLESS` (and no other) in this process."""
    for category, message in KNOWN_HARMLESS:
        warnings.filterwarnings("ignore", message=message, category=category)


def encrypt_transport(manager: Any) -> bool:
    """Have `manager` give the kernel it starts CurveZMQ keys, so the kernel's sockets are encrypted.

    ipykernel >= 7 logs "Kernel is running over TCP without encryption" from every kernel started
    without keys (it cannot know that nobody else listens): the documented remedy is the manager's
    `transport_encryption` (jupyter_client >= 8.9), "auto" providing keys to kernels whose kernelspec
    declares `supported_encryption: curve`, as the one `ensure_kernel` installs does. Older
    jupyter_client, or a libzmq without Curve, leave the kernel as it was (and those ipykernels do not
    warn). Returns whether encryption was asked for.
    """
    import zmq
    from traitlets import TraitError

    if not manager.has_trait("transport_encryption") or not zmq.has("curve"):
        return False
    for value in ("auto", True):  # an enum since jupyter_client 8.10, a flag before
        try:
            manager.transport_encryption = value
            return True
        except TraitError:
            continue
    return False


def new_kernel_manager(kernel_name: str) -> Any:
    """An AsyncKernelManager for `kernel_name` whose kernels run with an encrypted transport."""
    from jupyter_client.manager import AsyncKernelManager

    quiet_known_harmless_warnings()
    manager = AsyncKernelManager(kernel_name=kernel_name)
    encrypt_transport(manager)
    return manager


def lab_arguments() -> list[str]:
    """Options for `jupyter lab` that start its kernels as `new_kernel_manager` does (`make lab`)."""
    from jupyter_client.manager import KernelManager

    manager = KernelManager()
    if not encrypt_transport(manager):
        return []
    return [f"--KernelManager.transport_encryption={manager.transport_encryption}"]


def kernel_name_for(config: dict[str, Any]) -> str:
    return config["run"]["kernel_name"] or ensure_kernel()


def with_package_on_path(environment: dict[str, str]) -> dict[str, str]:
    """`environment` with this package's source folder first on PYTHONPATH (once): kernels and batch
    children import the package even when it is not installed (a checkout used with PYTHONPATH=src,
    which is relative to a cwd they do not share)."""
    paths = [p for p in environment.get("PYTHONPATH", "").split(os.pathsep) if p and p != SOURCE_ROOT]
    return {**environment, "PYTHONPATH": os.pathsep.join([SOURCE_ROOT, *paths])}


def let_kernels_import_this_package() -> None:
    """Kernels inherit this process's environment: put the package on their PYTHONPATH."""
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if SOURCE_ROOT not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([SOURCE_ROOT, *paths])


def kernel_count(config: dict[str, Any], checks: int | None, notebooks: int,
                 out_of_core: bool = False) -> int:
    """How many kernels run the notebooks side by side (config `run.kernels`).

    "auto": one per core, at most 2, and 1 when two kernels' estimated needs do not fit in
    `run.memory_limit` (see `engine.budget`), when kernels are not shared, or when the client has more
    than `run.parallel_max_checks` checks and they are held in memory (each kernel holds its own copy
    of the tables; `out_of_core`: the checks are bucketed by customer and no kernel holds them whole).
    A number is taken as it is. Never more than there are notebooks.
    """
    wanted = config["run"].get("kernels", "auto")
    if wanted == "auto":
        wanted = Budget.from_config(config).kernels_that_fit(checks, min(2, available_cores()), out_of_core)
        many = not out_of_core and (checks or 0) > config["run"]["parallel_max_checks"]
        if not config["run"]["share_kernel"] or many:
            wanted = 1
    return max(1, min(int(wanted), notebooks))


class SharedKernel:
    """One kernel for all the notebooks of a run (config `run.share_kernel`).

    A new kernel per notebook costs its start plus the imports of pandas, matplotlib, seaborn and scipy
    (3-7 s here, most of a small client's run). papermill hands a given kernel manager to nbclient,
    which then leaves the kernel running after the notebook; before each further notebook the kernel's
    namespace is cleared with `%reset -f`, so a notebook cannot lean on another's variables (imported
    modules stay loaded: that is the saving). The kernel is shut down when the run ends or fails.

    `fresh` (a big client, its checks bucketed): each notebook after the first gets a new kernel all the
    same. After `%reset` a kernel keeps what its allocators and module caches hold (0.5-0.7 GiB after a
    10M client's notebook), which every later notebook starts from: under a 2 GiB budget the last one
    then peaked at 2.14 GiB, in a kernel of its own at 1.82 GiB, and since passes start lower, more of
    them map two buckets side by side (the run 189 s against 195-201 s, new kernels and their imports
    included: seconds, against minutes of notebooks)."""

    def __init__(self, kernel_name: str, enabled: bool = True, cwd: Path | None = None) -> None:
        self.kernel_name = kernel_name
        self.enabled = enabled
        self.cwd = cwd  # where a kernel started ahead of its notebook works (papermill's cwd otherwise)
        self.manager: Any = new_kernel_manager(kernel_name) if enabled else None
        self.fresh = False
        self.used = False  # a notebook has run in the current kernel

    def warm_up(self) -> None:
        """Start the kernel and import what the notebooks import (pandas, matplotlib, seaborn, the
        sections), so that this cost overlaps reading the inputs; modules stay loaded across `%reset`."""
        if not self.enabled:
            return
        try:
            asyncio.run(self._start())
            asyncio.run(self._run_silently(WARM_UP_CODE))
        except Exception as exc:  # noqa: BLE001 - only a head start: the notebook starts it otherwise
            print(f"kernel warm-up failed ({first_line(exc)}); the notebook will start it", file=sys.stderr)

    async def _start(self) -> None:
        if not self.manager.has_kernel:
            await self.manager.start_kernel(**({"cwd": str(self.cwd)} if self.cwd else {}))

    @property
    def engine_kwargs(self) -> dict[str, Any]:
        return {"km": self.manager} if self.manager is not None else {}

    def reset(self) -> None:
        """Clear the namespace a previous notebook left (nothing to do before the first); a kernel that
        notebook killed (a crash, `os._exit`) is replaced by a new one, so the next notebook runs, and so
        is a used one when `fresh`. Not shared: the previous notebook's kernel is shut down and the next
        gets a manager of its own (papermill would make one without an encrypted transport)."""
        used, self.used = self.used, True
        if not self.enabled:
            with contextlib.suppress(Exception):  # a kernel the notebook killed has nothing left to stop
                self.close()
            self.manager = new_kernel_manager(self.kernel_name)
        elif self.manager.has_kernel:
            if (self.fresh and used) or not asyncio.run(self.manager.is_alive()):
                self._replace()
            else:
                asyncio.run(self._run_silently("%reset -f"))

    def _replace(self) -> None:
        """A new kernel, with its own manager (ports, connection file), for a dead or a used one."""
        with contextlib.suppress(Exception):  # dead already: only its files and sockets are left
            asyncio.run(self.manager.shutdown_kernel(now=True))
        self.manager = new_kernel_manager(self.kernel_name)
        asyncio.run(self._start())

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
        if self.manager is not None and self.manager.has_kernel:
            asyncio.run(self.manager.shutdown_kernel(now=True))

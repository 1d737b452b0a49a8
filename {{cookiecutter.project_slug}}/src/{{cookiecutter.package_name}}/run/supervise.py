"""One client of a batch in a child process that the batch can kill (`supervise`).

The child runs `runner.run_with` and reports each step (inputs prepared, notebook started /
finished, report being built) as a line on its stdout; the supervisor passes them on as progress and
gives every step at most `notebook_timeout` seconds (reading the inputs before the first notebook:
`prepare_timeout`). A step that overruns (a hung kernel, a notebook stuck in a loop, papermill waiting
on a dead kernel: nteract/papermill#125, #705) gets the child and all its descendants, kernel
included, killed; the client is reported failed with the reason and its half-written bundle is kept as
`<run_id>.failed/`. A child that dies by itself (killed by the OOM killer, a segfault) is reported as
that client's failure too; the other clients never notice, because no process is shared between
clients.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from .kernels import first_line, with_package_on_path
from .runner import FAILED, STAGING_SUFFIX, RunOptions, run_with

EVENT_PREFIX = "@@loyalty-batch "
POLL_SECONDS = 0.5
# Set in a child's environment, which its kernels inherit: finds them even once orphaned by a killed child.
TAG_VARIABLE = "LOYALTY_BATCH_WORKER"

# on_event(client, kind, details)
EventHandler = Callable[[str, str, dict[str, Any]], None]


@dataclass
class ClientOutcome:
    """One line of the batch summary."""

    client: str
    status: str  # complete | partial | failed | skipped
    seconds: float = 0.0
    bundle: str | None = None  # absolute path of the bundle (complete, partial, .failed or the reused one)
    error: str | None = None  # first line of the reason it failed (partial: of each failed notebook)
    notebooks: list[dict[str, Any]] = field(default_factory=list)


# --- the child ---------------------------------------------------------------------------------------

def _child_main() -> None:
    """Entry point of the child process: run one client, report every step as a line on stdout."""
    args = json.loads(sys.argv[1])
    out, lock = sys.stdout, threading.Lock()

    def send(kind: str, details: dict[str, Any]) -> None:
        line = EVENT_PREFIX + json.dumps([kind, details], default=str, ensure_ascii=False)
        with lock:
            out.write(line + "\n")
            out.flush()

    sys.stdout = sys.stderr  # anything else printed goes to the log, never into the event stream
    try:
        # clients run side by side already: one kernel on one core each
        options = RunOptions(args["only"] or None, progress=False,
                             log=lambda message: send("log", {"message": message}),
                             on_event=send, kernels=1, cores=1)
        result = run_with(Path(args["project"]), args["client"], options)
        send("result", {"status": result.status, "bundle": str(result.bundle) if result.bundle else None,
                        "error": result.error, "notebooks": [asdict(n) for n in result.notebooks]})
    except Exception as exc:  # noqa: BLE001 - reported as this client's failure, with its first line
        send("result", {"status": FAILED, "bundle": None, "error": first_line(exc), "notebooks": []})


def _child_env(tag: str) -> dict[str, str]:
    """The child must import this package even when it is only on sys.path (a checkout, pytest)."""
    env = with_package_on_path(dict(os.environ, PYTHONUNBUFFERED="1"))
    env[TAG_VARIABLE] = tag
    return env


def _pump(stream: IO[str], on_line: Callable[[str], None]) -> None:
    for line in stream:
        on_line(line.rstrip("\n"))
    on_line("")  # never a real line from the child: every event line has the prefix


# --- killing a child and its kernels ------------------------------------------------------------------

def _descendants(pid: int, known: dict[int, float]) -> None:
    """Remember pid's descendants (pid -> start time), so they can be killed even once orphaned."""
    import psutil

    try:
        for child in psutil.Process(pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                known.setdefault(child.pid, child.create_time())
    except psutil.Error:
        pass


def _kill_all(proc: subprocess.Popen, known: dict[int, float], tag: str) -> None:
    """Kill the child and every descendant: those seen (start time checked, so a reused pid is spared)
    and those carrying the child's tag in their environment (a kernel started just before the child
    died, not seen yet)."""
    import psutil

    victims = []
    if proc.poll() is None:
        _descendants(proc.pid, known)
        with contextlib.suppress(OSError):
            proc.kill()
    if proc.wait() != 0:  # a clean exit leaves no kernel behind: the runner shut them down
        for process in psutil.process_iter():
            with contextlib.suppress(psutil.Error):
                if process.environ().get(TAG_VARIABLE) == tag:
                    known.setdefault(process.pid, process.create_time())
    for pid, created in known.items():
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            if abs(process.create_time() - created) < 0.01:
                process.kill()
                victims.append(process)
    psutil.wait_procs(victims, timeout=5)


def _abandon(staging: str | None, client: str, error: str, notebooks: list[dict[str, Any]],
             current: str | None) -> str | None:
    """A killed run's half-written bundle -> <run_id>.failed/ with a manifest saying why."""
    if not staging or not Path(staging).is_dir():
        return None
    folder = Path(staging)
    run_id = folder.name.removeprefix(".").removesuffix(STAGING_SUFFIX)
    steps = list(notebooks)
    if current and current.endswith(".ipynb") and current not in {n["notebook"] for n in steps}:
        steps.append({"notebook": current, "status": FAILED, "seconds": None, "error": error})
    manifest = {"client": client, "run_id": run_id, "status": FAILED, "error": error, "notebooks": steps}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                          encoding="utf-8")
    final = folder.with_name(f"{run_id}.failed")
    folder.rename(final)
    return str(final)


# --- the supervisor -----------------------------------------------------------------------------------

class _Supervisor:
    """Watches one child: its events, the time limit of the step it is in, its exit."""

    def __init__(self, client: str, notebook_timeout: float, prepare_timeout: float | None,
                 emit: EventHandler) -> None:
        self.client, self.notebook_timeout, self.emit = client, notebook_timeout, emit
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=20)
        self.known: dict[int, float] = {}
        self.tag = secrets.token_hex(8)
        self.result: dict[str, Any] | None = None
        self.staging: str | None = None
        self.step, self.limit = "reading the inputs", prepare_timeout or notebook_timeout
        self.deadline = time.monotonic() + self.limit
        self.finished: list[dict[str, Any]] = []
        self.proc: Any = None
        self.pumps: list[threading.Thread] = []

    def on_stdout(self, line: str) -> None:
        if not line:
            self.events.put(("eof", None))
        elif line.startswith(EVENT_PREFIX):
            self.events.put(tuple(json.loads(line[len(EVENT_PREFIX):])))
        else:
            self.events.put(("output", {"line": line}))

    def on_stderr(self, line: str) -> None:
        if line:
            self.stderr_tail.append(line)
            self.emit(self.client, "output", {"line": line})

    def start(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                                     env=_child_env(self.tag), start_new_session=True)
        self.pumps = [threading.Thread(target=_pump, args=(self.proc.stdout, self.on_stdout), daemon=True),
                      threading.Thread(target=_pump, args=(self.proc.stderr, self.on_stderr), daemon=True)]
        for pump in self.pumps:
            pump.start()
        self.emit(self.client, "started", {"timeout": self.notebook_timeout})

    def _next_step(self, step: str) -> None:
        self.step, self.limit = step, self.notebook_timeout
        self.deadline = time.monotonic() + self.limit

    def handle(self, kind: str, details: Any) -> None:
        """One event of the child: a new step restarts the clock; everything is passed on."""
        if kind == "staging":
            self.staging = details["staging"]
            self._next_step("starting the run")
        elif kind in ("notebook", "report"):
            self._next_step(details.get("notebook", "building the report"))
        elif kind == "notebook_done":
            self.finished.append(details)
        self.emit(self.client, kind, details)

    def watch(self) -> str | None:
        """Follow the child until it ends; the timeout's reason when a step overran."""
        next_scan, exited_at = 0.0, None
        while True:
            now = time.monotonic()
            if now >= next_scan:
                _descendants(self.proc.pid, self.known)
                next_scan = now + POLL_SECONDS
            try:
                kind, details = self.events.get(timeout=max(0.0, min(POLL_SECONDS, self.deadline - now)))
            except queue.Empty:
                if self.proc.poll() is not None:
                    # Exited; a kernel it orphaned may keep the pipe open, so do not wait for EOF forever.
                    exited_at = exited_at or time.monotonic()
                    if time.monotonic() - exited_at > 2:
                        return None
                elif time.monotonic() >= self.deadline:
                    return (f"timeout: {self.step} took longer than {self.limit:g} s "
                            "(kernel and worker killed)")
                continue
            if kind == "eof":
                return None
            if kind == "result":
                self.result = details
            else:
                self.handle(kind, details)

    def stop(self, error: str | None) -> int:
        """Kill what is left (also the leftovers, a kernel, of a child that died); the exit code."""
        if error is None and self.result is None and self.proc.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)  # closed its stdout but has not exited yet
        _kill_all(self.proc, self.known, self.tag)
        code = self.proc.wait()
        for pump in self.pumps:
            pump.join(timeout=2)
        return code

    def death(self, code: int) -> str:
        """Why a child that sent no result ended."""
        if code < 0:
            name: Any = code
            with contextlib.suppress(ValueError):
                name = signal.Signals(-code).name
            error = f"worker died: killed by {name}"
        else:
            error = f"worker died: exit code {code}"
        last = next((line for line in reversed(self.stderr_tail) if line.strip()), None)
        return f"{error}; last output: {last.strip()}" if last else error


def supervise(project_dir: str | Path, client: str, only: Sequence[str] | None = None,
              notebook_timeout: float = 3600.0, on_event: EventHandler | None = None,
              prepare_timeout: float | None = None) -> dict[str, Any]:
    """Run `client` in a child process with a time limit on every step; return a ClientOutcome dict.

    Steps: starting and reading the inputs (`prepare_timeout`, default `notebook_timeout`), then each
    notebook and the report (`notebook_timeout` each).

    Never raises for the client's own failures (bad input, timeout, dead worker): they come back as
    status "failed" with the first line of the reason; failed notebooks in a run that published its
    bundle come back as "partial". Top-level and picklable (Dask).
    """
    clock = time.perf_counter()
    args = {"project": str(project_dir), "client": client, "only": list(only or [])}
    command = [sys.executable, "-c", f"from {__package__}.supervise import _child_main; _child_main()",
               json.dumps(args)]
    watcher = _Supervisor(client, notebook_timeout, prepare_timeout,
                          on_event or (lambda client, kind, details: None))
    watcher.start(command)
    error = watcher.watch()
    code = watcher.stop(error)
    seconds = round(time.perf_counter() - clock, 2)
    result = watcher.result
    if error is None and result is None:
        error = watcher.death(code)
    if error is not None:
        bundle = _abandon(watcher.staging, client, error, watcher.finished, watcher.step)
        return asdict(ClientOutcome(client, FAILED, seconds, bundle, error, watcher.finished))
    assert result is not None
    return asdict(ClientOutcome(client, result["status"], seconds, result["bundle"], result["error"],
                                result["notebooks"]))


def _dask_task(project_dir: str, client: str, only: list[str], notebook_timeout: float,
               prepare_timeout: float, topic: str) -> dict[str, Any]:
    """`supervise` on a Dask worker, its progress events sent to the batch through a Dask topic."""
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:
        worker = None

    def forward(client: str, kind: str, details: dict[str, Any]) -> None:
        if worker is not None and kind != "output":
            worker.log_event(topic, {"client": client, "kind": kind, "details": details})

    return supervise(project_dir, client, only, notebook_timeout, forward, prepare_timeout)

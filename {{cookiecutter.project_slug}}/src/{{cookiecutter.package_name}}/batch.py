"""Batch runs: many clients at once, each in its own process that the batch can kill.

Every client runs `runner.run_client` in a child Python process (`supervise`). The child reports each
step (inputs prepared, notebook started / finished, report being built) as a line on its stdout; the
supervisor shows them as progress, writes them to the batch log, and gives every step at most
`notebook_timeout` seconds (reading the inputs before the first notebook: `prepare_timeout`).
A step that overruns (a hung kernel, a notebook stuck in a loop, papermill
waiting on a dead kernel: nteract/papermill#125, #705) gets the child and all its descendants, kernel
included, killed; the client is reported failed with the reason and its partial bundle is kept as
`<run_id>.failed/`. A child that dies by itself (killed by the OOM killer, a segfault) is reported as that
client's failure too; the other clients never notice, because no process is shared between clients.

Locally, `workers` supervisor threads run at most that many clients at a time. With a Dask scheduler
address the same `supervise` runs as a Dask task on the cluster's workers (which must see the project
folder at the same path and have the package installed); per-notebook progress comes back through a
Dask event topic.

Each batch writes `reports/_batch/<batch_id>/`: batch.log (every event, plus the kernels' stderr),
summary.csv and summary.html (client, status, seconds, bundle, first error line).
"""

from __future__ import annotations

import contextlib
import html
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
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from .config import ConfigError, list_clients, load_config
from .runner import (
    COMPLETE,
    FAILED,
    _first_line,
    latest_bundle,
    new_run_id,
    notebooks_of,
    run_client,
    select_notebooks,
)

SKIPPED = "skipped"
BATCH_FOLDER = "_batch"
EVENT_PREFIX = "@@loyalty-batch "
POLL_SECONDS = 0.5
# Set in a child's environment, which its kernels inherit: finds them even once orphaned by a killed child.
TAG_VARIABLE = "LOYALTY_BATCH_WORKER"
# Keys that only limit how long a run may take: changing them does not make a bundle stale (--resume).
TIME_LIMIT_KEYS = ("execution_timeout", "notebook_timeout", "prepare_timeout")

# on_event(client, kind, details)
EventHandler = Callable[[str, str, dict[str, Any]], None]


@dataclass
class ClientOutcome:
    """One line of the batch summary."""

    client: str
    status: str  # complete | failed | skipped
    seconds: float = 0.0
    bundle: str | None = None  # absolute path of the bundle (complete, .failed or the reused one)
    error: str | None = None  # first line of the reason it failed
    notebooks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BatchResult:
    batch_id: str
    folder: Path  # reports/_batch/<batch_id>/
    outcomes: list[ClientOutcome]

    @property
    def failed(self) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed


def default_workers() -> int:
    """Number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def clients_of(project_dir: Path, clients: Sequence[str] | None) -> list[str]:
    """The listed clients (duplicates dropped), or every config/clients/*.yaml; unknown names refused."""
    known = list_clients(project_dir)
    if not clients:
        if not known:
            raise ConfigError(f"no client configs in {Path(project_dir) / 'config' / 'clients'}")
        return known
    unknown = [c for c in clients if c not in known]
    if unknown:
        raise ConfigError(f"no config for client(s) {', '.join(unknown)} "
                          f"(known: {', '.join(known) or 'none'})")
    return list(dict.fromkeys(clients))


# --- --resume ----------------------------------------------------------------------------------------

def _comparable(config: dict[str, Any]) -> dict[str, Any]:
    plain = json.loads(json.dumps(config, default=str))
    for key in TIME_LIMIT_KEYS:
        plain.get("run", {}).pop(key, None)
    return plain


def up_to_date_bundle(project_dir: Path, client: str, config: dict[str, Any],
                      only: Sequence[str] | None = None) -> Path | None:
    """The client's latest complete bundle if re-running it would compute the same thing, else None.

    Same thing = its manifest's input hashes equal the current files' (prepare.input_hashes), its
    parameters equal the current merged config (time limits aside), and it ran every notebook asked for.
    """
    from .prepare import input_hashes

    bundle = latest_bundle(project_dir, client)
    if bundle is None:
        return None
    try:
        manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("status") != COMPLETE:
        return None
    if manifest.get("inputs") != input_hashes(Path(project_dir), config):
        return None
    if _comparable(manifest.get("parameters") or {}) != _comparable(config):
        return None
    wanted = {nb.name for nb in select_notebooks(notebooks_of(project_dir), only)}
    ran = {n["notebook"] for n in manifest.get("notebooks", []) if n.get("status") == "ok"}
    return bundle if wanted <= ran else None


# --- one client in a child process ------------------------------------------------------------------

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
        result = run_client(Path(args["project"]), args["client"], only=args["only"] or None,
                            progress=False, log=lambda message: send("log", {"message": message}),
                            on_event=send, kernels=1)  # clients run side by side already
        send("result", {"status": result.status, "bundle": str(result.bundle) if result.bundle else None,
                        "error": result.error, "notebooks": [asdict(n) for n in result.notebooks]})
    except Exception as exc:  # noqa: BLE001 - reported as this client's failure, with its first line
        send("result", {"status": FAILED, "bundle": None, "error": _first_line(exc), "notebooks": []})


def _child_env(tag: str) -> dict[str, str]:
    """The child must import this package even when it is only on sys.path (a checkout, pytest)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env[TAG_VARIABLE] = tag
    source_root = str(Path(__file__).resolve().parent.parent)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([source_root, *[p for p in paths if p != source_root]])
    return env


def _pump(stream: IO[str], on_line: Callable[[str], None]) -> None:
    for line in stream:
        on_line(line.rstrip("\n"))
    on_line("")  # never a real line from the child: every event line has the prefix


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
    run_id = folder.name.removeprefix(".").removesuffix(".partial")
    steps = list(notebooks)
    if current and current.endswith(".ipynb") and current not in {n["notebook"] for n in steps}:
        steps.append({"notebook": current, "status": FAILED, "seconds": None, "error": error})
    manifest = {"client": client, "run_id": run_id, "status": FAILED, "error": error, "notebooks": steps}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                          encoding="utf-8")
    final = folder.with_name(f"{run_id}.failed")
    folder.rename(final)
    return str(final)


def supervise(project_dir: str | Path, client: str, only: Sequence[str] | None = None,
              notebook_timeout: float = 3600.0, on_event: EventHandler | None = None,
              prepare_timeout: float | None = None) -> dict[str, Any]:
    """Run `client` in a child process with a time limit on every step; return a ClientOutcome dict.

    Steps: starting and reading the inputs (`prepare_timeout`, default `notebook_timeout`), then each
    notebook and the report (`notebook_timeout` each).

    Never raises for the client's own failures (bad input, failed notebook, timeout, dead worker): they
    come back as status "failed" with the first line of the reason. Top-level and picklable (Dask).
    """
    emit = on_event or (lambda client, kind, details: None)
    clock = time.perf_counter()
    args = {"project": str(project_dir), "client": client, "only": list(only or [])}
    command = [sys.executable, "-c", f"from {__package__}.batch import _child_main; _child_main()",
               json.dumps(args)]
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    stderr_tail: deque[str] = deque(maxlen=20)

    def on_stdout(line: str) -> None:
        if not line:
            events.put(("eof", None))
        elif line.startswith(EVENT_PREFIX):
            events.put(tuple(json.loads(line[len(EVENT_PREFIX):])))
        else:
            events.put(("output", {"line": line}))

    def on_stderr(line: str) -> None:
        if line:
            stderr_tail.append(line)
            emit(client, "output", {"line": line})

    tag = secrets.token_hex(8)
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                            env=_child_env(tag), start_new_session=True)
    pumps = [threading.Thread(target=_pump, args=(proc.stdout, on_stdout), daemon=True),
             threading.Thread(target=_pump, args=(proc.stderr, on_stderr), daemon=True)]
    for pump in pumps:
        pump.start()

    known: dict[int, float] = {}
    result: dict[str, Any] | None = None
    error: str | None = None
    staging, step, finished, limit = None, "reading the inputs", [], prepare_timeout or notebook_timeout
    deadline, next_scan, exited_at = time.monotonic() + limit, 0.0, None
    emit(client, "started", {"timeout": notebook_timeout})
    while True:
        now = time.monotonic()
        if now >= next_scan:
            _descendants(proc.pid, known)
            next_scan = now + POLL_SECONDS
        try:
            kind, details = events.get(timeout=max(0.0, min(POLL_SECONDS, deadline - now)))
        except queue.Empty:
            if proc.poll() is not None:
                # Exited; a kernel it orphaned may keep the pipe open, so do not wait for EOF forever.
                exited_at = exited_at or time.monotonic()
                if time.monotonic() - exited_at > 2:
                    break
            elif time.monotonic() >= deadline:
                error = f"timeout: {step} took longer than {limit:g} s (kernel and worker killed)"
                break
            continue
        if kind == "eof":
            break
        if kind == "result":
            result = details
            continue
        if kind == "staging":
            staging, step, limit = details["staging"], "starting the run", notebook_timeout
            deadline = time.monotonic() + limit
        elif kind in ("notebook", "report"):
            step, limit = details.get("notebook", "building the report"), notebook_timeout
            deadline = time.monotonic() + limit
        elif kind == "notebook_done":
            finished.append(details)
        emit(client, kind, details)

    if error is None and result is None and proc.poll() is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)  # closed its stdout but has not exited yet
    _kill_all(proc, known, tag)  # also the leftovers (a kernel) of a child that died or was killed
    code = proc.wait()
    for pump in pumps:
        pump.join(timeout=2)
    seconds = round(time.perf_counter() - clock, 2)

    if error is not None:
        bundle = _abandon(staging, client, error, finished, step)
        return asdict(ClientOutcome(client, FAILED, seconds, bundle, error, finished))
    if result is None:
        if code < 0:
            with contextlib.suppress(ValueError):
                code = signal.Signals(-code).name
            error = f"worker died: killed by {code}"
        else:
            error = f"worker died: exit code {code}"
        last = next((line for line in reversed(stderr_tail) if line.strip()), None)
        if last:
            error += f"; last output: {last.strip()}"
        bundle = _abandon(staging, client, error, finished, step)
        return asdict(ClientOutcome(client, FAILED, seconds, bundle, error, finished))
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


# --- progress and summary ---------------------------------------------------------------------------

class Progress:
    """Per-client and per-notebook progress: a tqdm bar and lines in the terminal, all in batch.log."""

    def __init__(self, log_path: Path, total: int, show: bool) -> None:
        from tqdm.auto import tqdm

        self._tqdm = tqdm
        self.show = show
        self.lock = threading.Lock()
        self.log_file = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.bar = tqdm(total=total, desc="batch", unit="client", disable=not show, file=sys.stderr)
        self.running: dict[str, str] = {}

    def line(self, message: str, terminal: bool = True) -> None:
        with self.lock:
            self.log_file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")
            self.log_file.flush()
            if terminal and self.show:
                self._tqdm.write(message, file=sys.stderr)

    def event(self, client: str, kind: str, details: dict[str, Any]) -> None:
        if kind == "output":
            self.line(f"[{client}] | {details['line']}", terminal=False)
            return
        if kind == "started":
            message, step = f"[{client}] started (at most {details['timeout']:g} s per notebook)", "inputs"
        elif kind == "log":
            message, step = details["message"], None
        elif kind == "staging":
            message, step = f"[{client}] run {details['run_id']}", None
        elif kind == "notebook":
            step = details["notebook"]
            message = f"[{client}] {step} ({details['index'] + 1}/{details['total']}) started"
        elif kind == "notebook_done":
            return  # the runner's own log line ("[client] NN_x.ipynb: ok in 9.8 s") says it
        elif kind == "report":
            message, step = f"[{client}] building the report", "report"
        else:
            message, step = f"[{client}] {kind} {details}", None
        self.line(message)
        if step:
            with self.lock:
                self.running[client] = step
                self._postfix()

    def finished(self, outcome: ClientOutcome) -> None:
        if outcome.status == FAILED:
            self.line(f"[{outcome.client}] FAILED after {outcome.seconds:.1f} s: {outcome.error}")
        elif outcome.status == SKIPPED:
            self.line(f"[{outcome.client}] skipped: {outcome.bundle} is up to date")
        else:
            self.line(f"[{outcome.client}] complete in {outcome.seconds:.1f} s: {outcome.bundle}")
        with self.lock:
            self.running.pop(outcome.client, None)
            self.bar.update(1)
            self._postfix()

    def _postfix(self) -> None:
        self.bar.set_postfix_str(", ".join(f"{c}: {s}" for c, s in sorted(self.running.items())))

    def close(self) -> None:
        self.bar.close()
        self.log_file.close()


SUMMARY_COLUMNS = ("client", "status", "seconds", "bundle", "error")
SUMMARY_STYLE = ("body { font-family: sans-serif; margin: 2em } table { border-collapse: collapse } "
                 "td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left } "
                 "td.n { text-align: right } tr.failed td { background: #fde2e2 } "
                 "tr.skipped td { color: #666 }")


def summary_rows(result: BatchResult, project_dir: Path) -> list[dict[str, Any]]:
    rows = []
    for o in result.outcomes:
        bundle = o.bundle
        if bundle:
            with contextlib.suppress(ValueError):
                bundle = str(Path(bundle).relative_to(project_dir))
        rows.append({"client": o.client, "status": o.status, "seconds": round(o.seconds, 1),
                     "bundle": bundle or "", "error": o.error or ""})
    return rows


def format_summary(rows: list[dict[str, Any]]) -> str:
    """The summary as an aligned text table."""
    widths = {c: max([len(c), *(len(str(r[c])) for r in rows)]) for c in SUMMARY_COLUMNS[:-1]}
    lines = ["  ".join(c.ljust(widths[c]) for c in SUMMARY_COLUMNS[:-1]) + "  error"]
    for r in rows:
        cells = [str(r[c]).rjust(widths[c]) if c == "seconds" else str(r[c]).ljust(widths[c])
                 for c in SUMMARY_COLUMNS[:-1]]
        lines.append("  ".join(cells) + "  " + r["error"])
    return "\n".join(lines)


def write_summary(result: BatchResult, project_dir: Path) -> tuple[Path, Path]:
    """summary.csv and summary.html in the batch folder (links go to each bundle's index.html)."""
    import csv

    rows = summary_rows(result, project_dir)
    csv_path, html_path = result.folder / "summary.csv", result.folder / "summary.html"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    body = []
    for r in rows:
        bundle = html.escape(r["bundle"])
        if r["bundle"] and (project_dir / r["bundle"] / "index.html").is_file():
            link = Path(os.path.relpath(project_dir / r["bundle"] / "index.html", result.folder))
            bundle = f'<a href="{html.escape(link.as_posix())}">{bundle}</a>'
        body.append(f'<tr class="{r["status"]}"><td>{html.escape(r["client"])}</td>'
                    f'<td>{r["status"]}</td><td class="n">{r["seconds"]:.1f}</td><td>{bundle}</td>'
                    f'<td>{html.escape(r["error"])}</td></tr>')
    counts = {s: sum(r["status"] == s for r in rows) for s in (COMPLETE, SKIPPED, FAILED)}
    header = "".join(f"<th>{c}</th>" for c in SUMMARY_COLUMNS)
    html_path.write_text(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>Batch {result.batch_id}</title><style>{SUMMARY_STYLE}</style></head>\n"
        f"<body><h1>Batch {result.batch_id}</h1>\n"
        f"<p>{counts[COMPLETE]} complete, {counts[SKIPPED]} skipped (up to date), {counts[FAILED]} failed. "
        "Log: <a href=\"batch.log\">batch.log</a></p>\n"
        f"<table><tr>{header}</tr>\n" + "\n".join(body) + "\n</table></body></html>\n",
        encoding="utf-8")
    return csv_path, html_path


# --- the batch --------------------------------------------------------------------------------------

def run_batch(project_dir: Path, clients: Sequence[str] | None = None, *, workers: int | None = None,
              scheduler: str | None = None, only: Sequence[str] | None = None, resume: bool = False,
              notebook_timeout: float | None = None, progress: bool = True) -> BatchResult:
    """Run many clients; one client's failure never stops the others.

    `clients`: slugs (default: every config/clients/*.yaml). `workers`: clients at a time on this machine
    (default: the number of cores). `scheduler`: address of a Dask scheduler to run on instead.
    `resume`: skip clients whose latest complete bundle is up to date (`up_to_date_bundle`).
    `notebook_timeout`: seconds per notebook for every client (default: each client's
    run.notebook_timeout; reading the inputs is limited by run.prepare_timeout).
    Raises ConfigError for unknown clients and UnknownSection for `only`.
    """
    project_dir = Path(project_dir).resolve()
    names = clients_of(project_dir, clients)
    select_notebooks(notebooks_of(project_dir), only)  # an unknown section fails the batch up front
    batch_id = new_run_id()
    folder = project_dir / "reports" / BATCH_FOLDER / batch_id
    folder.mkdir(parents=True)
    outcomes: dict[str, ClientOutcome] = {}
    todo: list[tuple[str, float, float]] = []
    report = Progress(folder / "batch.log", total=len(names), show=progress)
    try:
        where = f"Dask scheduler {scheduler}" if scheduler else f"{workers or default_workers()} workers"
        report.line(f"batch {batch_id}: {len(names)} clients on {where}"
                    f"{'; sections ' + ' '.join(only) if only else ''}{'; resume' if resume else ''}")
        for name in names:
            try:
                config = load_config(project_dir, name)
                bundle = up_to_date_bundle(project_dir, name, config, only) if resume else None
            except Exception as exc:  # noqa: BLE001 - a broken config fails that client only
                outcomes[name] = ClientOutcome(name, FAILED, error=_first_line(exc))
                report.finished(outcomes[name])
                continue
            if bundle is not None:
                outcomes[name] = ClientOutcome(name, SKIPPED, bundle=str(bundle))
                report.finished(outcomes[name])
                continue
            limits = config["run"]
            todo.append((name, float(notebook_timeout or limits["notebook_timeout"]),
                         float(limits["prepare_timeout"])))
        if todo and scheduler:
            _run_on_dask(scheduler, project_dir, todo, only, batch_id, report, outcomes)
        elif todo:
            _run_locally(project_dir, todo, only, min(workers or default_workers(), len(todo)),
                         report, outcomes)
        result = BatchResult(batch_id, folder, [outcomes[name] for name in names])
        write_summary(result, project_dir)
        failed = len(result.failed)
        report.line(f"batch {batch_id}: {len(names) - failed} of {len(names)} clients ok; "
                    f"summary in {folder}")
    finally:
        report.close()
    return result


def _run_locally(project_dir: Path, todo: list[tuple[str, float, float]], only: Sequence[str] | None,
                 workers: int, report: Progress, outcomes: dict[str, ClientOutcome]) -> None:
    from .runner import ensure_kernel

    ensure_kernel()  # once, before parallel runs could race to install it
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch") as pool:
        futures = {pool.submit(supervise, project_dir, name, only, timeout, report.event, prepare): name
                   for name, timeout, prepare in todo}
        for future in as_completed(futures):
            name = futures[future]
            try:
                outcome = ClientOutcome(**future.result())
            except Exception as exc:  # noqa: BLE001 - e.g. the child could not be started
                outcome = ClientOutcome(name, FAILED, error=_first_line(exc))
            outcomes[name] = outcome
            report.finished(outcome)


def _run_on_dask(scheduler: str, project_dir: Path, todo: list[tuple[str, float, float]],
                 only: Sequence[str] | None, batch_id: str, report: Progress,
                 outcomes: dict[str, ClientOutcome]) -> None:
    from distributed import Client, as_completed

    topic = f"loyalty-batch-{batch_id}"

    def on_dask_event(event: tuple[float, dict[str, Any]]) -> None:
        message = event[1]
        report.event(message["client"], message["kind"], message["details"])

    with Client(scheduler) as dask:
        dask.subscribe_topic(topic, on_dask_event)
        futures = {dask.submit(_dask_task, str(project_dir), name, list(only or []), timeout, prepare,
                               topic, pure=False, key=f"{topic}-{name}"): name
                   for name, timeout, prepare in todo}
        for future in as_completed(list(futures)):
            name = futures[future]
            try:
                outcome = ClientOutcome(**future.result())
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection...
                outcome = ClientOutcome(name, FAILED, error=f"Dask worker lost: {_first_line(exc)}")
            outcomes[name] = outcome
            report.finished(outcome)
        time.sleep(0.2)  # let the last progress events arrive before unsubscribing
        dask.unsubscribe_topic(topic)

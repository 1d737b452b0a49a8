"""Batch runs: many clients at once, each in its own process that the batch can kill.

Every client runs `runner.run_client` in a child Python process (`supervise.supervise`), which gives
every step a time limit and kills the child with its kernels when one overruns; one client's failure
(bad input, a failed notebook, a timeout, a dead worker) never stops the others.

Locally, `workers` supervisor threads run at most that many clients at a time. With a Dask scheduler
address the same `supervise` runs as a Dask task on the cluster's workers (which must see the project
folder at the same path and have the package installed); per-notebook progress comes back through a
Dask event topic.

Each batch writes `reports/_batch/<batch_id>/`: batch.log (every event, plus the kernels' stderr),
summary.csv and summary.html (client, status, seconds, bundle, first error line).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import ConfigError, list_clients, load_config
from ..engine.budget import available_cores
from .batch_summary import (  # noqa: F401  (part of the batch's interface)
    SKIPPED,
    BatchResult,
    Progress,
    format_summary,
    summary_rows,
    write_summary,
)
from .kernels import ensure_kernel, first_line
from .runner import COMPLETE, FAILED, latest_bundle, new_run_id, sections_of, select_sections
from .supervise import ClientOutcome, _dask_task, supervise

BATCH_FOLDER = "_batch"
# Keys that only limit how long a run may take: changing them does not make a bundle stale (--resume).
TIME_LIMIT_KEYS = ("execution_timeout", "notebook_timeout", "prepare_timeout")


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch: `workers` clients at a time on this machine (default: the number of cores),
    or on the Dask `scheduler` at that address; `only` these sections; `resume`: skip clients whose
    latest bundle is complete and up to date; `notebook_timeout`: seconds per notebook for every client
    (default: each client's run.notebook_timeout); `progress` in the terminal."""

    workers: int | None = None
    scheduler: str | None = None
    only: Sequence[str] | None = None
    resume: bool = False
    notebook_timeout: float | None = None
    progress: bool = True


# one client still to run: (name, seconds per notebook, seconds to read the inputs)
Todo = tuple[str, float, float]


def default_workers() -> int:
    """Number of cores this process may use."""
    return available_cores()


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
    """The client's latest bundle if it is complete and re-running it would compute the same thing,
    else None (a latest bundle that is partial is re-run, whatever an older complete one holds).

    Same thing = its manifest's input hashes equal the current files' (prepare.input_hashes), its
    parameters equal the current merged config (time limits aside), and it ran every notebook asked for.
    """
    from ..ingest.prepare import input_hashes

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
    wanted = {s.name for s in select_sections(sections_of(project_dir), only)}
    ran = {n["notebook"] for n in manifest.get("notebooks", []) if n.get("status") == "ok"}
    return bundle if wanted <= ran else None


# --- the batch --------------------------------------------------------------------------------------

def run_batch(project_dir: Path, clients: Sequence[str] | None = None, options: BatchOptions | None = None,
              **settings: Any) -> BatchResult:
    """Run many clients; one client's failure never stops the others.

    `clients`: slugs (default: every config/clients/*.yaml). `options` (`BatchOptions`), or its fields
    as keywords (`workers=2, only=["rfm"]`...). Raises ConfigError for unknown clients and
    UnknownSection for `only`.
    """
    options = dataclasses.replace(options or BatchOptions(), **settings)
    project_dir = Path(project_dir).resolve()
    names = clients_of(project_dir, clients)
    select_sections(sections_of(project_dir), options.only)  # an unknown section fails the batch up front
    batch_id = new_run_id()
    folder = project_dir / "reports" / BATCH_FOLDER / batch_id
    folder.mkdir(parents=True)
    report = Progress(folder / "batch.log", total=len(names), show=options.progress)
    try:
        where = (f"Dask scheduler {options.scheduler}" if options.scheduler
                 else f"{options.workers or default_workers()} workers")
        only = options.only
        report.line(f"batch {batch_id}: {len(names)} clients on {where}"
                    f"{'; sections ' + ' '.join(only) if only else ''}{'; resume' if options.resume else ''}")
        outcomes, todo = _plan(project_dir, names, options, report)
        if todo and options.scheduler:
            _run_on_dask(project_dir, todo, options, batch_id, (report, outcomes))
        elif todo:
            _run_locally(project_dir, todo, options, (report, outcomes))
        result = BatchResult(batch_id, folder, [outcomes[name] for name in names])
        write_summary(result, project_dir)
        failed, partial = len(result.failed), len(result.partial)
        report.line(f"batch {batch_id}: {len(names) - failed - partial} of {len(names)} clients ok, "
                    f"{partial} partial, {failed} failed; summary in {folder}")
    finally:
        report.close()
    return result


def _plan(project_dir: Path, names: list[str], options: BatchOptions,
          report: Progress) -> tuple[dict[str, ClientOutcome], list[Todo]]:
    """The clients settled before running (a broken config, an up-to-date bundle) and those to run."""
    outcomes: dict[str, ClientOutcome] = {}
    todo: list[Todo] = []
    for name in names:
        try:
            config = load_config(project_dir, name)
            bundle = up_to_date_bundle(project_dir, name, config, options.only) if options.resume else None
        except Exception as exc:  # noqa: BLE001 - a broken config fails that client only
            outcomes[name] = ClientOutcome(name, FAILED, error=first_line(exc))
            report.finished(outcomes[name])
            continue
        if bundle is not None:
            outcomes[name] = ClientOutcome(name, SKIPPED, bundle=str(bundle))
            report.finished(outcomes[name])
            continue
        limits = config["run"]
        todo.append((name, float(options.notebook_timeout or limits["notebook_timeout"]),
                     float(limits["prepare_timeout"])))
    return outcomes, todo


Sink = tuple[Progress, dict[str, ClientOutcome]]  # where finished clients go


def _finished(sink: Sink, outcome: ClientOutcome) -> None:
    report, outcomes = sink
    outcomes[outcome.client] = outcome
    report.finished(outcome)


def _run_locally(project_dir: Path, todo: list[Todo], options: BatchOptions, sink: Sink) -> None:
    report = sink[0]
    ensure_kernel()  # once, before parallel runs could race to install it
    workers = min(options.workers or default_workers(), len(todo))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch") as pool:
        futures = {pool.submit(supervise, project_dir, name, options.only, timeout, report.event,
                               prepare): name
                   for name, timeout, prepare in todo}
        for future in as_completed(futures):
            name = futures[future]
            try:
                outcome = ClientOutcome(**future.result())
            except Exception as exc:  # noqa: BLE001 - e.g. the child could not be started
                outcome = ClientOutcome(name, FAILED, error=first_line(exc))
            _finished(sink, outcome)


def _run_on_dask(project_dir: Path, todo: list[Todo], options: BatchOptions, batch_id: str,
                 sink: Sink) -> None:
    from distributed import Client, as_completed

    report = sink[0]
    topic = f"loyalty-batch-{batch_id}"

    def on_dask_event(event: tuple[float, dict[str, Any]]) -> None:
        message = event[1]
        report.event(message["client"], message["kind"], message["details"])

    with Client(options.scheduler) as dask:
        dask.subscribe_topic(topic, on_dask_event)
        futures = {dask.submit(_dask_task, str(project_dir), name, list(options.only or []), timeout,
                               prepare, topic, pure=False, key=f"{topic}-{name}"): name
                   for name, timeout, prepare in todo}
        for future in as_completed(list(futures)):
            name = futures[future]
            try:
                outcome = ClientOutcome(**future.result())
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection...
                outcome = ClientOutcome(name, FAILED, error=f"Dask worker lost: {first_line(exc)}")
            _finished(sink, outcome)
        time.sleep(0.2)  # let the last progress events arrive before unsubscribing
        dask.unsubscribe_topic(topic)

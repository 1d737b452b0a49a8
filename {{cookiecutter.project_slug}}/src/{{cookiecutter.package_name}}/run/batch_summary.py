"""What a batch shows and leaves: progress per client and notebook (`Progress`: terminal and
batch.log) and the summary (client, status, seconds, bundle, first error line) as text,
summary.csv and summary.html. A client's status is complete, partial (a section failed, the bundle
is published), failed or skipped (up to date, `--resume`)."""

from __future__ import annotations

import contextlib
import html
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .runner import COMPLETE, FAILED, PARTIAL
from .supervise import ClientOutcome

SKIPPED = "skipped"


@dataclass
class BatchResult:
    batch_id: str
    folder: Path  # reports/_batch/<batch_id>/
    outcomes: list[ClientOutcome]

    @property
    def failed(self) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def partial(self) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.status == PARTIAL]

    @property
    def ok(self) -> bool:
        """Every client complete or up to date."""
        return not self.failed and not self.partial


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
        elif outcome.status == PARTIAL:
            self.line(f"[{outcome.client}] PARTIAL in {outcome.seconds:.1f} s: {outcome.bundle}; "
                      f"{outcome.error}")
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
                 "tr.partial td { background: #fff4d6 } "
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
    counts = {s: sum(r["status"] == s for r in rows) for s in (COMPLETE, PARTIAL, SKIPPED, FAILED)}
    header = "".join(f"<th>{c}</th>" for c in SUMMARY_COLUMNS)
    html_path.write_text(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>Batch {result.batch_id}</title><style>{SUMMARY_STYLE}</style></head>\n"
        f"<body><h1>Batch {result.batch_id}</h1>\n"
        f"<p>{counts[COMPLETE]} complete, {counts[PARTIAL]} partial, {counts[SKIPPED]} skipped (up to date), "
        f"{counts[FAILED]} failed. "
        "Log: <a href=\"batch.log\">batch.log</a></p>\n"
        f"<table><tr>{header}</tr>\n" + "\n".join(body) + "\n</table></body></html>\n",
        encoding="utf-8")
    return csv_path, html_path

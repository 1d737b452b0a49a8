"""report.pdf from the bundle's index.html, printed by a headless Chromium already on the machine.

No browser is downloaded (nbconvert's `webpdf` fetches its own unless pointed at one): the config key
`report.chromium` names the executable, or null searches PATH. A missing or failing browser never fails
the run: `write_pdf` returns a sentence saying why there is no PDF, for the caller to log.

The browser runs as it must on a consultant's server or in CI: as root (`--no-sandbox`), without a
display or GPU, on a closed network (every host name resolves to nothing, background services off),
with a fresh profile in a temporary folder that is deleted afterwards, and under a wall-clock limit
after which its whole process group is killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MAC_BROWSERS = ("/Applications/Chromium.app/Contents/MacOS/Chromium",
                "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
DEFAULT_TIMEOUT_SECONDS = 120

# Flags of every headless run: root without a sandbox, no GPU or display, no network of its own.
HEADLESS_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-extensions", "--disable-default-apps", "--no-first-run",
    "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
)


class BrowserError(RuntimeError):
    """Chromium did not finish the job (missing, timed out, crashed or wrote nothing)."""


def find_chromium(configured: str | None = None) -> str | None:
    """Path of the browser: `configured` (a path or a command name) if given, else the first of
    chromium, chromium-browser, google-chrome, google-chrome-stable on PATH (then macOS app bundles)."""
    if configured:
        found = shutil.which(configured) or (configured if Path(configured).is_file() else None)
        return str(found) if found else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in MAC_BROWSERS if Path(path).is_file()), None)


def run_headless(browser: str, args: list[str], timeout: float = DEFAULT_TIMEOUT_SECONDS,
                 cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `browser` headless with `args` and a throwaway profile; kill it and its children on timeout.

    Raises BrowserError on a timeout or a non-zero exit (with the last line Chromium wrote to stderr).
    """
    with tempfile.TemporaryDirectory(prefix="chromium-profile-", ignore_cleanup_errors=True) as profile:
        command = [browser, *HEADLESS_FLAGS, f"--user-data-dir={profile}", *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   errors="replace", cwd=cwd, start_new_session=os.name == "posix")
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            process.communicate()
            raise BrowserError(f"{Path(browser).name} did not finish within {timeout:g} s") from None
        finally:
            _kill(process)  # children (zygote, renderers) may outlive the main process
    if process.returncode != 0:
        raise BrowserError(f"{Path(browser).name} exited with code {process.returncode}: "
                           f"{_last_line(stderr)}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill(process: subprocess.Popen[str]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        elif process.poll() is None:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"


def print_to_pdf(html_path: Path, pdf_path: Path, browser: str,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Path:
    """Print `html_path` (A4 etc. from the page's own @page rules) to `pdf_path`, atomically.

    Raises BrowserError when Chromium fails or writes no PDF.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    partial = pdf_path.with_name(pdf_path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        run_headless(browser, [f"--print-to-pdf={partial}", "--no-pdf-header-footer",
                               "--generate-pdf-document-outline", html_path.as_uri()], timeout=timeout)
        if not partial.is_file() or not partial.read_bytes()[:5] == b"%PDF-":
            raise BrowserError(f"{Path(browser).name} wrote no PDF")
        partial.replace(pdf_path)
    finally:
        partial.unlink(missing_ok=True)
    return pdf_path


def write_pdf(run_dir: Path, config: dict[str, Any]) -> str:
    """report.pdf beside index.html in `run_dir`, if the config asks for it and a browser works.

    Returns what happened in one sentence ("report.pdf: 2.1 MB in 4.3 s" or why there is none);
    never raises for a missing or failing browser.
    """
    settings = config.get("report") or {}
    if not settings.get("pdf", True):
        return "report.pdf not made: report.pdf is false in the config"
    if not (Path(run_dir) / "index.html").is_file():
        return f"report.pdf not made: no index.html in {run_dir}"
    browser = find_chromium(settings.get("chromium"))
    if browser is None:
        wanted = settings.get("chromium") or " / ".join(BROWSER_NAMES)
        return (f"report.pdf not made: no Chromium found ({wanted}); install chromium "
                "or set report.chromium to its path")
    started = time.perf_counter()
    try:
        target = print_to_pdf(Path(run_dir) / "index.html", Path(run_dir) / "report.pdf", browser,
                              timeout=settings.get("pdf_timeout") or DEFAULT_TIMEOUT_SECONDS)
    except (BrowserError, OSError) as exc:
        return f"report.pdf not made: {exc}"
    size_mb = target.stat().st_size / 1e6
    return f"report.pdf: {size_mb:.1f} MB in {time.perf_counter() - started:.1f} s"

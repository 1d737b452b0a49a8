"""report.pdf from the bundle's index.html, printed by a headless Chromium, Chrome or Edge already on
the machine.

No browser is downloaded (nbconvert's `webpdf` fetches its own unless pointed at one): the config key
`report.chromium` names the executable, or null looks for Chromium, Google Chrome and Microsoft Edge on
PATH, then at their standard install locations on Linux, macOS and Windows (`browser_locations`). A
missing or failing browser never fails the run: `write_pdf` returns a sentence saying which browser
printed the PDF, or why there is none and where it looked, for the caller to log and record.

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
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

# command names looked up on PATH, in order of preference (Windows adds .exe itself)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
                 "microsoft-edge", "microsoft-edge-stable", "msedge")
FILESYSTEM_ROOT = Path("/")  # where the Linux and macOS locations are (tests point it at a folder)
LINUX_BROWSERS = ("usr/bin/chromium", "usr/bin/chromium-browser", "usr/lib/chromium/chromium",
                  "snap/bin/chromium", "usr/bin/google-chrome-stable", "usr/bin/google-chrome",
                  "opt/google/chrome/chrome", "usr/bin/microsoft-edge-stable", "usr/bin/microsoft-edge",
                  "opt/microsoft/msedge/msedge")
MAC_APPS = ("Chromium.app/Contents/MacOS/Chromium", "Google Chrome.app/Contents/MacOS/Google Chrome",
            "Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
# Windows: (environment variable of the folder, path under it); per-user installs in LOCALAPPDATA
WINDOWS_BROWSERS = (
    ("LOCALAPPDATA", r"Chromium\Application\chrome.exe"),
    ("PROGRAMFILES", r"Chromium\Application\chrome.exe"),
    ("PROGRAMFILES", r"Google\Chrome\Application\chrome.exe"),
    ("PROGRAMFILES(X86)", r"Google\Chrome\Application\chrome.exe"),
    ("LOCALAPPDATA", r"Google\Chrome\Application\chrome.exe"),
    ("PROGRAMFILES(X86)", r"Microsoft\Edge\Application\msedge.exe"),
    ("PROGRAMFILES", r"Microsoft\Edge\Application\msedge.exe"),
    ("LOCALAPPDATA", r"Microsoft\Edge\Application\msedge.exe"),
)
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


@dataclass(frozen=True)
class Browser:
    """A browser that can print the PDF: what it is ("Google Chrome") and its executable."""

    label: str
    path: str

    def __str__(self) -> str:
        return f"{self.label} ({self.path})"


def browser_label(path: str) -> str:
    """Chromium, Google Chrome or Microsoft Edge, from the executable's file name (`msedge.exe`,
    `google-chrome`) and, for a plain `chrome`, its install folder (`Chromium\\Application\\chrome.exe`
    is Chromium); else the file name."""
    parts = [part.lower() for part in PureWindowsPath(str(path)).parts]  # splits on both / and \\
    name = parts[-1] if parts else ""
    folders = parts[-3:-1] if len(parts) > 2 and parts[-2] == "application" else parts[-2:-1]
    if "edge" in name:
        return "Microsoft Edge"
    if "chromium" in name or (name.startswith("chrome") and "chromium" in folders):
        return "Chromium"
    if "chrome" in name:
        return "Google Chrome"
    return PureWindowsPath(str(path)).name or str(path)


def platform_family() -> str:
    """linux, macos or windows (`sys.platform`; other Unixes look like Linux)."""
    return {"win32": "windows", "cygwin": "windows", "darwin": "macos"}.get(sys.platform, "linux")


def browser_locations(environ: Mapping[str, str] | None = None) -> list[str]:
    """The standard install locations of Chromium, Chrome and Edge on this platform, in order of
    preference: Linux packages, snaps and vendor folders (/usr/bin, /usr/lib/chromium, /snap/bin,
    /opt/google, /opt/microsoft); macOS app bundles in /Applications and ~/Applications; Windows
    machine-wide installs in %PROGRAMFILES% and %PROGRAMFILES(X86)%, per-user ones in %LOCALAPPDATA%."""
    environ = os.environ if environ is None else environ
    family = platform_family()
    if family == "windows":
        return [str(Path(environ[variable], *below.split("\\"))) for variable, below in WINDOWS_BROWSERS
                if environ.get(variable)]
    if family == "macos":
        folders = [FILESYSTEM_ROOT / "Applications"]
        folders += [Path(environ["HOME"]) / "Applications"] if environ.get("HOME") else []
        return [str(folder / app) for app in MAC_APPS for folder in folders]
    return [str(FILESYSTEM_ROOT / below) for below in LINUX_BROWSERS]


def _runnable(path: str) -> bool:
    candidate = Path(path)
    return candidate.is_file() and (platform_family() == "windows" or os.access(candidate, os.X_OK))


def find_browser(configured: str | None = None, environ: Mapping[str, str] | None = None) -> Browser | None:
    """The browser that prints the PDF: `configured` (a path or a command name) if given, else the
    first of `BROWSER_NAMES` on PATH, else the first of `browser_locations()` that exists."""
    if configured:
        found = shutil.which(configured) or (configured if Path(configured).is_file() else None)
        return Browser(browser_label(found), str(found)) if found else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Browser(browser_label(found), found)
    path = next((p for p in browser_locations(environ) if _runnable(p)), None)
    return Browser(browser_label(path), path) if path else None


def find_chromium(configured: str | None = None) -> str | None:
    """Path of the browser (see `find_browser`), or None."""
    browser = find_browser(configured)
    return browser.path if browser else None


def not_found_note(configured: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Why there is no PDF when no browser was found, with where it looked and what to do."""
    if configured:
        return (f"report.pdf not made: no Chromium found at report.chromium = {configured!r}; set it to "
                "the path of Chromium, Chrome or Edge, or to null to look in the usual places")
    places = "; ".join(browser_locations(environ))
    return (f"report.pdf not made: no Chromium, Chrome or Edge found on PATH ({', '.join(BROWSER_NAMES)}) "
            f"nor at {places}; install one of them or set report.chromium to its path")


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
    browser = find_browser(settings.get("chromium"))
    if browser is None:
        return not_found_note(settings.get("chromium"))
    started = time.perf_counter()
    try:
        target = print_to_pdf(Path(run_dir) / "index.html", Path(run_dir) / "report.pdf", browser.path,
                              timeout=settings.get("pdf_timeout") or DEFAULT_TIMEOUT_SECONDS)
    except (BrowserError, OSError) as exc:
        return f"report.pdf not made by {browser}: {exc}"
    size_mb = target.stat().st_size / 1e6
    return f"report.pdf: {size_mb:.1f} MB in {time.perf_counter() - started:.1f} s by {browser}"

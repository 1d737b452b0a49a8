"""Which browser prints report.pdf: Chromium, Chrome or Edge on PATH, then at the standard install
locations of Linux, macOS and Windows, each layout faked in a temporary folder (the platform, PATH,
PROGRAMFILES, PROGRAMFILES(X86), LOCALAPPDATA and HOME monkeypatched; Linux and macOS system folders
under `FILESYSTEM_ROOT`). `report.chromium` overrides the search; the note says what was used or where
it looked."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.report import pdf
from {{ cookiecutter.package_name }}.report.pdf import find_browser, not_found_note, write_pdf

FAKE_BROWSER = """#!/bin/sh
# prints a one-page "PDF" where --print-to-pdf= says, as Chromium does
for arg in "$@"; do
  case "$arg" in --print-to-pdf=*) printf '%%PDF-1.4 fake\\n' > "${arg#--print-to-pdf=}";; esac
done
"""


def install(path: Path, script: str = "#!/bin/sh\n") -> Path:
    """An executable file at `path` (its folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """An empty machine: PATH is an empty folder, the system root and HOME are temporary folders."""
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(pdf, "FILESYSTEM_ROOT", tmp_path / "root")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for variable in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def as_platform(monkeypatch, name: str) -> None:
    monkeypatch.setattr(sys, "platform", name)


def each_wins_over_the_ones_before(installs: list[tuple[Path, str]]) -> None:
    """Install the browsers one by one: each is the one found, preferred to those installed before it."""
    for path, label in installs:
        install(path)
        assert find_browser() == pdf.Browser(label, str(path))


def test_linux_standard_locations_in_order_of_preference(machine, monkeypatch):
    as_platform(monkeypatch, "linux")
    root = machine / "root"
    assert find_browser() is None
    each_wins_over_the_ones_before([(root / "opt/microsoft/msedge/msedge", "Microsoft Edge"),
                                    (root / "opt/google/chrome/chrome", "Google Chrome"),
                                    (root / "snap/bin/chromium", "Chromium")])
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/chromium").write_text("not executable")  # a file that cannot run is skipped
    assert find_browser().path == str(root / "snap/bin/chromium")


def test_a_browser_on_path_comes_before_the_standard_locations(machine, monkeypatch):
    as_platform(monkeypatch, "linux")
    install(machine / "root/usr/bin/chromium")
    edge = install(machine / "bin" / "microsoft-edge-stable")
    assert find_browser() == pdf.Browser("Microsoft Edge", str(edge))


def test_macos_applications_then_the_users_own(machine, monkeypatch):
    as_platform(monkeypatch, "darwin")
    assert find_browser() is None
    each_wins_over_the_ones_before([
        (machine / "home/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge", "Microsoft Edge"),
        (machine / "root/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "Google Chrome"),
        (machine / "home/Applications/Chromium.app/Contents/MacOS/Chromium", "Chromium"),
    ])


@pytest.fixture
def windows(machine, monkeypatch):
    """Windows' folders with their usual spaces (and a Cyrillic user name) under the temporary folder."""
    as_platform(monkeypatch, "win32")
    monkeypatch.setenv("PATHEXT", os.pathsep.join([".COM", ".EXE", ".BAT"]))  # ";" on Windows
    folders = {"PROGRAMFILES": machine / "C" / "Program Files",
               "PROGRAMFILES(X86)": machine / "C" / "Program Files (x86)",
               "LOCALAPPDATA": machine / "C" / "Users" / "Иван Петров" / "AppData" / "Local"}
    for variable, folder in folders.items():
        monkeypatch.setenv(variable, str(folder))
    return folders


def test_windows_edge_where_windows_puts_it(windows):
    assert find_browser() is None
    edge = install(windows["PROGRAMFILES(X86)"] / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    assert find_browser() == pdf.Browser("Microsoft Edge", str(edge))


def test_windows_chrome_per_user_or_machine_wide_before_edge(windows):
    each_wins_over_the_ones_before([
        (windows["PROGRAMFILES(X86)"] / "Microsoft/Edge/Application/msedge.exe", "Microsoft Edge"),
        (windows["LOCALAPPDATA"] / "Google" / "Chrome" / "Application" / "chrome.exe", "Google Chrome"),
        (windows["PROGRAMFILES"] / "Google" / "Chrome" / "Application" / "chrome.exe", "Google Chrome"),
        (windows["LOCALAPPDATA"] / "Chromium" / "Application" / "chrome.exe", "Chromium"),
    ])


def test_windows_path_lookup_adds_exe(windows, machine):
    install(windows["PROGRAMFILES"] / "Google" / "Chrome" / "Application" / "chrome.exe")
    on_path = install(machine / "bin" / "msedge.EXE")
    assert find_browser() == pdf.Browser("Microsoft Edge", str(on_path))


def test_the_note_says_where_it_looked(windows):
    note = not_found_note()
    assert note.startswith("report.pdf not made: no Chromium, Chrome or Edge found on PATH (chromium, ")
    expected = [windows["PROGRAMFILES(X86)"] / "Microsoft" / "Edge" / "Application" / "msedge.exe",
                windows["LOCALAPPDATA"] / "Google" / "Chrome" / "Application" / "chrome.exe",
                windows["PROGRAMFILES"] / "Chromium" / "Application" / "chrome.exe"]
    assert all(str(path) in note for path in expected)
    assert note.endswith("install one of them or set report.chromium to its path")


def test_report_chromium_overrides_the_search(machine, monkeypatch):
    as_platform(monkeypatch, "linux")
    install(machine / "bin" / "chromium")
    own = install(machine / "Мои программы" / "chrome beta")
    assert find_browser(str(own)) == pdf.Browser("Google Chrome", str(own))
    missing = str(machine / "nowhere" / "chrome")
    assert find_browser(missing) is None
    assert not_found_note(missing) == (
        f"report.pdf not made: no Chromium found at report.chromium = {missing!r}; set it to the path "
        "of Chromium, Chrome or Edge, or to null to look in the usual places")


def test_write_pdf_says_which_browser_printed_it(machine, monkeypatch):
    as_platform(monkeypatch, "linux")
    run_dir = machine / "Клиенты" / "ООО Ромашка" / "run"
    run_dir.mkdir(parents=True)
    (run_dir / "index.html").write_text("<h1>Отчёт</h1>", encoding="utf-8")
    config = {"report": {"pdf": True, "chromium": None, "pdf_timeout": 30}}
    note = write_pdf(run_dir, config)
    assert note.startswith("report.pdf not made: no Chromium, Chrome or Edge found on PATH")
    assert str(machine / "root/opt/google/chrome/chrome") in note
    chrome = install(machine / "root/opt/google/chrome/chrome", FAKE_BROWSER)
    note = write_pdf(run_dir, config)
    assert note.startswith("report.pdf: 0.0 MB in ")
    assert note.endswith(f" s by Google Chrome ({chrome})")
    assert (run_dir / "report.pdf").read_bytes().startswith(b"%PDF-1.4 fake")
    broken = install(machine / "bin" / "chromium", "#!/bin/sh\necho 'cannot open display' >&2\nexit 5\n")
    note = write_pdf(run_dir, config)
    assert note == (f"report.pdf not made by Chromium ({broken}): chromium exited with code 5: "
                    "cannot open display")

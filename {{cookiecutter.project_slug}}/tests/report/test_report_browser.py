"""The bundle in a real browser: index.html renders offline with every section, report.pdf has A4 pages
with every heading, and no file of the bundle (the PDF's text included) holds a customer's contacts.

Needs a Chromium (Debian's `chromium`, which the template's CI installs); without one every test here is
skipped with that reason. The browser runs with every host name resolving to nothing, so a report that
tried to fetch something would fail here instead of leaking or hanging on a closed network.
"""

from __future__ import annotations

import json
import re
import zlib
from html.parser import HTMLParser
from pathlib import Path

import mistune
import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook

from {{ cookiecutter.package_name }}.report.pdf import find_chromium, print_to_pdf, run_headless

BROWSER = find_chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH (chromium, chromium-browser, "
                                               "google-chrome): install Debian's chromium to run these"),
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NO_ORIGIN = "not an origin"  # net log initiator of the browser's own requests (updates, time, sign-in)


# --- helpers -------------------------------------------------------------------------------------------

class HeadingText(HTMLParser):
    """Text of every <h1> and <h2> of an HTML document, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("h1", "h2"):
            self._open = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2") and self._open is not None:
            self.headings.append(" ".join("".join(self._open).split()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def headings_of(html_text: str) -> list[str]:
    parser = HeadingText()
    parser.feed(html_text)
    return parser.headings


def notebook_headings(bundle: Path) -> list[str]:
    """The first- and second-level headings of the executed notebooks' markdown cells: what the report
    must show, taken from its source rather than from the page under test."""
    found = []
    for path in sorted((bundle / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                found += headings_of(mistune.html(cell.source))
    assert found, "the notebooks have no headings"
    return found


def outside_requests(net_log: Path) -> list[str]:
    """URLs the page asked the network for (its own requests, not the browser's update/time pings:
    those have no initiating origin and are blocked by the host resolver rule anyway)."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = params.get("url")  # the job's end event has no parameters
        if event["type"] == start_job and url and params.get("initiator") != NO_ORIGIN \
                and not url.startswith(("file:", "data:", "blob:")):
            urls.append(url)
    return urls


def pdf_page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


def _pdf_stream(objects: dict[int, bytes], number: int) -> bytes:
    body = objects.get(number, b"")
    head = re.match(rb"\s*<<(.*?)>>\s*stream\r?\n", body, re.S)
    length = re.search(rb"/Length (\d+)", head[1]) if head else None
    if not length:
        return b""
    raw = body[head.end():head.end() + int(length[1])]
    return zlib.decompress(raw) if b"/FlateDecode" in head[1] else raw


def _to_unicode(cmap: bytes) -> dict[int, str]:
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                                           block):
            start = bytes.fromhex(first.decode()).decode("utf-16-be", "replace")
            for offset in range(int(high, 16) - int(low, 16) + 1):
                table[int(low, 16) + offset] = start[:-1] + chr(ord(start[-1]) + offset)
    return table


def _pdf_fonts(data: bytes, objects: dict[int, bytes]) -> dict[bytes, dict[int, str]]:
    """Resource name (/F4) -> glyph id -> text."""
    fonts: dict[bytes, dict[int, str]] = {}
    for resources in re.findall(rb"/Font\s*<<(.*?)>>", data, re.S):
        for name, number in re.findall(rb"/([^\s/<>]+)\s+(\d+) 0 R", resources):
            cmap_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(number), b""))
            fonts[name] = _to_unicode(_pdf_stream(objects, int(cmap_ref[1]))) if cmap_ref else {}
    return fonts


_TEXT_TOKEN = re.compile(rb"/([^\s/<>\[\]()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\bET\b")


def _shown_lines(content: bytes, fonts: dict[bytes, dict[int, str]]) -> list[str]:
    """The lines of text a content stream shows (one per text object)."""
    lines: list[str] = []
    font: dict[int, str] = {}
    line: list[str] = []
    for match in _TEXT_TOKEN.finditer(content):
        if match[1] is not None:
            font = fonts.get(match[1], {})
        elif match[2] is not None:
            codes = bytes.fromhex(match[2].decode())
            line += [font.get(int.from_bytes(codes[i:i + 2], "big"), "") for i in range(0, len(codes), 2)]
        else:
            lines.append("".join(line))
            line = []
    return lines


def pdf_text(data: bytes) -> str:
    """The text of a PDF printed by Chromium (Skia): Flate-compressed streams, Type0 fonts with ToUnicode
    maps, text shown as hex glyph ids with Tj/TJ. Enough to search it; not a general PDF reader."""
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)\bendobj", data, re.S)}
    fonts = _pdf_fonts(data, objects)
    lines = []
    for number, body in objects.items():
        head = body[:body.find(b"stream")] if b"stream" in body else b""
        if not head or b"/Subtype /Image" in head or b"/Length1" in head:  # pictures and font files
            continue
        content = _pdf_stream(objects, number)
        if b" Tf" in content:
            lines += _shown_lines(content, fonts)
    return "\n".join(lines)


def squeeze(text: str) -> str:
    return "".join(text.split())


# --- tests ---------------------------------------------------------------------------------------------

def test_outside_requests_are_seen_by_the_net_log_check(tmp_path):
    """The offline check can fail: a page that links a CDN and a picture on the web is caught."""
    page = tmp_path / "leaky.html"
    page.write_text("<html><head><link rel='stylesheet' href='https://cdn.example.org/x.css'></head>"
                    "<body><img src='http://example.com/a.png'></body></html>", encoding="utf-8")
    run_headless(BROWSER, [f"--log-net-log={tmp_path / 'net.json'}", "--dump-dom", page.as_uri()],
                 timeout=60)
    assert set(outside_requests(tmp_path / "net.json")) == {"https://cdn.example.org/x.css",
                                                            "http://example.com/a.png"}


def test_index_renders_offline_with_every_heading(demo_run, tmp_path):
    result, _, _ = demo_run
    index = result.bundle / "index.html"
    net_log, shot = tmp_path / "net.json", tmp_path / "index.png"
    rendered = run_headless(BROWSER, [f"--log-net-log={net_log}", "--window-size=1280,2400",
                                      f"--screenshot={shot}", "--dump-dom", index.as_uri()], timeout=120)

    assert outside_requests(net_log) == []
    dom_headings = set(headings_of(rendered.stdout))
    missing = [h for h in notebook_headings(result.bundle) if h not in dom_headings]
    assert not missing, f"headings not rendered: {missing}"
    assert rendered.stdout.count("<section") == len(list((result.bundle / "notebooks").glob("*.ipynb")))
    image = shot.read_bytes()
    assert image.startswith(PNG_SIGNATURE) and len(image) > 20_000  # a page, not a blank or an error


def test_pdf_has_a4_pages_and_every_heading(demo_run):
    result, _, _ = demo_run
    pdf = result.bundle / "report.pdf"
    assert pdf.is_file(), "the run made no report.pdf although a Chromium is installed"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    sections = len(list((result.bundle / "notebooks").glob("*.ipynb")))
    pages = pdf_page_count(data)
    assert sections + 1 <= pages <= 40 * sections  # cover + one new page per section at least
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]", data), "pages are not A4"
    text = squeeze(pdf_text(data))
    missing = [h for h in notebook_headings(result.bundle) if squeeze(h) not in text]
    assert not missing, f"headings missing from the PDF's text: {missing}"


def test_pdf_is_made_atomically_and_a_missing_browser_is_no_failure(tmp_path):
    from {{ cookiecutter.package_name }}.report.pdf import write_pdf

    (tmp_path / "index.html").write_text("<html><body><h1>Привет, отчёт</h1></body></html>",
                                         encoding="utf-8")
    note = write_pdf(tmp_path, {"report": {"pdf": True, "chromium": str(tmp_path / "no-such-browser")}})
    assert note.startswith("report.pdf not made: no Chromium found")
    assert not (tmp_path / "report.pdf").exists()
    assert "false" in write_pdf(tmp_path, {"report": {"pdf": False, "chromium": None}})
    print_to_pdf(tmp_path / "index.html", tmp_path / "report.pdf", BROWSER, timeout=60)
    assert "Привет,отчёт" in squeeze(pdf_text((tmp_path / "report.pdf").read_bytes()))  # Cyrillic glyphs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "report.pdf"]


def contacts_in(text: str, emails: set[str], phone_digits: set[str], names: set[str]) -> set[str]:
    """Which of the given contacts `text` holds: emails as written, phones in any formatting (their
    digits inside a run of digits, spaces, dashes and brackets), last names and "first last" as words."""
    text = re.sub(r"[A-Za-z0-9+/=]{100,}", " ", text)  # embedded base64 pictures: nothing to find, slow
    found = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)) & emails
    for run in re.findall(r"\d[\d ()+-]*\d", text):
        digits = re.sub(r"\D", "", run)
        found |= {digits[i:i + 11] for i in range(len(digits) - 10)} & phone_digits
    words = re.findall(r"[^\W\d_]+", text)
    found |= ({*words} | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}) & names
    return found


def test_no_contact_data_anywhere_in_the_bundle_or_its_pdf(demo_run, sample_project):
    result, _, _ = demo_run
    project, _ = sample_project
    customers = pd.read_csv(project / "data" / "raw" / "demo" / "customers.csv", sep=";", dtype=str)
    emails = set(customers["email"].dropna())
    phone_digits = {re.sub(r"\D", "", phone) for phone in customers["phone"].dropna()}
    names = set(customers["last_name"].dropna())
    names |= set((customers["first_name"] + " " + customers["last_name"]).dropna())
    assert len(emails) > 500 and len(phone_digits) > 500 and len(names) > 20
    assert {len(digits) for digits in phone_digits} == {11}  # the windows above are 11 digits long

    def texts():
        for path in sorted(result.bundle.rglob("*")):
            if not path.is_file() or path.suffix == ".png":
                continue
            if path.suffix == ".pdf":
                yield path, pdf_text(path.read_bytes())
            elif path.suffix == ".xlsx":
                book = load_workbook(path, read_only=True)
                yield path, "\n".join(str(value) for sheet in book.worksheets
                                      for row in sheet.iter_rows(values_only=True)
                                      for value in row if value is not None)
            else:
                yield path, path.read_text(encoding="utf-8", errors="replace")

    searched = []
    for path, text in texts():
        leaked = contacts_in(text, emails, phone_digits, names)
        assert not leaked, f"{path.name} contains {sorted(leaked)[:3]}"
        searched.append(path.suffix)
    assert {".html", ".pdf", ".xlsx", ".json", ".ipynb"} <= set(searched)


def test_the_contact_search_finds_what_it_looks_for():
    text = "call +7 (924) 382 66 36 or write to irina.a1@example.com, Ирина Алексеева"
    assert contacts_in(text, {"irina.a1@example.com"}, {"79243826636"}, {"Ирина Алексеева"}) == \
        {"irina.a1@example.com", "79243826636", "Ирина Алексеева"}

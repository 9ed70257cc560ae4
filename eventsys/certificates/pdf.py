"""Printed documents (certificates, badges, sign-in sheets, reports) as PDF, with WeasyPrint.

Plain data in, PDF bytes out; nothing here knows about Flask or the database.

Fonts: the Sarabun TTFs of ``fontpkg_sarabun`` through ``@font-face``. One
``FontConfiguration`` and one parsed stylesheet per process serve every render (faster, and
memory stays flat). Images and fonts are read only through :func:`url_fetcher`, which serves
``data:`` URIs and files under the allowed folders (the app's ``static/``, the upload folder,
the font folder) and nothing else: no network, no other file.

Certificates are rendered in two layers: the parts every certificate of an event shares
(background, logo, title, date, signatures) once, as a one-page PDF; the per-person parts
(name, body text, serial, QR) for many people in one WeasyPrint document, one page each.
pikepdf then lays each person's page over the shared page: in a merged PDF the shared page is
one form XObject drawn under every page, so its images are stored once.

Time limit: a request's PDF is laid out by WeasyPrint in a child process of a small pool
(:class:`RenderPool`, spawned, warm: fonts and stylesheets loaded once per child). A render
that outlasts ``Renderer.time_limit`` has its child killed and raises :class:`RenderTimeout`
(503): nothing a request sends can keep a web worker busy for ever (gunicorn's own timeout
never fires for gthread workers). Jinja runs here; only the HTML crosses to the child, and
the child's WeasyPrint warnings are logged again here. Bulk runs (the job and the CLI) use the
same limit for each document they render (:func:`render_in_chunks`): a certificate that
cannot be rendered in time is named and left out, the rest are kept. With
``time_limit=None`` WeasyPrint runs in the calling process.
"""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import unquote, urlsplit

import fontpkg_sarabun
import pikepdf
from flask_babel import lazy_gettext as _l
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from eventsys import qr
from eventsys.errors import Unavailable

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates" / "certificates" / "pdf"
STATIC = ROOT / "static"
FONT_DIR = Path(fontpkg_sarabun.__file__).resolve().parent / "files"
PAPERS = {"A4-landscape": "A4 landscape", "A4-portrait": "A4 portrait"}


# --- plain data handed to the templates -------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    name: str
    position: str
    signature_path: str = ""  #: absolute path of the signature image, or ""


@dataclass(frozen=True)
class CertificateLayout:
    """What every certificate of an event shares."""

    title: str
    agency: str
    given_line: str  #: "ให้ไว้ ณ วันที่ ๑๒ พฤศจิกายน พ.ศ. ๒๕๕๘"
    language: str = "th"
    paper: str = "A4-landscape"
    logo_path: str = ""
    background_path: str = ""
    signatories: tuple[Signatory, ...] = ()
    intro: str = ""  #: "เกียรติบัตรฉบับนี้ให้ไว้เพื่อแสดงว่า"
    serial_label: str = ""  #: "เลขที่" / "No."
    verify_label: str = ""  #: "ตรวจสอบความถูกต้องได้ที่" / "Check that it is genuine at"
    code_label: str = ""  #: "รหัส" / "code"
    #: the body text when it is the same for everyone (no {name} in it): drawn once
    body: str = ""


@dataclass(frozen=True)
class CertificatePerson:
    """What differs from one certificate to the next."""

    name: str
    body: str  #: empty when the layout carries a shared body
    serial: str
    verify_url: str
    verification_code: str


@dataclass
class Renderer:
    """Renders with the shared font set-up; ``allowed_dirs`` are the folders images may come
    from; ``time_limit`` (seconds) renders in the pool's child process and stops it there."""

    allowed_dirs: Sequence[str] = field(default_factory=tuple)
    time_limit: float | None = None

    def __post_init__(self) -> None:
        self.allowed = (*self.allowed_dirs, str(STATIC), str(FONT_DIR))
        self.fetcher = LocalFetcher(self.allowed)

    def write_pdf(self, template: str, *, paper: str = "A4-portrait", **context) -> bytes:
        html = decompose_sara_am(_jinja().get_template(template).render(**context))
        if self.time_limit is None:
            return _write_html(html, paper, self.fetcher)
        return render_pool().render(html, paper, self.allowed, time_limit=self.time_limit)


def _write_html(html: str, paper: str, fetcher: LocalFetcher) -> bytes:
    document = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher)
    return mark_sara_am(document.write_pdf(stylesheets=[_stylesheet(paper)], font_config=_font_config()))


@lru_cache(maxsize=16)
def _fetcher(allowed: tuple[str, ...]) -> LocalFetcher:
    return LocalFetcher(allowed)


class LocalFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to ``data:`` URIs and files inside ``allowed`` folders."""

    def __init__(self, allowed: Iterable[str]):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.allowed = tuple(os.path.realpath(folder) for folder in allowed)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = os.path.realpath(unquote(parts.path))
            if not (os.path.isfile(path) and any(path.startswith(root + os.sep) for root in self.allowed)):
                raise ValueError(f"refused to fetch {url[:80]!r}: only data: and the app's own files")
            url = Path(path).as_uri()
        elif parts.scheme != "data":
            raise ValueError(f"refused to fetch {url[:80]!r}: only data: and the app's own files")
        return super().fetch(url, headers)


_SARA_AM = re.compile("([\u0e48-\u0e4b]?)\u0e33")


def decompose_sara_am(text: str) -> str:
    """Write ำ as nikhahit + sara aa (tone mark in between), exactly as the shaper draws it.

    HarfBuzz draws ำ with the glyph of า; a PDF maps each glyph to one character, so without
    this every า of a document that also has ำ (or the reverse) copies and searches wrongly.
    :func:`mark_sara_am` then makes the pair copy and search as ำ again.
    """
    return _SARA_AM.sub("\u0e4d\\1\u0e32", text)


_NIKHAHIT, _SARA_AA = "\u0e4d", "\u0e32"
_TEXT_SHOWING = ("TJ", "Tj")


def _glyph_texts(font: pikepdf.Object) -> dict[bytes, str]:
    """Glyph code → text, from a WeasyPrint font's ToUnicode CMap (two-byte codes)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    texts = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            texts[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be", "replace")
    return texts


def _mark_stream(instructions: list, fonts: dict[str, dict[bytes, str]]) -> list | None:
    """The instructions with each nikhahit (+ tone) glyph and the sara aa glyph after it put
    in a ``/Span <</ActualText (ำ)>>`` marked-content sequence; None if there is none."""
    glyphs = []  # (instruction, element, byte offset, text), in drawing order, per text object
    texts: dict[bytes, str] = {}
    for index, (operands, operator) in enumerate(instructions):
        name = str(operator)
        if name == "Tf" and operands:
            texts = fonts.get(str(operands[0]), {})
        elif name == "ET":
            glyphs.append(None)  # a span never crosses the end of a text object
        elif name in _TEXT_SHOWING and operands and texts:
            elements = list(operands[0]) if name == "TJ" else [operands[0]]
            for element_index, element in enumerate(elements):
                if isinstance(element, pikepdf.String):
                    raw = bytes(element)
                    for offset in range(0, len(raw) - 1, 2):
                        code = raw[offset : offset + 2]
                        glyphs.append((index, element_index, offset, texts.get(code, "")))
    starts: dict[tuple[int, int, int], str] = {}  # where a span opens → its ActualText
    ends: set[tuple[int, int, int]] = set()  # the glyph after which it closes
    for first, second in zip(glyphs, glyphs[1:], strict=False):
        if first and second and first[3].startswith(_NIKHAHIT) and second[3] == _SARA_AA:
            starts[first[:3]] = first[3][1:] + "\u0e33"  # the tone mark (if any), then ำ
            ends.add(second[:3])
    if not starts:
        return None
    out: list = []
    for index, (operands, operator) in enumerate(instructions):
        name = str(operator)
        if name not in _TEXT_SHOWING or not any(key[0] == index for key in (*starts, *ends)):
            out.append((operands, operator))
            continue
        elements = list(operands[0]) if name == "TJ" else [operands[0]]
        piece: list = []

        def flush(piece=piece) -> None:
            if piece:
                out.append(([pikepdf.Array(piece)], pikepdf.Operator("TJ")))
                piece.clear()

        for element_index, element in enumerate(elements):
            if not isinstance(element, pikepdf.String):
                piece.append(element)  # a position adjustment: splitting TJ keeps positions
                continue
            raw, run = bytes(element), b""
            for offset in range(0, len(raw) - 1, 2):
                key = (index, element_index, offset)
                if key in starts:
                    if run:
                        piece.append(pikepdf.String(run))
                        run = b""
                    flush()
                    actual = pikepdf.Dictionary(ActualText=pikepdf.String(starts[key]))
                    out.append(([pikepdf.Name.Span, actual], pikepdf.Operator("BDC")))
                run += raw[offset : offset + 2]
                if key in ends:
                    piece.append(pikepdf.String(run))
                    run = b""
                    flush()
                    out.append(([], pikepdf.Operator("EMC")))
            if run:
                piece.append(pikepdf.String(run))
        flush()
    return out


def mark_sara_am(data: bytes) -> bytes:
    """Make ำ copy and search as ำ. HarfBuzz draws ำ as two glyphs (nikhahit, then sara aa)
    and a PDF font maps each glyph to one text for the whole file, so the text layer says
    ํ + า (see :func:`decompose_sara_am`). This wraps each such pair in an ``ActualText``
    span saying ำ (PDF 32000 §14.9.4, the way PDFs give the text of a ligature), which a
    reader that honours it (poppler's pdftotext, checked by the tests; Acrobat) copies and
    searches instead; one that ignores it still finds ํ + า. The drawing is unchanged. Only
    page content streams are read (WeasyPrint draws text there). A PDF without the pair is
    returned as it is."""
    with pikepdf.open(io.BytesIO(data)) as document:
        changed = False
        known: dict[tuple[int, int], dict[bytes, str]] = {}  # WeasyPrint's pages share fonts
        for page in document.pages:
            fonts = {}
            for name, font in page.Resources.get("/Font", {}).items():
                if font.objgen not in known or font.objgen == (0, 0):
                    known[font.objgen] = _glyph_texts(font)
                fonts[str(name)] = known[font.objgen]
            if not any(text.startswith(_NIKHAHIT) for texts in fonts.values() for text in texts.values()):
                continue
            marked = _mark_stream(list(pikepdf.parse_content_stream(page)), fonts)
            if marked is not None:
                page.Contents = document.make_stream(pikepdf.unparse_content_stream(marked))
                changed = True
        if not changed:
            return data
        buffer = io.BytesIO()
        document.save(buffer, compress_streams=True)
        return buffer.getvalue()


# --- per-process shared set-up ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _jinja() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))
    # a design's images come as data: URIs (read from the file store); files as file: URLs
    env.filters["file_url"] = lambda path: (
        (path if path.startswith("data:") else Path(path).as_uri()) if path else ""
    )
    return env


FONT_FACES = "".join(
    f"@font-face {{ font-family: 'Sarabun'; font-weight: {weight}; font-style: normal;"
    f" src: url('{(FONT_DIR / f'Sarabun-{style}.ttf').as_uri()}'); }}\n"
    for weight, style in ((400, "Regular"), (700, "Bold"), (300, "Light"))
)


@lru_cache(maxsize=4)
def _stylesheet(paper: str) -> CSS:
    css = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    size = PAPERS.get(paper, paper)
    return CSS(
        string=f"{FONT_FACES}\n@page {{ size: {size}; }}\n{css}",
        font_config=_font_config(),
        url_fetcher=LocalFetcher((str(FONT_DIR),)),
    )


# --- rendering under a time limit ----------------------------------------------------------------

#: child processes per web or job process; renders beyond this many at once wait for one
RENDER_WORKERS = 2
#: seconds a new child may take to import WeasyPrint and load the fonts (not part of a render)
WORKER_START_SECONDS = 60.0


class RenderTimeout(Unavailable):
    """A document took longer than its time limit (or no render process became free in that
    time); its render was stopped."""

    code = "render_timeout"


def _timeout_message():
    return _l(
        "This document took too long to prepare and was stopped. Please try again later; "
        "if it happens again, use simpler images in the certificate design."
    )


class _Worker:
    """One warm child process and the connection to it. A plain ``python -c`` subprocess, not
    ``multiprocessing``: spawning would run the parent's main script again in the child."""

    def __init__(self) -> None:
        parent_end, child_end = socket.socketpair()
        with child_end:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _CHILD_MAIN, str(child_end.fileno())],
                pass_fds=(child_end.fileno(),),
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},
                stdin=subprocess.DEVNULL,
            )
        self.conn = Connection(parent_end.detach())
        if not self.conn.poll(WORKER_START_SECONDS) or self.conn.recv() != "ready":
            self.stop()
            raise RenderTimeout(_timeout_message())

    def stop(self) -> None:
        """Kill the child (a render in progress dies with it) and reap it."""
        self.process.kill()
        self.process.wait(5)
        self.conn.close()


_CHILD_MAIN = (
    "import sys; from multiprocessing.connection import Connection; "
    "from eventsys.certificates.pdf import _serve; _serve(Connection(int(sys.argv[1])))"
)


class RenderPool:
    """Up to ``size`` warm child processes, started when first needed and reused most recently
    used first (so a quiet site keeps one child warm); a child that overruns is killed and a
    new one started for the next render."""

    def __init__(self, size: int = RENDER_WORKERS) -> None:
        self.size = size
        self.pid = os.getpid()
        self._idle: list[_Worker] = []
        self._running = 0
        self._changed = threading.Condition()
        #: the process id of the last child stopped for overrunning (tests check it is gone)
        self.last_killed: int | None = None

    def render(self, html: str, paper: str, allowed: tuple[str, ...], *, time_limit: float) -> bytes:
        """The PDF of ``html``; RenderTimeout if it takes longer than ``time_limit`` seconds."""
        worker = self._acquire(time_limit)
        try:
            worker.conn.send((html, paper, allowed))
            if not worker.conn.poll(time_limit):
                self.last_killed = worker.process.pid
                worker.stop()
                worker = None
                raise RenderTimeout(_timeout_message())
            status, value, warnings = worker.conn.recv()
        except (EOFError, OSError):  # the child died (out of memory, killed from outside)
            if worker is not None:
                worker.stop()
                worker = None
            raise
        finally:
            self._release(worker)
        for name, level, message in warnings:
            logging.getLogger(name).log(level, "%s", message)
        if status == "error":
            raise value
        return value

    def warm(self) -> None:
        """Start one child ahead of the first render (gunicorn's ``post_worker_init``), so the
        first certificate a worker serves does not wait for WeasyPrint to load."""
        with self._changed:
            if self._idle or self._running >= self.size:
                return
            self._running += 1
        try:
            worker = _Worker()
        except BaseException:
            self._release(None)
            raise
        self._release(worker)

    def _acquire(self, time_limit: float) -> _Worker:
        deadline = time.monotonic() + time_limit
        with self._changed:
            while not self._idle and self._running >= self.size:
                if not self._changed.wait(deadline - time.monotonic()) and time.monotonic() >= deadline:
                    raise RenderTimeout(_timeout_message())
            if self._idle:
                return self._idle.pop()
            self._running += 1
        try:
            return _Worker()
        except BaseException:
            self._release(None)
            raise

    def _release(self, worker: _Worker | None) -> None:
        with self._changed:
            if worker is None:
                self._running -= 1
            else:
                self._idle.append(worker)
            self._changed.notify()


_pool: RenderPool | None = None
_pool_lock = threading.Lock()


def render_pool() -> RenderPool:
    """This process's pool (a forked child gets its own, never its parent's pipes)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool.pid != os.getpid():
            _pool = RenderPool()
        return _pool


class _CollectWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _serve(conn: Connection) -> None:
    """The child: load fonts and stylesheets once, then render what the parent sends."""
    _font_config()
    for paper in PAPERS:
        _stylesheet(paper)
    _write_html("<p>ก</p>", "A4-portrait", _fetcher((str(FONT_DIR),)))  # Pango's first layout is slow
    collect = _CollectWarnings()
    logging.getLogger("weasyprint").addHandler(collect)
    conn.send("ready")
    while True:
        try:
            html, paper, allowed = conn.recv()
        except EOFError:  # the parent is gone
            return
        collect.records = []
        try:
            answer = ("ok", _write_html(html, paper, _fetcher(allowed)), collect.records)
        except Exception as error:  # noqa: BLE001 - handed to the parent, which raises it
            answer = ("error", error, collect.records)
        try:
            conn.send(answer)
        except Exception:  # noqa: BLE001 - an error that cannot be pickled
            conn.send(("error", RuntimeError(repr(answer[1])), collect.records))


# --- certificates -----------------------------------------------------------------------------


def render_background(renderer: Renderer, layout: CertificateLayout) -> bytes:
    """The shared layer of an event's certificates: one page."""
    return renderer.write_pdf(
        "certificate.html", paper=layout.paper, layout=layout, layer="shared", people=[None]
    )


def render_people(
    renderer: Renderer, layout: CertificateLayout, people: Sequence[CertificatePerson]
) -> bytes:
    """The per-person layer: one page per person, in one document."""
    pages = [(person, qr.png_data_uri(person.verify_url)) for person in people]
    return renderer.write_pdf(
        "certificate.html", paper=layout.paper, layout=layout, layer="person", people=pages
    )


def stack_each(background: bytes, people_pdf: bytes) -> list[bytes]:
    """One PDF per person: the shared page with that person's page drawn over it."""
    out: list[bytes] = []
    with pikepdf.open(io.BytesIO(people_pdf)) as people:
        for page in people.pages:
            page.remove_unreferenced_resources()  # WeasyPrint shares one resource dictionary
            with pikepdf.open(io.BytesIO(background)) as single:
                single.pages[0].add_overlay(page)
                buffer = io.BytesIO()
                single.save(buffer, compress_streams=True)
                out.append(buffer.getvalue())
    return out


def stack_merged(background: bytes, people_pdfs: Iterable[bytes]) -> bytes:
    """All people in one PDF for printing; the shared page (and its images) is stored once."""
    merged = pikepdf.new()
    with pikepdf.open(io.BytesIO(background)) as shared:
        merged.pages.append(shared.pages[0])
        form = merged.pages[0].as_form_xobject()
        del merged.pages[0]
    opened = []
    for chunk in people_pdfs:
        people = pikepdf.open(io.BytesIO(chunk))
        opened.append(people)
        for page in people.pages:
            merged.pages.append(page)
            merged.pages[-1].add_underlay(form)
    buffer = io.BytesIO()
    merged.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for people in opened:
        people.close()
    return buffer.getvalue()


def render_certificates(
    renderer: Renderer,
    layout: CertificateLayout,
    people: Sequence[CertificatePerson],
    *,
    background: bytes | None = None,
) -> list[bytes]:
    """Per-person certificate PDFs, in the order of ``people``."""
    if not people:
        return []
    background = background if background is not None else render_background(renderer, layout)
    return stack_each(background, render_people(renderer, layout, people))


CHUNK = 100  #: people per WeasyPrint document in bulk runs
PARALLEL_FROM = 200  #: below this many, one process is faster than starting workers


@lru_cache(maxsize=8)
def shared_layer(
    layout: CertificateLayout, allowed_dirs: tuple[str, ...], time_limit: float | None = None
) -> bytes:
    """The shared page of a bulk run, rendered once per process (RenderTimeout past ``time_limit``)."""
    return render_background(Renderer(allowed_dirs=allowed_dirs, time_limit=time_limit), layout)


@dataclass(frozen=True)
class Chunk:
    """What one chunk of a bulk run produced: ``documents`` (merged: page documents to stack;
    else one finished PDF per person, in order, without the failed ones) and ``failed``, the
    positions in ``people`` of those whose render was stopped at the time limit."""

    documents: list[bytes]
    failed: list[int]
    #: the position in ``people`` of the chunk's first person, and how many it has
    first: int = 0
    size: int = 0


def _render_chunk(
    layout: CertificateLayout,
    people: list[CertificatePerson],
    allowed_dirs: tuple[str, ...],
    merged: bool,
    time_limit: float | None = None,
    start: int = 0,
) -> Chunk:
    """Worker: one chunk. Past ``time_limit`` the chunk is rendered again one person at a
    time, each with the same limit, so one certificate that cannot be rendered in time is
    named and left out while the others are kept. Only plain data crosses to a worker
    process and back (never an exception with a translated message)."""
    renderer = Renderer(allowed_dirs=allowed_dirs, time_limit=time_limit)
    try:
        documents, failed = [render_people(renderer, layout, people)], []
    except RenderTimeout:
        documents, failed = [], []
        for offset, person in enumerate(people):
            if len(people) == 1:
                failed.append(offset)
                break
            try:
                documents.append(render_people(renderer, layout, [person]))
            except RenderTimeout:
                failed.append(offset)
    failed = [start + offset for offset in failed]
    if merged:
        return Chunk(documents, failed, start, len(people))
    try:
        background = shared_layer(layout, allowed_dirs, time_limit)
    except RenderTimeout:
        return Chunk([], [start + offset for offset in range(len(people))], start, len(people))
    each = [data for document in documents for data in stack_each(background, document)]
    return Chunk(each, failed, start, len(people))


def render_in_chunks(
    layout: CertificateLayout,
    people: Sequence[CertificatePerson],
    *,
    allowed_dirs: Sequence[str],
    processes: int = 1,
    merged: bool = False,
    progress=None,
    time_limit: float | None = None,
):
    """Yield, chunk by chunk and in order, a :class:`Chunk`: per-person PDFs, or page
    documents (merged), and the positions of the people whose render was stopped.

    ``time_limit`` (seconds, as PDF_RENDER_TIMEOUT for a request) bounds each WeasyPrint
    document: a chunk, and on a timeout each of its people alone. With ``processes`` > 1
    and enough people, chunks render in worker processes: forked when the caller has a
    single thread (the CLI: no start-up cost), spawned otherwise (a web or job worker with
    threads must not fork). Workers get plain data only, never a database connection.
    """
    allowed = tuple(allowed_dirs)
    starts = list(range(0, len(people), CHUNK))
    chunks = [list(people[i : i + CHUNK]) for i in starts]
    done = 0
    if processes > 1 and len(people) >= PARALLEL_FROM:
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            futures = [
                pool.submit(_render_chunk, layout, chunk, allowed, merged, time_limit, start)
                for chunk, start in zip(chunks, starts, strict=True)
            ]
            for chunk, future in zip(chunks, futures, strict=True):
                result = future.result()
                done += len(chunk)
                if progress:
                    progress(done, len(people))
                yield result
        return
    for chunk, start in zip(chunks, starts, strict=True):
        result = _render_chunk(layout, chunk, allowed, merged, time_limit, start)
        done += len(chunk)
        if progress:
            progress(done, len(people))
        yield result

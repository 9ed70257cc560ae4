"""Every upload path × every hostile file (issue 14): spreadsheets, images, SVGs, CSVs and
polyglots, each sent through each form that takes a file, on both databases.

A hostile file is refused with ``422`` and a message in Thai on the field, or (a polyglot
that is also a good image) kept only as the cleaned image; never a 500. Each request stays
within hard caps far above normal — Python allocations (tracemalloc peak), the process's
peak resident size and wall time — so a bomb that slips through fails here, not in
production. These are bounds, not benchmarks.
"""

from __future__ import annotations

import re
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures import hostile

#: hard caps for one request (normal uploads use a few MB and well under a second)
MAX_PYTHON_PEAK_MB = 200
MAX_RSS_GROWTH_MB = 200
MAX_SECONDS = 10
_THAI = re.compile("[\u0e01-\u0e5b]")


@dataclass(frozen=True)
class Hostile:
    filename: str
    build: Callable[[], bytes]
    #: the kinds of upload ("sheet", "image") that may accept it: a polyglot that really is a
    #: good image (kept only as the cleaned image) or a workbook within every limit
    accepted_by: frozenset[str] = frozenset()
    #: for a file the import preview accepts: what the import job must end as
    job: str = "done"


SHEET, IMAGE = frozenset({"sheet"}), frozenset({"image"})


def _workbook() -> bytes:
    return hostile.xlsx_bytes(
        hostile.sheet_xml({1: hostile.header_row(), 2: [hostile.inline_cell("A2", "สมชาย")]})
    )


def _file_bytes(builder: Callable[[Path], Path]) -> Callable[[], bytes]:
    def build() -> bytes:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            return builder(Path(folder)).read_bytes()

    return build


CORPUS: dict[str, Hostile] = {
    # spreadsheets (sheets.py's own limits have their unit tests in test_volunteers_hostile.py)
    "xlsx_cell_at_XFD2": Hostile(
        "far.xlsx", _file_bytes(lambda p: hostile.far_cell_xlsx(p / "f.xlsx", "XFD2"))
    ),
    "xlsx_shared_string_150MB": Hostile(
        "giant.xlsx", _file_bytes(lambda p: hostile.giant_shared_string_xlsx(p / "g.xlsx"))
    ),
    "xlsx_zip_bomb_40MB": Hostile("bomb.xlsx", _file_bytes(lambda p: hostile.zip_bomb_xlsx(p / "b.xlsx"))),
    "xlsx_billion_laughs": Hostile("laughs.xlsx", hostile.xlsx_billion_laughs),
    "xlsx_400k_shared_strings": Hostile("strings.xlsx", hostile.xlsx_many_shared_strings, SHEET),
    "xlsx_that_is_a_png": Hostile("image.xlsx", lambda: hostile.png_bomb(100, 100), IMAGE),
    "csv_cell_of_200000": Hostile(
        "long.csv", _file_bytes(lambda p: hostile.csv_long_cell(p / "l.csv", 200_000))
    ),
    "csv_200_columns": Hostile("wide.csv", _file_bytes(lambda p: hostile.csv_wide(p / "w.csv", 200))),
    "csv_150000_lines": Hostile(
        "lines.csv", hostile.csv_many_lines, SHEET, job="failed"
    ),  # preview reads the start only
    "csv_nul_bytes": Hostile("nul.csv", hostile.csv_nul_bytes),
    "csv_bad_encoding": Hostile("bytes.csv", hostile.csv_not_utf8_nor_cp874),
    "csv_unclosed_quote": Hostile("quote.csv", hostile.csv_unclosed_quote),
    # rasters
    "png_20000x20000_bomb": Hostile("bomb.png", hostile.png_bomb),
    "png_truncated_claiming_100000x100000": Hostile(
        "claim.png", lambda: hostile.png_bomb(100_000, 100_000, rows=10)
    ),
    "jpeg_claiming_65000x65000": Hostile("claim.jpg", hostile.jpeg_claiming),
    # SVG
    "svg_embedding_png_bomb": Hostile(
        "embed.svg", lambda: hostile.svg_embedding(hostile.png_bomb(12_000, 12_000))
    ),
    "svg_nested_3000_deep": Hostile("deep.svg", hostile.svg_deeply_nested),
    "svg_billion_laughs": Hostile("laughs.svg", hostile.svg_billion_laughs),
    "svg_use_bomb": Hostile("use.svg", hostile.svg_use_bomb),
    # polyglots: good images that are something else as well
    "png_with_a_workbook_appended": Hostile(
        "both.xlsx", lambda: hostile.png_with_zip(_workbook()), SHEET | IMAGE
    ),
    "svg_that_is_an_html_page": Hostile("page.svg", hostile.svg_html_polyglot, IMAGE),
}


@dataclass(frozen=True)
class UploadPath:
    """A form that takes a file: where it posts, the file field's name, and the rest of the form."""

    url: Callable[[object], str]
    field: str
    data: Callable[[object], dict]
    takes: str  # "sheet" or "image"


DESIGN = {
    "title": "เกียรติบัตร",
    "body": "ได้เข้าร่วม{event}",
    "language": "th",
    "paper": "A4-landscape",
    "serial_pattern": "{n}/{be_year}",
    "eligibility": "event",
}
UPLOAD_PATHS: dict[str, UploadPath] = {
    "volunteer_import": UploadPath(lambda event: "/volunteers/import", "file", lambda event: {}, "sheet"),
    "certificate_logo": UploadPath(
        lambda event: f"/manage/events/{event.id}/certificates", "logo", lambda event: dict(DESIGN), "image"
    ),
    "certificate_background": UploadPath(
        lambda event: f"/manage/events/{event.id}/certificates",
        "background",
        lambda event: dict(DESIGN),
        "image",
    ),
    "certificate_signature": UploadPath(
        lambda event: f"/manage/events/{event.id}/certificates",
        "signatories-0-signature",
        lambda event: {**DESIGN, "signatories-0-name": "นายสมชาย ใจดี"},
        "image",
    ),
}


def test_every_form_that_takes_a_file_is_in_this_suite(app):
    """A new FileField must be added to UPLOAD_PATHS, so it meets the corpus too."""
    from flask_wtf.file import FileField, MultipleFileField

    import eventsys
    from eventsys.certificates.forms import DesignForm, SignatoryForm
    from eventsys.volunteers.forms import ImportForm

    root = Path(eventsys.__file__).parent
    declared = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if re.search(r"=\s*(Multiple)?FileField\(", path.read_text(encoding="utf-8"))
    }
    assert declared == {"certificates/forms.py", "volunteers/forms.py"}, declared
    with app.test_request_context():
        fields = {
            name
            for form in (ImportForm, DesignForm, SignatoryForm)
            for name, field in form()._fields.items()
            if isinstance(field, (FileField, MultipleFileField))
        }
    assert fields == {"file", "logo", "background", "signature"}
    assert not [
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "request.files" in path.read_text(encoding="utf-8")
    ]


@pytest.fixture(scope="session")
def corpus_bytes() -> Callable[[str], bytes]:
    """Each hostile file built once per test session."""
    built: dict[str, bytes] = {}

    def get(name: str) -> bytes:
        if name not in built:
            built[name] = CORPUS[name].build()
        return built[name]

    return get


def _multipart(fields: dict[str, str], field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """The request body, built here: the test client would spool a large one to a temporary
    file it never closes."""
    boundary = "----hostile-upload-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _import_within_caps(client, app, preview: str, case: Hostile) -> None:
    """Start the import job on a previewed file (jobs run inline in tests): within the same
    caps, it ends as ``case.job``, a refusal saying why in Thai."""
    from eventsys.db import db
    from eventsys.jobs.models import Job

    token = preview.split('name="token" type="hidden" value="')[1].split('"')[0]
    rss_before = _max_rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = client.post("/volunteers/import/start", data={"token": token, "filename": case.filename})
        seconds = time.perf_counter() - started
        python_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert seconds < MAX_SECONDS and python_peak_mb < MAX_PYTHON_PEAK_MB, (seconds, python_peak_mb)
    assert _max_rss_mb() - rss_before < MAX_RSS_GROWTH_MB
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.status == case.job, (job.status, job.error)
    if job.status == "failed":
        assert _THAI.search(job.error or ""), job.error


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("path_name", list(UPLOAD_PATHS))
@pytest.mark.parametrize("case_name", list(CORPUS))
def test_hostile_file_through_each_upload_path(
    app, client, login, make_user, make_event, corpus_bytes, case_name, path_name
):
    case, path = CORPUS[case_name], UPLOAD_PATHS[path_name]
    content = corpus_bytes(case_name)
    organizer = make_user("organizer")
    event = make_event(owner=organizer)
    login(organizer)
    upload_dir = Path(app.instance_path) / "uploads"

    body, content_type = _multipart(path.data(event), path.field, case.filename, content)
    rss_before = _max_rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = client.post(path.url(event), data=body, content_type=content_type)
        seconds = time.perf_counter() - started
        python_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    rss_growth_mb = _max_rss_mb() - rss_before
    assert seconds < MAX_SECONDS, f"{seconds:.1f} s"
    assert python_peak_mb < MAX_PYTHON_PEAK_MB, f"{python_peak_mb:.0f} MB allocated"
    assert rss_growth_mb < MAX_RSS_GROWTH_MB, f"peak resident size grew {rss_growth_mb:.0f} MB"

    page = response.get_data(as_text=True)
    if path.takes not in case.accepted_by:
        assert response.status_code == 422, (response.status_code, page[:300])
        error = re.search(
            rf'<p class="error" id="{re.escape(path.field)}-error" role="alert">(.*?)</p>', page, re.S
        )
        assert error is not None, "no message on the file field"
        assert _THAI.search(error.group(1)), f"not in Thai: {error.group(1)!r}"
        if path.takes == "image":
            assert not list(upload_dir.glob("certificates/*")), "a refused image was stored"
        else:
            assert not list(Path(app.instance_path, "volunteer_imports").glob("upload-*")), (
                "a refused file was kept"
            )
    elif path.takes == "sheet":
        assert response.status_code == 200 and 'name="token"' in page, page[:300]  # the preview
        _import_within_caps(client, app, page, case)
    else:
        assert response.status_code == 302, page[:300]
        stored = [p.read_bytes() for p in upload_dir.glob("certificates/*")]
        assert len(stored) == 1
        for marker in (b"PK\x03\x04", b"<script", b"onload", b"foreignObject", b"alert("):
            assert marker not in stored[0], marker


def test_a_hostile_import_keeps_the_job_record_and_the_progress_answer_small(app, client, login, make_user):
    """1,200 rows of 2,000-character names, each skipped with a reason: the job's result once
    held ~5 MB and every poll of the progress bar carried it. Now the stored result is capped,
    the poll answers a summary and a link, and the full report file keeps every row whole."""
    import json

    from eventsys.db import db
    from eventsys.jobs.models import Job
    from eventsys.jobs.services import MAX_RESULT_BYTES

    rows = 1_200
    content = ("ชื่อ,นามสกุล,อีเมล\n" + f"{'x' * 2_000},{'y' * 2_000},not-an-e-mail\n" * rows).encode()
    login(make_user("organizer"))
    body, content_type = _multipart({}, "file", "names.csv", content)
    preview = client.post("/volunteers/import", data=body, content_type=content_type).get_data(as_text=True)
    token = preview.split('name="token" type="hidden" value="')[1].split('"')[0]
    started = client.post("/volunteers/import/start", data={"token": token, "filename": "names.csv"})
    job_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    poll = client.get(f"/jobs/{job_id}.json")
    answer = poll.get_json()
    assert poll.status_code == 200 and len(poll.get_data()) < 5_000, len(poll.get_data())
    assert answer["status"] == "done" and answer["result"]["counts"]["skipped"] == rows
    assert answer["url"] == f"/volunteers/import/{job_id}"
    db.session.rollback()
    stored = db.session.get(Job, job_id).result
    assert len(json.dumps(stored, ensure_ascii=False).encode()) <= MAX_RESULT_BYTES
    assert stored["counts"]["skipped"] == rows and stored["rows"]
    page = client.get(answer["url"])
    assert page.status_code == 200 and f"/volunteers/import/{job_id}/report" in page.get_data(as_text=True)
    report = json.loads(Path(app.instance_path, "volunteer_imports", f"job-{job_id}-report.json").read_text())
    assert len(report) == rows and len(report[0]["name"]) > 4_000

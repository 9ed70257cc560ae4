"""Hostile spreadsheets (issue 14): far-away cells, giant cells, zip bombs, wide and long
files. Each is refused quickly, in bounded memory, with a message naming the limit; the
web preview reads only the first rows and the import job checks the whole file before it
saves a row."""

from __future__ import annotations

import io
import json
import resource
import time
import tracemalloc
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from eventsys.db import db
from eventsys.jobs.models import Job
from eventsys.volunteers import sheets
from eventsys.volunteers.models import Volunteer
from tests.fixtures import hostile

#: (file builder, what the English message must say)
HOSTILE = {
    "cell_at_XFD1048576": (
        lambda p: hostile.far_cell_xlsx(p / "far.xlsx", "XFD1048576"),
        "more than 100,000 rows",
    ),
    "cell_at_ALL100000": (
        lambda p: hostile.far_cell_xlsx(p / "all.xlsx", "ALL100000"),
        "more than 60 columns",
    ),
    "cell_at_A1048576": (
        lambda p: hostile.far_cell_xlsx(p / "rows.xlsx", "A1048576"),
        "more than 100,000 rows",
    ),
    "cell_of_150_MB": (lambda p: hostile.giant_shared_string_xlsx(p / "giant.xlsx"), "packed too tightly"),
    "cell_of_3_MB_inline": (
        lambda p: hostile.long_cell_xlsx(p / "inline.xlsx", 3_000_000),
        "2,000 characters",
    ),
    "cell_of_3_MB_shared": (
        lambda p: hostile.long_cell_xlsx(p / "shared.xlsx", 3_000_000, shared=True),
        "2,000 characters",
    ),
    "zip_bomb": (lambda p: hostile.zip_bomb_xlsx(p / "bomb.xlsx"), "packed too tightly"),
    "csv_cell_of_200000": (lambda p: hostile.csv_long_cell(p / "long.csv", 200_000), "2,000 characters"),
    "csv_cell_of_3000": (lambda p: hostile.csv_long_cell(p / "long3k.csv", 3_000), "2,000 characters"),
    "csv_200_columns": (lambda p: hostile.csv_wide(p / "wide.csv", 200), "more than 60 columns"),
}


def _english(app, error: sheets.SheetError) -> str:
    with app.test_request_context(), force_locale("en"):
        return str(error.message)


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_fast_in_bounded_memory(app, tmp_path, case):
    build, message = HOSTILE[case]
    path = build(tmp_path)
    rss_before = _max_rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(sheets.SheetError) as caught:
            sheets.count_rows(path)  # what the import job does first: the whole file
        seconds = time.perf_counter() - started
        python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert seconds < 10, seconds
    assert python_peak < 50, python_peak
    assert _max_rss_mb() - rss_before < 200
    with app.test_request_context():
        with force_locale("en"):
            assert message in str(caught.value.message)
        with force_locale("th"):
            thai = str(caught.value.message)
    assert thai != message and any("\u0e00" <= ch <= "\u0e7f" for ch in thai)
    digits = "".join(ch for ch in message if ch.isdigit())
    assert digits in "".join(ch for ch in thai if ch.isdigit())


def test_zip_checks_refuse_before_unpacking(app, tmp_path, monkeypatch):
    """The sizes the zip declares decide, so a giant part is never unpacked at all."""
    path = hostile.long_cell_xlsx(tmp_path / "ok.xlsx", 100)
    monkeypatch.setattr(sheets, "MAX_XLSX_UNPACKED_BYTES", 1024)
    with pytest.raises(sheets.SheetError) as caught:
        sheets.open_sheet(path)
    assert "unpacks to more than 0 MB" in _english(app, caught.value)
    monkeypatch.setattr(sheets, "MAX_XLSX_UNPACKED_BYTES", 2**30)
    monkeypatch.setattr(sheets, "MAX_XLSX_STRINGS_BYTES", 10)
    with pytest.raises(sheets.SheetError) as caught:
        sheets.open_sheet(path)
    assert "text unpacks to more than 0 MB" in _english(app, caught.value)


def test_limits_are_inclusive_and_a_legal_sheet_reads_as_before(app, tmp_path):
    """At the limits a file is read; gaps keep spreadsheet row numbers; numbers lose ".0"."""
    at_cap = hostile.long_cell_xlsx(tmp_path / "cap.xlsx", sheets.MAX_CELL_CHARS, row=5)
    sheet = sheets.open_sheet(at_cap)
    assert [row.number for row in sheets.import_rows_of(sheet)] == [2, 3, 4, 5]
    assert sheets.count_rows(at_cap) == 4
    cells = [hostile.inline_cell(f"{get_column_letter(i)}1", f"h{i}") for i in range(1, 61)]
    cells[0] = hostile.inline_cell("A1", "ชื่อ")
    numbers = ['<c r="A7"><v>812345678</v></c>', '<c r="B7" t="b"><v>1</v></c>', '<c r="BZ7" s="1"/>']
    wide = hostile.write_xlsx(tmp_path / "wide.xlsx", hostile.sheet_xml({1: cells, 7: numbers}))
    sheet = sheets.open_sheet(wide)
    assert len(sheet.headers) == sheets.MAX_COLUMNS
    assert list(sheet.rows) == [[], [], [], [], [], ["812345678", "1"]]


def test_rows_past_the_limit_are_refused(app, tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    path = tmp_path / "rows.csv"
    path.write_text("ชื่อ\n" + "สมชาย\n" * 4, encoding="utf-8")
    with pytest.raises(sheets.SheetError) as caught:
        sheets.count_rows(path)
    assert "more than 3 rows" in _english(app, caught.value)
    path.write_text("ชื่อ\n" + "สมชาย\n" * 3, encoding="utf-8")
    assert sheets.count_rows(path) == 3


#: refused in the web request itself: the trouble is in the first rows or in the zip
PREVIEW_HOSTILE = {
    "cell_at_XFD2": (lambda p: hostile.far_cell_xlsx(p / "far.xlsx", "XFD2"), "more than 60 columns"),
    "csv_cell_of_200000": HOSTILE["csv_cell_of_200000"],
    "csv_200_columns": HOSTILE["csv_200_columns"],
    "zip_bomb": HOSTILE["zip_bomb"],
    "cell_of_150_MB": HOSTILE["cell_of_150_MB"],
}


@pytest.mark.parametrize("case", list(PREVIEW_HOSTILE))
def test_upload_preview_refuses_with_a_message_not_a_500(client, make_user, login, tmp_path, case):
    build, message = PREVIEW_HOSTILE[case]
    path = build(tmp_path)
    login(make_user())
    started = time.perf_counter()
    response = client.post(
        "/volunteers/import?lang=en", data={"file": (io.BytesIO(path.read_bytes()), path.name)}
    )
    assert time.perf_counter() - started < 10
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="error"' in page
    assert message in page


def test_import_job_checks_the_whole_file_before_saving_a_row(client, make_user, login, tmp_path, app):
    """The preview reads the first rows only, so row 300's giant cell reaches the job; the
    job refuses the file before saving any of the 298 good rows."""
    path = hostile.long_cell_xlsx(tmp_path / "late.xlsx", 5_000, row=300)
    login(make_user())
    response = client.post("/volunteers/import", data={"file": (io.BytesIO(path.read_bytes()), path.name)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "คน2" in page
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/volunteers/import/start", data={"token": token, "filename": path.name})
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.status == "failed" and "2,000" in job.error
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0
    assert not list(Path(app.instance_path, "volunteer_imports").glob("upload-*"))


def test_job_result_and_report_hold_no_cell_longer_than_the_cap(client, make_user, login, app, tmp_path):
    path = hostile.long_cell_xlsx(tmp_path / "cap.xlsx", sheets.MAX_CELL_CHARS, row=3)
    login(make_user())
    response = client.post("/volunteers/import", data={"file": (io.BytesIO(path.read_bytes()), path.name)})
    page = response.get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/volunteers/import/start", data={"token": token, "filename": path.name})
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    answer = client.get(f"/jobs/{job_id}.json")
    assert answer.status_code == 200 and len(answer.get_data()) < 50_000
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.status == "done" and job.total == 2
    report = json.loads(Path(app.instance_path, "volunteer_imports", f"job-{job_id}-report.json").read_text())

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    longest = max(len(text) for text in [*strings(report), *strings(job.result)])
    assert 0 < longest <= 2 * sheets.MAX_CELL_CHARS + 1  # a name is first and last name


def test_preview_reads_only_the_start_of_the_file(client, make_user, login, tmp_path, monkeypatch):
    """Blank rows past the preview's reach, then a giant cell: the preview stops before it, in the web
    request; only the job, which reads the whole file, meets it."""
    from eventsys.volunteers import views

    monkeypatch.setattr(views, "PREVIEW_SCAN_ROWS", 50)
    rows = {
        1: hostile.header_row(),
        2: [hostile.inline_cell("A2", "สมชาย")],
        100: [hostile.inline_cell("A100", "ก" * 5_000)],
    }
    path = hostile.write_xlsx(tmp_path / "late.xlsx", hostile.sheet_xml(rows))
    login(make_user())
    response = client.post("/volunteers/import", data={"file": (io.BytesIO(path.read_bytes()), path.name)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="token"' in page and "สมชาย" in page, page[
        page.find("file-error") :
    ][:400]

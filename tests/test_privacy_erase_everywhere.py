"""Erasing a person reaches every copy (issue 14 point 2): after they were registered (e-mail
in the outbox), sent an SMS, imported (with a skipped row of theirs), checked in, certified,
e-mailed the certificate, put in a bulk ZIP and an export, and left in an abandoned import
preview, neither the database nor the instance folder holds their name, national ID, phone
or e-mail, byte for byte. Run on both databases and both file stores."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from eventsys.db import db, utcnow
from eventsys.jobs.models import Job
from eventsys.registration.models import Registration
from eventsys.volunteers.models import Volunteer
from tests.fixtures.files import S3_SETTINGS
from tests.fixtures.volunteers import national_id

FIRST, LAST = "ทดสอบลบ", "ข้อมูลหมด"
PHONE = "0891234567"
EMAIL = "erase.me@example.org"
NATIONAL_ID = national_id(424242)
BAD_ID = "1234567890120"  # fails the checksum: the row is skipped


@pytest.fixture(params=["local", "database", "s3"])
def app_config(request) -> dict:
    if request.param == "s3":
        request.getfixturevalue("fake_s3")
        return dict(S3_SETTINGS)
    return {"FILE_STORE": request.param}


def needles() -> dict[str, str]:
    d = NATIONAL_ID
    return {
        "first name": FIRST,
        "last name": LAST,
        "national ID": d,
        "national ID with dashes": f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}",
        "skipped row's ID": BAD_ID,
        "phone": PHONE,
        "phone with dashes": "089-123-4567",
        "e-mail": EMAIL,
    }


def _texts(value) -> list[str]:
    """Every stored value as text: strings, bytes, JSON (also as written, with \\u escapes)."""
    if value is None:
        return []
    if isinstance(value, bytes | bytearray | memoryview):
        return [bytes(value).decode("utf-8", "replace")]
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False), json.dumps(value)]
    return [str(value)]


def found_in_database() -> list[str]:
    db.session.rollback()
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                for text in _texts(value):
                    found += [
                        f"{label} in {table.name}.{column}" for label, n in needles().items() if n in text
                    ]
    return sorted(set(found))


def found_in_files(instance: Path) -> list[str]:
    found = []
    for path in instance.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [
                f"{label} in {path.relative_to(instance)}"
                for label, n in needles().items()
                if n.encode("utf-8") in data
            ]
    return sorted(set(found))


def found_in_s3() -> list[str]:
    """Every object of the S3 store (FILE_STORE=s3://…), byte for byte."""
    from eventsys.files import S3Store, current_store

    store = current_store()
    if not isinstance(store, S3Store):
        return []
    found = []
    for info in store.list(""):
        data = store.get(info.key)
        found += [f"{label} in s3:{info.key}" for label, n in needles().items() if n.encode("utf-8") in data]
    return sorted(set(found))


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _start_import(client, data: bytes, filename: str, *, start: bool = True) -> int | None:
    page = client.post("/volunteers/import", data={"file": (io.BytesIO(data), filename)}).get_data(
        as_text=True
    )
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    if not start:
        return None
    response = client.post("/volunteers/import/start", data={"token": token, "filename": filename})
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_erase_leaves_no_copy_anywhere(app, client, login, make_user, make_event, make_check_in, now):
    from eventsys.certificates import services as certificates
    from eventsys.registration.tasks import commit_and_notify
    from eventsys.sms import queue_sms

    admin, organizer = make_user("admin"), make_user()
    event = make_event(owner=organizer, capacity=10, starts_at=utcnow() + timedelta(days=5))
    # registered through the public form: a confirmation e-mail in the outbox
    form = {
        "first_name": FIRST, "last_name": LAST, "national_id": NATIONAL_ID, "phone": PHONE,
        "email": EMAIL, "province": "10", "consent": "y",
    }  # fmt: skip
    assert client.post(f"/e/{event.slug}/register", data=form).status_code == 302
    db.session.rollback()
    registration = db.session.scalars(select(Registration)).one()
    person = registration.volunteer
    # an SMS queued without saying for whom (found by its number)
    queue_sms(db.session, to=PHONE, text=f"เรียน {FIRST} พรุ่งนี้เจอกัน", purpose="reminder")
    commit_and_notify(db.session)

    login(organizer)
    header = ["ชื่อ", "นามสกุล", "เลขประจำตัวประชาชน", "เบอร์โทร", "อีเมล"]
    import_id = _start_import(
        client,
        _xlsx([header, [FIRST, LAST, NATIONAL_ID, PHONE, EMAIL], [FIRST, LAST, BAD_ID, PHONE, EMAIL]]),
        "people.xlsx",
    )
    text = io.StringIO()
    csv.writer(text).writerows([header, [FIRST, LAST, NATIONAL_ID, PHONE, EMAIL]])
    _start_import(client, text.getvalue().encode("utf-8"), "later.csv", start=False)  # abandoned preview
    db.session.rollback()
    report_job = db.session.get(Job, import_id)
    assert report_job.status == "done" and report_job.result["counts"]["skipped"] == 1

    # the report keeps the skipped row's ID masked, and is owner-only on disk
    errors = client.get(f"/volunteers/import/{import_id}/errors.csv").data.decode("utf-8-sig")
    assert BAD_ID not in errors and "x-xxxx-xxxxx-12-0" in errors and PHONE in errors

    db.session.rollback()
    make_check_in(db.session.get(Registration, registration.id))
    certificates.get_design(db.session, event=event)
    certificates.issue_certificates(db.session, event=event, actor=organizer, now=now)
    db.session.commit()
    assert client.post(f"/manage/events/{event.id}/certificates/email").status_code == 302
    assert (
        client.post(f"/manage/events/{event.id}/certificates/bulk", data={"output": "zip"}).status_code == 302
    )
    assert FIRST in client.get(f"/manage/events/{event.id}/export/csv").get_data(as_text=True)

    # before: the scans find the person in the database and (local store) in the files
    before = found_in_database() + found_in_files(Path(app.instance_path)) + found_in_s3()
    assert any(EMAIL in label or "e-mail" in label for label in before)
    assert any("jobs" in label for label in before) and any("volunteers" in label for label in before)
    if app.config["FILE_STORE"] == "local":
        files = found_in_files(Path(app.instance_path))
        assert any("outbox" in f for f in files) and any("volunteer_imports" in f for f in files)
        for path in Path(app.instance_path).rglob("*"):
            if path.is_file() and path.parts[-2] in (
                "outbox",
                "exports",
                "volunteer_imports",
                "certificates",
            ):
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    elif app.config["FILE_STORE"] == "database":
        assert any("stored_files" in label for label in before)
    else:
        s3 = found_in_s3()
        assert any("s3:outbox" in f for f in s3) and any("s3:volunteer_imports" in f for f in s3)

    client.post("/logout")
    db.session.rollback()
    login(admin)
    assert client.post(f"/volunteers/{person.id}/erase").status_code == 302
    db.session.rollback()
    assert db.session.get(Volunteer, person.id).erased_at is not None

    assert found_in_database() == []
    assert found_in_files(Path(app.instance_path)) == []
    assert found_in_s3() == []
    # what is left still works: the import's report, without the person
    assert client.get(f"/volunteers/import/{import_id}/report.csv").status_code == 200

"""Volunteer pages through the test client: roles, masking, audit, forms, import job, export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from eventsys.audit import AuditLog
from eventsys.db import db
from eventsys.volunteers.models import Volunteer
from tests.fixtures.volunteers import national_id


def _actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def _dashed(number: str) -> str:
    return f"{number[0]}-{number[1:5]}-{number[5:10]}-{number[10:12]}-{number[12]}"


def test_staff_may_not_see_the_registry(client, make_user, login, make_volunteer):
    person = make_volunteer("สมชาย")
    login(make_user("staff"))
    for url in ("/volunteers/", f"/volunteers/{person.id}", "/volunteers/export.csv", "/volunteers/import"):
        assert client.get(url).status_code == 403, url


def test_list_search_and_masking_for_an_organizer(client, make_user, login, make_volunteer):
    number = national_id(12)
    make_volunteer("สมชาย", last_name="ใจดี", national_id=number, phone="0812345678")
    make_volunteer("วิชัย", last_name="ทองดี")
    login(make_user())
    page = client.get("/volunteers/").get_data(as_text=True)
    assert "สมชาย" in page and "วิชัย" in page and "2 people" in page or "2 คน" in page
    assert number not in page and _dashed(number) not in page
    assert f"x-xxxx-xxxxx-{number[10:12]}-{number[12]}" in page
    found = client.get("/volunteers/?q=ชา").get_data(as_text=True)
    assert "สมชาย" in found and "วิชัย" not in found
    found = client.get(f"/volunteers/?q={number}").get_data(as_text=True)
    assert "สมชาย" in found and "วิชัย" not in found


def test_person_page_is_logged_and_only_admins_see_full_ids(client, make_user, login, make_volunteer):
    number = national_id(13)
    person = make_volunteer("สมศรี", national_id=number)
    organizer = make_user()
    login(organizer)
    page = client.get(f"/volunteers/{person.id}").get_data(as_text=True)
    assert "สมศรี" in page and _dashed(number) not in page
    assert client.post(f"/volunteers/{person.id}/national-id").status_code == 403
    assert client.get(f"/volunteers/{person.id}/export.json").status_code == 403
    assert client.post(f"/volunteers/{person.id}/erase").status_code == 403
    assert client.get("/volunteers/999999").status_code == 404
    assert _actions() == ["volunteer.view"]
    client.post("/logout")
    db.session.rollback()
    login(make_user("admin"))
    page = client.post(f"/volunteers/{person.id}/national-id").get_data(as_text=True)
    assert _dashed(number) in page
    response = client.get(f"/volunteers/{person.id}/export.json")
    assert response.json["person"]["national_id"] == number
    assert _actions()[-2:] == ["volunteer.view_full_id", "volunteer.export_person"]
    client.post(f"/volunteers/{person.id}/erase")
    db.session.rollback()
    assert db.session.get(Volunteer, person.id).erased_at is not None


def test_create_edit_and_field_errors(client, make_user, login, make_volunteer):
    login(make_user())
    response = client.post(
        "/volunteers/new",
        data={"first_name": "สมชาย", "national_id": "1101700230709", "phone": "12", "language": "th"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "หลักตรวจสอบ" in page and "โทรศัพท์" in page
    data = {
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "national_id": _dashed(national_id(20)),
        "phone": "0812345678",
        "province": "50",
        "language": "th",
        "consent": "y",
    }
    response = client.post("/volunteers/new", data=data)
    assert response.status_code == 302
    db.session.rollback()
    person = db.session.scalar(select(Volunteer))
    assert person.consent_at is not None and person.province_code == "50"
    # the same ID again links to the same record
    response = client.post(
        "/volunteers/new",
        data={"first_name": "สมชาย", "national_id": national_id(20), "phone": "0899999999", "language": "th"},
    )
    assert response.headers["Location"].endswith(f"/volunteers/{person.id}")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Volunteer.id))) == 1
    # edit keeps the masked ID as it was
    form = client.get(f"/volunteers/{person.id}/edit").get_data(as_text=True)
    assert national_id(20) not in form
    masked = person.masked_national_id
    data = {
        "first_name": "สมชัย",
        "last_name": "ใจดี",
        "national_id": masked,
        "phone": "0811111111",
        "language": "en",
    }
    response = client.post(f"/volunteers/{person.id}/edit", data=data)
    assert response.status_code == 302
    db.session.rollback()
    person = db.session.get(Volunteer, person.id)
    assert person.first_name == "สมชัย" and person.national_id_tail == national_id(20)[-4:]
    assert person.language == "en" and person.phone == "0811111111"


def test_merge_page(client, make_user, login, make_volunteer):
    keep = make_volunteer("มานี", phone="0811111111").id
    drop = make_volunteer("มานี", phone="0822222222").id
    login(make_user())
    assert "มานี" in client.get("/volunteers/duplicates").get_data(as_text=True)
    assert client.get(f"/volunteers/merge?keep={keep}&drop={drop}").status_code == 200
    response = client.post("/volunteers/merge", data={"keep": keep, "drop": drop})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Volunteer, drop) is None
    assert "volunteer.merge" in _actions()


def test_import_upload_preview_job_and_reports(client, make_user, login):
    rows = [
        ["ชื่อ", "นามสกุล", "เบอร์โทร", "เลขบัตรประชาชน"],
        ["สมชาย", "ใจดี", "0812345678", national_id(1)],
        ["", "ไม่มีชื่อ", "0812345679", ""],
        ["มานี", "มีนา", "๐๘๙๙๙๙๘๘๘๘", ""],
    ]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    organizer = make_user()
    login(organizer)
    response = client.post(
        "/volunteers/import", data={"file": (io.BytesIO(text.getvalue().encode("cp874")), "รายชื่อ.csv")}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "cp874" in page and "สมชาย" in page
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/volunteers/import/start", data={"token": token, "filename": "รายชื่อ.csv"})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "ไม่มีชื่อ" in page
    db.session.rollback()
    assert db.session.scalar(select(func.count(Volunteer.id))) == 2
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    report = client.get(f"/volunteers/import/{job_id}/report.csv").get_data().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(report)))) == 4
    errors = client.get(f"/volunteers/import/{job_id}/errors.csv").get_data().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(errors)))
    assert lines[1][0] == "3" and lines[1][2] == "ไม่มีชื่อ"
    assert client.get(f"/jobs/{job_id}.json").json["status"] == "done"
    # another organizer cannot see this import, nor replay the upload token
    client.post("/logout")
    db.session.rollback()
    login(make_user())
    assert client.get(job_url).status_code == 404
    assert client.get(f"/volunteers/import/{job_id}/errors.csv").status_code == 404


@pytest.mark.parametrize(
    ("name", "content"), [("x.pdf", b"%PDF-1.4"), ("x.xlsx", b"not a workbook"), ("x.csv", b"")]
)
def test_broken_uploads_get_a_message(client, make_user, login, name, content):
    login(make_user())
    response = client.post("/volunteers/import", data={"file": (io.BytesIO(content), name)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="error"' in page


def test_export_masks_ids_for_organizers_and_not_for_admins(client, make_user, login, make_volunteer):
    number = national_id(30)
    make_volunteer("สมชาย", national_id=number, province="50")
    make_volunteer("วิชัย", province="10")
    login(make_user())
    body = client.get("/volunteers/export.csv?province=50").get_data()
    text = body.decode("utf-8-sig")
    assert body.startswith(b"\xef\xbb\xbf") and "สมชาย" in text and "วิชัย" not in text
    assert _dashed(number) not in text and "x-xxxx-xxxxx" in text
    client.post("/logout")
    db.session.rollback()
    login(make_user("admin"))
    text = client.get("/volunteers/export.csv").get_data().decode("utf-8-sig")
    assert _dashed(number) in text and "วิชัย" in text
    assert client.get("/volunteers/export.xlsx").status_code == 200
    assert client.get("/volunteers/export.pdf").status_code == 404
    assert _actions().count("volunteer.export") == 3

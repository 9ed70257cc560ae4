"""Exports in the reader's language (issue #13): the same data read back in Thai and in
English, headers and values alike, numbered ลำดับ 1…n; an English volunteers sheet imports back
unchanged (network types and languages are written by name and read back by name)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventsys.certificates.services import issue_certificates
from eventsys.checkin.models import CheckIn, CheckInMethod
from eventsys.db import db
from eventsys.volunteers import services, sheets
from eventsys.volunteers.models import Volunteer, network_code

#: 03:05 UTC is 10.05 in Bangkok
ARRIVED = datetime(2015, 11, 12, 3, 5, tzinfo=UTC)


def _table(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    if response.mimetype.startswith("text/csv"):
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text[1:])))
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def attended(make_user, make_event, make_volunteer, make_registration, now):
    """An organizer's event with two people (the second, by id, first in Thai name order),
    one of them checked in and given a certificate."""
    organizer = make_user("organizer")
    event = make_event(owner=organizer)
    late = make_volunteer("อำนาจ", network_type="ภาคเอกชน", language="en", province="50")
    early = make_volunteer("กมล", network_type="อพม.", province="10")
    for volunteer in (late, early):
        make_registration(event, volunteer)
    registration = next(r for r in event_registrations(event) if r.volunteer_id == late.id)
    db.session.add(
        CheckIn(
            registration_id=registration.id,
            method=CheckInMethod.KIOSK,
            checked_in_at=ARRIVED,
            recorded_at=ARRIVED,
        )
    )
    db.session.commit()
    issue_certificates(db.session, event=event, actor=organizer, now=ARRIVED)
    db.session.commit()
    return organizer, event


def event_registrations(event) -> list:
    from eventsys.registration.models import Registration

    return list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))


EXPECTED = {
    "th": {
        "volunteers": ["ลำดับ", "รหัสในระบบ", "คำนำหน้า", "ชื่อ"],
        "registrations": ["ลำดับ", "สถานะ"],
        "attendance": ["ลำดับ", "ชื่อ"],
        "certificates": ["ลำดับ", "เลขที่", "ชื่อ", "หน่วยงาน", "วันที่ออก", "สถานะ"],
        "values": ["ภาคเอกชน", "เชียงใหม่", "อังกฤษ", "ยืนยันแล้ว", "ตู้ลงทะเบียนด้วยตนเอง", "ใช้ได้", "10.05 น."],
    },
    "en": {
        "volunteers": ["No.", "Record ID", "Title", "First name"],
        "registrations": ["No.", "Status"],
        "attendance": ["No.", "Name"],
        "certificates": ["No.", "Serial", "Name", "Organization", "Issued at", "Status"],
        "values": ["Private sector", "Chiang Mai", "English", "Confirmed", "Kiosk", "Valid", "10:05"],
    },
}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_export_in_the_readers_language(client, login, attended, language, kind):
    organizer, event = attended
    login(organizer)
    urls = {
        "volunteers": f"/volunteers/export.{kind}",
        "registrations": f"/manage/events/{event.id}/export/{kind}",
        "attendance": f"/manage/events/{event.id}/attendance.{kind}",
        "certificates": f"/manage/events/{event.id}/certificates/export.{kind}",
    }
    expected = EXPECTED[language]
    seen: list[str] = []
    for name, url in urls.items():
        table = _table(client.get(f"{url}?lang={language}"))
        header = table[0]
        assert header[: len(expected[name])] == expected[name], (name, header)
        assert [row[0] for row in table[1:]] == [str(n) for n in range(1, len(table))], name
        seen += [cell for row in table[1:] for cell in row]
    for value in expected["values"]:
        assert any(value in cell for cell in seen), (value, seen)
    # stored codes never reach the reader
    assert not {"confirmed", "kiosk", "th", "en", "50"} & set(seen), seen


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_english_volunteers_sheet_imports_back_unchanged(app, cipher, tmp_path, make_volunteer, kind):
    make_volunteer("สมชาย", network_type="ภาคเอกชน", language="en", province="50")
    make_volunteer("สมศรี", network_type="อพม.", language="th", province="10")
    make_volunteer("มาลี", network_type="กลุ่มแม่บ้านหนองบัว")  # typed: kept as typed
    before = {v.id: services.snapshot(v) for v in db.session.scalars(select(Volunteer))}
    stream = io.BytesIO()
    query = services.filtered_query(services.VolunteerFilter(), cipher=cipher).order_by(Volunteer.sort_key)
    sheets.export_volunteers(db.session, query, stream, kind=kind, cipher=cipher, masked=True, language="en")
    path = tmp_path / f"people.{kind}"
    path.write_bytes(stream.getvalue())
    assert b"Private sector" in stream.getvalue() or kind == "xlsx"
    sheet = sheets.open_sheet(path)
    outcomes = services.import_rows(db.session, sheets.import_rows_of(sheet), cipher=cipher)
    db.session.commit()
    assert [o.status for o in outcomes] == ["unchanged"] * 3
    db.session.expire_all()
    assert {v.id: services.snapshot(v) for v in db.session.scalars(select(Volunteer))} == before


def test_network_types_are_stored_as_codes_whatever_language_they_are_given_in(app):
    assert network_code("Private sector") == "ภาคเอกชน"
    assert network_code("private SECTOR ") == "ภาคเอกชน"
    assert network_code("ภาคเอกชน") == "ภาคเอกชน"
    assert network_code("Social development volunteer (OSM)") == "อพม."
    assert network_code("กลุ่มแม่บ้าน") == "กลุ่มแม่บ้าน"


def test_the_edit_form_shows_a_network_type_by_name_and_keeps_its_code(
    client, login, make_user, make_volunteer
):
    person = make_volunteer("สมชาย", network_type="ภาคเอกชน", phone="0834567803")
    login(make_user("organizer"))
    page = client.get(f"/volunteers/{person.id}/edit?lang=en").get_data(as_text=True)
    assert 'value="Private sector"' in page and "ภาคเอกชน" not in page
    form = {
        "prefix": "",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "phone": "083-456-7803",
        "network_type": "Private sector",
        "language": "th",
    }
    db.session.rollback()
    response = client.post(f"/volunteers/{person.id}/edit?lang=en", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Volunteer, person.id).network_type == "ภาคเอกชน"

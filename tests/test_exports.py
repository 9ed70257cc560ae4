"""Exports a Thai organizer can read: ลำดับ 1…n, labels in Thai, Bangkok time (read back)."""

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from eventsys.checkin import services as checkin
from eventsys.checkin.models import CheckInMethod
from eventsys.db import db
from eventsys.registration.models import RegistrationSource
from eventsys.registration.services import register
from eventsys.volunteers.crypto import cipher
from eventsys.volunteers.services import VolunteerData

#: 02:30 UTC is 09.30 in Bangkok
SCANNED = datetime(2015, 11, 12, 2, 30, tzinfo=UTC)


def _registered(event, organizer, n: int, now):
    person = VolunteerData(prefix="นาย", first_name=f"สมชาย{n}", last_name="ใจดี", phone=f"08123456{n:02d}")
    registration, _ = register(
        db.session, event=event, data=person, answers={}, source=RegistrationSource.STAFF,
        actor=organizer, now=now, cipher=cipher(),
    )  # fmt: skip
    db.session.commit()
    return registration


def _csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_attendance_and_registrations_read_back_in_thai(client, login, make_user, make_event, now):
    organizer = make_user("organizer")
    other = make_event(owner=organizer)
    _registered(other, organizer, 99, now)  # database ids of the event below start after 1
    event = make_event(owner=organizer, capacity=10)
    first = _registered(event, organizer, 1, now)
    _registered(event, organizer, 2, now)
    checkin.check_in(
        db.session, registration=first, session_id=None, actor=organizer, method=CheckInMethod.CAMERA,
        device="", client_id=None, scanned_at=None, now=SCANNED,
    )  # fmt: skip
    db.session.commit()
    login(organizer)
    for response in (
        client.get(f"/manage/events/{event.id}/attendance.csv?lang=th"),
        client.get(f"/manage/events/{event.id}/attendance.xlsx?lang=th"),
    ):
        table = _csv(response) if response.mimetype == "text/csv" else _xlsx(response)
        assert table[0][0] == "ลำดับ" and [str(row[0]) for row in table[1:]] == ["1", "2"]
        cells = [str(cell) for row in table for cell in row if cell is not None]
        assert "confirmed" not in cells and "camera" not in cells
        assert "ยืนยันแล้ว" in cells and "สแกนด้วยกล้อง" in cells
        assert any("09.30 น." in cell for cell in cells), cells
    for kind in ("csv", "xlsx"):
        response = client.get(f"/manage/events/{event.id}/export/{kind}?lang=th")
        table = _csv(response) if kind == "csv" else _xlsx(response)
        assert table[0][0] == "ลำดับ" and [str(row[0]) for row in table[1:]] == ["1", "2"]
        assert "confirmed" not in [str(c) for row in table for c in row]

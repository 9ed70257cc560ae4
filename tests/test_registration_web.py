"""Pages: public form → manage link → QR ticket; e-mail in Thai; console, export, outbox."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from openpyxl import load_workbook

from eventsys.db import db, utcnow
from eventsys.registration.models import Registration
from tests.fixtures.registration import national_id


def _form(n: int, **kw) -> dict:
    data = {
        "prefix": "mrs", "first_name": f"มาลี{n}", "last_name": "ศรีสุข", "national_id": national_id(n),
        "phone": f"086{n:07d}", "email": f"malee{n}@example.org", "province": "50", "consent": "y",
    }  # fmt: skip
    data.update(kw)
    return data


def _soon():
    return utcnow() + timedelta(days=10)


def test_register_on_the_public_form_get_ticket_and_thai_email(app, client, make_event):
    event = make_event(capacity=10, starts_at=_soon(), venue="โรงแรมปรินซ์พาเลซ")
    page = client.get(f"/e/{event.slug}")
    assert page.status_code == 200 and "10" in page.get_data(as_text=True)
    assert client.get(f"/e/{event.slug}/register").status_code == 200
    response = client.post(f"/e/{event.slug}/register", data=_form(1))
    assert response.status_code == 302 and "/r/" in response.headers["Location"]
    manage = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "มาลี1" in manage and "qr.svg" in manage

    db.session.rollback()
    registration = db.session.query(Registration).one()
    outbox = Path(app.instance_path) / "outbox"
    [mail_file] = list(outbox.glob("*.eml"))
    message = message_from_bytes(mail_file.read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("ยืนยันการลงทะเบียนแล้ว")
    assert "เรียน นางมาลี1 ศรีสุข" in message.get_body(preferencelist=("plain",)).get_content()
    types = [part.get_content_type() for part in message.walk()]
    assert types.count("image/png") == 2 and "text/calendar" in types
    assert registration.status.value == "confirmed"


def test_national_id_match_reveals_nothing_and_links_the_record(client, make_event):
    event = make_event(capacity=10, starts_at=_soon())
    client.post(f"/e/{event.slug}/register", data=_form(2, organization="อบต.ลับมาก"))
    page = client.get(f"/e/{event.slug}/register?national_id={national_id(2)}").get_data(as_text=True)
    assert "มาลี2" not in page and "ลับมาก" not in page and "malee2" not in page
    again = client.post(f"/e/{event.slug}/register", data=_form(2, first_name="คนอื่น"))
    assert again.status_code == 302
    db.session.rollback()
    assert db.session.query(Registration).count() == 1


def test_tampered_manage_link_and_tickets_are_refused(client, make_event):
    event = make_event(capacity=10, starts_at=_soon())
    location = client.post(f"/e/{event.slug}/register", data=_form(3)).headers["Location"]
    token = location.split("/r/")[1].split("?")[0]
    assert client.get(f"/r/{token}").status_code == 200
    for bad in (token[:-1], token + "A", "2-" + token.split("-", 1)[1], "999-abc", "x"):
        assert client.get(f"/r/{bad}").status_code == 404, bad
        assert client.post(f"/r/{bad}/cancel").status_code == 404
    ticket = client.get(f"/r/{token}").get_data(as_text=True).split("/ticket/")[1].split("/qr.svg")[0]
    png = client.get(f"/ticket/{ticket}/qr.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    svg = client.get(f"/ticket/{ticket}/qr.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    assert client.get(f"/ticket/{ticket[:-2]}/qr.png").status_code == 404
    secret = ticket.split(".")[0]
    assert client.get(f"/ticket/{secret}.AAAAAAAAAAAAAAAAAAAAAA/qr.png").status_code == 404
    # update contact, then cancel through the manage link
    response = client.post(
        f"/r/{token}/contact", data={"phone": "0812345678", "email": "new@example.org", "language": "en"}
    )
    assert response.status_code == 302
    assert client.post(f"/r/{token}/cancel").status_code == 302
    db.session.rollback()
    registration = db.session.query(Registration).one()
    assert registration.status.value == "cancelled" and registration.volunteer.email == "new@example.org"
    assert client.get(f"/ticket/{ticket}/qr.png").status_code == 404  # no ticket once cancelled


def test_calendar_file(client, make_event):
    event = make_event(starts_at=_soon(), title="ประชุม, เครือข่าย")
    response = client.get(f"/e/{event.slug}/calendar.ics")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar" and "BEGIN:VEVENT" in text and "ประชุม\\, เครือข่าย" in text


def test_console_create_publish_questions_and_export(client, login, make_user, make_event):
    organizer = make_user("organizer")
    login(organizer)
    soon = _soon().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/manage/events/new",
        data={
            "title": "Workshop A",
            "starts_at": soon,
            "ends_at": soon,
            "capacity": "5",
            "waitlist_enabled": "y",
        },  # fmt: skip
    )
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert client.post(f"/manage/events/{event_id}/status/published").status_code == 302
    client.post(
        f"/manage/events/{event_id}/questions",
        data={"question-label": "อาหาร", "question-kind": "single_choice", "question-options": "ปกติ\nเจ"},
    )
    page = client.get(f"/manage/events/{event_id}")
    assert (
        page.status_code == 200
        and "อาหาร" in page.get_data(as_text=True)
        and "data-chart" in page.get_data(as_text=True)
    )
    from eventsys.events.models import Event

    db.session.rollback()
    slug = db.session.get(Event, event_id).slug
    client.post(f"/e/{slug}/register", data=_form(4, first_name="=HYPERLINK(1)", q_q1="เจ"))
    xlsx = client.get(f"/manage/events/{event_id}/export/xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "'=HYPERLINK(1)" and rows[1][-1] == "เจ"
    data = client.get(f"/manage/events/{event_id}/export/csv").data
    assert (
        data.startswith("\ufeff".encode())
        and list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1][3] == "'=HYPERLINK(1)"
    )
    table = client.get(f"/manage/events/{event_id}/registrations?q=hyperlink")
    assert "HYPERLINK" in table.get_data(as_text=True)


def test_organizer_cannot_touch_another_organizers_event(client, login, make_user, make_event):
    owner, other = make_user("organizer"), make_user("organizer")
    event = make_event(owner=owner)
    login(other)
    for url in (
        f"/manage/events/{event.id}",
        f"/manage/events/{event.id}/registrations",
        f"/manage/events/{event.id}/export/csv",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/manage/events/{event.id}/status/closed").status_code == 403


def test_organizer_cancel_promotes_and_outbox_is_admin_only(app, client, login, make_user, make_event):
    owner = make_user("organizer")
    event = make_event(owner=owner, capacity=1, starts_at=_soon())
    client.post(f"/e/{event.slug}/register", data=_form(7))
    client.post(f"/e/{event.slug}/register", data=_form(8))
    db.session.rollback()
    first, second = db.session.query(Registration).order_by(Registration.id).all()
    assert second.status.value == "waitlisted"
    login(owner)
    done = client.post(f"/manage/events/{event.id}/registrations/{first.id}/cancel", follow_redirects=True)
    db.session.rollback()
    promoted = db.session.get(Registration, second.id)
    assert promoted.status.value == "confirmed"
    assert promoted.volunteer.full_name in done.get_data(as_text=True)  # who got the seat is said
    assert client.get("/admin/outbox").status_code == 403
    client.post("/logout")
    login(make_user("admin"))
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    assert "ได้รับที่นั่งแล้ว" in outbox  # the promotion notice, in Thai

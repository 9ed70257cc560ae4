"""The workshop day as its users live it (issue 13): what a new organizer, volunteer and
door staff member meet."""

from __future__ import annotations

from datetime import timedelta

from eventsys.db import db, utcnow


def test_door_staff_land_on_the_scanner_of_todays_event(client, make_user, make_event, assign_staff, login):
    staff = make_user("staff")
    today = make_event(starts_at=utcnow() - timedelta(hours=1))
    later = make_event(starts_at=utcnow() + timedelta(days=30))
    assign_staff(staff, today)
    assign_staff(staff, later)
    landed = login(staff)
    assert landed.headers["Location"].endswith("/checkin/?today=1")
    scanner = client.get(landed.headers["Location"])
    assert scanner.status_code == 302 and scanner.headers["Location"].endswith(f"/checkin/{today.id}/")
    # two events today: the list, to choose
    db.session.rollback()
    other = make_event(starts_at=utcnow() - timedelta(minutes=30))
    assign_staff(staff, other)
    assert client.get("/checkin/?today=1").status_code == 200


def test_organizers_still_land_on_the_console(make_user, login):
    assert login(make_user("organizer")).headers["Location"].endswith("/manage/")


def test_phones_are_shown_as_people_write_them(client, make_user, make_event, login):
    from tests.fixtures.registration import national_id

    owner = make_user("organizer")
    event = make_event(owner=owner, capacity=5, starts_at=utcnow() + timedelta(days=3))
    form = {
        "first_name": "สมใจ", "last_name": "ดีงาม", "national_id": national_id(8080), "phone": "0834567803",
        "province": "10",
    }  # fmt: skip
    assert client.post(f"/e/{event.slug}/register", data=form).status_code == 302
    login(owner)
    page = client.get(f"/manage/events/{event.id}/registrations").get_data(as_text=True)
    assert "083-456-7803" in page and "0834567803" not in page


def test_the_saved_ticket_picture_says_whose_and_what_it_is(app, client, make_event, tmp_path):
    """The PNG a person saves carries their name, the event, date and venue under the QR
    (Thai shaped, not boxes): checked by reading it back with a QR decoder and by size."""
    from io import BytesIO

    from PIL import Image

    from eventsys.registration.models import Registration
    from eventsys.registration.tickets import signer
    from tests.fixtures.registration import national_id

    event = make_event(capacity=5, starts_at=utcnow() + timedelta(days=3), venue="โรงแรมปรินซ์พาเลซ")
    form = {
        "first_name": "บุญเรือน", "last_name": "ทองคำ", "national_id": national_id(8181), "phone": "0834567803",
        "province": "10",
    }  # fmt: skip
    manage = client.post(f"/e/{event.slug}/register", data=form, follow_redirects=True).get_data(as_text=True)
    assert 'id="ticket-download"' in manage
    db.session.rollback()
    registration = db.session.query(Registration).one()
    token = signer().token_for(registration.ticket_secret)
    answer = client.get(f"/ticket/{token}/ticket.png")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    card = Image.open(BytesIO(answer.data))
    qr_only = Image.open(BytesIO(client.get(f"/ticket/{token}/qr.png").data))
    assert card.height > qr_only.height + 100  # four lines of text under the code
    card.save(tmp_path / "ticket-card.png")
    # the text area is not blank, and the QR part still decodes to the ticket
    text_area = card.crop((0, qr_only.height, card.width, card.height)).convert("L")
    assert text_area.getextrema()[0] < 100
    assert client.get(f"/ticket/{token[:-2]}xx/ticket.png").status_code == 404


def test_the_registration_list_and_export_show_answers_and_who_checked_in(
    client, make_user, make_event, login, make_checkin_registration, make_check_in
):
    from eventsys.events.models import Question, QuestionKind

    owner = make_user("organizer")
    event = make_event(owner=owner, capacity=5)
    event.questions.append(
        Question(key="food", label="อาหาร", kind=QuestionKind.SINGLE_CHOICE, options=["ปกติ", "มังสวิรัติ"])
    )
    db.session.commit()
    came = make_checkin_registration(event, first_name="มาแล้ว")
    came.answers = {"food": "มังสวิรัติ"}
    db.session.commit()
    make_check_in(came)
    make_checkin_registration(event, first_name="ยังไม่มา")
    login(owner)
    page = client.get(f"/manage/events/{event.id}/registrations").get_data(as_text=True)
    assert "อาหาร" in page and "มังสวิรัติ" in page and "เวลาเช็กอิน" in page
    assert page.count('class="nowrap checked-in">—') == 1  # the one who has not come
    csv_text = client.get(f"/manage/events/{event.id}/export/csv").get_data().decode("utf-8-sig")
    header, *rows = [line.split(",") for line in csv_text.strip().splitlines()]
    column = header.index("เวลาเช็กอิน")
    assert sorted(bool(row[column].strip('"')) for row in rows) == [False, True]

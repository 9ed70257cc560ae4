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

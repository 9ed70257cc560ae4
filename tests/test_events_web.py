"""The organizer console and the public event pages, through the test client: forms in
Thailand's time, publishing, the waiting list moving up when seats are added, the agenda,
questions and staff forms, duplicating, and who may do what."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from eventsys.db import db, utcnow
from eventsys.events.models import AgendaSession, Event, EventStaff, EventStatus, Question

NEXT_YEAR = utcnow().year + 1


def _flashes(html: str, category: str) -> list[str]:
    return re.findall(rf'<div class="flash flash-{category}"[^>]*>(.*?)</div>', html, re.S)


def _event() -> Event:
    db.session.rollback()
    return db.session.scalars(select(Event).order_by(Event.id.desc())).first()


def test_an_event_is_created_as_a_draft_in_thailands_time_and_published(client, login, make_user):
    login(make_user("organizer"))
    form = {
        "title": "Volunteer Training อบรม", "starts_at": f"{NEXT_YEAR}-03-02T09:00",
        "ends_at": f"{NEXT_YEAR}-03-02T16:30", "capacity": "40", "venue": "ศาลากลาง",
        "registration_closes_at": f"{NEXT_YEAR}-03-01T17:00", "waitlist_enabled": "y",
    }  # fmt: skip
    answer = client.post("/manage/events/new", data=form)
    event = _event()
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/manage/events/{event.id}")
    assert event.status == EventStatus.DRAFT and event.slug.startswith("volunteer-training-")
    assert event.starts_at == datetime(NEXT_YEAR, 3, 2, 2, 0, tzinfo=UTC)  # 09.00 at UTC+7
    assert event.registration_closes_at == datetime(NEXT_YEAR, 3, 1, 10, 0, tzinfo=UTC)
    assert (event.capacity, event.waitlist_enabled, event.requires_approval) == (40, True, False)
    # a draft has no public page, no calendar file, and is not listed
    assert client.get(f"/e/{event.slug}").status_code == 404
    assert client.get(f"/e/{event.slug}/calendar.ics").status_code == 404
    assert event.slug not in client.get("/").get_data(as_text=True)
    assert client.post(f"/manage/events/{event.id}/status/published").status_code == 302
    assert _event().status == EventStatus.PUBLISHED
    assert client.get(f"/e/{event.slug}").status_code == 200
    assert f"/e/{event.slug}" in client.get("/").get_data(as_text=True)
    calendar = client.get(f"/e/{event.slug}/calendar.ics")
    assert calendar.mimetype == "text/calendar" and b"DTSTART:" in calendar.data


def test_the_edit_form_shows_local_times_and_refuses_bad_settings_on_their_fields(
    client, login, make_user, make_event
):
    owner = make_user("organizer")
    event = make_event(owner=owner, starts_at=datetime(NEXT_YEAR, 3, 2, 2, 0, tzinfo=UTC))
    login(owner)
    page = client.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    assert f'value="{NEXT_YEAR}-03-02T09:00"' in page  # shown in Bangkok time
    bad = {
        "title": "อบรม", "starts_at": f"{NEXT_YEAR}-03-02T09:00", "ends_at": f"{NEXT_YEAR}-03-02T16:00",
        "map_url": "javascript:alert(1)", "registration_opens_at": f"{NEXT_YEAR}-03-01T09:00",
        "registration_closes_at": f"{NEXT_YEAR}-02-01T09:00",
    }  # fmt: skip
    html = client.post(f"/manage/events/{event.id}/edit", data=bad).get_data(as_text=True)
    assert 'id="map_url-error"' in html and 'id="registration_closes_at-error"' in html
    assert _event().title == event.title  # nothing saved


def test_more_seats_move_the_waiting_list_up_in_arrival_order(
    client, login, make_user, make_event, make_volunteer, make_registration
):
    from eventsys.registration.models import Registration, RegistrationStatus

    owner = make_user("organizer")
    event = make_event(owner=owner, capacity=1, starts_at=datetime(NEXT_YEAR, 3, 2, 2, 0, tzinfo=UTC))
    make_registration(event, make_volunteer("ก", phone="0810000001"))
    first = make_registration(event, make_volunteer("ข", phone="0810000002"), status="waitlisted")
    second = make_registration(event, make_volunteer("ค", phone="0810000003"), status="waitlisted")
    login(owner)
    form = {
        "title": event.title, "starts_at": f"{NEXT_YEAR}-03-02T09:00", "ends_at": f"{NEXT_YEAR}-03-02T15:00",
        "capacity": "2", "waitlist_enabled": "y",
    }  # fmt: skip
    answer = client.post(f"/manage/events/{event.id}/edit", data=form, follow_redirects=True)
    assert len(_flashes(answer.get_data(as_text=True), "success")) == 2  # saved, and one moved up
    db.session.rollback()
    statuses = dict(db.session.execute(select(Registration.id, Registration.status)).all())
    assert statuses[first.id] == RegistrationStatus.CONFIRMED
    assert statuses[second.id] == RegistrationStatus.WAITLISTED


def test_a_status_move_not_allowed_is_refused_with_a_message(client, login, make_user, make_event):
    owner = make_user("organizer")
    event = make_event(owner=owner, status="draft")
    login(owner)
    for status in ("closed", "nonsense"):
        answer = client.post(f"/manage/events/{event.id}/status/{status}", follow_redirects=True)
        assert _flashes(answer.get_data(as_text=True), "error"), status
    assert _event().status == EventStatus.DRAFT


def test_agenda_questions_and_staff_through_the_console(client, login, make_user, make_event):
    owner = make_user("organizer")
    door = make_user("staff", email="door@example.org")
    event = make_event(owner=owner, starts_at=datetime(NEXT_YEAR, 3, 2, 2, 0, tzinfo=UTC))
    login(owner)
    base = f"/manage/events/{event.id}"
    item = {
        "session-title": "พิธีเปิด", "session-starts_at": f"{NEXT_YEAR}-03-02T09:00",
        "session-ends_at": f"{NEXT_YEAR}-03-02T10:00", "session-room": "ห้องประชุม 1",
    }  # fmt: skip
    assert client.post(f"{base}/sessions", data=item).status_code == 302
    late = {
        **item,
        "session-starts_at": f"{NEXT_YEAR}-03-02T18:00",
        "session-ends_at": f"{NEXT_YEAR}-03-02T19:00",
    }
    assert _flashes(
        client.post(f"{base}/sessions", data=late, follow_redirects=True).get_data(as_text=True), "error"
    )
    db.session.rollback()
    sessions = db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id)).all()
    assert [(s.title, s.starts_at, s.room) for s in sessions] == [
        ("พิธีเปิด", datetime(NEXT_YEAR, 3, 2, 2, 0, tzinfo=UTC), "ห้องประชุม 1")
    ]
    for label in ("อาหาร", "ไซซ์เสื้อ"):
        question = {
            "question-label": label,
            "question-kind": "single_choice",
            "question-options": "ก\r\nข\r\n",
        }
        assert client.post(f"{base}/questions", data=question).status_code == 302
    one_option = {"question-label": "x", "question-kind": "single_choice", "question-options": "ก"}
    assert _flashes(
        client.post(f"{base}/questions", data=one_option, follow_redirects=True).get_data(as_text=True),
        "error",
    )
    db.session.rollback()
    food, shirt = db.session.scalars(select(Question).order_by(Question.position)).all()
    assert food.options == ["ก", "ข"]
    client.post(f"{base}/questions/{shirt.id}/move/up")
    assert client.post(f"{base}/questions/{shirt.id}/move/sideways").status_code == 404
    db.session.rollback()
    assert [q.label for q in db.session.scalars(select(Question).order_by(Question.position))] == [
        "ไซซ์เสื้อ",
        "อาหาร",
    ]
    assert client.post(f"{base}/staff", data={"staff-email": "door@example.org"}).status_code == 302
    unknown = client.post(f"{base}/staff", data={"staff-email": "who@example.org"}, follow_redirects=True)
    assert _flashes(unknown.get_data(as_text=True), "error")
    db.session.rollback()
    assert db.session.scalars(select(EventStaff.user_id)).all() == [door.id]
    page = client.get(base).get_data(as_text=True)
    assert "พิธีเปิด" in page and "ไซซ์เสื้อ" in page and "door@example.org" in page


def test_duplicate_opens_the_copy_to_edit(client, login, make_user, make_event):
    owner = make_user("organizer")
    event = make_event(owner=owner, sessions=2)
    login(owner)
    answer = client.post(f"/manage/events/{event.id}/duplicate")
    copy = _event()
    assert copy.id != event.id and answer.headers["Location"].endswith(f"/manage/events/{copy.id}/edit")
    assert copy.status == EventStatus.DRAFT and len(copy.sessions) == 2


def test_only_the_owner_or_an_admin_works_on_an_event(client, login, make_user, make_event):
    owner, other, admin, door = (
        make_user("organizer"),
        make_user("organizer"),
        make_user("admin"),
        make_user("staff"),
    )
    event = make_event(owner=owner, status="draft")
    base = f"/manage/events/{event.id}"
    login(other)
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/edit").status_code == 403
    assert client.post(f"{base}/status/published").status_code == 403
    assert client.post(f"{base}/duplicate").status_code == 403
    assert client.get("/manage/events/999999").status_code == 404
    assert event.title not in client.get("/manage/").get_data(as_text=True)
    client.post("/logout")
    login(door)
    assert client.get("/manage/events/new").status_code == 403
    client.post("/logout")
    login(admin)
    assert client.post(f"{base}/status/published").status_code == 302
    assert _event().status == EventStatus.PUBLISHED

"""Event dates as Thai organizers type them: Buddhist-era years and Thai digits are taken,
impossible dates refused on their field (forms), and B.E. years refused by the API."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from eventsys.accounts.services import create_token
from eventsys.db import db, utcnow
from eventsys.events.models import AgendaSession, Event

NEXT_YEAR = utcnow().year + 1


def _field_error(html: str, name: str) -> str:
    """The error text shown under the field ``name`` ("" if none)."""
    found = re.search(rf'<p class="error" id="{name}-error"[^>]*>(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def _event_form(starts: str, ends: str, **extra) -> dict:
    return {"title": "อบรมอาสาสมัคร", "starts_at": starts, "ends_at": ends, **extra}


def test_buddhist_era_years_and_thai_digits_become_gregorian():
    from eventsys.events.forms import gregorian_text

    be = NEXT_YEAR + 543
    assert gregorian_text(f"{be}-11-12T09:00") == f"{NEXT_YEAR}-11-12T09:00"
    assert gregorian_text("๒๕๖๗-๐๒-๒๙T๐๙:๓๐") == "2024-02-29T09:30"  # a B.E. leap day survives
    assert gregorian_text("2027-11-12T09:00") == "2027-11-12T09:00"


def test_the_event_form_takes_a_buddhist_era_year(client, login, make_user):
    login(make_user("organizer"))
    be = NEXT_YEAR + 543
    response = client.post("/manage/events/new", data=_event_form(f"{be}-11-12T09:00", f"{be}-11-12T16:00"))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    event = db.session.scalars(select(Event)).one()
    assert event.starts_at == datetime(NEXT_YEAR, 11, 12, 2, 0, tzinfo=UTC)  # 09.00 in Bangkok
    assert event.ends_at == datetime(NEXT_YEAR, 11, 12, 9, 0, tzinfo=UTC)


def test_the_event_form_refuses_impossible_dates_on_their_field(client, login, make_user):
    login(make_user("organizer"))
    start = f"{NEXT_YEAR}-11-12T09:00"
    backwards = client.post("/manage/events/new", data=_event_form(start, f"{NEXT_YEAR}-11-11T16:00"))
    assert _field_error(backwards.get_data(as_text=True), "ends_at")
    far = client.post("/manage/events/new", data=_event_form("2300-11-12T09:00", "2300-11-12T16:00"))
    assert _field_error(far.get_data(as_text=True), "starts_at")
    old = client.post("/manage/events/new", data=_event_form("1999-11-12T09:00", "1999-11-12T16:00"))
    assert _field_error(old.get_data(as_text=True), "starts_at")
    window = client.post(
        "/manage/events/new",
        data=_event_form(start, f"{NEXT_YEAR}-11-12T16:00", registration_closes_at="3113-01-01T00:00"),
    )
    assert _field_error(window.get_data(as_text=True), "registration_closes_at")
    db.session.rollback()
    assert db.session.scalars(select(Event)).first() is None


def test_an_agenda_item_outside_the_event_is_refused_and_a_be_year_taken(
    client, login, make_user, make_event
):
    organizer = make_user("organizer")
    starts = datetime(NEXT_YEAR, 11, 12, 2, 0, tzinfo=UTC)
    event = make_event(owner=organizer, starts_at=starts, ends_at=starts + timedelta(hours=7))
    login(organizer)
    be = NEXT_YEAR + 543
    url = f"/manage/events/{event.id}/sessions"
    next_day = {
        "session-title": "พิธีเปิด",
        "session-starts_at": f"{be}-11-13T09:00",
        "session-ends_at": f"{be}-11-13T10:00",
    }
    outside = client.post(url, data=next_day, follow_redirects=True)
    assert "ช่วงเวลาของงาน" in outside.get_data(as_text=True)
    assert db.session.scalars(select(AgendaSession)).first() is None
    inside = {**next_day, "session-starts_at": f"{be}-11-12T09:00", "session-ends_at": f"{be}-11-12T10:00"}
    client.post(url, data=inside)
    db.session.rollback()
    item = db.session.scalars(select(AgendaSession)).one()
    assert item.starts_at == starts


def test_the_api_refuses_buddhist_era_and_decades_away_years(client, make_user):
    headers = {"Authorization": f"Bearer {create_token(db.session, user=make_user('organizer'), name='t')}"}
    db.session.commit()
    be = client.post(
        "/api/v1/events",
        json={"title": "W", "starts_at": "2570-11-12T09:00:00+07:00", "ends_at": "2570-11-12T16:00:00+07:00"},
        headers=headers,
    )
    assert be.status_code == 422 and {"starts_at", "ends_at"} <= set(be.get_json()["fields"])
    far = client.post(
        "/api/v1/events",
        json={"title": "W", "starts_at": "2090-11-12T09:00:00+07:00", "ends_at": "2090-11-12T16:00:00+07:00"},
        headers=headers,
    )
    assert far.status_code == 422 and "starts_at" in far.get_json()["fields"]
    start = f"{NEXT_YEAR}-11-12T09:00:00+07:00"
    outside = client.post(
        "/api/v1/events",
        json={
            "title": "W",
            "starts_at": start,
            "ends_at": f"{NEXT_YEAR}-11-12T16:00:00+07:00",
            "sessions": [
                {
                    "title": "เปิด",
                    "starts_at": f"{NEXT_YEAR}-11-13T09:00:00+07:00",
                    "ends_at": f"{NEXT_YEAR}-11-13T10:00:00+07:00",
                }
            ],
        },  # fmt: skip
        headers=headers,
    )
    assert outside.status_code == 422 and "sessions.0.starts_at" in outside.get_json()["fields"]
    db.session.rollback()
    assert db.session.scalars(select(Event)).first() is None

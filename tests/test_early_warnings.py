"""Issue 13: certificates issued, or door check-ins made, long before the event warn and ask
to confirm; the certificate's hours hint says the number the certificate prints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsys.certificates.models import Certificate
from eventsys.db import db, utcnow


def _certificates() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_certificates_before_the_end_need_the_box_ticked(client, make_user, make_event, make_attendee, login):
    owner = make_user("organizer")
    event = make_event(owner=owner, starts_at=utcnow() + timedelta(days=330))  # eleven months ahead
    make_attendee(event)
    login(owner)
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert 'id="issue-early-warning"' in page and 'name="confirm_early"' in page
    refused = client.post(f"/manage/events/{event.id}/certificates/issue", follow_redirects=True)
    assert "ยังไม่สิ้นสุด" in refused.get_data(as_text=True)
    assert _certificates() == 0
    answer = client.post(f"/manage/events/{event.id}/certificates/issue", data={"confirm_early": "y"})
    assert answer.status_code == 302 and _certificates() == 1


def test_certificates_after_the_end_need_no_confirmation(client, make_user, make_event, make_attendee, login):
    owner = make_user("organizer")
    event = make_event(owner=owner, starts_at=utcnow() - timedelta(days=1))
    make_attendee(event)
    login(owner)
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert 'id="issue-early-warning"' not in page
    assert client.post(f"/manage/events/{event.id}/certificates/issue").status_code == 302
    assert _certificates() == 1


def test_the_certificate_api_refuses_early_issue_unless_confirmed(
    client, make_user, make_event, make_attendee
):
    from eventsys.accounts.services import create_token

    owner = make_user("organizer")
    event = make_event(owner=owner, starts_at=utcnow() + timedelta(days=330))
    make_attendee(event)
    token = create_token(db.session, user=owner, name="t")
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/events/{event.id}/certificates"
    refused = client.post(url, headers=auth)
    body = refused.get_json()
    assert refused.status_code == 409 and body["error"] == "event_not_ended"
    assert body["confirm_field"] == "confirm_early" and body["ends_at"].startswith(str(event.ends_at.year))
    assert client.post(url, headers=auth, json={"confirm_early": False}).status_code == 409
    assert client.post(url, headers=auth, json={"confirm_early": "yes"}).status_code == 422
    assert _certificates() == 0
    assert client.post(url, headers=auth, json={"confirm_early": True}).get_json() == {"issued": 1}
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]["/events/{id}/certificates"]["post"]
    assert "confirm_early" in spec["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_the_hours_hint_shows_the_hours_printed(client, make_user, make_event, login, now):
    from eventsys.certificates import services
    from eventsys.certificates.models import CertificateDesign

    owner = make_user("organizer")
    # three one-hour agenda items in a six-hour day: the certificate prints 3, not 6
    event = make_event(owner=owner, sessions=3)
    assert services.event_hours(event, CertificateDesign(hours=None)) == 3
    plain = make_event(owner=owner)
    login(owner)
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert "รวมเวลาของหัวข้อในกำหนดการ: 3 ชั่วโมง" in page
    page = client.get(f"/manage/events/{plain.id}/certificates").get_data(as_text=True)
    assert "ความยาวของงาน: 6 ชั่วโมง" in page


# --- the door, long before the event --------------------------------------------------------------


def test_too_early_is_more_than_a_day_before_the_first_day_in_thailand():
    from datetime import UTC, datetime

    from eventsys.checkin.services import is_too_early

    starts = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # 10 March, 09:00 in Bangkok
    assert not is_too_early(starts, at=datetime(2027, 3, 8, 17, 0, tzinfo=UTC))  # 9 March 00:00 Bangkok
    assert is_too_early(starts, at=datetime(2027, 3, 8, 16, 59, tzinfo=UTC))  # 8 March 23:59 Bangkok
    assert not is_too_early(starts, at=datetime(2027, 3, 12, 2, 0, tzinfo=UTC))  # after: late uploads
    assert is_too_early(starts, at=datetime(2026, 4, 10, 2, 0, tzinfo=UTC))  # eleven months before


@pytest.fixture
def early_door(make_user, make_event, assign_staff, make_checkin_registration):
    """An event eleven months ahead, its staff member and a confirmed registration."""
    owner = make_user("organizer")
    event = make_event(owner=owner, starts_at=utcnow() + timedelta(days=330))
    staff = make_user("staff")
    assign_staff(staff, event)
    return event, staff, make_checkin_registration(event)


def _bearer(user) -> dict[str, str]:
    from eventsys.accounts.services import create_token

    db.session.rollback()
    token = create_token(db.session, user=user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _check_ins() -> int:
    from eventsys.checkin.models import CheckIn

    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CheckIn))


def test_the_check_in_api_refuses_a_scan_long_before_the_event_unless_confirmed(
    client, early_door, ticket_token
):
    event, staff, registration = early_door
    headers = _bearer(staff)
    body = {"event_id": event.id, "token": ticket_token(registration)}
    refused = client.post("/api/v1/checkins", json=body, headers=headers)
    assert refused.status_code == 409 and refused.json["error"] == "too_early", refused.json
    assert "confirm_early" in refused.json["message"]
    assert (
        client.post("/api/v1/checkins", json={**body, "confirm_early": 1}, headers=headers).status_code == 422
    )
    batch = client.post(
        "/api/v1/checkins/batch",
        json={"event_id": event.id, "items": [{"token": body["token"]}]},
        headers=headers,
    )
    assert batch.status_code == 200 and batch.json["results"][0]["error"] == "too_early"
    assert _check_ins() == 0
    confirmed = client.post("/api/v1/checkins", json={**body, "confirm_early": True}, headers=headers)
    assert confirmed.status_code == 200 and confirmed.json["result"] == "checked_in"
    batch = client.post(
        "/api/v1/checkins/batch",
        json={"event_id": event.id, "items": [{"token": body["token"]}], "confirm_early": True},
        headers=headers,
    )
    assert batch.json["results"][0]["result"] == "already_checked_in"
    assert _check_ins() == 1
    paths = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "confirm_early" in paths["CheckInRequest"]["properties"]


def test_event_day_and_the_day_before_scan_as_before(
    client, make_user, make_event, assign_staff, make_checkin_registration, ticket_token
):
    staff = make_user("staff")
    headers = _bearer(staff)
    for starts in (utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=20)):
        event = make_event(owner=make_user("organizer"), starts_at=starts)
        assign_staff(staff, event)
        registration = make_checkin_registration(event)
        answer = client.post(
            "/api/v1/checkins",
            json={"event_id": event.id, "token": ticket_token(registration)},
            headers=headers,
        )
        assert answer.status_code == 200 and answer.json["result"] == "checked_in"


def test_the_scanner_asks_once_before_accepting_scans_long_before_the_event(client, early_door, login):
    event, staff, registration = early_door
    login(staff)
    page = client.get(f"/checkin/{event.id}/").get_data(as_text=True)
    assert 'id="early-door"' in page and 'id="checkin"' not in page
    # search check-in and walk-in are refused until confirmed
    manual = client.post(f"/checkin/{event.id}/manual", json={"registration_id": registration.id})
    assert manual.status_code == 409 and manual.json["error"] == "too_early"
    walk_in = client.post(
        f"/checkin/{event.id}/walk-in",
        data={"first_name": "เดินเข้า", "last_name": "ก่อนวัน", "phone": "0812345699", "province": "10"},
        follow_redirects=True,
    )
    assert "ไม่ใช่วันจัดงาน" in walk_in.get_data(as_text=True)
    assert _check_ins() == 0
    assert client.post(f"/checkin/{event.id}/open-early").status_code == 302
    page = client.get(f"/checkin/{event.id}/").get_data(as_text=True)
    assert 'id="checkin"' in page and 'data-confirm-early="1"' in page and 'id="early-banner"' in page
    manual = client.post(f"/checkin/{event.id}/manual", json={"registration_id": registration.id})
    assert manual.status_code == 200 and manual.json["result"] == "checked_in"
    assert _check_ins() == 1


def test_a_kiosk_started_long_before_the_event_greets_only_if_the_door_was_opened(
    app, early_door, ticket_token
):
    from tests.conftest import PASSWORD

    event, staff, registration = early_door
    token = ticket_token(registration)
    for opened, expected in ((False, 409), (True, 200)):
        tablet = app.test_client()
        assert tablet.post("/login", data={"email": staff.email, "password": PASSWORD}).status_code == 302
        if opened:
            assert tablet.post(f"/checkin/{event.id}/open-early").status_code == 302
        assert tablet.post(f"/checkin/{event.id}/kiosk").status_code == 302
        answer = tablet.post(f"/kiosk/{event.id}/scan", json={"token": token})
        assert answer.status_code == expected, answer.get_json()
    assert _check_ins() == 1

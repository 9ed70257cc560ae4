"""The check-in JSON API and pages through the test client: contract, refusals, scoping, export."""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import func, select

from eventsys.accounts.services import create_token
from eventsys.checkin.models import CheckIn
from eventsys.db import db


@pytest.fixture
def bearer(app):
    def make(user) -> dict[str, str]:
        db.session.rollback()
        token = create_token(db.session, user=user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


def check_ins() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CheckIn))


def test_check_in_contract(client, door, make_checkin_registration, ticket_token, bearer):
    event, _owner, staff = door
    registration = make_checkin_registration(event)
    headers = bearer(staff)
    body = {"event_id": event.id, "token": ticket_token(registration), "client_id": str(uuid.uuid4())}
    first = client.post(
        "/api/v1/checkins", json={**body, "scanned_at": "2015-11-01T09:42:00+07:00"}, headers=headers
    )
    assert first.status_code == 200, first.json
    assert first.json["result"] == "checked_in"
    assert first.json["attendee"] == {
        "name": "นายสมชาย1 ใจดี",
        "organization": "สำนักงานพัฒนาสังคม",
        "province": "กรุงเทพมหานคร",
    }
    assert first.json["checked_in_at"] == "2015-11-01T02:42:00+00:00"
    resend = client.post("/api/v1/checkins", json=body, headers=headers)
    assert resend.json["result"] == "checked_in" and resend.json["id"] == first.json["id"]
    again = client.post("/api/v1/checkins", json={**body, "client_id": str(uuid.uuid4())}, headers=headers)
    assert again.json["result"] == "already_checked_in"
    assert again.json["checked_in_by"] == staff.display_name
    assert check_ins() == 1


@pytest.mark.parametrize(
    ("status", "code", "http"),
    [
        ("cancelled", "cancelled", 409),
        ("waitlisted", "not_confirmed", 409),
        ("pending", "not_confirmed", 409),
    ],
)
def test_refusals(client, door, make_checkin_registration, ticket_token, bearer, status, code, http):
    event, _owner, staff = door
    registration = make_checkin_registration(event, status=status)
    response = client.post(
        "/api/v1/checkins",
        json={"event_id": event.id, "token": ticket_token(registration)},
        headers=bearer(staff),
    )
    assert (response.status_code, response.json["error"]) == (http, code)
    # a genuine ticket: door staff see whose it is, to explain
    assert response.json["attendee"]["name"] == registration.volunteer.full_name
    assert check_ins() == 0


def test_invalid_and_wrong_event_and_forbidden(
    client, door, make_event, make_user, make_checkin_registration, ticket_token, bearer
):
    event, owner, staff = door
    headers = bearer(staff)
    token = ticket_token(make_checkin_registration(event))
    tampered = client.post(
        "/api/v1/checkins",
        json={"event_id": event.id, "token": token[:-1] + ("B" if token.endswith("A") else "A")},
        headers=headers,
    )
    assert (tampered.status_code, tampered.json["error"]) == (404, "invalid_ticket")
    assert "attendee" not in tampered.json
    db.session.rollback()
    other = make_event(owner=owner)
    wrong = client.post(
        "/api/v1/checkins",
        json={"event_id": event.id, "token": ticket_token(make_checkin_registration(other))},
        headers=headers,
    )
    assert (wrong.status_code, wrong.json["error"]) == (409, "wrong_event")
    # the staff member is not assigned to ``other``: swapping the event id is refused
    forbidden = client.post("/api/v1/checkins", json={"event_id": other.id, "token": token}, headers=headers)
    assert (forbidden.status_code, forbidden.json["error"]) == (403, "forbidden")
    assert client.get(f"/api/v1/events/{other.id}/attendance", headers=headers).json["error"] == "forbidden"
    stranger = bearer(make_user("organizer"))
    assert (
        client.post(
            "/api/v1/checkins", json={"event_id": event.id, "token": token}, headers=stranger
        ).status_code
        == 403
    )
    assert check_ins() == 0


def test_bad_input_is_422(client, door, bearer):
    event, _owner, staff = door
    headers = bearer(staff)
    for body in [{"token": "x"}, {"event_id": "1", "token": "x"}, {"event_id": event.id},
                 {"event_id": event.id, "token": "x", "client_id": "nope"},
                 {"event_id": event.id, "token": "x", "scanned_at": "yesterday"},
                 {"event_id": event.id, "token": "x", "scanned_at": "2015-11-01T09:00:00"}]:  # fmt: skip
        response = client.post("/api/v1/checkins", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json["error"] == "invalid"
    assert (
        client.post(
            "/api/v1/checkins", data="[]", headers={**headers, "Content-Type": "application/json"}
        ).status_code
        == 400
    )


def test_batch_and_undo_and_attendance(client, door, make_checkin_registration, ticket_token, bearer):
    event, owner, staff = door
    headers, owner_headers = bearer(staff), bearer(owner)
    alice, bob = make_checkin_registration(event), make_checkin_registration(event)
    same = str(uuid.uuid4())
    items = [
        {"token": ticket_token(alice), "client_id": same, "scanned_at": "2015-11-01T02:10:00Z"},
        {"token": ticket_token(alice), "client_id": same, "scanned_at": "2015-11-01T02:10:00Z"},
        {"token": ticket_token(bob), "client_id": str(uuid.uuid4()), "session_id": event.sessions[0].id},
        {"token": "bogus"},
    ]
    db.session.rollback()
    response = client.post(
        "/api/v1/checkins/batch", json={"event_id": event.id, "items": items}, headers=headers
    )
    assert response.status_code == 200
    results = response.json["results"]
    assert [r.get("result", r.get("error")) for r in results] == [
        "checked_in",
        "checked_in",
        "checked_in",
        "invalid_ticket",
    ]
    assert results[0]["id"] == results[1]["id"]
    counts = client.get(f"/api/v1/events/{event.id}/attendance", headers=owner_headers).json
    assert counts["confirmed"] == 2 and counts["checked_in"] == 1
    assert counts["sessions"] == [
        {"id": event.sessions[0].id, "title": event.sessions[0].title, "checked_in": 1},
        {"id": event.sessions[1].id, "title": event.sessions[1].title, "checked_in": 0},
    ]
    undo = client.post(f"/api/v1/checkins/{results[0]['id']}/undo", headers=headers)
    assert undo.status_code == 200
    assert client.post(f"/api/v1/checkins/{results[0]['id']}/undo", headers=headers).status_code == 404
    assert check_ins() == 1


def test_openapi_lists_the_contract(client):
    document = client.get("/api/v1/openapi.json").json
    for path in ["/checkins", "/checkins/batch", "/events/{id}/attendance", "/checkins/{id}/undo"]:
        assert path in document["paths"], path
    assert document["components"]["schemas"]["CheckInResult"]["properties"]["result"]["enum"] == [
        "checked_in", "already_checked_in",
    ]  # fmt: skip


def test_pages_are_scoped_to_the_staff_events(
    client, door, make_event, make_user, make_checkin_registration, login
):
    event, owner, staff = door
    other = make_event(owner=make_user("organizer"), title="งานของคนอื่น")
    login(staff)
    index = client.get("/checkin/").get_data(as_text=True)
    assert event.title in index and "งานของคนอื่น" not in index
    assert client.get(f"/checkin/{event.id}/").status_code == 200
    assert client.get(f"/checkin/{other.id}/").status_code == 403
    assert client.get(f"/checkin/{other.id}/tickets.json").status_code == 403
    assert client.get(f"/checkin/{other.id}/kiosk").status_code == 403
    assert client.get(f"/manage/events/{event.id}/attendance").status_code == 403  # organizers only
    target = make_checkin_registration(event, first_name="มานี", national_id_tail="1234")
    found = client.get(f"/checkin/{event.id}/search?q=1234").json["results"]
    assert [p["registration_id"] for p in found] == [target.id]
    answer = client.post(f"/checkin/{event.id}/manual", json={"registration_id": target.id})
    assert answer.json["result"] == "checked_in"
    other_person = make_checkin_registration(other)
    refused = client.post(f"/checkin/{event.id}/manual", json={"registration_id": other_person.id})
    assert refused.status_code == 404
    assert check_ins() == 1


def test_kiosk_greets_by_name_only(client, door, make_checkin_registration, ticket_token, login, make_event):
    from eventsys.audit import AuditLog

    event, owner, staff = door
    registration = make_checkin_registration(event, first_name="มานะ")
    other = make_event(owner=owner)
    login(staff)
    assert "<form" in client.get(f"/checkin/{event.id}/kiosk").text
    started = client.post(f"/checkin/{event.id}/kiosk")
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/kiosk/{event.id}")
    # the device is no longer logged in: the staff pages are out of reach from the tablet
    for staff_page in (f"/checkin/{event.id}/", f"/checkin/{event.id}/search?q=มานะ", "/checkin/"):
        assert "/login" in client.get(staff_page).headers.get("Location", ""), staff_page
    assert client.get(f"/kiosk/{other.id}").status_code == 403  # only its own event
    page = client.get(f"/kiosk/{event.id}").text
    assert "/checkin/" not in page and f"/kiosk/{event.id}/scan" in page  # no staff links
    answer = client.post(f"/kiosk/{event.id}/scan", json={"token": ticket_token(registration)}).json
    assert answer == {"result": "checked_in", "name": "นายมานะ"}
    assert client.post(f"/kiosk/{event.id}/scan", json={"token": "x.y"}).json == {"error": "invalid_ticket"}
    assert client.post(f"/kiosk/{other.id}/scan", json={"token": "x.y"}).status_code == 403
    db.session.rollback()
    logged = db.session.scalars(select(AuditLog).where(AuditLog.action == "checkin.check_in")).all()
    assert [entry.actor_id for entry in logged] == [staff.id]  # recorded as the staff member's


def test_a_stranger_has_no_kiosk(client, door):
    event, _owner, _staff = door
    assert client.get(f"/kiosk/{event.id}").status_code == 403
    assert client.post(f"/kiosk/{event.id}/scan", json={"token": "x.y"}).status_code == 403


def test_live_attendance_and_exports(client, door, make_checkin_registration, ticket_token, bearer, login):
    event, owner, staff = door
    here = make_checkin_registration(event, organization='=HYPERLINK("http://evil")')
    absent = make_checkin_registration(event, first_name="ขาดไป")
    client.post(
        "/api/v1/checkins", json={"event_id": event.id, "token": ticket_token(here)}, headers=bearer(staff)
    )
    login(owner)
    assert client.get(f"/manage/events/{event.id}/attendance").status_code == 200
    data = client.get(f"/manage/events/{event.id}/attendance.json").json
    assert data["checked_in"] == 1 and data["confirmed"] == 2
    assert [p["name"] for p in data["missing"]] == [absent.volunteer.full_name]
    assert sum(b["count"] for b in data["arrivals"]) == 1
    csv_text = client.get(f"/manage/events/{event.id}/attendance.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff")
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(client.get(f"/manage/events/{event.id}/attendance.xlsx").data))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values and absent.volunteer.full_name in values


def test_service_worker_is_scoped_to_checkin(client):
    response = client.get("/checkin/sw.js")
    assert response.status_code == 200 and "javascript" in response.content_type
    assert response.headers["Service-Worker-Allowed"] == "/checkin/"

"""The JSON API contract: paths, fields, status codes and error shapes."""

from __future__ import annotations

from datetime import timedelta

from eventsys.accounts.services import create_token
from eventsys.db import db, utcnow
from tests.fixtures.registration import national_id


def _token(user) -> dict:
    token = create_token(db.session, user=user, name="test")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _person(n: int, **kw) -> dict:
    body = {
        "prefix": "นาย", "first_name": f"สมชาย{n}", "last_name": "ใจดี", "national_id": national_id(n),
        "phone": f"089{n:07d}", "email": f"p{n}@example.org", "province": "ขอนแก่น", "consent": True,
    }  # fmt: skip
    body.update(kw)
    return body


def test_create_event_then_register_waitlist_full_and_repeat(client, make_user):
    headers = _token(make_user("organizer"))
    response = client.post(
        "/api/v1/events",
        json={
            "title": "Workshop",
            "description": "d",
            "venue": "Hall",
            "starts_at": "2030-01-15T09:00:00+07:00",
            "ends_at": "2030-01-15T16:00:00+07:00",
            "capacity": 1,
            "registration_opens_at": "2020-01-01T00:00:00+07:00",
            "waitlist": True,
            "requires_approval": False,
            "status": "published",
            "sessions": [
                {
                    "title": "Opening",
                    "starts_at": "2030-01-15T09:00:00+07:00",
                    "ends_at": "2030-01-15T10:00:00+07:00",
                    "room": "A",
                }
            ],
        },  # fmt: skip
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert event["slug"] and event["sessions"][0]["id"] and event["sessions"][0]["title"] == "Opening"
    assert client.get(f"/api/v1/events/{event['id']}", headers=headers).get_json()["id"] == event["id"]

    url = f"/api/v1/events/{event['id']}/registrations"
    first = client.post(url, json=_person(1))
    assert first.status_code == 201
    body = first.get_json()
    assert set(body) == {"registration_id", "status", "ticket_token", "manage_url"}
    assert body["status"] == "confirmed" and body["ticket_token"] and "/r/" in body["manage_url"]
    second = client.post(url, json=_person(2)).get_json()
    assert second["status"] == "waitlisted" and second["ticket_token"] is None
    again = client.post(url, json=_person(1, first_name="อื่น"))  # on file: a code, never the registration
    assert again.status_code == 202 and again.get_json()["status"] == "verification_required"
    assert "registration_id" not in again.get_json()

    listing = client.get(url + "?status=waitlisted&per_page=10", headers=headers).get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == second["registration_id"]

    cancel = client.post(f"/api/v1/registrations/{body['registration_id']}/cancel", headers=headers)
    assert cancel.status_code == 200 and cancel.get_json()["promoted"] == [second["registration_id"]]


def test_error_shapes(client, make_event, make_user, now):
    soon = utcnow() + timedelta(days=10)
    full = make_event(capacity=0, waitlist_enabled=False, starts_at=soon)
    draft = make_event(status="draft", starts_at=soon)
    closed = make_event(registration_closes_at=utcnow() - timedelta(days=1), starts_at=soon)
    for event, code in (
        (full, "event_full"),
        (draft, "registration_closed"),
        (closed, "registration_closed"),
    ):
        response = client.post(f"/api/v1/events/{event.id}/registrations", json=_person(5))
        assert response.status_code == 409 and response.get_json()["error"] == code, response.get_json()
    invalid = client.post(
        f"/api/v1/events/{full.id}/registrations", json=_person(6, phone="1", consent=False)
    )
    assert invalid.status_code == 422
    # registering rests on the public task: the old "consent" flag is accepted and ignored
    assert invalid.get_json()["error"] == "invalid" and set(invalid.get_json()["fields"]) == {"phone"}
    assert client.post("/api/v1/events", json={}).status_code == 401
    bad = client.post("/api/v1/events", json={"title": ""}, headers=_token(make_user("organizer")))
    assert bad.status_code == 422 and {"title", "starts_at", "ends_at"} <= set(bad.get_json()["fields"])


def test_organizers_only_see_their_own_events(client, make_event, make_user):
    owner, other = make_user("organizer"), make_user("organizer")
    event = make_event(owner=owner)
    assert client.get(f"/api/v1/events/{event.id}", headers=_token(other)).status_code == 403
    assert client.get(f"/api/v1/events/{event.id}/registrations", headers=_token(other)).status_code == 403
    assert client.get(f"/api/v1/events/{event.id}", headers=_token(make_user("admin"))).status_code == 200


def test_cancel_with_the_manage_token_and_not_with_a_forged_one(client, make_event):
    event = make_event(capacity=3, starts_at=utcnow() + timedelta(days=10))
    body = client.post(f"/api/v1/events/{event.id}/registrations", json=_person(9)).get_json()
    token = body["manage_url"].rsplit("/", 1)[-1]
    forged = client.post(
        f"/api/v1/registrations/{body['registration_id']}/cancel", headers={"X-Manage-Token": token + "x"}
    )
    assert forged.status_code == 403
    assert client.post(f"/api/v1/registrations/{body['registration_id']}/cancel").status_code == 401
    ok = client.post(
        f"/api/v1/registrations/{body['registration_id']}/cancel", headers={"X-Manage-Token": token}
    )
    assert ok.status_code == 200 and ok.get_json()["status"] == "cancelled"

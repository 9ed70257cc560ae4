"""Malformed JSON bodies against every POST operation of /api/v1/openapi.json (issue 14):
a body nested 1,000 deep, and every documented string field sent as a list, a number or an
object. Each gets a 4xx naming the field (never a 500) and nothing is stored."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from eventsys.accounts.services import create_token
from eventsys.checkin.models import CheckIn
from eventsys.db import db
from eventsys.events.models import Event
from eventsys.registration.models import Registration
from eventsys.volunteers.models import Volunteer
from eventsys.web import MAX_JSON_DEPTH
from tests.fixtures.registration import national_id

BAD_VALUES = [["<b>x</b>", 1], 7, {"a": "b"}]


@pytest.fixture
def api(client, make_user, make_event):
    """An organizer's token, an open event, and a valid body for each POST operation."""
    user = make_user("organizer")
    event = make_event(owner=user, sessions=1)
    token = create_token(db.session, user=user, name="test")
    db.session.commit()
    times = {"starts_at": "2030-01-15T09:00:00+07:00", "ends_at": "2030-01-15T16:00:00+07:00"}
    valid = {
        "/events": {"title": "Workshop", "description": "d", "venue": "Hall", **times,
                    "sessions": [{"title": "Opening", "room": "A", **times}]},
        "/events/{event_id}/registrations": {
            "prefix": "นาย", "first_name": "สมชาย", "last_name": "ใจดี", "national_id": national_id(1),
            "phone": "0891234567", "email": "p1@example.org", "province": "ขอนแก่น", "language": "th",
            "organization": "อบต.", "network_type": "อสม.",
        },
        "/events/{event_id}/ticket-recovery": {"phone": "0891234567"},
        "/verifications/{verification_id}": {"code": "123456"},
        "/checkins": {"event_id": event.id, "token": "not-a-ticket"},
        "/checkins/batch": {"event_id": event.id, "items": [{"token": "not-a-ticket"}]},
    }  # fmt: skip
    params = {"event_id": event.id, "id": event.id, "registration_id": 999, "verification_id": "x"}
    document = client.get("/api/v1/openapi.json").get_json()
    return {
        "headers": {"Authorization": f"Bearer {token}"},
        "valid": valid,
        "params": params,
        "doc": document,
    }


def _stored() -> tuple[int, ...]:
    db.session.rollback()
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Event, Registration, Volunteer, CheckIn)
    )


def _post_operations(document: dict) -> list[tuple[str, dict | None]]:
    operations = []
    for path, item in document["paths"].items():
        if "post" in item:
            body = item["post"].get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append((path, body.get("schema")))
    return operations


def _resolve(document: dict, schema: dict | None) -> dict:
    while schema and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def _string_fields(document: dict, schema: dict | None) -> list[tuple[str, ...]]:
    """Paths to every documented string property, also inside lists of objects."""
    fields = []
    for name, prop in _resolve(document, schema).get("properties", {}).items():
        prop = _resolve(document, prop)
        if prop.get("type") == "string":
            fields.append((name,))
        elif prop.get("type") == "array":
            fields.extend((name, 0, *inner) for inner in _string_fields(document, prop.get("items")))
    return fields


def _url(path: str, params: dict) -> str:
    return "/api/v1" + path.format(**params) + "?lang=en"


def test_every_post_operation_is_covered(api):
    paths = [path for path, _schema in _post_operations(api["doc"])]
    assert len(paths) >= 10
    assert all(path in paths for path in api["valid"])


@pytest.mark.parametrize("depth", [1_000, MAX_JSON_DEPTH + 1])
def test_deep_bodies_get_400_everywhere(client, api, depth):
    body = '{"first_name": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    before = _stored()
    for path, schema in _post_operations(api["doc"]):
        response = client.post(
            _url(path, api["params"]), data=body, content_type="application/json", headers=api["headers"]
        )
        assert response.status_code < 500, (path, response.status_code)
        if schema is not None:  # an operation without a documented body may ignore one
            assert 400 <= response.status_code < 500, (path, response.status_code)
        if path in api["valid"]:
            assert response.status_code == 400 and "nested" in response.get_json()["message"], path
    assert _stored() == before


def test_a_body_at_the_depth_limit_is_read(client, api):
    """32 levels are allowed: the error is then about the field, not the nesting."""
    body = {"title": "Workshop", "starts_at": "x", "ends_at": "x", "sessions": []}
    nested: list = []
    for _ in range(MAX_JSON_DEPTH - 3):  # with the object and the sessions list: the limit
        nested = [nested]
    body["sessions"] = [nested]
    response = client.post(_url("/events", {}), json=body, headers=api["headers"])
    assert response.status_code == 422


def test_every_documented_string_field_refuses_other_types(client, api):
    document = api["doc"]
    checked = 0
    before = _stored()
    for path, schema in _post_operations(document):
        if path not in api["valid"]:
            continue
        for field in _string_fields(document, schema):
            for bad in BAD_VALUES:
                body = copy.deepcopy(api["valid"][path])
                target = body
                for key in field[:-1]:
                    target = target[key]
                target[field[-1]] = bad
                response = client.post(_url(path, api["params"]), json=body, headers=api["headers"])
                label = ".".join(str(part) for part in field)
                assert 400 <= response.status_code < 500, (path, label, bad, response.status_code)
                answer = response.get_json()
                if response.status_code == 422:
                    named = json.dumps(answer.get("fields", {}), ensure_ascii=False) + answer["message"]
                    assert field[-1] in named or label in named, (path, label, answer)
                checked += 1
    assert checked >= 3 * 20
    assert _stored() == before


def test_a_list_is_not_stored_as_a_name(client, api):
    """The attack: ``"first_name": ["<b>x</b>", 1]`` was stored as ``"['<b>x</b>', 1]"``."""
    body = {**api["valid"]["/events/{event_id}/registrations"], "first_name": ["<b>x</b>", 1]}
    response = client.post(_url("/events/{event_id}/registrations", api["params"]), json=body)
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"first_name": "first_name: text expected."}
    body = {**api["valid"]["/events"], "waitlist": ["yes"]}
    response = client.post(_url("/events", {}), json=body, headers=api["headers"])
    assert response.status_code == 422 and "waitlist" in response.get_json()["fields"]

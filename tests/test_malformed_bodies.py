"""Every state-changing route of ``app.url_map`` (POST, PUT, PATCH, DELETE) against
malformed bodies (issue 14): broken JSON, JSON of the wrong type or nested without end,
the wrong content type, huge and numerous form fields, bytes that are not UTF-8.

Each request is made as a caller who may use the route (an administrator passes every role
check; the API gets a bearer token), with real ids in the URL so the body is what gets
judged. Nothing answers 5xx. Every API operation that reads a JSON body answers 4xx, as
JSON with a message, and a 422 names its fields. Routes are enumerated, not listed: a new
route meets these bodies the day it is added.
"""

from __future__ import annotations

import re

import pytest

from eventsys.accounts.services import create_token
from eventsys.db import db
from eventsys.registration.tickets import signer

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
#: name → (body, content type)
BODIES: dict[str, tuple[bytes, str]] = {
    "invalid_json": (b'{"title": "x", ', JSON),
    "json_list": (b"[1, 2, 3]", JSON),
    "json_number": (b"7", JSON),
    "json_null": (b"null", JSON),
    "json_nested_100000": (b"[" * 100_000 + b"]" * 100_000, JSON),
    "json_wrong_types": (
        b'{"title": [1], "event_id": {"a": 1}, "token": 7, "items": "x", "first_name": {"b": []},'
        b' "email": [], "phone": {}, "code": [], "national_id": 1.5, "session_id": "one", "starts_at": []}',
        JSON,
    ),
    "json_invalid_utf8": (b'{"title": "\xff\xfe", "first_name": "\xc3\x28"}', JSON),
    "wrong_content_type": (b"title=x&first_name=y", "text/plain"),
    "json_as_form": (b'{"title": "x"}', FORM),
    "huge_form_field": (b"title=" + b"x" * 1_000_000 + b"&first_name=" + b"y" * 1_000_000, FORM),
    "ten_thousand_fields": (b"&".join(b"f%d=1" % i for i in range(10_000)), FORM),
    "invalid_utf8_form": (b"title=\xff\xfe&first_name=%ff%fe&email=\xc3\x28&body=%C3%28", FORM),
    "multipart_without_boundary": (
        b"--x\r\nContent-Disposition: form-data\r\n\r\nbroken",
        "multipart/form-data",
    ),
}
_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>[a-z_]+)>")


@pytest.fixture
def world(app, client, make_user, make_event, make_checkin_registration):
    """An administrator logged in, an API token, and one of each thing a URL can name."""
    admin = make_user("admin")
    other = make_user("staff")
    event = make_event(owner=admin, sessions=1)
    registration = make_checkin_registration(event)
    token = create_token(db.session, user=admin, name="malformed")
    other_token = create_token(db.session, user=other, name="target")
    db.session.commit()
    from eventsys.accounts.models import ApiToken

    values = {
        "event_id": event.id,
        "id": event.id,
        "session_id": event.sessions[0].id,
        "registration_id": registration.id,
        "volunteer_id": registration.volunteer_id,
        "user_id": other.id,  # never the caller: deactivating oneself would end the test
        "token_id": db.session.scalar(db.select(ApiToken.id).where(ApiToken.user_id == other.id)),
        "slug": event.slug,
        "token": signer().manage_token(registration.id, registration.ticket_secret),
        "code": "th",
    }
    assert other_token
    return {"admin": admin, "bearer": {"Authorization": f"Bearer {token}"}, "values": values}


def _url(rule, values: dict) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name in values:
            return str(values[name])
        return "999999" if match.group("converter") == "int" else "x"

    return _PLACEHOLDER.sub(fill, rule.rule)


def _state_changing_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        methods = sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})
        for method in methods:
            yield rule, method


def _reads_json(app, rule) -> bool:
    """An API operation documented with a JSON request body."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
    operation = document["paths"].get(path, {}).get("post", {})
    return "application/json" in operation.get("requestBody", {}).get("content", {})


@pytest.mark.parametrize("body_name", list(BODIES))
def test_no_route_answers_a_malformed_body_with_a_5xx(app, client, login, world, body_name):
    body, content_type = BODIES[body_name]
    login(world["admin"])
    checked = 0
    for rule, method in _state_changing_routes(app):
        url = _url(rule, world["values"])
        api = url.startswith("/api/")
        response = client.open(
            url + "?lang=th",
            method=method,
            data=body,
            content_type=content_type,
            headers=world["bearer"] if api else {},
        )
        where = (body_name, method, rule.rule, response.status_code)
        assert response.status_code < 500, where
        if rule.rule != "/logout":  # the caller was let in: the body, not the log-in, was judged
            assert "/login" not in response.headers.get("Location", ""), where
        if api and _reads_json(app, rule):
            assert 400 <= response.status_code < 500, where
            answer = response.get_json(silent=True)
            assert isinstance(answer, dict) and answer.get("message"), where
            if response.status_code == 422:
                assert answer.get("fields"), (where, answer)  # the field is named
        if rule.rule in ("/logout", "/login", "/lang/<code>", "/checkin/<int:event_id>/kiosk"):
            login(world["admin"])  # a log-out, a log-in form or kiosk mode changed the session
        checked += 1
    assert checked >= 60

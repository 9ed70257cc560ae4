"""The JSON API's bearer authentication and its error shape."""

import pytest

from eventsys.accounts.services import create_token, revoke_token
from eventsys.db import db


@pytest.fixture
def token(make_user):
    user = make_user("organizer")
    value = create_token(db.session, user=user)
    db.session.commit()
    return value


def _assert_json_error(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == code and body["message"]


def test_missing_token(client):
    _assert_json_error(client.get("/api/v1/me"), 401, "unauthorized")


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic abc", "Token abc", "bearer wrong-token"])
def test_malformed_or_wrong_token(client, token, header):
    _assert_json_error(client.get("/api/v1/me", headers={"Authorization": header}), 401, "unauthorized")


def test_valid_token(client, token):
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["role"] == "organizer"


def test_revoked_token(client, token):
    revoke_token(db.session, token=token)
    db.session.commit()
    _assert_json_error(
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized"
    )


def test_api_errors_are_json_never_html(client):
    _assert_json_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    _assert_json_error(client.post("/api/v1/me"), 405, "method_not_allowed")


def test_api_error_message_follows_language(client):
    body = client.get("/api/v1/me", headers={"Cookie": "lang=th"}).get_json()
    assert body["message"] == "กรุณาเข้าสู่ระบบก่อน"
    body = client.get("/api/v1/me?lang=en").get_json()
    assert body["message"] == "Authentication required."


def test_session_login_works_for_reads_but_writes_need_csrf(client, make_user, login, app):
    login(make_user("staff"))
    assert client.get("/api/v1/me").status_code == 200


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/me" in doc["paths"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_api_route_is_in_the_openapi_document(app):
    from eventsys.openapi import openapi_document

    documented = set(openapi_document()["paths"])
    import re

    routes = {  # <int:id> and <path:reference> (a serial holds "/") become {id}, {reference}
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
    }
    assert routes <= documented, routes - documented


def test_method_not_allowed_lists_the_allowed_methods(client):
    response = client.delete("/api/v1/me")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]

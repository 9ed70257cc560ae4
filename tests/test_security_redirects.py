"""No open redirects: every place that follows a user-supplied ``next`` (log-in, the
language switch, the registration buttons) goes only to a path on this site."""

from urllib.parse import quote

import pytest

from eventsys.web import is_safe_redirect
from tests.conftest import PASSWORD

OFF_SITE = [
    "http:evil.test",
    "https:evil.test",
    "//evil.test",
    "///evil.test",
    "/\\evil.test",
    "\\\\evil.test",
    "https://evil.test",
    "HTTPS://evil.test/x",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.test",
    "  /\\evil.test",
    "\t//evil.test",
    "\x00//evil.test",
    "\x0b//evil.test",
    "/\t/evil.test",  # browsers drop tabs and newlines inside a URL: "//evil.test"
    "/\n/evil.test",
    "/\r\n/evil.test",
    "/\u200b/evil.test",
    "evil.test",
    "",
]
ON_SITE = ["/events/1?x=y", "/", "/manage/", "/e/งาน-1?lang=en#top", "/a//b"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_off_site_targets_are_refused(target):
    assert not is_safe_redirect(target)


@pytest.mark.parametrize("target", ON_SITE)
def test_paths_on_this_site_are_accepted(target):
    assert is_safe_redirect(target)


def test_none_is_refused():
    assert not is_safe_redirect(None)


def _query(target: str) -> str:
    return "next=" + quote(target, safe="")


#: ``%2F%2Fevil.test`` as typed in the address bar (decoded once by the server)
RAW_QUERIES = [_query(target) for target in OFF_SITE] + ["next=%2F%2Fevil.test", "next=%2F%5Cevil.test"]


@pytest.mark.parametrize("query", RAW_QUERIES)
def test_language_switch_stays_on_site(client, query):
    response = client.get(f"/lang/en?{query}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("query", ["next=%2F%2Fevil.test", _query("http:evil.test")])
def test_language_switch_by_post_stays_on_site(client, query):
    response = client.post("/lang/th", data=dict([query.split("=", 1)]))
    assert response.headers["Location"] == "/"


def test_language_switch_follows_a_path_and_a_same_site_referrer(client):
    assert (
        client.get("/lang/en", query_string={"next": "/events/1?x=y"}).headers["Location"] == "/events/1?x=y"
    )
    back = client.get("/lang/th", headers={"Referer": "http://localhost/login?next=/manage/"})
    assert back.headers["Location"] == "/login?next=/manage/"
    away = client.get("/lang/th", headers={"Referer": "https://evil.test/x"})
    assert away.headers["Location"] == "/"


@pytest.mark.parametrize("query", RAW_QUERIES)
def test_login_next_stays_on_site(client, make_user, query):
    user = make_user("organizer")
    response = client.post(f"/login?{query}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"


def test_login_next_follows_a_path(client, make_user):
    user = make_user("organizer")
    response = client.post(
        "/login", query_string={"next": "/events/1?x=y"}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/events/1?x=y"


@pytest.mark.parametrize(
    "target", ["//evil.test", "/\\evil.test", "https://evil.test", " //evil.test", "/\t/evil.test"]
)
def test_registration_buttons_next_stays_on_site(
    client, make_user, login, make_event, register_person, person, target
):
    owner = make_user("organizer")
    event = make_event(owner=owner)
    registration, _created = register_person(event, person())
    login(owner)
    url = f"/manage/events/{event.id}/registrations/{registration.id}/cancel"
    response = client.post(url, data={"next": target})
    assert response.headers["Location"] == f"/manage/events/{event.id}/registrations"


def test_registration_buttons_follow_a_path(client, make_user, login, make_event, register_person, person):
    owner = make_user("organizer")
    event = make_event(owner=owner)
    registration, _created = register_person(event, person())
    login(owner)
    url = f"/manage/events/{event.id}/registrations/{registration.id}/cancel"
    assert client.post(url, data={"next": "/events/1?x=y"}).headers["Location"] == "/events/1?x=y"

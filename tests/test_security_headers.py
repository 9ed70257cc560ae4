"""Security headers on pages, the API, static files and error pages; Secure cookies over HTTPS;
ProxyFix from the configuration; oversize bodies answered with 413."""

from pathlib import Path

import pytest

from eventsys import create_app
from eventsys.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, TEST_SECRETS

PATHS = [
    "/",  # page
    "/login",  # page with a form
    "/api/v1/openapi.json",  # API
    "/api/v1/me",  # API error (401)
    "/no-such-page",  # error page (404)
    "/static/css/app.css",  # static file
    "/healthz",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file response holds the file open
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'self'" and policy["base-uri"] == "'self'"
    assert policy["object-src"] == "'none'" and "unsafe" not in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP (a venue LAN): no HSTS


def test_hsts_and_secure_cookies_only_over_https(client, make_user):
    user = make_user("staff")
    plain = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert plain.status_code == 302
    assert "Secure" not in plain.headers["Set-Cookie"]
    assert "HttpOnly" in plain.headers["Set-Cookie"] and "SameSite=Lax" in plain.headers["Set-Cookie"]

    https = client.application.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD}, base_url="https://localhost"
    )
    assert https.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookies = https.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies)
    language = client.get("/lang/en?next=/", base_url="https://localhost")
    assert all("Secure" in c for c in language.headers.getlist("Set-Cookie"))


def test_logged_in_pages_are_not_cached(client, make_user, login):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(make_user("organizer"))
    assert client.get("/manage/").headers["Cache-Control"] == "private, no-store"
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def _proxied_app(tmp_path, monkeypatch, **config):
    monkeypatch.setenv("EVENTSYS_INSTANCE", str(tmp_path / "instance"))
    return create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}", **TEST_SECRETS, **config}
    )


def test_forwarded_headers_are_ignored_unless_configured(tmp_path, monkeypatch):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    direct = _proxied_app(tmp_path, monkeypatch).test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers

    app = _proxied_app(tmp_path, monkeypatch, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    behind = app.test_client().get("/_probe", headers=forwarded)
    assert behind.headers["Strict-Transport-Security"].startswith("max-age=")
    assert seen == {"addr": "203.0.113.9", "secure": True}


def test_proxy_fix_is_read_from_the_environment(tmp_path):
    from eventsys.config import from_environ

    config = from_environ({"PROXY_FIX_X_FOR": "2", "PROXY_FIX_X_PROTO": "1"}, str(tmp_path))
    assert config["PROXY_FIX_X_FOR"] == 2 and config["PROXY_FIX_X_PROTO"] == 1
    assert config["PROXY_FIX_X_HOST"] == 0


@pytest.fixture
def app_config():
    return {"MAX_CONTENT_LENGTH": 1024}


def test_oversize_form_gets_a_friendly_413_page(client):
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "ไฟล์ที่อัปโหลดมีขนาดใหญ่เกินไป" in response.get_data(as_text=True)


def test_oversize_multipart_upload_gets_413(client):
    import io

    data = {"file": (io.BytesIO(b"\0" * 4096), "big.xlsx")}
    response = client.post("/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def test_oversize_api_body_gets_json_413(client):
    response = client.post("/api/v1/me", data=b"{" + b" " * 4096 + b"}", content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


class TestOversizeNotDrained:
    @pytest.fixture
    def app_config(self):
        return {"MAX_CONTENT_LENGTH": 1024, "OVERSIZE_DRAIN_LIMIT": 2048}

    def test_a_huge_body_is_refused_without_being_read(self, client):
        response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
        assert response.status_code == 413


def test_personal_pages_are_never_stored(app, client, make_event, make_user, login):
    """Issue 14: the manage link, the code step, the lost-ticket form and the person's
    certificate showed personal data to an anonymous visitor with no ``no-store``."""
    from datetime import timedelta

    from eventsys.db import utcnow
    from tests.fixtures.registration import national_id

    form = {
        "prefix": "mrs", "first_name": "มาลี", "last_name": "ศรีสุข", "national_id": national_id(7),
        "phone": "0861234567", "email": "malee@example.org", "province": "50", "consent": "y",
    }  # fmt: skip
    organizer = make_user("organizer")
    first = make_event(owner=organizer, capacity=10, starts_at=utcnow() + timedelta(days=10))
    second = make_event(capacity=10, starts_at=utcnow() + timedelta(days=10))
    registered = client.post(f"/e/{first.slug}/register", data=form)
    manage = registered.headers["Location"]
    assert "/r/" in manage
    again = client.post(f"/e/{second.slug}/register", data={**form, "email": "other@example.org"})
    verify = again.headers["Location"]
    assert "/verify/" in verify
    token = manage.split("/r/")[1].split("?")[0]
    ticket = client.get(manage).get_data(as_text=True).split("/ticket/")[1].split("/qr.svg")[0]
    answers = {
        "manage page": client.get(manage),
        "contact change": client.post(f"/r/{token}/contact", data={"phone": "0861234567"}),
        "code step": client.get(verify),
        "lost ticket": client.get(f"/e/{first.slug}/lost-ticket"),
        "lost ticket sent": client.post(f"/e/{first.slug}/lost-ticket", data={"phone": "0861234567"}),
        "form with errors": client.post(f"/e/{first.slug}/register", data={**form, "phone": "12"}),
        "certificate": client.get(f"/r/{token}/certificate.pdf"),
    }
    for name, response in answers.items():
        assert response.headers.get("Cache-Control") == "private, no-store", name
    qr = client.get(f"/ticket/{ticket}/qr.svg")
    assert qr.status_code == 200 and qr.headers["Cache-Control"] == "private, max-age=300"
    assert "no-store" not in client.get(f"/e/{first.slug}").headers.get("Cache-Control", "")
    login(organizer)
    for path in ("/volunteers/", f"/manage/events/{first.id}/registrations"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path


def test_framing_rule_in_the_headers_is_the_one_the_docs_state(client):
    """Issue 14: the docs said framing was forbidden while the header allowed 'self'."""
    response = client.get("/")
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    root = Path(__file__).resolve().parent.parent
    for doc in (root / "README.md", root / "docs" / "deploy.md"):
        text = doc.read_text()
        assert "frame-ancestors 'self'" in text and "frame-ancestors 'none'" not in text, doc
        assert "no framing)" not in text, doc

"""Log-in, log-out and role checks through real HTTP requests."""

import pytest

from tests.conftest import PASSWORD


def test_login_page_is_thai_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="th"' in page and "เข้าสู่ระบบ" in page


def test_login_page_in_english_after_switch(client):
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "lang=en" in response.headers["Set-Cookie"]
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_language_switch_refuses_open_redirects(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_bad_credentials_give_a_generic_thai_message(client, make_user):
    user = make_user("staff")
    for email in (user.email, "nobody@example.org"):
        response = client.post("/login", data={"email": email, "password": "wrong password!"})
        assert response.status_code == 200
        assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in response.get_data(as_text=True)


def test_login_then_dashboard_then_logout(client, make_user, login, make_event):
    user = make_user("organizer", full_name="สมหญิง ประสานงาน")
    make_event(owner=user, title="งานของสมหญิง")
    login(user)
    page = client.get("/manage/").get_data(as_text=True)
    assert "สมหญิง ประสานงาน" in page and "งานของสมหญิง" in page
    assert client.post("/logout").status_code == 302
    assert client.get("/manage/").status_code == 302


def test_login_follows_only_safe_next(client, make_user):
    user = make_user("organizer")
    ok = client.post("/login?next=/admin/users", data={"email": user.email, "password": PASSWORD})
    assert ok.headers["Location"] == "/admin/users"
    client.post("/logout")
    evil = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert evil.headers["Location"] == "/manage/"


def test_locked_account_says_so(client, make_user):
    user = make_user("staff")
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password!"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "ระงับชั่วคราว" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/manage/")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("admin", "/manage/", 200),
        ("organizer", "/manage/", 200),
        ("staff", "/manage/", 200),
        ("admin", "/admin/users", 200),
        ("organizer", "/admin/users", 403),
        ("staff", "/admin/users", 403),
    ],
)
def test_role_access(client, make_user, login, role, path, status):
    login(make_user(role))
    assert client.get(path).status_code == status


def test_dashboard_shows_each_role_its_own_events(client, make_user, login, make_event, app):
    from eventsys.db import db
    from eventsys.events.models import EventStaff

    alice, bob, door = make_user("organizer"), make_user("organizer"), make_user("staff")
    mine = make_event(owner=alice, title="งานของอลิซ")
    make_event(owner=bob, title="งานของบ็อบ")
    db.session.add(EventStaff(event_id=mine.id, user_id=door.id))
    db.session.commit()
    login(alice)
    page = client.get("/manage/").get_data(as_text=True)
    assert "งานของอลิซ" in page and "งานของบ็อบ" not in page
    client.post("/logout")
    login(door)
    page = client.get("/manage/").get_data(as_text=True)
    assert "งานของอลิซ" in page and "งานของบ็อบ" not in page


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_login_without_csrf_token_is_refused(self, client, make_user):
        user = make_user("staff")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        assert "แบบฟอร์มหมดอายุ" in response.get_data(as_text=True)

    def test_logout_without_csrf_token_keeps_the_session(self, client, make_user):
        import re

        user = make_user("staff")
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302
        assert client.post("/logout").status_code == 400
        assert client.get("/manage/").status_code == 200

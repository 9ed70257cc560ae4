"""Sessions end when they should: log-out, password change, reset, deactivation; the admin
account pages and account commands; token use is recorded; lock-outs reveal no accounts."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsys.accounts import services
from eventsys.accounts.models import ApiToken, Role, User
from eventsys.audit import AuditLog
from eventsys.db import db
from eventsys.errors import Conflict
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new password"


def _log_in(client, user, password=PASSWORD, remember=False):
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _replay(app, **cookies):
    """A new browser holding only the given cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _logged_in(client) -> bool:
    return client.get("/manage/").status_code == 200


def _token(user, name="scanner"):
    value = services.create_token(db.session, user=user, name=name)
    db.session.commit()
    return value


def _api_status(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _fresh(user) -> User:
    db.session.rollback()
    return db.session.get(User, user.id)


def _actions():
    db.session.rollback()
    return [row.action for row in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]


# --- log-out --------------------------------------------------------------------------------


def test_logout_ends_the_session_cookie_and_the_remember_cookie(app, client, make_user):
    user = make_user("organizer")
    _log_in(client, user, remember=True)
    session_cookie, remember_cookie = _cookie(client, "session"), _cookie(client, "remember_token")
    assert session_cookie and remember_cookie
    # before log-out, each cookie on its own is a working log-in (so the replays below can fail)
    assert _logged_in(_replay(app, session=session_cookie))
    assert _logged_in(_replay(app, remember_token=remember_cookie))

    assert client.post("/logout").status_code == 302
    assert not _logged_in(client)
    assert not _logged_in(_replay(app, session=session_cookie))
    assert not _logged_in(_replay(app, remember_token=remember_cookie))
    assert not _logged_in(_replay(app, session=session_cookie, remember_token=remember_cookie))
    assert "user.logout" in _actions()


def test_logout_ends_the_same_account_on_other_devices(app, client, make_user):
    user = make_user("staff")
    _log_in(client, user)
    phone = app.test_client()
    _log_in(phone, user)
    client.post("/logout")
    assert not _logged_in(phone)


def test_remember_cookie_changes_with_the_session_version(app, client, make_user):
    user = make_user("staff")
    _log_in(client, user, remember=True)
    first = _cookie(client, "remember_token")
    client.post("/logout")
    _log_in(client, user, remember=True)
    second = _cookie(client, "remember_token")
    assert first != second
    assert _logged_in(_replay(app, remember_token=second))
    assert not _logged_in(_replay(app, remember_token=first))


def test_session_id_carries_the_version(make_user):
    user = make_user("staff")
    assert user.get_id() == f"{user.id}:0"
    assert services.user_for_session(db.session, f"{user.id}:0") is user
    for stale in (f"{user.id}", f"{user.id}:1", f"{user.id}:x", "x:0", ""):
        assert services.user_for_session(db.session, stale) is None


# --- password change, deactivation ----------------------------------------------------------


def test_own_password_change_ends_other_sessions_and_tokens(app, client, make_user):
    user = make_user("organizer")
    token = _token(user)
    laptop = app.test_client()
    _log_in(laptop, user, remember=True)
    remember_cookie = _cookie(laptop, "remember_token")
    _log_in(client, user)

    wrong = client.post(
        "/account/password",
        data={"current_password": "not my password", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "รหัสผ่านปัจจุบันไม่ถูกต้อง" in wrong.get_data(as_text=True)
    assert _logged_in(laptop) and _api_status(client, token) == 200

    done = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert _logged_in(client)  # this device carries on
    assert not _logged_in(laptop)
    assert not _logged_in(_replay(app, remember_token=remember_cookie))
    assert _api_status(app.test_client(), token) == 401
    client.post("/logout")
    _log_in(client, user, password=NEW_PASSWORD)
    assert "user.password_change" in _actions()


def test_password_change_needs_matching_and_valid_new_passwords(client, make_user):
    user = make_user("staff")
    _log_in(client, user)
    for new, confirm in [(NEW_PASSWORD, NEW_PASSWORD + "x"), ("short", "short"), (PASSWORD, PASSWORD)]:
        response = client.post(
            "/account/password", data={"current_password": PASSWORD, "new_password": new, "confirm": confirm}
        )
        assert response.status_code == 200
    assert _fresh(user).session_version == 0


def test_admin_deactivation_ends_sessions_and_tokens(app, client, make_user, login):
    user, admin = make_user("staff"), make_user("admin")
    token = _token(user)
    device = app.test_client()
    _log_in(device, user, remember=True)
    remember_cookie = _cookie(device, "remember_token")
    login(admin)

    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert not _logged_in(device)
    assert not _logged_in(_replay(app, remember_token=remember_cookie))
    assert _api_status(device, token) == 401
    refused = device.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "user.deactivate" in _actions()

    assert client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    _log_in(device, user)
    assert _api_status(device, token) == 401  # old tokens stay revoked


def test_deactivation_revokes_every_token(make_user, now):
    user = make_user("staff")
    _token(user, "a"), _token(user, "b")
    services.deactivate(db.session, user=user, actor=None, now=now)
    db.session.commit()
    assert all(t.revoked_at == now for t in db.session.scalars(select(ApiToken)))


# --- last admin -----------------------------------------------------------------------------


def test_the_last_admin_cannot_deactivate_or_demote_themselves(client, make_user, login):
    admin = make_user("admin")
    login(admin)
    client.post(f"/admin/users/{admin.id}/deactivate")
    client.post(f"/admin/users/{admin.id}/role", data={"role": "organizer"})
    assert _fresh(admin).is_active and _fresh(admin).role == Role.ADMIN
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "ผู้ดูแลระบบคนสุดท้าย" in page

    db.session.rollback()  # the test's session reads afresh before it writes (SQLite snapshot)
    other = make_user("admin")
    assert client.post(f"/admin/users/{admin.id}/role", data={"role": "organizer"}).status_code == 302
    assert _fresh(admin).role == Role.ORGANIZER
    with pytest.raises(Conflict):
        services.deactivate(db.session, user=_fresh(other), actor=None, now=services.utcnow())


# --- reset password, unlock -----------------------------------------------------------------


def _temporary_password(page: str) -> str:
    return re.search(r'<code class="temporary-password">([^<]+)</code>', page).group(1)


def test_reset_password_forces_the_change_page(app, client, make_user, login):
    user, admin = make_user("organizer"), make_user("admin")
    token = _token(user)
    device = app.test_client()
    _log_in(device, user)
    login(admin)
    page = client.post(f"/admin/users/{user.id}/reset-password")
    assert page.status_code == 200
    temporary = _temporary_password(page.get_data(as_text=True))
    assert not _logged_in(device) and _api_status(device, token) == 401
    assert "user.password_reset" in _actions()

    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    landed = fresh.post("/login?next=/manage/", data={"email": user.email, "password": temporary})
    assert landed.headers["Location"] == "/account/password"
    for path in ("/manage/", "/admin/users", "/manage/events/1"):
        response = fresh.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/password", path
    api = fresh.get("/api/v1/me")
    assert api.status_code == 403 and api.get_json()["error"] == "password_change_required"
    assert fresh.get("/account/password").status_code == 200

    fresh.post(
        "/account/password",
        data={"current_password": temporary, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert _logged_in(fresh)
    assert not _fresh(user).must_change_password


def test_unlock_through_the_admin_page(app, client, make_user, login):
    user, admin = make_user("staff"), make_user("admin")
    device = app.test_client()
    for _ in range(services.MAX_FAILED_LOGINS):
        device.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert device.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 403
    login(admin)
    assert "ถูกล็อก" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{user.id}/unlock").status_code == 302
    fresh = _fresh(user)
    assert fresh.locked_until is None and fresh.failed_logins == 0
    _log_in(device, user)
    assert "user.unlock" in _actions()


# --- admin pages ----------------------------------------------------------------------------


def test_admin_adds_an_account_with_a_one_time_password(app, client, make_user, login):
    login(make_user("admin"))
    page = client.post(
        "/admin/users", data={"email": "New@Example.org", "full_name": "สมชาย", "role": "staff"}
    )
    assert page.status_code == 200
    temporary = _temporary_password(page.get_data(as_text=True))
    db.session.rollback()
    created = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert created.role == Role.STAFF and created.must_change_password
    response = app.test_client().post("/login", data={"email": "new@example.org", "password": temporary})
    assert response.headers["Location"] == "/account/password"
    taken = client.post("/admin/users", data={"email": "new@example.org", "role": "staff"})
    assert taken.status_code == 200 and "มีบัญชีที่ใช้อีเมลนี้อยู่แล้ว" in taken.get_data(as_text=True)
    assert "user.create" in _actions()


def test_admin_lists_and_revokes_tokens(app, client, make_user, login):
    user, admin, other = make_user("staff"), make_user("admin"), make_user("staff")
    token = _token(user, name="ประตูหน้า")
    assert _api_status(app.test_client(), token) == 200
    login(admin)
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "ประตูหน้า" in page
    stored = db.session.scalars(select(ApiToken)).one()
    assert client.post(f"/admin/users/{user.id}/tokens/{stored.id}/revoke").status_code == 302
    assert _api_status(app.test_client(), token) == 401
    assert "ยกเลิกแล้วเมื่อ" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert client.post(f"/admin/users/{other.id}/tokens/{stored.id}/revoke").status_code == 404
    assert "token.revoke" in _actions()


def test_admin_pages_are_admin_only(client, make_user, login):
    user = make_user("organizer")
    login(user)
    assert client.get(f"/admin/users/{user.id}").status_code == 403
    assert client.post(f"/admin/users/{user.id}/reset-password").status_code == 403
    assert client.post(f"/admin/users/{user.id}/role", data={"role": "admin"}).status_code == 403
    assert _fresh(user).role == Role.ORGANIZER


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_admin_buttons_need_the_csrf_token(self, client, make_user):
        admin, user = make_user("admin"), make_user("staff")
        page = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf})
        for action in ("deactivate", "reset-password", "unlock"):
            assert client.post(f"/admin/users/{user.id}/{action}").status_code == 400
        assert _fresh(user).is_active and _fresh(user).session_version == 0
        page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": csrf})
        assert not _fresh(user).is_active


# --- command line ---------------------------------------------------------------------------


def test_cli_account_commands(app, runner, make_user):
    user = make_user("staff")
    make_user("admin", email="boss@example.org")
    assert runner.invoke(args=["set-role", user.email, "--role", "organizer"]).exit_code == 0
    assert _fresh(user).role == Role.ORGANIZER
    assert runner.invoke(args=["deactivate-user", user.email.upper()]).exit_code == 0
    assert not _fresh(user).is_active
    assert runner.invoke(args=["reactivate-user", user.email]).exit_code == 0
    assert _fresh(user).is_active

    result = runner.invoke(args=["reset-password", user.email])
    assert result.exit_code == 0
    temporary = re.search(r"One-time password: (\S+)", result.output).group(1)
    fresh = _fresh(user)
    assert fresh.must_change_password and services.authenticate(
        db.session, email=user.email, password=temporary
    )
    db.session.rollback()

    fresh.locked_until, fresh.failed_logins = services.utcnow() + timedelta(minutes=5), 3
    db.session.commit()
    assert runner.invoke(args=["unlock-user", user.email]).exit_code == 0
    assert _fresh(user).locked_until is None and _fresh(user).failed_logins == 0

    assert runner.invoke(args=["deactivate-user", "nobody@example.org"]).exit_code != 0
    refused = runner.invoke(args=["set-role", "boss@example.org", "--role", "staff"])
    assert refused.exit_code != 0 and "ผู้ดูแลระบบคนสุดท้าย" in refused.output
    actions = _actions()
    for action in (
        "user.role_change",
        "user.deactivate",
        "user.reactivate",
        "user.password_reset",
        "user.unlock",
    ):
        assert action in actions


def test_cli_lists_and_revokes_tokens_by_id_or_value(app, client, runner, make_user):
    user = make_user("staff")
    first, second = _token(user, "door-1"), _token(user, "door-2")
    assert _api_status(client, first) == 200
    listing = runner.invoke(args=["list-tokens", user.email])
    assert listing.exit_code == 0
    lines = {line.split("\t")[1]: line for line in listing.output.splitlines()}
    assert "last used" in lines["door-1"] and "never used" in lines["door-2"]
    first_id = lines["door-1"].split("\t")[0]

    assert runner.invoke(args=["revoke-token", first_id]).exit_code == 0
    assert _api_status(client, first) == 401 and _api_status(client, second) == 200
    assert runner.invoke(args=["revoke-token", second]).exit_code == 0
    assert _api_status(client, second) == 401
    assert "revoked" in runner.invoke(args=["list-tokens", user.email]).output
    assert runner.invoke(args=["revoke-token", "evs_no-such-token"]).exit_code != 0
    assert runner.invoke(args=["revoke-token", "99999"]).exit_code != 0
    assert _actions().count("token.revoke") == 2


# --- token use, lock-out --------------------------------------------------------------------


def test_token_use_is_stored_even_though_the_request_rolls_back(client, make_user):
    token = _token(make_user("organizer"))
    assert _api_status(client, token) == 200
    db.session.rollback()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_token_use_is_stored_on_a_refused_call(client, make_user):
    token = _token(make_user("staff"))
    response = client.post("/api/v1/events/1/certificates", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (403, 404)
    db.session.rollback()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_token_use_is_touched_at_most_once_a_minute(make_user, now):
    user = make_user("staff")
    token = _token(user)
    services.user_for_token(db.session, token, now=now)
    services.user_for_token(db.session, token, now=now + timedelta(seconds=30))
    db.session.rollback()
    assert db.session.scalar(select(ApiToken.last_used_at)) == now
    services.user_for_token(db.session, token, now=now + timedelta(seconds=61))
    db.session.rollback()
    assert db.session.scalar(select(ApiToken.last_used_at)) == now + timedelta(seconds=61)


def _login_answer(client, email, password):
    response = client.post("/login", data={"email": email, "password": password})
    error = re.search(r'id="password-error" role="alert">([^<]*)<', response.get_data(as_text=True))
    return response.status_code, error.group(1) if error else None


def test_lockout_answers_are_the_same_for_known_and_unknown_emails(client, make_user):
    user = make_user("staff")
    answers = {}
    for email in (user.email, "nobody@example.org"):
        answers[email] = [
            _login_answer(client, email, "wrong password!") for _ in range(services.MAX_FAILED_LOGINS)
        ]
        answers[email].append(_login_answer(client, email, PASSWORD))
    known, unknown = answers[user.email], answers["nobody@example.org"]
    assert known == unknown
    assert known[0] == (200, "อีเมลหรือรหัสผ่านไม่ถูกต้อง")
    assert known[-1][0] == 403 and "ระงับชั่วคราว" in known[-1][1]


def test_unknown_email_lock_expires_like_an_account_lock(app, now):
    for _ in range(services.MAX_FAILED_LOGINS):
        with pytest.raises(services.LoginFailed):
            services.authenticate(db.session, email="Nobody@Example.org", password="x", now=now)
    with pytest.raises(services.AccountLocked):
        services.authenticate(db.session, email="nobody@example.org", password="x", now=now)
    later = now + services.LOCKOUT + timedelta(seconds=1)
    with pytest.raises(services.LoginFailed):
        services.authenticate(db.session, email="nobody@example.org", password="x", now=later)

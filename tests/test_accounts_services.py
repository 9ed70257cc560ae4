"""Account rules, called directly: hashing, log-in throttling, tokens."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsys.accounts import services
from eventsys.accounts.models import ApiToken, Role
from eventsys.audit import AuditLog
from eventsys.db import db
from eventsys.errors import Conflict, RuleViolation
from tests.conftest import PASSWORD


def test_password_is_hashed_with_argon2id(make_user):
    user = make_user("organizer")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_email_is_unique_case_insensitively(make_user):
    make_user("staff", email="Somsri@Example.org")
    with pytest.raises(Conflict):
        services.create_user(db.session, email="somsri@example.org ", role=Role.STAFF, password=PASSWORD)


@pytest.mark.parametrize("password", ["short", "12345678901234"])
def test_weak_passwords_are_refused(app, password):
    with pytest.raises(RuleViolation) as error:
        services.create_user(db.session, email="a@example.org", role=Role.STAFF, password=password)
    assert error.value.fields.keys() == {"password"}


def test_authenticate_success_resets_failures(make_user, now):
    user = make_user("staff")
    user.failed_logins = 3
    found = services.authenticate(db.session, email=user.email.upper(), password=PASSWORD, now=now)
    assert found is user and user.failed_logins == 0 and user.last_login_at == now


def test_unknown_email_wrong_password_and_inactive_fail_alike(make_user, now):
    user = make_user("staff")
    messages = set()
    for email, password in [("nobody@example.org", PASSWORD), (user.email, "wrong password!")]:
        with pytest.raises(services.LoginFailed) as error:
            services.authenticate(db.session, email=email, password=password, now=now)
        messages.add(str(error.value.message))
    user.is_active = False
    with pytest.raises(services.LoginFailed) as error:
        services.authenticate(db.session, email=user.email, password=PASSWORD, now=now)
    messages.add(str(error.value.message))
    assert len(messages) == 1


def test_lockout_after_repeated_failures(make_user, now):
    user = make_user("staff")
    for _ in range(services.MAX_FAILED_LOGINS):
        with pytest.raises(services.LoginFailed):
            services.authenticate(db.session, email=user.email, password="wrong password!", now=now)
    with pytest.raises(services.AccountLocked):
        services.authenticate(db.session, email=user.email, password=PASSWORD, now=now)
    later = now + services.LOCKOUT + timedelta(seconds=1)
    assert services.authenticate(db.session, email=user.email, password=PASSWORD, now=later) is user
    failures = db.session.scalars(select(AuditLog).where(AuditLog.action == "user.login_failed")).all()
    assert len(failures) == services.MAX_FAILED_LOGINS


def test_token_stored_only_as_hash_and_revocable(make_user, now):
    user = make_user("organizer")
    token = services.create_token(db.session, user=user)
    db.session.commit()
    stored = db.session.scalars(select(ApiToken)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert services.user_for_token(db.session, token) is user
    assert services.user_for_token(db.session, token + "x") is None
    assert services.revoke_token(db.session, token=token, now=now)
    assert services.user_for_token(db.session, token) is None


def test_token_of_deactivated_user_is_refused(make_user):
    user = make_user("organizer")
    token = services.create_token(db.session, user=user)
    user.is_active = False
    assert services.user_for_token(db.session, token) is None

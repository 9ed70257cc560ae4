"""Account rules: password hashing, log-in with throttling, API tokens.

Passwords are hashed with argon2id (argon2-cffi defaults: t=3, m=64 MiB, p=4), which meets
OWASP ASVS guidance. After ``MAX_FAILED_LOGINS`` failures in a row an account is locked for
``LOCKOUT``; the error shown stays generic so nobody learns which e-mails exist.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update

from eventsys import audit
from eventsys.accounts.models import ApiToken, Role, User
from eventsys.db import begin_write, utcnow
from eventsys.errors import Conflict, PermissionDenied, RuleViolation

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()
#: verified against when the e-mail is unknown, so both cases take the same time
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    """Raise RuleViolation unless the password is at least 10 characters, not all digits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            _l("Password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if password.isdigit():
        raise RuleViolation(_l("Password must not be only digits."), field="password")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(session, *, email: str, role: Role, password: str, full_name: str = "") -> User:
    """Create an account; raises Conflict if the e-mail is taken, RuleViolation on a weak password."""
    email = normalise_email(email)
    check_password_rules(password)
    if session.scalar(select(User).where(User.email == email)):
        raise Conflict(_l("An account with this e-mail already exists."), field="email")
    user = User(email=email, role=Role(role), password_hash=hash_password(password), full_name=full_name)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)


class LoginFailed(PermissionDenied):
    code = "login_failed"


class AccountLocked(PermissionDenied):
    code = "account_locked"


def authenticate(session, *, email: str, password: str, now: datetime | None = None) -> User:
    """Return the active user with these credentials.

    Raises LoginFailed (generic: the same for an unknown e-mail, a wrong password and a
    deactivated account) or AccountLocked after too many failures in a row.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        _verify(_DUMMY_HASH, password)
        raise LoginFailed(_l("Incorrect e-mail or password."))
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(
            _l("Too many failed attempts. This account is locked for a few minutes; try again later.")
        )
    if not _verify(user.password_hash, password) or not user.is_active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        audit.record(session, actor=None, action="user.login_failed", target=user, now=now)
        raise LoginFailed(_l("Incorrect e-mail or password."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session, *, user: User, name: str = "") -> str:
    """Create an API token for ``user`` and return it; only its hash is kept."""
    token = "evs_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=_token_hash(token), name=name))
    session.flush()
    return token


#: how stale ``ApiToken.last_used_at`` may get before a call updates it
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


#: every API call starts here: one prepared round trip for the token and its owner
_TOKEN_OWNER = (
    select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        User.is_active.is_(True),
    )
)


def user_for_token(session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user owning an unrevoked token, or None."""
    if not token or len(token) > 200:
        return None
    row = session.execute(_TOKEN_OWNER, {"token_hash": _token_hash(token)}).first()
    if row is None:
        return None
    user, token_id, last_used_at = row
    now = now or utcnow()
    # Touch at most once a minute: a write on every call would serialise all API writers
    # on this one row (PostgreSQL row lock, SQLite write lock).
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_INTERVAL:
        begin_write(session)  # on SQLite: a write after a read needs the write lock first
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return user


def revoke_token(session, *, token: str, now: datetime | None = None) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None:
        return False
    row.revoked_at = now or utcnow()
    return True


def user_by_email(session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))

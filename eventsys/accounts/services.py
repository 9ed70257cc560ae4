"""Account rules: password hashing, log-in with throttling, sessions, API tokens, and what
admins do to accounts.

Passwords are hashed with argon2id (argon2-cffi defaults: t=3, m=64 MiB, p=4), which meets
OWASP ASVS guidance. After ``MAX_FAILED_LOGINS`` failures in a row an e-mail address is
locked for ``LOCKOUT``, whether or not it has an account, and the answers are the same for
both, so nobody learns which e-mails exist.

Sessions: ``User.session_version`` is part of the id in the session and remember-me cookies
(``User.get_id``); :func:`end_sessions` raises it, which ends every session of the user on
every device. Logging out, a password change, a reset and a deactivation all do so; the
last three also revoke the user's API tokens.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import scoped_session

from eventsys import audit
from eventsys.accounts.models import ApiToken, LoginFailure, Role, User
from eventsys.db import lock_name, utcnow
from eventsys.errors import Conflict, NotFound, PermissionDenied, RuleViolation

log = logging.getLogger(__name__)

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


def _locked() -> AccountLocked:
    return AccountLocked(
        _l("Too many failed attempts. This account is locked for a few minutes; try again later.")
    )


#: failures for an unknown address are forgotten after this long without another
LOGIN_FAILURE_MEMORY = timedelta(days=1)


def _fail_unknown_email(session, *, email: str, password: str, now: datetime) -> NoReturn:
    """Count a failed log-in for an address without an account, as an account's would be
    counted, and raise what an account in the same state would raise (same steps, same time)."""
    email_hash = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    lock_name(session, f"login_failure:{email_hash}")
    failure = session.get(LoginFailure, email_hash)
    if failure is not None and failure.locked_until and failure.locked_until > now:
        raise _locked()
    _verify(_DUMMY_HASH, password)
    if failure is None:
        session.execute(delete(LoginFailure).where(LoginFailure.last_failed_at < now - LOGIN_FAILURE_MEMORY))
        failure = LoginFailure(email_hash=email_hash, failed_logins=0)
        session.add(failure)
    failure.failed_logins += 1
    failure.last_failed_at = now
    if failure.failed_logins >= MAX_FAILED_LOGINS:
        failure.locked_until = now + LOCKOUT
        failure.failed_logins = 0
    session.flush()
    raise LoginFailed(_l("Incorrect e-mail or password."))


def authenticate(session, *, email: str, password: str, now: datetime | None = None) -> User:
    """Return the active user with these credentials.

    Raises LoginFailed (generic: the same for an unknown e-mail, a wrong password and a
    deactivated account) or AccountLocked after too many failures in a row.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        _fail_unknown_email(session, email=email, password=password, now=now)
    if user.locked_until and user.locked_until > now:
        raise _locked()
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
        _touch_token(session, token_id=token_id, now=now)
    return user


def _touch_token(session, *, token_id: int, now: datetime) -> None:
    """Record a token's use in a short transaction of its own, committed at once.

    The request's own transaction is rolled back after every read and every refusal, which
    took the touch with it; a separate connection commits it whatever the request does.

    SQLite: the separate transaction queues for the write lock like any writer (``BEGIN
    IMMEDIATE``) and holds it for one UPDATE. The session's read-only transaction is ended
    first: a snapshot older than the touch could never become a writer ("database is
    locked"). If the session is already writing (it holds the lock, or has unflushed
    changes), the touch joins it instead, as waiting for our own lock would deadlock. Best
    effort: a failed touch is logged and the call goes on.
    """
    touch = update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
    if isinstance(session, scoped_session):
        session = session()
    engine = session.get_bind()
    if engine.dialect.name == "sqlite" and session.in_transaction():
        writing = session.connection().get_execution_options().get("sqlite_immediate")
        if writing or session.new or session.dirty or session.deleted:
            session.execute(touch)
            return
        session.commit()  # only reads so far: nothing is lost, the next read starts afresh
    try:
        with engine.connect() as connection:
            connection.execution_options(sqlite_immediate=True)
            with connection.begin():
                connection.execute(touch)
    except DBAPIError as error:
        log.warning("could not record the use of API token %s: %s", token_id, error.orig)


def revoke_token(session, *, token: str, now: datetime | None = None) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None:
        return False
    row.revoked_at = now or utcnow()
    return True


def find_token(session, reference: str) -> ApiToken | None:
    """The token named by its id (as listed by admins) or by its raw value."""
    reference = reference.strip()
    if reference.isdigit():
        return session.get(ApiToken, int(reference))
    if not reference or len(reference) > 200:
        return None
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(reference)))


def tokens_of(session, *, user: User) -> list[ApiToken]:
    """A user's tokens, newest first, revoked ones included (they say when)."""
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    )


def revoke_api_token(session, *, api_token: ApiToken, actor: User | None, now: datetime) -> None:
    """Revoke one token (revoking it again changes nothing and logs nothing)."""
    if api_token.revoked_at is not None:
        return
    api_token.revoked_at = now
    audit.record(
        session,
        actor=actor,
        action="token.revoke",
        target=api_token,
        details={"user_id": api_token.user_id, "name": api_token.name},
        now=now,
    )


# --- sessions -------------------------------------------------------------------------------


def user_for_session(session, session_id: str) -> User | None:
    """The active user a session or remember-me id ("<id>:<version>") still stands for.

    None for a malformed id, an unknown or deactivated user, or a version that has moved
    on since the cookie was issued (logged out, password changed, deactivated).
    """
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def end_sessions(session, *, user: User, now: datetime, revoke_tokens: bool = True) -> int:
    """End every session of ``user`` on every device and, unless told not to, revoke all
    their API tokens. Returns how many tokens were revoked."""
    user.session_version += 1
    if not revoke_tokens:
        return 0
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def log_out(session, *, user: User, now: datetime) -> None:
    """Logging out ends the session everywhere it was used (copied cookies included);
    API tokens are kept: they are separate credentials with their own revocation."""
    end_sessions(session, user=user, now=now, revoke_tokens=False)
    audit.record(session, actor=user, action="user.logout", target=user, now=now)


# --- passwords ------------------------------------------------------------------------------


def change_password(session, *, user: User, current_password: str, new_password: str, now: datetime) -> None:
    """A user sets a new password of their own; the current one must be given.

    Ends all their sessions and revokes their tokens (the caller starts a fresh session for
    the device in use). Raises RuleViolation on ``current_password`` or ``new_password``.
    """
    if not _verify(user.password_hash, current_password):
        raise RuleViolation(_l("The current password is not correct."), field="current_password")
    if new_password == current_password:
        raise RuleViolation(_l("Choose a password different from the current one."), field="new_password")
    try:
        check_password_rules(new_password)
    except RuleViolation as error:
        raise RuleViolation(error.message, field="new_password") from error
    set_password(user, new_password)
    user.must_change_password = False
    revoked = end_sessions(session, user=user, now=now)
    audit.record(
        session,
        actor=user,
        action="user.password_change",
        target=user,
        details={"tokens_revoked": revoked},
        now=now,
    )


def reset_password(session, *, user: User, actor: User | None, now: datetime) -> str:
    """An admin resets a password: returns a one-time password to hand over. The user must
    choose a new one at the next log-in; their sessions and tokens end now, and a lock-out
    is lifted."""
    temporary = generate_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    revoked = end_sessions(session, user=user, now=now)
    audit.record(
        session,
        actor=actor,
        action="user.password_reset",
        target=user,
        details={"tokens_revoked": revoked},
        now=now,
    )
    return temporary


def generate_password() -> str:
    """A random password for handing over once (16 URL-safe characters, ~96 bits)."""
    return secrets.token_urlsafe(12)


# --- administration -------------------------------------------------------------------------


def get_user(session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such account."))
    return user


def add_user(
    session, *, email: str, role: Role, full_name: str, actor: User | None, now: datetime
) -> tuple[User, str]:
    """An admin creates an account with a one-time password (returned) to be changed at
    the first log-in. Raises Conflict if the e-mail is taken."""
    temporary = generate_password()
    user = create_user(session, email=email, role=role, password=temporary, full_name=full_name)
    user.must_change_password = True
    audit.record(
        session, actor=actor, action="user.create", target=user, details={"role": str(role)}, now=now
    )
    return user, temporary


def _ensure_another_admin(session, *, user: User) -> None:
    """Raise Conflict if ``user`` is the only active admin (admins are counted under a lock,
    so two admins demoting each other at once cannot both succeed)."""
    if not (user.is_admin and user.is_active):
        return
    lock_name(session, "accounts:admins")
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict(_l("This is the last active administrator: make someone else an administrator first."))


def deactivate(session, *, user: User, actor: User | None, now: datetime) -> None:
    """Deactivate an account: it cannot log in, its sessions end and its tokens are revoked.
    Raises Conflict for the last active admin."""
    if not user.is_active:
        return
    _ensure_another_admin(session, user=user)
    user.is_active = False
    revoked = end_sessions(session, user=user, now=now)
    audit.record(
        session,
        actor=actor,
        action="user.deactivate",
        target=user,
        details={"tokens_revoked": revoked},
        now=now,
    )


def reactivate(session, *, user: User, actor: User | None, now: datetime) -> None:
    """Let a deactivated account log in again (its old tokens stay revoked)."""
    if user.is_active:
        return
    user.is_active = True
    audit.record(session, actor=actor, action="user.reactivate", target=user, now=now)


def change_role(session, *, user: User, role: Role, actor: User | None, now: datetime) -> None:
    """Give an account another role. Raises Conflict when that would leave no active admin."""
    role = Role(role)
    if user.role == role:
        return
    if role != Role.ADMIN:
        _ensure_another_admin(session, user=user)
    previous = user.role
    user.role = role
    audit.record(
        session,
        actor=actor,
        action="user.role_change",
        target=user,
        details={"from": str(previous), "to": str(role)},
        now=now,
    )


def unlock(session, *, user: User, actor: User | None, now: datetime) -> None:
    """Lift a lock-out and forget the failed attempts."""
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor=actor, action="user.unlock", target=user, now=now)


def user_by_email(session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))

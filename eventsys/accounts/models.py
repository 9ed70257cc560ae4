"""Staff accounts and bearer tokens for the JSON API."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.db import UTCDateTime, db, enum_column, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"  # everything
    ORGANIZER = "organizer"  # own events and the shared volunteer table
    STAFF = "staff"  # check-in at the events assigned to them


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  #: stored lower-cased
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: consecutive failed logins; reset on success (throttling and lock-out)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: part of the id kept in the session and remember-me cookies; raising it (log-out,
    #: password change, deactivation) makes every cookie issued before worthless
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: set by an admin's password reset: the next log-in must choose a new password first
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    def get_id(self) -> str:
        """Flask-Login's session and remember-me id: "<id>:<session_version>", so a cookie
        stops working as soon as the version moves on (the loader compares it)."""
        return f"{self.id}:{self.session_version}"

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only a SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginFailure(db.Model):
    """Failed log-ins for an e-mail address that has no account.

    Counted and locked exactly like an account's ``failed_logins`` / ``locked_until``, so a
    hammered unknown address answers "locked" as a real one would: the answers never tell
    which addresses have an account. Only a SHA-256 of the address is kept.
    """

    __tablename__ = "login_failures"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: rows not touched for a day are deleted when another address fails
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

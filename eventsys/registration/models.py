"""Registrations: one per volunteer per event, carrying the ticket secret."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from eventsys.db import UTCDateTime, db, enum_column, utcnow


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for an organizer's approval
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


#: statuses that hold (or wait for) a seat
ACTIVE_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)


class RegistrationSource(enum.StrEnum):
    SELF = "self"
    STAFF = "staff"
    IMPORT = "import"
    WALK_IN = "walk_in"


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "volunteer_id"),
        Index("ix_registrations_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="RESTRICT"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "registration_status"))
    #: random secret (≥128 bits) behind the QR ticket; rotating it voids old tickets
    ticket_secret: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[RegistrationSource] = mapped_column(
        enum_column(RegistrationSource, "registration_source"), default=RegistrationSource.SELF
    )
    #: answers to the event's questions, keyed by Question.key
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(5), default="th")
    #: the privacy notice version the person was given (every registration records it: the
    #: basis is the public task, not consent); also readable as ``privacy_notice_version``
    consent_version: Mapped[str] = mapped_column(String(40), default="")
    privacy_notice_version = synonym("consent_version")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event = relationship("Event")
    volunteer = relationship("Volunteer")
    check_ins = relationship("CheckIn", back_populates="registration")

    @property
    def holds_seat(self) -> bool:
        return self.status in ACTIVE_STATUSES

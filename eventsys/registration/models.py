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

    @property
    def checked_in_at(self) -> datetime | None:
        """When the person first checked in on any list (the whole event or a session)."""
        times = [check_in.checked_in_at for check_in in self.check_ins]
        return min(times) if times else None


class IdentityVerification(db.Model):
    """A public submission that matched a person on file, waiting for the one-time code
    sent to a contact already on that record. Nothing typed is applied until the code is
    given; the code itself is stored only as an HMAC."""

    __tablename__ = "identity_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the URL and the API carry: random, unguessable, never a row id
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    #: the contact details, answers and choices typed on the form, applied after the code
    submission: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: HMAC-SHA256 of the current code (a new code replaces it)
    code_hash: Mapped[str] = mapped_column(String(64), default="")
    #: the masked destinations the code went to, e.g. ["08x-xxx-5678", "s•••@example.org"]
    sent_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(default=0)
    #: codes sent for this verification (the first and each "send a new code")
    sends: Mapped[int] = mapped_column(default=1)
    #: a keyed hash of the submitter's network address (per-address rate limit)
    client_hash: Mapped[str] = mapped_column(String(32), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    code_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))

    event = relationship("Event")
    volunteer = relationship("Volunteer")


class IdentityReviewStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class IdentityReview(db.Model):
    """A registration held for the organizer's identity check: the person on file has no
    contact a code can reach, or the submitter says they cannot receive it. The organizer
    compares the claim with the record (and an ID card) and decides."""

    __tablename__ = "identity_reviews"
    __table_args__ = (Index("ix_identity_reviews_event_status", "event_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    #: "no_contact" (nothing on file to send a code to) or "cannot_receive" (the submitter's word)
    reason: Mapped[str] = mapped_column(String(20))
    #: the claim as typed: names, contact details, answers, choices
    submission: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[IdentityReviewStatus] = mapped_column(
        enum_column(IdentityReviewStatus, "identity_review_status"), default=IdentityReviewStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))

    event = relationship("Event")
    volunteer = relationship("Volunteer")

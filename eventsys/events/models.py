"""Events, their agenda sessions, door staff and custom registration questions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.db import UTCDateTime, db, enum_column, utcnow


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)  #: public URL name
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    #: link to a map of the venue (shown as "open map"); optional
    map_url: Mapped[str] = mapped_column(String(500), default="")
    #: organising unit printed on sign-in sheets and certificates
    organizer_unit: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: seats; NULL means no limit
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "event_status"), default=EventStatus.DRAFT, index=True
    )
    requires_approval: Mapped[bool] = mapped_column(default=False)
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    #: the printed sign-in sheet has a phone column (off unless the organizer asks: the sheet
    #: lies open at the door, and the finance office needs no phone to pay an allowance)
    signin_shows_phone: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: the organizer who owns the event (admins see every event)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner = relationship("User")
    sessions: Mapped[list[AgendaSession]] = relationship(
        back_populates="event",
        order_by="(AgendaSession.starts_at, AgendaSession.id)",
        cascade="all, delete-orphan",
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="event",
        order_by="(Question.position, Question.id)",
        cascade="all, delete-orphan",
    )
    staff: Mapped[list[EventStaff]] = relationship(back_populates="event", cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class AgendaSession(db.Model):
    """One item of the agenda; it can have its own check-in list and capacity."""

    __tablename__ = "agenda_sessions"
    __table_args__ = (CheckConstraint("ends_at >= starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(String(200), default="")
    #: speakers or facilitators, free text
    speakers: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="sessions")


class EventStaff(db.Model):
    """A staff user assigned to check people in at one event."""

    __tablename__ = "event_staff"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="staff")
    user = relationship("User")


class Question(db.Model):
    """A custom question on an event's registration form."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: stable key under which answers are stored in Registration.answers
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(500))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    #: choices for single/multiple choice, in display order
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="questions")

"""Issued certificates and each event's certificate design."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.db import UTCDateTime, db, utcnow


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("series", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="RESTRICT"), unique=True
    )
    #: the counter the number came from (``services.series_for``; rows issued before
    #: migration i14 keep the pattern text they were numbered under) and the number in it
    series: Mapped[str] = mapped_column(String(120))
    number: Mapped[int]
    serial: Mapped[str] = mapped_column(String(80), unique=True)  #: as printed: "พม. 0001/2558"
    #: random short code for /verify/<code>; the serial is guessable, this is not
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str] = mapped_column(String(500), default="")

    registration = relationship("Registration")

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateDesign(db.Model):
    """How an event's certificates look and who is eligible; one per event."""

    __tablename__ = "certificate_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="เกียรติบัตร")
    #: body with placeholders {name}, {event}, {date}, {hours}
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="th")
    use_thai_digits: Mapped[bool] = mapped_column(default=True)
    paper: Mapped[str] = mapped_column(String(20), default="A4-landscape")
    logo_path: Mapped[str] = mapped_column(String(300), default="")
    background_path: Mapped[str] = mapped_column(String(300), default="")
    #: up to three {"name", "position", "signature_path"}
    signatories: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    serial_pattern: Mapped[str] = mapped_column(String(100), default="{n:04d}/{be_year}")
    #: {"kind": "event"} | {"kind": "min_sessions", "n": 2} | {"kind": "sessions", "ids": [..]}
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: hours printed for {hours}; NULL: the length of the event
    hours: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event = relationship("Event")


class CertificateCounter(db.Model):
    """The last number given in a numbering series; its row is locked while numbers are handed out."""

    __tablename__ = "certificate_counters"

    #: the text a pattern prints around its number, year included (``EV-{n}``, ``{n}/2569``):
    #: patterns that print the same serials share it; numbers restart when the year changes
    series: Mapped[str] = mapped_column(String(120), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)

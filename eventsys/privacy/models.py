"""The privacy notice's versions and each person's consents for optional uses of their data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.db import UTCDateTime, db, utcnow

#: the optional uses a person may consent to, each on its own: registering needs none of them
PURPOSES = ("photos", "news_email", "news_line")


class PrivacyNotice(db.Model):
    """One version of the privacy notice. Registrations record the version they were given,
    so a published version is never changed: a new text is a new version."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "2026-12-v2"; what registrations and consents record
    version: Mapped[str] = mapped_column(String(40), unique=True)
    #: restricted markdown ("## heading", "- item", paragraphs); shown escaped, never as HTML
    body_th: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text, default="")
    data_controller: Mapped[str] = mapped_column(String(300))
    dpo_contact: Mapped[str] = mapped_column(String(500))
    retention: Mapped[str] = mapped_column(String(500))
    #: the newest published version is the current one; None for a draft
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User")

    def body_for(self, locale: str) -> str:
        """The body in ``locale`` ("th" or "en"), the Thai one when no English was written."""
        return self.body_en if locale == "en" and self.body_en.strip() else self.body_th

    def __repr__(self) -> str:
        return f"<PrivacyNotice {self.version}>"


class Consent(db.Model):
    """A person's consent to one optional use: one row per person and purpose, holding the
    latest state (given, or withdrawn since)."""

    __tablename__ = "consents"
    __table_args__ = (
        UniqueConstraint("volunteer_id", "purpose"),
        CheckConstraint("purpose IN ('photos', 'news_email', 'news_line')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(30))  #: one of PURPOSES
    #: the privacy notice version the person had when they gave it
    notice_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: where the latest change came from: "registration", "manage", "api", "staff"
    source: Mapped[str] = mapped_column(String(20))

    volunteer = relationship("Volunteer")

    @property
    def is_given(self) -> bool:
        return self.withdrawn_at is None

    def __repr__(self) -> str:
        return f"<Consent {self.volunteer_id} {self.purpose} {'given' if self.is_given else 'withdrawn'}>"

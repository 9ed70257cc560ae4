"""The volunteer table shared by every event.

A national ID is never stored in plaintext: ``national_id_encrypted`` holds it encrypted
with the configured key, ``national_id_hash`` (a keyed HMAC) finds it, and
``national_id_tail`` (last four digits) is what masked views and "last digits" search use.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.db import UTCDateTime, db, utcnow

#: the networks a person may belong to: the stored value (a code, written as the ministry
#: names it) and what a reader sees. Anything else in ``network_type`` was typed by someone
#: ("other") and is shown as typed.
NETWORK_TYPES = {
    "อพม.": _l("Social development volunteer (OSM)"),
    "เครือข่ายองค์กรชุมชน": _l("Community organization network"),
    "องค์กรปกครองส่วนท้องถิ่น": _l("Local government organization"),
    "หน่วยงานภาครัฐ": _l("Government agency"),
    "สภาเด็กและเยาวชน": _l("Children and youth council"),
    "ภาคประชาสังคม": _l("Civil society"),
    "ภาคเอกชน": _l("Private sector"),
}


def network_label(value: str) -> str:
    """A network type in the reader's language; a typed one as it was typed."""
    return str(NETWORK_TYPES.get(value, value))


def network_code(text: str) -> str:
    """What to store for a network type given by its stored value or by its name in Thai or
    English (a sheet exported in English names "Private sector"); other text as given."""
    if text in NETWORK_TYPES:
        return text
    wanted = text.strip().casefold()
    for code, name in NETWORK_TYPES.items():
        # English is the catalog's source language: a lazy label's message id is its English
        if wanted in (str(name).casefold(), name._args[0].casefold()):
            return code
    return text


def thai_full_name(prefix: str, first_name: str, last_name: str) -> str:
    """ "{title}{first} {last}": no space after a title, as Thai writing has it."""
    return f"{prefix}{first_name} {last_name}".strip()


class Volunteer(db.Model):
    __tablename__ = "volunteers"
    __table_args__ = (
        Index("ix_volunteers_names", "first_name", "last_name"),
        # The list in Thai order, and name search walking that order, read only this index:
        # erased people are left out by its condition, search_text is checked in the index.
        Index(
            "ix_volunteers_live_order",
            "sort_key",
            "id",
            "search_text",
            sqlite_where=text("erased_at IS NULL"),
            postgresql_where=text("erased_at IS NULL"),
        ),
        # PostgreSQL: a trigram index for substring search of 3+ characters (pg_trgm). SQLite
        # gets a plain index on the column (declared on both so no migration check drifts).
        Index(
            "ix_volunteers_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: title code (mr, mrs, miss, …, other) and the title as written (นาย, ว่าที่ร้อยตรี, …)
    prefix_code: Mapped[str] = mapped_column(String(30), default="")
    prefix: Mapped[str] = mapped_column(String(80), default="")
    first_name: Mapped[str] = mapped_column(String(120))  #: Thai (or native) given name
    last_name: Mapped[str] = mapped_column(String(120), default="")
    first_name_en: Mapped[str] = mapped_column(String(120), default="")
    last_name_en: Mapped[str] = mapped_column(String(120), default="")
    national_id_encrypted: Mapped[str | None] = mapped_column(Text)
    #: HMAC-SHA256 of the normalised ID under the configured key; unique per person
    national_id_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    national_id_tail: Mapped[str | None] = mapped_column(String(4), index=True)
    #: for people without a Thai ID (foreign partners)
    passport_no: Mapped[str | None] = mapped_column(String(30), index=True)
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)  #: digits, 0XXXXXXXXX
    #: last four digits of the phone, so "phone ends with …" search uses an index
    phone_tail: Mapped[str] = mapped_column(String(4), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    province_code: Mapped[str] = mapped_column(String(4), default="", index=True)  #: DOPA code
    district: Mapped[str] = mapped_column(String(120), default="")
    organization: Mapped[str] = mapped_column(String(300), default="", index=True)
    #: role or status printed on sign-in sheets, e.g. "อพม."
    position: Mapped[str] = mapped_column(String(200), default="")
    network_type: Mapped[str] = mapped_column(String(60), default="", index=True)
    language: Mapped[str] = mapped_column(String(5), default="th")  #: for e-mail
    consent_version: Mapped[str] = mapped_column(String(40), default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: normalised, lower-cased names (Thai and English) for substring search
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: Thai dictionary-order key of (first name, last name), so SQL can ORDER BY it
    sort_key: Mapped[str] = mapped_column(String(512), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: set when the person's data was anonymised (PDPA erasure); attendance is kept
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def full_name(self) -> str:
        return thai_full_name(self.prefix, self.first_name, self.last_name)

    @property
    def full_name_en(self) -> str:
        return f"{self.first_name_en} {self.last_name_en}".strip()

    @property
    def masked_national_id(self) -> str:
        """``x-xxxx-xxxxx-12-3``: only the last three digits shown."""
        if not self.national_id_tail:
            return ""
        tail = self.national_id_tail
        return f"x-xxxx-xxxxx-{tail[1:3]}-{tail[3]}"

    def __repr__(self) -> str:
        return f"<Volunteer {self.id}>"


# The trigram index needs the pg_trgm extension (``db.create_all`` in tests; the migration
# creates it too).
event.listen(
    Volunteer.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
